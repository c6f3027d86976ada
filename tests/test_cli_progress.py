"""Progress people expect, and `serve`/`run` manners with Prefect, through the real CLI."""

from __future__ import annotations

import json
import os
import pty
import select
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsmon.core.exits import ExitCode
from tests.conftest import ROOT, free_port, run_cli
from tests.test_cli_exits import article_line, write_lines

BAR = "━"  # rich draws its bars with this character


def run_in_terminal(*args: str, env: dict[str, str] | None = None, timeout: float = 240) -> str:
    """Run the CLI with stdout and stderr on a pseudo-terminal; return all it drew."""
    leader, follower = pty.openpty()
    full_env = {
        **os.environ,
        **(env or {}),
        "PYTHONPATH": str(ROOT),
        "TERM": "xterm-256color",
        "COLUMNS": "120",
    }
    full_env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "newsmon.cli", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=full_env,
        cwd=ROOT,
    )
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # EIO: the terminal's other side is closed
                    break
                if not data:
                    break
                chunks.append(data)
            elif process.poll() is not None:
                break
        process.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        os.close(leader)
        if process.poll() is None:
            process.kill()
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def lines(tmp_path: Path) -> Path:
    return write_lines(tmp_path / "in.jsonl", [article_line(n) for n in range(30)])


def test_backfill_draws_a_progress_bar_on_a_terminal(tmp_path, lines):
    drawn = run_in_terminal("--db", str(tmp_path / "n.db"), "backfill", "--jsonl", str(lines))
    assert BAR in drawn and "import in.jsonl" in drawn and "100%" in drawn, drawn[-2000:]
    assert "new version: 30" in drawn


def test_backfill_logs_progress_lines_when_not_on_a_terminal(tmp_path, lines):
    result = run_cli("--db", str(tmp_path / "n.db"), "backfill", "--jsonl", str(lines))
    progress = [line for line in result.stderr.splitlines() if "import in.jsonl" in line]
    assert progress[0] == "newsmon: import in.jsonl: 0/30 lines (0%)"
    assert progress[-1].endswith("(100%)")
    assert BAR not in result.stderr and "\x1b" not in result.stderr
    assert result.stdout.startswith("lines: 30")


def test_reprocess_draws_a_bar_on_a_terminal_and_logs_otherwise(tmp_path, lines):
    db = str(tmp_path / "n.db")
    run_cli("--db", db, "backfill", "--jsonl", str(lines))
    drawn = run_in_terminal("--db", db, "reprocess")
    assert BAR in drawn and "reprocess" in drawn and "30/30 articles" in drawn, drawn[-2000:]
    logged = run_cli("--db", db, "reprocess").stderr.splitlines()
    assert logged == [
        "newsmon: reprocess: 0/30 articles (0%)",
        "newsmon: reprocess: 30/30 articles (100%)",
    ]


def test_run_draws_a_bar_on_a_terminal_without_prefect(site, config_dir, tmp_path):
    drawn = run_in_terminal("--config", str(config_dir), "--db", str(tmp_path / "n.db"), "run",
                            "--no-prefect")  # fmt: skip
    assert BAR in drawn and "fetch" in drawn and "URLs" in drawn, drawn[-2000:]


@pytest.mark.e2e
def test_a_prefect_run_draws_the_bar_and_logs_otherwise(site, config_dir, tmp_path, prefect_server):
    """The flow runs in-process under `newsmon run`: its progress reaches the CLI's display."""
    drawn = run_in_terminal(
        "--config", str(config_dir), "--db", str(tmp_path / "a.db"), "run", env=prefect_server
    )
    assert BAR in drawn and "fetch" in drawn and "URLs" in drawn, drawn[-3000:]
    logged = run_cli(
        "--config", str(config_dir), "--db", str(tmp_path / "b.db"), "run", env=prefect_server
    )
    assert "newsmon: fetch: 0/" in logged.stderr and "URLs (100%)" in logged.stderr


# --- Prefect's manners ----------------------------------------------------------------------------


@pytest.mark.e2e
def test_run_on_prefects_temporary_server_sends_no_telemetry(site, config_dir, tmp_path):
    """Without a Prefect server, `run` starts a temporary one: telemetry off, no ERROR lines."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "newsmon.cli", "--config", str(config_dir), "--db",
         str(tmp_path / "n.db"), "run", "--format", "json"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert result.returncode == ExitCode.OK, result.stderr[-3000:]
    assert "temporary server" in result.stderr  # it did use one
    assert "telemetry" not in result.stderr.lower(), result.stderr[-3000:]
    assert json.loads(result.stdout)["new_versions"] > 0


def test_serve_on_a_port_in_use_says_so_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        folder = tmp_path / "config"
        folder.mkdir()
        (folder / "settings.toml").write_text(
            f'[serve]\nport = {port}\nprefect_home = "{tmp_path / "prefect"}"\n'
        )
        result = run_cli("--config", str(folder), "--db", str(tmp_path / "n.db"), "serve",
                         check=False, timeout=120)  # fmt: skip
    assert result.returncode == ExitCode.ERROR
    assert result.stderr.splitlines() == [
        f"newsmon: error: 127.0.0.1:{port} is already in use (Address already in use): another "
        "Prefect server or program listens there; stop it, or set another [serve] port in "
        "settings.toml"
    ]


def test_the_port_probe_leaves_a_free_port_free():
    from flows.serve import check_port_free

    port = free_port()
    check_port_free("127.0.0.1", port)
    check_port_free("127.0.0.1", port)  # nothing was left bound
