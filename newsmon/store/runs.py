"""Runs (ticks, backfills): who runs them, how they ended, what they counted; the status view."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlite_utils

from newsmon.core.clock import iso
from newsmon.store.transactions import write_transaction


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
    db: sqlite_utils.Database,
    run_id: int,
    status: str,
    counts: dict[str, Any],
    now: datetime,
    error: str = "",
) -> None:
    """Close a run record with its status, counts and error."""
    with write_transaction(db):
        db.execute(
            "UPDATE runs SET finished_at = ?, status = ?, counts = ?, error = ? WHERE id = ?",
            [iso(now), status, json.dumps(counts), error or None, run_id],
        )


def finished_runs(db: sqlite_utils.Database, *, after: int = 0) -> list[dict[str, Any]]:
    """Return the finished runs with an id above ``after``, oldest first, counts decoded."""
    return _decoded(
        db.query(
            "SELECT id, kind, status, started_at, finished_at, counts, error FROM runs "
            "WHERE id > ? AND finished_at IS NOT NULL ORDER BY id",
            [after],
        )
    )


def _decoded(runs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The run rows with their counts decoded from JSON."""
    return [{**run, "counts": json.loads(run["counts"]) if run["counts"] else None} for run in runs]


def stories_touched(db: sqlite_utils.Database, run_id: int) -> list[int]:
    """Return the stories holding an article that got a new version in this run."""
    return [
        int(row[0])
        for row in db.execute(
            """SELECT DISTINCT sa.story_id FROM fetches f
               JOIN story_articles sa ON sa.article_id = f.article_id
               WHERE f.run_id = ? AND f.outcome = 'ok'""",
            [run_id],
        )
    ]


def status_summary(db: sqlite_utils.Database, runs: int = 5) -> dict[str, Any]:
    """Return sources with their health, row counts, articles by status and the last runs."""
    sources = list(
        db.query(
            """SELECT s.id, s.name, s.lang, s.last_polled_at, s.next_poll_at, s.last_ok_at,
                      s.consecutive_failures, s.last_error,
                      (SELECT COUNT(*) FROM articles a WHERE a.source_id = s.id) AS articles
               FROM sources s ORDER BY s.id"""
        )
    )
    counts = {
        table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("articles", "versions", "fetches", "pages", "runs")
    }
    by_status = dict(db.execute("SELECT status, COUNT(*) FROM articles GROUP BY status ORDER BY 1"))
    last_runs = _decoded(
        db.query(
            "SELECT id, kind, status, started_at, finished_at, counts FROM runs "
            "ORDER BY id DESC LIMIT ?",
            [runs],
        )
    )
    return {
        "sources": sources,
        "counts": counts,
        "articles_by_status": by_status,
        "runs": last_runs,
    }
