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


def _chunks(ids: Sequence[int]) -> list[list[int]]:
    return [list(ids[start : start + _CHUNK]) for start in range(0, len(ids), _CHUNK)]


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
        out: list[dict[str, Any]] = []
        text = "v.text" if with_text else "'' AS text"
        for chunk in _chunks(article_ids):
            marks = ", ".join("?" for _ in chunk)
            out.extend(
                self.db.query(
                    f"""SELECT v.id, v.article_id, v.seq, v.fetched_at, v.fingerprint, v.title,
                               {text}, v.published AS version_published,
                               a.published AS article_published, a.url, a.source_id,
                               COALESCE(s.name, a.source_id) AS outlet_name
                        FROM versions v JOIN articles a ON a.id = v.article_id
                        LEFT JOIN sources s ON s.id = a.source_id
                        WHERE v.article_id IN ({marks}) ORDER BY v.article_id, v.seq""",
                    chunk,
                )
            )
        out.sort(key=lambda row: (row["article_id"], row["seq"]))
        return out

    def headline_claims(self, version_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Return the headline claims (with a value) of the versions, in insertion order."""
        out: list[dict[str, Any]] = []
        for chunk in _chunks(version_ids):
            marks = ", ".join("?" for _ in chunk)
            out.extend(
                self.db.query(
                    f"""SELECT id, version_id, kind, value, low, high, qualifier, who,
                               attributed_to, sentence, span_start, span_end
                        FROM claims WHERE is_headline = 1 AND value IS NOT NULL
                        AND version_id IN ({marks}) ORDER BY id""",
                    chunk,
                )
            )
        out.sort(key=lambda row: row["id"])
        return out

    def last_good_fetches(self, article_ids: Sequence[int]) -> dict[int, str]:
        """Return when each article was last fetched with its page shown (ok or not modified)."""
        out: dict[int, str] = {}
        for chunk in _chunks(article_ids):
            marks = ", ".join("?" for _ in chunk)
            for article_id, fetched in self.db.execute(
                f"""SELECT article_id, MAX(fetched_at) FROM fetches
                    WHERE article_id IN ({marks}) AND outcome IN ('ok', 'not_modified')
                    GROUP BY article_id""",
                chunk,
            ):
                out[int(article_id)] = fetched
        return out

    def gone_articles(self, article_ids: Sequence[int]) -> set[int]:
        """Return the articles whose page is gone."""
        out: set[int] = set()
        for chunk in _chunks(article_ids):
            marks = ", ".join("?" for _ in chunk)
            out.update(
                int(row[0])
                for row in self.db.execute(
                    f"SELECT id FROM articles WHERE id IN ({marks}) AND status = 'gone'", chunk
                )
            )
        return out

    def diffs_to(self, version_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Return the stored diffs that lead to the versions."""
        out: list[dict[str, Any]] = []
        for chunk in _chunks(version_ids):
            marks = ", ".join("?" for _ in chunk)
            out.extend(
                self.db.query(
                    f"""SELECT to_version, from_version, summary, ops FROM diffs
                        WHERE to_version IN ({marks})""",
                    chunk,
                )
            )
        return out
