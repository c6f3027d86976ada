"""The fault outlet (127.0.0.9): one path per way a web server can misbehave.

The menu is documented in the package docstring (tests/fakesite/__init__.py). Every streaming
or hanging answer stops after at most MAX_STREAM_S seconds, when the client disconnects, or
when the site stops; large bodies are built once, lazily, and cached.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import zlib
from collections.abc import Callable
from email.utils import formatdate
from html import escape
from urllib.parse import parse_qs

from .responder import MAX_STREAM_S, Responder
from .stories import V0

HTML = "text/html; charset=utf-8"
BOMB_SIZE = 200 * 1024 * 1024
BIG_SIZE = 50 * 1024 * 1024
HUGE_LINE_SIZE = 30 * 1024 * 1024
DEEP_DIVS = 200_000


class FaultState:
    """Counters and settings of the fault outlet, shared by its handler threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.canary_hits = 0
        self.retry_counts: dict[str, int] = {}
        self.robots: tuple[int, str] = (200, "User-agent: *\nAllow: /\n")
        self.robots_headers: list[tuple[str, str]] = []  # e.g. [("Location", "mailto:x")]
        self.edition = 0  # which edition /long/{name} serves (site.fault_edition)


_cache: dict[str, bytes] = {}
_cache_lock = threading.Lock()


def cached(name: str, build: Callable[[], bytes]) -> bytes:
    """Return a large body, building it on first use (once per process)."""
    with _cache_lock:
        if name not in _cache:
            _cache[name] = build()
        return _cache[name]


def _compress_spaces(compressor: object, finish: str) -> bytes:
    chunk = b" " * (1 << 20)
    parts = [compressor.compress(chunk) for _ in range(BOMB_SIZE >> 20)]  # type: ignore[attr-defined]
    parts.append(getattr(compressor, finish)())
    return b"".join(parts)


def build_gzip_bomb() -> bytes:
    """Return ~200 KB of gzip that inflates to 200 MB of spaces."""
    return _compress_spaces(zlib.compressobj(6, zlib.DEFLATED, 31), "flush")


def build_brotli_bomb() -> bytes:
    """Return a few hundred bytes of brotli that inflate to 200 MB of spaces."""
    import brotli

    compressor = brotli.Compressor(quality=5)
    chunk = b" " * (1 << 20)
    parts = [compressor.process(chunk) for _ in range(BOMB_SIZE >> 20)]
    parts.append(compressor.finish())
    return b"".join(parts)


def build_zstd_bomb() -> bytes | None:
    """Return zstd bytes that inflate to 200 MB of spaces, or None without zstandard."""
    try:
        import zstandard
    except ImportError:
        return None
    return _compress_spaces(zstandard.ZstdCompressor(level=10).compressobj(), "flush")


def build_deep_html() -> bytes:
    """Return a page with 200,000 nested divs."""
    return (
        b"<!DOCTYPE html><html><head><title>Deep</title></head><body>"
        + b"<div>" * DEEP_DIVS
        + b"<p>The bottom of a very deep page.</p>"
        + b"</div>" * DEEP_DIVS
        + b"</body></html>"
    )


MANY_ATTRIBUTES = 200_000


def build_many_attributes_html() -> bytes:
    """Return a 3.4 MB page whose one element carries 200,000 attributes: trafilatura works
    on it for minutes in C code (past 420 s in issue 16), beyond any soft timer."""
    attributes = " ".join(f'a{i}="v{i}"' for i in range(MANY_ATTRIBUTES))
    return (
        f"<!DOCTYPE html><html><head><title>Many attributes</title></head><body><div {attributes}>"
        "<p>" + "The words of an article that no one will read. " * 40 + "</p></div></body></html>"
    ).encode()


def article_html(title: str = "A plain article on the fault outlet") -> bytes:
    """Return a small, well-formed article page (the end of redirect chains, retries...)."""
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in V0.paragraphs)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>\n<body><article><h1>{escape(title)}</h1>\n"
        f"{paragraphs}\n</article></body></html>\n"
    ).encode()


LONG_PAGE_BYTES = 3_000_000
_WORDS = [
    "council",
    "residents",
    "river",
    "bridge",
    "officials",
    "report",
    "district",
    "water",
    "power",
    "school",
    "market",
    "clinic",
    "road",
    "convoy",
    "shelter",
    "families",
    "workers",
    "volunteers",
    "engineers",
    "morning",
    "evening",
    "northern",
    "southern",
    "eastern",
    "western",
    "province",
    "capital",
    "harbour",
    "station",
    "hospital",
    "supplies",
]


def long_article_html(name: str, edition: int) -> bytes:
    """Return an article page of about 3 MB (about 20,000 distinct sentences in paragraphs
    of ten). Edition N > 0 rewords every 40th sentence, updates a toll in the lead, adds a
    paragraph at the end and changes the title: an edited long page as newsrooms publish
    them (live blogs, reports, transcripts)."""
    title = f"A long report, number {name}" + (f" (updated, edition {edition})" if edition else "")
    lead = (
        f"At least {240 + 15 * edition} people were killed and more than "
        f"{600 + 40 * edition} were injured in the floods, officials said."
    )
    sentences = [lead]
    n = size = 0
    while size < LONG_PAGE_BYTES - 20_000:
        words = [_WORDS[(n * 7 + k * 13) % len(_WORDS)] for k in range(12)]
        verb = "reported" if edition == 0 or n % 40 else f"confirmed in edition {edition}"
        sentences.append(
            f"Entry {n} of the {name} report: the {words[0]} {words[1]} near the {words[2]} "
            f"{verb} {n % 97 + 3} {words[3]} and {words[4]} {words[5]} on the {words[6]} "
            f"{words[7]} road, said {words[8]} {words[9]} from the {words[10]} {words[11]}."
        )
        size += len(sentences[-1]) + 1
        n += 1
    if edition:
        sentences.append(f"Edition {edition} adds this closing paragraph with the latest count.")
    paragraphs = "\n".join(
        "<p>" + escape(" ".join(sentences[i : i + 10])) + "</p>"
        for i in range(0, len(sentences), 10)
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>\n<body><article><h1>{escape(title)}</h1>\n"
        f"{paragraphs}\n</article></body></html>\n"
    ).encode()


def good_article_html(name: str) -> bytes:
    """Return an article page of its own (a good page beside the hostile ones)."""
    title = f"A good article, number {name}"
    body = article_html(title)
    note = f"<p>This report, number {escape(name)}, was filed from the city on its own.</p>"
    return body.replace(b"</h1>\n", b"</h1>\n" + note.encode() + b"\n", 1)


BIG_JSON_FEED_ITEMS = 70_000


def build_big_json_feed(base: str) -> bytes:
    """Return a JSON Feed of about 19.7 MB (70,000 items, each with a dated URL)."""
    items = [
        {
            "id": f"{base}/big/{n}",
            "url": f"{base}/big/{n}?utm_source=feed",
            "title": f"Item {n} of a very large feed " * 2,
            "date_published": f"2020-01-{1 + n % 28:02d}T10:00:00Z",
            "content_text": "x" * 40,
        }
        for n in range(BIG_JSON_FEED_ITEMS)
    ]
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Big", "items": items}
    return json.dumps(feed).encode()


def _with_headers(r: Responder, raw_query: str) -> None:
    """200 with an article page and the headers given as ?h=Name:value (latin-1 escapes)."""
    query = parse_qs(raw_query, encoding="latin-1")
    headers = [("Content-Type", HTML)]
    for pair in query.get("h", []):
        name, _, value = pair.partition(":")
        headers.append((name, value))
    title = query.get("title", ["Headers from a hostile server"])[0]
    r.send(200, article_html(title), headers)


def _item_feed(r: Responder, base: str, raw_query: str) -> None:
    """An RSS feed (or ?format=json, a JSON Feed) whose items link to each ?path= given."""
    query = parse_qs(raw_query)
    links = [p if p.startswith(("http:", "https:")) else base + p for p in query.get("path", [])]
    extra = [
        (name, value)
        for name, _, value in (
            pair.partition(":") for pair in parse_qs(raw_query, encoding="latin-1").get("h", [])
        )
    ]
    date = query.get("date", [None])[0]
    kind = query.get("format", [""])[0]
    if kind == "json":
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Items",
            "items": [
                {"id": link, "url": link, "title": link}
                | ({"date_published": date, "date_modified": date} if date else {})
                for link in links
            ],
        }
        r.send(200, json.dumps(feed).encode(), [("Content-Type", "application/feed+json"), *extra])
        return
    if kind == "sitemap":
        lastmod = f"<lastmod>{escape(date)}</lastmod>" if date else ""
        urls = "".join(f"<url><loc>{escape(link)}</loc>{lastmod}</url>" for link in links)
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
        ).encode()
        r.send(200, body, [("Content-Type", "application/xml"), *extra])
        return
    pub_date = f"<pubDate>{escape(date)}</pubDate>" if date else ""
    items = "".join(
        f"<item><title>{escape(link)}</title><link>{escape(link)}</link>{pub_date}</item>"
        for link in links
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>Items</title><link>{base}/</link>{items}</channel></rss>\n"
    ).encode()
    r.send(200, body, [("Content-Type", "application/rss+xml; charset=utf-8"), *extra])


def _menu_html() -> bytes:
    from . import __doc__ as package_doc

    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Fault outlet</title></head>"
        f"<body><h1>Fault outlet</h1><pre>{escape(package_doc or '')}</pre></body></html>"
    ).encode()


def _int(query: dict[str, list[str]], name: str, default: int) -> int:
    try:
        return int(query[name][0])
    except (KeyError, ValueError, IndexError):
        return default


def _float(query: dict[str, list[str]], name: str, default: float) -> float:
    try:
        return float(query[name][0])
    except (KeyError, ValueError, IndexError):
        return default


def _limit(query: dict[str, list[str]]) -> float:
    return max(0.0, min(_float(query, "limit", MAX_STREAM_S), MAX_STREAM_S))


def handle(state: FaultState, r: Responder, base: str, path: str, raw_query: str) -> None:
    """Answer one request on the fault outlet."""
    query = parse_qs(raw_query)
    route = path.rstrip("/") or "/"
    parts = route.strip("/").split("/")
    head = parts[0]

    if route.startswith("/canary"):
        with state.lock:
            state.canary_hits += 1
        r.send(200, b"canary\n", [("Content-Type", "text/plain; charset=utf-8")])
    elif route == "/robots.txt":
        status, text = state.robots
        extra = list(state.robots_headers)
        r.send(status, text.encode(), [("Content-Type", "text/plain; charset=utf-8"), *extra])
    elif route == "/":
        r.send(200, _menu_html(), [("Content-Type", HTML)])
    elif route == "/article":
        body = article_html()
        for said in query.get("say", []):  # ?say=T: one more paragraph saying T
            body = body.replace(b"</article>", f"<p>{escape(said)}</p>\n</article>".encode(), 1)
        r.send(200, body, [("Content-Type", HTML)])
    elif head == "good" and len(parts) == 2:
        r.send(200, good_article_html(parts[1]), [("Content-Type", HTML)])
    elif head == "long" and len(parts) == 2:
        key = f"long-{parts[1]}-{state.edition}"
        body = cached(key, lambda: long_article_html(parts[1], state.edition))
        r.send(200, body, [("Content-Type", HTML)])
    elif route == "/headers":
        _with_headers(r, raw_query)
    elif route == "/items":
        _item_feed(r, base, raw_query)
    elif route == "/big-json-feed":
        body = cached("big-json-feed", lambda: build_big_json_feed(base))
        r.send(200, body, [("Content-Type", "application/feed+json")])
    elif head == "status" and len(parts) == 2:
        _status(r, parts[1], query)
    elif head == "retry-after" and len(parts) == 2:
        _retry_after(state, r, parts[1], query)
    elif route == "/slow-drip":
        _slow_drip(r, query)
    elif route == "/hang":
        r.start(200, [("Content-Type", HTML), ("Content-Length", "5000")])
        r.linger(_limit(query))
        r.gone()
    elif route == "/hang-before-headers":
        r.linger(_limit(query))
        r.gone()
    elif route == "/gzip-bomb":
        _bomb(r, cached("gzip-bomb", build_gzip_bomb), "gzip")
    elif route == "/brotli-bomb":
        _bomb(r, cached("brotli-bomb", build_brotli_bomb), "br")
    elif route == "/zstd-bomb":
        body = cached("zstd-bomb", lambda: build_zstd_bomb() or b"")
        if body:
            _bomb(r, body, "zstd")
        else:
            r.send(501, b"zstandard is not installed\n", [("Content-Type", "text/plain")])
    elif route == "/chained-gzip":
        body = gzip.compress(gzip.compress(article_html("Chained gzip"), mtime=0), mtime=0)
        r.send(200, body, [("Content-Type", HTML), ("Content-Encoding", "gzip, gzip")])
    elif route == "/big":
        _stream_sized(r, BIG_SIZE, b"<!DOCTYPE html><html><body>", _filler_line(), query)
    elif route == "/huge-line":
        _stream_sized(r, HUGE_LINE_SIZE, b"<!DOCTYPE html><html><body><p>", b"word ", query)
    elif route == "/endless":
        _endless(r, query)
    elif route == "/truncated":
        body = article_html("Truncated")
        r.start(200, [("Content-Type", HTML), ("Content-Length", str(len(body) + 20_000))])
        r.write(body)
        r.gone()
    elif head == "redirect" and len(parts) == 2:
        _redirect_chain(r, base, parts[1], query)
    elif route == "/redirect-loop":
        _redirect(r, "/redirect-loop", query)
    elif route == "/redirect-to":
        _redirect(r, query.get("url", ["/article"])[0], query)
    elif route == "/meta-refresh":
        target = escape(query.get("url", ["/article"])[0])
        body = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f'<meta http-equiv="refresh" content="0; url={target}">'
            f'<title>Redirecting</title></head><body><a href="{target}">Continue</a>'
            "</body></html>"
        ).encode()
        r.send(200, body, [("Content-Type", HTML)])
    elif route == "/binary":
        r.send(200, _pdf_bytes(), [("Content-Type", "application/pdf")])
    elif route == "/not-html":
        text = "This is a plain text file.\nIt has no markup at all.\n" * 40
        r.send(200, text.encode(), [("Content-Type", "text/plain; charset=utf-8")])
    elif route == "/bad-encoding":
        r.send(200, _bad_encoding(), [("Content-Type", HTML)])
    elif route == "/nul-bytes":
        body = article_html("Nul bytes").replace(b"<p>", b"<p>\x00\x00").replace(b" the ", b"\x00")
        r.send(200, body, [("Content-Type", HTML)])
    elif head == "feed" and len(parts) == 2:
        _feed_fault(r, base, parts[1])
    elif route in ("/sitemap/loop", "/sitemap/loop-b"):
        other = "/sitemap/loop-b" if route == "/sitemap/loop" else "/sitemap/loop"
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"<sitemap><loc>{base}{route}</loc></sitemap>\n"
            f"<sitemap><loc>{base}{other}</loc></sitemap>\n</sitemapindex>\n"
        ).encode()
        r.send(200, body, [("Content-Type", "application/xml")])
    elif route == "/many-attributes":
        r.send(200, cached("many-attributes", build_many_attributes_html), [("Content-Type", HTML)])
    elif route == "/deep-html":
        r.send(200, cached("deep-html", build_deep_html), [("Content-Type", HTML)])
    else:
        r.send(404, b"<html><body><h1>No such fault</h1></body></html>", [("Content-Type", HTML)])


def _status(r: Responder, code_text: str, query: dict[str, list[str]]) -> None:
    try:
        code = int(code_text)
    except ValueError:
        code = 400
    if not 200 <= code <= 599:
        code = 400
    headers = [("Content-Type", HTML)]
    if "location" in query:
        headers.append(("Location", query["location"][0]))
    if "retry_after" in query:
        headers.append(("Retry-After", query["retry_after"][0]))
    no_body = code in (204, 304) or r.head_only
    body = f"<html><body><h1>Status {code}</h1></body></html>".encode()
    r.send(code, body, headers, no_body=no_body)


def _retry_after(state: FaultState, r: Responder, n_text: str, query: dict) -> None:
    n = int(n_text) if n_text.isdigit() else 1
    status = _int(query, "status", 503)
    status = status if status in (429, 503) else 503
    key = f"{n}:{status}:{query.get('key', [''])[0]}"
    with state.lock:
        state.retry_counts[key] = state.retry_counts.get(key, 0) + 1
        count = state.retry_counts[key]
    if count <= n:
        value = query.get("value", ["1"])[0]
        if value == "date":
            value = formatdate(usegmt=True)  # an HTTP-date of "now": retry at once
        body = f"<html><body><h1>{status}: try again later</h1></body></html>".encode()
        r.send(status, body, [("Content-Type", HTML), ("Retry-After", value)])
    else:
        r.send(200, article_html(f"Available after {n} refusals"), [("Content-Type", HTML)])


def _slow_drip(r: Responder, query: dict[str, list[str]]) -> None:
    interval = max(0.05, _float(query, "interval", 0.5))
    limit = _limit(query)
    body = article_html("Slow drip")
    r.start(200, [("Content-Type", HTML), ("Content-Length", str(100_000))])
    i = 0
    while r.elapsed() < limit:
        if not r.write(body[i % len(body) : i % len(body) + 1]):
            return
        i += 1
        if not r.linger(interval):
            return
    r.gone()


def _bomb(r: Responder, body: bytes, encoding: str) -> None:
    r.send(200, body, [("Content-Type", HTML), ("Content-Encoding", encoding)])


def _filler_line() -> bytes:
    return b"<p>" + b"Filler text for a very large page. " * 30 + b"</p>\n"


def _stream_sized(
    r: Responder, size: int, prefix: bytes, unit: bytes, query: dict[str, list[str]]
) -> None:
    """Send exactly ``size`` bytes: ``prefix`` then ``unit`` repeated, in 64 KiB writes."""
    r.start(200, [("Content-Type", HTML), ("Content-Length", str(size))])
    limit = _limit(query)
    chunk = unit * max(1, (64 * 1024) // len(unit))
    sent = 0
    if not r.write(prefix):
        return
    sent = len(prefix)
    while sent < size:
        if r.elapsed() > limit:
            r.gone()
            return
        piece = chunk[: size - sent]
        if not r.write(piece):
            return
        sent += len(piece)


def _endless(r: Responder, query: dict[str, list[str]]) -> None:
    r.start(200, [("Content-Type", HTML), ("Transfer-Encoding", "chunked")])
    limit = _limit(query)
    data = _filler_line() * 100
    frame = f"{len(data):x}\r\n".encode() + data + b"\r\n"
    if not r.write(b"5\r\n<html\r\n"):
        return
    while r.elapsed() < limit:
        if not r.write(frame) or not r.linger(0.005, step=0.005):
            return
    r.write(b"0\r\n\r\n")


def _redirect(r: Responder, location: str, query: dict[str, list[str]]) -> None:
    code = _int(query, "code", 302)
    code = code if code in (301, 302, 303, 307, 308) else 302
    r.send(code, b"", [("Location", location), ("Content-Type", HTML)])


def _redirect_chain(r: Responder, base: str, n_text: str, query: dict) -> None:
    n = int(n_text) if n_text.isdigit() else 0
    if n == 0:
        r.send(200, article_html("End of the redirect chain"), [("Content-Type", HTML)])
        return
    suffix = f"?code={query['code'][0]}" if "code" in query else ""
    # Odd hops send absolute Locations, even hops relative ones: clients must resolve both.
    location = f"{base}/redirect/{n - 1}{suffix}" if n % 2 else f"/redirect/{n - 1}{suffix}"
    _redirect(r, location, query)


def _pdf_bytes() -> bytes:
    seed = b"newsmon"
    noise = b"".join(
        hashlib.sha256(seed + bytes([i % 256, i // 256])).digest() for i in range(1000)
    )
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + noise


def _bad_encoding() -> bytes:
    text = article_html("Encodage cass\u00e9")
    return (
        text.replace(b"</h1>", "</h1>\n<p>D\u00e9plac\u00e9s : 14 000.</p>".encode("latin-1"))
        .replace(b"<p>Karsa SC", b"<p>\xff\xfe\xc3\x28 Karsa SC")
        .replace(b" the ", b" \xe9\x80 ")
    )


def _feed_fault(r: Responder, base: str, name: str) -> None:
    xml = [("Content-Type", "application/rss+xml; charset=utf-8")]
    if name == "not-xml":
        r.send(200, article_html("Not a feed"), [("Content-Type", HTML)])
    elif name == "malformed":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            "<title>Broken feed</title><link>/</link><item><title>First item</title>"
            f"<link>{base}/article</link><pubDate>Tue, 14 May 2024 10:00:00 GMT</pubDate>"
            "</item><item><title>Second it"
        ).encode()
        r.send(200, body, xml)
    elif name == "billion-laughs":
        lines = ['<!ENTITY lol0 "lol">']
        lines += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
        body = (
            '<?xml version="1.0"?>\n<!DOCTYPE rss [\n'
            + "\n".join(lines)
            + '\n]>\n<rss version="2.0"><channel><title>&lol9;</title><item><title>Laughs'
            f"</title><link>{base}/article</link></item></channel></rss>\n"
        ).encode()
        r.send(200, body, xml)
    elif name == "xxe":
        body = (
            '<?xml version="1.0"?>\n'
            f'<!DOCTYPE rss SYSTEM "{base}/canary?from=xxe-dtd" [\n'
            f'<!ENTITY xxe SYSTEM "{base}/canary?from=xxe-entity">\n]>\n'
            '<rss version="2.0"><channel><title>XXE &xxe;</title><link>/</link>'
            f"<item><title>Item &xxe;</title><link>{base}/article</link></item>"
            "</channel></rss>\n"
        ).encode()
        r.send(200, body, xml)
    elif name == "poisoned":
        # A valid RSS feed whose items are faults, plus one good article: one bad page must
        # never stop the batch.
        items = "".join(
            f"<item><title>{escape(path)}</title><link>{base}{escape(path)}</link></item>"
            for path in POISONED_ITEMS
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>Poisoned feed</title><link>{base}/</link>{items}</channel></rss>\n"
        ).encode()
        r.send(200, body, xml)
    else:
        r.send(404, b"no such feed fault", [("Content-Type", "text/plain")])


# Items of /feed/poisoned: each a different way for one page to fail, and one good article.
POISONED_ITEMS = (
    "/article",
    "/binary",
    "/not-html",
    "/status/404",
    "/status/500",
    "/status/410",
    "/gzip-bomb",
    "/chained-gzip",
    "/truncated",
    "/hang?limit=15",
    "/bad-encoding",
    "/nul-bytes",
    "/deep-html",
    "/redirect/3",
    "/redirect-loop",
)
