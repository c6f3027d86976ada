"""Crash safety with real processes: SIGKILLed ticks and concurrent writers on one SQLite file.

The small version of bench/crash_safety.py (which runs thousands of articles and 20+ kills).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bench.bigsite import BigSite
from bench.crash_safety import (
    Tick,
    crash_experiment,
    duplicates,
    integrity,
    newsmon_command,
    newsmon_env,
    store_problems,
    summary,
)
from newsmon.core.clock import SystemClock
from tests.conftest import ROOT

pytestmark = pytest.mark.timeout(180)

LOCKED = "database is locked"


def test_kills_at_random_points_lose_nothing_and_duplicate_nothing(tmp_path: Path) -> None:
    outcome = crash_experiment(
        tmp_path,
        articles=240,
        hosts=4,
        kills=5,
        seed=11,
        settings={"ingest": {"batch_size": 40}},
        max_generations=1,
        kills_per_generation=5,
    )
    report = summary(outcome)
    assert len(outcome.kills) == 5, report
    for kill in outcome.kills:
        assert kill.integrity == "ok", report
        assert kill.problems == [], report
        assert kill.orphans == 0, report  # cleaning workers exit with the killed ingest
    # Progress kills land inside the per-article writes, after some were committed.
    assert any(k.mode == "random progress" and k.stored > 0 for k in outcome.kills), report
    assert outcome.leftover_work == [
        {"fetched": 0, "not_modified": 0, "new_articles": 0, "new_versions": 0}
    ], report
    assert not any(outcome.duplicates.values()), report
    assert outcome.export_differences == [], report
    reference, crashed = outcome.reference_counts, outcome.crash_counts
    assert reference["articles"] == crashed["articles"] == 240, report
    assert reference["versions"] == crashed["versions"] == 240, report


def sample_progress(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=30) as con:
            return int(con.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def run_together(
    processes: dict[str, subprocess.Popen[str]], db: Path, progress: dict[str, str]
) -> tuple[dict[str, tuple[int, str]], bool]:
    """Wait for all; return {name: (exit code, stderr)} and whether their writes overlapped.

    Overlap means: while every process was alive, each one's progress counter grew.
    """
    samples: list[dict[str, int]] = []
    while any(p.poll() is None for p in processes.values()):
        if all(p.poll() is None for p in processes.values()):
            samples.append({name: sample_progress(db, sql) for name, sql in progress.items()})
        time.sleep(0.05)
    overlapped = len(samples) >= 2 and all(
        samples[-1][name] > samples[0][name] for name in progress
    )
    results = {}
    for name, process in processes.items():
        _out, err = process.communicate()
        results[name] = (process.returncode, err)
    return results, overlapped


def start(config: Path, db: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        newsmon_command(config, db, *args),
        cwd=ROOT,
        env=newsmon_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def assert_store_is_clean(db: Path) -> None:
    assert integrity(db) == "ok"
    assert store_problems(db) == []
    assert not any(duplicates(db).values()), duplicates(db)


def test_two_ticks_at_once_on_a_fresh_store(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"  # does not exist yet: both processes race to create it
    with BigSite(articles=200, hosts=4, seed=5) as site:
        config = site.write_config(tmp_path / "config", {"ingest": {"batch_size": 20}})
        now = site.clock().isoformat()
        article_rows = "SELECT COUNT(*) FROM fetches WHERE kind = 'article'"
        processes = {
            name: start(config, db, "run", "--no-prefect", "--now", now) for name in ("a", "b")
        }
        results, overlapped = run_together(processes, db, {"a": article_rows})
        urls = site.crawlable_urls()
    for name, (code, err) in results.items():
        assert code == 0, (name, err[-3000:])
        assert LOCKED not in err, (name, err[-3000:])
    assert overlapped, "the two ticks never ran at the same time"
    assert_store_is_clean(db)
    with sqlite3.connect(db) as con:
        per_url = dict(con.execute("SELECT url, versions_count FROM articles").fetchall())
        versions = con.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
        runs = con.execute("SELECT status FROM runs").fetchall()
    assert set(per_url) == urls
    assert set(per_url.values()) == {1}
    assert versions == len(urls)
    assert runs == [("ok",), ("ok",)]


def test_a_backfill_and_a_tick_at_once(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    dump = tmp_path / "archive.jsonl"
    with dump.open("w", encoding="utf-8") as fh:
        for i in range(2000):
            record = {
                # TEST-NET-1: refused before any connection if a tick ever tried it.
                "url": f"https://192.0.2.1/archive/2025/report-{i:05d}",
                "title": f"Archived report {i}",
                "text": f"At least {i % 300 + 3} people were killed in the flood at site {i}, "
                "the regional health office said. Roads stayed closed overnight. " * 3,
                "published": "2025-06-01T08:00:00+00:00",
                "source": "archive",
            }
            fh.write(json.dumps(record) + "\n")
    with BigSite(articles=200, hosts=4, seed=6) as site:
        config = site.write_config(tmp_path / "config", {"ingest": {"batch_size": 20}})
        processes = {
            "backfill": start(config, db, "backfill", "--jsonl", str(dump)),
            "tick": start(config, db, "run", "--no-prefect", "--now", site.clock().isoformat()),
        }
        progress = {
            "backfill": "SELECT COUNT(*) FROM articles WHERE source_id = 'archive'",
            "tick": "SELECT COUNT(*) FROM fetches WHERE kind = 'article'",
        }
        results, overlapped = run_together(processes, db, progress)
        urls = site.crawlable_urls()
    for name, (code, err) in results.items():
        assert code == 0, (name, err[-3000:])
        assert LOCKED not in err, (name, err[-3000:])
    assert overlapped, "the backfill and the tick never wrote at the same time"
    assert_store_is_clean(db)
    with sqlite3.connect(db) as con:
        # An imported article is never due: no tick may fetch it, even mid-import.
        fetched_imports = con.execute(
            "SELECT COUNT(*) FROM fetches WHERE run_id IS NOT NULL AND url LIKE '%/archive/%'"
        ).fetchone()[0]
        by_source = dict(
            con.execute(
                "SELECT source_id = 'archive', COUNT(*) FROM articles GROUP BY 1"
            ).fetchall()
        )
        statuses = dict(
            con.execute(
                "SELECT source_id = 'archive', group_concat(DISTINCT status) FROM articles "
                "GROUP BY 1"
            ).fetchall()
        )
        versions = con.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
    assert fetched_imports == 0
    assert by_source == {1: 2000, 0: len(urls)}
    assert statuses == {1: "imported", 0: "active"}
    assert versions == 2000 + len(urls)


def test_an_imported_article_is_never_due_at_any_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a concurrent tick could see after each of the import's commits: nothing due."""
    from newsmon import store
    from newsmon.pipeline import backfill

    dump = tmp_path / "few.jsonl"
    lines = [
        {"url": f"https://192.0.2.1/archive/{i}", "title": f"Report {i}", "text": "Text. " * 50}
        for i in range(3)
    ]
    dump.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    db = store.open_db(tmp_path / "import.db")
    due_after_commit: list[str] = []
    real_store_outcome = backfill.store_outcome

    def store_and_look(*args: Any, **kwargs: Any) -> str:
        result = real_store_outcome(*args, **kwargs)
        far = datetime.now(UTC) + timedelta(days=3650)
        due_after_commit.extend(t.url for t in store.articles.due_targets(db, far))
        return result

    monkeypatch.setattr(backfill, "store_outcome", store_and_look)
    totals = backfill.import_jsonl(db, [dump], clock=SystemClock())
    statuses = [r[0] for r in db.execute("SELECT status FROM articles")]
    db.close()
    assert totals["new_version"] == 3
    assert statuses == ["imported"] * 3
    assert due_after_commit == []


def test_a_killed_tick_leaves_a_store_the_next_tick_finishes(tmp_path: Path) -> None:
    """One deterministic kill in the middle of the writes, checked step by step."""
    db = tmp_path / "store.db"
    with BigSite(articles=120, hosts=3, seed=9) as site:
        config = site.write_config(tmp_path / "config", {"ingest": {"batch_size": 10}})
        now = site.clock()
        tick = Tick(config, db, now)
        while sample_progress(db, "SELECT COUNT(*) FROM versions") < 30:
            assert tick.process.poll() is None, "the tick ended before it could be killed"
            time.sleep(0.01)
        tick.kill()
        assert_store_is_clean(db)
        with sqlite3.connect(db) as con:
            stored = con.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
            pending = con.execute(
                "SELECT COUNT(*) FROM articles WHERE status = 'new' AND next_check_at <= ?",
                [now.isoformat(timespec="seconds")],
            ).fetchone()[0]
            running = con.execute("SELECT status FROM runs").fetchall()
        assert 30 <= stored < 120
        assert pending == 120 - stored  # discovered before fetching: the rest is still due
        assert running == [("running",)]
        code, out, err = Tick(config, db, now).wait(timeout=120)
        assert code == 0, err[-3000:]
        report = json.loads(out)
        assert report["new_versions"] == 120 - stored
        assert report["new_articles"] == 0  # every URL was recorded before the kill
    assert_store_is_clean(db)
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM versions").fetchone()[0] == 120
