"""Find article URLs in feeds and sitemaps; parse bytes someone else fetched, never fetch.

``parse_feed`` reads RSS 0.9x/1.0/2.0, Atom 0.3/1.0 (through feedparser) and JSON Feed 1.0/1.1
(through ``json``); ``parse_sitemap`` reads sitemap urlsets and indexes (XML, gzipped XML or
plain text, with the Google News extension, any or no namespace) through lxml, and hands an
RSS/Atom document used as a sitemap to ``parse_feed``. Item URLs are ``canonical_url``s,
deduplicated, newest first (undated items after dated ones, in document order), at most
``max_items`` of them, the newest kept. Dates are tz-aware UTC; naive ones are taken as UTC;
unreadable ones are None.

Both return a small result whose ``status`` is "ok", or "partial" when the document was
broken (a parser had to recover) yet gave entries, some of which may be missing; ``detail``
says why and what was skipped. A document that gives nothing raises ``ParseError``:

    not_a_feed / not_a_sitemap   empty, binary, HTML, OPML, JSON that is not a JSON Feed...
    malformed                    looks like a feed or sitemap but no entry could be read
    unsafe_xml                   declares entities (<!ENTITY ...>): refused, never expanded
    too_large                    over ``max_bytes``, before or after gzip decompression
    bad_gzip                     a gzip body that does not decompress

Safety and bounded work:
- feedparser gets a ``BytesIO`` (given bytes or str it may open them as a path or URL), with
  ``resolve_relative_uris=False, sanitize_html=False`` (we read no HTML). External entities
  and DTDs are never loaded (expat with external general entities off; lxml with
  ``resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False``).
- A document declaring entities is refused before any parser runs: expat 2.5 limits
  billion-laughs amplification, but feedparser's loose parser expands the "safe" entities it
  keeps, so one large entity referenced a million times would still exhaust memory. UTF-16/32,
  EBCDIC and UTF-7 documents are first recoded to UTF-8 so that no encoding hides the markup.
- Bare "&" and HTML named references are repaired outside CDATA before parsing: they are the
  commonest reason a feed is not well-formed, and the strict parsers then read it whole.
- Author-like elements over 512 bytes are emptied: feedparser's e-mail regex is quadratic in
  their length (20 kB of "a" takes 2 s, 40 kB 12 s).
- Documents over 512 kB or with more than ``max_items`` entries go through lxml first: it
  keeps the newest ``max_items`` entries, empties body elements (description, content...),
  clips any text to 16 kB and repairs broken XML, so feedparser (0.26 ms an entry, and very
  slow on large broken input) only sees a small well-formed document. A 100,000-entry feed
  takes about 1.6 s of CPU instead of about 26 s.
"""

from __future__ import annotations

import codecs
import functools
import html
import html.entities
import io
import json
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser
from feedparser.datetimes import _parse_date as _feedparser_date  # the 15-format date parser
from lxml import etree

from newsmon.core.errors import ParseError
from newsmon.core.records import DiscoveredItem
from newsmon.core.urls import canonical_url

__all__ = ["FeedParse", "SitemapParse", "parse_date", "parse_feed", "parse_sitemap"]

DEFAULT_MAX_FEED_BYTES = 20_000_000  # settings.discover.max_feed_bytes
DEFAULT_MAX_SITEMAP_BYTES = 52_428_800  # sitemaps.org: at most 50 MiB uncompressed

_MAX_AUTHOR_BYTES = 512  # e-mail regex cost at 512 B is ~0.1 ms; real bylines are < 200 B
_MAX_TITLE_CHARS = 1_000
_MAX_DETAIL_CHARS = 300


@dataclass(frozen=True)
class FeedParse:
    """The article URLs one feed document gave, newest first."""

    items: list[DiscoveredItem]
    status: str  # "ok" | "partial" (the document was broken; some entries may be missing)
    detail: str = ""  # why partial, or what was skipped
    format: str = ""  # feedparser's version ("rss20", "atom10", "rss10"...) or "json1"/"json11"
    entries: int = 0  # entries in the document, before dropping URL-less ones, dedupe and cap


@dataclass(frozen=True)
class SitemapParse:
    """The article URLs and child sitemaps one sitemap document gave."""

    items: list[DiscoveredItem]  # newest first when dated, else document order
    children: list[str] = field(default_factory=list)  # index only: newest lastmod first
    kind: str = "urlset"  # "urlset" | "index" | "feed" (an RSS/Atom feed used as a sitemap)
    status: str = "ok"  # "ok" | "partial"
    detail: str = ""


# --------------------------------------------------------------------------------- feeds


def parse_feed(
    content: bytes,
    url: str,
    source_id: str,
    *,
    max_items: int = 500,
    content_type: str | None = None,
    max_bytes: int = DEFAULT_MAX_FEED_BYTES,
) -> FeedParse:
    """Parse an RSS, Atom or JSON Feed document fetched from ``url`` into canonical items."""
    data, recoded = _prepare(content, url, max_bytes, "not_a_feed", content_type)
    if recoded:
        content_type = _without_charset(content_type)
    first = _first_char(data)
    if first == b"{":
        return _parse_json_feed(data, url, source_id, max_items)
    if first != b"<" and b"<" not in data[:65_536]:
        raise ParseError(url, "not_a_feed", "no markup")
    root = _root_name(data)
    if root and _localname(root).lower() in ("html", "opml", "urlset", "sitemapindex"):
        raise ParseError(url, "not_a_feed", f"a <{root}> document")
    bounded = _bound_document(_repair_refs(data), url, max_items, content_type, root)
    if bounded.reserialised:
        content_type = _without_charset(content_type)
    data = _empty_long_authors(bounded.data)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers=headers,
        resolve_relative_uris=False,
        sanitize_html=False,
    )
    return _feed_result(parsed, data, url, source_id, max_items, bounded)


def _feed_result(
    parsed: Any, data: bytes, url: str, source_id: str, max_items: int, bounded: _Bounded
) -> FeedParse:
    entries = parsed.get("entries") or []
    version = parsed.get("version") or ""
    problem = _bozo_problem(parsed) or bounded.problem
    if problem and not bounded.reserialised and _ends_inside(_ENTRY_OPEN, _ENTRY_CLOSE, data):
        # Cut off inside the last entry: its link may be cut too.
        entries = entries[:-1]
    if not entries:
        if not version:
            raise ParseError(url, "not_a_feed", problem or "no feed elements")
        if problem:
            raise ParseError(url, "malformed", problem)
    feed = parsed.get("feed") or {}
    feed_lang = _lang_tag(_field(feed, "language"))
    items: list[DiscoveredItem] = []
    skipped = 0
    for entry in entries:
        item = _entry_item(entry, url, source_id, feed_lang)
        if item is None:
            skipped += 1
        else:
            items.append(item)
    items = _newest_unique(items, max_items)
    details = [problem] if problem else []
    if skipped:
        details.append(f"{skipped} entries without a usable http(s) URL")
    return FeedParse(
        items=items,
        status="partial" if problem else "ok",
        detail=_clip("; ".join(details)),
        format=version,
        entries=max(bounded.entries or 0, len(entries)),
    )


def _bozo_problem(parsed: Any) -> str:
    """Return why feedparser fell back to its loose parser, or "" if it did not."""
    if not parsed.get("bozo"):
        return ""
    exc = parsed.get("bozo_exception")
    # A missing or non-XML Content-Type, or a charset that disagrees with the document, is
    # reported but the strict parser still read the whole document.
    if isinstance(exc, feedparser.NonXMLContentType | feedparser.CharacterEncodingOverride):
        return ""
    return _clip(f"{type(exc).__name__}: {exc}") if exc else "malformed"


def _entry_item(
    entry: Any, feed_url: str, source_id: str, feed_lang: str | None
) -> DiscoveredItem | None:
    link = _entry_link(entry)
    if link is None:
        return None
    try:
        canonical = canonical_url(link, base=feed_url)
    except ParseError:
        return None
    updated = _from_struct(_field(entry, "updated_parsed"))
    published = (
        _from_struct(_field(entry, "published_parsed"))
        or _from_struct(_field(entry, "created_parsed"))
        or updated
    )
    title_detail = _field(entry, "title_detail") or {}
    lang = _lang_tag(_field(title_detail, "language")) or feed_lang
    return DiscoveredItem(
        url=canonical,
        source_id=source_id,
        found_in=feed_url,
        title=_clean_title(_field(entry, "title"), _field(title_detail, "type")),
        published=published,
        lastmod=updated,
        lang=lang,
    )


def _entry_link(entry: Any) -> str | None:
    """Return the entry's article link: rel=alternate, then <link>, then a URL-shaped guid."""
    # FeedBurner rewrites links to its (now dead) redirector and keeps the original here.
    origin = _field(entry, "feedburner_origlink")
    if _is_http(origin):
        return str(origin).strip()
    alternates = [
        link
        for link in _field(entry, "links") or []
        if isinstance(link, dict) and (_field(link, "rel") or "alternate") == "alternate"
    ]
    html_first = sorted(
        alternates, key=lambda link: (_field(link, "type") or "text/html") not in _HTML
    )
    for candidate in [*(_field(link, "href") for link in html_first), _field(entry, "link")]:
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    guid = _field(entry, "id")
    return guid.strip() if _is_http(guid) else None


_HTML = ("text/html", "application/xhtml+xml")


def _field(record: Any, key: str) -> Any:
    """Read one key of a feedparser dict without its aliases (updated_parsed falls back to
    published_parsed there, with a DeprecationWarning)."""
    return dict.get(record, key) if isinstance(record, dict) else None


def _clean_title(value: Any, kind: Any) -> str | None:
    if not isinstance(value, str):
        return None
    if kind in ("text/html", "application/xhtml+xml"):
        value = html.unescape(re.sub(r"<[^>]{0,2000}>", "", value))
    value = " ".join(value.split())
    return value[:_MAX_TITLE_CHARS] or None


# ---- JSON Feed (https://www.jsonfeed.org/version/1.1/)


def _parse_json_feed(data: bytes, url: str, source_id: str, max_items: int) -> FeedParse:
    claims = b"jsonfeed.org/version/" in data
    try:
        doc = json.loads(data.decode("utf-8-sig"), strict=False)  # allow raw control chars
    except (ValueError, RecursionError) as exc:
        reason = "malformed" if claims else "not_a_feed"
        raise ParseError(url, reason, f"invalid JSON: {_clip(str(exc))}") from exc
    if not isinstance(doc, dict):
        raise ParseError(url, "not_a_feed", "JSON that is not a JSON Feed")
    version = doc.get("version")
    raw_items = doc.get("items")
    if not isinstance(version, str) or "jsonfeed.org/version/" not in version:
        raise ParseError(url, "not_a_feed", "JSON that is not a JSON Feed")
    if not isinstance(raw_items, list):
        raise ParseError(url, "malformed", "JSON Feed without an items list")
    feed_lang = _lang_tag(doc.get("language"))
    items: list[DiscoveredItem] = []
    skipped = 0
    for raw in raw_items:
        item = _json_item(raw, url, source_id, feed_lang) if isinstance(raw, dict) else None
        if item is None:
            skipped += 1
        else:
            items.append(item)
    return FeedParse(
        items=_newest_unique(items, max_items),
        status="ok",
        detail=f"{skipped} entries without a usable http(s) URL" if skipped else "",
        format="json11" if version.rstrip("/").endswith("1.1") else "json1",
        entries=len(raw_items),
    )


def _json_item(
    raw: dict[str, Any], feed_url: str, source_id: str, feed_lang: str | None
) -> DiscoveredItem | None:
    candidates = [raw.get("url"), raw.get("external_url")]
    if _is_http(raw.get("id")):
        candidates.append(raw["id"])
    canonical = None
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            try:
                canonical = canonical_url(candidate, base=feed_url)
                break
            except ParseError:
                continue
    if canonical is None:
        return None
    updated = parse_date(raw.get("date_modified"))
    return DiscoveredItem(
        url=canonical,
        source_id=source_id,
        found_in=feed_url,
        title=_clean_title(raw.get("title"), "text/plain"),
        published=parse_date(raw.get("date_published")) or updated,
        lastmod=updated,
        lang=_lang_tag(raw.get("language")) or feed_lang,
    )


# ---- bounding work before feedparser runs

_FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel"})
_ENTRY_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]")
_ENTRY_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")
_DATE_NAMES = ("published", "pubDate", "issued", "created", "date", "updated", "modified")
_DATE_TAGS = tuple(f"{{*}}{name}" for name in _DATE_NAMES)


# feedparser's loose parser (used when expat refuses a document) is slow on hostile input:
# 10 MB of "<" takes 23 s, a 6 MB start tag 4 s. Past this size lxml repairs the document first.
_LOOSE_LIMIT = 512 * 1024


@dataclass(frozen=True)
class _Bounded:
    data: bytes
    reserialised: bool = False  # re-written by lxml as UTF-8: a charset header no longer applies
    entries: int | None = None  # entries counted in the original, when counted
    problem: str = ""  # why lxml needed recovery mode


def _bound_document(
    data: bytes, url: str, max_items: int, content_type: str | None, root_name: str | None
) -> _Bounded:
    """Keep the newest ``max_items`` entries and repair large broken documents with lxml."""
    count = sum(1 for _ in _ENTRY_OPEN.finditer(data))
    if count <= max_items and len(data) <= _LOOSE_LIMIT:
        return _Bounded(data)
    root, problem = _lxml_root(data, _charset(content_type))
    if root is None:
        if len(data) > _LOOSE_LIMIT:
            known = root_name is not None and _localname(root_name).lower() in _FEED_ROOTS
            raise ParseError(url, "malformed" if known else "not_a_feed", problem)
        # Small but unreadable by lxml: feedparser's loose parser gets the first entries,
        # the order feeds are written in.
        cut = _nth_match_start(_ENTRY_OPEN, data, max_items)
        return _Bounded(data[:cut] if cut is not None else data, entries=count)
    _slim(root, recovered=bool(problem))
    # Recovery can nest entries inside a broken one; count and rank them all alike.
    entries = [el for el in root.iter("{*}item", "{*}entry")]
    if problem and entries and _ends_inside(_ENTRY_OPEN, _ENTRY_CLOSE, data):
        # Cut off inside the last entry: recovery closed it, but its link may be cut too.
        last = entries.pop()
        if last.getparent() is not None:
            last.getparent().remove(last)
    if len(entries) > max_items:
        dates = _entry_dates(root)
        ranked = sorted(range(len(entries)), key=lambda i: (-_timestamp(dates.get(entries[i])), i))
        for index in ranked[max_items:]:
            parent = entries[index].getparent()
            if parent is not None:
                parent.remove(entries[index])
    serialised = etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=True)
    return _Bounded(serialised, reserialised=True, entries=len(entries), problem=problem)


# Elements that carry article bodies, which discovery never reads, and the longest text or
# attribute value kept elsewhere (far above any title or URL).
_BULKY = frozenset(
    {"description", "encoded", "content", "summary", "subtitle", "tagline", "abstract", "body"}
)
_MAX_NODE_CHARS = 16_384


def _slim(root: Any, recovered: bool) -> None:
    """Empty body elements and clip long text, so feedparser's work stays small."""
    for el in list(root.iter(*_BULKY_TAGS)):
        el.clear(keep_tail=True)
    for text in _LONG_TEXT(root):
        parent = text.getparent()
        if parent is None:
            continue
        if text.is_tail:
            parent.tail = text[:_MAX_NODE_CHARS]
        else:
            parent.text = text[:_MAX_NODE_CHARS]
    for value in _LONG_ATTRIBUTE(root):
        value.getparent().set(value.attrname, value[:_MAX_NODE_CHARS])
    if recovered:
        # Recovery keeps repeated attributes (x="1" x="1"...), which expat then refuses.
        for el in _MANY_ATTRIBUTES(root):
            attributes = dict(el.attrib)
            el.attrib.clear()
            el.attrib.update(attributes)


_BULKY_TAGS = tuple(f"{{*}}{name}" for name in sorted(_BULKY))
_LONG_TEXT = etree.XPath(f"//text()[string-length(.) > {_MAX_NODE_CHARS}]")
_LONG_ATTRIBUTE = etree.XPath(f"//@*[string-length(.) > {_MAX_NODE_CHARS}]")
_MANY_ATTRIBUTES = etree.XPath("//*[count(@*) > 32]")


def _entry_dates(root: Any) -> dict[Any, datetime | None]:
    """Map each entry element to its first date child, by ``_DATE_NAMES`` priority."""
    texts: dict[Any, dict[str, str]] = {}
    for el in root.iter(*_DATE_TAGS):
        parent = el.getparent()
        if parent is not None and el.text:
            texts.setdefault(parent, {}).setdefault(_localname(el.tag), el.text)
    dates: dict[Any, datetime | None] = {}
    for parent, found in texts.items():
        name = next((n for n in _DATE_NAMES if n in found), None)
        dates[parent] = parse_date(found[name]) if name else None
    return dates


def _nth_match_start(pattern: re.Pattern[bytes], data: bytes, n: int) -> int | None:
    for index, match in enumerate(pattern.finditer(data)):
        if index == n:
            return match.start()
    return None


_AUTHOR_OPEN = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(author|creator|publisher|managingeditor|webmaster|owner)"
    rb"(?:\s[^<>]*)?>",
    re.I,
)


def _empty_long_authors(data: bytes) -> bytes:
    """Empty author-like elements longer than ``_MAX_AUTHOR_BYTES`` (we never read them)."""
    out: list[bytes] = []
    kept = 0  # data[:kept] is already in out
    scanned = 0  # opening tags before this offset lie inside an element already measured
    for match in _AUTHOR_OPEN.finditer(data):
        if match.start() < scanned:
            continue
        start = match.end()
        stop, scanned = _content_end(data, start, match.group(1).lower())
        if stop - start > _MAX_AUTHOR_BYTES:
            out.append(data[kept:start])
            kept = stop
    if not out:
        return data
    out.append(data[kept:])
    return b"".join(out)


# Where an author-like element's content ends: its own end tag, or the end of the entry or
# CDATA section it sits in when it is never closed. CDATA sections and comments inside it are
# skipped whole.
_AUTHOR_STOPS = {
    name: re.compile(
        rb"</(?:[A-Za-z_][\w.-]*:)?(?:" + name + rb"|item|entry|channel|feed)\s*>"
        rb"|\]\]>|<!\[CDATA\[|<!--",
        re.I,
    )
    for name in (b"author", b"creator", b"publisher", b"managingeditor", b"webmaster", b"owner")
}


def _content_end(data: bytes, start: int, name: bytes) -> tuple[int, int]:
    """Return where the content of element ``name`` opened at ``start`` ends, and after it."""
    stops = _AUTHOR_STOPS[name]
    pos = start
    while True:
        match = stops.search(data, pos)
        if match is None:
            return len(data), len(data)
        token = match.group()
        if token.startswith(b"<!"):
            terminator = b"]]>" if token.startswith(b"<![") else b"-->"
            end = data.find(terminator, match.end())
            if end < 0:
                return len(data), len(data)
            pos = end + len(terminator)
            continue
        return match.start(), match.end()


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
    data, _ = _prepare(content, url, max_bytes, "not_a_sitemap")
    root = _root_name(data)
    if root is None:
        if _first_char(data) == b"<":
            raise ParseError(url, "not_a_sitemap", "no root element")
        return _parse_text_sitemap(data, url, source_id, max_items)
    name = _localname(root).lower()
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
    items = _Newest(max_items)
    children: dict[str, datetime | None] = {}
    skipped = 0
    data = _repair_refs(data)
    events = etree.iterparse(
        io.BytesIO(data),
        events=("end",),
        tag=("{*}url", "{*}sitemap"),
        recover=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    # Each entry is kept back until the next one arrives: when the document is cut off
    # inside the last entry, recovery closes it and its <loc> is a truncated URL.
    pending: DiscoveredItem | tuple[str, datetime | None] | None = None
    try:
        for _, el in events:
            entry = (
                _sitemap_item(el, url, source_id)
                if _localname(el.tag) == "url"
                else _sitemap_child(el, url)
            )
            _release(el)
            if entry is None:
                skipped += 1
                continue
            _keep_sitemap_entry(pending, items, children)
            pending = entry
    except etree.XMLSyntaxError as exc:  # recover=True raises only when nothing can be read
        problem = _clip(str(exc))
    else:
        problem = _clip("; ".join(_lost_data_errors(events.error_log)))
    if not (problem and _ends_inside(_SITEMAP_ENTRY_OPEN, _SITEMAP_ENTRY_CLOSE, data)):
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
    ordered = sorted(children, key=lambda child: -_timestamp(children[child]))  # stable
    return SitemapParse(
        items=found,
        children=ordered[:max_items],
        kind="index" if root_name == "sitemapindex" else "urlset",
        status="partial" if problem else "ok",
        detail=_clip("; ".join(details)),
    )


_SITEMAP_ENTRY_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:url|sitemap)[\s/>]")
_SITEMAP_ENTRY_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:url|sitemap)\s*>")


def _keep_sitemap_entry(
    entry: DiscoveredItem | tuple[str, datetime | None] | None,
    items: _Newest,
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


def _ends_inside(opening: re.Pattern[bytes], closing: re.Pattern[bytes], data: bytes) -> bool:
    """Return True when the document's last entry is never closed (the body was cut off)."""
    last = None
    for last in opening.finditer(data):  # noqa: B007 - only the last match is wanted
        pass
    return last is not None and closing.search(data, last.end()) is None


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
        title=_clean_title(news.get("title"), "text/plain") if news else None,
        published=parse_date(news.get("publication_date")) if news else None,
        lastmod=parse_date(fields.get("lastmod")),
        lang=_lang_tag(news.get("language")) if news else None,
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
    return loc if _is_http(loc) or loc.startswith("/") else ""


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
        name = _localname(tag)
        if name == "news":
            news: dict[str, str] = {}
            for sub in child:
                if not isinstance(sub.tag, str):
                    continue
                sub_name = _localname(sub.tag)
                if sub_name in _NEWS_FIELDS:
                    news.setdefault(sub_name, (sub.text or "").strip())
                elif sub_name == "publication":
                    for part in sub:
                        if isinstance(part.tag, str) and _localname(part.tag) == "language":
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
    if not lines or not _is_http(lines[0]):
        raise ParseError(url, "not_a_sitemap", "neither XML nor a list of URLs")
    items = _Newest(max_items)
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


# ---------------------------------------------------------------------------------- dates


def parse_date(value: Any) -> datetime | None:
    """Return a tz-aware UTC datetime for a feed or sitemap date (naive means UTC), or None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 100:
        return None
    parsed = _fast_date(text)
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(text)
        except (ValueError, TypeError, IndexError):
            parsed = _from_struct(_safe_feedparser_date(text))
    if parsed is None or not 1900 <= parsed.year <= 2200:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
# RFC 822 as feeds write it: "Mon, 02 Nov 2026 10:15:00 +0000" (or GMT/UTC/Z, no seconds).
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3,9},?\s+)?(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{4})\s+"
    r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([+-])(\d{2}):?(\d{2})|GMT|UTC|UT|Z)?"
)


def _fast_date(text: str) -> datetime | None:
    """Parse ISO 8601 and common RFC 822 dates without the slow general parsers."""
    if text[4:5] == "-":
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            return None
    match = _RFC822.fullmatch(text)
    if match is None:
        return None
    day, month, year, hour, minute, second, sign, tz_hours, tz_minutes = match.groups()
    number = _MONTHS.get(month.lower())
    if number is None:
        return None
    offset = 0
    if sign:
        offset = (int(tz_hours) * 60 + int(tz_minutes)) * (1 if sign == "+" else -1)
    try:
        moment = datetime(
            int(year), number, int(day), int(hour), int(minute), int(second or 0), tzinfo=UTC
        )
    except ValueError:
        return None
    return moment - timedelta(minutes=offset)


def _safe_feedparser_date(text: str) -> Any:
    try:
        return _feedparser_date(text)
    except (ValueError, TypeError, IndexError, KeyError, OverflowError, AttributeError):
        return None


def _from_struct(value: Any) -> datetime | None:
    """Convert feedparser's UTC struct_time to a tz-aware datetime."""
    if value is None:
        return None
    try:
        year, month, day, hour, minute, second = value[:6]
        parsed = datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None
    return parsed if 1900 <= parsed.year <= 2200 else None


def _timestamp(value: datetime | None) -> float:
    return value.timestamp() if value is not None else float("-inf")


# ------------------------------------------------------------------------- shared helpers


class _Newest:
    """Keep the ``limit`` newest unique items (by published, then lastmod) in bounded memory."""

    def __init__(self, limit: int) -> None:
        self.limit = max(0, limit)
        self.items: list[DiscoveredItem] = []
        self.seen: set[str] = set()

    def add(self, item: DiscoveredItem) -> None:
        if item.url in self.seen:
            return
        self.seen.add(item.url)
        self.items.append(item)
        if len(self.items) >= 2 * self.limit + 1_000:
            self.items = _sort_newest(self.items)[: self.limit]

    def result(self) -> list[DiscoveredItem]:
        return _sort_newest(self.items)[: self.limit]


def _newest_unique(items: Iterable[DiscoveredItem], limit: int) -> list[DiscoveredItem]:
    newest = _Newest(limit)
    for item in items:
        newest.add(item)
    return newest.result()


def _sort_newest(items: list[DiscoveredItem]) -> list[DiscoveredItem]:
    # Stable: undated items keep their document order, after the dated ones.
    return sorted(items, key=lambda item: -_timestamp(item.published or item.lastmod))


_GZIP_MAGIC = b"\x1f\x8b"
# Byte-order marks and, without one, how "<" or "<?xm" starts a document (XML 1.0 appendix F).
_SNIFFED = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
    (b"\x4c\x6f\xa7\x94", "cp037"),  # EBCDIC "<?xm"
)
_XML_DECL_ENCODING = re.compile(
    rb"^(\xef\xbb\xbf)?(\s*<\?xml[^>]{0,200}?\bencoding\s*=\s*)([\"'])([^\"']{0,40})\3"
)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)


def _prepare(
    content: bytes, url: str, max_bytes: int, empty_reason: str, content_type: str | None = None
) -> tuple[bytes, bool]:
    """Check size, decompress gzip, recode to UTF-8 if needed and refuse entity declarations.

    Returns the bytes to parse and whether they were recoded (a charset header is then void).
    """
    if len(content) > max_bytes:
        raise ParseError(url, "too_large", f"{len(content)} bytes > {max_bytes}")
    data = bytes(content)
    if data.startswith(_GZIP_MAGIC):
        data = _gunzip(data, url, max_bytes)
    if not data.strip():
        raise ParseError(url, empty_reason, "empty body")
    data, recoded = _recode(data, content_type)
    if b"\x00" in data[:1024]:
        raise ParseError(url, empty_reason, "binary content")
    declaration = data.find(b"<?xml", 0, 4096)
    if declaration > 0 and data[:declaration] != codecs.BOM_UTF8:
        # Whitespace or PHP warnings before the declaration: expat and lxml refuse the
        # document, and nothing there belongs to it.
        data = data[declaration:]
    # Entities can only be declared before the root element; when the prolog cannot be
    # delimited the whole document is searched.
    head_end = _root_start(data)
    if _ENTITY_DECL.search(data, 0, len(data) if head_end is None else head_end):
        raise ParseError(url, "unsafe_xml", "the document declares entities")
    return data, recoded


def _gunzip(data: bytes, url: str, max_bytes: int) -> bytes:
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise ParseError(url, "bad_gzip", str(exc)) from exc
    if len(out) > max_bytes:
        raise ParseError(url, "too_large", f"decompresses to more than {max_bytes} bytes")
    if not decompressor.eof:
        raise ParseError(url, "bad_gzip", "truncated gzip stream")
    if out.startswith(_GZIP_MAGIC):
        raise ParseError(url, "bad_gzip", "gzip inside gzip")
    return out


def _recode(data: bytes, content_type: str | None) -> tuple[bytes, bool]:
    """Recode documents whose markup is not ASCII bytes (UTF-16/32, EBCDIC, UTF-7) to UTF-8.

    Every later byte-level check (entity declarations, author fields, entry counts) and every
    parser then sees the same UTF-8 text; returns whether the data was relabelled.
    """
    codec = next((name for magic, name in _SNIFFED if data.startswith(magic)), None)
    if codec is None:
        declared = _XML_DECL_ENCODING.match(data)
        labels = [
            _charset(content_type),
            declared and _codec(declared.group(4).decode("ascii", "replace")),
        ]
        exotic = [label for label in labels if label and not _ascii_compatible(label)]
        if not exotic:
            return data, False
        codec = exotic[0]
        wide = codec.startswith(("utf-16", "utf-32", "utf_16", "utf_32"))
        if wide and b"\x00" not in data[:64]:
            # Markup readable as ASCII bytes cannot be UTF-16/32: the label is wrong.
            return _XML_DECL_ENCODING.sub(rb"\1\2\3utf-8\3", data, count=1), True
    text = data.decode(codec, "replace").lstrip("\ufeff")
    recoded = text.encode("utf-8", "replace")
    return _XML_DECL_ENCODING.sub(rb"\1\2\3utf-8\3", recoded, count=1), True


@functools.lru_cache(maxsize=64)
def _ascii_compatible(codec: str) -> bool:
    """Return True when ``codec`` decodes printable ASCII bytes as themselves."""
    sample = bytes(range(0x20, 0x7F))
    try:
        return sample.decode(codec) == sample.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


def _codec(label: str) -> str | None:
    try:
        return codecs.lookup(label.strip()).name
    except (LookupError, ValueError):
        return None


_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_DOCTYPE_TOKEN = re.compile(rb"[\"'\[>]")
_SUBSET_TOKEN = re.compile(rb"[\"']|<!--|<\?|\]")


def _root_start(data: bytes) -> int | None:
    """Return the offset of the root element's start tag, skipping the prolog, or None."""
    pos = 3 if data.startswith(codecs.BOM_UTF8) else 0
    size = len(data)
    while pos < size:
        while pos < size and data[pos] in b" \t\r\n":
            pos += 1
        end: int | None
        if data.startswith(b"<?", pos):
            end = _after(data, b"?>", pos + 2)
        elif data.startswith(b"<!--", pos):
            end = _after(data, b"-->", pos + 4)
        elif data.startswith(b"<!", pos):
            end = _doctype_end(data, pos + 2)
        elif _ROOT.match(data, pos):
            return pos
        else:
            return None
        if end is None:
            return None
        pos = end
    return None


def _doctype_end(data: bytes, pos: int) -> int | None:
    """Return the offset after a DOCTYPE declaration, internal subset included."""
    while True:
        match = _DOCTYPE_TOKEN.search(data, pos)
        if match is None:
            return None
        token = match.group()
        if token == b">":
            return match.end()
        if token == b"[":
            subset_end = _subset_end(data, match.end())
            if subset_end is None:
                return None
            pos = subset_end
        else:
            quote_end = _after(data, token, match.end())
            if quote_end is None:
                return None
            pos = quote_end


def _subset_end(data: bytes, pos: int) -> int | None:
    """Return the offset after the "]" closing an internal subset (literals, comments skipped)."""
    while True:
        match = _SUBSET_TOKEN.search(data, pos)
        if match is None:
            return None
        token = match.group()
        if token == b"]":
            return match.end()
        terminator = {b"<!--": b"-->", b"<?": b"?>"}.get(token, token)
        end = _after(data, terminator, match.end())
        if end is None:
            return None
        pos = end


def _after(data: bytes, terminator: bytes, pos: int) -> int | None:
    end = data.find(terminator, pos)
    return None if end < 0 else end + len(terminator)


def _root_name(data: bytes) -> str | None:
    start = _root_start(data)
    if start is None:
        return None
    match = _ROOT.match(data, start)
    return match.group(1).decode("ascii", "replace") if match else None


def _first_char(data: bytes) -> bytes:
    stripped = data.lstrip(b" \t\r\n")
    if stripped.startswith(codecs.BOM_UTF8):
        stripped = stripped[3:].lstrip(b" \t\r\n")
    return stripped[:1]


_BAD_REF = re.compile(rb"&(?!(?:[A-Za-z_][\w.-]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)")
_NAMED_REF = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z][A-Za-z0-9]*);")
_CDATA_OPEN = b"<![CDATA["


def _repair_refs(data: bytes) -> bytes:
    """Escape bare "&" and turn HTML named references into numeric ones, outside CDATA.

    Both are the commonest reasons a feed or sitemap is not well-formed; repaired, the strict
    parsers read the document instead of falling back to guesswork ("?a=1&b=2" stays whole).
    """
    if b"&" not in data:
        return data
    out: list[bytes] = []
    pos = 0
    while pos < len(data):
        start = data.find(_CDATA_OPEN, pos)
        end = len(data) if start < 0 else start
        out.append(_NAMED_REF.sub(_numeric_ref, _BAD_REF.sub(b"&amp;", data[pos:end])))
        if start < 0:
            break
        close = data.find(b"]]>", start)
        pos = len(data) if close < 0 else close + 3
        out.append(data[start:pos])
    return b"".join(out)


def _numeric_ref(match: re.Match[bytes]) -> bytes:
    name = match.group(1)
    codepoint = html.entities.name2codepoint.get(name.decode("ascii"))
    return b"&#%d;" % codepoint if codepoint else b"&amp;" + name + b";"


def _lxml_root(data: bytes, encoding: str | None) -> tuple[Any, str]:
    """Parse with lxml, strictly and then in recovery mode.

    Returns (root or None when nothing is readable, the strict parser's complaint or "").
    """
    problem = ""
    for recover in (False, True):
        parser = etree.XMLParser(
            encoding=encoding,
            recover=recover,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        try:
            root = etree.fromstring(data, parser)
        except (etree.XMLSyntaxError, ValueError, LookupError) as exc:
            problem = problem or _clip(f"XMLSyntaxError: {exc}")
            continue
        if root is not None:
            return root, problem
    return None, problem or "no root element"


def _charset(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.I)
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1)).name
    except LookupError:
        return None


def _without_charset(content_type: str | None) -> str | None:
    if not content_type:
        return content_type
    return content_type.split(";", 1)[0].strip() or None


def _localname(tag: str) -> str:
    return tag.rpartition("}")[2].rpartition(":")[2]


def _is_http(value: Any) -> bool:
    return isinstance(value, str) and value.lstrip()[:8].lower().startswith(("http://", "https://"))


_LANG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")


def _lang_tag(value: Any) -> str | None:
    """Return a lowercase BCP 47 tag ("en", "pt-br") or None."""
    if not isinstance(value, str):
        return None
    tag = value.strip().replace("_", "-").lower()
    return tag if _LANG.match(tag) else None


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_DETAIL_CHARS else text[: _MAX_DETAIL_CHARS - 1] + "…"
