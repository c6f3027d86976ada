"""One tick over 200 hostile pages (stuck, bombs, huge, cleaner hangs): does it end on time?

    python bench/hostile_tick.py [--pages 200] [--deadline 60s] [--concurrency 4]

Serves the fake site's fault outlet (tests/fakesite) with one feed listing the hostile pages
and two good ones, runs `newsmon run --no-prefect` as a child process with
ingest.tick_deadline set, and prints the tick's wall time, its report, and the peak resident
memory of the newsmon process and of its largest cleaning worker (ru_maxrss of children).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
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

# Each kind of hostile page, by path on the fault outlet (see tests/fakesite/__init__.py).
KINDS = [
    "/hang?limit=60",  # headers, then nothing: the fetch deadline cuts it
    "/hang-before-headers?limit=60",
    "/slow-drip?limit=60",  # one byte every half second
    "/gzip-bomb",  # 200 KB inflating to 200 MB: the byte cap stops it
    "/brotli-bomb",
    "/big",  # Content-Length 50 MiB
    "/endless",  # chunked for ever
    "/huge-line",  # 30 MiB on one line
    "/deep-html",  # 200,000 nested divs
    "/many-attributes",  # minutes in the cleaner: the pool's hard deadline kills it
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--deadline", default="60s")
    parser.add_argument("--concurrency", type=int, default=4, help="fetch.per_host_concurrency")
    args = parser.parse_args()
    with FakeSite() as site, tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        paths = ["/good/1", "/good/2"] + [
            f"{KINDS[n % len(KINDS)]}{'&' if '?' in KINDS[n % len(KINDS)] else '?'}n={n}"
            for n in range(args.pages)
        ]
        feed = site.url("fault", "/items?" + "&".join(f"path={quote(p, safe='')}" for p in paths))
        site.write_config(
            directory / "config",
            {
                "fetch": {"timeout_s": 10.0, "per_host_concurrency": args.concurrency},
                "discover": {"max_items_per_feed": args.pages + 2},
                "ingest": {"tick_deadline": args.deadline, "max_new_per_source": args.pages + 2},
                "clean": {"workers": 2, "timeout_s": 10.0},
            },
        )
        (directory / "config" / "sources.toml").write_text(
            f'[[source]]\nid = "hostile"\nname = "Hostile"\nfeeds = {toml_literal([feed])}\n',
            encoding="utf-8",
        )
        command = [sys.executable, "-m", "newsmon.cli", "--config", str(directory / "config")]
        command += ["--db", str(directory / "n.db"), "run", "--no-prefect", "--format", "json"]
        started = time.monotonic()
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        elapsed = time.monotonic() - started
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        with sqlite3.connect(directory / "n.db") as con:
            started_at, finished_at = con.execute(
                "SELECT started_at, finished_at FROM runs ORDER BY id DESC LIMIT 1"
            ).fetchone()
        tick_s = (
            datetime.fromisoformat(finished_at) - datetime.fromisoformat(started_at)
        ).total_seconds()
    if result.returncode != 0:
        print(result.stderr[-3000:])
    report = json.loads(result.stdout) if result.returncode == 0 else {}
    print(f"pages: {args.pages} hostile + 2 good; tick_deadline {args.deadline}")
    print(
        f"exit {result.returncode}; the tick (runs row) {tick_s:.1f} s; the process {elapsed:.1f} s"
    )
    print(f"peak RSS of the largest process (newsmon or a cleaning worker): "
          f"{children.ru_maxrss / 1024:.0f} MiB")  # fmt: skip
    print(f"new versions {report.get('new_versions')}; errors {report.get('errors')}")


if __name__ == "__main__":
    main()
