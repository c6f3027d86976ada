"""Fetch URLs politely, within bounds, and only from destinations we may reach.

Polite: robots.txt (RFC 9309) per origin, per-host concurrency and spacing between request
starts (Crawl-delay honoured, capped), conditional GET, retries with backoff that honour
Retry-After, an identifying User-Agent.
Bounded: one total deadline per fetch (``timeout_s``) across every attempt, retry wait,
redirect hop, robots.txt lookup, DNS, connect and body; only the wait for a politeness slot is
not charged (it measures other fetches to the same host, and the tick has its own deadline).
A byte cap applied after decompression with bounded incremental decoders; one content coding
at most. Header values are read by newsmon.ingest.headers, which never raises on them.
Safe: http/https only; every hop's host resolved by us, refused when any address is not
global (see netguard), and the TCP connection pinned to the checked address while the Host
header and TLS use the name. No cookies, no environment proxies, no credentials across origins.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import contextvars
import ssl
import time
import zlib
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookiejar import CookieJar, CookiePolicy
from types import TracebackType
from typing import Any

import brotli
import httpcore
import httpx
import zstandard

from newsmon.core.errors import BlockedError, FetchError, Reason
from newsmon.core.records import FetchResult
from newsmon.core.settings import FetchSettings
from newsmon.ingest import headers as header_values
from newsmon.ingest.netguard import AddressPolicy, RefusedDestination, Resolver, system_resolver
from newsmon.ingest.robots import MAX_ROBOTS_BYTES, RobotsRules, agent_token, parse_robots

__all__ = ["DEFAULT_ACCEPT", "Fetcher", "Resolver"]

DEFAULT_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
ACCEPT_ENCODING = "gzip, deflate, br, zstd"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})
DEFAULT_PORTS = {"http": 80, "https": 443}

# A failed robots.txt fetch means "disallow all" (RFC 9309 2.3.1.4); remember that only
# briefly so one bad minute does not block a source for a whole day.
ROBOTS_ERROR_TTL_S = 300.0
# robots.txt fetches failing for these reasons never got an answer from the origin: the page
# fails for the same reason (a connection failure is not a robots verdict).
UNANSWERED = frozenset({Reason.CONNECT, Reason.TIMEOUT, Reason.TLS, Reason.PROTOCOL})
# Decoded output is produced in steps of this size, so a bomb never inflates past cap + step.
DECODE_STEP = 64 * 1024
# zstd expands at most ~32768:1 (a 4-byte RLE block -> 128 KiB); 32-byte input slices keep
# one call's output near 1 MiB whatever the frame says.
ZSTD_SLICE = 32
# RFC 9659 recommends decoders accept zstd windows up to 8 MiB and may refuse larger ones.
ZSTD_MAX_WINDOW = 8 * 1024 * 1024

# (host, port) -> checked addresses for the fetch running in this task.
_pins: contextvars.ContextVar[dict[tuple[str, int], list[str]]] = contextvars.ContextVar(
    "newsmon_fetch_pins"
)


class Fetcher:
    """An async HTTP fetcher that is polite, bounded and SSRF-safe; use as a context manager.

    One Fetcher belongs to one event loop: its limits and caches are shared by every fetch.
    """

    def __init__(
        self,
        settings: FetchSettings,
        *,
        resolver: Resolver | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.settings = settings
        self._resolver = resolver or system_resolver
        self._policy = AddressPolicy.from_setting(settings.allow_private_networks)
        self._agent = agent_token(settings.user_agent)
        self._global = asyncio.Semaphore(settings.max_concurrency)
        self._gates: dict[str, _HostGate] = {}
        self._crawl_delays: dict[str, float] = {}
        # origin -> its robots.txt verdict and expiry on the monotonic clock; a lookup in
        # flight is one shared task, so a fetch waiting for it can give up on its own deadline.
        self._robots: dict[tuple[str, str, int], tuple[_RobotsVerdict, float]] = {}
        self._robots_loads: dict[tuple[str, str, int], asyncio.Task[_RobotsVerdict]] = {}
        self._stats: dict[str, int] = {
            "fetches": 0,
            "requests": 0,
            "retries": 0,
            "redirects": 0,
            "not_modified": 0,
            "bytes": 0,
            "raw_bytes": 0,
            "robots_fetches": 0,
            "robots_blocked": 0,
            "blocked": 0,
            "errors": 0,
        }
        context = ssl_context or httpx.create_ssl_context(trust_env=False)
        limits = httpx.Limits(
            max_connections=settings.max_concurrency,
            max_keepalive_connections=settings.max_concurrency,
            keepalive_expiry=15.0,
        )
        transport: httpx.AsyncBaseTransport
        if settings.proxy:
            # The proxy resolves and connects; we can check names but not pin addresses.
            transport = httpx.AsyncHTTPTransport(
                verify=context, trust_env=False, limits=limits, proxy=settings.proxy
            )
        else:
            transport = _PinnedTransport(context, limits)
        # Requests go straight to the transport (see _exchange): the client only builds them.
        self._transport = transport
        self._client = httpx.AsyncClient(
            transport=transport,
            trust_env=False,
            follow_redirects=False,
            cookies=CookieJar(policy=_NoCookies()),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s),
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close pooled connections and stop robots.txt lookups still in flight."""
        for load in self._robots_loads.values():
            load.cancel()
        await self._client.aclose()

    def stats(self) -> dict[str, int]:
        """Return a copy of the counters (requests, retries, robots_blocked, bytes, ...)."""
        return dict(self._stats)

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = DEFAULT_ACCEPT,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """Fetch ``url``; return the 2xx or 304 result, raise FetchError for anything else.

        A stored validator that cannot be sent (not printable ASCII, not a date) is dropped:
        the request goes out unconditional rather than not at all.
        """
        headers = {"Accept": accept}
        etag = header_values.etag(etag)
        last_modified = header_values.last_modified(last_modified)
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self._stats["fetches"] += 1
        try:
            result = await self._fetch(
                url,
                headers,
                cap=max_bytes or self.settings.max_bytes,
                check_robots=self.settings.respect_robots,
                truncate=False,
            )
        except FetchError as exc:
            self._stats["blocked" if exc.reason == Reason.BLOCKED else "errors"] += 1
            raise
        if result.status == 304:
            self._stats["not_modified"] += 1
            result.etag = result.etag or etag
            result.last_modified = result.last_modified or last_modified
        self._stats["bytes"] += len(result.content)
        return result

    async def _fetch(
        self, url: str, headers: dict[str, str], *, cap: int, check_robots: bool, truncate: bool
    ) -> FetchResult:
        """Run attempts until one succeeds, an error is final, or retries or deadline run out."""
        deadline = _Deadline(self.settings.timeout_s)
        attempt = 0
        while True:
            try:
                return await self._attempt(url, headers, cap, check_robots, truncate, deadline)
            except _Retryable as retry:
                if attempt >= self.settings.retries:
                    raise retry.error from retry.__cause__
                delay = retry.delay
                if delay is None:
                    delay = self.settings.backoff_s * 2**attempt
                if delay >= deadline.remaining():
                    retry.error.detail += (
                        f"; no retry: waiting {delay:g} s would pass the"
                        f" {self.settings.timeout_s:g} s deadline"
                    )
                    raise retry.error from retry.__cause__
                attempt += 1
                self._stats["retries"] += 1
                async with deadline.charged():
                    await asyncio.sleep(delay)

    async def _attempt(
        self,
        url: str,
        headers: dict[str, str],
        cap: int,
        check_robots: bool,
        truncate: bool,
        deadline: _Deadline,
    ) -> FetchResult:
        """Fetch ``url`` once, following redirects, within what remains of ``deadline``."""
        current = url
        chain: list[str] = []
        while True:
            target = self._target(url, current, hop=len(chain))
            if check_robots:
                await self._check_robots(url, target, deadline)
            if deadline.remaining() <= 0:
                raise _Retryable(FetchError(url, Reason.TIMEOUT, self._deadline_detail()))
            async with self._slot(target.raw_host.decode("ascii")):
                try:
                    async with deadline.charged(), asyncio.timeout(deadline.remaining()):
                        reply = await self._exchange(url, target, headers, cap, truncate, chain)
                except TimeoutError:
                    raise _Retryable(
                        FetchError(url, Reason.TIMEOUT, self._deadline_detail())
                    ) from None
            if isinstance(reply, FetchResult):
                reply.url = url
                reply.redirects = chain
                reply.elapsed_ms = round(deadline.used() * 1000)
                return reply
            try:
                next_url = target.join(reply).copy_with(fragment=None)
            except httpx.InvalidURL as exc:
                raise FetchError(url, Reason.PROTOCOL, f"bad Location {reply!r}: {exc}") from exc
            chain.append(_public(target))
            self._stats["redirects"] += 1
            if len(chain) > self.settings.max_redirects:
                raise FetchError(
                    url, Reason.REDIRECTS, f"more than {self.settings.max_redirects} redirects"
                )
            if _public(next_url) in chain:
                raise FetchError(url, Reason.REDIRECTS, f"redirect loop back to {next_url}")
            current = str(next_url)

    def _target(self, url: str, current: str, hop: int) -> httpx.URL:
        """Parse one hop's URL and refuse a bad scheme or host before any I/O."""
        refused = BlockedError if hop == 0 else _RedirectBlocked
        where = "" if hop == 0 else f" (redirect hop {hop} to {current})"
        try:
            target = httpx.URL(current)
        except httpx.InvalidURL as exc:
            raise refused(url, f"malformed URL{where}: {exc}") from exc
        if target.scheme not in DEFAULT_PORTS:
            raise refused(url, f"scheme {target.scheme or 'none'!r} refused{where}")
        if target.port is not None and not 0 < target.port < 65536:
            raise refused(url, f"port {target.port} out of range{where}")
        try:
            self._policy.check_host(target.raw_host.decode("ascii"))
        except (RefusedDestination, UnicodeDecodeError) as exc:
            raise refused(url, f"{exc}{where}") from exc
        return target

    async def _exchange(
        self,
        url: str,
        target: httpx.URL,
        headers: dict[str, str],
        cap: int,
        truncate: bool,
        chain: list[str],
    ) -> FetchResult | str:
        """Send one request; return the result, or the Location of a redirect."""
        host = target.raw_host.decode("ascii")
        port = target.port or DEFAULT_PORTS[target.scheme]
        try:
            addresses = await self._policy.resolve(host, port, self._resolver)
        except RefusedDestination as exc:
            if chain:
                where = f" (redirect hop {len(chain)} to {_public(target)})"
                raise _RedirectBlocked(url, f"{host}: {exc}{where}") from exc
            raise BlockedError(url, f"{host}: {exc}") from exc
        except (OSError, LookupError, UnicodeError) as exc:
            raise _Retryable(
                FetchError(url, Reason.CONNECT, f"cannot resolve {host}: {exc}")
            ) from exc
        token = _pins.set({(host.lower(), port): addresses})
        try:
            request = self._client.build_request("GET", target, headers=headers)
            if target.userinfo:  # credentials in the URL go to its own origin only
                request.headers["Authorization"] = _basic_auth(target)
            self._stats["requests"] += 1
            try:
                # Straight to the transport: the client's redirect logic parses Location even
                # when it does not follow, and raises InvalidURL (not an HTTPError) on
                # "mailto:x" or "http:\\\\host". We read Location ourselves (_attempt).
                response = await self._transport.handle_async_request(request)
            except (httpx.HTTPError, OSError) as exc:
                raise _translate(url, exc) from exc
            response.request = request
            try:
                return await self._handle(url, target, response, cap, truncate)
            except (httpx.HTTPError, OSError) as exc:
                raise _translate(url, exc) from exc
            finally:
                # The outcome is already decided; a failing close only drops the connection.
                with contextlib.suppress(httpx.HTTPError, OSError):
                    await response.aclose()
        finally:
            _pins.reset(token)

    async def _handle(
        self, url: str, target: httpx.URL, response: httpx.Response, cap: int, truncate: bool
    ) -> FetchResult | str:
        status = response.status_code
        location = response.headers.get("location")
        if status in REDIRECT_STATUSES and location:
            return str(location)
        if status == 304 or 200 <= status < 300:
            content = b"" if status == 304 else await self._read_body(url, response, cap, truncate)
            return FetchResult(
                url=url,
                final_url=_public(target),
                status=status,
                content=content,
                content_type=response.headers.get("content-type", ""),
                encoding=response.charset_encoding,
                # Only validators we could send back are kept: a stored one is replayed.
                etag=header_values.etag(response.headers.get("etag")),
                last_modified=header_values.last_modified(response.headers.get("last-modified")),
            )
        error = FetchError(url, Reason.HTTP_STATUS, _reason_phrase(response), status=status)
        if status not in RETRY_STATUSES:
            raise error
        delay = None
        if status in RETRY_AFTER_STATUSES:
            delay = header_values.retry_after_s(
                response.headers.get("retry-after"), datetime.now(UTC)
            )
            if delay is not None and delay > self.settings.max_retry_after_s:
                error.detail += (
                    f"; Retry-After {delay:.0f} s exceeds max_retry_after_s"
                    f" {self.settings.max_retry_after_s:.0f} s"
                )
                raise error
        raise _Retryable(error, delay)

    async def _read_body(
        self, url: str, response: httpx.Response, cap: int, truncate: bool
    ) -> bytes:
        """Read the raw stream and decode it incrementally, never holding much past ``cap``."""
        declared = header_values.content_length(response.headers.get("content-length"))
        if not truncate and declared is not None and declared > cap:
            raise FetchError(
                url, Reason.TOO_LARGE, f"Content-Length {declared} exceeds {cap} bytes"
            )
        sink = _Sink(cap)
        decoder = _decoder(url, response.headers.get_list("content-encoding", split_commas=True))
        raw = 0
        try:
            async for chunk in response.aiter_raw():
                raw += len(chunk)
                self._stats["raw_bytes"] += len(chunk)
                if raw > cap:
                    raise _Overflow
                decoder.feed(chunk, sink)
            if raw:
                decoder.finish(sink)
        except _Overflow:
            if not truncate:
                raise FetchError(url, Reason.TOO_LARGE, f"body exceeds {cap} bytes") from None
        except (zlib.error, brotli.error, zstandard.ZstdError, _Corrupt) as exc:
            raise FetchError(url, Reason.DECODE, f"corrupt compressed body: {exc}") from exc
        del sink.data[cap:]
        return bytes(sink.data)

    async def _check_robots(self, url: str, target: httpx.URL, deadline: _Deadline) -> None:
        """Raise BlockedError(reason="robots") when robots.txt disallows ``target``.

        When robots.txt got no answer at all (connect, timeout, TLS, protocol), the page fails
        for that reason: a connection failure is named as one, not as a robots verdict.
        """
        verdict = await self._robots_verdict(url, target, deadline)
        if verdict.unanswered is not None:
            cause = verdict.unanswered
            raise FetchError(
                url,
                cause.reason,
                f"robots.txt of {_origin_text(target)} got no answer: {cause.detail}",
                status=cause.status,
            )
        rules, note = verdict.rules, verdict.note
        if not rules.allows(str(target)):
            self._stats["robots_blocked"] += 1
            where = "" if str(target) == url else f" (redirect to {_public(target)})"
            why = f" ({note})" if note else ""
            # An unreachable robots.txt disallows for now (RFC 9309) but is not a verdict on
            # the page: a distinct reason lets the pipeline retry it later.
            reason = Reason.ROBOTS_UNREACHABLE if note else Reason.ROBOTS
            raise BlockedError(url, f"disallowed by robots.txt{where}{why}", reason=reason)

    async def _robots_verdict(
        self, url: str, target: httpx.URL, deadline: _Deadline
    ) -> _RobotsVerdict:
        """Return the origin's cached robots.txt verdict, or wait for its lookup within
        ``deadline`` (the lookup itself runs on, for the fetches that come after)."""
        origin = _origin(target)
        cached = self._robots.get(origin)
        if cached and cached[1] > time.monotonic():
            return cached[0]
        load = self._robots_loads.get(origin)
        if load is None or load.done():
            load = asyncio.create_task(self._remember_robots(url, target, origin))
            load.add_done_callback(_retrieve)  # every waiter may have given up before it ends
            self._robots_loads[origin] = load
        try:
            async with deadline.charged(), asyncio.timeout(max(0.0, deadline.remaining())):
                return await asyncio.shield(load)
        except BlockedError as exc:  # the origin is refused: say so for this page's URL
            raise BlockedError(url, exc.detail) from exc
        except TimeoutError:
            raise FetchError(
                url,
                Reason.TIMEOUT,
                f"robots.txt of {_origin_text(target)} did not answer within the"
                f" {self.settings.timeout_s:g} s deadline",
            ) from None

    async def _remember_robots(
        self, url: str, target: httpx.URL, origin: tuple[str, str, int]
    ) -> _RobotsVerdict:
        verdict, ttl = await self._load_robots(url, target)
        self._robots[origin] = (verdict, time.monotonic() + ttl)
        host = target.raw_host.decode("ascii")
        delay = verdict.rules.crawl_delay
        if delay is not None:
            self._crawl_delays[host] = min(delay, self.settings.max_crawl_delay_s)
            gate = self._gates.get(host)
            if gate is not None:  # robots.txt itself was a request: space from it too
                gate.next_start = max(gate.next_start, time.monotonic() + self._crawl_delays[host])
        else:
            self._crawl_delays.pop(host, None)
        return verdict

    async def _load_robots(self, url: str, target: httpx.URL) -> tuple[_RobotsVerdict, float]:
        """Fetch and parse robots.txt for ``target``'s origin; apply RFC 9309 on failure."""
        robots_url = str(target.copy_with(path="/robots.txt", query=None, fragment=None))
        full_ttl = self.settings.robots_cache_s
        error_ttl = min(full_ttl, ROBOTS_ERROR_TTL_S)
        self._stats["robots_fetches"] += 1
        try:
            result = await self._fetch(
                robots_url,
                {"Accept": "text/plain,*/*;q=0.5"},
                cap=MAX_ROBOTS_BYTES,
                check_robots=False,
                truncate=True,
            )
        except _RedirectBlocked as exc:  # robots.txt redirects somewhere refused: unreachable
            return _RobotsVerdict(RobotsRules.disallow_all(), f"robots.txt {exc.detail}"), error_ttl
        except BlockedError as exc:  # the origin itself is refused, so is the page
            raise BlockedError(url, exc.detail) from exc
        except FetchError as exc:
            # 4xx means "no robots.txt" (RFC 9309 2.3.1.3) except 429, which means "slow down".
            status = exc.status or 0
            if exc.reason == Reason.HTTP_STATUS and 400 <= status < 500 and status != 429:
                return _RobotsVerdict(RobotsRules.allow_all()), full_ttl
            if exc.reason == Reason.REDIRECTS:  # RFC 9309 2.3.1.2: may be taken as unavailable
                return _RobotsVerdict(RobotsRules.allow_all()), full_ttl
            if exc.reason in UNANSWERED:
                return _RobotsVerdict(RobotsRules.disallow_all(), exc.reason, exc), error_ttl
            unreachable = f"robots.txt unreachable, so all is disallowed: {exc.reason}"
            if exc.status:
                unreachable += f" HTTP {exc.status}"
            return _RobotsVerdict(RobotsRules.disallow_all(), unreachable), error_ttl
        if result.status == 304:  # we never send validators for robots.txt
            return _RobotsVerdict(RobotsRules.allow_all()), full_ttl
        text = result.content.decode("utf-8", errors="replace").removeprefix("\ufeff")
        return _RobotsVerdict(parse_robots(text, self._agent)), full_ttl

    @asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        """Hold a request slot for ``host``: per-host concurrency, spacing, global limit."""
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = _HostGate(self.settings.per_host_concurrency)
        async with gate.slots:
            # Starts are serialised per host: the lock is held through the spacing sleep and
            # the global wait, so the next start is measured from the real start of this one.
            async with gate.turn:
                wait = gate.next_start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                await self._global.acquire()
                gate.next_start = time.monotonic() + self._delay(host)
            try:
                yield
            finally:
                self._global.release()
                # Also space from the end: the server saw this request before we saw its
                # answer, so the next one cannot reach it early, whatever either's latency.
                gate.next_start = max(gate.next_start, time.monotonic() + self._delay(host))

    def _delay(self, host: str) -> float:
        return max(self.settings.per_host_delay_s, self._crawl_delays.get(host, 0.0))

    def _deadline_detail(self) -> str:
        return f"no complete response within the {self.settings.timeout_s:g} s deadline"


@dataclass(frozen=True)
class _RobotsVerdict:
    """One origin's robots.txt outcome: its rules, why they are a default ("" when robots.txt
    was read), and the error when the origin never answered (the page then fails with it)."""

    rules: RobotsRules
    note: str = ""
    unanswered: FetchError | None = None


class _Deadline:
    """The time one fetch may still spend: only sections run under ``charged()`` count."""

    def __init__(self, total_s: float) -> None:
        self.total_s = total_s
        self._used = 0.0

    def used(self) -> float:
        return self._used

    def remaining(self) -> float:
        return self.total_s - self._used

    @asynccontextmanager
    async def charged(self) -> AsyncIterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self._used += time.monotonic() - started


class _HostGate:
    def __init__(self, concurrency: int) -> None:
        self.slots = asyncio.Semaphore(concurrency)
        self.turn = asyncio.Lock()
        self.next_start = 0.0


class _RedirectBlocked(BlockedError):
    """A redirect led to a refused URL (callers see a plain BlockedError)."""


class _Retryable(Exception):
    """An attempt failed in a way worth retrying; carries the final error and any wait."""

    def __init__(self, error: FetchError, delay: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.delay = delay


class _NoCookies(CookiePolicy):
    """Never store or send a cookie: every fetch is a first visit."""

    netscape = True
    rfc2965 = False
    hide_cookie2 = True

    def set_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def return_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def domain_return_ok(self, domain: str, request: Any) -> bool:
        return False

    def path_return_ok(self, path: str, request: Any) -> bool:
        return False


class _PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connect to the addresses this task's fetch checked for (host, port), never re-resolve."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = _pins.get({}).get((host.lower(), port))
        if not addresses:
            raise httpcore.ConnectError(f"no checked address for {host}:{port}; refusing")
        last: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used by the fetcher")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool whose TCP connects are pinned (see above)."""

    def __init__(self, ssl_context: ssl.SSLContext, limits: httpx.Limits) -> None:
        super().__init__(verify=ssl_context, trust_env=False, limits=limits)
        # httpx 0.28 has no public hook for the network backend; the pool it builds is
        # replaced by an identical one over _PinnedBackend (tests prove the pinning).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_PinnedBackend(),
        )


class _Overflow(Exception):
    """The decoded body passed the byte cap."""


class _Corrupt(Exception):
    """The compressed body is malformed or truncated."""


class _Sink:
    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.data = bytearray()

    def write(self, chunk: bytes) -> None:
        self.data += chunk
        if len(self.data) > self.cap:
            raise _Overflow


class _Identity:
    def feed(self, data: bytes, sink: _Sink) -> None:
        sink.write(data)

    def finish(self, sink: _Sink) -> None:
        pass


class _Zlib:
    """gzip (members may be concatenated) or deflate (zlib-wrapped, or raw as some send)."""

    def __init__(self, gzip: bool) -> None:
        self.gzip = gzip
        self.head = b""  # deflate: bytes held until the zlib header can be recognised
        self.obj: Any = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzip else None

    def feed(self, data: bytes, sink: _Sink) -> None:
        if self.obj is None:
            self.head += data
            if len(self.head) < 2:
                return
            data, self.head = self.head, b""
            wrapped = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self.obj = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        while True:
            if self.obj.eof:
                rest = self.obj.unused_data + data
                if not rest.strip(b"\0"):
                    return
                if not self.gzip:
                    raise _Corrupt("data after the end of the deflate stream")
                self.obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
                data = rest
            out = self.obj.decompress(data, DECODE_STEP)
            sink.write(out)
            data = self.obj.unconsumed_tail
            if data or len(out) == DECODE_STEP:
                continue
            if self.obj.eof and self.obj.unused_data.strip(b"\0"):
                continue
            return

    def finish(self, sink: _Sink) -> None:
        if self.obj is None or not self.obj.eof:
            raise _Corrupt("compressed body ends early")


class _Brotli:
    def __init__(self) -> None:
        self.obj = brotli.Decompressor()

    def feed(self, data: bytes, sink: _Sink) -> None:
        sink.write(self.obj.process(data, output_buffer_limit=DECODE_STEP))
        while not self.obj.can_accept_more_data():
            sink.write(self.obj.process(b"", output_buffer_limit=DECODE_STEP))

    def finish(self, sink: _Sink) -> None:
        if not self.obj.is_finished():
            raise _Corrupt("brotli body ends early")


class _Zstd:
    def __init__(self) -> None:
        self.factory = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
        self.obj = self.factory.decompressobj()

    def feed(self, data: bytes, sink: _Sink) -> None:
        for start in range(0, len(data), ZSTD_SLICE):
            piece = data[start : start + ZSTD_SLICE]
            while piece:
                if self.obj.eof:  # a new frame follows the last one
                    self.obj = self.factory.decompressobj()
                sink.write(self.obj.decompress(piece))
                piece = self.obj.unused_data if self.obj.eof else b""

    def finish(self, sink: _Sink) -> None:
        if not self.obj.eof:
            raise _Corrupt("zstd body ends early")


_Decoder = _Identity | _Zlib | _Brotli | _Zstd


def _decoder(url: str, codings: list[str]) -> _Decoder:
    """Return the decoder for a Content-Encoding list; refuse chains and unknown codings."""
    names = [c.strip().lower() for c in codings if c.strip() and c.strip().lower() != "identity"]
    if len(names) > 1:
        raise FetchError(
            url, Reason.DECODE, f"chained content encodings refused: {', '.join(names)}"
        )
    if not names:
        return _Identity()
    name = names[0]
    if name in ("gzip", "x-gzip"):
        return _Zlib(gzip=True)
    if name == "deflate":
        return _Zlib(gzip=False)
    if name == "br":
        return _Brotli()
    if name == "zstd":
        return _Zstd()
    raise FetchError(url, Reason.DECODE, f"unsupported content encoding {name!r}")


def _translate(url: str, exc: httpx.HTTPError | OSError) -> Exception:
    """Map an httpx or socket error to a FetchError (in _Retryable when worth retrying)."""
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return _Retryable(FetchError(url, Reason.TIMEOUT, f"{type(exc).__name__}: {exc}"))
    if _is_tls_error(exc):
        return FetchError(url, Reason.TLS, f"TLS failed: {_root(exc)}")
    if isinstance(exc, httpx.ProtocolError):
        return FetchError(url, Reason.PROTOCOL, str(exc) or type(exc).__name__)
    if isinstance(exc, httpx.TransportError | OSError):
        return _Retryable(FetchError(url, Reason.CONNECT, str(exc) or type(exc).__name__))
    return FetchError(url, Reason.PROTOCOL, f"{type(exc).__name__}: {exc}")


def _is_tls_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError | ssl.CertificateError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _root(exc: BaseException) -> BaseException:
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return exc


def _origin(url: httpx.URL) -> tuple[str, str, int]:
    port = url.port or DEFAULT_PORTS.get(url.scheme, 0)
    return (url.scheme, url.raw_host.decode("ascii", "replace").lower(), port)


def _basic_auth(url: httpx.URL) -> str:
    token = base64.b64encode(f"{url.username}:{url.password}".encode()).decode("ascii")
    return f"Basic {token}"


def _retrieve(task: asyncio.Task[Any]) -> None:
    """Mark a task's outcome as seen, so asyncio does not log an exception nobody awaited."""
    if not task.cancelled():
        task.exception()


def _origin_text(url: httpx.URL) -> str:
    scheme, host, port = _origin(url)
    return f"{scheme}://{host}:{port}"


def _public(url: httpx.URL) -> str:
    """Return ``url`` without credentials, as results and logs may show it."""
    return str(url.copy_with(userinfo=b"")) if url.userinfo else str(url)


def _reason_phrase(response: httpx.Response) -> str:
    return f"HTTP {response.status_code} {response.reason_phrase}".strip()
