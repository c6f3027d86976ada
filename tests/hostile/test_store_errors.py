"""A store that cannot be used is one clear line naming it, never a traceback."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import run_cli

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

LINE = json.dumps({"url": "https://wire.example/a", "text": "At least 240 people were killed."})


def one_line_error(result: object, *needles: str) -> None:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.returncode != 0  # type: ignore[attr-defined]
    assert "Traceback" not in stderr, stderr[-3000:]
    errors = [line for line in stderr.splitlines() if line.startswith("newsmon: error:")]
    assert len(errors) == 1, stderr
    for needle in needles:
        assert needle in errors[0], errors[0]


def test_a_directory_given_as_db_is_named(tmp_path: Path) -> None:
    # Before: sqlite3.OperationalError "unable to open database file" as a traceback.
    folder = tmp_path / "store.db"
    folder.mkdir()
    for command in (["status"], ["run", "--no-prefect"], ["backfill", "--jsonl", "/dev/null"]):
        result = run_cli("--db", str(folder), *command, check=False)
        one_line_error(result, str(folder), "directory")


def test_a_locked_database_is_one_line_and_loses_nothing(tmp_path: Path) -> None:
    # Before: sqlite3.OperationalError "database is locked" as a traceback.
    db = tmp_path / "n.db"
    dump = tmp_path / "a.jsonl"
    dump.write_text(LINE + "\n", encoding="utf-8")
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.toml").write_text("[store]\nbusy_timeout_s = 0.5\n", encoding="utf-8")
    run_cli("--config", str(config), "--db", str(db), "backfill", "--jsonl", str(dump))
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        dump.write_text(LINE.replace("/a", "/b") + "\n", encoding="utf-8")
        result = run_cli(
            "--config", str(config), "--db", str(db), "backfill", "--jsonl", str(dump),
            check=False,
        )  # fmt: skip
        one_line_error(result, "database is locked")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    urls = [r[0] for r in sqlite3.connect(db).execute("SELECT url FROM articles")]
    assert urls == ["https://wire.example/a"]
    run_cli("--config", str(config), "--db", str(db), "backfill", "--jsonl", str(dump))
