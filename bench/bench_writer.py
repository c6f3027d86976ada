"""Per-article cost of the single writer as the store grows: dedupe + cluster + facts + write.

The store is filled to 10k, 100k and 1M articles (by default): the story and near-duplicate
tables as bench/bench_scaling.py fills them (its ``fill``), plus the rows a real store has for
each of those articles (``articles``, ``versions`` with a short text, one claim, one raw page,
one fetch), so every index the writer touches has its real depth.

At each size a fresh process then stores new articles the way a tick does: each page is first
prepared as a cleaning worker would (``pipeline.prepare.derive_page``: fingerprint, claims,
story features, MinHash, compressed page; not timed, it is the workers' share), then
``store_outcome`` writes it (the article state machine, version, claims, wire group, story,
page, fetch log) with ``store.commit_every`` articles to a commit, and that is timed. In the
same run, other processes time the writer without a prepared page (everything derived inside
the writer, one transaction per article: the code before the pipelined tick), taking turns.

    python bench/bench_writer.py                        # 10k, 100k, 1M (several minutes)
    python bench/bench_writer.py --levels 10000,100000 --measure 200
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_scaling import (  # noqa: E402
    DAY0,
    PER_DAY,
    Vocabulary,
    fill,
    synthetic_text,
)
from newsmon import store  # noqa: E402
from newsmon.core.records import Outcome, PageOutcome, Target  # noqa: E402
from newsmon.core.settings import Settings, Source  # noqa: E402
from newsmon.ingest.clean import extract_article  # noqa: E402
from newsmon.pipeline.article import store_outcome  # noqa: E402
from newsmon.pipeline.prepare import derive_page, lexicons, page_context  # noqa: E402

SOURCES = 40


def fill_articles(path: Path, start: int, stop: int) -> None:
    """Add the article, version, claim, page and fetch rows of articles start+1..stop."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    chunk = 50_000
    text = "Officials said at least 12 people were killed in the synthetic event. " * 4
    for first in range(start, stop, chunk):
        last = min(stop, first + chunk)
        articles, versions, claims, pages, fetches = [], [], [], [], []
        for article in range(first + 1, last + 1):
            day = datetime.fromordinal(DAY0 + (article - 1) // PER_DAY).replace(tzinfo=UTC)
            when = (day + timedelta(seconds=article % 86_400)).isoformat(timespec="seconds")
            url = f"https://src{article % 300}.example/{article}"
            digest = hashlib.sha256(str(article).encode()).hexdigest()
            articles.append(
                (article, url, f"src{article % 300}", when, when, "en", "active", when, when,
                 article, 1)
            )  # fmt: skip
            versions.append(
                (article, article, 1, when, digest, url, f"Synthetic {article}", "en", text,
                 digest)
            )  # fmt: skip
            claims.append((article, article, "killed", 12, 12, 12, "at_least", "current", text))
            pages.append((digest, b"\x28\xb5\x2f\xfd" + digest.encode(), "zstd", 2000, when))
            fetches.append((article, url, "article", when, "ok", 200, 2000, digest))
        with conn:
            conn.executemany(
                """INSERT INTO articles (id, url, source_id, first_seen, published, lang, status,
                       last_fetched_at, next_check_at, current_version_id, versions_count)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                articles,
            )
            conn.executemany(
                """INSERT INTO versions (id, article_id, seq, fetched_at, page_hash, url, title,
                       lang, text, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                versions,
            )
            conn.executemany(
                """INSERT INTO claims (version_id, article_id, kind, value, low, high, qualifier,
                       scope, sentence, span_start, span_end, is_headline)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 40, 1)""",
                claims,
            )
            conn.executemany(
                """INSERT INTO pages (hash, content, compression, size, first_seen)
                   VALUES (?, ?, ?, ?, ?)""",
                pages,
            )
            conn.executemany(
                """INSERT INTO fetches (article_id, url, kind, fetched_at, outcome, status, bytes,
                       page_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                fetches,
            )
        print(f"  articles {last:,}", file=sys.stderr, flush=True)
    # Articles stored by the timed runs take ids after this one, clear of later fills.
    conn.execute(
        "INSERT OR IGNORE INTO articles (id, url, source_id, first_seen, status) "
        "VALUES (40000000, 'https://fill.example/last', 'fill', '2020-01-01', 'imported')"
    )
    conn.execute(
        "INSERT OR IGNORE INTO versions (id, article_id, seq, fetched_at, text, fingerprint) "
        "VALUES (40000000, 40000000, 1, '2020-01-01', '', '')"
    )
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def page_html(title: str, text: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>\n" for p in text.split("\n\n"))
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>\n{paragraphs}"
        "</article><footer>Copyright</footer></body></html>"
    ).encode()


def measure(path: Path, stored: int, count: int, seed: int, prepared: bool) -> dict[str, Any]:
    """Store ``count`` new articles into the store at ``path`` as the writer does; time it."""
    vocab = Vocabulary()
    rng = random.Random(seed)
    settings = Settings()
    settings.sources = [Source(id=f"src{n}", name=f"Source {n}") for n in range(SOURCES)]
    day = DAY0 + stored // PER_DAY
    recent = [a // 3 for a in range(max(1, stored - 14 * PER_DAY), stored + 1)]
    texts: list[tuple[str, str]] = []
    db = store.open_db(path)
    results: dict[str, int] = {}
    every = settings.store.commit_every if prepared else 1
    derive_s = write_s = 0.0
    outcomes: list[PageOutcome] = []
    for index in range(count):
        roll = rng.random()
        if roll < 0.2 and texts:
            title, text = rng.choice(texts)
            text = text.replace(" the ", " a ", 2)  # a republished copy, lightly edited
        elif roll < 0.6:
            title, text = synthetic_text(rng, vocab, rng.choice(recent))
        else:
            title, text = synthetic_text(rng, vocab, 10_000_000 + seed * 100_000 + index)
        texts.append((title, text))
        moment = datetime.fromordinal(day).replace(tzinfo=UTC) + timedelta(seconds=20 * index)
        source = f"src{index % SOURCES}"
        target = Target(url=f"https://{source}.example/new/{seed}/{index}", source_id=source)
        html = page_html(title, text)
        outcome = PageOutcome(target, moment, Outcome.OK, status=200, content=html)
        outcome.content_type = "text/html; charset=utf-8"
        outcome.article = extract_article(html, target.url, min_chars=0)
        if prepared and outcome.article is not None:
            # What a cleaning worker does (not timed): it reads the store as it is now.
            started = time.perf_counter()
            context = page_context(settings, outcome, str(path))
            outcome.prepared = derive_page(outcome.article, html, context, lexicons("config"))
            derive_s += time.perf_counter() - started
            outcome.content, outcome.size = None, len(html)
        outcomes.append(outcome)
        if len(outcomes) == every or index == count - 1:
            started = time.perf_counter()
            with store.transaction_group(db):
                for done in outcomes:
                    result = store_outcome(db, settings, done, None)
                    results[result] = results.get(result, 0) + 1
            write_s += time.perf_counter() - started
            outcomes = []
    db.close()
    total = write_s
    return {
        "stored": stored,
        "measured": count,
        "prepared": prepared,
        "writer_ms": 1e3 * total / count,
        "worker_ms": 1e3 * derive_s / count,
        "results": results,
    }


def _measure_in_process(
    path: Path, level: int, seed: int, prepared: bool, count: int
) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--measure", str(count)]
    command += ["--_measure-only", str(path), str(level), str(seed), str(int(prepared))]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--levels", default="10000,100000,1000000")
    parser.add_argument("--measure", type=int, default=300, help="new articles timed per run")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size and mode")
    parser.add_argument("--dir", type=Path, help="where the store goes (default: a temp dir)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--_measure-only", dest="measure_only", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:
        path, stored, seed, prepared = args.measure_only
        result = measure(Path(path), int(stored), args.measure, int(seed), prepared == "1")
        print(json.dumps(result))
        return 0
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="newsmon-writer-"))
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "writer.db"
    store.open_db(path).close()
    vocab = Vocabulary()
    filled = 0
    rows = []
    try:
        for seed, level in enumerate(int(x) for x in args.levels.split(",")):
            started = time.perf_counter()
            fill(path, filled, level, vocab, seed)
            fill_articles(path, filled, level)
            filled = level
            fill_s = time.perf_counter() - started
            runs: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
            for repeat in range(args.repeat):
                order = (True, False) if repeat % 2 == 0 else (False, True)
                for prepared in order:
                    run_seed = seed * 100 + repeat * 2 + int(prepared)
                    runs[prepared].append(
                        _measure_in_process(path, level, run_seed, prepared, args.measure)
                    )
            row = {
                "stored": level,
                "fill_s": fill_s,
                "writer_ms": statistics.median(r["writer_ms"] for r in runs[True]),
                "worker_ms": statistics.median(r["worker_ms"] for r in runs[True]),
                "before_ms": statistics.median(r["writer_ms"] for r in runs[False]),
                "runs_ms": [round(r["writer_ms"], 2) for r in runs[True]],
                "before_runs_ms": [round(r["writer_ms"], 2) for r in runs[False]],
                "db_mib": sum(p.stat().st_size for p in workdir.glob("writer.db*")) / 2**20,
            }
            rows.append(row)
            print(
                f"{level:>9,} stored: writer {row['writer_ms']:6.2f} ms/article "
                f"(runs {row['runs_ms']}), prepared in the workers {row['worker_ms']:5.2f} ms; "
                f"everything in the writer {row['before_ms']:6.2f} ms "
                f"(runs {row['before_runs_ms']}); db {row['db_mib']:.0f} MiB, fill {fill_s:.0f} s",
                flush=True,
            )
    finally:
        if not args.dir:
            shutil.rmtree(workdir, ignore_errors=True)
    if len(rows) > 1:
        values = [r["writer_ms"] for r in rows]
        print(f"writer: max/min across sizes {max(values) / min(values):.2f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
