"""robots.txt parsing and matching per RFC 9309."""

from __future__ import annotations

import pytest

from newsmon.ingest.robots import RobotsRules, agent_token, parse_robots, pattern_matches

NEWS_SITE = """\
# A news site that keeps bots out of search and drafts but lets us read articles.
User-agent: *
Disallow: /search
Disallow: /drafts/
Allow: /drafts/public$
Disallow: /*.pdf$
Disallow: /*session=
Crawl-delay: 2

Sitemap: https://news.example/sitemap.xml
"""


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/", True),
        ("/world/2026/11/21/flood-toll-rises", True),
        ("/search", False),
        ("/search?q=flood", False),
        ("/searching", False),  # prefix match
        ("/drafts/", False),
        ("/drafts/story-1", False),
        ("/drafts/public", True),  # longer allow wins
        ("/drafts/public/more", False),  # $ anchors the allow
        ("/files/report.pdf", False),
        ("/files/report.pdf?x=1", True),  # $ means the URL ends there
        ("/story?id=4&session=abc", False),
        ("/story?id=4", True),
        ("/robots.txt", True),
    ],
)
def test_star_group_with_wildcards_and_longest_match(path: str, allowed: bool) -> None:
    rules = parse_robots(NEWS_SITE, "newsmon")
    assert rules.allows("https://news.example" + path) is allowed


def test_crawl_delay_and_sitemaps_are_read() -> None:
    rules = parse_robots(NEWS_SITE, "newsmon")
    assert rules.crawl_delay == 2.0
    assert rules.sitemaps == ["https://news.example/sitemap.xml"]


def test_our_group_replaces_the_star_group() -> None:
    text = """\
User-agent: *
Disallow: /

User-agent: NewsMon/2.0
Disallow: /private
"""
    rules = parse_robots(text, "newsmon")
    assert rules.allows("http://a.example/world")
    assert not rules.allows("http://a.example/private/x")
    other = parse_robots(text, "otherbot")
    assert not other.allows("http://a.example/world")


def test_groups_naming_us_are_merged_and_shared_agent_lines_apply() -> None:
    text = """\
User-agent: newsmon
Disallow: /a

User-agent: someone-else
User-agent: newsmon
Disallow: /b
Crawl-delay: 5

User-agent: *
Disallow: /c
"""
    rules = parse_robots(text, "newsmon")
    assert not rules.allows("http://a.example/a")
    assert not rules.allows("http://a.example/b")
    assert rules.allows("http://a.example/c")
    assert rules.crawl_delay == 5.0


def test_allow_wins_a_tie_of_equal_length() -> None:
    rules = parse_robots("User-agent: *\nDisallow: /page\nAllow: /page\n", "newsmon")
    assert rules.allows("http://a.example/page")


def test_empty_disallow_allows_everything_and_junk_is_ignored() -> None:
    text = "Disallow: /before-any-group\nUser-agent: *\nDisallow:\nfoo bar\nCrawl-delay: soon\n"
    rules = parse_robots(text, "newsmon")
    assert rules.allows("http://a.example/before-any-group")
    assert rules.allows("http://a.example/anything")
    assert rules.crawl_delay is None


def test_no_matching_group_allows_all() -> None:
    rules = parse_robots("User-agent: otherbot\nDisallow: /\n", "newsmon")
    assert rules.allows("http://a.example/x")


def test_non_ascii_paths_match_their_percent_encoding() -> None:
    rules = parse_robots("User-agent: *\nDisallow: /actualités/\n", "newsmon")
    assert not rules.allows("http://a.example/actualit%C3%A9s/x")
    assert not rules.allows("http://a.example/actualit%c3%a9s/x")
    assert rules.allows("http://a.example/actualites/x")


def test_disallow_all_and_allow_all() -> None:
    assert not RobotsRules.disallow_all().allows("http://a.example/x")
    assert RobotsRules.disallow_all().allows("http://a.example/robots.txt")
    assert RobotsRules.allow_all().allows("http://a.example/x")


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("/", "/anything", True),
        ("/a*b", "/axxb/c", True),
        ("/a*b$", "/axxb/c", False),
        ("/a*b$", "/axxb", True),
        ("*", "/x", True),
        ("/x$", "/x", True),
        ("/x$", "/xy", False),
        ("/*/*/z", "/a/b/z", True),
        ("/*/*/z", "/a/z", False),
        ("/fish*", "/Fish", False),  # case-sensitive
    ],
)
def test_pattern_matching(pattern: str, path: str, matches: bool) -> None:
    assert pattern_matches(pattern, path) is matches


@pytest.mark.timeout(5)
def test_hostile_pattern_does_not_backtrack_exponentially() -> None:
    pattern = "/" + "*a" * 30 + "b"
    assert not pattern_matches(pattern, "/" + "a" * 3000)


def test_agent_token_is_the_product_name() -> None:
    assert agent_token("newsmon/0.1 (+https://github.com/newsmon/newsmon)") == "newsmon"
    assert agent_token("NewsMon") == "newsmon"
