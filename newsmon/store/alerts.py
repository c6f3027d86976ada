"""Figure-change alerts: one row per alerted figure, with its webhook delivery state.

The ``payload`` column holds ``{"body": <what is POSTed>, "delivered_to": [webhook, ...]}``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlite_utils

from newsmon.core.clock import iso


def last_alerted(db: sqlite_utils.Database, story_id: int, kind: str) -> dict[str, Any] | None:
    """Return the figure last alerted for a story and kind (the body's "new"), if any."""
    row = db.execute(
        "SELECT payload FROM alerts WHERE story_id = ? AND kind = ? ORDER BY id DESC LIMIT 1",
        [story_id, kind],
    ).fetchone()
    return json.loads(row[0])["body"]["new"] if row else None


def insert_alert(
    db: sqlite_utils.Database,
    story_id: int,
    kind: str,
    key: str,
    body: dict[str, Any],
    now: datetime,
) -> int | None:
    """Record an alert under its key; return its id, or None when that key was alerted before."""
    cursor = db.execute(
        """INSERT INTO alerts (story_id, kind, key, payload, created_at)
           VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING""",
        [story_id, kind, key, json.dumps({"body": body, "delivered_to": []}), iso(now)],
    )
    return int(cursor.lastrowid or 0) if cursor.rowcount else None


def undelivered(db: sqlite_utils.Database) -> list[tuple[int, str, dict[str, Any]]]:
    """Return (id, key, envelope) of every alert not yet delivered to all webhooks."""
    return [
        (int(row[0]), str(row[1]), json.loads(row[2]))
        for row in db.execute(
            "SELECT id, key, payload FROM alerts WHERE delivered_at IS NULL ORDER BY id"
        )
    ]


def record_delivery(
    db: sqlite_utils.Database,
    alert_id: int,
    envelope: dict[str, Any],
    *,
    tried: bool,
    error: str | None,
    delivered_at: datetime | None,
) -> None:
    """Store one delivery attempt: who has the alert now, the last error, when it was done."""
    db.execute(
        """UPDATE alerts SET payload = ?, attempts = attempts + ?, last_error = ?,
               delivered_at = ? WHERE id = ?""",
        [json.dumps(envelope), int(tried), error, iso(delivered_at), alert_id],
    )


def alert_rows(db: sqlite_utils.Database, limit: int = 50) -> list[dict[str, Any]]:
    """Return the latest alerts with their bodies and delivery state, newest first."""
    rows = db.query(
        "SELECT id, story_id, kind, key, payload, created_at, delivered_at, attempts, last_error "
        "FROM alerts ORDER BY id DESC LIMIT ?",
        [limit],
    )
    out = []
    for row in rows:
        envelope = json.loads(row.pop("payload"))
        out.append({**row, "body": envelope["body"], "delivered_to": envelope["delivered_to"]})
    return out
