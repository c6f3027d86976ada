"""Stories and their members, as the report and the export read them."""

from __future__ import annotations

import sqlite_utils


def report_story_ids(db: sqlite_utils.Database, limit: int) -> list[int]:
    """Return the stories worth reporting: those with figures first, most recently changed."""
    if not db["story_articles"].exists():
        return []
    rows = db.execute(
        """SELECT sa.story_id,
                  MAX(v.fetched_at) AS last_seen,
                  MAX(EXISTS (SELECT 1 FROM claims c
                              WHERE c.version_id = v.id AND c.is_headline = 1)) AS has_figures
           FROM story_articles sa JOIN versions v ON v.article_id = sa.article_id
           GROUP BY sa.story_id
           ORDER BY has_figures DESC, last_seen DESC, sa.story_id DESC
           LIMIT ?""",
        [limit],
    )
    return [int(row[0]) for row in rows]


def membership(db: sqlite_utils.Database, article_id: int) -> tuple[int | None, int | None]:
    """Return (story id, wire group id) of an article, None where it has none."""
    row = db.execute(
        "SELECT story_id, wire_group_id FROM story_articles WHERE article_id = ?", [article_id]
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)
