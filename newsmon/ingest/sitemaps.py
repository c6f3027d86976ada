"""Find article URLs in sitemaps; parse bytes someone else fetched, never fetch.

``parse_sitemap`` reads sitemap urlsets and indexes (XML, gzipped XML or plain text, with the
Google News extension, any or no namespace) through lxml's iterparse, and hands an RSS/Atom
document used as a sitemap to ``parse_feed``. Items are newest first when dated, else in
document order, at most ``max_items``; index children newest lastmod first.

The result's ``status`` is "ok", or "partial" when the document was broken yet gave entries.
A document that gives nothing raises ``ParseError`` (not_a_sitemap, malformed, unsafe_xml,
too_large, bad_gzip; see feeds.py).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree

from newsmon.core.errors import ParseError
from newsmon.core.languages import language_tag
from newsmon.core.records import DiscoveredItem
from newsmon.core.urls import canonical_url
from newsmon.ingest.dates import parse_date, timestamp
from newsmon.ingest.feeds import NewestItems, clean_title, is_http, parse_feed
from newsmon.ingest.xmlprep import (
    SAFE_XML,
    clip,
    ends_inside,
    first_char,
    localname,
    prepare_document,
    repair_refs,
    root_name,
)

__all__ = ["DEFAULT_MAX_SITEMAP_BYTES", "SitemapParse", "parse_sitemap"]

DEFAULT_MAX_SITEMAP_BYTES = 52_428_800  # sitemaps.org: at most 50 MiB uncompressed


@dataclass(frozen=True)
class SitemapParse:
    """The article URLs and child sitemaps one sitemap document gave."""

    items: list[DiscoveredItem]  # newest first when dated, else document order
    children: list[str] = field(default_factory=list)  # index only: newest lastmod first
    kind: str = "urlset"  # "urlset" | "index" | "feed" (an RSS/Atom feed used as a sitemap)
    status: str = "ok"  # "ok" | "partial"
    detail: str = ""


# ------------------------------------------------------------------------------ sitemaps


def parse_sitemap(
    content: bytes,
    url: str,
    source_id: str,
    *,
    max_items: int = 50_000,
    max_bytes: int = DEFAULT_MAX_SITEMAP_BYTES,
) -> SitemapParse:
    """Parse a sitemap urlset or index (XML, gzipped XML or plain text) fetched from ``url``."""
    data, _ = prepare_document(content, url, max_bytes, "not_a_sitemap")
    root = root_name(data)
    if root is None:
        if first_char(data) == b"<":
            raise ParseError(url, "not_a_sitemap", "no root element")
        return _parse_text_sitemap(data, url, source_id, max_items)
    name = localname(root).lower()
    if name in ("rss", "feed", "rdf"):
        # sitemaps.org accepts RSS 2.0 and Atom feeds as sitemaps.
        try:
            feed = parse_feed(data, url, source_id, max_items=max_items, max_bytes=max_bytes)
        except ParseError as exc:
            reason = "not_a_sitemap" if exc.reason == "not_a_feed" else exc.reason
            raise ParseError(url, reason, exc.detail) from exc
        return SitemapParse(feed.items, [], "feed", feed.status, feed.detail)
    if name not in ("urlset", "sitemapindex"):
        raise ParseError(url, "not_a_sitemap", f"root element <{root}>")
    return _parse_xml_sitemap(data, url, source_id, max_items, name)


def _parse_xml_sitemap(
    data: bytes, url: str, source_id: str, max_items: int, root_name: str
) -> SitemapParse:
    items = NewestItems(max_items)
    children: dict[str, datetime | None] = {}
    skipped = 0
    data = repair_refs(data)
    events = etree.iterparse(
        io.BytesIO(data),
        events=("end",),
        tag=("{*}url", "{*}sitemap"),
        recover=True,
        **SAFE_XML,
    )
    # Each entry is kept back until the next one arrives: when the document is cut off
    # inside the last entry, recovery closes it and its <loc> is a truncated URL.
    pending: DiscoveredItem | tuple[str, datetime | None] | None = None
    try:
        for _, el in events:
            entry = (
                _sitemap_item(el, url, source_id)
                if localname(el.tag) == "url"
                else _sitemap_child(el, url)
            )
            _release(el)
            if entry is None:
                skipped += 1
                continue
            _keep_sitemap_entry(pending, items, children)
            pending = entry
    except etree.XMLSyntaxError as exc:  # recover=True raises only when nothing can be read
        problem = clip(str(exc))
    else:
        problem = clip("; ".join(_lost_data_errors(events.error_log)))
    if not (problem and ends_inside(_SITEMAP_ENTRY_OPEN, _SITEMAP_ENTRY_CLOSE, data)):
        _keep_sitemap_entry(pending, items, children)
    found = items.result()
    if not found and not children:
        if problem:
            raise ParseError(url, "malformed", problem)
        if skipped:
            raise ParseError(url, "malformed", f"{skipped} entries without a usable URL")
    details = [problem] if problem else []
    if skipped:
        details.append(f"{skipped} entries without a usable http(s) URL")
    ordered = sorted(children, key=lambda child: -timestamp(children[child]))  # stable
    return SitemapParse(
        items=found,
        children=ordered[:max_items],
        kind="index" if root_name == "sitemapindex" else "urlset",
        status="partial" if problem else "ok",
        detail=clip("; ".join(details)),
    )


_SITEMAP_ENTRY_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:url|sitemap)[\s/>]")
_SITEMAP_ENTRY_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:url|sitemap)\s*>")


def _keep_sitemap_entry(
    entry: DiscoveredItem | tuple[str, datetime | None] | None,
    items: NewestItems,
    children: dict[str, datetime | None],
) -> None:
    if isinstance(entry, DiscoveredItem):
        items.add(entry)
    elif entry is not None:
        children.setdefault(entry[0], entry[1])


def _lost_data_errors(error_log: Any) -> list[str]:
    """Return libxml2's errors, leaving out warnings and namespace errors (we match names)."""
    return [
        str(error)
        for error in error_log
        if error.level_name in ("ERROR", "FATAL") and error.domain_name != "NAMESPACE"
    ][:3]


def _sitemap_item(el: Any, sitemap_url: str, source_id: str) -> DiscoveredItem | None:
    fields = _child_texts(el)
    try:
        canonical = canonical_url(_loc(el, fields), base=sitemap_url)
    except ParseError:
        return None
    news = fields.get("news")
    return DiscoveredItem(
        url=canonical,
        source_id=source_id,
        found_in=sitemap_url,
        title=clean_title(news.get("title"), "text/plain") if news else None,
        published=parse_date(news.get("publication_date")) if news else None,
        lastmod=parse_date(fields.get("lastmod")),
        lang=language_tag(news.get("language")) if news else None,
    )


def _sitemap_child(el: Any, sitemap_url: str) -> tuple[str, datetime | None] | None:
    fields = _child_texts(el)
    try:
        return canonical_url(_loc(el, fields), base=sitemap_url), parse_date(fields.get("lastmod"))
    except ParseError:
        return None


def _loc(el: Any, fields: dict[str, Any]) -> str:
    """Return the <loc> of a <url> or <sitemap>, or its own text when <loc> is missing.

    Locations must be absolute; a path from the root ("/news/1") is also taken, anything
    else ("not a url", "page.html") is not a location.
    """
    loc = fields["loc"] if "loc" in fields else (el.text or "").strip()
    return loc if is_http(loc) or loc.startswith("/") else ""


_NEWS_FIELDS = frozenset({"title", "publication_date"})


def _child_texts(el: Any) -> dict[str, Any]:
    """Read <loc> and <lastmod> and, under "news", <news:news>'s title, date and language.

    Only direct children count: an <image:loc> inside <image:image> is not the page's <loc>.
    """
    fields: dict[str, Any] = {}
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        name = localname(tag)
        if name == "news":
            news: dict[str, str] = {}
            for sub in child:
                if not isinstance(sub.tag, str):
                    continue
                sub_name = localname(sub.tag)
                if sub_name in _NEWS_FIELDS:
                    news.setdefault(sub_name, (sub.text or "").strip())
                elif sub_name == "publication":
                    for part in sub:
                        if isinstance(part.tag, str) and localname(part.tag) == "language":
                            news.setdefault("language", (part.text or "").strip())
            fields.setdefault("news", news)
        elif name not in fields:
            fields[name] = (child.text or "").strip()
    return fields


def _release(el: Any) -> None:
    """Free an element that has been read, and its already-read siblings."""
    el.clear(keep_tail=True)
    parent = el.getparent()
    if parent is not None and parent.getparent() is None:  # only direct children of the root
        while el.getprevious() is not None:
            del parent[0]


def _parse_text_sitemap(data: bytes, url: str, source_id: str, max_items: int) -> SitemapParse:
    lines = [line.strip() for line in data.decode("utf-8-sig", "replace").splitlines()]
    lines = [line for line in lines if line]
    if not lines or not is_http(lines[0]):
        raise ParseError(url, "not_a_sitemap", "neither XML nor a list of URLs")
    items = NewestItems(max_items)
    skipped = 0
    for line in lines:
        try:
            items.add(DiscoveredItem(canonical_url(line), source_id, found_in=url))
        except ParseError:
            skipped += 1
    return SitemapParse(
        items=items.result(),
        kind="urlset",
        status="partial" if skipped else "ok",
        detail=f"{skipped} lines that are not http(s) URLs" if skipped else "",
    )
