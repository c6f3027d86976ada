"""Casualty claims per version, with their evidence spans and the headline flag per kind."""

from __future__ import annotations

from collections.abc import Iterable
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
