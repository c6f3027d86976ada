"""The Scrapinghub article-extraction pages behind loopback feeds: the ingest-speed site.

Serves ``pages`` articles (the corpus's 181 pages repeated, each copy made unique by a
trailing HTML comment so raw pages are not stored once for all copies) from ``hosts`` loopback
hosts (127.0.0.{first_host}...), each with ``feeds_per_host`` RSS feeds that list its articles.
Feeds and pages carry an ETag and answer 304 to If-None-Match, so a second tick is all
conditional GETs.

Used by bench/ingest_speed.py. It runs in its own process so its CPU is not counted in the
measured process (the machine has two cores, so it still competes for them, equally for every
contender in a run):

    python bench/aebsite.py --pages 2000 --hosts 20     # prints {"feeds": [...], "pages": {...}}

and then answers "quit" on standard input.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import hashlib
import json
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "extract_scrapinghub_aeb"


def load_corpus() -> tuple[dict[str, bytes], dict[str, str]]:
    """Return the corpus's pages (by key) and their human-written article bodies."""
    truth = json.loads((CORPUS / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {
        path.name.split(".")[0]: gzip.decompress(path.read_bytes())
        for path in sorted((CORPUS / "html").glob("*.html.gz"))
    }
    gold = {key: value.get("articleBody", "") for key, value in truth.items() if key in pages}
    return pages, gold


@dataclass(frozen=True)
class Copy:
    number: int
    host: int
    key: str  # the corpus page it copies


class AebSite:
    """``pages`` copies of the corpus pages on ``hosts`` loopback hosts; see the module doc."""

    def __init__(
        self,
        pages: int = 2000,
        hosts: int = 20,
        *,
        feeds_per_host: int = 1,
        first_host: int = 160,
        port: int = 0,
    ) -> None:
        self.port = port
        self.corpus, self.gold = load_corpus()
        keys = sorted(self.corpus)
        self.hosts = [f"127.0.0.{first_host + h}" for h in range(hosts)]
        self.feeds_per_host = feeds_per_host
        self.copies = [Copy(n, n % hosts, keys[n % len(keys)]) for n in range(pages)]
        self.ports: list[int] = []
        self._servers: list[asyncio.Server] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._bodies: dict[tuple[int, str], tuple[bytes, str, str]] = {}

    @property
    def origins(self) -> list[str]:
        return [
            f"http://{h}" if p == 80 else f"http://{h}:{p}"
            for h, p in zip(self.hosts, self.ports, strict=True)
        ]

    def feeds(self) -> list[str]:
        return [
            f"{origin}/feed{f}.xml" for origin in self.origins for f in range(self.feeds_per_host)
        ]

    def url(self, copy: Copy) -> str:
        return f"{self.origins[copy.host]}/a/{copy.number:06d}.html"

    def page_keys(self) -> dict[str, str]:
        """Return each article URL's corpus page key (to score stored text against the gold)."""
        return {self.url(c): c.key for c in self.copies}

    def _build(self) -> None:
        for copy in self.copies:
            body = self.corpus[copy.key] + f"\n<!-- copy {copy.number} -->\n".encode()
            self._add(copy.host, f"/a/{copy.number:06d}.html", body, "text/html; charset=utf-8")
        for h in range(len(self.hosts)):
            mine = [c for c in self.copies if c.host == h]
            for f in range(self.feeds_per_host):
                # Each feed of a host lists every article of that host (feeds overlap, as the
                # section feeds of one outlet do); the no-op tick polls them all.
                items = "".join(
                    f"<item><title>{c.key}</title><link>{self.url(c)}</link></item>" for c in mine
                )
                feed = (
                    '<?xml version="1.0"?><rss version="2.0"><channel>'
                    f"<title>AEB {h}-{f}</title><link>{self.origins[h]}/</link>{items}"
                    "</channel></rss>"
                ).encode()
                self._add(h, f"/feed{f}.xml", feed, "application/rss+xml")

    def _add(self, host: int, path: str, body: bytes, kind: str) -> None:
        tag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        self._bodies[(host, path)] = (body, kind, tag)

    def start(self) -> AebSite:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            for h, host in enumerate(self.hosts):
                server = loop.run_until_complete(
                    asyncio.start_server(
                        lambda r, w, h=h: self._serve(h, r, w), host, self.port, backlog=1024
                    )
                )
                self._servers.append(server)
                self.ports.append(server.sockets[0].getsockname()[1])
            self._build()
            ready.set()
            loop.run_forever()
            for server in self._servers:
                server.close()
            loop.close()

        self._thread = threading.Thread(target=run, name="aebsite", daemon=True)
        self._thread.start()
        ready.wait()
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    async def _serve(self, h: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                path = parts[1] if len(parts) > 1 else "/"
                headers = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                found = self._bodies.get((h, path))
                if found is None:
                    status, extra, body = 404, [("Content-Type", "text/plain")], b"not found"
                else:
                    body, kind, tag = found
                    if headers.get("if-none-match") == tag:
                        status, extra, body = 304, [("ETag", tag)], b""
                    else:
                        status, extra = 200, [("Content-Type", kind), ("ETag", tag)]
                reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
                head_lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in extra)]
                head_lines.append(f"Content-Length: {len(body)}")
                writer.write(("\r\n".join(head_lines) + "\r\n\r\n").encode() + body)
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, OSError):
            return
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


class SiteProcess:
    """AebSite in a child process, so its CPU is not the measured process's."""

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.process: subprocess.Popen[str] | None = None
        self.info: dict[str, Any] = {}

    def __enter__(self) -> SiteProcess:
        args = [sys.executable, str(Path(__file__).resolve())]
        for key, value in self.options.items():
            args += ["--" + key.replace("_", "-"), str(value)]
        self.process = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        self.info = json.loads(self.process.stdout.readline())
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.stdin is not None:
            with contextlib.suppress(OSError, ValueError):
                self.process.stdin.write("quit\n")
                self.process.stdin.flush()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--feeds-per-host", type=int, default=1)
    parser.add_argument("--first-host", type=int, default=160)
    parser.add_argument(
        "--port", type=int, default=0, help="80 gives URLs without a port (trafilatura needs it)"
    )
    args = parser.parse_args(argv)
    site = AebSite(
        args.pages,
        args.hosts,
        feeds_per_host=args.feeds_per_host,
        first_host=args.first_host,
        port=args.port,
    ).start()
    try:
        info = {"feeds": site.feeds(), "hosts": site.hosts, "pages": site.page_keys()}
        print(json.dumps(info), flush=True)
        for line in sys.stdin:
            if line.strip() == "quit":
                break
    finally:
        site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
