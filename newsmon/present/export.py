"""The JSON-lines export: every article with its versions, their claims, its story."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlite_utils

from newsmon import store

_CLAIM_KEYS_DROPPED = ("id", "version_id", "article_id")


def export_rows(db: sqlite_utils.Database) -> Iterator[dict[str, Any]]:
    """Yield every article with its versions (each with its claims) and its story id."""
    for article in store.articles.iter_articles(db):
        article["story_id"], article["wire_group_id"] = store.stories.membership(db, article["id"])
        article["versions"] = []
        for version in store.articles.versions(db, article["id"]):
            version.pop("article_id")
            version["claims"] = [
                {k: v for k, v in claim.items() if k not in _CLAIM_KEYS_DROPPED}
                for claim in store.claims.version_claims(db, version["id"])
            ]
            article["versions"].append(version)
        yield article
