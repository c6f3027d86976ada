"""An edited 3 MB page fetched again: how long until its new version is stored, and how long
the writer holds the write lock meanwhile.

    python bench/edited_page.py [--runs 3]

Serves the fake site's fault outlet (tests/fakesite) with one feed listing /long/report
(about 3 MB of HTML, 20,000 sentences) and two small good pages. Each run, in a fresh store:
`newsmon run --no-prefect` stores edition 0, the site switches to edition 1 (every 40th
sentence reworded, a new toll in the lead, a new title and closing paragraph), and
`newsmon run --no-prefect --force` stores the edited version. Prints, for that second tick:
its duration as its runs row records it, the process's wall time (start-up included), and
`write_lock_ms`, the longest one transaction held BEGIN IMMEDIATE (measured by the store);
then the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakesite import FakeSite  # noqa: E402 - after sys.path setup
from tests.fakesite.server import toml_literal  # noqa: E402


def tick(directory: Path, *extra: str) -> tuple[dict[str, object], float, float]:
    """Run one tick; return its report, its runs-row duration and the process's wall time."""
    command = [sys.executable, "-m", "newsmon.cli", "--config", str(directory / "config")]
    command += ["--db", str(directory / "n.db"), "run", "--no-prefect", "--format", "json"]
    started = time.monotonic()
    result = subprocess.run(
        [*command, *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    wall = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"newsmon exited {result.returncode}:\n{result.stderr[-3000:]}")
    with sqlite3.connect(directory / "n.db") as con:
        started_at, finished_at = con.execute(
            "SELECT started_at, finished_at FROM runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
    tick_s = (
        datetime.fromisoformat(finished_at) - datetime.fromisoformat(started_at)
    ).total_seconds()
    return json.loads(result.stdout), tick_s, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ticks, walls, locks = [], [], []
    with FakeSite() as site:
        paths = ["/good/1", "/good/2", "/long/report"]
        feed = site.url("fault", "/items?" + "&".join(f"path={quote(p, safe='')}" for p in paths))
        for run in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                directory = Path(tmp)
                site.write_config(directory / "config")
                (directory / "config" / "sources.toml").write_text(
                    f'[[source]]\nid = "long"\nname = "Long"\nfeeds = {toml_literal([feed])}\n'
                    'poll_every = "1s"\n',
                    encoding="utf-8",
                )
                site.fault_edition = 0
                tick(directory)
                site.fault_edition = 1
                report, tick_s, wall = tick(directory, "--force")
                if report.get("new_versions") != 1:
                    raise SystemExit(f"the edited page was not stored again: {report}")
                lock_ms = int(report["write_lock_ms"])  # type: ignore[call-overload]
                print(
                    f"run {run + 1}: the tick {tick_s:.1f} s (runs row), the process {wall:.1f} s,"
                    f" write lock held at most {lock_ms} ms",
                    flush=True,
                )
                ticks.append(tick_s)
                walls.append(wall)
                locks.append(lock_ms)
    print(
        f"median of {args.runs}: the tick {statistics.median(ticks):.1f} s, the process "
        f"{statistics.median(walls):.1f} s, write lock {statistics.median(locks):.0f} ms "
        f"(worst {max(locks)} ms)"
    )


if __name__ == "__main__":
    main()
