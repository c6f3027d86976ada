"""Write transactions: BEGIN IMMEDIATE, commit on success, roll back on anything else."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

import sqlite_utils

from newsmon.core.errors import StoreError


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run the block in one BEGIN IMMEDIATE transaction (commit on success, else roll back)."""
    conn = db.conn
    if conn.in_transaction:
        raise StoreError("write_transaction cannot nest")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:  # "database is locked" past the busy timeout
        raise StoreError(f"the database refused a write: {exc}") from exc
    try:
        yield db
    except sqlite3.OperationalError as exc:  # full disk, I/O error, locked mid-way
        _rollback(conn)
        raise StoreError(f"the database refused a write: {exc}") from exc
    except BaseException:
        _rollback(conn)
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        _rollback(conn)
        raise StoreError(f"the database refused a write: {exc}") from exc


def _rollback(conn: sqlite3.Connection) -> None:
    # SQLite may already have rolled back (a full disk does): nothing left to undo then.
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.OperationalError):
            conn.execute("ROLLBACK")


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])
