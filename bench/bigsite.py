"""A generated news site of thousands of articles spread over many loopback hosts.

Used by bench/crash_safety.py, bench/politeness.py and tests/test_crash_safety.py.

    from bench.bigsite import BigSite
    with BigSite(articles=3000, hosts=24) as site:   # hosts 127.0.0.10 .. 127.0.0.33
        site.write_config(tmp / "config")             # one source (a sitemap) per host
        ...crawl...; site.advance(); ...crawl again...
        site.hits()                                   # every request, server-side timestamps

Every host serves /robots.txt (``Disallow: /private/``, optional ``Crawl-delay``),
/sitemap.xml (a urlset of its live articles plus ``private_per_host`` disallowed URLs, with
<lastmod>) and the article pages, with ETag/Last-Modified and 304 on If-None-Match. Content is
a pure function of (seed, host, article, revision): two sites built alike serve the same
bytes, so an interrupted crawl can be compared with an uninterrupted one. ``advance()`` moves
to the next generation: about ``edit_fraction`` of the articles are edited (a figure changes,
an update line is added) and ``add_per_host`` new articles appear on each host.

The server is one asyncio loop in a background thread (HTTP/1.1, keep-alive). Each request is
logged with the loop's monotonic clock when its head was read and when its answer was sent;
``service_s`` holds every request open that long, so overlapping requests to one host are
visible as ``max_in_flight``. ``retry_every=N`` makes the first request of every N-th article
answer ``retry_status`` with ``Retry-After: retry_after``.

Run it on its own (for manual crawls, or in another process so the server's timestamps are
not disturbed by the client's GIL):

    python bench/bigsite.py --articles 5000 --hosts 32 --config-out /tmp/big-config

It prints one JSON line {"origins": [...]} and then answers commands read from standard
input, one per line: "hits" (prints the request log as one JSON line), "advance", "quit".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import random
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

HTML = "text/html; charset=utf-8"
GENERATION_STEP = timedelta(hours=2)

PLACES = (
    "Veltro", "Amsel Bay", "Tirnova Heights", "Port Linden", "Oskarvale", "Mirrow",
    "Saltmere", "Cadrin", "Upper Hesk", "Lanford Cross", "Belamar", "Qest",
)  # fmt: skip
EVENTS = (
    "a fire in a textile warehouse", "flooding along the river", "a bridge collapse",
    "shelling of the eastern districts", "a landslide above the town", "an explosion at a depot",
    "a train derailment", "storms that flattened the market",
)  # fmt: skip
AGENCIES = (
    "the regional health office", "the civil protection agency", "the Red Crescent",
    "the interior ministry", "a local monitoring group", "the mayor's office",
)  # fmt: skip
FILLER = (
    "Roads into {place} stayed closed overnight while crews cleared debris.",
    "Residents described hearing a long rumble before the power went out.",
    "Schools in the district will remain shut until at least the end of the week.",
    "Volunteers set up kitchens in two sports halls near the old harbour.",
    "A spokesperson for {agency} said the figures could change as reports came in.",
    "Aid lorries waited at the checkpoint for most of the afternoon.",
    "Engineers will inspect the remaining buildings on the street on Monday.",
    "The council has opened a hotline for families looking for relatives.",
    "Photographs from the scene showed smoke rising over the rooftops.",
    "Neighbouring towns offered to take in people who lost their homes.",
)


@dataclass
class Hit:
    """One request as the site saw it (times from the server loop's monotonic clock)."""

    host: str
    path: str
    status: int
    arrived: float  # the request head was complete
    finished: float  # the answer was written
    conditional: bool  # sent If-None-Match / If-Modified-Since


@dataclass(frozen=True)
class Item:
    host: int  # index into BigSite.hosts
    index: int  # article number on its host
    born: int  # generation in which it appeared
    private: bool = False


class BigSite:
    """Thousands of generated articles on loopback hosts 127.0.0.{first_host}...; see module doc."""

    def __init__(
        self,
        articles: int = 3000,
        hosts: int = 24,
        *,
        first_host: int = 10,
        seed: int = 1,
        now: datetime | None = None,
        edit_fraction: float = 0.1,
        add_per_host: int = 2,
        private_per_host: int = 0,
        crawl_delays: dict[int, float] | None = None,
        service_s: float = 0.0,
        retry_every: int = 0,
        retry_status: int = 429,
        retry_after: str = "1",
    ) -> None:
        if not 1 <= hosts <= 250 - first_host:
            raise ValueError("hosts must fit in 127.0.0.{first_host}..127.0.0.250")
        self.seed = seed
        self.hosts = [f"127.0.0.{first_host + h}" for h in range(hosts)]
        start = now or datetime.now(UTC)
        self.start_time = start.replace(second=0, microsecond=0)
        self.edit_fraction = edit_fraction
        self.add_per_host = add_per_host
        self.crawl_delays = dict(crawl_delays or {})
        self.service_s = service_s
        self.retry_every = retry_every
        self.retry_status = retry_status
        self.retry_after = retry_after
        self.generation = 0
        self.items: list[Item] = []
        for n in range(articles):
            self.items.append(Item(n % hosts, n // hosts, 0))
        self._next_index = [len([i for i in self.items if i.host == h]) for h in range(hosts)]
        for h in range(hosts):
            for k in range(private_per_host):
                self.items.append(Item(h, 900_000 + k, 0, private=True))
        self.ports: list[int] = []
        self.in_flight = [0] * hosts
        self.max_in_flight = [0] * hosts
        self._hits: list[Hit] = []
        self._retried: set[str] = set()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[asyncio.Server] = []
        self._by_path: dict[tuple[int, str], Item] = {}
        self._index_paths()

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> BigSite:
        """Bind every host on an ephemeral port and serve from a background thread."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                for h, host in enumerate(self.hosts):
                    server = loop.run_until_complete(
                        asyncio.start_server(
                            lambda r, w, h=h: self._serve(h, r, w), host, 0, backlog=512
                        )
                    )
                    self._servers.append(server)
                    self.ports.append(server.sockets[0].getsockname()[1])
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            for server in self._servers:
                server.close()
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.close()

        self._thread = threading.Thread(target=run, name="bigsite", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise RuntimeError(f"cannot bind the big site's hosts: {failure[0]}") from failure[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop = None

    def __enter__(self) -> BigSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the content --------------------------------------------------------------------

    @property
    def origins(self) -> list[str]:
        return [f"http://{host}:{port}" for host, port in zip(self.hosts, self.ports, strict=True)]

    @property
    def now(self) -> datetime:
        """The site clock: when the current generation was published."""
        return self.start_time + self.generation * GENERATION_STEP

    def clock(self, generation: int | None = None) -> datetime:
        """A moment just after ``generation`` (default: the current one) was published."""
        g = self.generation if generation is None else generation
        return self.start_time + g * GENERATION_STEP + timedelta(minutes=1)

    def advance(self) -> dict[str, int]:
        """Move to the next generation: edit some articles, publish new ones."""
        with self._lock:
            self.generation += 1
            added = 0
            for h in range(len(self.hosts)):
                for _ in range(self.add_per_host):
                    item = Item(h, self._next_index[h], self.generation)
                    self._next_index[h] += 1
                    self.items.append(item)
                    added += 1
            self._index_paths()
        edited = sum(1 for i in self.live() if self._edited_in(i, self.generation))
        return {"generation": self.generation, "edited": edited, "added": added}

    def live(self) -> list[Item]:
        """Articles that exist now (private ones included)."""
        return [i for i in self.items if i.born <= self.generation]

    def crawlable_urls(self) -> set[str]:
        """URLs a crawler that honours robots.txt should store."""
        return {self.url(i) for i in self.live() if not i.private}

    def url(self, item: Item) -> str:
        return self.origins[item.host] + self.path(item)

    def path(self, item: Item) -> str:
        prefix = "/private/" if item.private else "/news/"
        return f"{prefix}{item.host:02d}-{item.index:05d}-{self._slug(item)}"

    def revision(self, item: Item, generation: int | None = None) -> int:
        """How many times ``item`` has been edited by ``generation`` (default: now)."""
        g = self.generation if generation is None else generation
        return sum(1 for n in range(item.born + 1, g + 1) if self._edited_in(item, n))

    def page(self, item: Item) -> bytes:
        """The article page as served now."""
        facts = self._facts(item)
        revision = self.revision(item)
        killed = facts["killed"] + 7 * revision
        place, event, agency = facts["place"], facts["event"], facts["agency"]
        rng = random.Random(f"{self.seed}-body-{item.host}-{item.index}")
        paragraphs = [
            f"Officials in {place} said at least {killed} people were killed after {event}"
            f" on {facts['day']}, according to {agency}.",
            f"{facts['injured']} more were injured and taken to hospitals in and around "
            f"{place}, {agency} said in a statement.",
            f"About {facts['displaced']:,} residents spent the night in shelters, the "
            "regional authorities added.",
        ]
        for _ in range(4):
            sentences = rng.sample(FILLER, 2)
            paragraphs.append(" ".join(s.format(place=place, agency=agency) for s in sentences))
        if revision:
            paragraphs.append(
                f"Update {revision}: the toll was revised to {killed} after "
                f"{agency} completed a new count."
            )
        title = self._title(item)
        published = self._published(item)
        body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        site_name = f"The {PLACES[item.host % len(PLACES)]} Courier"
        return (
            "<!DOCTYPE html>\n"
            f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
            f" | {escape(site_name)}</title>\n"
            f'<meta property="article:published_time" content="{published.isoformat()}">\n'
            f'<link rel="canonical" href="{escape(self.url(item))}"></head>\n'
            f'<body><header><nav><a href="/">Home</a> <a href="/world/">World</a> '
            f'<a href="/about/">About</a></nav></header>\n'
            f"<main><article><h1>{escape(title)}</h1>\n"
            f'<p class="byline">By {escape(facts["author"])}</p>\n{body}\n'
            "</article></main>\n"
            f"<footer><p>Copyright {escape(site_name)}. All rights reserved.</p></footer>"
            "</body></html>\n"
        ).encode()

    def sitemap(self, host: int) -> bytes:
        rows = []
        for item in self.live():
            if item.host != host:
                continue
            lastmod = self._modified(item).isoformat()
            rows.append(
                f"<url><loc>{escape(self.url(item))}</loc><lastmod>{lastmod}</lastmod></url>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(rows)
            + "\n</urlset>\n"
        ).encode()

    def robots(self, host: int) -> bytes:
        lines = ["User-agent: *", "Disallow: /private/"]
        if host in self.crawl_delays:
            lines.append(f"Crawl-delay: {self.crawl_delays[host]:g}")
        return ("\n".join(lines) + "\n").encode()

    # --- configuration for newsmon --------------------------------------------------------

    def sources_toml(self, poll_every: str = "15m") -> str:
        blocks = [
            "[[source]]\n"
            f'id = "big{h:02d}"\n'
            f'name = "Generated outlet {h}"\n'
            f'sitemaps = ["{origin}/sitemap.xml"]\n'
            'lang = "en"\n'
            f'poll_every = "{poll_every}"\n'
            for h, origin in enumerate(self.origins)
        ]
        return "# Written by bench.bigsite for its current ports.\n\n" + "\n".join(blocks)

    def write_config(
        self,
        directory: str | Path,
        settings: dict[str, dict[str, Any]] | None = None,
        poll_every: str = "15m",
    ) -> Path:
        """Write settings.toml (only this site's hosts allowed) and sources.toml."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        merged: dict[str, dict[str, Any]] = {
            "fetch": {
                "allow_private_networks": [f"{host}/32" for host in self.hosts],
                "per_host_delay_s": 0.0,
                "timeout_s": 10.0,
            }
        }
        for section, table in (settings or {}).items():
            merged.setdefault(section, {}).update(table)
        lines = ["# Written by bench.bigsite: only the generated hosts are allowed."]
        for section, table in merged.items():
            lines.append(f"\n[{section}]")
            lines += [f"{key} = {_toml(value)}" for key, value in table.items()]
        (directory / "settings.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (directory / "sources.toml").write_text(self.sources_toml(poll_every), encoding="utf-8")
        return directory

    # --- request log ----------------------------------------------------------------------

    def hits(self) -> list[Hit]:
        with self._lock:
            return list(self._hits)

    def clear_hits(self) -> None:
        with self._lock:
            self._hits.clear()
            self.max_in_flight = [0] * len(self.hosts)

    # --- internals ------------------------------------------------------------------------

    def _index_paths(self) -> None:
        self._by_path = {(i.host, self.path(i)): i for i in self.items}

    def _facts(self, item: Item) -> dict[str, Any]:
        rng = random.Random(f"{self.seed}-facts-{item.host}-{item.index}")
        return {
            "place": rng.choice(PLACES),
            "event": rng.choice(EVENTS),
            "agency": rng.choice(AGENCIES),
            "killed": rng.randint(3, 400),
            "injured": rng.randint(5, 900),
            "displaced": rng.randint(100, 60_000),
            "day": rng.choice(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")),
            "author": rng.choice(("Mara Quist", "Tomas Arlen", "Ines Vold", "Kofi Danso")),
        }

    def _title(self, item: Item) -> str:
        facts = self._facts(item)
        return f"{facts['place']}: toll rises after {facts['event']} ({item.host}-{item.index})"

    def _slug(self, item: Item) -> str:
        facts = self._facts(item)
        return "-".join([*facts["place"].lower().split(), "toll"])

    def _published(self, item: Item) -> datetime:
        born = self.start_time + item.born * GENERATION_STEP
        return born - timedelta(minutes=(item.index * 7) % 300)

    def _modified(self, item: Item) -> datetime:
        last = max(
            [n for n in range(item.born + 1, self.generation + 1) if self._edited_in(item, n)],
            default=None,
        )
        if last is None:
            return self._published(item)
        return self.start_time + last * GENERATION_STEP - timedelta(minutes=5)

    def _edited_in(self, item: Item, generation: int) -> bool:
        if generation <= item.born or item.private:
            return False
        digest = hashlib.sha256(f"{self.seed}-{item.host}-{item.index}-{generation}".encode())
        return int.from_bytes(digest.digest()[:4], "big") / 2**32 < self.edit_fraction

    async def _serve(self, h: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
                    return
                arrived = time.monotonic()
                lines = head.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                path = parts[1] if len(parts) > 1 else "/"
                headers = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                self.in_flight[h] += 1
                self.max_in_flight[h] = max(self.max_in_flight[h], self.in_flight[h])
                try:
                    if self.service_s:
                        await asyncio.sleep(self.service_s)
                    status, extra, body = self._answer(h, path, headers)
                    close = headers.get("connection", "").lower() == "close"
                    head_lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'OK')}"]
                    head_lines += [f"{k}: {v}" for k, v in extra]
                    head_lines.append(f"Content-Length: {len(body)}")
                    if close:
                        head_lines.append("Connection: close")
                    writer.write(("\r\n".join(head_lines) + "\r\n\r\n").encode() + body)
                    await writer.drain()
                finally:
                    self.in_flight[h] -= 1
                conditional = "if-none-match" in headers or "if-modified-since" in headers
                with self._lock:
                    self._hits.append(
                        Hit(self.hosts[h], path, status, arrived, time.monotonic(), conditional)
                    )
                if close:
                    return
        except (ConnectionError, OSError):
            return
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def _answer(
        self, h: int, path: str, headers: dict[str, str]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        plain = [("Content-Type", "text/plain; charset=utf-8")]
        if path == "/robots.txt":
            return 200, plain, self.robots(h)
        if path == "/sitemap.xml":
            with self._lock:
                body = self.sitemap(h)
            return 200, [("Content-Type", "application/xml")], body
        with self._lock:
            item = self._by_path.get((h, path))
            live = item is not None and item.born <= self.generation
        if item is None or not live:
            return 404, [("Content-Type", HTML)], b"<html><body>Not found</body></html>"
        if self.retry_every and not item.private and item.index % self.retry_every == 0:
            with self._lock:
                first = path not in self._retried
                self._retried.add(path)
            if first:
                extra = [("Retry-After", self.retry_after), ("Content-Type", HTML)]
                return self.retry_status, extra, b"<html><body>Slow down</body></html>"
        body = self.page(item)
        tag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        modified = format_datetime(self._modified(item), usegmt=True)
        extra = [("Content-Type", HTML), ("ETag", tag), ("Last-Modified", modified)]
        if headers.get("if-none-match") == tag:
            return 304, [("ETag", tag)], b""
        return 200, extra, body


_REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found", 429: "Too Many Requests"}
_REASONS[503] = "Service Unavailable"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


# --- the site in another process --------------------------------------------------------------


class SiteProcess:
    """BigSite in a child process (``python bench/bigsite.py``), driven over stdin/stdout."""

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.process: subprocess.Popen[str] | None = None
        self.origins: list[str] = []

    def __enter__(self) -> SiteProcess:
        args = [sys.executable, str(Path(__file__).resolve())]
        for key, value in self.options.items():
            flag = "--" + key.replace("_", "-")
            if isinstance(value, dict):
                value = json.dumps(value)
            args += [flag, str(value)]
        self.process = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.origins = json.loads(self._line())["origins"]
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            with contextlib.suppress(OSError, ValueError):
                self._ask("quit")
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def hits(self) -> list[Hit]:
        return [Hit(**row) for row in json.loads(self._ask("hits"))]

    def stats(self) -> dict[str, Any]:
        return dict(json.loads(self._ask("stats")))

    def _ask(self, command: str) -> str:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._line()

    def _line(self) -> str:
        assert self.process is not None and self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the big site process ended")
        return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--hosts", type=int, default=24)
    parser.add_argument("--first-host", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--private-per-host", type=int, default=0)
    parser.add_argument("--crawl-delays", default="{}", help='JSON {"host index": seconds}')
    parser.add_argument("--service-s", type=float, default=0.0)
    parser.add_argument("--retry-every", type=int, default=0)
    parser.add_argument("--retry-status", type=int, default=429)
    parser.add_argument("--retry-after", default="1")
    parser.add_argument("--config-out", help="write settings.toml + sources.toml here")
    args = parser.parse_args(argv)
    site = BigSite(
        args.articles,
        args.hosts,
        first_host=args.first_host,
        seed=args.seed,
        private_per_host=args.private_per_host,
        crawl_delays={int(k): float(v) for k, v in json.loads(args.crawl_delays).items()},
        service_s=args.service_s,
        retry_every=args.retry_every,
        retry_status=args.retry_status,
        retry_after=args.retry_after,
    )
    with site:
        if args.config_out:
            site.write_config(args.config_out)
        print(json.dumps({"origins": site.origins}), flush=True)
        for line in sys.stdin:
            command = line.strip()
            if command == "hits":
                print(json.dumps([asdict(h) for h in site.hits()]), flush=True)
            elif command == "stats":
                stats = {"max_in_flight": site.max_in_flight, "hosts": site.hosts}
                print(json.dumps(stats), flush=True)
            elif command == "advance":
                print(json.dumps(site.advance()), flush=True)
            elif command == "quit":
                print("{}", flush=True)
                break
            else:
                print(json.dumps({"error": f"unknown command {command!r}"}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
