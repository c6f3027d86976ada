"""Prepare XML documents someone else sent before any parser reads them.

Feeds and sitemaps share these steps (``prepare_document``): a size check, gzip decompressed
within the cap, UTF-16/32, EBCDIC and UTF-7 documents recoded to UTF-8 so that no encoding
hides the markup, junk before the XML declaration dropped, and documents declaring entities
refused before any parser runs (expat 2.5 limits billion-laughs amplification, but
feedparser's loose parser expands the "safe" entities it keeps, so one large entity
referenced a million times would still exhaust memory). ``repair_refs`` escapes bare "&" and
turns HTML named references into numeric ones outside CDATA: they are the commonest reason a
feed is not well-formed, and the strict parsers then read it whole. lxml is only ever run
with ``resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False``.
"""

from __future__ import annotations

import codecs
import functools
import html.entities
import re
import zlib
from typing import Any

from lxml import etree

from newsmon.core.errors import ParseError

__all__ = [
    "charset_of",
    "clip",
    "ends_inside",
    "first_char",
    "localname",
    "lxml_root",
    "prepare_document",
    "repair_refs",
    "root_name",
    "without_charset",
]

_MAX_DETAIL_CHARS = 300


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


def prepare_document(
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
            charset_of(content_type),
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
    return _scan_to(data, pos, _DOCTYPE_TOKEN, b">")


def _scan_to(data: bytes, pos: int, tokens: re.Pattern[bytes], closer: bytes) -> int | None:
    """Return the offset after ``closer``, skipping literals, comments, PIs and a subset."""
    while True:
        match = tokens.search(data, pos)
        if match is None:
            return None
        token = match.group()
        if token == closer:
            return match.end()
        if token == b"[":  # a DOCTYPE's internal subset, up to its "]"
            end = _scan_to(data, match.end(), _SUBSET_TOKEN, b"]")
        else:
            end = _after(data, _TERMINATORS.get(token, token), match.end())
        if end is None:
            return None
        pos = end


_TERMINATORS = {b"<!--": b"-->", b"<?": b"?>"}  # a quote ends at the same quote


def _after(data: bytes, terminator: bytes, pos: int) -> int | None:
    end = data.find(terminator, pos)
    return None if end < 0 else end + len(terminator)


def root_name(data: bytes) -> str | None:
    start = _root_start(data)
    if start is None:
        return None
    match = _ROOT.match(data, start)
    return match.group(1).decode("ascii", "replace") if match else None


def first_char(data: bytes) -> bytes:
    stripped = data.lstrip(b" \t\r\n")
    if stripped.startswith(codecs.BOM_UTF8):
        stripped = stripped[3:].lstrip(b" \t\r\n")
    return stripped[:1]


_BAD_REF = re.compile(rb"&(?!(?:[A-Za-z_][\w.-]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)")
_NAMED_REF = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z][A-Za-z0-9]*);")
_CDATA_OPEN = b"<![CDATA["


def repair_refs(data: bytes) -> bytes:
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


# Every lxml parse of foreign XML takes these: no entities, no network, no DTD, bounded trees.
SAFE_XML: dict[str, bool] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def lxml_root(data: bytes, encoding: str | None) -> tuple[Any, str]:
    """Parse with lxml, strictly and then in recovery mode.

    Returns (root or None when nothing is readable, the strict parser's complaint or "").
    """
    problem = ""
    for recover in (False, True):
        parser = etree.XMLParser(encoding=encoding, recover=recover, **SAFE_XML)
        try:
            root = etree.fromstring(data, parser)
        except (etree.XMLSyntaxError, ValueError, LookupError) as exc:
            problem = problem or clip(f"XMLSyntaxError: {exc}")
            continue
        if root is not None:
            return root, problem
    return None, problem or "no root element"


def charset_of(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.I)
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1)).name
    except LookupError:
        return None


def without_charset(content_type: str | None) -> str | None:
    if not content_type:
        return content_type
    return content_type.split(";", 1)[0].strip() or None


def localname(tag: str) -> str:
    return tag.rpartition("}")[2].rpartition(":")[2]


def ends_inside(opening: re.Pattern[bytes], closing: re.Pattern[bytes], data: bytes) -> bool:
    """Return True when the document's last entry is never closed (the body was cut off)."""
    last = None
    for last in opening.finditer(data):  # noqa: B007 - only the last match is wanted
        pass
    return last is not None and closing.search(data, last.end()) is None


def clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_DETAIL_CHARS else text[: _MAX_DETAIL_CHARS - 1] + "…"
