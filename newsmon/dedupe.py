"""Wire copy: exact and near-duplicate detection across outlets, and wire groups.

One dispatch republished by many sites differs in headline, furniture, trims and a few
words. Each article's body becomes a set of word 4-gram shingles; two MinHash signatures (the
whole body and its lead) are cut into LSH bands whose keys live in an indexed SQLite table, so
finding candidates is a handful of index lookups whatever the size of the store. Candidates
are verified on a consistent sample of the shingle hashes: a copy is a near-duplicate when the
shorter text is mostly contained in the longer one, which also catches trimmed copies. The
lead signature is what finds those: a copy that keeps the first paragraphs shares its lead
with the original even when the whole-text Jaccard similarity is low.

Near-duplicates form wire groups with a canonical member (the most complete copy, earliest
first) and the news-agency credit the pages state ("KARSA (AFP) -", "© Reuters").
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import sqlite_utils

from newsmon.core.clock import iso
from newsmon.core.text import is_volatile

SHINGLE_WORDS = 4
WHOLE_BANDS, WHOLE_ROWS = 16, 4  # whole body: a band collides at Jaccard^4
LEAD_BANDS, LEAD_ROWS = 12, 3  # lead: looser, trimmed and edited copies share little else
LEAD_SHINGLES = 80  # the lead signature covers this many first shingles
SAMPLE_MAX = 400  # shingle hashes kept per article for verification (consistent sampling)
MIN_SHINGLES = 40  # shorter texts (log-in walls, captions, briefs) are never grouped
# A line shorter than this is page furniture ("Advertisement", "Photo: AFP") unless the text
# is made of short lines.
MIN_LINE_WORDS = 6
_K_WHOLE = WHOLE_BANDS * WHOLE_ROWS
_K_LEAD = LEAD_BANDS * LEAD_ROWS

# Fixed seeds: signatures are persisted, so the hash family must never change between runs.
_RNG = np.random.default_rng(0x6E65_7773)
_PERM_A = _RNG.integers(1, 2**63, size=_K_WHOLE + _K_LEAD, dtype=np.uint64) * np.uint64(2) + (
    np.uint64(1)
)
_PERM_B = _RNG.integers(0, 2**63, size=_K_WHOLE + _K_LEAD, dtype=np.uint64)
_MIX = _RNG.integers(1, 2**63, size=SHINGLE_WORDS + 2, dtype=np.uint64) * np.uint64(2) + (
    np.uint64(1)
)
_WORD = re.compile(r"\w+")


@dataclass
class Fingerprint:
    """What the near-duplicate index keeps of one article's body."""

    exact_hash: int
    shingles: int  # distinct shingles in the body
    sample_level: int  # a power of two: kept shingle hashes h have h % level == 0
    sample: np.ndarray  # sorted distinct uint32 shingle hashes
    signature: np.ndarray  # uint32 MinHash values: whole body, then lead

    @property
    def band_keys(self) -> list[int]:
        """Return the LSH band keys of this fingerprint (63-bit ints)."""
        return band_keys(self.signature)


@dataclass
class NearDuplicate:
    """A stored article whose body matches (exactly or nearly) the one being indexed."""

    article_id: int
    kind: str  # "exact" | "near"
    containment: float  # share of the shorter text found in the longer one
    jaccard: float
    wire_group_id: int | None


def _content_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    split = [_WORD.findall(line) for line in folded.splitlines() if not is_volatile(line)]
    total = sum(len(words) for words in split)
    kept = [words for words in split if len(words) >= MIN_LINE_WORDS]
    if sum(len(words) for words in kept) * 2 < total:
        kept = split  # a text of short lines: keep them all
    return [word for words in kept for word in words]


def _shingle_hashes(words: list[str]) -> np.ndarray:
    """Return the uint32 hashes of the word shingles of ``words``, in text order."""
    if not words:
        return np.zeros(0, dtype=np.uint32)
    ids = np.fromiter((zlib.crc32(w.encode()) for w in words), dtype=np.uint64, count=len(words))
    width = min(SHINGLE_WORDS, len(ids))
    count = len(ids) - width + 1
    mixed = np.full(count, _MIX[-1], dtype=np.uint64)
    for offset in range(width):
        mixed = mixed * _MIX[-2] + ids[offset : offset + count] * _MIX[offset]
    mixed ^= mixed >> np.uint64(29)
    mixed *= _MIX[0]
    return (mixed >> np.uint64(32)).astype(np.uint32)


def _minhash(hashes: np.ndarray, first: int, count: int) -> np.ndarray:
    if hashes.size == 0:
        return np.full(count, 0xFFFFFFFF, dtype=np.uint32)
    values = hashes.astype(np.uint64)[None, :]
    a = _PERM_A[first : first + count, None]
    b = _PERM_B[first : first + count, None]
    return ((values * a + b) >> np.uint64(32)).min(axis=1).astype(np.uint32)


def band_keys(signature: np.ndarray) -> list[int]:
    """Return one 63-bit key per LSH band (whole-body bands first, then lead bands)."""
    values = signature.astype(np.uint64)
    parts = [
        values[:_K_WHOLE].reshape(WHOLE_BANDS, WHOLE_ROWS),
        values[_K_WHOLE:].reshape(LEAD_BANDS, LEAD_ROWS),
    ]
    out: list[int] = []
    first = 1
    for bands in parts:
        keys = np.arange(first, first + len(bands), dtype=np.uint64) * _MIX[-1]
        for column in range(bands.shape[1]):
            keys = keys * _MIX[-2] + bands[:, column] * _MIX[column]
            keys ^= keys >> np.uint64(31)
        out.extend(int(k) for k in (keys >> np.uint64(1)))
        first += len(bands)
    return out


def fingerprint_text(text: str) -> Fingerprint | None:
    """Return the near-duplicate fingerprint of an article body (None when it has no words)."""
    words = _content_words(text)
    if not words:
        return None
    ordered = _shingle_hashes(words)
    distinct = np.unique(ordered)
    lead = np.unique(ordered[:LEAD_SHINGLES])
    level = 1
    while distinct.size / level > SAMPLE_MAX:
        level *= 2
    sample = distinct[distinct % np.uint32(level) == 0] if level > 1 else distinct
    signature = np.concatenate([_minhash(distinct, 0, _K_WHOLE), _minhash(lead, _K_WHOLE, _K_LEAD)])
    digest = hashlib.blake2b(" ".join(words).encode(), digest_size=8).digest()
    return Fingerprint(
        exact_hash=int.from_bytes(digest, "big") >> 1,
        shingles=int(distinct.size),
        sample_level=level,
        sample=sample.astype(np.uint32),
        signature=signature,
    )


def containment(a: Fingerprint, b: Fingerprint) -> tuple[float, float, int]:
    """Return (containment of the shorter in the longer, Jaccard, shared shingles estimate)."""
    level = max(a.sample_level, b.sample_level)
    sa = a.sample if a.sample_level == level else a.sample[a.sample % np.uint32(level) == 0]
    sb = b.sample if b.sample_level == level else b.sample[b.sample % np.uint32(level) == 0]
    if sa.size == 0 or sb.size == 0:
        return 0.0, 0.0, 0
    shared = int(np.intersect1d(sa, sb, assume_unique=True).size)
    return (
        shared / min(sa.size, sb.size),
        shared / (sa.size + sb.size - shared),
        shared * level,
    )


# --- agency credits -----------------------------------------------------------------------------

_AGENCIES: dict[str, tuple[str, ...]] = {
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "AP": ("AP", "Associated Press"),
    "Reuters": ("Reuters", "REUTERS"),
    "dpa": ("dpa", "DPA", "Deutsche Presse-Agentur"),
    "EFE": ("EFE", "Agencia EFE"),
    "ANSA": ("ANSA",),
    "Lusa": ("Lusa", "LUSA"),
    "Xinhua": ("Xinhua",),
    "Anadolu": ("Anadolu", "Anadolu Agency"),
    "PA": ("PA", "PA Media", "Press Association"),
    "UPI": ("UPI",),
    "Kyodo": ("Kyodo",),
    "Yonhap": ("Yonhap",),
    "Europa Press": ("Europa Press",),
    "Agência Brasil": ("Agência Brasil",),
    "Belga": ("Belga",),
    "ATS": ("ATS", "Keystone-ATS"),
    "TASS": ("TASS",),
    "PTI": ("PTI",),
    "Bernama": ("Bernama",),
}
_NAME_TO_AGENCY = {name: agency for agency, names in _AGENCIES.items() for name in names}
_AGENCY_NAMES = "|".join(sorted(map(re.escape, _NAME_TO_AGENCY), key=len, reverse=True))
# "KARSA (AFP) -", "PARIS, March 5 (Reuters) —", "(AP) —"
_DATELINE = re.compile(
    rf"\((?:[^()]{{0,30}}[/,]\s*)?({_AGENCY_NAMES})(?:[/,][^()]{{0,30}})?\)\.?\s*[-–—:]"
)
# Credit lines: "AFP", "— Reuters", "By AFP", "© AFP 2024", "Source: AP", "avec AFP",
# "By Jane Doe, Reuters", "Copyright 2014 The Associated Press. All rights reserved."
_CREDIT_LINE = re.compile(
    rf"^\s*(?:[-–—©]\s*|\(|by\s+|par\s+|por\s+|source\s*:\s*|fonte\s*:\s*|fuente\s*:\s*|"
    rf"with\s+|avec\s+|com\s+|con\s+|copyright\s+(?:\d{{4}}\s+)?|"
    rf"(?:by|par|por)\s+[^,;|]{{2,40}}[,;|]\s*)*"
    rf"(?:the\s+)?({_AGENCY_NAMES})\b(?!\s*/?\s*(?:photo|image|file|video|graphic))",
    re.IGNORECASE,
)


def detect_credit(text: str, title: str | None = None) -> str | None:
    """Return the news agency a page credits ("AFP", "Reuters"...), or None."""
    match = _DATELINE.search(text[:400])
    if match and _spelt_right(match.group(1)):
        return _NAME_TO_AGENCY.get(match.group(1))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in [*lines[:3], *lines[-3:]]:
        if len(line.split()) > 14 and not line.lower().startswith("copyright"):
            continue
        found = _CREDIT_LINE.match(line)
        if found and _spelt_right(found.group(1)):
            return _agency(found.group(1))
    if title:
        found = re.search(rf"[-–—|]\s*({_AGENCY_NAMES})\s*$", title)
        if found and _spelt_right(found.group(1)):
            return _agency(found.group(1))
    return None


def _spelt_right(name: str) -> bool:
    # Short names ("AP", "PA", "dpa") count only as the agency spells them, so the word
    # "ap" or "pa" in a sentence never credits an agency.
    return len(name) > 5 or name in _NAME_TO_AGENCY


def _agency(name: str) -> str:
    if name in _NAME_TO_AGENCY:
        return _NAME_TO_AGENCY[name]
    lowered = {key.lower(): value for key, value in _NAME_TO_AGENCY.items()}
    return lowered[name.lower()]


# --- the persisted index --------------------------------------------------------------------------


def _row_fingerprint(row: Any) -> Fingerprint:
    return Fingerprint(
        exact_hash=int(row["exact_hash"]),
        shingles=int(row["shingles"]),
        sample_level=int(row["sample_level"]),
        sample=np.frombuffer(row["sample"], dtype=np.uint32),
        signature=np.frombuffer(row["signature"], dtype=np.uint32),
    )


def _rows(db: sqlite_utils.Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def find_near_duplicates(
    db: sqlite_utils.Database,
    fingerprint: Fingerprint,
    *,
    exclude_article_id: int | None = None,
    min_containment: float = 0.6,
    max_candidates: int = 24,
) -> list[NearDuplicate]:
    """Return stored articles whose body matches ``fingerprint``, best match first."""
    found: dict[int, NearDuplicate] = {}
    if fingerprint.shingles < MIN_SHINGLES:
        return []
    for row in _rows(
        db,
        "SELECT article_id, wire_group_id FROM dedupe_docs WHERE exact_hash = ? LIMIT 200",
        [fingerprint.exact_hash],
    ):
        if row["article_id"] != exclude_article_id:
            found[row["article_id"]] = NearDuplicate(
                row["article_id"], "exact", 1.0, 1.0, row["wire_group_id"]
            )
    keys = fingerprint.band_keys
    hits: Counter[int] = Counter(
        article_id
        for (article_id,) in db.execute(
            f"SELECT article_id FROM lsh_bands WHERE key IN ({', '.join('?' * len(keys))})",
            keys,
        )
    )
    hits.pop(exclude_article_id or -1, None)
    for article_id in list(found):
        hits.pop(article_id, None)
    candidates = [article_id for article_id, _ in hits.most_common(max_candidates)]
    if candidates:
        rows = _rows(
            db,
            "SELECT article_id, exact_hash, shingles, sample_level, sample, signature, "
            "wire_group_id FROM dedupe_docs "
            f"WHERE article_id IN ({', '.join('?' * len(candidates))})",
            candidates,
        )
        for row in rows:
            other = _row_fingerprint(row)
            if other.shingles < MIN_SHINGLES:
                continue
            contained, jaccard, shared = containment(fingerprint, other)
            if contained >= min_containment and shared >= MIN_SHINGLES:
                found[row["article_id"]] = NearDuplicate(
                    row["article_id"], "near", contained, jaccard, row["wire_group_id"]
                )
    return sorted(found.values(), key=lambda d: (d.kind != "exact", -d.containment, d.article_id))


def index_article(
    db: sqlite_utils.Database,
    *,
    article_id: int,
    version_id: int,
    source_id: str,
    fingerprint: Fingerprint,
    credit: str | None,
    event_at: datetime,
    now: datetime,
) -> None:
    """Insert or replace an article's fingerprint and LSH band keys."""
    old = db.execute(
        "SELECT signature, shingles FROM dedupe_docs WHERE article_id = ?", [article_id]
    ).fetchone()
    if old is not None and int(old[1]) >= MIN_SHINGLES:
        stale = band_keys(np.frombuffer(old[0], dtype=np.uint32))
        db.conn.executemany(
            "DELETE FROM lsh_bands WHERE key = ? AND article_id = ?",
            [(key, article_id) for key in stale],
        )
    db.execute(
        """INSERT INTO dedupe_docs (article_id, version_id, source_id, exact_hash, shingles,
               sample_level, sample, signature, credit, event_at, indexed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(article_id) DO UPDATE SET version_id = excluded.version_id,
               source_id = excluded.source_id, exact_hash = excluded.exact_hash,
               shingles = excluded.shingles, sample_level = excluded.sample_level,
               sample = excluded.sample, signature = excluded.signature,
               credit = excluded.credit, event_at = excluded.event_at,
               indexed_at = excluded.indexed_at""",
        [
            article_id,
            version_id,
            source_id,
            fingerprint.exact_hash,
            fingerprint.shingles,
            fingerprint.sample_level,
            fingerprint.sample.tobytes(),
            fingerprint.signature.tobytes(),
            credit,
            iso(event_at),
            iso(now),
        ],
    )
    if fingerprint.shingles >= MIN_SHINGLES:
        db.conn.executemany(
            "INSERT OR IGNORE INTO lsh_bands (key, article_id) VALUES (?, ?)",
            [(key, article_id) for key in fingerprint.band_keys],
        )


def link_wire_copy(
    db: sqlite_utils.Database,
    article_id: int,
    matches: list[NearDuplicate],
    now: datetime,
) -> int | None:
    """Put ``article_id`` in the wire group of its matches (creating or merging groups).

    Returns the group id, or None when there is no match (the article then leaves any group
    it was in, e.g. after an edit made it original).
    """
    current = db.execute(
        "SELECT wire_group_id FROM dedupe_docs WHERE article_id = ?", [article_id]
    ).fetchone()
    previous = current[0] if current else None
    if not matches:
        if previous is not None:
            db.execute(
                "UPDATE dedupe_docs SET wire_group_id = NULL WHERE article_id = ?", [article_id]
            )
            refresh_wire_group(db, previous, now)
        return None
    best = matches[0]
    groups = [m.wire_group_id for m in matches if m.wire_group_id is not None]
    if previous is not None:
        groups.append(previous)
    if groups:
        group_id = min(groups)
    else:
        cursor = db.execute(
            """INSERT INTO wire_groups (canonical_article_id, members, first_seen, last_seen)
               VALUES (?, 0, ?, ?)""",
            [best.article_id, iso(now), iso(now)],
        )
        group_id = int(cursor.lastrowid or 0)
    members = {article_id, *(m.article_id for m in matches)}
    for other in sorted(set(groups) - {group_id}):
        db.execute(
            "UPDATE dedupe_docs SET wire_group_id = ? WHERE wire_group_id = ?", [group_id, other]
        )
        db.execute("DELETE FROM wire_groups WHERE id = ?", [other])
    db.conn.executemany(
        "UPDATE dedupe_docs SET wire_group_id = ? WHERE article_id = ?",
        [(group_id, member) for member in sorted(members)],
    )
    db.execute(
        "UPDATE dedupe_docs SET match_article_id = ?, match_kind = ?, containment = ? "
        "WHERE article_id = ?",
        [best.article_id, best.kind, round(best.containment, 4), article_id],
    )
    refresh_wire_group(db, group_id, now)
    return group_id


def refresh_wire_group(db: sqlite_utils.Database, group_id: int, now: datetime) -> None:
    """Recompute a group's canonical member, credit, size and dates (dissolve it below 2)."""
    rows = _rows(
        db,
        "SELECT article_id, shingles, event_at, credit FROM dedupe_docs WHERE wire_group_id = ?",
        [group_id],
    )
    if len(rows) < 2:
        db.execute(
            "UPDATE dedupe_docs SET wire_group_id = NULL WHERE wire_group_id = ?", [group_id]
        )
        db.execute("DELETE FROM wire_groups WHERE id = ?", [group_id])
        return
    most = max(int(r["shingles"]) for r in rows)
    # The most complete copies (within 10% of the longest), earliest of those first.
    complete = [r for r in rows if int(r["shingles"]) >= 0.9 * most]
    canonical = min(complete, key=lambda r: (r["event_at"] or "", r["article_id"]))
    credits = Counter(r["credit"] for r in rows if r["credit"])
    credit = canonical["credit"] or (credits.most_common(1)[0][0] if credits else None)
    times = sorted(r["event_at"] for r in rows if r["event_at"])
    db.execute(
        """UPDATE wire_groups SET canonical_article_id = ?, credit = ?, members = ?,
               first_seen = ?, last_seen = ? WHERE id = ?""",
        [
            canonical["article_id"],
            credit,
            len(rows),
            times[0] if times else iso(now),
            times[-1] if times else iso(now),
            group_id,
        ],
    )


def wire_group_members(db: sqlite_utils.Database, group_id: int) -> list[int]:
    """Return the article ids of a wire group."""
    return [
        int(r[0])
        for r in db.execute(
            "SELECT article_id FROM dedupe_docs WHERE wire_group_id = ? ORDER BY article_id",
            [group_id],
        )
    ]


def remove_article(db: sqlite_utils.Database, article_id: int, now: datetime) -> None:
    """Drop an article from the index (its text became empty) and from its wire group."""
    row = db.execute(
        "SELECT signature, shingles, wire_group_id FROM dedupe_docs WHERE article_id = ?",
        [article_id],
    ).fetchone()
    if row is None:
        return
    if int(row[1]) >= MIN_SHINGLES:
        db.conn.executemany(
            "DELETE FROM lsh_bands WHERE key = ? AND article_id = ?",
            [(key, article_id) for key in band_keys(np.frombuffer(row[0], dtype=np.uint32))],
        )
    db.execute("DELETE FROM dedupe_docs WHERE article_id = ?", [article_id])
    if row[2] is not None:
        refresh_wire_group(db, int(row[2]), now)
