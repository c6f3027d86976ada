"""newspaper4k as a peer in bench/ingest_speed.py: read feeds, download and parse every article.

Runs with the peers' virtualenv (``make bench-peers`` puts newspaper4k in .venv-peers, apart
from newsmon's dependencies). Feeds are read with feedparser (a newspaper4k dependency); each
article is downloaded and parsed by newspaper4k's ``Article`` in a pool of ``--workers``
processes. One JSON line per article ({"url", "title", "text"}) goes to standard output.

    .venv-peers/bin/python bench/peer_newspaper.py --workers 2 FEED_URL...
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import sys


def parse_one(url: str) -> dict[str, str]:
    from newspaper import Article

    article = Article(url, fetch_images=False, memoize_articles=False)
    try:
        article.download()
        article.parse()
    except Exception as exc:  # a peer's failure is a missing article, and counted as one
        return {"url": url, "title": "", "text": "", "error": f"{type(exc).__name__}: {exc}"}
    return {"url": url, "title": article.title or "", "text": article.text or ""}


def _warm() -> None:
    import newspaper  # noqa: F401


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("feeds", nargs="+")
    args = parser.parse_args()
    import feedparser
    import requests

    urls: list[str] = []
    for feed in args.feeds:
        response = requests.get(feed, timeout=30)
        if response.status_code == 200:
            urls.extend(entry.link for entry in feedparser.parse(response.content).entries)
    with concurrent.futures.ProcessPoolExecutor(args.workers, initializer=_warm) as pool:
        for row in pool.map(parse_one, urls, chunksize=4):
            sys.stdout.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
