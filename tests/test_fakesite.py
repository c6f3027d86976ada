"""Sanity checks of the fake news site over real loopback sockets."""

from __future__ import annotations

import difflib
import json
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from newsmon.core.settings import load_settings
from tests.fakesite import NEWS_OUTLETS, Changes, FakeSite

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as c:
        yield c


def wait_until(predicate, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def rss_links(xml: bytes) -> list[str]:
    return [item.findtext("link") or "" for item in ET.fromstring(xml).iter("item")]


def strip_query(url: str) -> str:
    return url.split("?", 1)[0]


def meridian_feed_links(site: FakeSite, client: httpx.Client) -> list[str]:
    """Return meridian's feed links without their tracking parameters."""
    return [strip_query(u) for u in rss_links(client.get(site.feed_urls("meridian")[0]).content)]


def test_each_outlet_listens_on_its_own_loopback_address(site: FakeSite) -> None:
    hosts = {name: urlsplit(base).hostname for name, base in site.outlets.items()}
    assert hosts == {
        "meridian": "127.0.0.2",
        "courrier": "127.0.0.3",
        "harbor": "127.0.0.4",
        "valley": "127.0.0.5",
        "fault": "127.0.0.9",
    }
    assert all(urlsplit(base).port for base in site.outlets.values())


def test_feeds_and_sitemaps_parse_and_list_the_live_articles(site, client) -> None:
    meridian = client.get(site.feed_urls("meridian")[0])
    assert meridian.headers["content-type"].startswith("application/rss+xml")
    links = [strip_query(u) for u in rss_links(meridian.content)]
    keys = ("A", "R", "U", "W", "P")
    assert sorted(links) == sorted(site.article_url("meridian", k) for k in keys)
    assert all("utm_source=rss" in u for u in rss_links(meridian.content))

    atom = ET.fromstring(client.get(site.feed_urls("courrier")[0]).content)
    entries = atom.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [
        site.article_url("courrier", "F0")
    ]
    assert entries[0].findtext(f"{ATOM}updated").endswith("+02:00")

    index = ET.fromstring(client.get(site.sitemap_urls("harbor")[0]).content)
    children = [loc.text for loc in index.iter(f"{SM}loc")]
    assert children == [
        site.url("harbor", "/sitemaps/news.xml"),
        site.url("harbor", "/sitemaps/pages.xml"),
    ]
    news = ET.fromstring(client.get(children[0]).content)
    assert [u.findtext(f"{SM}loc") for u in news.iter(f"{SM}url")] == [
        site.article_url("harbor", "W")
    ]
    assert news.find(f".//{NEWS}publication_date") is not None
    assert news.find(f".//{SM}lastmod") is not None

    feed = client.get(site.feed_urls("valley")[0]).json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    valley_urls = {site.article_url("valley", k) for k in ("W", "V")}
    assert {item["url"] for item in feed["items"]} == valley_urls
    assert set(rss_links(client.get(site.feed_urls("valley")[1]).content)) == valley_urls


def test_write_config_loads_with_newsmon_settings(site, tmp_path: Path) -> None:
    site.write_config(tmp_path, {"ingest": {"batch_size": 10}, "fetch": {"max_bytes": 123456}})
    settings = load_settings(tmp_path)
    assert [s.id for s in settings.sources] == list(NEWS_OUTLETS)
    assert settings.fetch.allow_private_networks is True
    assert settings.fetch.per_host_delay_s == 0
    assert settings.fetch.respect_robots is True
    assert settings.fetch.timeout_s == 5
    assert settings.fetch.max_bytes == 123456
    assert settings.ingest.batch_size == 10
    courrier = next(s for s in settings.sources if s.id == "courrier")
    assert courrier.lang == "fr"
    assert courrier.feeds == site.feed_urls("courrier")
    harbor = next(s for s in settings.sources if s.id == "harbor")
    assert harbor.sitemaps == site.sitemap_urls("harbor")


def test_conditional_get_answers_304_and_gzip_is_used_when_accepted(site, client) -> None:
    for url in (site.feed_urls("meridian")[0], site.article_url("valley", "V")):
        first = client.get(url)
        assert first.headers["content-encoding"] == "gzip"
        again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
        assert again.content == b""
        since = client.get(url, headers={"If-Modified-Since": first.headers["last-modified"]})
        assert since.status_code == 304
    plain = client.get(site.feed_urls("meridian")[0], headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert not plain.headers["etag"].startswith("W/")


def test_article_pages_carry_realistic_furniture(site, client) -> None:
    state = site.article("meridian", "A")
    html = client.get(state.url + "?utm_source=rss").text
    assert f'<link rel="canonical" href="{state.url}">' in html
    for marker in (
        'property="og:title"',
        'property="article:published_time"',
        'name="description"',
        'class="breadcrumb"',
        'id="cookie-consent"',
        "ad-slot",
        "Most read",
        'id="comments"',
        "site-footer",
        "Updated 95 minutes ago",
    ):
        assert marker in html
    for paragraph in state.paragraphs:
        assert escape(paragraph) in html
    courrier = client.get(site.article_url("courrier", "F0")).text
    assert '<html lang="fr">' in courrier and "Mis à jour il y a" in courrier


def test_touch_changes_volatile_furniture_only(site, client) -> None:
    url = site.article_url("meridian", "A")
    feed = client.get(site.feed_urls("meridian")[0])
    before = client.get(url)
    site.touch(minutes=7)
    after = client.get(url, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert after.headers["last-modified"] == before.headers["last-modified"]
    assert "Updated 102 minutes ago" in after.text
    changed = [
        line
        for line in difflib.unified_diff(before.text.splitlines(), after.text.splitlines(), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed
    volatile = re.compile(r'site-header__date|story__updated|^[+-]<li><a href="')
    assert all(volatile.search(line) for line in changed), changed
    assert any("<li><a" in line for line in changed)  # the most-read box rotated
    unchanged = client.get(
        site.feed_urls("meridian")[0], headers={"If-None-Match": feed.headers["etag"]}
    )
    assert unchanged.status_code == 304


def test_advance_edits_a_in_place_removes_r_and_publishes_new_articles(site, client) -> None:
    a_url = site.article_url("meridian", "A")
    assert "At least 240 people have been killed" in client.get(a_url).text
    assert site.expected[("meridian", "A")].headline["killed"].value == 240

    changes = site.advance()

    assert site.tick == 1
    assert changes.edited == (("meridian", "A"),)
    assert changes.removed == (("meridian", "R"),)
    assert set(changes.added) == {("courrier", "F1"), ("harbor", "N")}
    page = client.get(a_url).text
    assert "More than 255 people have been killed" in page
    assert "14,000 people had been displaced" in page
    assert "At least 240" not in page
    killed = site.article("meridian", "A").headline["killed"]
    assert (killed.qualifier, killed.value) == ("more_than", 255)
    assert site.article("meridian", "A", tick=0).headline["killed"].value == 240

    r_url = site.article_url("meridian", "R")
    assert client.get(r_url).status_code == 404
    feed_links = meridian_feed_links(site, client)
    assert r_url not in feed_links and a_url in feed_links

    french = client.get(site.article_url("courrier", "F1")).text
    assert "plus de 255 morts" in french and "14\u00a0000 déplacés" in french
    atom = client.get(site.feed_urls("courrier")[0]).text
    assert site.article_url("courrier", "F1") in atom
    news = client.get(site.url("harbor", "/sitemaps/news.xml")).text
    assert site.article_url("harbor", "N") in news


def test_a_third_crawl_gets_304_everywhere(site, client) -> None:
    site.advance()
    urls = [u for o in NEWS_OUTLETS for u in site.feed_urls(o) + site.sitemap_urls(o)]
    urls += [a.url for a in site.articles() if a.status == 200]
    etags = {url: client.get(url).headers["etag"] for url in urls}
    statuses = {
        client.get(u, headers={"If-None-Match": tag}).status_code for u, tag in etags.items()
    }
    assert statuses == {304}
    assert site.changes(2) == Changes(2, added=(), edited=(), removed=())


def test_robots_disallows_an_article_the_feed_links_to(site, client) -> None:
    robots = client.get(site.url("meridian", "/robots.txt")).text
    assert "Disallow: /private/" in robots
    private = site.article("meridian", "P")
    assert urlsplit(private.url).path.startswith("/private/")
    assert not private.robots_allowed
    assert private.url in meridian_feed_links(site, client)
    harbor_robots = client.get(site.url("harbor", "/robots.txt")).text
    assert "Sitemap: " + site.sitemap_urls("harbor")[0] in harbor_robots


def test_wire_copy_is_the_same_text_with_one_trimmed_copy(site) -> None:
    wires = [site.article(o, "W") for o in ("meridian", "harbor", "valley")]
    assert len({w.title for w in wires}) == 3
    assert wires[0].text == wires[1].text
    assert "(AFP)" in wires[0].paragraphs[0]
    trimmed = wires[2]
    assert trimmed.trimmed and trimmed.paragraphs == wires[0].paragraphs[:-2]


def test_headline_figures_are_stated_in_their_article_text(site) -> None:
    states = site.articles()
    site.advance()
    states += site.articles()
    figures = [(a, f) for a in states if a.status == 200 for f in a.headline.values()]
    assert len(figures) >= 10
    for article, figure in figures:
        assert figure.phrase and figure.phrase in (article.text or ""), (article.key, figure)
        assert str(figure.value) in figure.phrase.replace(",", "").replace("\u00a0", "")


def test_request_log_records_every_request(site, client) -> None:
    url = site.article_url("harbor", "W")
    client.get(url, headers={"User-Agent": "newsmon-test"})
    client.head(url)
    records = site.requests_for("harbor", path_prefix=urlsplit(url).path)
    assert [(r.method, r.status) for r in records] == [("GET", 200), ("HEAD", 200)]
    assert records[0].headers["user-agent"] == "newsmon-test"
    assert records[0].bytes_sent > 0 and records[1].bytes_sent == 0
    assert records[0].tick == 0 and records[0].done
    site.clear_log()
    assert site.requests == []


def test_fault_status_retry_redirect_and_canary(site, client) -> None:
    fault = site.outlets["fault"]
    assert client.get(fault + "/status/410").status_code == 410
    assert client.get(fault + "/status/503").status_code == 503
    answers = [client.get(fault + "/retry-after/2?key=t1") for _ in range(3)]
    assert [r.status_code for r in answers] == [503, 503, 200]
    assert answers[0].headers["retry-after"] == "1"
    assert client.get(fault + "/retry-after/1?key=t2&status=429").status_code == 429
    chain = client.get(fault + "/redirect/3", follow_redirects=True)
    assert chain.status_code == 200 and len(chain.history) == 3
    hop = client.get(fault + "/redirect-to?url=http://169.254.169.254/latest")
    assert hop.status_code == 302 and hop.headers["location"] == "http://169.254.169.254/latest"
    assert client.get(fault + "/chained-gzip").headers["content-encoding"] == "gzip, gzip"
    xxe = client.get(fault + "/feed/xxe").text
    assert fault + "/canary" in xxe
    assert site.canary_hits == 0
    client.get(fault + "/canary?from=test")
    assert site.canary_hits == 1
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(fault + "/truncated")
    site.fault_robots = (503, "")
    assert client.get(fault + "/robots.txt").status_code == 503


def test_fault_hang_ends_when_the_client_leaves(site) -> None:
    with httpx.Client(timeout=0.3) as short, pytest.raises(httpx.ReadTimeout):
        short.get(site.url("fault", "/hang-before-headers?limit=20"))
    [record] = site.requests_for("fault", "/hang-before-headers")
    assert wait_until(lambda: record.done)
    assert record.status is None and "client-gone" in record.notes


def test_stop_ends_open_connections_and_threads() -> None:
    site = FakeSite().start()
    errors: list[Exception] = []

    def hang() -> None:
        try:
            httpx.get(site.url("fault", "/hang?limit=30"), timeout=30)
        except httpx.HTTPError as exc:
            errors.append(exc)

    caller = threading.Thread(target=hang)
    caller.start()
    assert wait_until(lambda: bool(site.requests_for("fault", "/hang")))
    idle = httpx.Client()
    idle.get(site.url("valley"))  # leaves a keep-alive connection open
    site.stop()
    caller.join(timeout=10)
    idle.close()
    assert not caller.is_alive() and errors
    assert not [t.name for t in threading.enumerate() if t.name.startswith("fakesite")]


def test_json_feed_dates_follow_the_site_clock(site, client) -> None:
    feed = client.get(site.feed_urls("valley")[0]).json()
    item = next(i for i in feed["items"] if i["url"] == site.article_url("valley", "V"))
    state = site.article("valley", "V")
    assert item["date_published"] == state.published.isoformat(timespec="seconds")
    assert (site.now - state.published).total_seconds() == 600 * 60
    assert json.loads(json.dumps(feed))["language"] == "en"
