"""Run every file of the feed and sitemap corpora through newsmon.ingest; print counts.

    python bench/discover_corpora.py [--verbose] [--compare] [--synthetic]

Reads ../shared/corpora (feeds_feedparser_testsuite, feeds_real_world, sitemaps_real_world)
relative to the repository. Prints, per corpus: files, ok / partial / ParseError (by reason)
/ crashes, items found and the slowest files. ``--compare`` also checks, for every feed that
parsed, that our item URLs include feedparser's own ``entry.link`` (canonicalised), as an
oracle; the four testsuite files it lists are feedparser taking a rel="enclosure" text link
where the files' own Expect line wants the alternate, which we return. ``--synthetic`` times
large and hostile inputs built in memory (CPU seconds). Exits 1 if any file raised anything
but ParseError.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsmon.core.errors import ParseError  # noqa: E402
from newsmon.core.urls import canonical_url  # noqa: E402
from newsmon.ingest.feeds import parse_feed  # noqa: E402 - after sys.path setup
from newsmon.ingest.sitemaps import parse_sitemap  # noqa: E402 - after sys.path setup

CORPORA = REPO / ".." / "shared" / "corpora"
FEED_DIRS = ("feeds_feedparser_testsuite", "feeds_real_world")
SITEMAP_DIRS = ("sitemaps_real_world",)
NOT_DATA = {"SOURCE.md", "LICENSE.upstream"}


def corpus_files(name: str) -> list[Path]:
    """Return every data file of one corpus, in a stable order."""
    root = CORPORA / name
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name not in NOT_DATA)


def run_one(path: Path, kind: str) -> tuple[str, int, str]:
    """Parse one file; return (outcome, items, detail); outcome "crash" for foreign errors."""
    content = path.read_bytes()
    url = "https://corpus.example/" + path.name
    try:
        if kind == "feed":
            result = parse_feed(content, url, "corpus")
            return result.status, len(result.items), result.detail
        sitemap = parse_sitemap(content, url, "corpus")
        return sitemap.status, len(sitemap.items) + len(sitemap.children), sitemap.detail
    except ParseError as exc:
        return f"error:{exc.reason}", 0, exc.detail
    except Exception:  # a benchmark counts crashes instead of stopping
        return "crash", 0, traceback.format_exc(limit=-3)


def oracle_disagreements(path: Path) -> list[str]:
    """Compare our URLs with feedparser's entry links for one feed file."""
    import feedparser

    content = path.read_bytes()
    url = "https://corpus.example/" + path.name
    try:
        ours = {item.url for item in parse_feed(content, url, "corpus").items}
    except ParseError:
        return []
    theirs = set()
    parsed = feedparser.parse(io.BytesIO(content), response_headers={"content-location": url})
    for entry in parsed.entries[:500]:
        link = entry.get("feedburner_origlink") or entry.get("link")
        if link:
            with contextlib.suppress(ParseError):
                theirs.add(canonical_url(link, base=url))
    return sorted(theirs - ours)


def synthetic() -> None:
    """Time large and hostile documents built in memory."""
    import gzip

    def rss(count: int, oldest_first: bool = True) -> bytes:
        order = range(count) if oldest_first else reversed(range(count))
        items = "".join(
            f"<item><title>Bulletin {i}</title><link>https://bench.example/b/{i}?utm_source=rss"
            f"</link><pubDate>{1 + i // 24 % 28:02d} Jan {2000 + i // 672} {i % 24:02d}:00:00"
            " GMT</pubDate></item>"
            for i in order
        )
        return f'<rss version="2.0"><channel><title>B</title>{items}</channel></rss>'.encode()

    urlset = "".join(
        f"<url><loc>https://bench.example/a/{i}</loc><lastmod>2026-11-{1 + i % 28:02d}</lastmod>"
        "<news:news><news:publication><news:name>B</news:name><news:language>en</news:language>"
        f"</news:publication><news:publication_date>2026-11-{1 + i % 28:02d}T10:00:00Z"
        f"</news:publication_date><news:title>T {i}</news:title></news:news></url>"
        for i in range(50_000)
    )
    news = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + urlset + "</urlset>"
    ).encode()
    author = b'<rss version="2.0"><channel><item><link>https://bench.example/x</link><author>'
    cases = [
        ("feed: 100k items, oldest first", "feed", rss(100_000)),
        (
            "feed: 100k items, broken (unbound prefix)",
            "feed",
            rss(100_000).replace(b"<channel>", b"<channel><x:y>1</x:y>", 1),
        ),
        ("feed: 500 items", "feed", rss(500)),
        (
            "feed: 400 kB author field",
            "feed",
            author + b"a" * 400_000 + b"</author></item></channel></rss>",
        ),
        ("feed: 10 MB of '<'", "feed", b"<" * 10_000_000),
        ("feed: 4 MB of '&' in a title", "feed", b"<rss><channel><item><title>" + b"&" * 4_000_000),
        ("feed: 2M unclosed <author>", "feed", b"<rss><channel>" + b"<author>" * 2_000_000),
        ("sitemap: 50k news URLs", "sitemap", news),
        ("sitemap: 50k news URLs, cap 1000", "sitemap-1000", news),
        ("sitemap: gzip bomb (200 MB of spaces)", "sitemap", gzip.compress(b" " * 200_000_000)),
    ]
    for label, kind, content in cases:
        started = time.process_time()
        try:
            if kind == "feed":
                result = parse_feed(content, "https://bench.example/feed", "bench")
                outcome = f"{result.status}, {len(result.items)} items of {result.entries}"
            else:
                cap = 1000 if kind.endswith("1000") else 50_000
                sitemap = parse_sitemap(content, "https://bench.example/s", "bench", max_items=cap)
                outcome = f"{sitemap.status}, {len(sitemap.items)} items"
        except ParseError as exc:
            outcome = f"ParseError {exc.reason}"
        elapsed = time.process_time() - started
        print(f"{label:45} {len(content) / 1e6:7.1f} MB {elapsed:6.2f} s CPU  {outcome}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every file's outcome")
    parser.add_argument("--compare", action="store_true", help="check links against feedparser")
    parser.add_argument("--synthetic", action="store_true", help="time large, hostile inputs")
    args = parser.parse_args()
    if args.synthetic:
        synthetic()
    if not CORPORA.is_dir():
        print(f"no corpora at {CORPORA}", file=sys.stderr)
        return 0
    crashes = 0
    for names, kind in ((FEED_DIRS, "feed"), (SITEMAP_DIRS, "sitemap")):
        for name in names:
            outcomes: Counter[str] = Counter()
            timings: list[tuple[float, str]] = []
            items = 0
            disagreements = 0
            started = time.perf_counter()
            for path in corpus_files(name):
                t0 = time.perf_counter()
                outcome, count, detail = run_one(path, kind)
                timings.append((time.perf_counter() - t0, str(path.relative_to(CORPORA))))
                outcomes[outcome] += 1
                items += count
                if outcome == "crash":
                    crashes += 1
                    print(f"CRASH {path}\n{detail}")
                elif args.verbose:
                    print(f"{outcome:24} {count:6} {path.relative_to(CORPORA)} {detail[:120]}")
                if args.compare and kind == "feed" and outcome in ("ok", "partial"):
                    missing = oracle_disagreements(path)
                    if missing:
                        disagreements += 1
                        print(f"DIFF {path.relative_to(CORPORA)}: feedparser-only {missing[:3]}")
            elapsed = time.perf_counter() - started
            total = sum(outcomes.values())
            summary = ", ".join(f"{key} {value}" for key, value in sorted(outcomes.items()))
            print(f"{name}: {total} files in {elapsed:.2f} s; {summary}; items {items}")
            if args.compare:
                print(f"  files where feedparser found a link we did not: {disagreements}")
            for seconds, rel in sorted(timings, reverse=True)[:3]:
                print(f"  slowest {seconds * 1000:7.1f} ms  {rel}")
    print(f"crashes: {crashes}")
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
