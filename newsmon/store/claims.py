"""Casualty claims per version, with their evidence spans and the headline flag per kind."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlite_utils


def save_claims(
    db: sqlite_utils.Database,
    version_id: int,
    article_id: int,
    claims: Iterable[Any],
    headline: dict[str, Any],
) -> int:
    """Replace the claims stored for a version (inside the caller's transaction)."""
    db.execute("DELETE FROM claims WHERE version_id = ?", [version_id])
    headline_spans = {(c.kind, c.span) for c in headline.values() if c is not None}
    count = 0
    for claim in claims:
        db.execute(
            """INSERT INTO claims (version_id, article_id, kind, value, low, high, qualifier, who,
                   attributed_to, scope, is_subcount, is_headline, sentence, span_start,
                   span_end, lang, rule)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(version_id, kind, span_start, span_end) DO NOTHING""",
            [
                version_id,
                article_id,
                claim.kind,
                claim.value,
                claim.low,
                claim.high,
                claim.qualifier,
                claim.who,
                claim.attributed_to,
                claim.scope,
                int(claim.is_subcount),
                int((claim.kind, claim.span) in headline_spans),
                claim.sentence,
                claim.span[0],
                claim.span[1],
                claim.lang,
                getattr(claim, "rule", "") or None,
            ],
        )
        count += 1
    return count


def version_claims(db: sqlite_utils.Database, version_id: int) -> list[dict[str, Any]]:
    """Return a version's claims in text order."""
    return list(
        db.query("SELECT * FROM claims WHERE version_id = ? ORDER BY span_start", [version_id])
    )


# SQLite allows 32,766 parameters in one statement; stay well under it.
_CHUNK = 900


def _rows_in(db: sqlite_utils.Database, sql: str, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Run ``sql`` (with ``{marks}`` where the ids go) over the ids, a chunk at a time."""
    out: list[dict[str, Any]] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        out.extend(db.query(sql.format(marks=", ".join("?" for _ in chunk)), chunk))
    return out


class StoryFactsReader:
    """The rows a story's fact timeline is built from (``facts.timeline.StoryRows``)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def story_article_ids(self, story_id: int) -> list[int]:
        """Return the ids of the articles a story holds."""
        rows = self.db.execute(
            "SELECT article_id FROM story_articles WHERE story_id = ? ORDER BY article_id",
            [story_id],
        )
        return [int(row[0]) for row in rows]

    def story(self, story_id: int) -> dict[str, Any] | None:
        """Return a story's row, or None."""
        if not self.db["stories"].exists():
            return None
        rows = list(self.db.query("SELECT * FROM stories WHERE id = ?", [story_id]))
        return rows[0] if rows else None

    def versions(self, article_ids: Sequence[int], *, with_text: bool) -> list[dict[str, Any]]:
        """Return the versions of the articles, with their article's URL, outlet and dates."""
        text = "v.text" if with_text else "'' AS text"
        out = _rows_in(
            self.db,
            f"""SELECT v.id, v.article_id, v.seq, v.fetched_at, v.fingerprint, v.title,
                       {text}, v.published AS version_published,
                       a.published AS article_published, a.url, a.source_id,
                       COALESCE(s.name, a.source_id) AS outlet_name
                FROM versions v JOIN articles a ON a.id = v.article_id
                LEFT JOIN sources s ON s.id = a.source_id
                WHERE v.article_id IN ({{marks}}) ORDER BY v.article_id, v.seq""",
            article_ids,
        )
        out.sort(key=lambda row: (row["article_id"], row["seq"]))
        return out

    def headline_claims(self, version_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Return the headline claims (with a value) of the versions, in insertion order."""
        out = _rows_in(
            self.db,
            """SELECT id, version_id, kind, value, low, high, qualifier, who,
                      attributed_to, sentence, span_start, span_end
               FROM claims WHERE is_headline = 1 AND value IS NOT NULL
               AND version_id IN ({marks}) ORDER BY id""",
            version_ids,
        )
        out.sort(key=lambda row: row["id"])
        return out

    def last_good_fetches(self, article_ids: Sequence[int]) -> dict[int, str]:
        """Return when each article was last fetched with its page shown (ok or not modified)."""
        rows = _rows_in(
            self.db,
            """SELECT article_id, MAX(fetched_at) AS fetched FROM fetches
               WHERE article_id IN ({marks}) AND outcome IN ('ok', 'not_modified')
               GROUP BY article_id""",
            article_ids,
        )
        return {int(row["article_id"]): row["fetched"] for row in rows}

    def gone_articles(self, article_ids: Sequence[int]) -> set[int]:
        """Return the articles whose page is gone."""
        sql = "SELECT id FROM articles WHERE id IN ({marks}) AND status = 'gone'"
        return {int(row["id"]) for row in _rows_in(self.db, sql, article_ids)}

    def diffs_to(self, version_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Return the stored diffs that lead to the versions."""
        return _rows_in(
            self.db,
            """SELECT to_version, from_version, summary, ops FROM diffs
               WHERE to_version IN ({marks})""",
            version_ids,
        )
