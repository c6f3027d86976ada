"""The fetcher against real loopback servers: politeness, bounds, decoding and the SSRF guard."""

from __future__ import annotations

import asyncio
import base64
import functools
import gzip
import itertools
import socket
import time
import tracemalloc
import zlib
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import brotli
import pytest
import zstandard

from newsmon.core.errors import BlockedError, FetchError
from newsmon.core.settings import FetchSettings
from newsmon.ingest.fetcher import Fetcher
from newsmon.ingest.headers import retry_after_s
from tests.loopback import Reply, Seen, Server, make_tls_files, send, static_resolver

pytestmark = pytest.mark.timeout(60)

PAGE = b"<html><body><p>At least 240 people were killed, officials said.</p></body></html>"


def loopback_settings(**overrides: Any) -> FetchSettings:
    """Settings for talking to our own loopback servers: no delays, no retries, no robots."""
    values: dict[str, Any] = {
        "allow_private_networks": ["127.0.0.0/8"],
        "per_host_delay_s": 0.0,
        "timeout_s": 5.0,
        "retries": 0,
        "backoff_s": 0.01,
        "respect_robots": False,
    }
    values.update(overrides)
    return FetchSettings(**values)


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(scenario())


async def fetch_error(fetcher: Fetcher, url: str, **kwargs: Any) -> FetchError:
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(url, **kwargs)
    return info.value


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


# --- basics -------------------------------------------------------------------------------


def test_fetch_returns_body_headers_and_sends_our_identity() -> None:
    async def scenario() -> None:
        page = Reply(
            200,
            PAGE,
            {
                "Content-Type": "text/html; charset=iso-8859-1",
                "ETag": '"v1"',
                "Last-Modified": "Sat, 21 Nov 2026 10:00:00 GMT",
            },
        )
        async with Server({"/world/flood": page}) as server:
            settings = loopback_settings(user_agent="newsmon/9.9 (+https://example.org/bot)")
            async with Fetcher(settings) as fetcher:
                result = await fetcher.fetch(server.url("/world/flood"), accept="text/html")
        assert result.status == 200
        assert result.content == PAGE
        assert result.url == result.final_url == server.url("/world/flood")
        assert result.content_type == "text/html; charset=iso-8859-1"
        assert result.encoding == "iso-8859-1"
        assert result.etag == '"v1"'
        assert result.last_modified == "Sat, 21 Nov 2026 10:00:00 GMT"
        assert result.redirects == []
        headers = server.requests[0].headers
        assert headers["user-agent"] == "newsmon/9.9 (+https://example.org/bot)"
        assert headers["accept"] == "text/html"
        assert headers["accept-encoding"] == "gzip, deflate, br, zstd"
        assert "cookie" not in headers and "authorization" not in headers

    run(scenario)


def test_conditional_get_gives_not_modified() -> None:
    async def page(seen: Seen, writer: asyncio.StreamWriter) -> None:
        if seen.headers.get("if-none-match") == '"v2"':
            await send(writer, 304, headers={"ETag": '"v2"'})
        elif seen.headers.get("if-modified-since") == "Sat, 21 Nov 2026 10:00:00 GMT":
            await send(writer, 304)
        else:
            await send(writer, 200, PAGE, {"ETag": '"v2"'})

    async def scenario() -> None:
        async with Server({"/a": page}) as server, Fetcher(loopback_settings()) as fetcher:
            fresh = await fetcher.fetch(server.url("/a"))
            by_etag = await fetcher.fetch(server.url("/a"), etag='"v2"')
            by_date = await fetcher.fetch(
                server.url("/a"), last_modified="Sat, 21 Nov 2026 10:00:00 GMT"
            )
            stats = fetcher.stats()
        assert fresh.status == 200 and fresh.content == PAGE
        assert by_etag.status == 304 and by_etag.not_modified and by_etag.content == b""
        assert by_etag.etag == '"v2"'
        # A 304 without validators keeps the ones we sent.
        assert by_date.not_modified and by_date.last_modified == "Sat, 21 Nov 2026 10:00:00 GMT"
        assert stats["not_modified"] == 2

    run(scenario)


def test_cookies_are_never_stored_or_sent() -> None:
    async def scenario() -> None:
        cookie = {"Set-Cookie": "sid=abc123; Path=/"}
        table = {"/one": Reply(200, PAGE, cookie), "/two": Reply(200, PAGE)}
        async with Server(table) as server, Fetcher(loopback_settings()) as fetcher:
            await fetcher.fetch(server.url("/one"))
            await fetcher.fetch(server.url("/two"))
        assert [s.path for s in server.requests] == ["/one", "/two"]
        assert "cookie" not in server.requests[1].headers

    run(scenario)


def test_environment_proxies_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario() -> None:
        async with Server({}) as proxy, Server({"/a": Reply(200, PAGE)}, "127.0.0.2") as server:
            for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
                monkeypatch.setenv(name, proxy.url())
            async with Fetcher(loopback_settings()) as fetcher:
                result = await fetcher.fetch(server.url("/a"))
        assert result.content == PAGE
        assert proxy.connections == 0

    run(scenario)


def test_configured_proxy_is_used() -> None:
    async def scenario() -> None:
        async with Server(lambda seen, w: send(w, 200, PAGE)) as proxy:
            settings = loopback_settings(proxy=proxy.url())
            resolver = static_resolver({"news.example": ["93.184.216.34"]})
            async with Fetcher(settings, resolver=resolver) as fetcher:
                result = await fetcher.fetch("http://news.example/world")
        assert result.content == PAGE
        assert proxy.paths() == ["http://news.example/world"]

    run(scenario)


def test_stats_count_requests_and_bytes() -> None:
    async def scenario() -> None:
        async with (
            Server({"/a": Reply(200, PAGE)}) as server,
            Fetcher(loopback_settings(respect_robots=True)) as fetcher,
        ):
            await fetcher.fetch(server.url("/a"))
            await fetcher.fetch(server.url("/a"))
            stats = fetcher.stats()
        assert stats["fetches"] == 2
        assert stats["requests"] == 3  # robots.txt once, the page twice
        assert stats["robots_fetches"] == 1
        assert stats["bytes"] == 2 * len(PAGE)
        assert stats["retries"] == stats["robots_blocked"] == stats["errors"] == 0

    run(scenario)


# --- politeness: spacing and concurrency ---------------------------------------------------


def test_per_host_spacing_holds_under_concurrency_across_many_hosts() -> None:
    delay = 0.4
    hosts = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]

    async def scenario() -> None:
        servers = [Server({"/p": Reply(200, PAGE, delay_s=0.05)}, h) for h in hosts]
        for server in servers:
            await server.__aenter__()
        try:
            settings = loopback_settings(per_host_delay_s=delay, max_concurrency=8)
            async with Fetcher(settings) as fetcher:
                jobs = [fetcher.fetch(s.url(f"/p?n={i}")) for i in range(4) for s in servers]
                results = await asyncio.gather(*jobs)
        finally:
            for server in servers:
                await server.__aexit__(None, None, None)
        assert all(r.status == 200 for r in results)
        for server in servers:
            times = [seen.at for seen in server.requests]
            assert len(times) == 4
            gaps = [b - a for a, b in itertools.pairwise(times)]
            # Margin only for scheduling jitter between our start and the server's clock.
            assert min(gaps) >= delay - 0.1, (server.host, gaps)
            assert server.max_in_flight == 1
        # Hosts were served side by side: every host had started before any host finished.
        firsts = [server.requests[0].at for server in servers]
        lasts = [server.requests[-1].at for server in servers]
        assert max(firsts) < min(lasts)

    run(scenario)


def test_per_host_concurrency_and_global_limit() -> None:
    async def scenario() -> None:
        counter = {"now": 0, "max": 0}

        async def slow(seen: Seen, writer: asyncio.StreamWriter) -> None:
            counter["now"] += 1
            counter["max"] = max(counter["max"], counter["now"])
            await asyncio.sleep(0.2)
            counter["now"] -= 1
            await send(writer, 200, PAGE)

        async with Server(slow, "127.0.0.2") as one:
            settings = loopback_settings(per_host_concurrency=2, max_concurrency=8)
            async with Fetcher(settings) as fetcher:
                await asyncio.gather(*(fetcher.fetch(one.url(f"/{i}")) for i in range(6)))
            assert one.max_in_flight == 2

        counter["max"] = 0
        servers = [Server(slow, f"127.0.0.{i}") for i in range(2, 6)]
        for server in servers:
            await server.__aenter__()
        try:
            settings = loopback_settings(per_host_concurrency=4, max_concurrency=2)
            async with Fetcher(settings) as fetcher:
                await asyncio.gather(
                    *(fetcher.fetch(s.url(f"/{i}")) for i in range(2) for s in servers)
                )
        finally:
            for server in servers:
                await server.__aexit__(None, None, None)
        assert counter["max"] == 2

    run(scenario)


# --- robots.txt --------------------------------------------------------------------------


ROBOTS = b"User-agent: *\nDisallow: /private\nAllow: /private/open$\n"


@pytest.mark.parametrize(
    ("robots", "allowed"),
    [
        (Reply(404), True),
        (Reply(410), True),
        (Reply(401), True),
        (Reply(403), True),
        (Reply(429), False),
        (Reply(500), False),
        (Reply(503), False),
        (Reply(200, b"User-agent: *\nDisallow: /\n"), False),
        (Reply(200, b"User-agent: newsmon\nDisallow:\n\nUser-agent: *\nDisallow: /\n"), True),
        (Reply(200, b"User-agent: *\nDisallow: /\nAllow: /news/\n"), True),
        (Reply(200, b"User-agent: *\nDisallow: /*.html$\n"), False),
        (
            Reply(
                200, gzip.compress(b"User-agent: *\nDisallow: /\n"), {"Content-Encoding": "gzip"}
            ),
            False,
        ),
    ],
)
def test_robots_status_and_rules_decide(robots: Reply, allowed: bool) -> None:
    async def scenario() -> None:
        table = {"/robots.txt": robots, "/news/story.html": Reply(200, PAGE)}
        async with (
            Server(table) as server,
            Fetcher(loopback_settings(respect_robots=True)) as fetcher,
        ):
            if allowed:
                result = await fetcher.fetch(server.url("/news/story.html"))
                assert result.content == PAGE
            else:
                error = await fetch_error(fetcher, server.url("/news/story.html"))
                unreachable = robots.status != 200
                expected_reason = "robots_unreachable" if unreachable else "robots"
                assert isinstance(error, BlockedError) and error.reason == expected_reason
                assert fetcher.stats()["robots_blocked"] == 1
        expected = ["/robots.txt", "/news/story.html"] if allowed else ["/robots.txt"]
        assert server.paths() == expected

    run(scenario)


def test_robots_is_fetched_once_per_origin_and_cached() -> None:
    async def scenario() -> None:
        table = {
            "/robots.txt": Reply(200, ROBOTS),
            "/a": Reply(200, PAGE),
            "/private/open": Reply(200, PAGE),
        }
        async with (
            Server(table) as server,
            Fetcher(loopback_settings(respect_robots=True)) as fetcher,
        ):
            pages = ["/a", "/a", "/private/open"]
            await asyncio.gather(*(fetcher.fetch(server.url(p)) for p in pages))
            error = await fetch_error(fetcher, server.url("/private/secret"))
        assert error.reason == "robots"
        assert server.paths().count("/robots.txt") == 1
        assert "/private/secret" not in server.paths()

    run(scenario)


def test_robots_cache_expires() -> None:
    async def scenario() -> None:
        table = {"/robots.txt": Reply(404), "/a": Reply(200, PAGE)}
        async with Server(table) as server:
            settings = loopback_settings(respect_robots=True, robots_cache_s=0.0)
            async with Fetcher(settings) as fetcher:
                await fetcher.fetch(server.url("/a"))
                await fetcher.fetch(server.url("/a"))
        assert server.paths().count("/robots.txt") == 2

    run(scenario)


def test_robots_that_never_answers_fails_the_page_for_that_cause() -> None:
    # Issue 15: a connection failure is named as one; "robots" only when robots.txt answered
    # (a 5xx answer still disallows: test_robots_status_and_rules_decide).
    async def hang(seen: Seen, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)

    async def scenario() -> None:
        async with Server({"/robots.txt": hang, "/a": Reply(200, PAGE)}) as server:
            settings = loopback_settings(respect_robots=True, timeout_s=0.5)
            async with Fetcher(settings) as fetcher:
                started = time.monotonic()
                error = await fetch_error(fetcher, server.url("/a"))
                elapsed = time.monotonic() - started
        assert error.reason == "timeout" and not isinstance(error, BlockedError)
        assert "robots.txt" in error.detail
        assert elapsed < 2.0  # the page's own deadline, robots.txt included
        assert server.paths() == ["/robots.txt"]

    run(scenario)
    # A closed port (connection refused) is a connection failure, cached like a verdict.

    async def refused() -> None:
        port = free_port("127.0.0.2")
        settings = loopback_settings(respect_robots=True)
        async with Fetcher(settings) as fetcher:
            error = await fetch_error(fetcher, f"http://127.0.0.2:{port}/a")
            again = await fetch_error(fetcher, f"http://127.0.0.2:{port}/b")
            assert fetcher.stats()["robots_fetches"] == 1
        assert error.reason == again.reason == "connect"
        assert "robots.txt" in error.detail

    run(refused)


def test_robots_redirecting_to_a_refused_address_disallows() -> None:
    async def scenario() -> None:
        async with Server({}, "127.0.0.3") as canary:
            table = {
                "/robots.txt": Reply(301, headers={"Location": canary.url("/robots.txt")}),
                "/a": Reply(200, PAGE),
            }
            async with Server(table, "127.0.0.2") as server:
                settings = loopback_settings(
                    respect_robots=True, allow_private_networks=["127.0.0.2/32"]
                )
                async with Fetcher(settings) as fetcher:
                    error = await fetch_error(fetcher, server.url("/a"))
        assert error.reason == "robots_unreachable"
        assert server.paths() == ["/robots.txt"]
        assert canary.connections == 0

    run(scenario)


def test_robots_redirect_and_byte_order_mark_are_handled() -> None:
    async def scenario() -> None:
        robots = "\ufeffUser-agent: *\nDisallow: /private\n".encode()
        async with Server({"/robots.txt": Reply(200, robots)}, "127.0.0.3") as cdn:
            table = {
                "/robots.txt": Reply(301, headers={"Location": cdn.url("/robots.txt")}),
                "/a": Reply(200, PAGE),
            }
            async with (
                Server(table, "127.0.0.2") as server,
                Fetcher(loopback_settings(respect_robots=True)) as fetcher,
            ):
                assert (await fetcher.fetch(server.url("/a"))).content == PAGE
                error = await fetch_error(fetcher, server.url("/private/x"))
        assert error.reason == "robots"

    run(scenario)


def test_only_the_first_512_kib_of_robots_count() -> None:
    async def scenario() -> None:
        padding = b"# " + b"p" * 70 + b"\n"
        robots = b"User-agent: *\nDisallow: /private\n" + padding * 8000 + b"Disallow: /\n"
        assert len(robots) > 512 * 1024
        table = {"/robots.txt": Reply(200, robots), "/a": Reply(200, PAGE)}
        async with (
            Server(table) as server,
            Fetcher(loopback_settings(respect_robots=True, max_bytes=1000)) as fetcher,
        ):
            assert (await fetcher.fetch(server.url("/a"))).content == PAGE
            error = await fetch_error(fetcher, server.url("/private/x"))
        assert error.reason == "robots"

    run(scenario)


def test_respect_robots_false_skips_robots() -> None:
    async def scenario() -> None:
        table = {"/robots.txt": Reply(200, b"User-agent: *\nDisallow: /\n"), "/a": Reply(200, PAGE)}
        async with Server(table) as server, Fetcher(loopback_settings()) as fetcher:
            await fetcher.fetch(server.url("/a"))
        assert server.paths() == ["/a"]

    run(scenario)


def test_crawl_delay_is_honoured_and_capped() -> None:
    async def spaced(crawl_delay: str, cap: float) -> list[float]:
        robots = Reply(200, f"User-agent: *\nCrawl-delay: {crawl_delay}\n".encode())
        async with Server(_table_with_default(robots)) as server:
            settings = loopback_settings(respect_robots=True, max_crawl_delay_s=cap)
            async with Fetcher(settings) as fetcher, asyncio.timeout(20):
                for i in range(3):
                    await fetcher.fetch(server.url(f"/p{i}"))
            times = [s.at for s in server.requests if s.path != "/robots.txt"]
        return [b - a for a, b in itertools.pairwise(times)]

    async def scenario() -> None:
        honoured = await spaced("0.5", cap=30.0)
        assert min(honoured) >= 0.4
        capped = await spaced("3600", cap=0.3)  # would take hours if not capped
        assert min(capped) >= 0.2

    run(scenario)


def _table_with_default(robots: Reply) -> Callable[[Seen, asyncio.StreamWriter], Awaitable[None]]:
    async def handle(seen: Seen, writer: asyncio.StreamWriter) -> None:
        if seen.path == "/robots.txt":
            await send(writer, robots.status, robots.body)
        else:
            await send(writer, 200, PAGE)

    return handle


# --- retries -----------------------------------------------------------------------------


def scripted(*replies: Reply) -> Callable[[Seen, asyncio.StreamWriter], Awaitable[None]]:
    """A handler answering with ``replies`` in turn, repeating the last one."""
    queue = list(replies)

    async def handle(seen: Seen, writer: asyncio.StreamWriter) -> None:
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        await send(writer, reply.status, reply.body, reply.headers)

    return handle


def test_retries_transient_statuses_then_succeeds() -> None:
    async def scenario() -> None:
        handler = scripted(Reply(503), Reply(502), Reply(200, PAGE))
        async with (
            Server(handler) as server,
            Fetcher(loopback_settings(retries=2)) as fetcher,
        ):
            result = await fetcher.fetch(server.url("/a"))
            assert fetcher.stats()["retries"] == 2
        assert result.content == PAGE
        assert len(server.requests) == 3

    run(scenario)


def test_retries_run_out_with_http_status() -> None:
    async def scenario() -> None:
        async with (
            Server(scripted(Reply(500))) as server,
            Fetcher(loopback_settings(retries=2)) as fetcher,
        ):
            error = await fetch_error(fetcher, server.url("/a"))
        assert (error.reason, error.status) == ("http_status", 500)
        assert len(server.requests) == 3

    run(scenario)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 451])
def test_client_errors_are_final(status: int) -> None:
    async def scenario() -> None:
        async with (
            Server(scripted(Reply(status))) as server,
            Fetcher(loopback_settings(retries=3)) as fetcher,
        ):
            error = await fetch_error(fetcher, server.url("/a"))
        assert (error.reason, error.status) == ("http_status", status)
        assert str(status) in str(error)
        assert len(server.requests) == 1

    run(scenario)


def test_retry_after_seconds_and_date_are_honoured() -> None:
    async def gap(retry_after: str) -> float:
        handler = scripted(Reply(503, headers={"Retry-After": retry_after}), Reply(200, PAGE))
        async with (
            Server(handler) as server,
            Fetcher(loopback_settings(retries=1)) as fetcher,
        ):
            result = await fetcher.fetch(server.url("/a"))
        assert result.content == PAGE
        first, second = (s.at for s in server.requests)
        return second - first

    async def scenario() -> None:
        assert await gap("1") >= 0.9
        when = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
        assert await gap(when) >= 0.9  # the date has one-second resolution

    run(scenario)


def test_retry_after_beyond_the_cap_gives_up_without_sleeping() -> None:
    async def scenario() -> None:
        handler = scripted(Reply(429, headers={"Retry-After": "3600"}), Reply(200, PAGE))
        async with Server(handler) as server:
            settings = loopback_settings(retries=3, max_retry_after_s=120.0)
            async with Fetcher(settings) as fetcher, asyncio.timeout(10):
                error = await fetch_error(fetcher, server.url("/a"))
        assert (error.reason, error.status) == ("http_status", 429)
        assert "Retry-After" in error.detail
        assert len(server.requests) == 1

    run(scenario)


def test_retry_after_header_parsing() -> None:
    now = datetime.now(UTC)
    assert retry_after_s("120", now) == 120.0
    assert retry_after_s(None, now) is None
    assert retry_after_s("soon", now) is None
    assert retry_after_s("Wed, 21 Oct 2015 07:28:00 GMT", now) == 0.0  # in the past
    future = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 85 <= (retry_after_s(future, now) or 0) <= 90


def test_connection_refused_is_retried_then_reported() -> None:
    async def scenario() -> None:
        port = free_port("127.0.0.2")
        async with Fetcher(loopback_settings(retries=2)) as fetcher:
            error = await fetch_error(fetcher, f"http://127.0.0.2:{port}/a")
            assert fetcher.stats()["retries"] == 2
        assert error.reason == "connect"
        assert error.detail

    run(scenario)


def test_unresolvable_name_is_a_connect_error() -> None:
    async def scenario() -> None:
        resolver = static_resolver({})
        async with Fetcher(loopback_settings(), resolver=resolver) as fetcher:
            error = await fetch_error(fetcher, "http://nowhere.example/")
        assert error.reason == "connect" and "nowhere.example" in error.detail

    run(scenario)


# --- the total deadline ------------------------------------------------------------------


async def drip(seen: Seen, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
    while True:
        writer.write(b"x")
        await writer.drain()
        await asyncio.sleep(0.1)


async def hang_after_headers(seen: Seen, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")
    await writer.drain()
    await asyncio.sleep(60)


async def hang_before_headers(seen: Seen, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(60)


@pytest.mark.parametrize("handler", [drip, hang_after_headers, hang_before_headers])
def test_total_deadline_cuts_slow_servers(handler: Any) -> None:
    deadline = 0.6

    async def scenario() -> None:
        async with (
            Server(handler) as server,
            Fetcher(loopback_settings(timeout_s=deadline)) as fetcher,
        ):
            started = time.monotonic()
            error = await fetch_error(fetcher, server.url("/a"))
            elapsed = time.monotonic() - started
        assert error.reason == "timeout"
        assert "deadline" in error.detail
        assert deadline * 0.9 <= elapsed < deadline + 3  # correctness bounds, not a benchmark

    run(scenario)


def test_slow_host_does_not_delay_other_hosts() -> None:
    async def scenario() -> None:
        async with (
            Server(drip, "127.0.0.2") as slow,
            Server({"/a": Reply(200, PAGE)}, "127.0.0.3") as fast,
            Fetcher(loopback_settings(timeout_s=2.0, max_concurrency=2)) as fetcher,
        ):
            stuck = asyncio.create_task(fetcher.fetch(slow.url("/a")))
            await asyncio.sleep(0.1)
            results = [await fetcher.fetch(fast.url("/a")) for _ in range(3)]
            assert not stuck.done()
            with pytest.raises(FetchError) as info:
                await stuck
        assert all(r.content == PAGE for r in results)
        assert info.value.reason == "timeout"

    run(scenario)


# --- byte cap and decoding ---------------------------------------------------------------

BOMB_SIZE = 32 * 1024 * 1024
CAP = 1024 * 1024


@functools.cache
def bomb(encoding: str) -> bytes:
    """``BOMB_SIZE`` zero bytes compressed with ``encoding`` (tens of KiB on the wire)."""
    block = b"\0" * (1024 * 1024)
    if encoding == "gzip":
        packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS)
    elif encoding == "br":
        return brotli.compress(b"\0" * BOMB_SIZE, quality=5)
    else:
        return zstandard.ZstdCompressor(level=3).compress(b"\0" * BOMB_SIZE)
    parts = [packer.compress(block) for _ in range(BOMB_SIZE // len(block))]
    return b"".join([*parts, packer.flush()])


def encode(encoding: str, data: bytes) -> bytes:
    if encoding == "gzip":
        return gzip.compress(data)
    if encoding == "deflate":
        return zlib.compress(data)
    if encoding == "raw-deflate":
        packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        return packer.compress(data) + packer.flush()
    if encoding == "br":
        return brotli.compress(data)
    return zstandard.ZstdCompressor().compress(data)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate", "br", "zstd"])
def test_compressed_bodies_are_decoded(encoding: str) -> None:
    body = PAGE * 500
    header = "deflate" if encoding == "raw-deflate" else encoding

    async def scenario() -> None:
        reply = Reply(200, encode(encoding, body), {"Content-Encoding": header})
        async with Server({"/a": reply}) as server, Fetcher(loopback_settings()) as fetcher:
            result = await fetcher.fetch(server.url("/a"))
        assert result.content == body

    run(scenario)


def test_concatenated_gzip_members_and_zstd_frames_are_decoded() -> None:
    async def scenario() -> None:
        two_gzip = gzip.compress(b"first half, ") + gzip.compress(b"second half")
        packer = zstandard.ZstdCompressor()
        two_zstd = packer.compress(b"first half, ") + packer.compress(b"second half")
        table = {
            "/g": Reply(200, two_gzip, {"Content-Encoding": "gzip"}),
            "/z": Reply(200, two_zstd, {"Content-Encoding": "zstd"}),
        }
        async with Server(table) as server, Fetcher(loopback_settings()) as fetcher:
            for path in ("/g", "/z"):
                result = await fetcher.fetch(server.url(path))
                assert result.content == b"first half, second half"

    run(scenario)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd"])
def test_decompression_bombs_stop_at_the_cap(encoding: str) -> None:
    payload = bomb(encoding)
    assert len(payload) < CAP  # the wire size is small; only the decoded size is huge

    async def scenario() -> None:
        reply = Reply(200, payload, {"Content-Encoding": encoding})
        async with (
            Server({"/bomb": reply}) as server,
            Fetcher(loopback_settings(max_bytes=CAP)) as fetcher,
        ):
            tracemalloc.start()
            try:
                error = await fetch_error(fetcher, server.url("/bomb"))
                _current, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
        assert error.reason == "too_large"
        assert peak < CAP + 4 * 1024 * 1024, f"peak {peak} bytes while decoding"

    run(scenario)


def test_max_bytes_argument_overrides_the_setting() -> None:
    async def scenario() -> None:
        body = b"a" * 5000
        table = {"/a": Reply(200, body)}
        async with Server(table) as server, Fetcher(loopback_settings()) as fetcher:
            assert (await fetcher.fetch(server.url("/a"), max_bytes=5000)).content == body
            error = await fetch_error(fetcher, server.url("/a"), max_bytes=4999)
        assert error.reason == "too_large"

    run(scenario)


def test_declared_length_over_the_cap_is_refused_before_reading() -> None:
    async def huge(seen: Seen, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 50000000\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(60)  # never sends the body: reading it would time out

    async def scenario() -> None:
        async with (
            Server(huge) as server,
            Fetcher(loopback_settings(max_bytes=CAP, timeout_s=5.0)) as fetcher,
        ):
            error = await fetch_error(fetcher, server.url("/a"))
        assert error.reason == "too_large"
        assert "Content-Length" in error.detail

    run(scenario)


def test_undeclared_plain_body_over_the_cap_is_too_large() -> None:
    async def endless(seen: Seen, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"x" * 65536
        while True:
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            await writer.drain()

    async def scenario() -> None:
        async with (
            Server(endless) as server,
            Fetcher(loopback_settings(max_bytes=CAP)) as fetcher,
        ):
            error = await fetch_error(fetcher, server.url("/a"))
        assert error.reason == "too_large"

    run(scenario)


@pytest.mark.parametrize(
    "header_lines",
    [
        [b"Content-Encoding: gzip, gzip"],
        [b"Content-Encoding: gzip", b"Content-Encoding: br"],
        [b"Content-Encoding: compress"],
        [b"Content-Encoding: x-unknown"],
    ],
)
def test_chained_and_unknown_encodings_are_refused(header_lines: list[bytes]) -> None:
    body = gzip.compress(gzip.compress(PAGE))

    async def handler(seen: Seen, writer: asyncio.StreamWriter) -> None:
        head = [b"HTTP/1.1 200 OK", b"Content-Length: %d" % len(body), *header_lines]
        writer.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        await writer.drain()

    async def scenario() -> None:
        async with Server(handler) as server, Fetcher(loopback_settings()) as fetcher:
            error = await fetch_error(fetcher, server.url("/a"))
        assert error.reason == "decode"

    run(scenario)


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", b"this is not gzip at all"),
        ("gzip", gzip.compress(PAGE * 50)[:-40]),  # truncated stream
        ("deflate", b"\x78\x9c garbage"),
        ("br", b"not brotli either"),
        ("br", brotli.compress(PAGE * 50)[:-10]),
        ("zstd", b"definitely not zstd"),
        ("zstd", zstandard.ZstdCompressor().compress(PAGE * 50)[:-10]),
    ],
)
def test_corrupt_compressed_bodies_are_decode_errors(encoding: str, body: bytes) -> None:
    async def scenario() -> None:
        reply = Reply(200, body, {"Content-Encoding": encoding})
        async with Server({"/a": reply}) as server, Fetcher(loopback_settings()) as fetcher:
            error = await fetch_error(fetcher, server.url("/a"))
        assert error.reason == "decode"

    run(scenario)


async def truncated(seen: Seen, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"x" * 50)
    await writer.drain()


async def broken_chunks(seen: Seen, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n")
    await writer.drain()


async def chunks_cut_short(seen: Seen, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
    await writer.drain()


async def garbage_status(seen: Seen, writer: asyncio.StreamWriter) -> None:
    writer.write(b"SPDY/9 banana\r\n\r\n")
    await writer.drain()


@pytest.mark.parametrize("handler", [truncated, broken_chunks, chunks_cut_short, garbage_status])
def test_broken_http_is_a_protocol_error(handler: Any) -> None:
    async def scenario() -> None:
        async with Server(handler) as server, Fetcher(loopback_settings()) as fetcher:
            error = await fetch_error(fetcher, server.url("/a"))
        assert error.reason == "protocol", error

    run(scenario)


# --- redirects ---------------------------------------------------------------------------


def test_redirects_are_followed_across_hosts() -> None:
    async def scenario() -> None:
        async with Server({"/story": Reply(200, PAGE)}, "127.0.0.3") as target:
            table = {
                "/old": Reply(301, headers={"Location": "/moved"}),
                "/moved": Reply(302, headers={"Location": target.url("/story#top")}),
            }
            async with (
                Server(table, "127.0.0.2") as origin,
                Fetcher(loopback_settings()) as fetcher,
            ):
                result = await fetcher.fetch(origin.url("/old"))
        assert result.content == PAGE
        assert result.url == origin.url("/old")
        assert result.final_url == target.url("/story")
        assert result.redirects == [origin.url("/old"), origin.url("/moved")]

    run(scenario)


def test_too_many_redirects_and_loops_are_refused() -> None:
    async def onwards(seen: Seen, writer: asyncio.StreamWriter) -> None:
        n = int(seen.path.rsplit("/", 1)[1])
        await send(writer, 302, headers={"Location": f"/r/{n + 1}"})

    async def scenario() -> None:
        async with (
            Server(onwards) as server,
            Fetcher(loopback_settings(max_redirects=3)) as fetcher,
        ):
            error = await fetch_error(fetcher, server.url("/r/0"))
        assert error.reason == "redirects" and "more than 3" in error.detail
        assert len(server.requests) == 4

        table = {
            "/a": Reply(301, headers={"Location": "/b"}),
            "/b": Reply(301, headers={"Location": "/a"}),
        }
        async with Server(table) as server, Fetcher(loopback_settings()) as fetcher:
            error = await fetch_error(fetcher, server.url("/a"))
        assert error.reason == "redirects" and "loop" in error.detail
        assert server.paths() == ["/a", "/b"]

    run(scenario)


def test_redirect_to_a_refused_address_is_blocked() -> None:
    async def scenario() -> None:
        async with Server({}, "127.0.0.3") as canary:
            resolver = static_resolver({"metadata.example": ["169.254.169.254"]})
            table = {
                "/to-canary": Reply(302, headers={"Location": canary.url("/")}),
                "/to-metadata": Reply(302, headers={"Location": "http://metadata.example/"}),
                "/to-file": Reply(302, headers={"Location": "file:///etc/passwd"}),
                "/to-numeric": Reply(
                    302, headers={"Location": f"http://2130706435:{canary.port}/"}
                ),
            }
            async with Server(table, "127.0.0.2") as origin:
                settings = loopback_settings(allow_private_networks=["127.0.0.2/32"])
                async with Fetcher(settings, resolver=resolver) as fetcher:
                    for path in table:
                        error = await fetch_error(fetcher, origin.url(path))
                        assert isinstance(error, BlockedError)
                        assert error.reason == "blocked", error
                        assert error.url == origin.url(path)
                        assert "redirect" in error.detail
        assert canary.connections == 0

    run(scenario)


def test_credentials_are_not_carried_to_another_origin() -> None:
    async def scenario() -> None:
        async with Server({"/landing": Reply(200, PAGE)}, "127.0.0.3") as other:
            table = {
                "/start": Reply(302, headers={"Location": other.url("/landing")}),
                "/direct": Reply(200, PAGE),
            }
            async with Server(table, "127.0.0.2") as origin:
                url = origin.url("/start").replace("http://", "http://reader:secret@")
                async with Fetcher(loopback_settings()) as fetcher:
                    result = await fetcher.fetch(url)
                    direct = await fetcher.fetch(url.replace("/start", "/direct"))
        assert result.content == PAGE
        assert direct.final_url == origin.url("/direct")
        token = base64.b64encode(b"reader:secret").decode()
        assert origin.requests[0].headers.get("authorization") == f"Basic {token}"
        assert "authorization" not in other.requests[0].headers
        assert result.redirects == [origin.url("/start")]  # no credentials in results
        assert "secret" not in result.final_url

    run(scenario)


# --- destination policy (SSRF) -----------------------------------------------------------


def ssrf_payloads(port: int) -> list[str]:
    """URLs that must never reach a loopback, private or metadata address (>= 40)."""
    p = port
    return [
        f"http://127.0.0.1:{p}/",
        f"https://127.0.0.1:{p}/",
        f"http://127.0.0.1:{p}/robots.txt",
        f"http://127.1:{p}/",
        f"http://127.0.1:{p}/",
        f"http://0x7f000001:{p}/",
        f"http://0x7f.0x0.0x0.0x1:{p}/",
        f"http://0x7f.1:{p}/",
        f"http://2130706433:{p}/",
        f"http://017700000001:{p}/",
        f"http://0177.0.0.1:{p}/",
        f"http://127.000.000.001:{p}/",
        f"http://127.0.0.1.:{p}/",
        f"http://%31%32%37.0.0.1:{p}/",
        f"http://0:{p}/",
        f"http://0.0.0.0:{p}/",
        f"http://[::1]:{p}/",
        f"http://[::]:{p}/",
        f"http://[::ffff:127.0.0.1]:{p}/",
        f"http://[::ffff:7f00:1]:{p}/",
        f"http://[0:0:0:0:0:ffff:127.0.0.1]:{p}/",
        f"http://[64:ff9b::127.0.0.1]:{p}/",
        f"http://[::127.0.0.1]:{p}/",
        f"http://[2002:7f00:1::]:{p}/",
        f"http://[fe80::1%25lo]:{p}/",
        f"http://localhost:{p}/",
        f"http://LOCALHOST:{p}/",
        f"http://localhost.:{p}/",
        f"http://news.localhost:{p}/",
        f"http://printer.local:{p}/",
        f"http://user@127.0.0.1:{p}/",
        f"http://news.example.org@127.0.0.1:{p}/",
        f"http://127.0.0.1:{p}@evil.example/",
        f"http://evil.example:{p}/",
        f"http://mixed.example:{p}/",
        f"http://v6loop.example:{p}/",
        f"http://mapped.example:{p}/",
        f"http://private-cname.example:{p}/",
        "http://metadata.example/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.0.1/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
        "http://[fe80::1]/",
        "http://[ff02::1]/",
        "http:///nohost",
        f"file:///etc/passwd?{p}",
        f"ftp://127.0.0.1:{p}/",
        f"gopher://127.0.0.1:{p}/_GET%20/",
        f"dict://127.0.0.1:{p}/info",
        "data:text/html,<p>hello</p>",
        "javascript:alert(1)",
        "",
        "not a url",
        f"//127.0.0.1:{p}/scheme-relative",
        f"http://[::1:{p}/",
        "http://news.example.org:99999/",
    ]


def test_ssrf_payloads_are_blocked_and_never_connect() -> None:
    resolver = static_resolver(
        {
            "evil.example": ["127.0.0.1"],
            "mixed.example": ["93.184.216.34", "127.0.0.1"],
            "v6loop.example": ["::1"],
            "mapped.example": ["::ffff:127.0.0.1"],
            "private-cname.example": ["10.0.0.5"],
            "metadata.example": ["169.254.169.254"],
            "metadata.google.internal": ["169.254.169.254"],
        }
    )

    async def scenario() -> None:
        async with Server({"/": Reply(200, PAGE)}, "127.0.0.1") as canary:
            payloads = ssrf_payloads(canary.port)
            assert len(payloads) >= 40
            settings = FetchSettings(per_host_delay_s=0.0, retries=0)  # defaults otherwise
            assert settings.allow_private_networks is False
            async with Fetcher(settings, resolver=resolver) as fetcher:
                for url in payloads:
                    error = await fetch_error(fetcher, url)
                    assert isinstance(error, BlockedError), (url, error)
                    assert error.reason == "blocked", (url, error)
                    assert error.url == url and error.detail, url
                assert fetcher.stats()["requests"] == 0
        assert canary.connections == 0

    run(scenario)


def test_loopback_is_refused_by_default_and_allowed_by_setting() -> None:
    async def scenario() -> None:
        async with Server({"/a": Reply(200, PAGE)}, "127.0.0.2") as server:
            async with Fetcher(FetchSettings(per_host_delay_s=0.0)) as fetcher:
                error = await fetch_error(fetcher, server.url("/a"))
            assert error.reason == "blocked" and "loopback" in error.detail
            assert server.connections == 0
            for allowed in (True, ["127.0.0.2/32"], ["127.0.0.0/8"]):
                settings = loopback_settings(allow_private_networks=allowed)
                async with Fetcher(settings) as fetcher:
                    assert (await fetcher.fetch(server.url("/a"))).content == PAGE
            settings = loopback_settings(allow_private_networks=["127.0.0.3/32"])
            async with Fetcher(settings) as fetcher:
                error = await fetch_error(fetcher, server.url("/a"))
            assert error.reason == "blocked"
        assert server.connections == 3

    run(scenario)


def test_dns_rebinding_is_defeated_by_pinning() -> None:
    """The resolver answers an allowed address once, then a forbidden one.

    The first fetch must connect to the address that was checked (the name does not exist
    in real DNS, so any second lookup by the HTTP stack would fail); the second is refused.
    """

    async def scenario() -> None:
        async with (
            Server({"/a": Reply(200, PAGE)}, "127.0.0.2") as good,
            Server({"/a": Reply(200, b"canary")}, "127.0.0.3", port=good.port) as canary,
        ):
            calls: list[str] = []

            async def rebinding(host: str, port: int) -> list[str]:
                calls.append(host)
                return ["127.0.0.2"] if len(calls) == 1 else ["127.0.0.3"]

            settings = loopback_settings(allow_private_networks=["127.0.0.2/32"])
            async with Fetcher(settings, resolver=rebinding) as fetcher:
                url = f"http://rebind.example:{good.port}/a"
                result = await fetcher.fetch(url)
                assert result.content == PAGE
                assert calls == ["rebind.example"]
                error = await fetch_error(fetcher, url)
                assert error.reason == "blocked" and "127.0.0.3" in error.detail
        assert good.requests[0].headers["host"] == f"rebind.example:{good.port}"
        assert canary.connections == 0

    run(scenario)


def test_ipv6_literal_is_pinned_and_allowed_by_range() -> None:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback here")

    async def scenario() -> None:
        async with Server({"/a": Reply(200, PAGE)}, "::1") as server:
            url = f"http://[::1]:{server.port}/a"
            async with Fetcher(FetchSettings(per_host_delay_s=0.0)) as fetcher:
                assert (await fetch_error(fetcher, url)).reason == "blocked"
            settings = loopback_settings(allow_private_networks=["::1/128"])
            async with Fetcher(settings) as fetcher:
                result = await fetcher.fetch(url)
        assert result.content == PAGE
        assert server.requests[0].headers["host"] == f"[::1]:{server.port}"

    run(scenario)


# --- TLS ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Any:
    pytest.importorskip("cryptography")
    return make_tls_files(str(tmp_path_factory.mktemp("tls")), "secure.example")


def test_tls_uses_the_name_for_sni_and_certificate_while_pinned(tls: Any) -> None:
    async def scenario() -> None:
        sni: list[str | None] = []
        context = tls.server_context(trusted=True, sni_seen=sni)
        async with Server({"/a": Reply(200, PAGE)}, "127.0.0.2", ssl_context=context) as server:
            resolver = static_resolver({"secure.example": ["127.0.0.2"]})
            settings = loopback_settings()
            async with Fetcher(settings, resolver=resolver, ssl_context=tls.client_context()) as f:
                result = await f.fetch(f"https://secure.example:{server.port}/a")
        assert result.content == PAGE
        assert sni == ["secure.example"]
        assert server.requests[0].headers["host"] == f"secure.example:{server.port}"

    run(scenario)


def test_certificate_errors_are_final(tls: Any) -> None:
    async def scenario() -> None:
        sni: list[str | None] = []
        context = tls.server_context(trusted=False, sni_seen=sni)
        async with Server({"/a": Reply(200, PAGE)}, "127.0.0.2", ssl_context=context) as server:
            resolver = static_resolver({"secure.example": ["127.0.0.2"]})
            settings = loopback_settings(retries=3)
            async with Fetcher(settings, resolver=resolver, ssl_context=tls.client_context()) as f:
                error = await fetch_error(f, f"https://secure.example:{server.port}/a")
                assert f.stats()["retries"] == 0
        assert error.reason == "tls"
        assert "certificate" in error.detail.lower()
        assert len(sni) == 1  # one handshake, never retried
        assert server.requests == []

    run(scenario)
