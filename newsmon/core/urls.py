"""Canonical article URLs: one string per article, whichever feed, sitemap or link named it.

``canonical_url`` is deliberately conservative. It only removes what never changes the page:
default ports, fragments, userinfo, the tracking parameters in ``TRACKING_PARAMS``, escape
spelling and dot segments. It never merges http with https, ``www.`` with the bare host or
``/amp/`` with the article: such pairs can be different pages, and wire-copy dedupe catches
the ones that are not.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import quote, unquote, urljoin, urlsplit

import idna

from newsmon.core.errors import ParseError

# Query parameters that only say how a reader arrived, never what the page is. Matched on the
# decoded, lowercased name. Generic names ("ref", "source", "id", "page", "s") are left alone:
# merging two different articles loses data, while missing a merge only costs a re-fetch.
TRACKING_PARAMS = frozenset(
    {
        # Google Analytics / Ads and other ad-click identifiers
        "_ga", "_gl", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "fbclid",
        "yclid", "twclid", "ttclid", "li_fat_id", "igshid", "s_kwcid",
        # e-mail platforms: Mailchimp, HubSpot, Marketo, Vero, Omeda
        "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "vero_id", "vero_conv",
        "oly_anon_id", "oly_enc_id",
        # analytics suites: AT Internet / Piano, Comscore, Webtrends, Adobe
        "xtor", "at_medium", "at_campaign", "at_creation", "at_variant", "at_format",
        "at_send_date", "at_link", "at_type", "at_recipient_id", "at_recipient_list",
        "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee",
        "wt.mc_id", "wt_mc", "wt_zmc", "s_cid",
        # publishers' share and syndication markers (NYT smid/smtyp, Guardian CMP,
        # Microsoft ocid, Yahoo/HuffPost ncid, Twitter ref_src/ref_url)
        "cmpid", "cmp", "ocid", "ncid", "smid", "smtyp", "share", "partner", "ref_src",
        "ref_url", "icid", "guccounter", "guce_referrer", "guce_referrer_sig",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_",)

_DEFAULT_PORTS = {"http": 80, "https": 443}
_MAX_URL_CHARS = 16_384
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_HOST_CHARS = re.compile(r"^[a-z0-9_.-]+$")
_PATH_SAFE = "/:@!$&'()*+,;="
_QUERY_KEY_SAFE = "/:@!$'()*+,;?"
_QUERY_VALUE_SAFE = _QUERY_KEY_SAFE + "="
# WHATWG URL: leading/trailing C0 controls and spaces are stripped, tabs and newlines removed.
_STRIP = "".join(chr(c) for c in range(0x21))
_TAB_NEWLINE = re.compile(r"[\t\n\r]")


def canonical_url(url: str, base: str | None = None) -> str:
    """Return the canonical form of an http(s) URL, resolved against ``base`` when relative."""
    text = _TAB_NEWLINE.sub("", url.strip(_STRIP)) if isinstance(url, str) else ""
    if not text:
        raise ParseError(_where(url), "bad_url", "empty URL")
    if len(text) > _MAX_URL_CHARS:
        raise ParseError(_where(url), "bad_url", f"longer than {_MAX_URL_CHARS} characters")
    try:
        if base and not text[:8].lower().startswith(("http://", "https://")):
            text = urljoin(_TAB_NEWLINE.sub("", base.strip(_STRIP)), text)
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ParseError(_where(url), "bad_url", str(exc)) from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ParseError(_where(url), "bad_url", f"not an http(s) URL (scheme {scheme!r})")
    host = _canonical_host(parts.hostname, url)
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    try:
        path = _remove_dot_segments(_normalise_escapes(parts.path, _PATH_SAFE)) or "/"
        query = _canonical_query(parts.query)
    except UnicodeError as exc:  # lone surrogates cannot be UTF-8 encoded
        raise ParseError(_where(url), "bad_url", "undecodable characters") from exc
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def url_host(url: str) -> str:
    """Return the canonical host of an http(s) URL (lowercase, punycode, no port)."""
    try:
        parts = urlsplit(url.strip(_STRIP))
    except (ValueError, AttributeError) as exc:
        raise ParseError(_where(url), "bad_url", str(exc)) from exc
    if parts.scheme.lower() not in _DEFAULT_PORTS:
        raise ParseError(_where(url), "bad_url", "not an http(s) URL")
    return _canonical_host(parts.hostname, url)


def is_tracking_param(name: str) -> bool:
    """Return True when a query parameter name is in the tracking list."""
    key = unquote(name).strip().lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _canonical_host(hostname: str | None, url: str) -> str:
    if not hostname:
        raise ParseError(_where(url), "bad_url", "no host")
    host = unquote(hostname).rstrip(".").lower()
    if ":" in host:  # urlsplit has already stripped the brackets of an IPv6 literal
        try:
            return ipaddress.IPv6Address(host).compressed
        except ValueError as exc:
            raise ParseError(_where(url), "bad_url", f"bad IPv6 host {host!r}") from exc
    if not host.isascii():
        host = _punycode(host, url)
    if not host or not _HOST_CHARS.match(host) or ".." in host:
        raise ParseError(_where(url), "bad_url", f"bad host {host!r}")
    return host


def _punycode(host: str, url: str) -> str:
    # UTS #46 non-transitional processing, as browsers do; IDNA 2003 for the few hosts
    # (symbols, emoji) that IDNA 2008 refuses but registries once sold.
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        pass
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise ParseError(_where(url), "bad_url", f"bad international host {host!r}") from exc


def _canonical_query(query: str) -> str:
    pairs: list[tuple[str, str]] = []
    for piece in query.split("&"):
        if not piece:
            continue
        key, sep, value = piece.partition("=")
        if is_tracking_param(key):
            continue
        key = _normalise_escapes(key, _QUERY_KEY_SAFE)
        pairs.append((key, sep + _normalise_escapes(value, _QUERY_VALUE_SAFE)))
    pairs.sort(key=lambda pair: pair[0])  # stable: repeated keys keep their order
    return "&".join(key + rest for key, rest in pairs)


def _normalise_escapes(text: str, safe: str) -> str:
    """Uppercase escapes, decode unreserved ones, escape what may not appear literally."""
    out: list[str] = []
    pos = 0
    for match in _ESCAPE.finditer(text):
        out.append(quote(text[pos : match.start()], safe=safe))
        char = chr(int(match.group(1), 16))
        out.append(char if char in _UNRESERVED else "%" + match.group(1).upper())
        pos = match.end()
    out.append(quote(text[pos:], safe=safe))
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """Apply RFC 3986 section 5.2.4 to an absolute path."""
    if "." not in path:
        return path
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    result = "/".join(output)
    return result if result.startswith("/") else "/" + result


def _where(url: object) -> str:
    text = url if isinstance(url, str) else repr(url)
    return text if len(text) <= 200 else text[:200] + "…"
