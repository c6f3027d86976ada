"""Shared fixtures: one fixture per edge (settings, db, site, prefect server, CLI runner)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from newsmon import store
from newsmon.core.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def settings() -> Settings:
    """Defaults with loopback allowed and no politeness delay (tests talk to our own site)."""
    s = Settings()
    s.fetch.allow_private_networks = True
    s.fetch.per_host_delay_s = 0.0
    s.fetch.timeout_s = 5.0
    s.fetch.retries = 0
    s.clean.workers = 0
    return s


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = store.open_db(tmp_path / "newsmon.db")
    yield database
    database.close()


@pytest.fixture
def site() -> Iterator[object]:
    """The fake news site on loopback addresses, fresh per test."""
    from tests.fakesite import FakeSite

    with FakeSite() as running:
        yield running


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One real Prefect server for the whole session; yields the env that points at it."""
    from flows.serve import prefect_env, start_server, stop_server

    home = tmp_path_factory.mktemp("prefect-home")
    s = Settings()
    s.serve.port = free_port()
    s.serve.prefect_home = str(home)
    env = prefect_env(s)
    process = start_server(s, env, home / "server.log")
    try:
        from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

        with temporary_settings(
            updates={PREFECT_API_URL: env["PREFECT_API_URL"], PREFECT_HOME: str(home)}
        ):
            yield env
    finally:
        stop_server(process)


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 240, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the real `newsmon` CLI in a subprocess."""
    full_env = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "newsmon.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=ROOT,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"newsmon {' '.join(args)} exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


@pytest.fixture
def config_dir(tmp_path: Path, site: object) -> Path:
    """A config directory for the fake site (loopback allowed, no delays)."""
    directory = tmp_path / "config"
    site.write_config(directory)  # type: ignore[attr-defined]
    load_settings(directory)  # fail here, not in the CLI, if the site writes a bad config
    return directory


@pytest.fixture
def receiver() -> Iterator[object]:
    """A loopback webhook receiver that records every POST (tests/test_alerts.Receiver)."""
    from tests.test_alerts import Receiver

    hook = Receiver()
    hook.thread.start()
    try:
        yield hook
    finally:
        hook.server.shutdown()
        hook.server.server_close()
