"""`newsmon serve`: a local Prefect server as a child process plus the ingest deployment.

The server runs on 127.0.0.1 with its own PREFECT_HOME (Prefect's database lives apart
from ours). The deployment has a concurrency limit of one with CANCEL_NEW, so two ticks
never overlap. SIGINT/SIGTERM stop the runner, then the server's whole process group.
A port already taken is one clear error before anything starts; each finished tick is
announced in one line. Prefect is imported only after its environment is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

from newsmon import store
from newsmon.core.errors import NewsmonError, ServeError
from newsmon.core.settings import Settings, parse_duration

HEALTH_TIMEOUT_S = 90.0


def prefect_env(settings: Settings) -> dict[str, str]:
    """Environment that points Prefect at our local server and our own PREFECT_HOME."""
    home = Path(settings.serve.prefect_home).resolve()
    home.mkdir(parents=True, exist_ok=True)
    api = f"http://{settings.serve.host}:{settings.serve.port}/api"
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_API_HOST": settings.serve.host,
        "PREFECT_SERVER_API_PORT": str(settings.serve.port),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # The scheduler's default loop is 60 s; a shorter loop makes the first tick prompt.
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
        "PREFECT_RUNNER_POLL_FREQUENCY": "5",
        "PREFECT_LOGGING_LEVEL": os.environ.get("PREFECT_LOGGING_LEVEL", "WARNING"),
    }


def start_server(
    settings: Settings, env: dict[str, str], log_path: Path
) -> subprocess.Popen[bytes]:
    """Start `prefect server start` in its own process group; wait until it is healthy."""
    log = log_path.open("ab")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            settings.serve.host,
            "--port",
            str(settings.serve.port),
        ],
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    log.close()
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    url = env["PREFECT_API_URL"] + "/health"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServeError(
                f"prefect server exited with code {process.returncode}; see {log_path}"
            )
        try:
            if httpx.get(url, timeout=2.0, trust_env=False).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_server(process)
    raise ServeError(f"prefect server not healthy after {HEALTH_TIMEOUT_S:.0f}s; see {log_path}")


def stop_server(process: subprocess.Popen[bytes], timeout_s: float = 20.0) -> None:
    """Terminate the server's process group, killing it if it does not exit in time."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def _terminate_children() -> None:
    """Stop any flow-run subprocess the runner left behind (Linux /proc walk)."""
    me = str(os.getpid())
    proc = Path("/proc")
    if not proc.exists():
        return
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(entry.name), signal.SIGTERM)


def serve(
    settings: Settings,
    config_dir: str,
    db_path: str,
    *,
    announce: Callable[[str], None],
    describe_tick: Callable[[dict[str, Any]], str],
) -> None:
    """Run the local server and serve the ingest deployment until SIGINT/SIGTERM.

    ``announce`` receives the lines a person watching wants: the start, one line per
    finished tick (as ``describe_tick`` words a run row), the stop.
    """
    check_port_free(settings.serve.host, settings.serve.port)
    env = prefect_env(settings)
    os.environ.update(env)
    log_path = Path(env["PREFECT_HOME"]) / "server.log"

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # Until the runner takes over SIGTERM (it does when it starts), it stops the start-up.
    previous = signal.signal(signal.SIGTERM, on_term)
    server: subprocess.Popen[bytes] | None = None
    watcher = TickWatcher(db_path, announce, describe_tick)
    try:
        server = start_server(settings, env, log_path)
        from prefect.client.schemas.objects import (
            ConcurrencyLimitConfig,
            ConcurrencyLimitStrategy,
        )

        from .ingest import ingest

        schedule: dict[str, object] = (
            {"cron": settings.serve.cron}
            if settings.serve.cron
            else {"interval": parse_duration(settings.serve.interval)}
        )
        deployment = ingest.to_deployment(
            name=settings.serve.deployment_name,
            parameters={"config_dir": config_dir, "db_path": db_path},
            concurrency_limit=ConcurrencyLimitConfig(
                limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
            ),
            **schedule,  # type: ignore[arg-type]
        )
        announce(
            f"newsmon serve: Prefect server on {env['PREFECT_API_URL']}, deployment "
            f"{settings.serve.deployment_name!r} every "
            f"{settings.serve.cron or settings.serve.interval}; Ctrl-C or SIGTERM stops"
        )
        watcher.start()
        # to_deployment is sync-compatible: called from sync code it returns the deployment.
        asyncio.run(_serve_until_stopped(deployment))
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        watcher.stop()
        _terminate_children()
        if server is not None:
            stop_server(server)
        announce("newsmon serve: stopped")


def check_port_free(host: str, port: int) -> None:
    """Raise ServeError when something already listens on host:port."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ServeError(
                f"{host}:{port} is already in use ({exc.strerror}): another Prefect server or "
                "program listens there; stop it, or set another [serve] port in settings.toml"
            ) from exc


async def _serve_until_stopped(deployment: Any) -> None:
    """Serve one deployment until SIGTERM or SIGINT; return once the runner has stopped.

    Prefect's runner installs a SIGTERM handler that calls its sync ``stop()`` from inside
    the running loop, which only makes a coroutine nobody awaits ("coroutine 'Runner.astop'
    was never awaited") before it exits: the handler it installs is replaced by one that
    schedules ``astop()`` on the loop.
    """
    from prefect.runner import Runner

    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    runner = Runner(pause_on_shutdown=True, limit=None)
    stopping: list[asyncio.Future[None]] = []

    def begin_stop() -> None:
        if stopping:
            return
        if runner.started:
            stopping.append(asyncio.ensure_future(runner.astop()))
        elif main is not None:
            main.cancel()

    def request_stop(*args: Any, **kwargs: Any) -> None:
        loop.call_soon_threadsafe(begin_stop)

    runner.handle_sigterm = request_stop  # type: ignore[method-assign]
    loop.add_signal_handler(signal.SIGINT, request_stop)
    try:
        await runner.aadd_deployment(deployment)
        await runner.start()
        for task in stopping:
            await task
    finally:
        loop.remove_signal_handler(signal.SIGINT)


class TickWatcher:
    """Announce each run that finishes in the store, one line per tick (a background thread)."""

    def __init__(
        self,
        db_path: str,
        announce: Callable[[str], None],
        describe: Callable[[dict[str, Any]], str],
        every_s: float = 2.0,
    ) -> None:
        self.db_path = db_path
        self.announce = announce
        self.describe = describe
        self.every_s = every_s
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="newsmon-ticks", daemon=True)
        self._seen: int | None = None

    def start(self) -> None:
        self._seen = self._last_finished()
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._report()  # a tick that finished while stopping

    def _watch(self) -> None:
        while not self._done.wait(self.every_s):
            self._report()

    def _last_finished(self) -> int:
        runs = self._finished_after(None)
        return max((int(r["id"]) for r in runs), default=0)

    def _finished_after(self, run_id: int | None) -> list[dict[str, Any]]:
        if not Path(self.db_path).exists():
            return []
        try:
            db = store.open_db(self.db_path)
        except NewsmonError:
            return []
        try:
            return store.runs.finished_runs(db, after=run_id or 0)
        except sqlite3.Error:
            return []  # busy or being created: look again next time
        finally:
            db.close()

    def _report(self) -> None:
        for run in self._finished_after(self._seen):
            self._seen = max(self._seen or 0, int(run["id"]))
            self.announce("newsmon serve: " + self.describe(run))
