"""Write transactions: BEGIN IMMEDIATE, commit on success, roll back on anything else."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlite_utils

from newsmon.core.errors import StoreError


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


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])
