"""Canonical URLs: the table below is the spec of article identity."""

from __future__ import annotations

import pytest

from newsmon.core.errors import ParseError
from newsmon.core.urls import TRACKING_PARAMS, canonical_url, is_tracking_param, url_host

CANONICAL = [
    # scheme and host case, default ports, empty path
    ("HTTP://Example.COM/World/Story", "http://example.com/World/Story"),
    ("https://EXAMPLE.org", "https://example.org/"),
    ("http://example.org:80/a", "http://example.org/a"),
    ("https://example.org:443/a", "https://example.org/a"),
    ("https://example.org:8443/a", "https://example.org:8443/a"),
    ("http://example.org:443/a", "http://example.org:443/a"),
    ("https://example.org./a", "https://example.org/a"),
    ("https://user:secret@example.org/a", "https://example.org/a"),
    # fragments
    ("https://example.org/a#comments", "https://example.org/a"),
    ("https://example.org/a?b=1#top", "https://example.org/a?b=1"),
    ("https://example.org/#!/story/12", "https://example.org/"),
    # tracking parameters
    ("https://example.org/a?utm_source=rss&utm_medium=feed", "https://example.org/a"),
    ("https://example.org/a?UTM_Campaign=x&id=7", "https://example.org/a?id=7"),
    ("https://example.org/a?fbclid=abc&gclid=def&msclkid=ghi", "https://example.org/a"),
    ("https://example.org/a?xtor=RSS-1&at_medium=rss&at_campaign=x", "https://example.org/a"),
    ("https://example.org/a?ns_mchannel=rss&ns_source=x&ns_campaign=y", "https://example.org/a"),
    ("https://example.org/a?ns_linkname=z&ns_fee=0&ocid=msn&cmpid=rss", "https://example.org/a"),
    ("https://example.org/a?smid=tw-share&share=1&partner=rss", "https://example.org/a"),
    ("https://example.org/a?mc_cid=1&mc_eid=2&igshid=3&_ga=4&yclid=5", "https://example.org/a"),
    ("https://example.org/a?ref_src=twsrc&dclid=9&page=2", "https://example.org/a?page=2"),
    ("https://example.org/a?utm%5Fsource=rss", "https://example.org/a"),
    # parameters that look generic stay
    ("https://example.org/a?ref=homepage", "https://example.org/a?ref=homepage"),
    ("https://example.org/a?source=reuters", "https://example.org/a?source=reuters"),
    # query order, empties, repeated keys
    ("https://example.org/a?z=1&a=2&m=3", "https://example.org/a?a=2&m=3&z=1"),
    ("https://example.org/a?b=2&a=1&b=1", "https://example.org/a?a=1&b=2&b=1"),
    ("https://example.org/a?", "https://example.org/a"),
    ("https://example.org/a?&&x=1&", "https://example.org/a?x=1"),
    ("https://example.org/a?flag", "https://example.org/a?flag"),
    ("https://example.org/a?q=a+b", "https://example.org/a?q=a+b"),
    ("https://example.org/a?next=/b?c=d", "https://example.org/a?next=/b?c=d"),
    # percent-encoding
    ("https://example.org/%7euser/%41bc", "https://example.org/~user/Abc"),
    ("https://example.org/a%2fb%3f", "https://example.org/a%2Fb%3F"),
    ("https://example.org/caf%c3%a9", "https://example.org/caf%C3%A9"),
    ("https://example.org/café", "https://example.org/caf%C3%A9"),
    ("https://example.org/a b", "https://example.org/a%20b"),
    ("https://example.org/100%", "https://example.org/100%25"),
    ("https://example.org/?q=%e2%82%ac&r=%7E", "https://example.org/?q=%E2%82%AC&r=~"),
    # dot segments; path case and trailing slash are kept
    ("https://example.org/a/./b/../c", "https://example.org/a/c"),
    ("https://example.org/a/b/..", "https://example.org/a/"),
    ("https://example.org/../../a", "https://example.org/a"),
    ("https://example.org/a/%2E%2E/b", "https://example.org/b"),
    ("https://example.org/World/", "https://example.org/World/"),
    ("https://example.org/World", "https://example.org/World"),
    ("https://example.org//double//slash", "https://example.org//double//slash"),
    # international and IP hosts
    ("https://bücher.example/neu", "https://xn--bcher-kva.example/neu"),
    ("https://例え.テスト/記事", "https://xn--r8jz45g.xn--zckzah/%E8%A8%98%E4%BA%8B"),
    ("https://faß.example/", "https://xn--fa-hia.example/"),
    ("https://XN--BCHER-KVA.example/", "https://xn--bcher-kva.example/"),
    ("http://192.0.2.7:8080/a", "http://192.0.2.7:8080/a"),
    ("http://[2001:DB8:0:0::1]/a", "http://[2001:db8::1]/a"),
    # whitespace around and inside
    ("  https://example.org/a\n", "https://example.org/a"),
    ("https://example.org/a\tb\nc", "https://example.org/abc"),
]


@pytest.mark.parametrize(("url", "expected"), CANONICAL)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(("url", "expected"), CANONICAL)
def test_canonical_url_is_idempotent(url: str, expected: str) -> None:
    assert canonical_url(expected) == expected


RELATIVE = [
    ("/world/story-1", "https://example.org/feeds/rss.xml", "https://example.org/world/story-1"),
    ("story-2?utm_source=rss", "https://example.org/feeds/", "https://example.org/feeds/story-2"),
    ("../b/c", "https://example.org/a/feed.xml", "https://example.org/b/c"),
    ("//cdn.example.net/x", "https://example.org/feed", "https://cdn.example.net/x"),
    ("?page=2", "https://example.org/list?page=1", "https://example.org/list?page=2"),
    ("https://other.example/a", "https://example.org/feed", "https://other.example/a"),
]


@pytest.mark.parametrize(("url", "base", "expected"), RELATIVE)
def test_relative_urls_resolve_against_the_base(url: str, base: str, expected: str) -> None:
    assert canonical_url(url, base=base) == expected


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "ftp://example.org/file",
        "mailto:desk@example.org",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,hi",
        "/relative/without/base",
        "https://",
        "https:///path-only",
        "http://exa mple.org/",
        "http://example.org:99999/",
        "http://example.org:port/",
        "http://[::zz]/",
        "https://example.org/" + "a" * 20_000,
        "https://example.org/\ud800",
    ],
)
def test_unusable_urls_raise_bad_url(url: str) -> None:
    with pytest.raises(ParseError) as info:
        canonical_url(url)
    assert info.value.reason == "bad_url"


def test_relative_url_with_a_non_http_base_is_refused() -> None:
    with pytest.raises(ParseError):
        canonical_url("story", base="file:///var/feeds/")


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://News.Example.ORG:8443/a", "news.example.org"),
        ("https://bücher.example/", "xn--bcher-kva.example"),
        ("http://[2001:db8::1]:80/", "2001:db8::1"),
    ],
)
def test_url_host(url: str, host: str) -> None:
    assert url_host(url) == host


def test_url_host_refuses_non_http() -> None:
    with pytest.raises(ParseError):
        url_host("ftp://example.org/")


def test_tracking_list_is_lowercase_and_matches_case_insensitively() -> None:
    assert all(name == name.lower() for name in TRACKING_PARAMS)
    assert is_tracking_param("FBCLID")
    assert is_tracking_param("utm_whatever")
    assert not is_tracking_param("id")
