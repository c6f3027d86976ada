"""Extraction quality through the real pipeline on the Scrapinghub article-extraction benchmark.

Serves ../shared/corpora/extract_scrapinghub_aeb pages behind a local RSS feed on 127.0.0.2,
runs newsmon's ingest pipeline (discover → fetch → clean → store) into a fresh SQLite file,
and scores the stored text of each page against the human-written article body with the
corpus's own metric: \\w+ tokens → word 4-gram shingle multisets → per-page TP/FP/FN
normalised per page; precision and recall averaged over pages, F1 their harmonic mean.
In the same run it scores trafilatura called directly (its defaults) and newsmon's
extract_article called directly on the same bytes.

    .venv/bin/python bench/extraction_aeb.py [--runs 3] [--prefect] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpora" / "extract_scrapinghub_aeb"
HOST = "127.0.0.2"

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    grams = [tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1))]
    return Counter(g for g in grams if g)


def page_counts(true: str, pred: str) -> tuple[float, float, float]:
    """Return (tp, fp, fn) over shingle multisets, normalised to sum to 1 for the page."""
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def metrics(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
    }


def score(
    gold: dict[str, str], predicted: dict[str, str], n_bootstrap: int = 500
) -> dict[str, float]:
    keys = sorted(gold)
    counts = [page_counts(gold[k], predicted.get(k, "")) for k in keys]
    result = metrics(counts)
    rng = random.Random(0)
    samples = [
        metrics([counts[rng.randrange(len(counts))] for _ in counts])["f1"]
        for _ in range(n_bootstrap)
    ]
    result["f1_ci"] = 1.96 * statistics.stdev(samples)
    page_f1 = []
    for c in counts:
        p, r = _precision(*c), _recall(*c)
        page_f1.append(2 * p * r / (p + r) if p + r else 0.0)
    result["share_f1_below_0_8"] = sum(1 for f in page_f1 if f < 0.8) / len(page_f1)
    result["accuracy"] = sum(
        1 for k in keys if _TOKEN.findall(gold[k]) == _TOKEN.findall(predicted.get(k, ""))
    ) / len(keys)
    result["pages"] = len(keys)
    result["missing"] = sum(1 for k in keys if not predicted.get(k))
    return result


def load_corpus() -> tuple[dict[str, bytes], dict[str, str]]:
    truth = json.loads((CORPUS / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {
        path.name.split(".")[0]: gzip.decompress(path.read_bytes())
        for path in (CORPUS / "html").glob("*.html.gz")
    }
    gold = {key: value.get("articleBody", "") for key, value in truth.items() if key in pages}
    return pages, gold


class _Handler(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, bytes]] = {}
    feed: ClassVar[bytes] = b""

    def do_GET(self) -> None:
        if self.path == "/feed.xml":
            body, kind = self.feed, "application/rss+xml"
        elif self.path.startswith("/p/") and self.path[3:-5] in self.pages:
            body, kind = self.pages[self.path[3:-5]], "text/html; charset=utf-8"
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def serve(pages: dict[str, bytes]) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer((HOST, 0), _Handler)
    base = f"http://{HOST}:{server.server_address[1]}"
    items = "".join(
        f"<item><title>{k}</title><link>{base}/p/{k}.html</link></item>" for k in sorted(pages)
    )
    _Handler.pages = pages
    _Handler.feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>AEB</title>'
        f"<link>{base}/</link>{items}</channel></rss>"
    ).encode()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, base


def run_pipeline(base: str, workdir: Path, use_prefect: bool) -> tuple[dict[str, str], float]:
    config = workdir / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text(
        f"""[fetch]
allow_private_networks = ["{HOST}/32"]
per_host_delay_s = 0.0
per_host_concurrency = 4
respect_robots = false
[discover]
max_items_per_feed = 1000
[ingest]
max_new_per_source = 1000
[clean]
workers = 2
"""
    )
    (config / "sources.toml").write_text(
        '[[source]]\nid = "aeb"\nname = "AEB pages"\n'
        f'feeds = ["{base}/feed.xml"]\npoll_every = "1s"\n'
    )
    db = workdir / "newsmon.db"
    from newsmon.core.settings import load_settings

    started = time.perf_counter()
    if use_prefect:
        from flows.ingest import ingest

        asyncio.run(ingest(config_dir=str(config), db_path=str(db)))
    else:
        from newsmon.core.clock import SystemClock
        from newsmon.pipeline.tick import run_tick

        asyncio.run(run_tick(load_settings(config), clock=SystemClock(), db_path=db))
    elapsed = time.perf_counter() - started
    con = sqlite3.connect(db)
    stored = {
        url.rsplit("/", 1)[1][:-5]: text
        for url, text in con.execute(
            "SELECT a.url, v.text FROM articles a JOIN versions v ON v.id = a.current_version_id"
        )
    }
    con.close()
    return stored, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="pipeline runs (timing median)")
    parser.add_argument(
        "--prefect", action="store_true", help="run through the Prefect ingest flow"
    )
    parser.add_argument("--json", type=Path, help="write results here")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"corpus not found at {CORPUS}; nothing to measure")
        return 0
    pages, gold = load_corpus()
    import trafilatura

    from newsmon.ingest.clean import extract_article

    started = time.perf_counter()
    direct_trafilatura = {k: trafilatura.extract(html) or "" for k, html in pages.items()}
    trafilatura_s = time.perf_counter() - started
    started = time.perf_counter()
    direct_newsmon = {}
    for k, html in pages.items():
        article = extract_article(html, min_chars=0)
        direct_newsmon[k] = article.text if article else ""
    newsmon_direct_s = time.perf_counter() - started

    server, base = serve(pages)
    timings, stored = [], {}
    try:
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                stored, elapsed = run_pipeline(base, Path(tmp), args.prefect)
                timings.append(elapsed)
    finally:
        server.shutdown()
        server.server_close()

    results = {
        "pipeline": {
            **score(gold, stored),
            "median_s": statistics.median(timings),
            "runs_s": timings,
        },
        "trafilatura_direct": {**score(gold, direct_trafilatura), "total_s": trafilatura_s},
        "extract_article_direct": {**score(gold, direct_newsmon), "total_s": newsmon_direct_s},
    }
    print(f"{'':<24} {'F1':>6} {'±':>6} {'P':>6} {'R':>6} {'acc':>6} {'F1<0.8':>7} {'missing':>7}")
    for name, m in results.items():
        print(
            f"{name:<24} {m['f1']:6.3f} {m['f1_ci']:6.3f} {m['precision']:6.3f} {m['recall']:6.3f} "
            f"{m['accuracy']:6.3f} {m['share_f1_below_0_8']:7.3f} {m['missing']:7d}"
        )
    median = statistics.median(timings)
    mode = "prefect" if args.prefect else "plain"
    print(
        f"pipeline ({mode}): median {median:.2f}s over {args.runs} runs for {len(pages)} pages "
        f"({len(pages) / median:.1f} pages/s); trafilatura direct {trafilatura_s:.2f}s, "
        f"extract_article direct {newsmon_direct_s:.2f}s (one core)"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
