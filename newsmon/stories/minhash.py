"""MinHash fingerprints of article bodies, and the near-duplicate lookup over the wire index.

One dispatch republished by many sites differs in headline, furniture, trims and a few
words. Each article's body becomes a set of word 4-gram shingles; two MinHash signatures (the
whole body and its lead) are cut into LSH bands whose keys the store keeps in an indexed
table, so finding candidates is a handful of index lookups whatever the size of the store.
Candidates are verified on a consistent sample of the shingle hashes: a copy is a
near-duplicate when the shorter text is mostly contained in the longer one, which also
catches trimmed copies. The lead signature is what finds those: a copy that keeps the first
paragraphs shares its lead with the original even when the whole-text Jaccard similarity is
low.

``fingerprint_text`` is a pure function of one body (it may run in a cleaning worker);
``find_near_duplicates`` asks a ``WireIndex`` (see ``newsmon.stories.index``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from newsmon.core.story_records import NearDuplicate, WireDoc
from newsmon.core.text import is_volatile
from newsmon.stories.index import WireIndex

__all__ = [
    "MIN_SHINGLES",
    "Fingerprint",
    "NearDuplicate",
    "band_keys",
    "band_keys_of",
    "containment",
    "find_near_duplicates",
    "fingerprint_of",
    "fingerprint_text",
    "index_article",
    "remove_article",
]

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


def content_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    split = [_WORD.findall(line) for line in folded.splitlines() if not is_volatile(line)]
    total = sum(len(words) for words in split)
    kept = [words for words in split if len(words) >= MIN_LINE_WORDS]
    if sum(len(words) for words in kept) * 2 < total:
        kept = split  # a text of short lines: keep them all
    return [word for words in kept for word in words]


def shingle_hashes(words: list[str]) -> np.ndarray:
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
    signature: np.ndarray = ((values * a + b) >> np.uint64(32)).min(axis=1).astype(np.uint32)
    return signature


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
    words = content_words(text)
    if not words:
        return None
    ordered = shingle_hashes(words)
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


def fingerprint_of(doc: WireDoc) -> Fingerprint:
    """Return the fingerprint an index row keeps."""
    return Fingerprint(
        exact_hash=doc.exact_hash,
        shingles=doc.shingles,
        sample_level=doc.sample_level,
        sample=np.frombuffer(doc.sample, dtype=np.uint32),
        signature=np.frombuffer(doc.signature, dtype=np.uint32),
    )


def band_keys_of(doc: WireDoc | None) -> list[int]:
    """Return the LSH band keys a stored index row is filed under (none for short texts)."""
    if doc is None or doc.shingles < MIN_SHINGLES:
        return []
    return band_keys(np.frombuffer(doc.signature, dtype=np.uint32))


def find_near_duplicates(
    index: WireIndex,
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
    for doc in index.exact_matches(fingerprint.exact_hash):
        if doc.article_id != exclude_article_id:
            found[doc.article_id] = NearDuplicate(
                doc.article_id, "exact", 1.0, 1.0, doc.wire_group_id
            )
    hits: Counter[int] = Counter(index.band_hits(fingerprint.band_keys))
    hits.pop(exclude_article_id or -1, None)
    for article_id in list(found):
        hits.pop(article_id, None)
    candidates = [article_id for article_id, _ in hits.most_common(max_candidates)]
    if candidates:
        for doc in index.wire_docs(candidates):
            other = fingerprint_of(doc)
            if other.shingles < MIN_SHINGLES:
                continue
            contained, jaccard, shared = containment(fingerprint, other)
            if contained >= min_containment and shared >= MIN_SHINGLES:
                found[doc.article_id] = NearDuplicate(
                    doc.article_id, "near", contained, jaccard, doc.wire_group_id
                )
    return sorted(found.values(), key=lambda d: (d.kind != "exact", -d.containment, d.article_id))


def index_article(
    index: WireIndex,
    *,
    article_id: int,
    version_id: int,
    source_id: str,
    fingerprint: Fingerprint,
    credit: str | None,
    event_at: str,
    now: datetime,
) -> None:
    """Insert or replace an article's fingerprint and LSH band keys (``event_at``: ISO)."""
    stale = band_keys_of(index.wire_doc(article_id))
    doc = WireDoc(
        article_id=article_id,
        version_id=version_id,
        source_id=source_id,
        exact_hash=fingerprint.exact_hash,
        shingles=fingerprint.shingles,
        sample_level=fingerprint.sample_level,
        sample=fingerprint.sample.tobytes(),
        signature=fingerprint.signature.tobytes(),
        credit=credit,
        event_at=event_at,
    )
    keys = fingerprint.band_keys if fingerprint.shingles >= MIN_SHINGLES else []
    index.save_wire_doc(doc, stale, keys, now)


def remove_article(index: WireIndex, article_id: int, now: datetime) -> None:
    """Drop an article from the index (its text became empty) and from its wire group."""
    old = index.wire_doc(article_id)
    if old is not None:
        index.remove_wire_doc(article_id, band_keys_of(old), now)
