"""Feeds, sitemaps and robots.txt for the news outlets.

Feed bytes depend only on what is published (the tick), never on the site clock, so a
conditional GET after ``touch()`` still answers 304.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from .scenario import OUTLETS, Moment
from .stories import Story

XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
# Meridian's feed links carry tracking parameters, as many real feeds do.
MERIDIAN_TRACKING = "?utm_source=rss&utm_medium=feed&utm_campaign=world"


def feed_last_modified(moment: Moment, outlet: str) -> datetime:
    """Return the newest edit among the outlet's live articles (the feed's Last-Modified)."""
    times = [moment.modified(s) for s in moment.live(outlet)]
    return max(t for t in times if t is not None)


def _rfc822(moment_time: datetime) -> str:
    return format_datetime(moment_time, usegmt=True)


def _iso(when: datetime, outlet: str) -> str:
    return when.astimezone(OUTLETS[outlet].tz).isoformat(timespec="seconds")


def _article_id(story: Story) -> str:
    digits = "".join(c for c in story.path if c.isdigit())
    return digits or story.key


def meridian_rss(moment: Moment, base: str) -> bytes:
    """Return meridian's RSS 2.0 feed."""
    items = []
    for story in moment.live("meridian"):
        _, text = moment.version(story) or (0, None)
        assert text is not None
        categories = "".join(f"<category>{escape(t)}</category>" for t in story.tags)
        items.append(
            "<item>"
            f"<title>{escape(text.title)}</title>"
            f"<link>{escape(base + story.path + MERIDIAN_TRACKING)}</link>"
            f'<guid isPermaLink="false">meridian-{_article_id(story)}</guid>'
            f"<description><![CDATA[<p>{escape(text.summary)}</p>]]></description>"
            f"<pubDate>{_rfc822(moment.published(story))}</pubDate>"
            f"<dc:creator>{escape(story.author)}</dc:creator>"
            f"{categories}"
            f'<media:thumbnail url="{base}/img/{_article_id(story)}-thumb.jpg" width="240"/>'
            "</item>"
        )
    return (
        XML_DECL + '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:media="http://search.yahoo.com/mrss/">\n<channel>\n'
        "<title>The Meridian Herald - Latest</title>\n"
        f"<link>{base}/</link>\n"
        f'<atom:link href="{base}/rss.xml" rel="self" type="application/rss+xml"/>\n'
        "<description>News, analysis and comment from The Meridian Herald</description>\n"
        "<language>en-gb</language>\n"
        f"<lastBuildDate>{_rfc822(feed_last_modified(moment, 'meridian'))}</lastBuildDate>\n"
        "<ttl>15</ttl>\n" + "\n".join(items) + "\n</channel>\n</rss>\n"
    ).encode()


def courrier_atom(moment: Moment, base: str) -> bytes:
    """Return courrier's Atom feed (dates in its +02:00 time zone)."""
    entries = []
    for story in moment.live("courrier"):
        _, text = moment.version(story) or (0, None)
        assert text is not None
        modified = moment.modified(story)
        assert modified is not None
        url = base + story.path
        entries.append(
            "<entry>"
            f"<id>tag:courrier-continental.test,2011:article-{_article_id(story)}</id>"
            f'<title type="text">{escape(text.title)}</title>'
            f'<link rel="alternate" type="text/html" href={quoteattr(url)}/>'
            f"<published>{_iso(moment.published(story), 'courrier')}</published>"
            f"<updated>{_iso(modified, 'courrier')}</updated>"
            f"<author><name>{escape(story.author)}</name></author>"
            f"<category term={quoteattr(story.section)}/>"
            f'<summary type="html">{escape("<p>" + escape(text.summary) + "</p>")}</summary>'
            "</entry>"
        )
    return (
        XML_DECL + '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">\n'
        "<id>tag:courrier-continental.test,2011:une</id>\n"
        "<title>Le Courrier continental - À la une</title>\n"
        "<subtitle>L'actualité en continu</subtitle>\n"
        f"<updated>{_iso(feed_last_modified(moment, 'courrier'), 'courrier')}</updated>\n"
        f'<link rel="self" type="application/atom+xml" href="{base}/feeds/une.atom"/>\n'
        f'<link rel="alternate" type="text/html" href="{base}/"/>\n'
        "<generator>Courrier CMS 4.2</generator>\n" + "\n".join(entries) + "\n</feed>\n"
    ).encode()


def harbor_sitemap_index(moment: Moment, base: str) -> bytes:
    """Return harbor's sitemap index: the news sitemap and an old static-pages sitemap."""
    news_lastmod = _iso(feed_last_modified(moment, "harbor"), "harbor")
    pages_lastmod = _iso(static_lastmod(moment), "harbor")
    return (
        XML_DECL + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"<sitemap><loc>{base}/sitemaps/news.xml</loc><lastmod>{news_lastmod}</lastmod>"
        "</sitemap>\n"
        f"<sitemap><loc>{base}/sitemaps/pages.xml</loc><lastmod>{pages_lastmod}</lastmod>"
        "</sitemap>\n</sitemapindex>\n"
    ).encode()


def static_lastmod(moment: Moment) -> datetime:
    return (moment.tick_starts[0] - timedelta(days=400)).replace(hour=9, minute=0, second=0)


def harbor_news_sitemap(moment: Moment, base: str) -> bytes:
    """Return harbor's Google News sitemap."""
    urls = []
    for story in moment.live("harbor"):
        _, text = moment.version(story) or (0, None)
        assert text is not None
        modified = moment.modified(story)
        assert modified is not None
        urls.append(
            f"<url><loc>{escape(base + story.path)}</loc>"
            f"<lastmod>{_iso(modified, 'harbor')}</lastmod>"
            "<news:news><news:publication><news:name>The Harbor Post</news:name>"
            "<news:language>en</news:language></news:publication>"
            f"<news:publication_date>{_iso(moment.published(story), 'harbor')}"
            "</news:publication_date>"
            f"<news:title>{escape(text.title)}</news:title>"
            f"<news:keywords>{escape(', '.join(story.tags))}</news:keywords>"
            "</news:news></url>"
        )
    return (
        XML_DECL + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        + "\n".join(urls)
        + "\n</urlset>\n"
    ).encode()


def harbor_pages_sitemap(moment: Moment, base: str) -> bytes:
    """Return harbor's sitemap of static pages, last modified long ago."""
    lastmod = _iso(static_lastmod(moment), "harbor")
    return (
        XML_DECL + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"<url><loc>{base}/about/</loc><lastmod>{lastmod}</lastmod>"
        "<changefreq>yearly</changefreq></url>\n</urlset>\n"
    ).encode()


def valley_json_feed(moment: Moment, base: str) -> bytes:
    """Return valley's JSON Feed 1.1."""
    items = []
    for story in moment.live("valley"):
        _, text = moment.version(story) or (0, None)
        assert text is not None
        modified = moment.modified(story)
        assert modified is not None
        items.append(
            {
                "id": _article_id(story),
                "url": base + story.path,
                "title": text.title,
                "summary": text.summary,
                "content_text": text.summary,
                "date_published": _iso(moment.published(story), "valley"),
                "date_modified": _iso(modified, "valley"),
                "authors": [{"name": story.author}],
                "tags": list(story.tags),
                "language": "en",
            }
        )
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "The Valley Ledger",
        "home_page_url": base + "/",
        "feed_url": base + "/feed.json",
        "language": "en",
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=1).encode()


def valley_rss(moment: Moment, base: str) -> bytes:
    """Return valley's minimal RSS 2.0 feed (served as text/xml, as older CMSs do)."""
    items = []
    for story in moment.live("valley"):
        _, text = moment.version(story) or (0, None)
        assert text is not None
        items.append(
            f"<item><title>{escape(text.title)}</title><link>{escape(base + story.path)}</link>"
            f"<guid>{escape(base + story.path)}</guid>"
            f"<pubDate>{_rfc822(moment.published(story))}</pubDate>"
            f"<description>{escape(text.summary)}</description></item>"
        )
    return (
        XML_DECL + '<rss version="2.0"><channel><title>The Valley Ledger</title>'
        f"<link>{base}/</link><description>Valley news</description>\n"
        + "\n".join(items)
        + "\n</channel></rss>\n"
    ).encode()


def robots_txt(outlet: str, base: str) -> bytes:
    """Return the outlet's robots.txt (with a Sitemap line where it has sitemaps)."""
    spec = OUTLETS[outlet]
    lines = spec.robots + "".join(f"\nSitemap: {base}{p}" for p in spec.sitemaps)
    return (lines.rstrip("\n") + "\n").encode()


# path -> (content type, builder), per outlet
FEEDS = {
    "meridian": {"/rss.xml": ("application/rss+xml; charset=utf-8", meridian_rss)},
    "courrier": {"/feeds/une.atom": ("application/atom+xml; charset=utf-8", courrier_atom)},
    "harbor": {
        "/sitemap_index.xml": ("application/xml; charset=utf-8", harbor_sitemap_index),
        "/sitemaps/news.xml": ("application/xml; charset=utf-8", harbor_news_sitemap),
        "/sitemaps/pages.xml": ("application/xml; charset=utf-8", harbor_pages_sitemap),
    },
    "valley": {
        "/feed.json": ("application/feed+json; charset=utf-8", valley_json_feed),
        "/rss": ("text/xml; charset=utf-8", valley_rss),
    },
}
