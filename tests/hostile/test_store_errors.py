"""A store that cannot be used, a number it cannot hold, an output that cannot be written:
one clear line naming it and a truthful exit status, never a traceback, nothing stored lost."""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from newsmon.core.exits import ExitCode
from tests.conftest import ROOT, run_cli
from tests.hostile.conftest import Hostile

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

LINE = json.dumps({"url": "https://wire.example/a", "text": "At least 240 people were killed."})


def one_line_error(result: object, *needles: str, code: int = ExitCode.ERROR) -> None:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.returncode == code, (result.returncode, stderr[-3000:])  # type: ignore[attr-defined]
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr[-3000:]
    errors = [line for line in stderr.splitlines() if "error:" in line]
    assert len(errors) == 1, stderr
    for needle in needles:
        assert needle in errors[0], errors[0]


def snapshot(db: Path) -> list[tuple[object, ...]]:
    """Every stored version (article, seq, fingerprint), after checking the file's integrity."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return list(
            con.execute(
                "SELECT a.url, v.seq, v.fingerprint FROM versions v"
                " JOIN articles a ON a.id = v.article_id ORDER BY a.url, v.seq"
            )
        )
    finally:
        con.close()


def file_size_limit(limit: int) -> Callable[[], None]:
    """A preexec_fn: the child may write no file past ``limit`` bytes (writes then fail with
    EFBIG, or short, as on a full disk; SIGXFSZ ignored as a daemon would)."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def cli_limited(
    limit: int, *args: str, stdout: int | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI with a file size limit (a full disk) and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "newsmon.cli", *args],
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        timeout=240,
        preexec_fn=file_size_limit(limit),
    )


def lines(prefix: str, count: int) -> str:
    text = "At least 240 people were killed in the floods in the north, officials said. "
    return "".join(
        json.dumps(
            {"url": f"https://wire.example/{prefix}/{n}", "text": f"Report {n}. " + text * 40}
        )
        + "\n"
        for n in range(count)
    )


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


def test_ids_and_limits_past_what_sqlite_holds_are_named(tmp_path: Path) -> None:
    # Before: OverflowError "Python int too large to convert to SQLite INTEGER", a traceback.
    db = tmp_path / "n.db"
    dump = tmp_path / "a.jsonl"
    dump.write_text(LINE + "\n", encoding="utf-8")
    run_cli("--db", str(db), "backfill", "--jsonl", str(dump))
    huge = "99999999999999999999"
    for command, needles in (
        (["story", huge], ["no story with id", huge]),
        (["story", "-" + huge], ["no story with id", huge]),
        (["article", huge], ["no article with id or URL", huge]),
    ):
        one_line_error(run_cli("--db", str(db), *command, check=False), *needles)
    for command, option in (
        (["articles", "--limit", huge], "--limit"),
        (["stories", "--limit", huge], "--limit"),
        (["alerts", "--limit", huge], "--limit"),
        (["report", "--out", str(tmp_path / "r.html"), "--stories", huge], "--stories"),
    ):
        result = run_cli("--db", str(db), *command, check=False)
        one_line_error(result, option, huge, "9223372036854775807", code=ExitCode.USAGE)
    # The largest number SQLite holds is a limit like any other.
    listed = run_cli(
        "--db", str(db), "articles", "--limit", "9223372036854775807", "--format", "json"
    )
    assert [row["url"] for row in json.loads(listed.stdout)] == ["https://wire.example/a"]


def test_output_to_a_full_device_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    # Before: `export > /dev/full` ended in an OSError traceback (and `export --out` did too).
    db = tmp_path / "n.db"
    dump = tmp_path / "a.jsonl"
    dump.write_text(lines("a", 30), encoding="utf-8")
    run_cli("--db", str(db), "backfill", "--jsonl", str(dump))
    before = snapshot(db)
    for command in (["export", "--out", "/dev/full"], ["report", "--out", "/dev/full"]):
        result = run_cli("--db", str(db), *command, check=False)
        one_line_error(result, "/dev/full", "No space left on device")
    for command in (["export"], ["export", "--format", "json"], ["articles"], ["status"]):
        with open("/dev/full", "w") as full:
            result = cli_limited(2**40, "--db", str(db), *command, stdout=full.fileno())
        one_line_error(result, "standard output", "No space left on device")
    # A file size limit smaller than the export (but room for the store's 32 KiB index of
    # its write-ahead log): EFBIG, the same way.
    out = tmp_path / "export.jsonl"
    result = cli_limited(65536, "--db", str(db), "export", "--out", str(out))
    one_line_error(result, str(out), "File too large")
    assert snapshot(db) == before


def test_a_full_disk_stops_an_import_with_one_line_and_loses_nothing(tmp_path: Path) -> None:
    # Before: sqlite3.OperationalError "database or disk is full" / "disk I/O error" as a
    # traceback. Now the store names the database and why; the import says where it stopped.
    db = tmp_path / "n.db"
    first = tmp_path / "first.jsonl"
    first.write_text(lines("first", 5), encoding="utf-8")
    run_cli("--db", str(db), "backfill", "--jsonl", str(first))
    before = snapshot(db)
    more = tmp_path / "more.jsonl"
    more.write_text(lines("more", 100), encoding="utf-8")
    # The store file may not grow (its write-ahead log has a little room): a full disk.
    result = cli_limited(db.stat().st_size, "--db", str(db), "backfill", "--jsonl", str(more))
    one_line_error(result, str(db), "cannot write", "the import stopped at", str(more) + ":")
    after = snapshot(db)
    assert after[: len(before)] == before or set(before) <= set(after)
    assert len(after) < len(before) + 100  # it did stop
    # Room again: the same import completes, each line once.
    done = run_cli("--db", str(db), "backfill", "--jsonl", str(more), "--format", "json")
    assert json.loads(done.stdout)["bad_lines"] == 0
    final = snapshot(db)
    assert set(before) <= set(final) and len(final) == len(before) + 100


@pytest.mark.parametrize("room", ["none", "some"])
def test_a_full_disk_stops_a_tick_with_one_line_and_loses_nothing(
    hostile: Hostile, room: str
) -> None:
    # Before: a traceback from wherever SQLite first refused. Now one line naming the
    # database; nothing stored before is lost and the next tick, with room, stores the pages.
    hostile.configure(["/article"])
    hostile.tick()
    before = snapshot(hostile.db)
    hostile.site.advance()  # new and edited articles at Meridian: pages to store
    size = hostile.db.stat().st_size
    # "none": not even the write-ahead log may grow; "some": the store file cannot grow and
    # its write-ahead log has room for the start of the tick (24 pages), not for its pages.
    limit = 0 if room == "none" else min(size, 100_000)
    result = cli_limited(
        limit, "--config", str(hostile.config), "--db", str(hostile.db),
        "run", "--no-prefect", "--force",
    )  # fmt: skip
    one_line_error(result, str(hostile.db), "cannot", "disk")
    assert set(before) <= set(snapshot(hostile.db))
    runs = hostile.rows("SELECT status, error FROM runs ORDER BY id")
    if room == "some":  # the tick began, and its run says why it stopped
        assert runs[-1]["status"] == "failed" and str(hostile.db) in runs[-1]["error"], runs
    else:
        assert len(runs) == 1, runs
    report = hostile.tick("--force")
    # Meridian's article R answers 404 from the site's tick 1: the only error there is.
    assert report["new_versions"] >= 1 and set(report["errors"]) <= {"http_status"}, report
    assert set(before) < set(snapshot(hostile.db))
    hostile.assert_good_pages_stored()
