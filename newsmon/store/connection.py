"""Opening the store: WAL, a busy timeout, and the schema brought up to date."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from newsmon.core.errors import StoreError
from newsmon.store.migrations import migrate
from newsmon.store.transactions import why_refused


class Connection(sqlite3.Connection):
    """A connection that remembers the longest time one of its write transactions held the
    write lock (BEGIN IMMEDIATE to COMMIT or ROLLBACK): see `transactions.longest_write_s`."""

    longest_write_s: float = 0.0
    path: str = ""  # the database file, to name it in errors


def open_db(path: str | Path, *, busy_timeout_s: float = 30.0) -> sqlite_utils.Database:
    """Open (creating if needed) the store at ``path`` and bring its schema up to date."""
    try:
        if str(path) != ":memory:":
            if Path(path).is_dir():
                raise StoreError(f"{path}: is a directory, not a database file (--db)")
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                str(path), timeout=busy_timeout_s, check_same_thread=False, factory=Connection
            )
        else:
            conn = sqlite3.connect(":memory:", check_same_thread=False, factory=Connection)
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"{path}: cannot open the database: {exc}") from exc
    conn.path = str(path)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        foreign = _foreign_tables(conn)
        if foreign:
            conn.close()
            raise StoreError(
                f"{path}: not a newsmon database (it holds {', '.join(foreign[:5])}"
                f"{', …' if len(foreign) > 5 else ''}); newsmon only opens its own stores "
                "or empty files"
            )
        if str(path) != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.OperationalError as exc:  # locked, unreadable, no room: not about its kind
        conn.close()
        raise StoreError(f"{path}: cannot open the database: {why_refused(exc)}") from exc
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path}: not a newsmon database ({exc})") from exc
    db = sqlite_utils.Database(conn)
    migrate(db, path=str(path))
    return db


def open_reader(path: str | Path, *, busy_timeout_s: float = 5.0) -> sqlite_utils.Database:
    """Open an existing store read-only (no migrations, no writes): for cleaning workers."""
    try:
        conn = sqlite3.connect(
            f"file:{Path(path).resolve()}?mode=ro", uri=True, timeout=busy_timeout_s
        )
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open for reading ({exc})") from exc
    return sqlite_utils.Database(conn)


def _foreign_tables(conn: sqlite3.Connection) -> list[str]:
    """Return the tables of a database newsmon did not create (empty for ours or a new file)."""
    tables = [
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if not tables or (version > 0 and "articles" in tables and "sources" in tables):
        return []
    return tables
