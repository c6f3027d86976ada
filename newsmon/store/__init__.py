"""The SQLite store: schema, migrations, and every read and write of newsmon's data.

Each article's writes are one transaction started with BEGIN IMMEDIATE (WAL mode, a busy
timeout), so a killed process loses at most the article in flight and two writers never
hit "database is locked" on a read-then-write upgrade.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
import zstandard

from newsmon.core.errors import StoreError
from newsmon.core.records import DiscoveredItem, FeedPoll, PageOutcome, Target

Migration = Callable[[sqlite_utils.Database], None]


def iso(moment: datetime | None) -> str | None:
    """Return an ISO 8601 UTC string for ``moment`` (None stays None)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_iso(text: str | None) -> datetime | None:
    """Parse a stored ISO timestamp back into an aware datetime."""
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- schema -------------------------------------------------------------------------------


def _m001_initial(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE sources (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            lang TEXT,
            config TEXT,
            added_at TEXT NOT NULL,
            last_polled_at TEXT,
            next_poll_at TEXT,
            last_ok_at TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            last_error TEXT
        );
        CREATE TABLE feeds (
            url TEXT PRIMARY KEY,
            source_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            last_status INTEGER,
            last_outcome TEXT,
            last_detail TEXT,
            last_fetched_at TEXT,
            last_ok_at TEXT,
            items INTEGER
        );
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            source_id TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            found_in TEXT,
            feed_title TEXT,
            published TEXT,
            lang TEXT,
            status TEXT NOT NULL DEFAULT 'new',
            final_url TEXT,
            etag TEXT,
            last_modified TEXT,
            last_fetched_at TEXT,
            last_changed_at TEXT,
            next_check_at TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            current_version_id INTEGER,
            versions_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX articles_due ON articles(next_check_at);
        CREATE INDEX articles_source ON articles(source_id);
        CREATE TABLE fetches (
            id INTEGER PRIMARY KEY,
            run_id INTEGER,
            article_id INTEGER,
            url TEXT NOT NULL,
            kind TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            outcome TEXT NOT NULL,
            status INTEGER,
            detail TEXT,
            elapsed_ms INTEGER,
            bytes INTEGER,
            page_hash TEXT
        );
        CREATE INDEX fetches_article ON fetches(article_id);
        CREATE INDEX fetches_run ON fetches(run_id);
        CREATE TABLE pages (
            hash TEXT PRIMARY KEY,
            content BLOB NOT NULL,
            compression TEXT NOT NULL,
            size INTEGER NOT NULL,
            content_type TEXT,
            first_seen TEXT NOT NULL
        );
        CREATE TABLE versions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            seq INTEGER NOT NULL,
            fetched_at TEXT NOT NULL,
            page_hash TEXT,
            url TEXT,
            title TEXT,
            author TEXT,
            published TEXT,
            sitename TEXT,
            lang TEXT,
            description TEXT,
            text TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            UNIQUE(article_id, seq)
        );
        CREATE TABLE diffs (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL,
            from_version INTEGER NOT NULL,
            to_version INTEGER NOT NULL UNIQUE,
            summary TEXT,
            ops TEXT NOT NULL
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL,
            flow_run_id TEXT,
            counts TEXT,
            error TEXT
        );
        """
    )


def _m002_claims(db: sqlite_utils.Database) -> None:
    """Casualty claims per version (with evidence spans) and the alerts sent about them."""
    db.executescript(
        """
        CREATE TABLE claims (
            id INTEGER PRIMARY KEY,
            version_id INTEGER NOT NULL REFERENCES versions(id),
            article_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            value INTEGER,
            low INTEGER,
            high INTEGER,
            qualifier TEXT NOT NULL,
            who TEXT,
            attributed_to TEXT,
            scope TEXT NOT NULL,
            is_subcount INTEGER NOT NULL DEFAULT 0,
            is_headline INTEGER NOT NULL DEFAULT 0,
            sentence TEXT NOT NULL,
            span_start INTEGER NOT NULL,
            span_end INTEGER NOT NULL,
            lang TEXT,
            rule TEXT,
            UNIQUE(version_id, kind, span_start, span_end)
        );
        CREATE INDEX claims_article ON claims(article_id);
        CREATE INDEX claims_headline ON claims(version_id, is_headline);
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            key TEXT NOT NULL UNIQUE,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            delivered_at TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT
        );
        """
    )


def _m003_stories(db: sqlite_utils.Database) -> None:
    """Wire copy (near-duplicate index, wire groups) and stories (membership, index, history)."""
    db.executescript(
        """
        CREATE TABLE dedupe_docs (
            article_id INTEGER PRIMARY KEY,
            version_id INTEGER NOT NULL,
            source_id TEXT,
            exact_hash INTEGER NOT NULL,
            shingles INTEGER NOT NULL,
            sample_level INTEGER NOT NULL,
            sample BLOB NOT NULL,
            signature BLOB NOT NULL,
            credit TEXT,
            wire_group_id INTEGER,
            match_article_id INTEGER,
            match_kind TEXT,
            containment REAL,
            event_at TEXT,
            indexed_at TEXT NOT NULL
        );
        CREATE INDEX dedupe_docs_exact ON dedupe_docs(exact_hash);
        CREATE INDEX dedupe_docs_group ON dedupe_docs(wire_group_id)
            WHERE wire_group_id IS NOT NULL;
        CREATE TABLE lsh_bands (
            key INTEGER NOT NULL,
            article_id INTEGER NOT NULL,
            PRIMARY KEY (key, article_id)
        ) WITHOUT ROWID;
        CREATE TABLE wire_groups (
            id INTEGER PRIMARY KEY,
            canonical_article_id INTEGER NOT NULL,
            credit TEXT,
            members INTEGER NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL
        );
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            title TEXT,
            title_at TEXT,
            key_terms TEXT NOT NULL DEFAULT '[]',
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            first_day INTEGER NOT NULL,
            last_day INTEGER NOT NULL,
            articles INTEGER NOT NULL DEFAULT 0,
            outlets INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'open',
            merged_into INTEGER,
            profile BLOB NOT NULL DEFAULT x'',
            lead_profile BLOB NOT NULL DEFAULT x'',
            profile_docs INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX stories_last_seen ON stories(last_seen);
        CREATE TABLE story_articles (
            article_id INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL,
            version_id INTEGER NOT NULL,
            source_id TEXT,
            joined TEXT NOT NULL,
            score REAL,
            wire_group_id INTEGER,
            in_profile INTEGER NOT NULL,
            event_at TEXT NOT NULL,
            day INTEGER NOT NULL,
            assigned_at TEXT NOT NULL,
            title TEXT,
            vector BLOB NOT NULL,
            lead_vector BLOB NOT NULL,
            terms TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX story_articles_story ON story_articles(story_id, source_id);
        CREATE TABLE story_postings (
            feature INTEGER NOT NULL,
            day INTEGER NOT NULL,
            article_id INTEGER NOT NULL,
            PRIMARY KEY (feature, day, article_id)
        ) WITHOUT ROWID;
        CREATE TABLE term_df (feature INTEGER PRIMARY KEY, df INTEGER NOT NULL);
        CREATE TABLE line_df (line INTEGER PRIMARY KEY, df INTEGER NOT NULL);
        CREATE TABLE story_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        CREATE TABLE story_events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            story_id INTEGER NOT NULL,
            other_story_id INTEGER,
            article_id INTEGER,
            score REAL,
            detail TEXT
        );
        CREATE INDEX story_events_story ON story_events(story_id);
        CREATE INDEX story_events_other ON story_events(other_story_id);
        """
    )


def _m004_run_owner(db: sqlite_utils.Database) -> None:
    """Record which process runs a tick, so a killed one can be marked interrupted."""
    db.execute("ALTER TABLE runs ADD COLUMN pid INTEGER")
    db.execute("ALTER TABLE runs ADD COLUMN host TEXT")


def _m005_member_lang(db: sqlite_utils.Database) -> None:
    """Keep each story member's language: words are only compared within one language."""
    db.execute("ALTER TABLE story_articles ADD COLUMN lang TEXT")


# Append only; never edit a released migration. Index i brings the schema to version i+1.
MIGRATIONS: list[Migration] = [
    _m001_initial,
    _m002_claims,
    _m003_stories,
    _m004_run_owner,
    _m005_member_lang,
]


def open_db(path: str | Path, *, busy_timeout_s: float = 30.0) -> sqlite_utils.Database:
    """Open (creating if needed) the store at ``path`` and bring its schema up to date."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=busy_timeout_s, check_same_thread=False)
    else:
        conn = sqlite3.connect(":memory:", check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        if str(path) != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path}: not a newsmon database ({exc})") from exc
    db = sqlite_utils.Database(conn)
    migrate(db, path=str(path))
    return db


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database, *, path: str = "") -> int:
    """Apply pending migrations, each in its own immediate transaction; return the version."""
    current = schema_version(db)
    if current > len(MIGRATIONS):
        raise StoreError(
            f"{path}: schema version {current} is newer than this newsmon "
            f"(knows {len(MIGRATIONS)}); upgrade newsmon"
        )
    for index in range(current, len(MIGRATIONS)):
        with write_transaction(db):
            # Re-read inside the lock: another process may have migrated meanwhile.
            if schema_version(db) > index:
                continue
            MIGRATIONS[index](db)
            db.execute(f"PRAGMA user_version = {index + 1}")
    return schema_version(db)


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run the block in one BEGIN IMMEDIATE transaction (commit on success, else roll back)."""
    conn = db.conn
    if conn.in_transaction:
        raise StoreError("write_transaction cannot nest")
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


# --- sources and feeds ----------------------------------------------------------------------


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


def feed_validators(db: sqlite_utils.Database, url: str) -> tuple[str | None, str | None]:
    """Return the (etag, last_modified) stored for a feed or sitemap URL."""
    row = db.execute("SELECT etag, last_modified FROM feeds WHERE url = ?", [url]).fetchone()
    return (row[0], row[1]) if row else (None, None)


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
    ok = any(p.outcome in ("ok", "not_modified", "partial") for p in polls)
    errors = [
        f"{p.url}: {p.outcome}" + (f" ({p.detail})" if p.detail else "")
        for p in polls
        if p.outcome not in ("ok", "not_modified", "partial")
    ]
    with write_transaction(db):
        for poll in polls:
            good = poll.outcome in ("ok", "not_modified", "partial")
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


# --- articles -------------------------------------------------------------------------------


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


def fingerprint(title: str | None, normalised_text: str) -> str:
    """Return the identity of a version's meaning: title plus normalised text."""
    digest = hashlib.sha256()
    digest.update((title or "").strip().encode())
    digest.update(b"\n")
    digest.update(normalised_text.encode())
    return digest.hexdigest()


_COMPRESSOR = zstandard.ZstdCompressor(level=9)


def save_page(db: sqlite_utils.Database, content: bytes, content_type: str, now: datetime) -> str:
    """Store raw bytes content-addressed and compressed; return their sha256."""
    digest = hashlib.sha256(content).hexdigest()
    db.execute(
        """INSERT INTO pages (hash, content, compression, size, content_type, first_seen)
           VALUES (?, ?, 'zstd', ?, ?, ?) ON CONFLICT(hash) DO NOTHING""",
        [digest, _COMPRESSOR.compress(content), len(content), content_type, iso(now)],
    )
    return digest


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


def article_by_url_or_id(db: sqlite_utils.Database, key: str) -> dict[str, Any] | None:
    """Find an article by numeric id, stored (canonical) URL or final URL."""
    if key.isdigit():
        rows = list(db.query("SELECT * FROM articles WHERE id = ?", [int(key)]))
    else:
        rows = list(db.query("SELECT * FROM articles WHERE url = ? OR final_url = ?", [key, key]))
    return rows[0] if rows else None


def start_run(db: sqlite_utils.Database, kind: str, now: datetime, flow_run_id: str | None) -> int:
    """Open a run record; first mark runs whose process on this host has died as interrupted."""
    host = socket.gethostname()
    with write_transaction(db):
        for run_id, pid in db.execute(
            "SELECT id, pid FROM runs WHERE status = 'running' AND host = ?", [host]
        ).fetchall():
            if not _process_alive(pid):
                db.execute(
                    "UPDATE runs SET status = 'interrupted', error = ? WHERE id = ?",
                    [f"process {pid} ended before the run finished", run_id],
                )
        cursor = db.execute(
            "INSERT INTO runs (kind, started_at, status, flow_run_id, pid, host) "
            "VALUES (?, ?, 'running', ?, ?, ?)",
            [kind, iso(now), flow_run_id, os.getpid(), host],
        )
    return int(cursor.lastrowid or 0)


def _process_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def finish_run(
    db: sqlite_utils.Database, run_id: int, status: str, counts: dict[str, Any], error: str = ""
) -> None:
    with write_transaction(db):
        db.execute(
            "UPDATE runs SET finished_at = ?, status = ?, counts = ?, error = ? WHERE id = ?",
            [iso(datetime.now(UTC)), status, json.dumps(counts), error or None, run_id],
        )


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
            len(outcome.content) if outcome.content is not None else None,
            page_hash,
        ],
    )


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
