"""`newsmon serve`: a local Prefect server as a child process plus the ingest deployment.

The server runs on 127.0.0.1 with its own PREFECT_HOME (Prefect's database lives apart
from ours). The deployment has a concurrency limit of one with CANCEL_NEW, so two ticks
never overlap. SIGINT/SIGTERM stop the runner, then the server's whole process group.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import httpx

from newsmon.core.errors import ServeError
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


def serve(settings: Settings, config_dir: str, db_path: str) -> None:
    """Run the local server and serve the ingest deployment until SIGINT/SIGTERM."""
    env = prefect_env(settings)
    os.environ.update(env)
    log_path = Path(env["PREFECT_HOME"]) / "server.log"
    server = start_server(settings, env, log_path)

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        from prefect import serve as prefect_serve
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
        print(
            f"newsmon serve: Prefect server on {env['PREFECT_API_URL']}, deployment "
            f"{settings.serve.deployment_name!r} every "
            f"{settings.serve.cron or settings.serve.interval}; Ctrl-C or SIGTERM stops",
            flush=True,
        )
        # to_deployment is sync-compatible: called from sync code it returns the deployment.
        prefect_serve(deployment, print_starting_message=False)  # type: ignore[arg-type]
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        _terminate_children()
        stop_server(server)
        print("newsmon serve: stopped", flush=True)
