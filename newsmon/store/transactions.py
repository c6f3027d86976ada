"""Write transactions: BEGIN IMMEDIATE, commit on success, roll back on anything else.

``write_transaction`` is one unit of work (one article's writes). Inside a
``transaction_group`` several units share one BEGIN IMMEDIATE ... COMMIT, each in its own
SAVEPOINT: a unit that fails rolls back alone, and a kill loses the whole group, which the
next run redoes (every write is keyed, so nothing is duplicated).
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator

import sqlite_utils

from newsmon.core.errors import StoreError

# Connections with a group open (by id, with the connection itself to rule out a reused id).
_groups: dict[int, sqlite3.Connection] = {}


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run the block in one BEGIN IMMEDIATE transaction (commit on success, else roll back).

    Inside a ``transaction_group`` the block is a savepoint of the group's transaction.
    """
    conn = db.conn
    if _groups.get(id(conn)) is conn:
        with _unit(conn):
            yield db
        return
    if conn.in_transaction:
        raise StoreError("write_transaction cannot nest")
    with _transaction(conn):
        yield db


@contextlib.contextmanager
def transaction_group(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Commit the write transactions of the block together (each stays a savepoint)."""
    conn = db.conn
    if conn.in_transaction or id(conn) in _groups:
        raise StoreError("transaction_group cannot nest")
    with _transaction(conn):
        _groups[id(conn)] = conn
        try:
            yield db
        finally:
            _groups.pop(id(conn), None)


def longest_write_s(db: sqlite_utils.Database) -> float:
    """Return the longest time one write transaction of ``db`` held the write lock so far
    (seconds from BEGIN IMMEDIATE to its COMMIT or ROLLBACK; 0.0 before any)."""
    return float(getattr(db.conn, "longest_write_s", 0.0))


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:  # "database is locked" past the busy timeout
        raise StoreError(f"the database refused a write: {exc}") from exc
    locked = time.monotonic()
    try:
        try:
            yield
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
    finally:
        held = time.monotonic() - locked
        if hasattr(conn, "longest_write_s") and held > conn.longest_write_s:
            conn.longest_write_s = held


@contextlib.contextmanager
def _unit(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("SAVEPOINT unit")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.OperationalError):
                conn.execute("ROLLBACK TO unit")
                conn.execute("RELEASE unit")
        raise
    conn.execute("RELEASE unit")


def _rollback(conn: sqlite3.Connection) -> None:
    # SQLite may already have rolled back (a full disk does): nothing left to undo then.
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.OperationalError):
            conn.execute("ROLLBACK")


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])
