"""Records passed between pipeline stages.

Times are timezone-aware UTC ``datetime`` objects in memory and ISO 8601 strings
("2026-11-21T10:00:00+00:00") in the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    """What one fetch led to when it did not fail (a failure's outcome is its `Reason`)."""

    OK = "ok"  # fetched (and, for a page, cleaned into an article)
    NOT_MODIFIED = "not_modified"  # a conditional GET answered 304
    PARTIAL = "partial"  # a feed or sitemap read up to damage
    FETCHED = "fetched"  # a page body in hand, not yet cleaned
    NOT_ARTICLE = "not_article"  # cleaned, but no article text


# The kinds of casualty claims, in the order figures are shown.
CLAIM_KINDS = (
    "killed",
    "injured",
    "missing",
    "displaced",
    "evacuated",
    "arrested",
    "kidnapped",
    "affected",
)

# Feed polls that count as the source answering; page outcomes that count as the page working.
GOOD_POLLS = frozenset({Outcome.OK, Outcome.NOT_MODIFIED, Outcome.PARTIAL})
GOOD_PAGES = frozenset({Outcome.OK, Outcome.NOT_MODIFIED, Outcome.NOT_ARTICLE})


class StoreResult(StrEnum):
    """What storing one page outcome did to its article (counted per batch)."""

    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"
    NOT_MODIFIED = "not_modified"
    NOT_ARTICLE = "not_article"
    GONE = "gone"
    FAILED = "failed"
    BLOCKED = "blocked"


class ArticleStatus(StrEnum):
    """Where an article stands (the ``articles.status`` column)."""

    NEW = "new"  # discovered, never fetched
    ACTIVE = "active"  # has versions, rechecked on schedule
    GONE = "gone"  # answered 404/410
    FAILING = "failing"  # failed lately, retried with backoff
    FAILED = "failed"  # failed too often, given up
    BLOCKED = "blocked"  # refused by policy or robots.txt
    NOT_ARTICLE = "not_article"  # fetched, but no article in it
    IMPORTED = "imported"  # came from a backfill file, never rechecked


@dataclass(frozen=True)
class DiscoveredItem:
    """One article URL found in a feed or sitemap."""

    url: str  # canonical URL (article identity)
    source_id: str
    found_in: str  # the feed or sitemap URL
    title: str | None = None
    published: datetime | None = None
    lastmod: datetime | None = None
    lang: str | None = None


@dataclass
class Discovery:
    """What polling one source produced: items, child sitemaps followed and per-URL status."""

    source_id: str
    items: list[DiscoveredItem] = field(default_factory=list)
    # one entry per feed/sitemap URL polled: url -> FeedPoll
    polls: list[FeedPoll] = field(default_factory=list)


@dataclass
class FeedPoll:
    """The outcome of fetching and parsing one feed or sitemap URL."""

    url: str
    kind: str  # "feed" | "sitemap"
    outcome: str  # ok | not_modified | <FetchError/ParseError reason>
    status: int | None = None
    detail: str = ""
    items: int = 0
    etag: str | None = None
    last_modified: str | None = None
    elapsed_ms: int = 0
    bytes: int = 0


@dataclass
class FetchResult:
    """A completed HTTP exchange (2xx or 304) after redirects."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    content: bytes
    content_type: str = ""
    encoding: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    elapsed_ms: int = 0
    redirects: list[str] = field(default_factory=list)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class Article:
    """The cleaned content of one page."""

    url: str
    title: str | None
    text: str
    author: str | None = None
    published: str | None = None  # ISO date or datetime as the page states it
    sitename: str | None = None
    lang: str | None = None
    description: str | None = None


@dataclass
class Target:
    """A URL to fetch in this tick: a new discovery or a due recheck of a known article."""

    url: str
    source_id: str
    article_id: int | None = None  # None for a URL never stored
    etag: str | None = None
    last_modified: str | None = None
    title_hint: str | None = None
    published_hint: datetime | None = None
    lang_hint: str | None = None


@dataclass
class PageOutcome:
    """Everything one fetch+clean of a target produced, ready for the single writer."""

    target: Target
    fetched_at: datetime
    outcome: str  # ok | not_modified | not_article | <error reason>
    status: int | None = None
    detail: str = ""
    elapsed_ms: int = 0
    final_url: str | None = None
    content: bytes | None = None  # raw body (kept compressed in `pages`)
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    article: Article | None = None
    size: int | None = None  # bytes read (the raw body may be dropped once it is prepared)
    # What the cleaning worker derived from the page (a pipeline.prepare.PreparedPage).
    prepared: Any = None


@dataclass
class TickReport:
    """Counts for one ingest pass, stored in `runs` and printed by the CLI."""

    run_id: int | None = None
    sources_polled: int = 0
    sources_failed: int = 0  # polled, but none of their feeds or sitemaps could be read
    feeds_ok: int = 0
    feeds_failed: int = 0
    discovered: int = 0
    new_articles: int = 0
    rechecked: int = 0
    fetched: int = 0
    not_modified: int = 0
    new_versions: int = 0
    unchanged: int = 0
    failed: int = 0
    gone: int = 0
    alerts: int = 0  # figure-change alerts recorded
    # The longest one transaction storing pages held the write lock (BEGIN IMMEDIATE to
    # COMMIT), in milliseconds: what another writer waited at worst.
    write_lock_ms: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def count_error(self, reason: str) -> None:
        self.errors[reason] = self.errors.get(reason, 0) + 1


@dataclass
class NewVersion:
    """A version about to be stored: what the cleaner found, identified by its fingerprint."""

    article_id: int
    seq: int
    fetched_at: datetime
    page_hash: str | None
    url: str
    title: str | None
    text: str
    fingerprint: str
    author: str | None = None
    published: str | None = None
    sitename: str | None = None
    lang: str | None = None
    description: str | None = None
