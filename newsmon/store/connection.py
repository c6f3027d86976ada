"""Opening the store: WAL, a busy timeout, and the schema brought up to date."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from newsmon.core.errors import StoreError
from newsmon.store.migrations import migrate


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
