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


# SQLite's refusals that concern the whole store, not one article's writes: a write that
# meets one stops (the disk is full, the file cannot be written, another process holds it).
_STORE_WIDE = (
    "SQLITE_FULL",
    "SQLITE_IOERR",
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_READONLY",
    "SQLITE_CANTOPEN",
    "SQLITE_CORRUPT",
    "SQLITE_NOTADB",
)


def why_refused(exc: sqlite3.Error) -> str:
    """Say in words why SQLite refused a write, with its own message."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name == "SQLITE_FULL":
        why = "the disk is full, or the file reached a size limit"
    elif name.startswith("SQLITE_IOERR"):
        why = "the disk refused a write (it is full, the file reached a size limit, or I/O failed)"
    elif name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        why = "another process held the write lock past store.busy_timeout_s"
    elif name.startswith("SQLITE_READONLY"):
        why = "the file or its folder is read-only"
    else:
        return str(exc)
    return f"{why} ({exc})"


def refused(conn: sqlite3.Connection, exc: sqlite3.Error) -> StoreError:
    """Return the StoreError for a write SQLite refused on ``conn``, naming the database."""
    where = getattr(conn, "path", "") or "the database"
    return StoreError(
        f"{where}: cannot write: {why_refused(exc)}; that write was undone, "
        "what was stored before it is kept"
    )


def store_wide(exc: BaseException) -> bool:
    """Is ``exc`` SQLite refusing the store itself (full, unwritable, locked)?"""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return isinstance(exc, sqlite3.Error) and name.startswith(_STORE_WIDE)


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:  # "database is locked" past the busy timeout
        raise refused(conn, exc) from exc
    locked = time.monotonic()
    try:
        try:
            yield
        except sqlite3.OperationalError as exc:  # full disk, I/O error, locked mid-way
            _rollback(conn)
            raise refused(conn, exc) from exc
        except BaseException:
            _rollback(conn)
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            _rollback(conn)
            raise refused(conn, exc) from exc
    finally:
        held = time.monotonic() - locked
        if hasattr(conn, "longest_write_s") and held > conn.longest_write_s:
            conn.longest_write_s = held


@contextlib.contextmanager
def _unit(conn: sqlite3.Connection) -> Iterator[None]:
    """One unit of a group: its failure is its own, unless SQLite refuses the whole store
    (then a StoreError: the group stops, and is rolled back by its transaction)."""
    try:
        conn.execute("SAVEPOINT unit")
    except sqlite3.OperationalError as exc:
        raise refused(conn, exc) from exc
    try:
        yield
    except BaseException as exc:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.OperationalError):
                conn.execute("ROLLBACK TO unit")
                conn.execute("RELEASE unit")
        if store_wide(exc):
            raise refused(conn, exc) from exc  # type: ignore[arg-type]
        raise
    try:
        conn.execute("RELEASE unit")
    except sqlite3.OperationalError as exc:
        raise refused(conn, exc) from exc


def _rollback(conn: sqlite3.Connection) -> None:
    # SQLite may already have rolled back (a full disk does): nothing left to undo then.
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.OperationalError):
            conn.execute("ROLLBACK")


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])
