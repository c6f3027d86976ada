"""Find article URLs in feeds; parse bytes someone else fetched, never fetch.

``parse_feed`` reads RSS 0.9x/1.0/2.0, Atom 0.3/1.0 (through feedparser) and JSON Feed 1.0/1.1
(through ``json``). Item URLs are ``canonical_url``s, deduplicated, newest first (undated
items after dated ones, in document order), at most ``max_items`` of them, the newest kept.
Dates are tz-aware UTC (see dates.py).

The result's ``status`` is "ok", or "partial" when the document was broken (a parser had to
recover) yet gave entries, some of which may be missing; ``detail`` says why and what was
skipped. A document that gives nothing raises ``ParseError``:

    not_a_feed      empty, binary, HTML, OPML, JSON that is not a JSON Feed...
    malformed       looks like a feed but no entry could be read
    unsafe_xml      declares entities (<!ENTITY ...>): refused, never expanded (xmlprep.py)
    too_large       over ``max_bytes``, before or after gzip decompression
    bad_gzip        a gzip body that does not decompress

Safety and bounded work:
- feedparser gets a ``BytesIO`` (given bytes or str it may open them as a path or URL), with
  ``resolve_relative_uris=False, sanitize_html=False`` (we read no HTML). External entities
  and DTDs are never loaded (expat with external general entities off; lxml with
  ``resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False``).
- Documents are prepared first (xmlprep.py): size, gzip, recoding, entity declarations, bare
  "&" and HTML named references.
- Author-like elements over 512 bytes are emptied: feedparser's e-mail regex is quadratic in
  their length (20 kB of "a" takes 2 s, 40 kB 12 s).
- Documents over 512 kB or with more than ``max_items`` entries go through lxml first: it
  keeps the newest ``max_items`` entries, empties body elements (description, content...),
  clips any text to 16 kB and repairs broken XML, so feedparser (0.26 ms an entry, and very
  slow on large broken input) only sees a small well-formed document. A 100,000-entry feed
  takes about 1.6 s of CPU instead of about 26 s.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import feedparser
from lxml import etree

from newsmon.core.errors import ParseError
from newsmon.core.languages import language_tag
from newsmon.core.records import DiscoveredItem
from newsmon.core.urls import canonical_url
from newsmon.ingest.dates import from_struct, parse_date, timestamp
from newsmon.ingest.xmlprep import (
    charset_of,
    clip,
    ends_inside,
    first_char,
    localname,
    lxml_root,
    prepare_document,
    repair_refs,
    root_name,
    without_charset,
)

__all__ = [
    "DEFAULT_MAX_FEED_BYTES",
    "FeedParse",
    "NewestItems",
    "clean_title",
    "is_http",
    "newest_unique",
    "parse_feed",
]

DEFAULT_MAX_FEED_BYTES = 20_000_000  # settings.discover.max_feed_bytes

_MAX_AUTHOR_BYTES = 512  # e-mail regex cost at 512 B is ~0.1 ms; real bylines are < 200 B
_MAX_TITLE_CHARS = 1_000


@dataclass(frozen=True)
class FeedParse:
    """The article URLs one feed document gave, newest first."""

    items: list[DiscoveredItem]
    status: str  # "ok" | "partial" (the document was broken; some entries may be missing)
    detail: str = ""  # why partial, or what was skipped
    format: str = ""  # feedparser's version ("rss20", "atom10", "rss10"...) or "json1"/"json11"
    entries: int = 0  # entries in the document, before dropping URL-less ones, dedupe and cap


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
    data, recoded = prepare_document(content, url, max_bytes, "not_a_feed", content_type)
    if recoded:
        content_type = without_charset(content_type)
    first = first_char(data)
    if first == b"{":
        return _parse_json_feed(data, url, source_id, max_items)
    if first != b"<" and b"<" not in data[:65_536]:
        raise ParseError(url, "not_a_feed", "no markup")
    root = root_name(data)
    if root and localname(root).lower() in ("html", "opml", "urlset", "sitemapindex"):
        raise ParseError(url, "not_a_feed", f"a <{root}> document")
    bounded = _bound_document(repair_refs(data), url, max_items, content_type, root)
    if bounded.reserialised:
        content_type = without_charset(content_type)
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
    if problem and not bounded.reserialised and ends_inside(_ENTRY_OPEN, _ENTRY_CLOSE, data):
        # Cut off inside the last entry: its link may be cut too.
        entries = entries[:-1]
    if not entries:
        if not version:
            raise ParseError(url, "not_a_feed", problem or "no feed elements")
        if problem:
            raise ParseError(url, "malformed", problem)
    feed = parsed.get("feed") or {}
    feed_lang = language_tag(_field(feed, "language"))
    items: list[DiscoveredItem] = []
    skipped = 0
    for entry in entries:
        item = _entry_item(entry, url, source_id, feed_lang)
        if item is None:
            skipped += 1
        else:
            items.append(item)
    items = newest_unique(items, max_items)
    details = [problem] if problem else []
    if skipped:
        details.append(f"{skipped} entries without a usable http(s) URL")
    return FeedParse(
        items=items,
        status="partial" if problem else "ok",
        detail=clip("; ".join(details)),
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
    return clip(f"{type(exc).__name__}: {exc}") if exc else "malformed"


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
    updated = from_struct(_field(entry, "updated_parsed"))
    published = (
        from_struct(_field(entry, "published_parsed"))
        or from_struct(_field(entry, "created_parsed"))
        or updated
    )
    title_detail = _field(entry, "title_detail") or {}
    lang = language_tag(_field(title_detail, "language")) or feed_lang
    return DiscoveredItem(
        url=canonical,
        source_id=source_id,
        found_in=feed_url,
        title=clean_title(_field(entry, "title"), _field(title_detail, "type")),
        published=published,
        lastmod=updated,
        lang=lang,
    )


def _entry_link(entry: Any) -> str | None:
    """Return the entry's article link: rel=alternate, then <link>, then a URL-shaped guid."""
    # FeedBurner rewrites links to its (now dead) redirector and keeps the original here.
    origin = _field(entry, "feedburner_origlink")
    if is_http(origin):
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
    return guid.strip() if is_http(guid) else None


_HTML = ("text/html", "application/xhtml+xml")


def _field(record: Any, key: str) -> Any:
    """Read one key of a feedparser dict without its aliases (updated_parsed falls back to
    published_parsed there, with a DeprecationWarning)."""
    return dict.get(record, key) if isinstance(record, dict) else None


def clean_title(value: Any, kind: Any) -> str | None:
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
        raise ParseError(url, reason, f"invalid JSON: {clip(str(exc))}") from exc
    if not isinstance(doc, dict):
        raise ParseError(url, "not_a_feed", "JSON that is not a JSON Feed")
    version = doc.get("version")
    raw_items = doc.get("items")
    if not isinstance(version, str) or "jsonfeed.org/version/" not in version:
        raise ParseError(url, "not_a_feed", "JSON that is not a JSON Feed")
    if not isinstance(raw_items, list):
        raise ParseError(url, "malformed", "JSON Feed without an items list")
    feed_lang = language_tag(doc.get("language"))
    items: list[DiscoveredItem] = []
    skipped = 0
    for raw in raw_items:
        item = _json_item(raw, url, source_id, feed_lang) if isinstance(raw, dict) else None
        if item is None:
            skipped += 1
        else:
            items.append(item)
    return FeedParse(
        items=newest_unique(items, max_items),
        status="ok",
        detail=f"{skipped} entries without a usable http(s) URL" if skipped else "",
        format="json11" if version.rstrip("/").endswith("1.1") else "json1",
        entries=len(raw_items),
    )


def _json_item(
    raw: dict[str, Any], feed_url: str, source_id: str, feed_lang: str | None
) -> DiscoveredItem | None:
    candidates = [raw.get("url"), raw.get("external_url")]
    if is_http(raw.get("id")):
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
        title=clean_title(raw.get("title"), "text/plain"),
        published=parse_date(raw.get("date_published")) or updated,
        lastmod=updated,
        lang=language_tag(raw.get("language")) or feed_lang,
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
    root, problem = lxml_root(data, charset_of(content_type))
    if root is None:
        if len(data) > _LOOSE_LIMIT:
            known = root_name is not None and localname(root_name).lower() in _FEED_ROOTS
            raise ParseError(url, "malformed" if known else "not_a_feed", problem)
        # Small but unreadable by lxml: feedparser's loose parser gets the first entries,
        # the order feeds are written in.
        cut = _nth_match_start(_ENTRY_OPEN, data, max_items)
        return _Bounded(data[:cut] if cut is not None else data, entries=count)
    _slim(root, recovered=bool(problem))
    # Recovery can nest entries inside a broken one; count and rank them all alike.
    entries = [el for el in root.iter("{*}item", "{*}entry")]
    if problem and entries and ends_inside(_ENTRY_OPEN, _ENTRY_CLOSE, data):
        # Cut off inside the last entry: recovery closed it, but its link may be cut too.
        last = entries.pop()
        if last.getparent() is not None:
            last.getparent().remove(last)
    if len(entries) > max_items:
        dates = _entry_dates(root)
        ranked = sorted(range(len(entries)), key=lambda i: (-timestamp(dates.get(entries[i])), i))
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
            texts.setdefault(parent, {}).setdefault(localname(el.tag), el.text)
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


# ------------------------------------------------------------------------- shared helpers


class NewestItems:
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


def newest_unique(items: Iterable[DiscoveredItem], limit: int) -> list[DiscoveredItem]:
    newest = NewestItems(limit)
    for item in items:
        newest.add(item)
    return newest.result()


def _sort_newest(items: list[DiscoveredItem]) -> list[DiscoveredItem]:
    # Stable: undated items keep their document order, after the dated ones.
    return sorted(items, key=lambda item: -timestamp(item.published or item.lastmod))


def is_http(value: Any) -> bool:
    return isinstance(value, str) and value.lstrip()[:8].lower().startswith(("http://", "https://"))
