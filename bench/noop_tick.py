"""A tick with nothing new: ``--feeds`` unchanged feeds, every poll a conditional GET (304).

The site is bench/aebsite.py with ``--hosts`` loopback hosts, each serving
``--feeds / --hosts`` feeds over its share of ``--pages`` corpus pages. One ``newsmon run``
stores everything first; then each run comes two minutes of replayed time after the last (no
article is due for a recheck yet, every source is due for a poll):

- ``newsmon run --no-prefect`` and ``newsmon run`` (Prefect) over the unchanged feeds;
- the same two commands with one source whose feed is empty (a 404): their fixed start-up
  (interpreter, imports, Prefect's temporary server).

The no-op tick's cost is its wall time minus that start-up, median over rounds.

    .venv/bin/python bench/noop_tick.py --feeds 500 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.aebsite import CORPUS, SiteProcess  # noqa: E402
from bench.ingest_speed import write_config  # noqa: E402


def newsmon_run(config: Path, db: Path, now: datetime, prefect: bool) -> tuple[float, dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PREFECT_LOGGING_LEVEL": "WARNING"}
    args = [sys.executable, "-m", "newsmon.cli", "--config", str(config), "--db", str(db)]
    args += ["run", "--format", "json", "--now", now.isoformat()]
    args += [] if prefect else ["--no-prefect"]
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, cwd=str(config.parent))
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"newsmon run failed: {done.stderr[-2000:]}")
    return elapsed, json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=25)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"corpus not found at {CORPUS}; nothing to measure")
        return 0
    per_host = max(1, args.feeds // args.hosts)
    port = 80 if os.geteuid() == 0 else 0
    now = datetime.now(UTC).replace(microsecond=0)
    load = os.getloadavg()
    with (
        SiteProcess(pages=args.pages, hosts=args.hosts, feeds_per_host=per_host, port=port) as site,
        tempfile.TemporaryDirectory(prefix="newsmon-noop-") as tmp,
    ):
        feeds, hosts = site.info["feeds"], site.info["hosts"]
        config = write_config(Path(tmp) / "full", feeds, hosts, 2)
        empty = write_config(
            Path(tmp) / "empty", [feeds[0].replace("/feed0.xml", "/none")], hosts, 2
        )
        db = Path(tmp) / "full" / "newsmon.db"
        first_s, first = newsmon_run(config, db, now, prefect=False)
        print(
            f"first tick: {len(feeds)} feeds, {first['new_versions']} articles stored "
            f"in {first_s:.1f}s",
            file=sys.stderr,
        )
        rows: dict[str, list[float]] = {}
        for r in range(args.rounds):
            for prefect in (False, True):
                # Every source polls each minute: each run comes two minutes after the last.
                moment = now + timedelta(minutes=4 * r + (4 if prefect else 2))
                label = "prefect" if prefect else "no-prefect"
                wall, report = newsmon_run(config, db, moment, prefect)
                assert report["fetched"] == 0 and report["new_articles"] == 0, report
                assert report["feeds_ok"] == len(feeds), report
                startup, _ = newsmon_run(empty, Path(tmp) / "empty" / "n.db", moment, prefect)
                rows.setdefault(label, []).append(wall)
                rows.setdefault(label + " start-up", []).append(startup)
                rows.setdefault(label + " net", []).append(wall - startup)
                print(
                    f"round {r + 1} {label}: {wall:.2f}s, start-up {startup:.2f}s, "
                    f"net {wall - startup:.2f}s ({report['not_modified']} not modified, "
                    f"{report['feeds_ok']} feeds answered)",
                    file=sys.stderr,
                    flush=True,
                )
    print(f"no-op tick over {len(feeds)} feeds on {args.hosts} hosts, {args.rounds} rounds")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in load)}")
    for label, values in rows.items():
        print(f"{label:<22} median {statistics.median(values):6.2f}s  runs {values}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
