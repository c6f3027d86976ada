"""Schema migrations: append-only functions, each bringing the schema up one version.

The schema version is SQLite's ``PRAGMA user_version``. Each migration runs in its own
BEGIN IMMEDIATE transaction and re-reads the version inside the lock, so two processes
opening an old database at once migrate it once. A database newer than the code is refused.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from newsmon.core.errors import StoreError
from newsmon.store.transactions import schema_version, write_transaction

Migration = Callable[[sqlite_utils.Database], None]


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
