"""The JSON-lines export: every article with its versions, their claims, its story."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
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


def json_chunks(rows: Iterable[Any], form: str) -> Iterator[str]:
    """Yield ``rows`` as JSON lines, or as one JSON array when ``form`` is "json".

    Each row is yielded as soon as it arrives (a streaming writer flushes per chunk), so a
    long listing never sits whole in memory and `--format json` is still one valid document.
    """
    if form != "json":
        for row in rows:
            yield json.dumps(row, ensure_ascii=False, default=str) + "\n"
        return
    yield "["
    first = True
    for row in rows:
        yield ("\n" if first else ",\n") + json.dumps(row, ensure_ascii=False, default=str)
        first = False
    yield "]\n" if first else "\n]\n"
