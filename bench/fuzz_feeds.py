"""Coverage-guided fuzzing of the feed, sitemap and HTML paths, for a bounded time.

    python bench/fuzz_feeds.py feeds [--seconds 60]    # parse_feed and parse_sitemap
    python bench/fuzz_feeds.py html [--seconds 60]     # extract_article (cleaner), in-process

With atheris installed (`pip install -c constraints.txt -e '.[fuzz]'`, or `make fuzz`) the
targets run under libFuzzer, seeded from tests/pages and the fake site's feeds; without it,
hypothesis drives the same targets with random and mutated bytes. A target fails when the
code raises anything but its documented error (ParseError for feeds and sitemaps,
ExtractError for pages), or when one input takes longer than --slow seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SLOW_S = 5.0


def load_target(name: str) -> Callable[[bytes], None]:
    """Import the code under test (late, so that atheris can instrument it) and return the
    target: any exception but the documented one fails it."""
    from newsmon.core.errors import ExtractError, ParseError

    if name == "feeds":
        from newsmon.ingest.feeds import parse_feed
        from newsmon.ingest.sitemaps import parse_sitemap

        def feeds_target(data: bytes) -> None:
            for parse in (parse_feed, parse_sitemap):
                with contextlib.suppress(ParseError):
                    parse(data, "https://example.org/feed", "fuzz")

        return feeds_target
    from newsmon.ingest.clean import extract_article

    def html_target(data: bytes) -> None:
        with contextlib.suppress(ExtractError):
            extract_article(data, "https://example.org/a", min_chars=0)

    return html_target


def seeds(target: str) -> list[bytes]:
    """Starting inputs: real-looking pages and feeds of our own."""
    found = [p.read_bytes() for p in sorted((ROOT / "tests" / "pages").glob("*.html"))]
    if target == "feeds":
        found = [
            b'<?xml version="1.0"?><rss version="2.0"><channel><item><link>https://e.org/a'
            b"</link><pubDate>Mon, 02 Nov 2026 10:15:00 +0000</pubDate></item></channel></rss>",
            b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="https://e.org/b"/>'
            b"<updated>2026-11-02T10:15:00+02:00</updated></entry></feed>",
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "https://e.org/"}]}',
            b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://e.org/'
            b"</loc><lastmod>2026-11-02</lastmod></url></urlset>",
            b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>'
            b"https://e.org/s.xml</loc></sitemap></sitemapindex>",
        ]
    return found


def timed(target: Callable[[bytes], None], slow_s: float) -> Callable[[bytes], None]:
    def run(data: bytes) -> None:
        started = time.monotonic()
        target(data)
        took = time.monotonic() - started
        if took > slow_s:
            raise AssertionError(f"one input of {len(data)} bytes took {took:.1f} s")

    return run


def with_atheris(name: str, slow_s: float, seconds: int, corpus: list[bytes]) -> None:
    import atheris

    # Our code and the parsers it drives; instrumenting everything loaded takes minutes.
    with atheris.instrument_imports(include=["newsmon", "feedparser", "trafilatura", "courlan"]):
        target = timed(load_target(name), slow_s)

    # libFuzzer grows its corpus in this folder: a temporary one, never the checkout.
    directory = Path(tempfile.mkdtemp(prefix="newsmon-fuzz-"))
    for n, seed in enumerate(corpus):
        (directory / f"seed-{n}").write_bytes(seed)
    atheris.Setup(
        [sys.argv[0], f"-max_total_time={seconds}", "-rss_limit_mb=3072", str(directory)],
        target,
    )
    atheris.Fuzz()


def with_hypothesis(name: str, slow_s: float, seconds: int, corpus: list[bytes]) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    def mutated(draw: st.DrawFn) -> bytes:
        seed = bytearray(draw(st.sampled_from(corpus)) if corpus else b"")
        for _ in range(draw(st.integers(0, 8))):
            if not seed:
                break
            at = draw(st.integers(0, len(seed) - 1))
            seed[at : at + draw(st.integers(0, 16))] = draw(st.binary(max_size=32))
        return bytes(seed)

    target = timed(load_target(name), slow_s)
    deadline = time.monotonic() + seconds
    runs = 0
    while time.monotonic() < deadline:

        @settings(
            max_examples=200,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(st.one_of(st.binary(max_size=4096), st.composite(mutated)()))
        def fuzz(data: bytes) -> None:
            target(data)

        fuzz()
        runs += 200
    print(f"hypothesis: {runs} inputs in {seconds} s, no failure")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=("feeds", "html"))
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--slow", type=float, default=SLOW_S, help="seconds one input may take")
    parser.add_argument("--engine", choices=("auto", "atheris", "hypothesis"), default="auto")
    args = parser.parse_args()
    corpus = seeds(args.target)
    engine = args.engine
    if engine == "auto":
        try:
            import atheris  # noqa: F401

            engine = "atheris"
        except ImportError:
            engine = "hypothesis"
    print(f"fuzzing {args.target} with {engine} for {args.seconds} s", flush=True)
    if engine == "atheris":
        with_atheris(args.target, args.slow, args.seconds, corpus)
    else:
        with_hypothesis(args.target, args.slow, args.seconds, corpus)


if __name__ == "__main__":
    main()
