"""Sources and their feeds: configuration synced in, poll state and discovered URLs out."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlite_utils

from newsmon.core.clock import iso
from newsmon.core.records import GOOD_POLLS, DiscoveredItem, FeedPoll
from newsmon.store.transactions import write_transaction


def sync_sources(db: sqlite_utils.Database, sources: Iterable[Any], now: datetime) -> None:
    """Insert or update source rows from configuration (keeps their polling state)."""
    with write_transaction(db):
        for source in sources:
            config = json.dumps(
                {
                    "feeds": source.feeds,
                    "sitemaps": source.sitemaps,
                    "poll_every": source.poll_every,
                }
            )
            db.execute(
                """INSERT INTO sources (id, name, lang, config, added_at) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT(id) DO UPDATE SET name=excluded.name, lang=excluded.lang,
                   config=excluded.config""",
                [source.id, source.name, source.lang, config, iso(now)],
            )


def source_rows(db: sqlite_utils.Database) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in db.query("SELECT * FROM sources")}


def feed_state(
    db: sqlite_utils.Database, source_id: str
) -> list[tuple[str, str | None, str | None, str]]:
    """Return (url, etag, last_modified, kind) of every feed and sitemap seen for a source."""
    return [
        (row[0], row[1], row[2], row[3])
        for row in db.execute(
            "SELECT url, etag, last_modified, kind FROM feeds WHERE source_id = ? ORDER BY url",
            [source_id],
        )
    ]


def known_urls(db: sqlite_utils.Database, source_id: str, limit: int = 100_000) -> set[str]:
    """Return the URLs of a source's newest ``limit`` articles."""
    return {
        row[0]
        for row in db.execute(
            "SELECT url FROM articles WHERE source_id = ? ORDER BY id DESC LIMIT ?",
            [source_id, limit],
        )
    }


def record_discovery(
    db: sqlite_utils.Database,
    source_id: str,
    polls: list[FeedPoll],
    items: list[DiscoveredItem],
    *,
    now: datetime,
    next_poll_at: datetime,
    run_id: int | None,
) -> int:
    """Store one source's poll results and its new article URLs; return how many were new."""
    now_s = iso(now)
    ok = any(p.outcome in GOOD_POLLS for p in polls)
    errors = [
        f"{p.url}: {p.outcome}" + (f" ({p.detail})" if p.detail else "")
        for p in polls
        if p.outcome not in GOOD_POLLS
    ]
    with write_transaction(db):
        for poll in polls:
            good = poll.outcome in GOOD_POLLS
            db.execute(
                """INSERT INTO feeds (url, source_id, kind, etag, last_modified, last_status,
                       last_outcome, last_detail, last_fetched_at, last_ok_at, items)
                   VALUES (:url, :source_id, :kind, :etag, :lm, :status, :outcome, :detail,
                       :now, CASE WHEN :good THEN :now END, :items)
                   ON CONFLICT(url) DO UPDATE SET
                       etag = CASE WHEN :good THEN COALESCE(:etag, etag) ELSE etag END,
                       last_modified = CASE WHEN :good THEN COALESCE(:lm, last_modified)
                                       ELSE last_modified END,
                       last_status = :status, last_outcome = :outcome, last_detail = :detail,
                       last_fetched_at = :now,
                       last_ok_at = CASE WHEN :good THEN :now ELSE last_ok_at END,
                       items = CASE WHEN :outcome = 'not_modified' THEN items ELSE :items END""",
                {
                    "url": poll.url,
                    "source_id": source_id,
                    "kind": poll.kind,
                    "etag": poll.etag if poll.outcome != "not_modified" else None,
                    "lm": poll.last_modified if poll.outcome != "not_modified" else None,
                    "status": poll.status,
                    "outcome": poll.outcome,
                    "detail": poll.detail,
                    "now": now_s,
                    "good": good,
                    "items": poll.items,
                },
            )
            db.execute(
                """INSERT INTO fetches (run_id, url, kind, fetched_at, outcome, status, detail,
                       elapsed_ms, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    run_id,
                    poll.url,
                    poll.kind,
                    now_s,
                    poll.outcome,
                    poll.status,
                    poll.detail,
                    poll.elapsed_ms,
                    poll.bytes,
                ],
            )
        new = 0
        for item in items:
            cursor = db.execute(
                """INSERT INTO articles (url, source_id, first_seen, found_in, feed_title,
                       published, lang, status, next_check_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, 'new', ?)
                   ON CONFLICT(url) DO NOTHING""",
                [
                    item.url,
                    source_id,
                    now_s,
                    item.found_in,
                    item.title,
                    iso(item.published or item.lastmod),
                    item.lang,
                    now_s,
                ],
            )
            new += cursor.rowcount
        db.execute(
            """UPDATE sources SET last_polled_at = ?, next_poll_at = ?,
                   last_ok_at = CASE WHEN ? THEN ? ELSE last_ok_at END,
                   consecutive_failures = CASE WHEN ? THEN 0 ELSE consecutive_failures + 1 END,
                   last_error = ?
               WHERE id = ?""",
            [now_s, iso(next_poll_at), ok, now_s, ok, "; ".join(errors)[:2000] or None, source_id],
        )
    return new
