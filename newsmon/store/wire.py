"""The near-duplicate index and wire groups: ``dedupe_docs``, ``lsh_bands``, ``wire_groups``.

``lsh_bands (key, article_id)`` is a WITHOUT ROWID table whose primary key is the index: a
lookup is one B-tree probe per band key whatever the store size, and it survives restarts.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import sqlite_utils

from newsmon.core.clock import iso
from newsmon.core.story_records import NearDuplicate, WireDoc


def _marks(values: list[Any]) -> str:
    return ", ".join("?" * len(values))


# Index rows are read in this column order (``db.execute``: see store/stories.py).
DOC = (
    "article_id, exact_hash, shingles, sample_level, sample, signature, version_id, source_id, "
    "credit, event_at, wire_group_id"
)


def _doc(row: tuple[Any, ...]) -> WireDoc:
    article_id, exact_hash, shingles, level, sample, signature, version_id = row[:7]
    source_id, credit, event_at, group = row[7:]
    return WireDoc(
        article_id=int(article_id),
        exact_hash=int(exact_hash),
        shingles=int(shingles),
        sample_level=int(level),
        sample=sample,
        signature=signature,
        version_id=int(version_id or 0),
        source_id=source_id or "",
        credit=credit,
        event_at=event_at,
        wire_group_id=group,
    )


def exact_matches(db: sqlite_utils.Database, exact_hash: int) -> list[WireDoc]:
    """Return (at most 200) stored articles with this exact body hash."""
    return [
        WireDoc(int(article_id), exact_hash, 0, 0, b"", b"", wire_group_id=group)
        for article_id, group in db.execute(
            "SELECT article_id, wire_group_id FROM dedupe_docs WHERE exact_hash = ? LIMIT 200",
            [exact_hash],
        )
    ]


def band_hits(db: sqlite_utils.Database, keys: list[int]) -> list[int]:
    """Return the article id of every stored band key among ``keys`` (with repeats)."""
    return [
        int(article_id)
        for (article_id,) in db.execute(
            f"SELECT article_id FROM lsh_bands WHERE key IN ({_marks(keys)})", keys
        )
    ]


def wire_docs(db: sqlite_utils.Database, article_ids: list[int]) -> list[WireDoc]:
    """Return the index rows of these articles."""
    return [
        _doc(row)
        for row in db.execute(
            f"SELECT {DOC} FROM dedupe_docs WHERE article_id IN ({_marks(article_ids)})",
            article_ids,
        )
    ]


def wire_doc(db: sqlite_utils.Database, article_id: int) -> WireDoc | None:
    """Return one article's index row."""
    row = db.execute(f"SELECT {DOC} FROM dedupe_docs WHERE article_id = ?", [article_id]).fetchone()
    return None if row is None else _doc(row)


def save_wire_doc(
    db: sqlite_utils.Database, doc: WireDoc, stale_keys: list[int], keys: list[int], now: datetime
) -> None:
    """Insert or replace an article's fingerprint; its band keys ``stale_keys`` become ``keys``."""
    if stale_keys:
        db.conn.executemany(
            "DELETE FROM lsh_bands WHERE key = ? AND article_id = ?",
            [(key, doc.article_id) for key in stale_keys],
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
            doc.article_id,
            doc.version_id,
            doc.source_id,
            doc.exact_hash,
            doc.shingles,
            doc.sample_level,
            doc.sample,
            doc.signature,
            doc.credit,
            doc.event_at,
            iso(now),
        ],
    )
    if keys:
        db.conn.executemany(
            "INSERT OR IGNORE INTO lsh_bands (key, article_id) VALUES (?, ?)",
            [(key, doc.article_id) for key in keys],
        )


def remove_wire_doc(
    db: sqlite_utils.Database, article_id: int, keys: list[int], now: datetime
) -> None:
    """Drop an article from the index (its text became empty) and from its wire group."""
    group = wire_group_of(db, article_id)
    if keys:
        db.conn.executemany(
            "DELETE FROM lsh_bands WHERE key = ? AND article_id = ?",
            [(key, article_id) for key in keys],
        )
    db.execute("DELETE FROM dedupe_docs WHERE article_id = ?", [article_id])
    if group is not None:
        refresh_wire_group(db, group, now)


def wire_group_of(db: sqlite_utils.Database, article_id: int) -> int | None:
    """Return an article's wire group."""
    row = db.execute(
        "SELECT wire_group_id FROM dedupe_docs WHERE article_id = ?", [article_id]
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


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
    previous = wire_group_of(db, article_id)
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
    rows = [
        {"article_id": a, "shingles": s, "event_at": e, "credit": c}
        for a, s, e, c in db.execute(
            "SELECT article_id, shingles, event_at, credit FROM dedupe_docs "
            "WHERE wire_group_id = ?",
            [group_id],
        )
    ]
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


def wire_group_row(db: sqlite_utils.Database, group_id: int) -> dict[str, Any] | None:
    """Return one wire group as stored."""
    for row in db.query("SELECT * FROM wire_groups WHERE id = ?", [group_id]):
        return row
    return None


def wire_copy_rows(db: sqlite_utils.Database, group_id: int) -> list[dict[str, Any]]:
    """Return a wire group's copies with their URLs, earliest first."""
    return list(
        db.query(
            """SELECT d.article_id, a.url, d.source_id, d.credit, d.match_kind, d.containment,
                      d.event_at
               FROM dedupe_docs d LEFT JOIN articles a ON a.id = d.article_id
               WHERE d.wire_group_id = ? ORDER BY d.event_at, d.article_id""",
            [group_id],
        )
    )
