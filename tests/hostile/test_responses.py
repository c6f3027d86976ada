"""Hostile HTTP responses: redirects to non-web schemes, absurd Retry-After values, validators
that cannot be sent back. Each once crashed every tick, for ever (issue 16)."""

from __future__ import annotations

import sqlite3
from urllib.parse import quote

import pytest

from tests.hostile.conftest import Hostile

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

# httpx builds the next request even when it does not follow a redirect, and raised
# InvalidURL (not an HTTPError) for these Locations: `run` exited 1 on every later tick.
NON_WEB_LOCATIONS = ("mailto:x", "javascript:alert(1)", "data:text/html,hi", "urn:x")


def redirect_to(location: str) -> str:
    return "/redirect-to?url=" + location


def test_article_redirecting_to_a_non_web_scheme_is_recorded_as_blocked(hostile: Hostile) -> None:
    paths = [redirect_to(location) for location in NON_WEB_LOCATIONS]
    backslashes = redirect_to("http:\\\\host")
    hostile.configure([*paths, backslashes])

    report = hostile.tick()

    hostile.assert_good_pages_stored()
    for path, location in zip(paths, NON_WEB_LOCATIONS, strict=True):
        [fetch] = hostile.fetch_log(hostile.fault(path))
        scheme = location.split(":")[0]
        assert fetch["outcome"] == "blocked", fetch
        assert f"scheme {scheme!r} refused" in fetch["detail"]
    # "http:\\host" is a path on the same origin to httpx (browsers read a host): it is
    # fetched there, never crashes, and whatever it answers is recorded.
    assert hostile.rows("SELECT outcome FROM fetches WHERE url LIKE '%redirect-to?url=http%'")
    assert report["errors"].get("blocked") == len(paths)
    hostile.tick()


def test_feed_redirecting_to_a_non_web_scheme_is_a_failed_poll(hostile: Hostile) -> None:
    bad_feeds = [hostile.fault(redirect_to(location)) for location in NON_WEB_LOCATIONS]
    hostile.configure(feeds=[*bad_feeds, hostile.items_feed([])])

    report = hostile.tick()

    hostile.assert_good_pages_stored()
    for url in bad_feeds:
        feed = hostile.feed(url)
        assert feed["last_outcome"] == "blocked" and "refused" in feed["last_detail"], feed
    assert report["feeds_failed"] == len(bad_feeds)
    hostile.tick()


def test_robots_txt_redirecting_to_a_non_web_scheme_disallows_that_origin(
    hostile: Hostile,
) -> None:
    hostile.site.fault_robots = (302, "")
    hostile.site.fault_robots_headers = [("Location", "mailto:webmaster@example.org")]
    feed_url = hostile.items_feed([])
    hostile.configure(feeds=[feed_url])

    hostile.tick()

    # robots.txt answered, with a redirect we may not follow: RFC 9309 says disallow.
    feed = hostile.feed(feed_url)
    assert feed["last_outcome"] == "robots_unreachable", feed
    assert "mailto" in feed["last_detail"]
    meridian = hostile.rows("SELECT count(*) AS n FROM versions")
    assert meridian[0]["n"] >= 3  # the other source's pages are stored
    hostile.tick()


ABSURD_RETRY_AFTER = [
    (503, "²"),  # a digit to str.isdigit, not to float(): ValueError
    (429, "Mon, 01 Jan 99999999999999999999 00:00:00 GMT"),  # OverflowError
    (503, "Mon, 01 Jan 10000 00:00:00 GMT"),
    (503, "-5"),
    (429, "1e400"),
]


def test_absurd_retry_after_fails_only_its_page(hostile: Hostile) -> None:
    # Before: "²" raised ValueError and the year 99999999999999999999 OverflowError: run
    # exited 1 (the other three were already read as no usable value).
    paths = [f"/status/{status}?retry_after={value}&n={n}" for n, (status, value) in
             enumerate(ABSURD_RETRY_AFTER)]  # fmt: skip
    hostile.configure(paths, settings={"fetch": {"retries": 1, "max_retry_after_s": 2.0}})

    hostile.tick()

    hostile.assert_good_pages_stored()
    for n, (status, _) in enumerate(ABSURD_RETRY_AFTER):
        [row] = hostile.rows(
            "SELECT outcome, status FROM fetches WHERE url LIKE ?", f"%/status/{status}?%n={n}%"
        )
        assert (row["outcome"], row["status"]) == ("http_status", status)
    hostile.tick()


VALIDATORS = [
    [("ETag", '"caf\xe9"')],
    [("ETag", 'W/"\xff\xfe"'), ("Last-Modified", "Sat, 21 Nov 2026 10:00:00 GMT")],
    [("Last-Modified", "Sam\xe9di, 21 Nov 2026 10:00:00 GMT")],
    [("ETag", '"v1"'), ("Last-Modified", "Sat, 21 Nov 2026 10:00:00 GMT \xe9")],
]


def test_validators_that_cannot_be_sent_back_are_not_kept(hostile: Hostile) -> None:
    pages = [hostile.headers_page(headers, title=f"Page {n}") for n, headers in
             enumerate(VALIDATORS)]  # fmt: skip
    feeds = [hostile.items_feed([page], headers=headers) for page, headers in
             zip(pages, VALIDATORS, strict=True)]  # fmt: skip
    hostile.configure(feeds=feeds)

    hostile.tick()
    # Tick 2 sends conditional GETs for the feeds and the pages: they once raised
    # UnicodeEncodeError outside any try block, in every tick after the first.
    hostile.tick()

    hostile.assert_good_pages_stored()
    for page, feed in zip(pages, feeds, strict=True):
        assert [f["outcome"] for f in hostile.fetch_log(page)] == ["ok", "ok"]
        stored = hostile.rows("SELECT etag, last_modified FROM articles WHERE url = ?", page)[0]
        for value in (*stored.values(), *hostile.feed(feed).values()):
            assert not isinstance(value, str) or value.isascii()


def test_a_stored_validator_that_cannot_be_sent_is_dropped_not_replayed(
    hostile: Hostile,
) -> None:
    # A database written before validators were checked holds one: it must not be replayed.
    feed = hostile.items_feed([])
    hostile.configure(feeds=[feed])
    hostile.tick()
    con = sqlite3.connect(hostile.db)
    with con:
        con.execute("UPDATE articles SET etag = ?, last_modified = ?", ['"caf\xe9"', "l\xfcndi"])
        con.execute("UPDATE feeds SET etag = ?, last_modified = ?", ['"\u2603"', "\r\nX: y"])
    con.close()

    report = hostile.tick()

    assert report["feeds_failed"] == 0
    good = hostile.fault("/good/1")
    assert [f["outcome"] for f in hostile.fetch_log(good)] == ["ok", "ok"]
    hostile.tick()


def test_a_page_stating_impossible_figures_is_stored_without_them(hostile: Hostile) -> None:
    # Before: "killed 10000000000000000000 people" overflowed SQLite's INTEGER when the page's
    # claims were saved; that page failed on every tick, for ever. Figures past any population
    # are no figures; figures written with other digits and separators are read as people
    # write them.
    said = [
        "The gunman killed 10000000000000000000 people in the square, a post claimed.",
        "Another post said 1" + "0" * 30 + " people were injured.",
        "Officials said ١٬٢٠٠ people were injured in the blast.",
    ]
    path = "/article?" + "&".join("say=" + quote(text) for text in said)
    hostile.configure([path])

    report = hostile.tick()

    hostile.assert_good_pages_stored()
    url = hostile.fault(path)
    assert hostile.versions(url) == 1, report
    assert [f["outcome"] for f in hostile.fetch_log(url)] == ["ok"]
    claims = hostile.rows(
        "SELECT c.kind, c.value, c.high FROM claims c JOIN articles a ON a.id = c.article_id"
        " WHERE a.url = ?",
        url,
    )
    assert all(max(c["value"] or 0, c["high"] or 0) <= 8_000_000_000 for c in claims), claims
    assert any(c["kind"] == "injured" and c["value"] == 1200 for c in claims), claims
    hostile.tick()
