"""The one exception tree of newsmon.

Foreign errors (httpx, lxml, sqlite3, tomllib) are translated once, at the module that
talks to them, with the original kept as ``__cause__``::

    NewsmonError
    ├── ConfigError          a settings/sources file is wrong (names file and key)
    │   └── ConfigErrors     several of them, reported at once
    ├── FetchError           one URL could not be fetched (carries a reason code)
    │   └── BlockedError     the destination or scheme is refused before connecting
    ├── ParseError           a feed, sitemap or page could not be parsed
    │   └── ExtractError     the cleaner failed or timed out on a page
    ├── StoreError           the database refused an operation
    └── ServeError           `newsmon serve` could not start or keep its Prefect server

`Reason` names why one item (URL, feed, page, input line) failed; the fetch log, the
sources table and run counts store its value.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why one URL, feed, page or input line failed (stored and counted as its value)."""

    # fetching
    BLOCKED = "blocked"  # the destination or scheme is refused before connecting
    ROBOTS = "robots"  # robots.txt disallows the URL
    ROBOTS_UNREACHABLE = "robots_unreachable"  # robots.txt could not be read: retried later
    TIMEOUT = "timeout"
    CONNECT = "connect"
    TLS = "tls"
    TOO_LARGE = "too_large"
    HTTP_STATUS = "http_status"
    NOT_HTML = "not_html"
    REDIRECTS = "redirects"
    DECODE = "decode"
    PROTOCOL = "protocol"
    # parsing feeds and sitemaps
    NOT_A_FEED = "not_a_feed"
    NOT_A_SITEMAP = "not_a_sitemap"
    MALFORMED = "malformed"
    BAD_GZIP = "bad_gzip"
    UNSAFE_XML = "unsafe_xml"
    BAD_URL = "bad_url"
    # cleaning
    EXTRACT_FAILED = "extract_failed"
    # input files (JSON lines, --source)
    BAD_JSON = "bad_json"
    BAD_RECORD = "bad_record"
    MISSING_FIELD = "missing_field"
    BAD_FIELD = "bad_field"  # a field of the wrong type or form (lang "english", title {})
    BAD_DATE = "bad_date"  # a date that does not parse or lies outside 1900-2200
    BAD_TEXT = "bad_text"  # text that cannot be stored (a lone surrogate)
    BAD_ENCODING = "bad_encoding"  # bytes that are not UTF-8
    TOO_LONG = "too_long"  # a line over the per-line cap
    TOO_DEEP = "too_deep"  # JSON nested deeper than the parser is allowed to go
    DUPLICATE_URL = "duplicate_url"  # the same URL again later in one import: the last wins
    # a tick
    TICK_DEADLINE = "tick_deadline"  # a due URL the tick's deadline left for the next tick
    # anything else
    INTERNAL_ERROR = "internal_error"  # an unexpected error on one item: it fails, the run goes on
    UNKNOWN_SOURCE = "unknown_source"


class NewsmonError(Exception):
    """Base of every error newsmon raises on purpose."""


class ConfigError(NewsmonError):
    """A configuration file is invalid; names the file and the key."""

    def __init__(self, path: str, key: str | None, message: str) -> None:
        self.path = str(path)
        self.key = key
        self.message = message
        where = f"{self.path}: {key}" if key else self.path
        super().__init__(f"{where}: {message}")


class ConfigErrors(ConfigError):
    """Several configuration problems, reported together (each names its file and key)."""

    def __init__(self, errors: list[ConfigError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(first.path, first.key, first.message)
        self.args = (f"{len(errors)} problems:\n" + "\n".join(f"  {e}" for e in errors),)

    def __str__(self) -> str:
        return str(self.args[0])


class FetchError(NewsmonError):
    """Fetching one URL failed; ``reason`` is a stable code stored in the fetch log.

    ``reason`` is one of the fetching members of `Reason`.
    """

    def __init__(self, url: str, reason: str, detail: str = "", status: int | None = None) -> None:
        self.url = url
        self.reason = reason
        self.detail = detail
        self.status = status
        text = f"{reason}: {url}"
        if status is not None:
            text += f" (HTTP {status})"
        if detail:
            text += f": {detail}"
        super().__init__(text)


class BlockedError(FetchError):
    """The URL is refused before any connection (scheme, address, robots)."""

    def __init__(self, url: str, detail: str, reason: str = "blocked") -> None:
        super().__init__(url, reason, detail)


class ParseError(NewsmonError):
    """A feed, sitemap or page could not be parsed."""

    def __init__(self, where: str, reason: str, detail: str = "") -> None:
        self.where = where
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {where}" + (f": {detail}" if detail else ""))


class ExtractError(ParseError):
    """The HTML cleaner failed or ran out of time on a page (``where`` is its URL)."""


class StoreError(NewsmonError):
    """The store refused an operation (schema too new, locked beyond the timeout...)."""


class ServeError(NewsmonError):
    """`newsmon serve` could not start, or lost, its local Prefect server."""
