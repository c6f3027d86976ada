"""FakeSite: the news outlets and the fault outlet as real HTTP servers on loopback."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import socket
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from email.message import Message
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from . import faults
from .feeds import FEEDS, feed_last_modified, robots_txt, static_lastmod
from .pages import Page, about_page, article_page, front_page, not_found_page, related_links
from .responder import RequestRecord, Responder
from .scenario import (
    FAULT,
    FAULT_HOST,
    OUTLETS,
    STORY_BY_KEY,
    ArticleState,
    Changes,
    Moment,
    article_state,
    changes_at,
)
from .stories import STORIES, Story

NEWS_OUTLETS: tuple[str, ...] = tuple(OUTLETS)
HTML = "text/html; charset=utf-8"
STORY_BY_PATH: dict[tuple[str, str], Story] = {(s.outlet, s.path): s for s in STORIES}
DEFAULT_SETTINGS: dict[str, dict[str, Any]] = {
    "fetch": {
        "allow_private_networks": True,
        "per_host_delay_s": 0.0,
        "respect_robots": True,
        "timeout_s": 5.0,
    }
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked transfer
    server_version = "FakeNews/1.0"
    sys_version = ""
    timeout = 65  # an idle keep-alive connection ends on its own
    disable_nagle_algorithm = True  # else headers and body wait 40 ms for a delayed ACK
    server: _Server

    def do_GET(self) -> None:
        self.server.site._serve(self.server.outlet, self)

    do_HEAD = do_POST = do_PUT = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.site.verbose:
            super().log_message(format, *args)


class _Server(ThreadingHTTPServer):
    """One outlet's server; tracks its connections so stop() can end them all."""

    daemon_threads = True

    def __init__(self, site: FakeSite, outlet: str, host: str) -> None:
        self.site = site
        self.outlet = outlet
        self._live_lock = threading.Lock()
        self._live: dict[threading.Thread, socket.socket] = {}
        super().__init__((host, 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._run,
            args=(request, client_address),
            name=f"fakesite-{self.outlet}-conn",
            daemon=True,
        )
        with self._live_lock:
            self._live[thread] = request
        thread.start()

    def _run(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._live_lock:
                self._live.pop(threading.current_thread(), None)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # the client went away (reset, broken pipe, timeout): not our bug
        super().handle_error(request, client_address)

    def drop_connections(self, timeout: float) -> None:
        """Shut every open connection down and wait for the handler threads to finish."""
        with self._live_lock:
            live = list(self._live.items())
        for _, sock in live:
            with contextlib.suppress(OSError):  # already closed by its handler
                sock.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for thread, _ in live:
            thread.join(max(0.0, deadline - time.monotonic()))


class FakeSite:
    """Four fake news outlets and a fault outlet, each a real HTTP server on its own address.

    The scenario moves on with ``advance()``; ``touch()`` moves only the site clock.
    """

    def __init__(
        self, start: datetime | None = None, step_minutes: float = 480.0, verbose: bool = False
    ) -> None:
        if start is None:
            now = datetime.now(UTC).replace(second=0, microsecond=0)
            start = now - timedelta(minutes=step_minutes)
        start = start.astimezone(UTC).replace(microsecond=0)
        self.step_minutes = step_minutes
        self.verbose = verbose
        self.outlets: dict[str, str] = {}
        self._moment = Moment(0, start, (start,))
        self._lock = threading.Lock()
        self._log: list[RequestRecord] = []
        self._faults = faults.FaultState()
        self._stop = threading.Event()
        self._servers: list[tuple[_Server, threading.Thread]] = []

    # --- lifecycle -----------------------------------------------------------------------

    def start(self) -> FakeSite:
        """Bind every outlet on its loopback address (ephemeral port) and serve in threads."""
        if self._servers:
            raise RuntimeError("FakeSite is already started")
        self._stop = threading.Event()
        hosts = {**{o.id: o.host for o in OUTLETS.values()}, FAULT: FAULT_HOST}
        try:
            for outlet, host in hosts.items():
                server = _Server(self, outlet, host)
                port = server.server_address[1]
                thread = threading.Thread(
                    target=server.serve_forever,
                    kwargs={"poll_interval": 0.05},
                    name=f"fakesite-{outlet}",
                    daemon=True,
                )
                thread.start()
                self._servers.append((server, thread))
                self.outlets[outlet] = f"http://{host}:{port}"
        except OSError as exc:
            self.stop()
            raise RuntimeError(
                f"cannot bind {host}: the fake site needs all of 127.0.0.0/8 on loopback "
                f"(Linux has it; elsewhere add aliases) ({exc})"
            ) from exc
        return self

    def stop(self) -> None:
        """Stop every server, end open connections and join all threads."""
        self._stop.set()
        for server, thread in self._servers:
            server.shutdown()
            server.drop_connections(timeout=5.0)
            server.server_close()
            thread.join(timeout=5.0)
        self._servers = []

    def __enter__(self) -> FakeSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- the scenario and the clock ------------------------------------------------------

    @property
    def tick(self) -> int:
        return self._moment.tick

    @property
    def now(self) -> datetime:
        """Return the site clock (timezone-aware UTC)."""
        return self._moment.now

    @property
    def tick_starts(self) -> tuple[datetime, ...]:
        """Return the site clock at the start of each tick so far."""
        return self._moment.tick_starts

    def advance(self, minutes: float | None = None) -> Changes:
        """Move to the next tick, the clock ``step_minutes`` (or ``minutes``) later."""
        step = self.step_minutes if minutes is None else minutes
        with self._lock:
            m = self._moment
            now = m.now + timedelta(seconds=round(step * 60))
            self._moment = Moment(m.tick + 1, now, (*m.tick_starts, now))
        return changes_at(self._moment.tick)

    def touch(self, minutes: float = 1.0) -> None:
        """Move the site clock only: volatile furniture changes, articles and feeds do not."""
        with self._lock:
            m = self._moment
            self._moment = Moment(
                m.tick, m.now + timedelta(seconds=round(minutes * 60)), m.tick_starts
            )

    def changes(self, tick: int | None = None) -> Changes:
        """Return what ``advance()`` into ``tick`` (default: the current tick) changed."""
        return changes_at(self.tick if tick is None else tick)

    # --- what the site serves (for assertions) ---------------------------------------------

    def url(self, outlet: str, path: str = "/") -> str:
        """Return an absolute URL on ``outlet`` (the fault outlet is "fault")."""
        return self._base(outlet) + path

    def article_url(self, outlet: str, key: str) -> str:
        """Return an article's canonical URL (no tracking parameters)."""
        return self._base(outlet) + self._story(outlet, key).path

    def feed_urls(self, outlet: str) -> list[str]:
        return [self._base(outlet) + p for p in OUTLETS[outlet].feeds]

    def sitemap_urls(self, outlet: str) -> list[str]:
        return [self._base(outlet) + p for p in OUTLETS[outlet].sitemaps]

    def article(self, outlet: str, key: str, tick: int | None = None) -> ArticleState:
        """Describe what an article URL serves now (or at an earlier ``tick``)."""
        return article_state(self._moment_at(tick), self._story(outlet, key), self._base(outlet))

    def articles(self, outlet: str | None = None, tick: int | None = None) -> list[ArticleState]:
        """Describe every article of the scenario (404s included) now or at ``tick``."""
        moment = self._moment_at(tick)
        return [
            article_state(moment, s, self._base(s.outlet))
            for s in STORIES
            if outlet is None or s.outlet == outlet
        ]

    @property
    def expected(self) -> dict[tuple[str, str], ArticleState]:
        """Return {(outlet, key): state} for every article of the scenario at the current tick."""
        return {(a.outlet, a.key): a for a in self.articles()}

    # --- request log, fault outlet state ------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    def requests_for(
        self, outlet: str | None = None, path_prefix: str | None = None, method: str | None = None
    ) -> list[RequestRecord]:
        """Return logged requests to ``outlet`` whose path starts with ``path_prefix``."""
        return [
            r
            for r in self.requests
            if (outlet is None or r.outlet == outlet)
            and (path_prefix is None or r.path.startswith(path_prefix))
            and (method is None or r.method == method)
        ]

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    @property
    def canary_hits(self) -> int:
        """Return how many requests the fault outlet's /canary path received."""
        with self._faults.lock:
            return self._faults.canary_hits

    @property
    def fault_robots(self) -> tuple[int, str]:
        """The fault outlet's /robots.txt answer as (status, body); assignable."""
        return self._faults.robots

    @fault_robots.setter
    def fault_robots(self, value: tuple[int, str]) -> None:
        self._faults.robots = value

    @property
    def fault_robots_headers(self) -> list[tuple[str, str]]:
        """Extra headers of the fault outlet's /robots.txt answer; assignable."""
        return self._faults.robots_headers

    @fault_robots_headers.setter
    def fault_robots_headers(self, value: list[tuple[str, str]]) -> None:
        self._faults.robots_headers = list(value)

    @property
    def fault_edition(self) -> int:
        """Which edition the fault outlet's /long/{name} pages serve (0 first); assignable."""
        return self._faults.edition

    @fault_edition.setter
    def fault_edition(self, value: int) -> None:
        self._faults.edition = value

    def reset_faults(self) -> None:
        """Zero the canary and the /retry-after counters."""
        with self._faults.lock:
            self._faults.canary_hits = 0
            self._faults.retry_counts.clear()

    # --- configuration for newsmon ----------------------------------------------------------

    def sources_toml(self, poll_every: str = "1s") -> str:
        """Return a sources.toml with one [[source]] per news outlet, for the current ports."""
        blocks = []
        for o in OUTLETS.values():
            blocks.append(
                "[[source]]\n"
                f"id = {toml_literal(o.id)}\n"
                f"name = {toml_literal(o.name)}\n"
                f"feeds = {toml_literal(self.feed_urls(o.id))}\n"
                f"sitemaps = {toml_literal(self.sitemap_urls(o.id))}\n"
                f"lang = {toml_literal(o.lang)}\n"
                f"poll_every = {toml_literal(poll_every)}\n"
            )
        return "# Written by tests.fakesite for its current ports.\n\n" + "\n".join(blocks)

    def write_config(
        self,
        directory: str | Path,
        settings: dict[str, dict[str, Any]] | None = None,
        poll_every: str = "1s",
    ) -> Path:
        """Write sources.toml and a loopback-allowing settings.toml into ``directory``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        merged: dict[str, dict[str, Any]] = {k: dict(v) for k, v in DEFAULT_SETTINGS.items()}
        for section, table in (settings or {}).items():
            merged.setdefault(section, {}).update(table)
        lines = ["# Written by tests.fakesite: loopback allowed, no per-host delay."]
        for section, table in merged.items():
            lines.append(f"\n[{section}]")
            lines += [
                f"{key} = {toml_literal(value)}"
                for key, value in table.items()
                if value is not None
            ]
        (directory / "settings.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (directory / "sources.toml").write_text(self.sources_toml(poll_every), encoding="utf-8")
        return directory

    # --- internals ----------------------------------------------------------------------------

    def _base(self, outlet: str) -> str:
        if outlet not in self.outlets:
            if outlet not in OUTLETS and outlet != FAULT:
                raise KeyError(f"no outlet {outlet!r}; known: {[*OUTLETS, FAULT]}")
            raise RuntimeError("FakeSite is not started")
        return self.outlets[outlet]

    def _story(self, outlet: str, key: str) -> Story:
        try:
            return STORY_BY_KEY[(outlet, key)]
        except KeyError:
            known = sorted(f"{o}/{k}" for o, k in STORY_BY_KEY)
            raise KeyError(f"no article {outlet}/{key}; known: {known}") from None

    def _moment_at(self, tick: int | None) -> Moment:
        m = self._moment
        if tick is None or tick == m.tick:
            return m
        if not 0 <= tick < m.tick:
            raise ValueError(f"tick {tick} has not happened (current tick {m.tick})")
        return Moment(tick, m.tick_starts[tick], m.tick_starts[: tick + 1])

    def _serve(self, outlet: str, handler: BaseHTTPRequestHandler) -> None:
        moment = self._moment
        target = urlsplit(handler.path)
        record = RequestRecord(
            outlet=outlet,
            method=handler.command,
            path=handler.path,
            headers={k.lower(): v for k, v in handler.headers.items()},
            time=time.time(),
            tick=moment.tick,
        )
        with self._lock:
            self._log.append(record)
        r = Responder(handler, record, self._stop)
        try:
            if handler.command not in ("GET", "HEAD"):
                r.send(405, b"", [("Allow", "GET, HEAD")])
            elif outlet == FAULT:
                faults.handle(self._faults, r, self.outlets[FAULT], target.path, target.query)
            else:
                self._serve_news(r, outlet, moment, target.path or "/")
        finally:
            record.done = True

    def _serve_news(self, r: Responder, outlet: str, moment: Moment, path: str) -> None:
        base = self.outlets[outlet]
        if path == "/robots.txt":
            since = moment.tick_starts[0] - timedelta(days=30)
            _entity(r, "text/plain; charset=utf-8", robots_txt(outlet, base), since)
        elif path in FEEDS[outlet]:
            content_type, build = FEEDS[outlet][path]
            modified: datetime | None
            if path == "/sitemaps/pages.xml":
                modified = static_lastmod(moment)
            else:
                modified = feed_last_modified(moment, outlet)
            _entity(r, content_type, build(moment, base), modified)
        elif path == "/":
            _entity(r, HTML, front_page(moment, outlet, base).encode(), None)
        elif path == "/about/":
            _entity(r, HTML, about_page(moment, outlet, base).encode(), static_lastmod(moment))
        else:
            story = STORY_BY_PATH.get((outlet, path))
            live = moment.version(story) if story else None
            if story is None or live is None:
                _entity(r, HTML, not_found_page(moment, outlet, base).encode(), None, status=404)
                return
            edited = moment.modified(story)
            assert edited is not None
            page = Page(
                outlet=OUTLETS[outlet],
                base=base,
                now=moment.now,
                story=story,
                text=live[1],
                published=moment.published(story),
                modified=edited,
                related=related_links(moment, outlet, base, exclude=story.path),
            )
            _entity(r, HTML, article_page(page).encode(), edited)


def _entity(
    r: Responder, content_type: str, body: bytes, modified: datetime | None, status: int = 200
) -> None:
    """Send ``body`` with ETag/Last-Modified, 304 on a matching condition, gzip if accepted."""
    request = r.handler.headers
    use_gzip = _accepts_gzip(request.get("Accept-Encoding"))
    headers = [("Vary", "Accept-Encoding")]
    if status == 200:
        tag = hashlib.sha1(body).hexdigest()[:20]
        # Like nginx: a compressed representation gets a weak validator.
        headers.append(("ETag", f'W/"{tag}"' if use_gzip else f'"{tag}"'))
        if modified is not None:
            headers.append(("Last-Modified", format_datetime(modified, usegmt=True)))
        headers.append(("Cache-Control", "public, max-age=60"))
        if _not_modified(request, tag, modified):
            r.record.notes.append("304")
            r.send(304, b"", headers, no_body=True)
            return
    else:
        headers.append(("Cache-Control", "no-cache"))
    headers.append(("Content-Type", content_type))
    if use_gzip:
        body = gzip.compress(body, compresslevel=6, mtime=0)
        headers.append(("Content-Encoding", "gzip"))
        r.record.notes.append("gzip")
    r.send(status, body, headers)


def _accepts_gzip(value: str | None) -> bool:
    for part in (value or "").split(","):
        name, _, params = part.partition(";")
        if name.strip().lower() in ("gzip", "x-gzip", "*"):
            q = 1.0
            for param in params.split(";"):
                key, _, val = param.partition("=")
                if key.strip().lower() == "q":
                    try:
                        q = float(val)
                    except ValueError:
                        q = 0.0
            return q > 0
    return False


def _not_modified(request: Message, tag: str, modified: datetime | None) -> bool:
    """Apply RFC 9110 13.1: If-None-Match (weak comparison) wins over If-Modified-Since."""
    if_none_match = request.get("If-None-Match")
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        tags = [t.strip().removeprefix("W/").strip('"') for t in if_none_match.split(",")]
        return tag in tags
    since_text = request.get("If-Modified-Since")
    if not since_text or modified is None:
        return False
    try:
        since = parsedate_to_datetime(since_text)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return modified.replace(microsecond=0) <= since


def toml_literal(value: Any) -> str:
    """Return ``value`` as a TOML literal (strings, numbers, booleans, lists)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML: {value!r}")
