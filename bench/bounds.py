"""Bounds under hostile servers and pages: deadline overshoot, memory under bombs, cleaning.

    python bench/bounds.py [--timeout 2] [--repeat 5] [--json out.json]

Everything goes through the real code against the fake site's fault outlet (tests/fakesite,
127.0.0.9): newsmon.ingest.fetcher.Fetcher with ``timeout_s`` = --timeout and the default 10 MB
``max_bytes``, then newsmon.ingest.clean.CleanPool.

1. Deadline: /slow-drip, /hang, /hang-before-headers and /endless, each --repeat times one
   after another and then all at once; overshoot = elapsed - timeout_s for fetches that ended
   in "timeout". The worst overshoot is the figure.
2. Memory: /gzip-bomb, /brotli-bomb, /zstd-bomb (200 MB of spaces each), /big and /huge-line
   (50 and 30 MiB declared), /endless; Python allocation peak (tracemalloc) during each fetch
   and the process's peak RSS.
3. Cleaning: /deep-html (200,000 nested elements), /huge-line (30 MiB single line, fetched
   with max_bytes raised), /bad-encoding, /nul-bytes in a one-worker pool; time, outcome and
   the worker's peak RSS. Then a worker stuck with SIGALRM blocked (like a parse in C code that
   never returns): overshoot of the hard deadline (timeout + margin) before it is killed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import signal
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from newsmon.core.errors import FetchError  # noqa: E402
from newsmon.core.settings import FetchSettings  # noqa: E402
from newsmon.ingest.clean import CleanPool, extract_in_worker  # noqa: E402 - after sys.path setup
from newsmon.ingest.fetcher import Fetcher  # noqa: E402
from tests.fakesite import FakeSite  # noqa: E402

DEADLINE_PATHS = ("/slow-drip?interval=0.05", "/hang", "/hang-before-headers", "/endless")
BOMB_PATHS = ("/gzip-bomb", "/brotli-bomb", "/zstd-bomb", "/big", "/huge-line", "/endless")
PAGE_PATHS = ("/article", "/deep-html", "/huge-line", "/bad-encoding", "/nul-bytes")


def settings(timeout: float, **overrides: Any) -> FetchSettings:
    values: dict[str, Any] = {
        "allow_private_networks": ["127.0.0.9/32"],
        "per_host_delay_s": 0.0,
        "per_host_concurrency": 32,
        "max_concurrency": 32,
        "retries": 0,
        "respect_robots": False,
        "timeout_s": timeout,
    }
    values.update(overrides)
    return FetchSettings(**values)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def timed_fetch(fetcher: Fetcher, url: str) -> tuple[str, float, int]:
    """Return (outcome, elapsed seconds, bytes)."""
    started = time.monotonic()
    try:
        result = await fetcher.fetch(url)
        return "ok", time.monotonic() - started, len(result.content)
    except FetchError as exc:
        return exc.reason, time.monotonic() - started, 0


async def deadlines(base: str, timeout: float, repeat: int) -> dict[str, Any]:
    rows = []
    async with Fetcher(settings(timeout)) as fetcher:
        for path in DEADLINE_PATHS:
            for _ in range(repeat):
                outcome, elapsed, _size = await timed_fetch(fetcher, base + path)
                rows.append(("sequential", path, outcome, elapsed))
        together = await asyncio.gather(
            *(timed_fetch(fetcher, base + p) for p in DEADLINE_PATHS for _ in range(repeat))
        )
        paths = [p for p in DEADLINE_PATHS for _ in range(repeat)]
        rows += [("concurrent", p, o, e) for p, (o, e, _s) in zip(paths, together, strict=True)]
    timeouts = [r for r in rows if r[2] == "timeout"]
    overshoot = [r[3] - timeout for r in timeouts]
    per_path: dict[str, dict[str, Any]] = {}
    for mode, path, outcome, elapsed in rows:
        entry = per_path.setdefault(f"{mode} {path}", {"outcomes": {}, "max_elapsed_s": 0.0})
        entry["outcomes"][outcome] = entry["outcomes"].get(outcome, 0) + 1
        entry["max_elapsed_s"] = round(max(entry["max_elapsed_s"], elapsed), 3)
    return {
        "timeout_s": timeout,
        "fetches": len(rows),
        "timeouts": len(timeouts),
        "worst_overshoot_ms": round(max(overshoot) * 1000, 1) if overshoot else None,
        "median_overshoot_ms": round(sorted(overshoot)[len(overshoot) // 2] * 1000, 1)
        if overshoot
        else None,
        "per_path": per_path,
    }


async def bombs(base: str, timeout: float) -> dict[str, Any]:
    results = {}
    async with Fetcher(settings(max(timeout, 20.0))) as fetcher:
        for path in BOMB_PATHS:
            await timed_fetch(fetcher, base + "/article")  # warm the connection pool
            tracemalloc.start()
            try:
                outcome, elapsed, size = await timed_fetch(fetcher, base + path)
                _current, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            results[path] = {
                "outcome": outcome,
                "elapsed_s": round(elapsed, 3),
                "bytes_kept": size,
                "traced_peak_mb": round(peak / 2**20, 2),
            }
    return {
        "max_bytes": settings(timeout).max_bytes,
        "per_bomb": results,
        "worst_traced_peak_mb": max(r["traced_peak_mb"] for r in results.values()),
        "process_peak_rss_mb": round(rss_mb(), 1),
    }


def measured_worker(
    html: bytes, url: str, min_chars: int, timeout_s: float
) -> tuple[str, dict | None, str]:
    """extract_in_worker, reporting elapsed time and the worker's peak RSS in the detail."""
    started = time.monotonic()
    outcome, data, detail = extract_in_worker(html, url, min_chars, timeout_s)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    info = {"elapsed_s": round(time.monotonic() - started, 3), "worker_peak_rss_mb": peak}
    return outcome, data, json.dumps({"detail": detail, **info})


def stuck_worker(
    html: bytes, url: str, min_chars: int, timeout_s: float
) -> tuple[str, dict | None, str]:
    """A parse that ignores the soft timer (SIGALRM blocked, as inside C code) and never ends."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    time.sleep(3600)
    return "ok", None, ""


async def cleaning(base: str, clean_timeout: float) -> dict[str, Any]:
    pages = []
    async with Fetcher(settings(30.0, max_bytes=40_000_000)) as fetcher:
        for path in PAGE_PATHS:
            result = await fetcher.fetch(base + path)
            pages.append((result.content, base + path))
    results = {}
    for content, url in pages:
        # One fresh worker per page, so each peak RSS is that page's alone.
        with CleanPool(1, clean_timeout, worker=measured_worker) as pool:
            started = time.monotonic()
            [(outcome, _article, detail)] = await pool.clean_many([(content, url)])
            elapsed = time.monotonic() - started
        info = json.loads(detail) if detail.startswith("{") else {"detail": detail}
        results[url.removeprefix(base)] = {
            "outcome": outcome,
            "input_mb": round(len(content) / 2**20, 2),
            "pool_elapsed_s": round(elapsed, 3),
            **info,
        }
    soft, margin = 1.0, 1.0
    with CleanPool(1, soft, worker=stuck_worker, hard_margin_s=margin) as pool:
        started = time.monotonic()
        [(outcome, _article, detail)] = await pool.clean_many([(b"", base + "/stuck")])
        elapsed = time.monotonic() - started
    return {
        "clean_timeout_s": clean_timeout,
        "per_page": results,
        "worst_worker_peak_rss_mb": max(r.get("worker_peak_rss_mb", 0) for r in results.values()),
        "stuck_worker": {
            "outcome": outcome,
            "detail": detail,
            "hard_deadline_s": soft + margin,
            "elapsed_s": round(elapsed, 3),
            "overshoot_ms": round((elapsed - soft - margin) * 1000, 1),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=2.0, help="fetch.timeout_s")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--clean-timeout", type=float, default=20.0, help="clean.timeout_s")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    with FakeSite() as site:
        base = site.outlets["fault"]
        report = {
            "deadline": asyncio.run(deadlines(base, args.timeout, args.repeat)),
            "memory": asyncio.run(bombs(base, args.timeout)),
            "cleaning": asyncio.run(cleaning(base, args.clean_timeout)),
        }
    print(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
