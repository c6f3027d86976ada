"""A replay is a replay: `newsmon run --now T` stamps everything it writes with T-based times."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsmon.core.clock import FixedClock, SystemClock, aware, iso, parse_iso
from tests.conftest import run_cli

pytestmark = pytest.mark.e2e

# Every column that records when newsmon wrote a row (not when a page says it was published).
WRITTEN_AT = {
    "runs": ("started_at", "finished_at"),
    "fetches": ("fetched_at",),
    "versions": ("fetched_at",),
    "pages": ("first_seen",),
    "sources": ("added_at", "last_polled_at", "last_ok_at"),
    "feeds": ("last_fetched_at", "last_ok_at"),
    "articles": ("first_seen", "last_fetched_at", "last_changed_at"),
    "stories": ("created_at", "updated_at"),
    "story_articles": ("assigned_at",),
    "story_events": ("at",),
    "dedupe_docs": ("indexed_at",),
    "alerts": ("created_at",),
}


def stamps(db: Path) -> dict[str, list[str]]:
    con = sqlite3.connect(db)
    try:
        return {
            f"{table}.{column}": [
                row[0]
                for row in con.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")
            ]
            for table, columns in WRITTEN_AT.items()
            for column in columns
        }
    finally:
        con.close()


@pytest.mark.parametrize("mode", ["prefect", "no-prefect"])
def test_a_replayed_run_stamps_replay_times(mode, site, config_dir, tmp_path, request):
    env = request.getfixturevalue("prefect_server") if mode == "prefect" else None
    db = tmp_path / "replay.db"
    replay = site.now  # eight hours before the wall clock
    extra = [] if mode == "prefect" else ["--no-prefect"]
    result = run_cli(
        "--config", str(config_dir), "--db", str(db), "run", "--now", replay.isoformat(),
        "--format", "json", *extra, env=env,
    )  # fmt: skip
    assert json.loads(result.stdout)["new_versions"] > 0
    status = json.loads(
        run_cli("--config", str(config_dir), "--db", str(db), "status", "--format", "json").stdout
    )
    (run,) = status["runs"]
    written = stamps(db)
    assert all(
        written[k] for k in ("stories.created_at", "alerts.created_at", "fetches.fetched_at")
    )
    latest = replay + timedelta(seconds=1)  # the wall clock is eight hours on
    late = {
        key: [v for v in values if not replay <= parse_iso(v) <= latest]
        for key, values in {
            **written,
            "status.run": [run["started_at"], run["finished_at"]],
        }.items()
    }
    assert {k: v for k, v in late.items() if v} == {}


def test_the_clocks():
    start = datetime(2030, 1, 1, 12, 0)
    assert FixedClock(start).now() == datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    assert FixedClock(start).now() == FixedClock(start).now()
    assert SystemClock().now().tzinfo is UTC
    assert iso(start) == "2030-01-01T12:00:00+00:00"
    assert parse_iso("2030-01-01T12:00:00") == aware(start)
