"""The SQLite store: the only code in newsmon that speaks SQL.

One module per group of tables, typed records in and dicts (``db.query`` rows) out:

- `connection`: opening a store (WAL, busy timeout, migrations applied);
- `transactions`: BEGIN IMMEDIATE write transactions; `migrations`: the schema history;
- `sources`: sources and feeds; `articles`: articles, versions, pages, diffs, fetches;
- `claims`: casualty claims; `stories`: stories and their members; `alerts`; `runs`.

Each article's writes are one transaction started with BEGIN IMMEDIATE (WAL mode, a busy
timeout), so a killed process loses at most the article in flight and two writers never hit
"database is locked" on a read-then-write upgrade.
"""

from newsmon.store import alerts, articles, claims, runs, sources, stories
from newsmon.store.connection import open_db, open_reader
from newsmon.store.migrations import MIGRATIONS, migrate
from newsmon.store.transactions import (
    longest_write_s,
    schema_version,
    transaction_group,
    write_transaction,
)

__all__ = [
    "MIGRATIONS",
    "alerts",
    "articles",
    "claims",
    "longest_write_s",
    "migrate",
    "open_db",
    "open_reader",
    "runs",
    "schema_version",
    "sources",
    "stories",
    "transaction_group",
    "write_transaction",
]
