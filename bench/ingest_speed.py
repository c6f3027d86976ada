"""End-to-end ingest speed against the extraction-only bound and two peers, in one run.

The site (bench/aebsite.py, in its own process): the Scrapinghub corpus's 181 real pages
repeated to ``--pages`` articles (each copy unique by a trailing comment) behind ``--hosts``
loopback RSS feeds. Each round runs, in a rotating order, on the same site and the same pages:

- ``bound``: trafilatura's ``bare_extraction`` with metadata (newsmon's options) over the same
  page bytes, in a warm ``--workers``-process pool: nothing is fetched or stored;
- ``newsmon``: ``newsmon run --no-prefect`` into a fresh store (a child process);
- ``newsmon+prefect``: ``newsmon run`` (the Prefect flow, its temporary local server);
- ``trafilatura-cli``: ``trafilatura --feed`` over the same feeds (downloads on ``--workers``
  threads, extraction in its one process, JSON with metadata to stdout, nothing stored);
- ``newspaper4k``: newspaper4k 0.9.6 (download + parse per URL in a ``--workers``-process pool;
  feeds read with feedparser), from its own virtualenv (``--peers-python``), when installed.

Every contender that is a program also runs once per round on an empty feed: its fixed
start-up (interpreter, imports, Prefect's temporary server), reported apart. Rates are
articles stored (or extracted) per second of wall time, raw and net of that start-up; the
ratio to the bound is taken within each round (both sides under the same load), and the
report gives medians over rounds. Text F1 is the corpus's metric (bench/extraction_aeb.py) over
the 181 pages (every copy of a page gives the same text), against the human-written bodies.

    .venv/bin/python bench/ingest_speed.py --rounds 3 [--pages 2000] [--only bound,newsmon]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import multiprocessing
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.aebsite import CORPUS, SiteProcess, load_corpus  # noqa: E402
from bench.extraction_aeb import score  # noqa: E402

PEERS_PYTHON = ROOT / ".venv-peers" / "bin" / "python"
NEWSPAPER_RUNNER = ROOT / "bench" / "peer_newspaper.py"


# --- the extraction-only bound -------------------------------------------------------------------


def _bound_init() -> None:
    import trafilatura  # noqa: F401  (imported before the clock starts)


def _bound_extract(page: bytes) -> int:
    import trafilatura

    doc = trafilatura.bare_extraction(
        page,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
    )
    if doc is None:
        return 0
    data = doc if isinstance(doc, dict) else doc.as_dict()
    return len(data.get("text") or "")


def run_bound(pages: list[bytes], workers: int) -> dict[str, Any]:
    context = multiprocessing.get_context("forkserver")
    with concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=context, initializer=_bound_init
    ) as pool:
        list(pool.map(_bound_extract, pages[: workers * 2]))  # warm: workers started, imported
        started = time.perf_counter()
        extracted = sum(1 for n in pool.map(_bound_extract, pages, chunksize=4) if n)
        elapsed = time.perf_counter() - started
    return {"wall_s": elapsed, "net_s": elapsed, "articles": extracted, "startup_s": 0.0}


# --- newsmon -------------------------------------------------------------------------------------


def write_config(directory: Path, feeds: list[str], hosts: list[str], workers: int) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    allowed = ", ".join(f'"{h}/32"' for h in hosts)
    (directory / "settings.toml").write_text(
        f"""[fetch]
allow_private_networks = [{allowed}]
per_host_delay_s = 0.0
timeout_s = 30.0
[discover]
max_items_per_feed = 5000
[ingest]
max_new_per_source = 5000
[clean]
workers = {workers}
[serve]
prefect_home = "{directory / "prefect"}"
""",
        encoding="utf-8",
    )
    blocks = [
        f'[[source]]\nid = "feed{n:03d}"\nname = "Feed {n}"\nfeeds = ["{url}"]\npoll_every = "1m"\n'
        for n, url in enumerate(feeds)
    ]
    (directory / "sources.toml").write_text("\n".join(blocks), encoding="utf-8")
    return directory


def _timed(args: list[str], env: dict[str, str] | None = None, **kw: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, **kw)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, (process, usage)


def run_newsmon(
    feeds: list[str], hosts: list[str], workers: int, prefect: bool, empty_feed: str
) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PREFECT_LOGGING_LEVEL": "WARNING"}
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="newsmon-speed-") as tmp:
        base = Path(tmp)
        for label, feed_list in (("startup", [empty_feed]), ("run", feeds)):
            config = write_config(base / label, feed_list, hosts, workers)
            db = base / label / "newsmon.db"
            args = [sys.executable, "-m", "newsmon.cli", "--config", str(config), "--db", str(db)]
            args += ["run", "--format", "json"] + ([] if prefect else ["--no-prefect"])
            log = (base / f"{label}.err").open("wb")
            elapsed, (process, usage) = _timed(
                args, env=env, stdout=subprocess.PIPE, stderr=log, cwd=str(base)
            )
            report = process.stdout.read() if process.stdout else b""
            if process.returncode:
                tail = (base / f"{label}.err").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"newsmon run failed ({process.returncode}): {tail}")
            out[label] = {
                "wall_s": elapsed,
                "peak_rss_mib": usage.ru_maxrss / 1024,
                "report": json.loads(report or b"{}"),
            }
        db_bytes = sum(p.stat().st_size for p in (base / "run").glob("newsmon.db*"))
        con = sqlite3.connect(base / "run" / "newsmon.db")
        versions = con.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
        texts = dict(
            con.execute(
                "SELECT a.url, v.text FROM articles a "
                "JOIN versions v ON v.id = a.current_version_id"
            ).fetchall()
        )
        con.close()
    wall, startup = out["run"]["wall_s"], out["startup"]["wall_s"]
    return {
        "wall_s": wall,
        "startup_s": startup,
        "net_s": wall - startup,
        "articles": len(texts),
        "peak_rss_mib": out["run"]["peak_rss_mib"],
        "db_bytes_per_version": db_bytes / max(1, versions),
        "texts": texts,
    }


# --- peers ---------------------------------------------------------------------------------------


def run_trafilatura_cli(feeds: list[str], workers: int, empty_feed: str) -> dict[str, Any]:
    cli = Path(sys.executable).with_name("trafilatura")
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="trafilatura-speed-") as tmp:
        config = Path(tmp) / "settings.cfg"
        # trafilatura's own defaults, without its 5 s pause between requests to one host.
        import trafilatura.settings

        source = Path(trafilatura.settings.__file__).with_name("settings.cfg").read_text()
        # Its SSRF filter refuses loopback, as newsmon's does until the bench allows the hosts.
        source = source.replace("SLEEP_TIME = 5.0", "SLEEP_TIME = 0")
        config.write_text(source.replace("SSRF_PROTECTION = on", "SSRF_PROTECTION = off"))
        for label, feed_list in (("startup", [empty_feed]), ("run", feeds)):
            listing = Path(tmp) / f"{label}.txt"
            listing.write_text("\n".join(feed_list) + "\n")
            args = [str(cli), "-i", str(listing), "--feed", "--parallel", str(workers)]
            args += ["--json", "--with-metadata", "--no-comments", "--config-file", str(config)]
            started = time.perf_counter()
            done = subprocess.run(args, capture_output=True, check=False)
            out[label] = (time.perf_counter() - started, done.stdout)
    texts = {}
    extracted = 0
    for line in out["run"][1].splitlines():
        with_meta = json.loads(line)
        # Its JSON names a page by its canonical URL (else the URL it fetched): copies of one
        # page share it.
        texts[with_meta.get("source") or ""] = with_meta.get("text") or ""
        extracted += bool(with_meta.get("text"))
    wall, startup = out["run"][0], out["startup"][0]
    return {
        "wall_s": wall,
        "startup_s": startup,
        "net_s": wall - startup,
        "articles": extracted,
        "texts": texts,
    }


def run_newspaper4k(feeds: list[str], workers: int, empty_feed: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for label, feed_list in (("startup", [empty_feed]), ("run", feeds)):
        args = [str(PEERS_PYTHON), str(NEWSPAPER_RUNNER), "--workers", str(workers), *feed_list]
        started = time.perf_counter()
        done = subprocess.run(args, capture_output=True, check=True)
        out[label] = (time.perf_counter() - started, done.stdout)
    texts = {}
    for line in out["run"][1].splitlines():
        row = json.loads(line)
        if row.get("text"):
            texts[row["url"]] = row["text"]
    wall, startup = out["run"][0], out["startup"][0]
    return {
        "wall_s": wall,
        "startup_s": startup,
        "net_s": wall - startup,
        "articles": len(texts),
        "texts": texts,
    }


# --- quality -------------------------------------------------------------------------------------


def canonical_urls(corpus: dict[str, bytes]) -> dict[str, str]:
    """Return the canonical URL trafilatura reads in each corpus page -> the page's key."""
    import trafilatura

    found: dict[str, str] = {}
    for key, page in sorted(corpus.items()):
        meta = trafilatura.extract_metadata(page)
        if meta is not None and meta.url and meta.url not in found:
            found[meta.url] = key
    return found


def by_page(
    texts: dict[str, str], keys: dict[str, str], canonical: dict[str, str]
) -> dict[str, str]:
    """Return one text per corpus page (copies of a page give the same text) for scoring."""
    out: dict[str, str] = {}
    for url, text in texts.items():
        key = keys.get(url) or canonical.get(url)
        if key is not None and text and key not in out:
            out[key] = text
    return out


# --- the run -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="processes for every contender")
    parser.add_argument(
        "--only",
        default="bound,newsmon,newsmon+prefect,trafilatura-cli,newspaper4k",
        help="comma-separated contenders",
    )
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"corpus not found at {CORPUS}; nothing to measure")
        return 0
    chosen = args.only.split(",")
    if "newspaper4k" in chosen and not PEERS_PYTHON.exists():
        print(f"no {PEERS_PYTHON} (make bench-peers): newspaper4k left out", file=sys.stderr)
        chosen.remove("newspaper4k")
    corpus, gold_by_key = load_corpus()
    load = os.getloadavg()
    port = 80 if os.geteuid() == 0 else 0
    with SiteProcess(pages=args.pages, hosts=args.hosts, port=port) as site:
        feeds: list[str] = site.info["feeds"]
        hosts: list[str] = site.info["hosts"]
        keys: dict[str, str] = site.info["pages"]
        empty_feed = feeds[0].replace("/feed0.xml", "/empty.xml")  # 404: a feed with nothing
        bodies = [corpus[key] for key in keys.values()]
        canonical = canonical_urls(corpus)
        contenders: dict[str, Callable[[], dict[str, Any]]] = {
            "bound": lambda: run_bound(bodies, args.workers),
            "newsmon": lambda: run_newsmon(feeds, hosts, args.workers, False, empty_feed),
            "newsmon+prefect": lambda: run_newsmon(feeds, hosts, args.workers, True, empty_feed),
            "trafilatura-cli": lambda: run_trafilatura_cli(feeds, args.workers, empty_feed),
            "newspaper4k": lambda: run_newspaper4k(feeds, args.workers, empty_feed),
        }
        rounds: list[dict[str, dict[str, Any]]] = []
        quality: dict[str, dict[str, float]] = {}
        for r in range(args.rounds):
            order = chosen[r % len(chosen) :] + chosen[: r % len(chosen)]
            results: dict[str, dict[str, Any]] = {}
            for name in order:
                result = contenders[name]()
                texts = result.pop("texts", None)
                if texts is not None and name not in quality:
                    quality[name] = score(gold_by_key, by_page(texts, keys, canonical))
                result["rate"] = result["articles"] / result["wall_s"]
                result["net_rate"] = result["articles"] / result["net_s"]
                results[name] = result
                print(
                    f"round {r + 1} {name:<16} {result['articles']:5d} articles "
                    f"wall {result['wall_s']:6.2f}s (start-up {result['startup_s']:5.2f}s) "
                    f"{result['rate']:6.1f}/s raw {result['net_rate']:6.1f}/s net",
                    file=sys.stderr,
                    flush=True,
                )
            if "bound" in results:
                bound = results["bound"]["net_rate"]
                for result in results.values():
                    result["ratio_to_bound"] = result["net_rate"] / bound
            rounds.append(results)
    summary: dict[str, dict[str, Any]] = {}
    for name in chosen:
        runs = [r[name] for r in rounds]
        summary[name] = {
            key: statistics.median(run[key] for run in runs)
            for key in ("wall_s", "startup_s", "rate", "net_rate", "articles")
        }
        if all("ratio_to_bound" in run for run in runs):
            summary[name]["ratio_to_bound"] = statistics.median(
                run["ratio_to_bound"] for run in runs
            )
            summary[name]["ratios"] = [round(run["ratio_to_bound"], 3) for run in runs]
        if "peak_rss_mib" in runs[0]:
            summary[name]["peak_rss_mib"] = max(run["peak_rss_mib"] for run in runs)
            summary[name]["db_bytes_per_version"] = statistics.median(
                run["db_bytes_per_version"] for run in runs
            )
        if name in quality:
            summary[name]["f1"] = quality[name]["f1"]
            summary[name]["f1_ci"] = quality[name]["f1_ci"]
    print(
        f"\n{args.pages} pages, {args.hosts} feeds, {args.workers} processes, {args.rounds} rounds"
    )
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; after: ", end="")
    print(" ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(
        f"{'contender':<16} {'articles':>8} {'wall s':>7} {'start s':>7} {'raw/s':>7} "
        f"{'net/s':>7} {'÷bound':>7} {'F1':>6}  ratios per round"
    )
    for name, s in summary.items():
        f1 = f"{s['f1']:.3f}" if "f1" in s else "  -  "
        ratio = f"{s['ratio_to_bound']:.3f}" if "ratio_to_bound" in s else "-"
        print(
            f"{name:<16} {s['articles']:8.0f} {s['wall_s']:7.2f} {s['startup_s']:7.2f} "
            f"{s['rate']:7.1f} {s['net_rate']:7.1f} {ratio:>7} {f1:>6}  {s.get('ratios', '')}"
        )
    for name, s in summary.items():
        if "peak_rss_mib" in s:
            print(
                f"{name}: peak RSS {s['peak_rss_mib']:.0f} MiB (the ingest process and its reaped "
                f"children), {s['db_bytes_per_version'] / 1e3:.1f} kB of database per version"
            )
    if args.json:
        args.json.write_text(
            json.dumps(
                {"summary": summary, "rounds": rounds, "quality": quality, "load": load}, indent=2
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
