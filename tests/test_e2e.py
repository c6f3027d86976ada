"""End to end: the real CLI and real Prefect flows against the fake site over loopback sockets."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from newsmon.core.exits import ExitCode
from tests.conftest import ROOT, free_port, run_cli

pytestmark = pytest.mark.e2e


def tick(config_dir: Path, db: Path, env: dict[str, str], now) -> dict:
    result = run_cli(
        "--config",
        str(config_dir),
        "--db",
        str(db),
        "run",
        "--now",
        now.isoformat(),
        "--format",
        "json",
        env=env,
    )
    return json.loads(result.stdout)


def crawlable(site, tick_no: int) -> set[str]:
    return {a.url for a in site.articles(tick=tick_no) if a.status == 200 and a.robots_allowed}


def test_three_ticks_store_exactly_what_changed(site, config_dir, tmp_path, prefect_server):
    db = tmp_path / "newsmon.db"

    # Tick 1: every listed article is new and gets its first version.
    first = tick(config_dir, db, prefect_server, site.now)
    expected_first = crawlable(site, 0)
    assert first["new_versions"] == len(expected_first)
    assert first["errors"] == {"robots": 1}  # the feed links one page under Disallow: /private/

    # The site advances: one article edited in place, new ones published, one removed.
    changes = site.advance()
    assert changes.edited and changes.added and changes.removed
    second = tick(config_dir, db, prefect_server, site.now)
    assert second["new_versions"] == len(changes.edited) + len(changes.added)
    assert second["gone"] == len(changes.removed)
    assert second["new_articles"] == len(changes.added)

    con = sqlite3.connect(db)
    removed = site.article(*changes.removed[0])
    logged = con.execute(
        "SELECT f.status FROM fetches f JOIN articles a ON a.id = f.article_id "
        "WHERE a.url = ? ORDER BY f.id",
        [removed.url],
    ).fetchall()
    assert logged[-1] == (404,)
    assert con.execute("SELECT status FROM articles WHERE url = ?", [removed.url]).fetchone() == (
        "gone",
    )
    edited = site.article(*changes.edited[0])
    seqs = con.execute(
        "SELECT v.seq FROM versions v JOIN articles a ON a.id = v.article_id "
        "WHERE a.url = ? ORDER BY v.seq",
        [edited.url],
    ).fetchall()
    assert seqs == [(1,), (2,)]

    # Tick 3 two hours later, nothing changed: no version, no full body (every GET answered 304).
    site.clear_log()
    third = tick(config_dir, db, prefect_server, site.now + timedelta(hours=2))
    assert third["new_versions"] == 0 and third["new_articles"] == 0 and third["fetched"] == 0
    assert third["not_modified"] == len(crawlable(site, 1))
    content_requests = [r for r in site.requests if not r.path.startswith("/robots.txt")]
    assert content_requests, "tick 3 made no conditional requests at all"
    assert {r.status for r in content_requests} == {304}
    assert all(
        "if-none-match" in r.headers or "if-modified-since" in r.headers for r in content_requests
    )

    # Every tick was a real Prefect flow run, recorded against our run rows.
    runs = con.execute("SELECT status, flow_run_id FROM runs ORDER BY id").fetchall()
    assert [r[0] for r in runs] == ["partial", "partial", "ok"]  # robots block, then the 404
    assert all(r[1] for r in runs)
    assert (
        con.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
        == len(expected_first) + second["new_versions"]
    )
    con.close()

    # The readable diff shows the changed figure.
    shown = run_cli(
        "--config", str(config_dir), "--db", str(db), "article", edited.url, env=prefect_server
    )
    assert "v1" in shown.stdout and "v2" in shown.stdout
    old_value = site.article(*changes.edited[0], tick=0).headline["killed"].value
    new_value = edited.headline["killed"].value
    edits = [line for line in shown.stdout.splitlines() if line.startswith("~ ")]
    removed_old = re.compile(r"\[-[^\]]*\b" + str(old_value) + r"\b[^\]]*-\]")
    added_new = re.compile(r"\{\+[^}]*\b" + str(new_value) + r"\b[^}]*\+\}")
    assert any(removed_old.search(line) and added_new.search(line) for line in edits), shown.stdout

    exported = run_cli(
        "--config", str(config_dir), "--db", str(db), "export", "--format", "jsonl"
    ).stdout
    rows = [json.loads(line) for line in exported.splitlines()]
    assert {r["url"] for r in rows} >= expected_first
    assert sum(len(r["versions"]) for r in rows) == len(expected_first) + second["new_versions"]
    exported_edit = next(r for r in rows if r["url"] == edited.url)
    assert exported_edit["story_id"] is not None
    headlines = [
        (c["kind"], c["value"]) for c in exported_edit["versions"][-1]["claims"] if c["is_headline"]
    ]
    assert ("killed", new_value) in headlines

    status = json.loads(
        run_cli("--config", str(config_dir), "--db", str(db), "status", "--format", "json").stdout
    )
    assert {s["id"] for s in status["sources"]} == {"meridian", "courrier", "harbor", "valley"}
    assert all(s["consecutive_failures"] == 0 for s in status["sources"])


def processes_with_env(name: str, value: str) -> list[int]:
    """PIDs of live processes whose environment has ``name=value`` (Linux /proc)."""
    wanted = f"{name}={value}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if state != "Z" and wanted in environ:
            found.append(int(entry.name))
    return found


def test_serve_runs_ticks_on_schedule_and_stops_cleanly(site, tmp_path):
    config_dir = tmp_path / "config"
    port = free_port()
    site.write_config(
        config_dir,
        settings={
            "serve": {"interval": "10s", "port": port, "prefect_home": str(tmp_path / "prefect")}
        },
    )
    db = tmp_path / "served.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PYTHONPATH"] = str(ROOT)
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newsmon.cli",
            "--config",
            str(config_dir),
            "--db",
            str(db),
            "serve",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 150
        runs: list = []
        while time.monotonic() < deadline and process.poll() is None:
            if db.exists():
                try:
                    with sqlite3.connect(db) as con:
                        runs = con.execute(
                            "SELECT status, flow_run_id FROM runs WHERE finished_at IS NOT NULL"
                        ).fetchall()
                except sqlite3.OperationalError:
                    runs = []  # the store is still being created
                if runs:
                    break
            time.sleep(1)
        assert process.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
        assert runs, "no scheduled run completed: " + (tmp_path / "serve.log").read_text()[-3000:]
        assert runs[0][1], "the run was not a Prefect flow run"
        with sqlite3.connect(db) as con:
            assert con.execute("SELECT COUNT(*) FROM versions").fetchone()[0] > 0
        # The Prefect server newsmon serve started, its workers and the flow-run processes
        # all carry this PREFECT_HOME in their environment; after SIGTERM none may be left.
        assert processes_with_env("PREFECT_HOME", str(tmp_path / "prefect"))
        # Two ticks never overlap: the served deployment allows one run, cancelling newcomers.
        import httpx

        deployment = httpx.get(
            f"http://127.0.0.1:{port}/api/deployments/name/ingest/newsmon-ingest", timeout=10
        ).json()
        limit = deployment.get("global_concurrency_limit") or {}
        assert limit.get("limit") == 1, deployment
        assert deployment["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            # The Prefect server runs in its own process group: leave no orphan behind.
            for pid in processes_with_env("PREFECT_HOME", str(tmp_path / "prefect")):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            raise
        finally:
            log.close()
    assert code == 0, (tmp_path / "serve.log").read_text()[-3000:]
    served = (tmp_path / "serve.log").read_text()
    # One line per tick for whoever watches; a clean stop; no telemetry from its server.
    assert re.search(r"^newsmon serve: tick #1 (ok|partial) in \d+s: 4 sources, ", served, re.M), (
        served[-3000:]
    )
    assert "never awaited" not in served and "RuntimeWarning" not in served, served[-3000:]
    assert "telemetry" not in served.lower(), served[-3000:]
    # The server's own output goes to its log; with telemetry on, offline, it holds
    # "ERROR | prefect.server.services.telemetry - Failed to send telemetry" within seconds.
    server_log = (tmp_path / "prefect" / "server.log").read_text()
    assert "PREFECT_API_URL=http://127.0.0.1:" in server_log, server_log[-3000:]  # its banner
    assert "telemetry" not in server_log.lower(), server_log[-3000:]
    assert served.rstrip().endswith("newsmon serve: stopped"), served[-3000:]
    for _ in range(100):
        left = processes_with_env("PREFECT_HOME", str(tmp_path / "prefect"))
        if not left:
            break
        time.sleep(0.2)
    assert left == [], f"orphan processes after SIGTERM: {left}"


def test_bad_config_and_bad_sources_never_lose_stored_data(
    site, config_dir, tmp_path, prefect_server
):
    db = tmp_path / "newsmon.db"
    first = tick(config_dir, db, prefect_server, site.now)
    stored = (
        sqlite3.connect(db)
        .execute("SELECT id, seq, fingerprint FROM versions ORDER BY id")
        .fetchall()
    )
    assert len(stored) == first["new_versions"] > 0

    # A misspelt key: a clear error naming the file and the key; the store is untouched.
    settings_path = config_dir / "settings.toml"
    good_settings = settings_path.read_text()
    settings_path.write_text(good_settings + "\n[ingest]\nbatch_sise = 10\n")
    failed = run_cli(
        "--config", str(config_dir), "--db", str(db), "run", env=prefect_server, check=False
    )
    assert failed.returncode == 1
    assert f"{settings_path}: ingest.batch_sise: unknown key" in failed.stderr
    settings_path.write_text(good_settings)

    # Add hostile sources next to the good ones: an unreachable host, a 404 feed, an HTML page
    # where a feed should be, a truncated feed, and a feed whose items are faulty pages.
    fault = site.outlets["fault"]
    dead = f"http://127.0.0.1:{free_port()}"
    with (config_dir / "sources.toml").open("a") as fh:
        fh.write(
            f"""
[[source]]
id = "unreachable"
name = "A host that is down"
feeds = ["{dead}/rss.xml"]
poll_every = "1s"

[[source]]
id = "hostile"
name = "Everything that can go wrong"
feeds = ["{fault}/feed/poisoned", "{fault}/feed/not-xml",
         "{fault}/status/404", "{fault}/feed/malformed"]
poll_every = "1s"
"""
        )
    # A source that cannot be polled makes the run "done with errors": exit 4, report on stdout.
    partial = run_cli(
        "--config", str(config_dir), "--db", str(db), "run",
        "--now", (site.now + timedelta(minutes=20)).isoformat(), "--format", "json",
        env=prefect_server, check=False,
    )  # fmt: skip
    assert partial.returncode == ExitCode.PARTIAL, partial.stderr[-3000:]
    assert "1 of 6 sources could not be polled" in partial.stderr
    second = json.loads(partial.stdout)
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Nothing stored before is lost or rewritten.
    again = con.execute("SELECT id, seq, fingerprint FROM versions ORDER BY id").fetchall()
    assert [tuple(r) for r in again[: len(stored)]] == stored

    feeds = {r["url"]: r for r in con.execute("SELECT * FROM feeds")}
    # A host that does not answer fails as a connection failure (issue 15: causes named
    # truthfully); robots.txt is named in the detail as the request that found it down.
    assert feeds[f"{dead}/rss.xml"]["last_outcome"] == "connect"
    assert "robots.txt" in feeds[f"{dead}/rss.xml"]["last_detail"]
    assert feeds[f"{fault}/status/404"]["last_outcome"] == "http_status"
    assert feeds[f"{fault}/status/404"]["last_status"] == 404
    assert feeds[f"{fault}/feed/not-xml"]["last_outcome"] == "not_a_feed"
    assert feeds[f"{fault}/feed/poisoned"]["last_outcome"] == "ok"

    outcome = {
        r["url"].removeprefix(fault): (r["outcome"], r["status"])
        for r in con.execute("SELECT url, outcome, status FROM fetches WHERE kind = 'article'")
        if r["url"].startswith(fault)
    }
    assert outcome["/article"][0] == "ok"
    assert outcome["/binary"][0] == "not_html"
    assert outcome["/not-html"][0] == "not_html"
    assert outcome["/status/404"] == ("http_status", 404)
    assert outcome["/status/410"] == ("http_status", 410)
    assert outcome["/status/500"] == ("http_status", 500)
    assert outcome["/gzip-bomb"][0] == "too_large"
    assert outcome["/chained-gzip"][0] == "decode"
    assert outcome["/truncated"][0] == "protocol"
    assert outcome["/hang?limit=15"][0] == "timeout"
    assert outcome["/redirect-loop"][0] == "redirects"
    assert outcome["/redirect/3"][0] == "ok"
    for path in ("/bad-encoding", "/nul-bytes", "/deep-html"):
        assert outcome[path][0] in ("ok", "not_article", "timeout"), (path, outcome[path])

    status = json.loads(
        run_cli("--config", str(config_dir), "--db", str(db), "status", "--format", "json").stdout
    )
    health = {s["id"]: s for s in status["sources"]}
    assert health["unreachable"]["consecutive_failures"] == 1
    assert "connect" in health["unreachable"]["last_error"]
    assert health["meridian"]["consecutive_failures"] == 0
    assert second["errors"]["http_status"] >= 4
