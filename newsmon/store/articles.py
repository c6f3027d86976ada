"""Articles, their versions, raw pages, diffs and the fetch log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils
import zstandard

from newsmon.core.clock import iso, parse_iso
from newsmon.core.errors import StoreError
from newsmon.core.records import NewVersion, PageOutcome, Target


def article_for_update(
    db: sqlite_utils.Database, url: str, source_id: str, now: datetime
) -> dict[str, Any]:
    """Return an article's row, recreating its identity row when it is missing.

    Call inside the write transaction: an imported or deleted article gets a fresh row.
    """
    rows = list(db.query("SELECT * FROM articles WHERE url = ?", [url]))
    if rows:
        return rows[0]
    db.execute(
        "INSERT INTO articles (url, source_id, first_seen, status) VALUES (?, ?, ?, 'new')",
        [url, source_id, iso(now)],
    )
    return next(iter(db.query("SELECT * FROM articles WHERE url = ?", [url])))


def update_article(db: sqlite_utils.Database, article_id: int, updates: dict[str, Any]) -> None:
    """Set the given columns of one article."""
    if not updates:
        return
    assignments = ", ".join(f"{key} = :{key}" for key in updates)
    db.execute(f"UPDATE articles SET {assignments} WHERE id = :id", {**updates, "id": article_id})


def due_targets(
    db: sqlite_utils.Database,
    now: datetime,
    *,
    source_ids: Iterable[str] | None = None,
    limit: int | None = None,
    force: bool = False,
) -> list[Target]:
    """Articles to fetch now: new URLs first, then rechecks whose time has come."""
    where = ["status IN ('new', 'active', 'failing', 'gone', 'not_article')"]
    params: list[Any] = []
    if not force:
        where.append("next_check_at IS NOT NULL AND next_check_at <= ?")
        params.append(iso(now))
    if source_ids is not None:
        ids = list(source_ids)
        where.append(f"source_id IN ({', '.join('?' for _ in ids)})")
        params.extend(ids)
    # Sources take turns within each priority, so a batch spans many hosts and per-host
    # politeness never serialises it behind one source's backlog.
    sql = (
        "SELECT id, url, source_id, etag, last_modified, feed_title, published, lang, status "
        "FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY source_id, status = 'new' "
        f"ORDER BY next_check_at, id) AS turn FROM articles WHERE {' AND '.join(where)}) "
        "ORDER BY status = 'new' DESC, turn, next_check_at, id"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [
        Target(
            url=row[1],
            source_id=row[2],
            article_id=row[0],
            etag=row[3],
            last_modified=row[4],
            title_hint=row[5],
            published_hint=parse_iso(row[6]),
            lang_hint=row[7],
        )
        for row in db.execute(sql, params)
    ]


# Level 3 stores 10 % more bytes than level 9 for a third of its time per page
# (bench/page_compression.py, docs/benchmarks.md).
PAGE_COMPRESSION_LEVEL = 3


@dataclass(frozen=True)
class StoredPage:
    """A raw page as the store keeps it: its sha256, compressed bytes and size."""

    hash: str
    content: bytes
    size: int


def compress_page(content: bytes) -> StoredPage:
    """Return a raw page hashed and compressed as ``save_page`` stores it (no database)."""
    compressor = zstandard.ZstdCompressor(level=PAGE_COMPRESSION_LEVEL)
    digest = hashlib.sha256(content).hexdigest()
    return StoredPage(digest, compressor.compress(content), len(content))


def save_page(
    db: sqlite_utils.Database,
    content: bytes | StoredPage,
    content_type: str,
    now: datetime,
) -> str:
    """Store a raw page content-addressed and compressed; return its sha256.

    ``content`` may come compressed already (``compress_page``, in a cleaning worker).
    """
    page = content if isinstance(content, StoredPage) else compress_page(content)
    db.execute(
        """INSERT INTO pages (hash, content, compression, size, content_type, first_seen)
           VALUES (?, ?, 'zstd', ?, ?, ?) ON CONFLICT(hash) DO NOTHING""",
        [page.hash, page.content, page.size, content_type, iso(now)],
    )
    return page.hash


def load_page(db: sqlite_utils.Database, digest: str) -> bytes | None:
    row = db.execute("SELECT content, compression FROM pages WHERE hash = ?", [digest]).fetchone()
    if row is None:
        return None
    if row[1] != "zstd":
        raise StoreError(f"page {digest}: unknown compression {row[1]!r}")
    return zstandard.ZstdDecompressor().decompress(row[0])


def latest_version(db: sqlite_utils.Database, article_id: int) -> dict[str, Any] | None:
    rows = list(
        db.query(
            "SELECT * FROM versions WHERE article_id = ? ORDER BY seq DESC LIMIT 1", [article_id]
        )
    )
    return rows[0] if rows else None


def versions(db: sqlite_utils.Database, article_id: int) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM versions WHERE article_id = ? ORDER BY seq", [article_id]))


def insert_version(db: sqlite_utils.Database, version: NewVersion) -> int:
    """Insert a version row; return its id."""
    cursor = db.execute(
        """INSERT INTO versions (article_id, seq, fetched_at, page_hash, url, title, author,
               published, sitename, lang, description, text, fingerprint)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            version.article_id,
            version.seq,
            iso(version.fetched_at),
            version.page_hash,
            version.url,
            version.title,
            version.author,
            version.published,
            version.sitename,
            version.lang,
            version.description,
            version.text,
            version.fingerprint,
        ],
    )
    return int(cursor.lastrowid or 0)


def update_version_text(
    db: sqlite_utils.Database, version_id: int, title: str | None, text: str, fingerprint: str
) -> None:
    """Replace a version's extracted title and text (after a re-extraction)."""
    db.execute(
        "UPDATE versions SET title = ?, text = ?, fingerprint = ? WHERE id = ?",
        [title, text, fingerprint, version_id],
    )


def save_diff(
    db: sqlite_utils.Database,
    article_id: int,
    from_version: int,
    to_version: int,
    summary: str,
    ops: dict[str, Any],
) -> None:
    """Store (or replace) the diff that leads to ``to_version``."""
    db.execute(
        """INSERT INTO diffs (article_id, from_version, to_version, summary, ops)
           VALUES (?, ?, ?, ?, ?) ON CONFLICT(to_version) DO UPDATE SET
           from_version = excluded.from_version, summary = excluded.summary, ops = excluded.ops""",
        [article_id, from_version, to_version, summary, json.dumps(ops)],
    )


def versioned_article_ids(db: sqlite_utils.Database) -> list[int]:
    """Return the ids of every article that has at least one version."""
    return [int(row[0]) for row in db.execute("SELECT DISTINCT article_id FROM versions")]


MAX_ROWID = 2**63 - 1


def article_by_url_or_id(db: sqlite_utils.Database, key: str) -> dict[str, Any] | None:
    """Find an article by numeric id, stored (canonical) URL or final URL."""
    if key.isdigit():
        number = int(key)
        if number > MAX_ROWID:  # no row has an id SQLite cannot hold (and binding it overflows)
            return None
        rows = list(db.query("SELECT * FROM articles WHERE id = ?", [number]))
    else:
        rows = list(db.query("SELECT * FROM articles WHERE url = ? OR final_url = ?", [key, key]))
    return rows[0] if rows else None


def list_articles(
    db: sqlite_utils.Database,
    *,
    source_id: str | None = None,
    status: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Return the newest articles with their current title, optionally filtered."""
    where, params = [], []
    if source_id:
        where.append("a.source_id = ?")
        params.append(source_id)
    if status:
        where.append("a.status = ?")
        params.append(status)
    sql = (
        "SELECT a.id, a.source_id, a.status, a.url, a.versions_count, a.first_seen, "
        "a.published, v.title FROM articles a "
        "LEFT JOIN versions v ON v.id = a.current_version_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY a.id DESC LIMIT ?"
    )
    return list(db.query(sql, [*params, limit]))


def recent_fetches(
    db: sqlite_utils.Database, article_id: int, limit: int = 10
) -> list[dict[str, Any]]:
    """Return an article's latest fetch attempts, newest first."""
    return list(
        db.query(
            "SELECT fetched_at, outcome, status, detail FROM fetches WHERE article_id = ? "
            "ORDER BY id DESC LIMIT ?",
            [article_id, limit],
        )
    )


def iter_articles(db: sqlite_utils.Database) -> Iterator[dict[str, Any]]:
    """Yield every article row in id order."""
    yield from db.query("SELECT * FROM articles ORDER BY id")


def log_fetch(
    db: sqlite_utils.Database, outcome: PageOutcome, run_id: int | None, page_hash: str | None
) -> None:
    db.execute(
        """INSERT INTO fetches (run_id, article_id, url, kind, fetched_at, outcome, status,
               detail, elapsed_ms, bytes, page_hash)
           VALUES (?, ?, ?, 'article', ?, ?, ?, ?, ?, ?, ?)""",
        [
            run_id,
            outcome.target.article_id,
            outcome.target.url,
            iso(outcome.fetched_at),
            outcome.outcome,
            outcome.status,
            outcome.detail[:2000] or None,
            outcome.elapsed_ms,
            len(outcome.content) if outcome.content is not None else outcome.size,
            page_hash,
        ],
    )


def article_count(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
