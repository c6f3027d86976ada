"""Feed and sitemap discovery: formats, identity, caps, broken and hostile documents."""

from __future__ import annotations

import gzip
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsmon.core.errors import ParseError
from newsmon.ingest.dates import parse_date
from newsmon.ingest.feeds import FeedParse, parse_feed
from newsmon.ingest.sitemaps import SitemapParse, parse_sitemap

FEED_URL = "https://news.example.org/world/rss.xml"
SITEMAP_URL = "https://news.example.org/sitemap-news.xml"
CORPORA = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora"


def feed(content: str | bytes, **kwargs: object) -> FeedParse:
    data = content.encode() if isinstance(content, str) else content
    return parse_feed(data, FEED_URL, "example-world", **kwargs)  # type: ignore[arg-type]


def sitemap(content: str | bytes, **kwargs: object) -> SitemapParse:
    data = content.encode() if isinstance(content, str) else content
    return parse_sitemap(data, SITEMAP_URL, "example-world", **kwargs)  # type: ignore[arg-type]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


RSS20 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Example World</title>
  <link>https://news.example.org/world/</link>
  <language>en-GB</language>
  <item>
    <title>Flood waters reach the old bridge</title>
    <link>https://news.example.org/world/flood-bridge?utm_source=rss&amp;utm_medium=feed</link>
    <pubDate>Mon, 02 Nov 2026 10:15:00 +0100</pubDate>
    <author>desk@news.example.org (World desk)</author>
  </item>
  <item>
    <title><![CDATA[Talks resume in the capital & the north]]></title>
    <link>/world/talks-resume</link>
    <dc:date>2026-11-02T12:00:00Z</dc:date>
  </item>
  <item>
    <title>Guid-only story</title>
    <guid>https://news.example.org/world/guid-only</guid>
  </item>
  <item>
    <title>Not a permalink guid</title>
    <guid isPermaLink="false">urn:example:4421</guid>
  </item>
  <item>
    <title>Flood waters reach the old bridge (repeat)</title>
    <link>https://news.example.org/world/flood-bridge#comments</link>
  </item>
</channel>
</rss>
"""

RSS10 = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://news.example.org/">
    <title>Example RDF</title>
    <link>https://news.example.org/</link>
    <dc:language>fr</dc:language>
  </channel>
  <item rdf:about="https://news.example.org/fr/incendie">
    <title>Un incendie maîtrisé près du port</title>
    <link>https://news.example.org/fr/incendie</link>
    <dc:date>2026-11-03T08:30:00+01:00</dc:date>
  </item>
</rdf:RDF>
"""

ATOM10 = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="es"
      xml:base="https://news.example.org/es/">
  <title>Example Atom</title>
  <id>tag:news.example.org,2026:es</id>
  <updated>2026-11-04T09:00:00Z</updated>
  <entry>
    <title type="html">Evacuados &lt;b&gt;1.200&lt;/b&gt; vecinos</title>
    <id>tag:news.example.org,2026:1</id>
    <link rel="enclosure" type="audio/mpeg" href="https://cdn.example.org/a.mp3"/>
    <link rel="alternate" type="text/html" href="evacuados-1200"/>
    <published>2026-11-04T08:00:00+01:00</published>
    <updated>2026-11-04T09:30:00Z</updated>
  </entry>
  <entry>
    <title>Only updated</title>
    <id>tag:news.example.org,2026:2</id>
    <link href="https://news.example.org/es/solo-actualizado"/>
    <updated>2026-11-04T06:00:00Z</updated>
  </entry>
</feed>
"""

ATOM03 = """<?xml version="1.0"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#">
  <title>Old Atom</title>
  <entry>
    <title>Bridge reopens</title>
    <link rel="alternate" type="text/html" href="https://news.example.org/old/bridge"/>
    <issued>2026-10-30T10:00:00Z</issued>
    <modified>2026-10-30T11:00:00Z</modified>
  </entry>
</feed>
"""

JSONFEED11 = """{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Example JSON",
  "language": "pt-BR",
  "items": [
    {"id": "1", "url": "https://news.example.org/pt/chuvas?fbclid=x",
     "title": "Chuvas deixam 14 mil desalojados",
     "date_published": "2026-11-05T07:00:00-03:00"},
    {"id": "https://news.example.org/pt/id-only", "title": "Id is the URL"},
    {"id": "3", "title": "No URL at all"},
    {"id": "4", "external_url": "https://other.example.net/story", "language": "en",
     "date_modified": "2026-11-05T11:00:00Z"},
    "not an object"
  ]
}"""

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://news.example.org/world/quake-toll-rises?utm_source=sitemap</loc>
    <lastmod>2026-11-06T10:05:00Z</lastmod>
    <image:image><image:loc>https://cdn.example.org/quake.jpg</image:loc></image:image>
    <news:news>
      <news:publication><news:name>Example</news:name><news:language>en</news:language>
      </news:publication>
      <news:publication_date>2026-11-06T09:00:00+02:00</news:publication_date>
      <news:title>Quake toll rises to 255</news:title>
    </news:news>
  </url>
  <url>
    <loc>https://news.example.org/world/older</loc>
    <lastmod>2026-11-01</lastmod>
  </url>
  <url><loc>not a url</loc></url>
</urlset>
"""

SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example.org/sitemap-2026-09.xml</loc>
    <lastmod>2026-09-30</lastmod></sitemap>
  <sitemap><loc>/sitemap-2026-11.xml</loc><lastmod>2026-11-06</lastmod></sitemap>
  <sitemap><loc>https://news.example.org/sitemap-static.xml</loc></sitemap>
  <sitemap><loc>https://news.example.org/sitemap-2026-10.xml</loc>
    <lastmod>2026-10-31</lastmod></sitemap>
</sitemapindex>
"""


# ------------------------------------------------------------------------------ feeds


def test_rss20_items_are_canonical_deduped_and_newest_first() -> None:
    result = feed(RSS20)
    assert result.status == "ok"
    assert result.format == "rss20"
    assert result.entries == 5
    assert [item.url for item in result.items] == [
        "https://news.example.org/world/talks-resume",
        "https://news.example.org/world/flood-bridge",
        "https://news.example.org/world/guid-only",
    ]
    talks, flood, guid_only = result.items
    assert talks.title == "Talks resume in the capital & the north"
    assert talks.published == utc(2026, 11, 2, 12, 0)
    assert flood.published == utc(2026, 11, 2, 9, 15)
    assert flood.title == "Flood waters reach the old bridge"
    assert guid_only.published is None
    assert {item.lang for item in result.items} == {"en-gb"}
    assert {item.found_in for item in result.items} == {FEED_URL}
    assert {item.source_id for item in result.items} == {"example-world"}
    assert "1 entries without a usable http(s) URL" in result.detail


def test_rss10_rdf() -> None:
    result = feed(RSS10)
    assert result.format == "rss10"
    [item] = result.items
    assert item.url == "https://news.example.org/fr/incendie"
    assert item.title == "Un incendie maîtrisé près du port"
    assert item.published == utc(2026, 11, 3, 7, 30)
    assert item.lang == "fr"


def test_atom10_prefers_the_html_alternate_link_and_resolves_xml_base() -> None:
    result = feed(ATOM10)
    assert result.format == "atom10"
    first, second = result.items
    assert first.url == "https://news.example.org/es/evacuados-1200"
    assert first.title == "Evacuados 1.200 vecinos"
    assert first.published == utc(2026, 11, 4, 7, 0)
    assert first.lastmod == utc(2026, 11, 4, 9, 30)
    assert first.lang == "es"
    assert second.url == "https://news.example.org/es/solo-actualizado"
    assert second.published == second.lastmod == utc(2026, 11, 4, 6, 0)


def test_atom03() -> None:
    [item] = feed(ATOM03).items
    assert item.url == "https://news.example.org/old/bridge"
    assert item.published == utc(2026, 10, 30, 10, 0)
    assert item.lastmod == utc(2026, 10, 30, 11, 0)


@pytest.mark.parametrize("version", ["1", "1.1"])
def test_json_feed(version: str) -> None:
    text = JSONFEED11.replace("version/1.1", f"version/{version}")
    result = feed(text, content_type="application/feed+json")
    assert result.format == ("json11" if version == "1.1" else "json1")
    assert result.entries == 5
    by_url = {item.url: item for item in result.items}
    assert set(by_url) == {
        "https://news.example.org/pt/chuvas",
        "https://news.example.org/pt/id-only",
        "https://other.example.net/story",
    }
    rain = by_url["https://news.example.org/pt/chuvas"]
    assert rain.published == utc(2026, 11, 5, 10, 0)
    assert rain.lang == "pt-br"
    external = by_url["https://other.example.net/story"]
    assert external.lang == "en"
    assert external.published == external.lastmod == utc(2026, 11, 5, 11, 0)
    assert "2 entries without" in result.detail


def test_feedburner_original_link_wins() -> None:
    text = RSS20.replace(
        "<link>/world/talks-resume</link>",
        "<link>https://feeds.feedburner.example/~r/x/~3/abc/</link>"
        "<feedburner:origLink>https://news.example.org/world/talks-original</feedburner:origLink>",
    ).replace("<rss ", '<rss xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0" ')
    urls = [item.url for item in feed(text).items]
    assert "https://news.example.org/world/talks-original" in urls


def test_max_items_keeps_the_newest() -> None:
    items = "".join(
        f"<item><title>Story {i}</title><link>https://news.example.org/s/{i}</link>"
        f"<pubDate>Tue, {1 + i:02d} Dec 2026 10:00:00 GMT</pubDate></item>"
        for i in range(20)
    )
    result = feed(f'<rss version="2.0"><channel>{items}</channel></rss>', max_items=5)
    assert [item.url.rsplit("/", 1)[1] for item in result.items] == ["19", "18", "17", "16", "15"]
    assert result.entries == 20


def test_charset_from_content_type_is_honoured() -> None:
    text = '<rss version="2.0"><channel><item><title>Grève générale</title>'
    text += "<link>https://news.example.org/fr/greve</link></item></channel></rss>"
    result = feed(text.encode("iso-8859-1"), content_type="text/xml; charset=iso-8859-1")
    assert result.items[0].title == "Grève générale"


def test_utf16_feed() -> None:
    result = feed(RSS10.replace('<?xml version="1.0"?>', "").encode("utf-16"))
    assert result.items[0].title == "Un incendie maîtrisé près du port"


def test_bare_ampersands_and_html_entities_are_repaired_not_partial() -> None:
    text = '<rss version="2.0"><channel><item><title>Rain&nbsp;&amp; wind</title>'
    text += "<link>https://news.example.org/a?id=1&page=2</link></item></channel></rss>"
    result = feed(text)
    assert result.status == "ok"
    [item] = result.items
    assert item.url == "https://news.example.org/a?id=1&page=2"
    assert item.title == "Rain & wind"


def test_broken_feed_with_entries_is_partial() -> None:
    text = RSS20.replace("<channel>", "<channel><undeclared:thing>x</undeclared:thing>", 1)
    result = feed(text)
    assert result.status == "partial"
    assert "unbound prefix" in result.detail
    assert len(result.items) == 3


def test_a_cut_off_last_entry_is_dropped() -> None:
    text = '<rss version="2.0"><channel><item><link>https://news.example.org/a</link></item>'
    text += "<item><title>B</title><link>https://news.exam"
    result = feed(text)
    assert result.status == "partial"
    assert [item.url for item in result.items] == ["https://news.example.org/a"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "not_a_feed"),
        (b"   \n ", "not_a_feed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "not_a_feed"),
        (b"Service temporarily unavailable", "not_a_feed"),
        (
            b"<!DOCTYPE html><html><head><title>Home</title></head><body></body></html>",
            "not_a_feed",
        ),
        (b'<opml version="2.0"><body><outline text="x"/></body></opml>', "not_a_feed"),
        (b'{"status": "ok", "items": []}', "not_a_feed"),
        (b"[1, 2, 3]", "not_a_feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "malformed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "title": "x"}', "malformed"),
        (b'<rss version="2.0"><channel><title>Cut off', "malformed"),
        (NEWS_SITEMAP.encode(), "not_a_feed"),
        (b"\x1f\x8b\x08\x00garbage", "bad_gzip"),
    ],
)
def test_documents_that_are_not_feeds(content: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        feed(content)
    assert info.value.reason == reason
    assert info.value.where == FEED_URL


def test_an_empty_but_valid_feed_is_ok() -> None:
    result = feed('<rss version="2.0"><channel><title>Quiet</title></channel></rss>')
    assert result.status == "ok"
    assert result.items == []


def test_too_large() -> None:
    with pytest.raises(ParseError) as info:
        feed(RSS20, max_bytes=100)
    assert info.value.reason == "too_large"


def test_gzipped_feed_body() -> None:
    assert len(feed(gzip.compress(RSS20.encode())).items) == 3


@pytest.mark.timeout(60)
def test_a_100k_entry_feed_is_capped_keeping_the_newest() -> None:
    # Oldest first, so the cap must rank by date rather than keep the document's head.
    parts = ['<?xml version="1.0"?><rss version="2.0"><channel><title>Archive</title>']
    for i in range(100_000):
        day, hour = divmod(i, 24)
        parts.append(
            f"<item><title>Bulletin {i}</title><link>https://news.example.org/b/{i}</link>"
            f"<pubDate>{1 + day % 28:02d} {('Jan', 'Feb', 'Mar')[day // 28 % 3]} "
            f"{2000 + day // 84} {hour:02d}:00:00 GMT</pubDate></item>"
        )
    parts.append("</channel></rss>")
    result = feed("".join(parts), max_items=50)
    assert result.entries == 100_000
    assert len(result.items) == 50
    assert result.items[0].url == "https://news.example.org/b/99999"
    assert result.items[-1].url == "https://news.example.org/b/99950"
    assert result.status == "ok"


@pytest.mark.timeout(30)
def test_a_huge_author_field_does_not_stall_the_parser() -> None:
    # feedparser's e-mail regex is quadratic: 100 kB of "a" alone would take minutes.
    author = "a" * 100_000
    text = '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
    text += f"<item><link>https://news.example.org/x</link><author>{author}</author>"
    text += f"<dc:creator><![CDATA[{author}]]></dc:creator></item></channel></rss>"
    result = feed(text)
    assert [item.url for item in result.items] == ["https://news.example.org/x"]


def test_a_large_broken_document_is_repaired_by_lxml() -> None:
    body = "".join(
        f"<item><title>T{i}</title><link>https://news.example.org/r/{i}</link>"
        f"<description>{'word ' * 200}</description></item>"
        for i in range(600)
    )
    text = f'<rss version="2.0"><channel><junk:x>1</junk:x>{body}</channel></rss>'
    result = feed(text, max_items=1000)
    assert result.status == "partial"
    assert len(result.items) == 600


# -------------------------------------------------------------------------- security

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><item><title>&lol9;</title>
<link>https://news.example.org/lol</link></item></channel></rss>
"""


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A loopback socket that records whether anything tried to connect to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server
    server.close()


def connection_attempted(server: socket.socket) -> bool:
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True


def external_entity_documents(port: int) -> list[str]:
    target = f"http://127.0.0.1:{port}/secret"
    rss_body = (
        '<rss version="2.0"><channel><item><title>&ext;</title>'
        "<link>https://news.example.org/x</link></item></channel></rss>"
    )
    urlset = "<urlset><url><loc>https://news.example.org/x&ext;</loc></url></urlset>"
    return [
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY ext SYSTEM "{target}">]>{rss_body}',
        f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{target}"> %p;]>{rss_body}',
        f'<!DOCTYPE urlset [<!ENTITY ext SYSTEM "{target}">]>{urlset}',
    ]


def test_entity_declarations_are_refused(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    for text in [BILLION_LAUGHS, *external_entity_documents(port)]:
        for parse in (feed, sitemap):
            with pytest.raises(ParseError) as info:
                parse(text)
            assert info.value.reason == "unsafe_xml"
    assert not connection_attempted(listener)


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-16"),
        lambda text: text.encode("utf-16-be"),
        lambda text: text.replace('<?xml version="1.0"?>', "").encode("utf-32"),
        lambda text: (
            text.replace('version="1.0"?>', 'version="1.0" encoding="utf-7"?>')
            .replace("<!ENTITY", "+ADw-!ENTITY")
            .encode()
        ),
        lambda text: text.replace('version="1.0"?>', 'version="1.0" encoding="cp037"?>').encode(
            "cp037"
        ),
    ],
    ids=["utf-16", "utf-16-be", "utf-32", "utf-7", "ebcdic"],
)
def test_entity_declarations_are_found_in_any_encoding(encode: object) -> None:
    with pytest.raises(ParseError) as info:
        feed(encode(BILLION_LAUGHS))  # type: ignore[operator]
    assert info.value.reason == "unsafe_xml"


def test_entity_declarations_hidden_behind_a_fake_subset_end_are_found() -> None:
    text = '<!DOCTYPE rss [ <!-- ]> <rss --> <!ENTITY a "b"> ]><rss version="2.0"/>'
    with pytest.raises(ParseError) as info:
        feed(text)
    assert info.value.reason == "unsafe_xml"


def test_the_word_entity_inside_content_is_not_a_declaration() -> None:
    text = RSS20.replace(
        "<title>Guid-only story</title>",
        "<title>How XXE works</title><description><![CDATA[<!ENTITY x>]]></description>",
    )
    assert feed(text).status == "ok"


def test_external_dtds_are_never_fetched(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    doctype = f'<!DOCTYPE rss SYSTEM "http://127.0.0.1:{port}/rss.dtd">'
    result = feed(RSS20.replace("<rss ", doctype + "<rss ", 1))
    assert len(result.items) == 3
    index = SITEMAP_INDEX.replace(
        "<sitemapindex", f'<!DOCTYPE s SYSTEM "http://127.0.0.1:{port}/s.dtd"><sitemapindex'
    )
    assert len(sitemap(index).children) == 4
    assert not connection_attempted(listener)


def test_feedparser_only_ever_gets_a_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    # Handed bytes or str, feedparser tries open() on them and fetches http(s) strings.
    import feedparser

    seen: list[object] = []
    real_parse = feedparser.parse

    def recording_parse(source: object, **kwargs: object) -> object:
        seen.append(source)
        return real_parse(source, **kwargs)

    monkeypatch.setattr(feedparser, "parse", recording_parse)
    feed(RSS20)
    feed(b"<rss version='2.0'><channel><item><link>/etc/hostname</link></item></channel></rss>")
    assert len(seen) == 2
    assert all(hasattr(source, "read") for source in seen)


# ---------------------------------------------------------------------------- sitemaps


def test_news_sitemap() -> None:
    result = sitemap(NEWS_SITEMAP)
    assert (result.kind, result.status, result.children) == ("urlset", "ok", [])
    quake, older = result.items
    assert quake.url == "https://news.example.org/world/quake-toll-rises"
    assert quake.title == "Quake toll rises to 255"
    assert quake.published == utc(2026, 11, 6, 7, 0)
    assert quake.lastmod == utc(2026, 11, 6, 10, 5)
    assert quake.lang == "en"
    assert quake.found_in == SITEMAP_URL
    assert older.url == "https://news.example.org/world/older"
    assert older.lastmod == utc(2026, 11, 1)
    assert (older.title, older.published, older.lang) == (None, None, None)
    assert "1 entries without" in result.detail


def test_sitemap_index_lists_children_newest_first() -> None:
    result = sitemap(SITEMAP_INDEX)
    assert result.kind == "index"
    assert result.items == []
    assert result.children == [
        "https://news.example.org/sitemap-2026-11.xml",
        "https://news.example.org/sitemap-2026-10.xml",
        "https://news.example.org/sitemap-2026-09.xml",
        "https://news.example.org/sitemap-static.xml",
    ]


def test_gzipped_sitemap() -> None:
    assert len(sitemap(gzip.compress(NEWS_SITEMAP.encode())).items) == 2


def test_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b" " * 60_000_000)
    with pytest.raises(ParseError) as info:
        sitemap(bomb)
    assert info.value.reason == "too_large"


def test_text_sitemap_with_bom() -> None:
    text = "\ufeffhttps://news.example.org/a\n\nhttps://news.example.org/b?utm_source=x\nnope\n"
    result = sitemap(text)
    assert [item.url for item in result.items] == [
        "https://news.example.org/a",
        "https://news.example.org/b",
    ]
    assert result.status == "partial"


def test_sitemap_without_or_with_a_wrong_namespace() -> None:
    plain = re.sub(r"\sxmlns(:\w+)?=\"[^\"]*\"", "", NEWS_SITEMAP)
    wrong = NEWS_SITEMAP.replace("sitemaps.org/schemas/sitemap/0.9", "example.com/wrong")
    for text in (plain, wrong):
        result = sitemap(text)
        assert result.status == "ok"
        assert result.items[0].title == "Quake toll rises to 255"


def test_truncated_sitemap_is_partial_without_the_cut_url() -> None:
    cut = NEWS_SITEMAP[: NEWS_SITEMAP.index("world/older") + 3]
    result = sitemap(cut)
    assert result.status == "partial"
    assert [item.url for item in result.items] == [
        "https://news.example.org/world/quake-toll-rises"
    ]


def test_sitemap_with_bare_ampersands() -> None:
    text = "<urlset><url><loc>https://news.example.org/a?id=1&page=2</loc></url></urlset>"
    result = sitemap(text)
    assert result.status == "ok"
    assert result.items[0].url == "https://news.example.org/a?id=1&page=2"


def test_a_feed_used_as_a_sitemap() -> None:
    result = sitemap(ATOM10)
    assert result.kind == "feed"
    assert len(result.items) == 2


def test_sitemap_cap_keeps_the_newest() -> None:
    urls = "".join(
        f"<url><loc>https://news.example.org/p/{i}</loc>"
        f"<lastmod>2026-11-{1 + i:02d}</lastmod></url>"
        for i in range(20)
    )
    result = sitemap(f"<urlset>{urls}</urlset>", max_items=3)
    assert [item.url[-2:] for item in result.items] == ["19", "18", "17"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "not_a_sitemap"),
        (b"<html><body>Not found</body></html>", "not_a_sitemap"),
        (b"User-agent: *\nDisallow: /\n", "not_a_sitemap"),
        (b"<urlset><url><loc>https://x.example/</loc><<<<", "malformed"),
        (b"<urlset><url><loc>ftp://x.example/a</loc></url></urlset>", "malformed"),
        (b"<!-- nothing -->", "not_a_sitemap"),
    ],
)
def test_documents_that_are_not_sitemaps(content: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        sitemap(content)
    assert info.value.reason == reason


# ------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon, 02 Nov 2026 10:15:00 +0000", utc(2026, 11, 2, 10, 15)),
        ("Mon, 02 Nov 2026 10:15:00 GMT", utc(2026, 11, 2, 10, 15)),
        ("2 Nov 2026 10:15 +0130", utc(2026, 11, 2, 8, 45)),
        ("Mon, 02 Nov 2026 10:15:00 EST", utc(2026, 11, 2, 15, 15)),
        ("2026-11-02T10:15:00Z", utc(2026, 11, 2, 10, 15)),
        ("2026-11-02T10:15:00.250+05:30", utc(2026, 11, 2, 4, 45, 0, 250_000)),
        ("2026-11-02T10:15:00", utc(2026, 11, 2, 10, 15)),
        ("2026-11-02", utc(2026, 11, 2)),
        ("2026-11", utc(2026, 11, 1)),
        ("  2026-11-02T10:15:00Z \n", utc(2026, 11, 2, 10, 15)),
        ("Mon, 31 Feb 2026 10:00:00 GMT", None),
        ("0000-00-00", None),
        ("yesterday", None),
        ("", None),
        ("9" * 500, None),
        (None, None),
        (1234567890, None),
    ],
)
def test_parse_date(text: object, expected: datetime | None) -> None:
    parsed = parse_date(text)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is UTC


# ------------------------------------------------------------------------------ corpus

FEED_CORPORA = ("feeds_feedparser_testsuite", "feeds_real_world")
NOT_DATA = {"SOURCE.md", "LICENSE.upstream"}


def corpus_files(name: str) -> list[Path]:
    root = CORPORA / name
    if not root.is_dir():
        pytest.skip(f"corpus {name} is absent")
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name not in NOT_DATA)


@pytest.mark.corpus
@pytest.mark.parametrize("name", FEED_CORPORA)
def test_every_corpus_feed_parses_or_raises_parse_error(name: str) -> None:
    outcomes: dict[str, int] = {}
    for path in corpus_files(name):
        try:
            result = parse_feed(path.read_bytes(), f"https://corpus.example/{path.name}", "c")
            outcome = result.status
            assert all(item.url.startswith(("http://", "https://")) for item in result.items)
            assert all(
                item.published is None or item.published.tzinfo is UTC for item in result.items
            )
        except ParseError as exc:
            outcome = exc.reason
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    readable = outcomes.get("ok", 0) + outcomes.get("partial", 0)
    assert readable >= 0.75 * sum(outcomes.values()), outcomes


@pytest.mark.corpus
def test_every_corpus_sitemap_parses_with_the_expected_url_count() -> None:
    for path in corpus_files("sitemaps_real_world"):
        content = path.read_bytes()
        result = parse_sitemap(content, f"https://corpus.example/{path.name}", "c")
        assert result.status == "ok", path
        raw = gzip.decompress(content) if content[:2] == b"\x1f\x8b" else content
        if result.kind in ("urlset", "index") and raw.lstrip().startswith(b"<"):
            expected = len(re.findall(rb"<(?:\w+:)?(?:url|sitemap)[\s>]", raw))
            assert len(result.items) + len(result.children) == expected, path
