"""Feeds are parsed off the event loop: a huge feed from one source never stalls another."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest

from newsmon.core.records import Discovery
from newsmon.core.settings import Settings, Source
from newsmon.ingest.fetcher import Fetcher
from newsmon.pipeline import tick
from tests.fakesite import FakeSite
from tests.hostile.conftest import GOOD, Hostile

pytestmark = pytest.mark.timeout(120)


def test_a_huge_json_feed_does_not_stall_other_sources(site: FakeSite) -> None:
    # Before: parsing the 19.7 MB, 70,000-item JSON Feed ran on the event loop, which stalled
    # for several seconds (20 s on the reporting machine): other sources' fetches timed out.
    settings = Settings()
    settings.fetch.allow_private_networks = True
    settings.fetch.per_host_delay_s = 0.0
    settings.fetch.timeout_s = 10.0
    big = Source(id="big", name="Big", feeds=[site.url("fault", "/big-json-feed")])
    meridian = Source(id="meridian", name="Meridian", feeds=site.feed_urls("meridian"))
    now = datetime.now(UTC)
    stalls: list[float] = []

    async def probe(stop: asyncio.Event) -> None:
        last = time.monotonic()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            stalls.append(time.monotonic() - last)
            last = time.monotonic()

    async def scenario() -> list[Discovery]:
        stop = asyncio.Event()
        watcher = asyncio.create_task(probe(stop))
        async with Fetcher(settings.fetch) as fetcher:
            found = await asyncio.gather(
                *(
                    tick.discover_source(fetcher, settings, source, {}, now=now)
                    for source in (big, meridian)
                )
            )
        stop.set()
        await watcher
        return list(found)

    big_found, meridian_found = asyncio.run(scenario())
    assert [p.outcome for p in big_found.polls] == ["ok"]
    assert big_found.polls[0].items == settings.discover.max_items_per_feed
    assert meridian_found.items
    # json.loads of 19.7 MB holds the GIL for a few hundred ms; nothing else may.
    assert max(stalls) < 1.5, f"event loop stalled {max(stalls):.1f} s"


ABSURD_DATES = [
    "Mon, 01 Jan 99999999999999999999 00:00:00 GMT",  # OverflowError in email.utils
    "0001-01-01T00:00:00+14:00",  # before datetime.min once in UTC
    "9999-12-31T23:59:59-14:00",  # after datetime.max once in UTC
]


@pytest.mark.e2e
@pytest.mark.timeout(300)
def test_absurd_item_dates_are_read_as_no_date(hostile: Hostile) -> None:
    # Before: a JSON Feed date_published or a sitemap lastmod in the year
    # 99999999999999999999 raised OverflowError out of parse_date and `run` exited 1.
    feeds, sitemaps = [], []
    for date in ABSURD_DATES:
        feeds += [hostile.items_feed([], kind=kind, date=date) for kind in ("rss", "json")]
        sitemaps.append(hostile.items_feed([], kind="sitemap", date=date))
    hostile.configure(feeds=feeds, sitemaps=sitemaps, meridian=False)

    hostile.tick()

    for url in (*feeds, *sitemaps):
        assert hostile.feed(url)["last_outcome"] == "ok", url
    for path in GOOD:
        assert hostile.versions(hostile.fault(path)) == 1
    hostile.tick()
