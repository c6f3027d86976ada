"""Safety through the whole pipeline (run_tick, no Prefect): SSRF payloads in a feed, poisoned
pages in a batch, and progressive backoff of a failing source.

The fetcher-level proofs are in test_fetch.py and test_netguard.py; these show the same
guarantees hold once feeds, discovery, the cleaning pool and the store are in the loop.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import time
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

import pytest

from newsmon.cli import main as cli_main
from newsmon.core.clock import FixedClock
from newsmon.core.errors import ParseError
from newsmon.core.records import PageOutcome, Target
from newsmon.core.settings import Settings, Source
from newsmon.core.urls import canonical_url
from newsmon.ingest.fetcher import Fetcher
from newsmon.pipeline import tick as pipeline
from newsmon.pipeline.article import store_outcome
from tests.fakesite.faults import article_html
from tests.loopback import Reply, Seen, Server, send, static_resolver

pytestmark = pytest.mark.timeout(120)

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
FEED_HOST = "127.0.0.2"
FAULT_HOST = "127.0.0.9"


def run(scenario: Coroutine[Any, Any, None]) -> None:
    asyncio.run(scenario)


def rss(items: list[str], base: str) -> bytes:
    body = "".join(
        f"<item><title>link {n}</title><link>{escape(url)}</link></item>"
        for n, url in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>Links</title><link>{base}/</link>{body}</channel></rss>\n"
    ).encode()


def make_settings(allowed: list[str], *sources: Source, **fetch: Any) -> Settings:
    settings = Settings()
    settings.fetch.allow_private_networks = allowed  # only these; loopback is refused otherwise
    settings.fetch.per_host_delay_s = 0.0
    settings.fetch.retries = 0
    settings.fetch.timeout_s = 5.0
    for key, value in fetch.items():
        setattr(settings.fetch, key, value)
    settings.sources = list(sources)
    return settings


class FetcherSpy:
    """Steps.fetch_clean that keeps the tick's Fetcher, to read its counters afterwards."""

    def __init__(self) -> None:
        self.fetchers: list[Fetcher] = []

    async def __call__(self, fetcher: Fetcher, *args: Any, **kwargs: Any) -> list[PageOutcome]:
        if fetcher not in self.fetchers:
            self.fetchers.append(fetcher)
        return await pipeline.fetch_and_clean(fetcher, *args, **kwargs)

    def requests(self) -> int:
        return sum(f.stats()["requests"] for f in self.fetchers)


# --- SSRF: a feed full of forbidden destinations ----------------------------------------------


def hostile_links(canary: int, feed: str) -> list[tuple[str, str]]:
    """(link as the feed gives it, word the stored reason must contain); >= 40 reach the store."""
    c = canary
    return [
        (f"http://127.0.0.1:{c}/c/1", "loopback"),
        (f"https://127.0.0.1:{c}/c/2", "loopback"),
        (f"http://127.1:{c}/c/3", "loopback"),
        (f"http://127.0.1:{c}/c/4", "loopback"),
        (f"http://0x7f000001:{c}/c/5", "loopback"),
        (f"http://0x7f.0x0.0x0.0x1:{c}/c/6", "loopback"),
        (f"http://2130706433:{c}/c/7", "loopback"),
        (f"http://017700000001:{c}/c/8", "loopback"),
        (f"http://0177.0.0.1:{c}/c/9", "malformed URL"),  # httpx refuses octal parts
        (f"http://127.000.000.001:{c}/c/10", "malformed URL"),
        (f"http://127.0.0.1.:{c}/c/11", "loopback"),
        (f"http://%31%32%37.0.0.1:{c}/c/12", "loopback"),
        (f"http://0:{c}/c/13", "unspecified"),
        (f"http://0.0.0.0:{c}/c/14", "unspecified"),
        (f"http://[::1]:{c}/c/15", "loopback"),
        (f"http://[::]:{c}/c/16", "unspecified"),
        (f"http://[::ffff:127.0.0.1]:{c}/c/17", "IPv6 form of 127.0.0.1"),
        (f"http://[0:0:0:0:0:ffff:7f00:1]:{c}/c/18", "IPv6 form of 127.0.0.1"),
        (f"http://[64:ff9b::127.0.0.1]:{c}/c/19", "IPv6 form of 127.0.0.1"),
        (f"http://[::127.0.0.1]:{c}/c/20", "IPv4-compatible"),
        (f"http://[2002:7f00:1::]:{c}/c/21", "IPv6 form of 127.0.0.1"),
        (f"http://localhost:{c}/c/22", "local machine"),
        (f"http://LOCALHOST:{c}/c/23", "local machine"),
        (f"http://localhost.:{c}/c/24", "local machine"),
        (f"http://news.localhost:{c}/c/25", "local machine"),
        (f"http://printer.local:{c}/c/26", "local machine"),
        (f"http://reader:secret@127.0.0.1:{c}/c/27", "loopback"),
        (f"http://{FEED_HOST}:{c}@127.0.0.1:{c}/c/28", "loopback"),
        (f"http://{FEED_HOST}:{c}\\@127.0.0.1:{c}/c/29", "loopback"),
        (f"//127.0.0.1:{c}/c/30", "loopback"),  # protocol-relative: the feed's scheme
        (f"http://evil.example:{c}/c/31", "loopback"),
        (f"http://mixed.example:{c}/c/32", "loopback"),
        (f"http://v6loop.example:{c}/c/33", "loopback"),
        (f"http://mapped.example:{c}/c/34", "IPv6 form of 127.0.0.1"),
        (f"http://private-cname.example:{c}/c/35", "private"),
        ("http://metadata.example/latest/meta-data/", "link-local"),
        ("http://169.254.169.254/latest/meta-data/iam/", "link-local"),
        ("http://169.254.0.1/", "link-local"),
        ("http://[fd00:ec2::254]/latest/meta-data/", "private"),
        ("http://metadata.google.internal/computeMetadata/v1/", "local machine"),
        ("http://10.0.0.1/", "private"),
        ("http://10.255.255.254:8080/admin", "private"),
        ("http://172.16.0.1/", "private"),
        ("http://172.31.255.1/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://100.64.0.1/", "CGNAT"),
        ("http://100.127.255.254/", "CGNAT"),
        ("http://224.0.0.1/", "multicast"),
        ("http://239.255.255.250:1900/", "multicast"),
        ("http://255.255.255.255/", "reserved"),
        ("http://240.0.0.1/", "reserved"),
        ("http://198.18.0.1/", "private"),
        ("http://[fc00::1]/", "private"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[ff02::1]/", "multicast"),
        ("http://[fec0::1]/", "site-local"),
        # Allowed host, forbidden redirect target: refused at the hop, before connecting.
        (f"{feed}/go/canary", "loopback address (redirect hop 1"),
        (f"{feed}/go/metadata", "link-local address (redirect hop 1"),
        (f"{feed}/go/file", "scheme 'file' refused (redirect hop 1"),
        (f"{feed}/go/numeric", "loopback address (redirect hop 1"),
        (f"{feed}/go/private-name", "10.0.0.5 is a private"),  # refused at its robots.txt
    ]


def dropped_links(canary: int) -> list[str]:
    """Links discovery refuses to make articles of (not http or https)."""
    return [
        "file:///etc/passwd",
        f"ftp://127.0.0.1:{canary}/c/ftp",
        f"gopher://127.0.0.1:{canary}/_GET%20/",
        f"dict://127.0.0.1:{canary}/info",
        f"ws://127.0.0.1:{canary}/socket",
        "ldap://127.0.0.1/dc=example",
        "data:text/html,<p>hello</p>",
        "javascript:alert(1)",
        f"view-source:http://127.0.0.1:{canary}/",
        "mailto:desk@example.org",
    ]


RESOLVER = static_resolver(
    {
        "evil.example": ["127.0.0.1"],
        "mixed.example": ["93.184.216.34", "127.0.0.1"],
        "v6loop.example": ["::1"],
        "mapped.example": ["::ffff:127.0.0.1"],
        "private-cname.example": ["10.0.0.5"],
        "metadata.example": ["169.254.169.254"],
    }
)


def test_feed_of_forbidden_destinations_is_blocked_stored_and_never_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every name lookup answers from this table: no test ever asks real DNS.
    monkeypatch.setattr("newsmon.ingest.fetcher.system_resolver", RESOLVER)
    db_path = tmp_path / "ssrf.db"

    async def scenario() -> None:
        async with Server({}, "127.0.0.1") as canary:
            c = canary.port
            redirects = {
                "/go/canary": f"http://127.0.0.1:{c}/c/redirected",
                "/go/metadata": "http://169.254.169.254/latest/meta-data/",
                "/go/file": "file:///etc/passwd",
                "/go/numeric": f"http://2130706433:{c}/c/numeric",
                "/go/private-name": f"http://private-cname.example:{c}/",
            }

            async def feed_site(seen: Seen, writer: asyncio.StreamWriter) -> None:
                path = seen.path.split("?", 1)[0]
                if path == "/feed.xml":
                    links = [link for link, _ in hostile_links(c, base)]
                    links += [*dropped_links(c), f"{base}/good"]
                    await send(
                        writer, 200, rss(links, base), {"Content-Type": "application/rss+xml"}
                    )
                elif path == "/good":
                    await send(
                        writer, 200, article_html("A good page"), {"Content-Type": "text/html"}
                    )
                elif path in redirects:
                    await send(writer, 302, headers={"Location": redirects[path]})
                else:
                    await send(writer, 404, b"not here")

            async with Server(feed_site, FEED_HOST) as feed:
                base = feed.origin
                source = Source(id="hostile", name="Hostile links", feeds=[f"{base}/feed.xml"])
                settings = make_settings([f"{FEED_HOST}/32"], source)
                payloads = hostile_links(c, base)
                stored_urls = [canonical_url(link, base=f"{base}/feed.xml") for link, _ in payloads]
                assert len(set(stored_urls)) == len(payloads) >= 40
                for link in dropped_links(c):
                    with pytest.raises(ParseError):
                        canonical_url(link, base=f"{base}/feed.xml")

                spy = FetcherSpy()
                steps = pipeline.Steps(fetch_clean=spy)
                first = await pipeline.run_tick(
                    settings, clock=FixedClock(NOW), db_path=db_path, steps=steps
                )
                assert spy.requests() == len(feed.requests)  # every request went to the feed host
                assert first.errors == {"blocked": len(payloads)}
                assert first.new_versions == 1

                con = sqlite3.connect(db_path)
                rows = {
                    r[0]: r[1:]
                    for r in con.execute("SELECT url, status, last_error, id FROM articles")
                }
                assert set(rows) == {*stored_urls, f"{base}/good"}
                assert rows[f"{base}/good"][0] == "active"
                for (link, word), url in zip(payloads, stored_urls, strict=True):
                    status, last_error, article_id = rows[url]
                    assert status == "blocked", (link, status, last_error)
                    assert last_error.startswith("blocked: ") and word in last_error, (
                        link,
                        last_error,
                    )
                    logged = con.execute(
                        "SELECT outcome, detail FROM fetches WHERE article_id = ?", [article_id]
                    ).fetchall()
                    assert len(logged) == 1 and logged[0][0] == "blocked" and word in logged[0][1]
                assert not any(u.split(":", 1)[0] not in ("http", "https") for u in rows)
                fetch_rows = con.execute("SELECT COUNT(*) FROM fetches").fetchone()[0]
                con.close()

                # A day later, forced: the feed is polled again, no blocked URL is retried.
                served_before = len(feed.requests)
                spy = FetcherSpy()
                second = await pipeline.run_tick(
                    settings,
                    db_path=db_path,
                    clock=FixedClock(NOW + timedelta(days=1)),
                    force=True,
                    steps=pipeline.Steps(fetch_clean=spy),
                )
                assert second.errors == {} and second.new_articles == 0
                con = sqlite3.connect(db_path)
                new_rows = con.execute(
                    "SELECT url, kind FROM fetches WHERE id > ? ORDER BY id", [fetch_rows]
                ).fetchall()
                con.close()
                assert new_rows == [(f"{base}/feed.xml", "feed"), (f"{base}/good", "article")]
                assert spy.requests() == len(feed.requests) - served_before
        assert canary.connections == 0

    run(scenario())


# --- poisoned pages in one batch -------------------------------------------------------------


POISON = ("/deep-html", "/huge-line", "/bad-encoding", "/nul-bytes")


def test_poisoned_pages_are_bounded_recorded_and_never_stop_the_batch(
    site: Any, tmp_path: Path
) -> None:
    db_path = tmp_path / "poison.db"
    fault = site.outlets["fault"]
    goods = [f"/good/{n}" for n in range(6)]

    async def scenario() -> None:
        async def feed_site(seen: Seen, writer: asyncio.StreamWriter) -> None:
            if seen.path == "/feed.xml":
                links = [f"{fault}{p}" for p in (*POISON, "/article")] + [base + g for g in goods]
                await send(writer, 200, rss(links, base), {"Content-Type": "application/rss+xml"})
            elif seen.path in goods:
                page = article_html(f"Good page {seen.path[-1]} on the feed host")
                await send(writer, 200, page, {"Content-Type": "text/html; charset=utf-8"})
            else:
                await send(writer, 404, b"not here")

        async with Server(feed_site, FEED_HOST) as feed:
            base = feed.origin
            source = Source(id="mixed", name="Good and poisoned", feeds=[f"{base}/feed.xml"])
            settings = make_settings(
                [f"{FEED_HOST}/32", f"{FAULT_HOST}/32"],
                source,
                max_bytes=40_000_000,  # lets the 30 MiB single line reach the cleaner
                timeout_s=30.0,
            )
            settings.clean.workers = 2
            # 1 ms per page: far below what any of these pages needs, so every cleaning that
            # is still running when the timer fires is cut off and recorded as a timeout.
            settings.clean.timeout_s = 0.001
            first = await pipeline.run_tick(settings, clock=FixedClock(NOW), db_path=db_path)
            assert first.fetched == len(POISON) + 1 + len(goods)  # one batch, > 8: the pool

            con = sqlite3.connect(db_path)
            outcome = dict(
                con.execute(
                    "SELECT url, outcome FROM fetches WHERE kind = 'article' ORDER BY id"
                ).fetchall()
            )
            errors = dict(con.execute("SELECT url, last_error FROM articles").fetchall())
            con.close()
            for path in ("/deep-html", "/huge-line"):  # each needs ~1 s of cleaning
                assert outcome[fault + path] == "timeout", (path, outcome)
                assert errors[fault + path].startswith("timeout")
                assert "cleaning took more than 0.001s" in errors[fault + path]

            # Twenty minutes later the timed-out pages are due again; cleaning gets its
            # normal budget. The poisoned pages are recorded; the good ones are stored.
            settings.clean.timeout_s = 20.0
            second = await pipeline.run_tick(
                settings, db_path=db_path, clock=FixedClock(NOW + timedelta(minutes=20))
            )
            assert second.fetched >= len(goods)

        con = sqlite3.connect(db_path)
        con.row_factory = sqlite3.Row
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        articles = {r["url"]: r for r in con.execute("SELECT * FROM articles")}
        texts = {
            r["url"]: r["text"]
            for r in con.execute(
                "SELECT a.url, v.text FROM versions v JOIN articles a ON a.id = v.article_id"
            )
        }
        last = {
            r["url"]: r["outcome"]
            for r in con.execute(
                "SELECT url, outcome FROM fetches WHERE kind = 'article' ORDER BY id"
            )
        }
        runs = [r["status"] for r in con.execute("SELECT status FROM runs ORDER BY id")]
        con.close()
        for good in [base + g for g in goods] + [f"{fault}/article"]:
            assert articles[good]["status"] == "active", good
            assert len(texts[good]) > 200
        for path in ("/deep-html", "/huge-line"):
            assert last[fault + path] in ("timeout", "not_article"), (path, last[fault + path])
            assert fault + path not in texts
        for path in ("/bad-encoding", "/nul-bytes"):
            assert last[fault + path] == "ok", (path, last[fault + path])
            assert "\x00" not in texts[fault + path]
            texts[fault + path].encode("utf-8")  # valid text, whatever the bytes were
        assert all(status in ("ok", "partial") for status in runs)

    run(scenario())


def test_the_cleaning_timer_cannot_be_swallowed_by_the_extractor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """trafilatura catches Exception in its fallbacks; the per-page timer must still win."""
    from newsmon.ingest import clean

    def swallowing_extractor(*args: Any, **kwargs: Any) -> dict[str, str] | None:
        try:
            time.sleep(5)  # the timer fires in here
        except Exception:  # what trafilatura's recall and justext fallbacks do
            return None
        return {"text": "a whole article " * 40}

    monkeypatch.setattr(clean.trafilatura, "bare_extraction", swallowing_extractor)
    previous = signal.signal(signal.SIGALRM, clean._on_alarm)  # as in a pool worker
    try:
        outcome, article, detail = clean.extract_in_worker(
            b"<p>x</p>", "http://x.example/", 0, 0.05
        )
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert (outcome, article) == ("timeout", None), detail


# --- batches span hosts ------------------------------------------------------------------------


def test_due_targets_take_turns_across_sources(tmp_path: Path) -> None:
    """Sources take turns in the fetch order, new URLs still first, rechecks after."""
    # A batch then holds many hosts, and per-host spacing overlaps instead of serialising it
    # behind one source's backlog (bench/politeness.py: 66 s -> 18 s for 1,000 URLs).
    from newsmon import store
    from newsmon.core.records import DiscoveredItem

    db = store.open_db(tmp_path / "turns.db")
    for source in ("a", "b", "c"):
        items = [
            DiscoveredItem(f"http://{source}.example/{n}", source, f"http://{source}.example/f")
            for n in range(4)
        ]
        store.sources.record_discovery(
            db, source, [], items, now=NOW, next_poll_at=NOW + timedelta(minutes=15), run_id=None
        )
    db.execute("UPDATE articles SET status = 'active' WHERE url = 'http://a.example/0'")
    order = [(t.source_id, t.url.rsplit("/", 1)[1]) for t in store.articles.due_targets(db, NOW)]
    db.close()
    new_first = [("a", "1"), ("b", "0"), ("c", "0"), ("a", "2"), ("b", "1"), ("c", "1")]
    assert order[:6] == new_first
    assert order[-1] == ("a", "0")  # rechecks after every new URL, as before


# --- a failing source backs off and says why -------------------------------------------------


def test_failing_source_backs_off_progressively_and_status_shows_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "backoff.db"
    state = {"failing": True}

    async def feed(seen: Seen, writer: asyncio.StreamWriter) -> None:
        if state["failing"]:
            await send(writer, 503, b"down for maintenance")
        else:
            body = rss([f"http://{FEED_HOST}:{port}/story"], f"http://{FEED_HOST}:{port}")
            await send(writer, 200, body, {"Content-Type": "application/rss+xml"})

    shown: dict[str, str] = {}

    def status(*extra: str) -> str:
        config = tmp_path / "config"
        config.mkdir(exist_ok=True)
        args = ["--config", str(config), "--db", str(db_path), "status", *extra]
        assert cli_main(args) == 0
        return capsys.readouterr().out

    async def scenario() -> list[tuple[int, datetime, datetime, int, str | None]]:
        nonlocal port
        history = []
        async with Server({"/feed.xml": feed, "/robots.txt": Reply(404)}, FEED_HOST) as server:
            port = server.port
            source = Source(
                id="flaky", name="Flaky", feeds=[server.url("/feed.xml")], poll_every="10m"
            )
            settings = make_settings([f"{FEED_HOST}/32"], source)
            now = NOW
            for tick in range(6):
                state["failing"] = tick < 5
                report = await pipeline.run_tick(settings, clock=FixedClock(now), db_path=db_path)
                con = sqlite3.connect(db_path)
                polled, next_poll, failures, error = con.execute(
                    "SELECT last_polled_at, next_poll_at, consecutive_failures, last_error "
                    "FROM sources WHERE id = 'flaky'"
                ).fetchone()
                con.close()
                next_poll_at = datetime.fromisoformat(next_poll)
                history.append(
                    (
                        report.sources_polled,
                        datetime.fromisoformat(polled),
                        next_poll_at,
                        failures,
                        error,
                    )
                )
                if tick == 4:
                    shown["json"] = status("--format", "json")
                    shown["text"] = status()
                # A tick one second before the next poll leaves the source alone.
                early = await pipeline.run_tick(
                    settings, db_path=db_path, clock=FixedClock(next_poll_at - timedelta(seconds=1))
                )
                assert early.sources_polled == 0
                now = next_poll_at
        return history

    port = 0
    history = asyncio.run(scenario())
    waits = [(nxt - polled).total_seconds() / 60 for _, polled, nxt, _, _ in history]
    assert waits == [20, 40, 80, 160, 320, 10]  # 10 min x 2^failures, then back to 10 min
    assert [h[3] for h in history] == [1, 2, 3, 4, 5, 0]
    assert all(h[0] == 1 for h in history)
    for *_, error in history[:5]:
        assert error is not None and "http_status" in error and "503" in error
    assert history[5][4] is None

    # After the fifth failure `newsmon status` showed the count and the reason.
    sources = {s["id"]: s for s in json.loads(shown["json"])["sources"]}
    assert sources["flaky"]["consecutive_failures"] == 5
    assert "http_status" in sources["flaky"]["last_error"]
    assert "503" in sources["flaky"]["last_error"]
    assert "FAILING x5" in shown["text"]
    assert "last error:" in shown["text"] and "503" in shown["text"]


def test_outcome_of_a_blocked_target_is_final(tmp_path: Path) -> None:
    """A blocked article is never due again, even when a tick is forced."""
    from newsmon import store

    settings = make_settings([])
    db = store.open_db(tmp_path / "final.db")
    store.sources.sync_sources(db, [Source(id="s", name="S", feeds=["http://example.org/f"])], NOW)
    target = Target(url="http://10.0.0.1/x", source_id="s")
    outcome = PageOutcome(target, NOW, "blocked", detail="10.0.0.1 is a private address")
    assert store_outcome(db, settings, outcome, None) == "blocked"
    assert store.articles.due_targets(db, NOW + timedelta(days=2)) == []
    assert store.articles.due_targets(db, NOW + timedelta(days=2), force=True) == []
    db.close()
