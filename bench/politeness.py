"""Politeness under concurrency, measured by the servers: spacing, concurrency, Retry-After, robots.

    python bench/politeness.py --requests 5000 --hosts 32 --delay 0.2 --mode both

The generated site (bench/bigsite.py) runs in a child process, so its clock and its request
log are not disturbed by the client. Each host holds every request open for ``--service``
seconds (so two requests to one host at once would overlap visibly), declares
``Disallow: /private/`` (its sitemap lists such URLs), and a few hosts declare a
``Crawl-delay``. Every ``--retry-every``-th article answers its first request with 429 or 503
and ``Retry-After: 1``.

Modes:
  fetcher   every article URL (and the disallowed ones) handed at once to one real Fetcher
            (asyncio.gather), as a tick's batches would, with ``max_concurrency`` 16;
  pipeline  one real tick (newsmon.pipeline.tick.run_tick: sitemaps, discovery, batches of
            ``ingest.batch_size``, cleaning pool, store) over the same site.

Per host the server-side arrival times give the gaps between consecutive requests; a gap
shorter than the host's required spacing (max of ``per_host_delay_s`` and its capped
Crawl-delay) is a violation. The script also reports the most requests a host ever had in
flight, the shortest wait after a 429/503 before the retry, requests for disallowed paths,
the total time and the ideal time (the busiest host's requests times its spacing).
Exit status 1 if any violation was seen.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bigsite import BigSite, Hit, SiteProcess  # noqa: E402 - after sys.path setup
from newsmon.core.clock import SystemClock  # noqa: E402
from newsmon.core.errors import FetchError  # noqa: E402
from newsmon.core.settings import FetchSettings, load_settings  # noqa: E402
from newsmon.ingest.fetcher import Fetcher  # noqa: E402
from newsmon.pipeline import tick as pipeline  # noqa: E402

MAX_CRAWL_DELAY_S = 0.5
# Violations by how much shorter than required the gap was, in milliseconds.
SHORTFALL_BUCKETS = {"<1 ms": 1.0, "1-5 ms": 5.0, "5-20 ms": 20.0, "20-100 ms": 100.0}
SHORTFALL_BUCKETS[">=100 ms"] = float("inf")


@dataclass
class Spacing:
    mode: str
    hosts: int
    requests: int  # seen by the servers
    per_host_delay_s: float
    crawl_delays: dict[str, float]
    elapsed_s: float
    ideal_s: float  # the busiest host's request count times its spacing
    violations: int  # gaps shorter than the required spacing
    worst_shortfall_ms: float  # how much shorter than required the shortest gap was (<= 0: none)
    shortfalls: dict[str, int]  # violations by size of the shortfall
    after_robots_txt: int  # violations where the earlier request was robots.txt
    min_gap_ratio: float  # min over hosts of (shortest gap / required spacing)
    median_gap_ratio: float
    max_in_flight: int  # per host, at the server
    retry_answers: int  # 429/503 answered
    min_retry_wait_s: float | None  # shortest arrival-to-arrival wait after a 429/503
    disallowed_requests: int  # requests for /private/ (robots.txt says no)
    outcomes: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.violations == 0
            and self.max_in_flight <= 1
            and self.disallowed_requests == 0
            and (self.min_retry_wait_s is None or self.min_retry_wait_s >= 1.0)
        )


def analyse(
    mode: str,
    hits: list[Hit],
    hosts: list[str],
    delay: float,
    crawl: dict[str, float],
    elapsed: float,
    max_in_flight: int,
    outcomes: dict[str, int],
) -> Spacing:
    """Turn the servers' request log into the figures of ``Spacing``."""
    by_host: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        by_host[hit.host].append(hit)
    violations, worst, ratios, all_ratios, examples = 0, float("-inf"), [], [], []
    shortfalls: dict[str, int] = dict.fromkeys(SHORTFALL_BUCKETS, 0)
    after_robots = 0
    ideal = 0.0
    for host, host_hits in by_host.items():
        required = max(delay, min(crawl.get(host, 0.0), MAX_CRAWL_DELAY_S))
        ordered = sorted(host_hits, key=lambda h: h.arrived)
        ideal = max(ideal, (len(ordered) - 1) * required)
        if len(ordered) < 2:
            continue
        host_ratios = []
        for before, after in itertools.pairwise(ordered):
            gap = after.arrived - before.arrived
            host_ratios.append(gap / required if required else 1.0)
            short_ms = (required - gap) * 1000
            worst = max(worst, short_ms)
            if short_ms > 0:
                violations += 1
                bucket = next(b for b, limit in SHORTFALL_BUCKETS.items() if short_ms < limit)
                shortfalls[bucket] += 1
                after_robots += before.path == "/robots.txt"
                if len(examples) < 5:
                    examples.append(
                        f"{host} {before.path[:24]} -> {after.path[:24]}: "
                        f"{gap * 1000:.1f} ms < {required * 1000:.0f} ms"
                    )
        all_ratios += host_ratios
        ratios.append(min(host_ratios))
    retry_waits = []
    by_path: dict[tuple[str, str], list[Hit]] = defaultdict(list)
    for hit in hits:
        by_path[(hit.host, hit.path)].append(hit)
    retry_answers = 0
    for path_hits in by_path.values():
        path_hits.sort(key=lambda h: h.arrived)
        for first, then in itertools.pairwise(path_hits):
            if first.status in (429, 503):
                retry_waits.append(then.arrived - first.arrived)
        retry_answers += sum(1 for h in path_hits if h.status in (429, 503))
    return Spacing(
        mode=mode,
        hosts=len(by_host),
        requests=len(hits),
        per_host_delay_s=delay,
        crawl_delays={h: min(d, MAX_CRAWL_DELAY_S) for h, d in crawl.items()},
        elapsed_s=round(elapsed, 2),
        ideal_s=round(ideal, 2),
        violations=violations,
        worst_shortfall_ms=round(worst, 2),
        shortfalls=shortfalls,
        after_robots_txt=after_robots,
        min_gap_ratio=round(min(ratios), 4) if ratios else 0.0,
        median_gap_ratio=round(statistics.median(all_ratios), 4) if all_ratios else 0.0,
        max_in_flight=max_in_flight,
        retry_answers=retry_answers,
        min_retry_wait_s=round(min(retry_waits), 3) if retry_waits else None,
        disallowed_requests=sum(1 for h in hits if h.path.startswith("/private/")),
        outcomes=outcomes,
        examples=examples,
    )


def site_options(args: argparse.Namespace) -> dict[str, Any]:
    articles = max(1, args.requests - 2 * args.hosts)  # robots.txt and sitemaps are extra
    return {
        "articles": articles,
        "hosts": args.hosts,
        "seed": args.seed,
        "private_per_host": 2,
        "crawl_delays": {str(h): d for h, d in crawl_plan(args).items()},
        "service_s": args.service,
        "retry_every": args.retry_every,
    }


def crawl_plan(args: argparse.Namespace) -> dict[int, float]:
    """Crawl-delays for a few hosts: one above the cap (capped), some between delay and cap."""
    plan = {0: 3600.0, 1: max(args.delay, 0.3), 2: max(args.delay, 0.4)}
    return {h: d for h, d in plan.items() if h < min(args.hosts, args.crawl_hosts)}


def fetch_settings(hosts: list[str], delay: float, concurrency: int) -> FetchSettings:
    return FetchSettings(
        allow_private_networks=[f"{h}/32" for h in hosts],
        per_host_delay_s=delay,
        per_host_concurrency=1,
        max_concurrency=concurrency,
        respect_robots=True,
        max_crawl_delay_s=MAX_CRAWL_DELAY_S,
        retries=2,
        backoff_s=0.5,
        timeout_s=30.0,
    )


async def fetch_everything(settings: FetchSettings, urls: list[str]) -> dict[str, int]:
    outcomes: dict[str, int] = defaultdict(int)

    async def one(url: str) -> None:
        try:
            await fetcher.fetch(url)
            outcomes["ok"] += 1
        except FetchError as exc:
            outcomes[exc.reason] += 1

    async with Fetcher(settings) as fetcher:
        await asyncio.gather(*(one(url) for url in urls))
    return dict(outcomes)


def run_fetcher_mode(args: argparse.Namespace) -> Spacing:
    options = site_options(args)
    local = BigSite(  # same content as the child's: only used to list the URLs
        options["articles"],
        args.hosts,
        seed=args.seed,
        private_per_host=2,
    )
    with SiteProcess(**options) as site:
        hosts = [o.split("//")[1].split(":")[0] for o in site.origins]
        urls = [site.origins[i.host] + local.path(i) for i in local.live()]
        settings = fetch_settings(hosts, args.delay, args.concurrency)
        started = time.monotonic()
        outcomes = asyncio.run(fetch_everything(settings, urls))
        elapsed = time.monotonic() - started
        hits = site.hits()
        stats = site.stats()
    crawl = {hosts[h]: d for h, d in crawl_plan(args).items()}
    return analyse(
        "fetcher", hits, hosts, args.delay, crawl, elapsed, max(stats["max_in_flight"]), outcomes
    )


def run_pipeline_mode(args: argparse.Namespace) -> Spacing:
    options = site_options(args)
    with SiteProcess(**options) as site, tempfile.TemporaryDirectory() as tmp:
        hosts = [o.split("//")[1].split(":")[0] for o in site.origins]
        local = BigSite(1, args.hosts)
        local.ports = [int(o.rsplit(":", 1)[1]) for o in site.origins]
        config = local.write_config(
            Path(tmp) / "config",
            {
                "fetch": {
                    "per_host_delay_s": args.delay,
                    "max_crawl_delay_s": MAX_CRAWL_DELAY_S,
                    "retries": 2,
                    "backoff_s": 0.5,
                    "timeout_s": 30.0,
                    "max_concurrency": args.concurrency,
                },
                "ingest": {"batch_size": args.batch_size, "max_new_per_source": 100_000},
                "discover": {"max_items_per_feed": 100_000},
            },
        )
        settings = load_settings(config)
        started = time.monotonic()
        report = asyncio.run(
            pipeline.run_tick(settings, clock=SystemClock(), db_path=Path(tmp) / "polite.db")
        )
        elapsed = time.monotonic() - started
        hits = site.hits()
        stats = site.stats()
    outcomes = {"new_versions": report.new_versions, **report.errors}
    crawl = {hosts[h]: d for h, d in crawl_plan(args).items()}
    return analyse(
        "pipeline", hits, hosts, args.delay, crawl, elapsed, max(stats["max_in_flight"]), outcomes
    )


def describe(result: Spacing) -> str:
    return "\n".join(
        [
            f"[{result.mode}] {result.requests} requests to {result.hosts} hosts in "
            f"{result.elapsed_s} s (ideal {result.ideal_s} s); per-host delay "
            f"{result.per_host_delay_s * 1000:.0f} ms, capped Crawl-delays "
            f"{result.crawl_delays}",
            f"  spacing violations: {result.violations} (by shortfall {result.shortfalls}; "
            f"{result.after_robots_txt} right after robots.txt); shortest gap / required: "
            f"{result.min_gap_ratio} (median {result.median_gap_ratio}); worst shortfall "
            f"{result.worst_shortfall_ms} ms",
            *(f"    e.g. {example}" for example in result.examples),
            f"  max in flight per host: {result.max_in_flight}; 429/503 answered: "
            f"{result.retry_answers}, shortest wait before the retry: {result.min_retry_wait_s} s"
            f" (Retry-After: 1)",
            f"  requests for robots-disallowed paths: {result.disallowed_requests}; "
            f"outcomes {result.outcomes}",
            f"  {'PASS' if result.ok else 'FAIL'}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=32)
    parser.add_argument("--delay", type=float, default=0.2, help="fetch.per_host_delay_s")
    parser.add_argument("--concurrency", type=int, default=16, help="fetch.max_concurrency")
    parser.add_argument("--service", type=float, default=0.005, help="server time per request")
    parser.add_argument("--retry-every", type=int, default=97)
    parser.add_argument(
        "--crawl-hosts", type=int, default=3, help="hosts declaring a Crawl-delay (at most 3)"
    )
    parser.add_argument("--batch-size", type=int, default=200, help="ingest.batch_size")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--mode", choices=("fetcher", "pipeline", "both"), default="fetcher")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    results = []
    if args.mode in ("fetcher", "both"):
        results.append(run_fetcher_mode(args))
        print(describe(results[-1]), flush=True)
    if args.mode in ("pipeline", "both"):
        results.append(run_pipeline_mode(args))
        print(describe(results[-1]), flush=True)
    if args.json:
        data = [asdict(r) | {"ok": r.ok} for r in results]
        Path(args.json).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
