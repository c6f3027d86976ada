"""Stories and their indexes: ``stories``, ``story_articles``, ``story_postings``,
``story_events`` and the frequency tables ``term_df``, ``line_df``, ``story_meta``; and
stories as the report and the export read them.

``StoryStore(db)`` is the story stage's index (``newsmon.stories.index.StoryIndex`` and
``StoryReads``) over these tables and the wire-copy ones (``newsmon.store.wire``); the
module-level functions take the database first, as the rest of the store does.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlite_utils

from newsmon.core.clock import iso
from newsmon.core.story_records import (
    Member,
    MemberText,
    NearDuplicate,
    Story,
    StoryChanges,
    StoryEvent,
    WireDoc,
)
from newsmon.store import wire

_CHUNK = 900  # bound parameters per statement, under SQLite's limit


def _marks(values: list[Any]) -> str:
    return ", ".join("?" * len(values))


# Records are built from rows of these columns, in this order (``db.execute`` rather than
# ``db.query`` on the per-article path: sqlite-utils wraps each query in a savepoint, three
# statements where one does).
MEMBER = (
    "article_id, story_id, version_id, source_id, joined, score, wire_group_id, in_profile, "
    "event_at, day, title, vector, lead_vector, terms, lang"
)
STORY = (
    "id, title, title_at, key_terms, first_seen, last_seen, first_day, last_day, articles, "
    "outlets, profile, lead_profile, profile_docs, status, merged_into"
)
# Candidates are scored, never written back: their headlines and key terms are not read.
MEMBER_SCORED = MEMBER.replace("title,", "NULL,").replace("terms,", "'[]',")
STORY_SCORED = STORY.replace("key_terms,", "'[]',")


def _terms(text: str | None) -> list[tuple[str, str]]:
    """Return stored key terms as (key, as written); older rows hold keys alone."""
    return [
        (term[0], term[1]) if isinstance(term, list) else (str(term), "")
        for term in json.loads(text or "[]")
    ]


def _member(row: tuple[Any, ...]) -> Member:
    (article_id, story_id, version_id, source_id, joined, score, group, in_profile) = row[:8]
    event_at, day, title, vector, lead_vector, terms, lang = row[8:]
    return Member(
        article_id=int(article_id),
        story_id=int(story_id),
        version_id=int(version_id),
        source_id=source_id,
        joined=joined,
        score=score,
        wire_group_id=group,
        in_profile=bool(in_profile),
        event_at=event_at,
        day=int(day),
        title=title,
        vector=vector,
        lead_vector=lead_vector,
        terms=_terms(terms),
        lang=lang,
    )


def _story(row: tuple[Any, ...]) -> Story:
    (story_id, title, title_at, key_terms, first_seen, last_seen, first_day, last_day) = row[:8]
    articles, outlets, profile, lead_profile, profile_docs, status, merged_into = row[8:]
    return Story(
        id=int(story_id),
        title=title,
        title_at=title_at,
        key_terms=_terms(key_terms),
        first_seen=first_seen,
        last_seen=last_seen,
        first_day=int(first_day),
        last_day=int(last_day),
        articles=int(articles),
        outlets=int(outlets),
        profile=profile,
        lead_profile=lead_profile,
        profile_docs=int(profile_docs),
        status=status,
        merged_into=merged_into,
    )


# --- frequencies --------------------------------------------------------------------------------


def _frequencies(
    db: sqlite_utils.Database, table: str, column: str, keys: list[int]
) -> dict[int, int]:
    found: dict[int, int] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        found.update(
            db.execute(
                f"SELECT {column}, df FROM {table} WHERE {column} IN ({_marks(chunk)})", chunk
            ).fetchall()
        )
    return found


def line_frequencies(db: sqlite_utils.Database, keys: list[int]) -> dict[int, int]:
    """Return in how many earlier articles each line key was printed (absent keys left out)."""
    return _frequencies(db, "line_df", "line", keys)


def count_lines(db: sqlite_utils.Database, keys: list[int]) -> None:
    """Count one more article printing each of these line keys."""
    db.conn.executemany(
        "INSERT INTO line_df (line, df) VALUES (?, 1) ON CONFLICT(line) DO UPDATE SET df = df + 1",
        [(k,) for k in keys],
    )


def term_frequencies(
    db: sqlite_utils.Database, feature_ids: list[int]
) -> tuple[int, dict[int, int]]:
    """Return the number of articles counted and, per feature id seen, how many had it."""
    row = db.execute("SELECT value FROM story_meta WHERE key = 'documents'").fetchone()
    return (int(row[0]) if row else 0), _frequencies(db, "term_df", "feature", feature_ids)


def count_document(db: sqlite_utils.Database, feature_ids: list[int]) -> None:
    """Count one more article, having each of these features."""
    db.conn.executemany(
        "INSERT INTO term_df (feature, df) VALUES (?, 1) "
        "ON CONFLICT(feature) DO UPDATE SET df = df + 1",
        [(f,) for f in feature_ids],
    )
    db.execute(
        "INSERT INTO story_meta (key, value) VALUES ('documents', 1) "
        "ON CONFLICT(key) DO UPDATE SET value = value + 1"
    )


# --- memberships ----------------------------------------------------------------------------------


def member(db: sqlite_utils.Database, article_id: int) -> Member | None:
    """Return an article's story membership."""
    row = db.execute(
        f"SELECT {MEMBER} FROM story_articles WHERE article_id = ?", [article_id]
    ).fetchone()
    return None if row is None else _member(row)


def story_of(db: sqlite_utils.Database, article_id: int) -> int | None:
    """Return the story an article is in."""
    row = db.execute(
        "SELECT story_id FROM story_articles WHERE article_id = ?", [article_id]
    ).fetchone()
    return None if row is None else int(row[0])


def members(db: sqlite_utils.Database, article_ids: list[int]) -> list[Member]:
    """Return the memberships of these articles, to score (headline and key terms not read)."""
    return [
        _member(row)
        for row in db.execute(
            f"SELECT {MEMBER_SCORED} FROM story_articles "
            f"WHERE article_id IN ({_marks(article_ids)})",
            article_ids,
        )
    ]


def story_members(
    db: sqlite_utils.Database, story_id: int, article_ids: list[int] | None = None
) -> list[Member]:
    """Return a story's members (only ``article_ids`` among them), earliest first."""
    if article_ids is None:
        rows = db.execute(
            f"SELECT {MEMBER} FROM story_articles WHERE story_id = ? ORDER BY event_at, article_id",
            [story_id],
        )
    else:
        rows = db.execute(
            f"SELECT {MEMBER} FROM story_articles WHERE story_id = ? "
            f"AND article_id IN ({_marks(article_ids)})",
            [story_id, *article_ids],
        )
    return [_member(row) for row in rows]


def recent_members(db: sqlite_utils.Database, story_id: int, limit: int) -> list[Member]:
    """Return the ``limit`` latest members counted in a story's profile."""
    return [
        _member(row)
        for row in db.execute(
            f"SELECT {MEMBER} FROM story_articles WHERE story_id = ? AND in_profile = 1 "
            "ORDER BY day DESC LIMIT ?",
            [story_id, limit],
        )
    ]


def member_count(db: sqlite_utils.Database, story_id: int) -> int:
    """Return how many articles a story holds."""
    return int(
        db.execute("SELECT COUNT(*) FROM story_articles WHERE story_id = ?", [story_id]).fetchone()[
            0
        ]
    )


def has_outlet(db: sqlite_utils.Database, story_id: int, source_id: str) -> bool:
    """Return whether a story already holds an article from this outlet."""
    return (
        db.execute(
            "SELECT 1 FROM story_articles WHERE story_id = ? AND source_id = ? LIMIT 1",
            [story_id, source_id],
        ).fetchone()
        is not None
    )


def outlet_texts(
    db: sqlite_utils.Database, source_id: str, article_ids: list[int]
) -> list[MemberText]:
    """Return headline and stored text of those of ``article_ids`` that are this outlet's."""
    return [
        MemberText(int(article_id), title, text)
        for article_id, title, text in db.execute(
            "SELECT s.article_id, s.title, v.text FROM story_articles s "
            "LEFT JOIN versions v ON v.id = s.version_id "
            f"WHERE s.source_id = ? AND s.article_id IN ({_marks(article_ids)})",
            [source_id, *article_ids],
        )
    ]


def posted_articles(
    db: sqlite_utils.Database, feature: int, first_day: int, last_day: int, limit: int
) -> list[int]:
    """Return articles indexed under ``feature`` between these days, latest days first."""
    return [
        int(article_id)
        for (article_id,) in db.execute(
            "SELECT article_id FROM story_postings WHERE feature = ? AND day BETWEEN ? AND ? "
            "ORDER BY day DESC LIMIT ?",
            [feature, first_day, last_day, limit],
        )
    ]


def add_member(
    db: sqlite_utils.Database, member: Member, postings: list[int], now: datetime
) -> None:
    """Store a membership and index the article under ``postings`` on its day."""
    db.execute(
        """INSERT INTO story_articles (article_id, story_id, version_id, source_id, joined, score,
               wire_group_id, in_profile, event_at, day, assigned_at, title, vector, lead_vector,
               terms, lang)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            member.article_id,
            member.story_id,
            member.version_id,
            member.source_id,
            member.joined,
            None if member.score is None else round(member.score, 4),
            member.wire_group_id,
            int(member.in_profile),
            member.event_at,
            member.day,
            iso(now),
            member.title,
            member.vector,
            member.lead_vector,
            json.dumps(member.terms, ensure_ascii=False),
            member.lang,
        ],
    )
    db.conn.executemany(
        "INSERT OR IGNORE INTO story_postings (feature, day, article_id) VALUES (?, ?, ?)",
        [(f, member.day, member.article_id) for f in postings],
    )


def remove_member(db: sqlite_utils.Database, member: Member, postings: list[int]) -> None:
    """Drop a membership and its ``postings``."""
    db.conn.executemany(
        "DELETE FROM story_postings WHERE feature = ? AND day = ? AND article_id = ?",
        [(f, member.day, member.article_id) for f in postings],
    )
    db.execute("DELETE FROM story_articles WHERE article_id = ?", [member.article_id])


def move_members(db: sqlite_utils.Database, article_ids: list[int], story_id: int) -> None:
    """Move these articles into ``story_id``."""
    db.execute(
        f"UPDATE story_articles SET story_id = ? WHERE article_id IN ({_marks(article_ids)})",
        [story_id, *article_ids],
    )


# --- stories ------------------------------------------------------------------------------------


def story(db: sqlite_utils.Database, story_id: int) -> Story | None:
    """Return a story."""
    row = db.execute(f"SELECT {STORY} FROM stories WHERE id = ?", [story_id]).fetchone()
    return None if row is None else _story(row)


def open_stories(
    db: sqlite_utils.Database, story_ids: list[int], first_day: int, last_day: int
) -> list[Story]:
    """Return those of ``story_ids`` that are open and overlap these days (key terms not read)."""
    return [
        _story(row)
        for row in db.execute(
            f"SELECT {STORY_SCORED} FROM stories WHERE id IN ({_marks(story_ids)}) "
            "AND status = 'open' "
            "AND last_day >= ? AND first_day <= ?",
            [*story_ids, first_day, last_day],
        )
    ]


def new_story(db: sqlite_utils.Database, event_at: datetime, now: datetime) -> int:
    """Create an empty story starting at ``event_at``; return its id."""
    day = event_at.date().toordinal()
    cursor = db.execute(
        """INSERT INTO stories (first_seen, last_seen, first_day, last_day, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        [iso(event_at), iso(event_at), day, day, iso(now), iso(now)],
    )
    return int(cursor.lastrowid or 0)


def update_story(db: sqlite_utils.Database, story_id: int, changes: StoryChanges) -> None:
    """Write the columns ``changes`` sets (the others stay as they are)."""
    updates: dict[str, Any] = {
        name: value
        for name, value in vars(changes).items()
        if value is not None and name not in ("key_terms", "updated_at")
    }
    if changes.key_terms is not None:
        updates["key_terms"] = json.dumps(changes.key_terms, ensure_ascii=False)
    if changes.updated_at is not None:
        updates["updated_at"] = iso(changes.updated_at)
    if not updates:
        return
    assignments = ", ".join(f"{k} = :{k}" for k in updates)
    db.execute(f"UPDATE stories SET {assignments} WHERE id = :id", {**updates, "id": story_id})


def absorb_story(
    db: sqlite_utils.Database, survivor_id: int, absorbed_id: int, now: datetime
) -> None:
    """Move every article of ``absorbed_id`` into ``survivor_id`` and mark it merged."""
    db.execute(
        "UPDATE story_articles SET story_id = ? WHERE story_id = ?", [survivor_id, absorbed_id]
    )
    db.execute(
        "UPDATE stories SET status = 'merged', merged_into = ?, articles = 0, outlets = 0, "
        "updated_at = ? WHERE id = ?",
        [survivor_id, iso(now), absorbed_id],
    )
    db.execute(
        "UPDATE stories SET merged_into = ? WHERE merged_into = ?", [survivor_id, absorbed_id]
    )


def mark_empty(db: sqlite_utils.Database, story_id: int) -> None:
    """Mark a story that lost its last article."""
    db.execute("UPDATE stories SET status = 'empty' WHERE id = ?", [story_id])


def record_event(db: sqlite_utils.Database, event: StoryEvent) -> None:
    """Append a merge, split or move to the story history."""
    db.execute(
        """INSERT INTO story_events (at, kind, story_id, other_story_id, article_id, score, detail)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [
            iso(event.at),
            event.kind,
            event.story_id,
            event.other_story_id,
            event.article_id,
            None if event.score is None else round(event.score, 4),
            json.dumps(event.detail) if event.detail else None,
        ],
    )


def story_memberships(db: sqlite_utils.Database) -> dict[int, int]:
    """Return every clustered article's story: article id -> story id."""
    return {
        int(a): int(s)
        for a, s in db.execute("SELECT article_id, story_id FROM story_articles").fetchall()
    }


# --- the read side ------------------------------------------------------------------------------


# One order for every list of stories (`newsmon stories` and the report): stories with
# casualty figures first, then the one whose member pages changed last, then the newest.
_RANKED = """SELECT sa.story_id AS story_id, MAX(v.fetched_at) AS last_change,
                    MAX(EXISTS (SELECT 1 FROM claims c
                                WHERE c.version_id = v.id AND c.is_headline = 1)) AS has_figures
             FROM story_articles sa JOIN versions v ON v.article_id = sa.article_id
             GROUP BY sa.story_id"""


def report_story_ids(db: sqlite_utils.Database, limit: int) -> list[int]:
    """Return the stories worth reporting: those with figures first, most recently changed."""
    if not db["story_articles"].exists():
        return []
    rows = db.execute(
        f"""SELECT story_id FROM ({_RANKED})
            ORDER BY has_figures DESC, last_change DESC, story_id DESC LIMIT ?""",
        [limit],
    )
    return [int(row[0]) for row in rows]


def membership(db: sqlite_utils.Database, article_id: int) -> tuple[int | None, int | None]:
    """Return (story id, wire group id) of an article, None where it has none."""
    row = db.execute(
        "SELECT story_id, wire_group_id FROM story_articles WHERE article_id = ?", [article_id]
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def has_stories(db: sqlite_utils.Database) -> bool:
    """Return whether the store holds the story tables."""
    return bool(db["stories"].exists())


def story_listing(
    db: sqlite_utils.Database, limit: int, seen_since: str | None
) -> list[dict[str, Any]]:
    """Return open, non-empty stories in the report's order (only those seen since ``seen_since``).

    Each row says whether the story has casualty figures and when a member page last changed.
    """
    where = "s.status = 'open' AND s.articles > 0"
    params: list[Any] = []
    if seen_since is not None:
        where += " AND s.last_seen >= ?"
        params.append(seen_since)
    rows = list(
        db.query(
            f"""SELECT s.id, s.title, s.key_terms, s.first_seen, s.last_seen, s.articles,
                    s.outlets,
                    (SELECT COUNT(DISTINCT wire_group_id) FROM story_articles sa
                     WHERE sa.story_id = s.id AND sa.wire_group_id IS NOT NULL)
                    AS wire_groups,
                    r.has_figures, r.last_change
                FROM stories s JOIN ({_RANKED}) r ON r.story_id = s.id
                WHERE {where}
                ORDER BY r.has_figures DESC, r.last_change DESC, s.id DESC LIMIT ?""",
            [*params, int(limit)],
        )
    )
    for row in rows:
        row["has_figures"] = bool(row["has_figures"])
    return rows


def story_row(db: sqlite_utils.Database, story_id: int) -> dict[str, Any] | None:
    """Return one story as stored."""
    for row in db.query("SELECT * FROM stories WHERE id = ?", [story_id]):
        return row
    return None


def member_rows(db: sqlite_utils.Database, story_id: int) -> list[dict[str, Any]]:
    """Return a story's members with their article, outlet and wire-copy details."""
    return list(
        db.query(
            """SELECT sa.article_id, a.url, sa.source_id, s.name AS source_name, sa.title,
                      a.published, a.first_seen AS seen, sa.event_at, sa.joined, sa.score,
                      sa.wire_group_id, sa.version_id, a.versions_count AS versions, d.credit
               FROM story_articles sa
               LEFT JOIN articles a ON a.id = sa.article_id
               LEFT JOIN sources s ON s.id = sa.source_id
               LEFT JOIN dedupe_docs d ON d.article_id = sa.article_id
               WHERE sa.story_id = ? ORDER BY sa.event_at, sa.article_id""",
            [story_id],
        )
    )


def history_rows(db: sqlite_utils.Database, story_id: int) -> list[dict[str, Any]]:
    """Return the merges, splits and moves involving a story, oldest first."""
    return list(
        db.query(
            """SELECT at, kind, story_id, other_story_id, article_id, score, detail
               FROM story_events WHERE story_id = ? OR other_story_id = ? ORDER BY id""",
            [story_id, story_id],
        )
    )


class StoryStore:
    """The story stage's index over one database (see ``newsmon.stories.index``)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    # wire copy
    def exact_matches(self, exact_hash: int) -> list[WireDoc]:
        return wire.exact_matches(self.db, exact_hash)

    def band_hits(self, keys: list[int]) -> list[int]:
        return wire.band_hits(self.db, keys)

    def wire_docs(self, article_ids: list[int]) -> list[WireDoc]:
        return wire.wire_docs(self.db, article_ids)

    def wire_doc(self, article_id: int) -> WireDoc | None:
        return wire.wire_doc(self.db, article_id)

    def save_wire_doc(
        self, doc: WireDoc, stale_keys: list[int], keys: list[int], now: datetime
    ) -> None:
        wire.save_wire_doc(self.db, doc, stale_keys, keys, now)

    def remove_wire_doc(self, article_id: int, keys: list[int], now: datetime) -> None:
        wire.remove_wire_doc(self.db, article_id, keys, now)

    def link_wire_copy(
        self, article_id: int, matches: list[NearDuplicate], now: datetime
    ) -> int | None:
        return wire.link_wire_copy(self.db, article_id, matches, now)

    def wire_group_of(self, article_id: int) -> int | None:
        return wire.wire_group_of(self.db, article_id)

    # frequencies
    def line_frequencies(self, keys: list[int]) -> dict[int, int]:
        return line_frequencies(self.db, keys)

    def count_lines(self, keys: list[int]) -> None:
        count_lines(self.db, keys)

    def term_frequencies(self, feature_ids: list[int]) -> tuple[int, dict[int, int]]:
        return term_frequencies(self.db, feature_ids)

    def count_document(self, feature_ids: list[int]) -> None:
        count_document(self.db, feature_ids)

    # memberships
    def member(self, article_id: int) -> Member | None:
        return member(self.db, article_id)

    def story_of(self, article_id: int) -> int | None:
        return story_of(self.db, article_id)

    def members(self, article_ids: list[int]) -> list[Member]:
        return members(self.db, article_ids)

    def story_members(self, story_id: int, article_ids: list[int] | None = None) -> list[Member]:
        return story_members(self.db, story_id, article_ids)

    def recent_members(self, story_id: int, limit: int) -> list[Member]:
        return recent_members(self.db, story_id, limit)

    def member_count(self, story_id: int) -> int:
        return member_count(self.db, story_id)

    def has_outlet(self, story_id: int, source_id: str) -> bool:
        return has_outlet(self.db, story_id, source_id)

    def outlet_texts(self, source_id: str, article_ids: list[int]) -> list[MemberText]:
        return outlet_texts(self.db, source_id, article_ids)

    def posted_articles(self, feature: int, first_day: int, last_day: int, limit: int) -> list[int]:
        return posted_articles(self.db, feature, first_day, last_day, limit)

    def add_member(self, member: Member, postings: list[int], now: datetime) -> None:
        add_member(self.db, member, postings, now)

    def remove_member(self, member: Member, postings: list[int]) -> None:
        remove_member(self.db, member, postings)

    def move_members(self, article_ids: list[int], story_id: int) -> None:
        move_members(self.db, article_ids, story_id)

    # stories
    def story(self, story_id: int) -> Story | None:
        return story(self.db, story_id)

    def open_stories(self, story_ids: list[int], first_day: int, last_day: int) -> list[Story]:
        return open_stories(self.db, story_ids, first_day, last_day)

    def new_story(self, event_at: datetime, now: datetime) -> int:
        return new_story(self.db, event_at, now)

    def update_story(self, story_id: int, changes: StoryChanges) -> None:
        update_story(self.db, story_id, changes)

    def absorb_story(self, survivor_id: int, absorbed_id: int, now: datetime) -> None:
        absorb_story(self.db, survivor_id, absorbed_id, now)

    def mark_empty(self, story_id: int) -> None:
        mark_empty(self.db, story_id)

    def record_event(self, event: StoryEvent) -> None:
        record_event(self.db, event)

    # the read side
    def has_stories(self) -> bool:
        return has_stories(self.db)

    def story_listing(self, limit: int, seen_since: str | None) -> list[dict[str, Any]]:
        return story_listing(self.db, limit, seen_since)

    def story_row(self, story_id: int) -> dict[str, Any] | None:
        return story_row(self.db, story_id)

    def member_rows(self, story_id: int) -> list[dict[str, Any]]:
        return member_rows(self.db, story_id)

    def history_rows(self, story_id: int) -> list[dict[str, Any]]:
        return history_rows(self.db, story_id)

    def wire_group_row(self, group_id: int) -> dict[str, Any] | None:
        return wire.wire_group_row(self.db, group_id)

    def wire_copy_rows(self, group_id: int) -> list[dict[str, Any]]:
        return wire.wire_copy_rows(self.db, group_id)
