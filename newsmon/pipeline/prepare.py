"""What a cleaning worker derives from one page, so that the single writer only decides and writes.

Everything here is a pure function of one page and of what the tick knew about its article
when it was planned (the ``Target`` hints): extraction, the version fingerprint, the claims,
the story stage's article-only preparation (features, MinHash fingerprint, furniture
candidates, credit line) and the compressed raw page. ``prepare_page`` runs in a ``CleanPool``
worker under the page's time budget (``clean.timeout_s`` covers the whole per-page path).

The writer (``pipeline.article.save_version``) uses a ``PreparedPage`` only where what it
assumed still holds in the transaction (the article's language and publication date, the
page's furniture): otherwise it derives that part itself, as it would without one.
"""

from __future__ import annotations

import dataclasses
import functools
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from newsmon import facts, store
from newsmon.core.clock import iso, parse_iso
from newsmon.core.errors import StoreError
from newsmon.core.languages import primary_language
from newsmon.core.records import Article, PageOutcome
from newsmon.core.settings import Settings, StoriesSettings
from newsmon.core.story_records import ArticleInput
from newsmon.ingest.clean import extract_article, run_bounded
from newsmon.store.articles import StoredPage, compress_page
from newsmon.store.stories import StoryStore
from newsmon.stories.join import PreparedArticle, page_furniture, prepare_article
from newsmon.versions.fingerprint import fingerprint

__all__ = [
    "READ_CHARS",
    "PageContext",
    "PreparedPage",
    "derive_page",
    "guess_furniture",
    "language_of",
    "lexicons",
    "page_context",
    "prepare_page",
    "published_at",
    "read_claims",
    "readable_part",
    "story_input",
]


@dataclass(frozen=True)
class PageContext:
    """What the worker needs besides the page: its article's hints as the tick planned them."""

    url: str  # the article's identity (its canonical URL)
    source_id: str
    fetched_at: datetime
    published: datetime | None  # the article's stored publication date, if any
    lang: str | None  # the article's stored language tag
    source_lang: str | None
    config_dir: str  # where lexicon overrides live
    # The store and the story settings, to guess the page's furniture from what the store
    # has learnt (read-only; the writer checks the guess). None: guess none.
    db_path: str | None = None
    stories: StoriesSettings | None = None


@dataclass
class PreparedPage:
    """An article and everything that follows from it alone (see the module docstring)."""

    article: Article
    fingerprint: str
    lang: str  # primary language the claims and the story features were read in
    claims: list[facts.Claim]
    headline: dict[str, Any]
    story: PreparedArticle
    page: StoredPage | None


# How much of a version's text its claims and its story features are read from. A news
# article is 2-40 kB of text and the longest long-reads about 100 kB, so every article is read
# whole; past this a page is a live blog, a transcript or a hostile page (a 3 MB text took
# 15 s of claims and features), and its first 200,000 characters are read (a live blog puts
# its newest entries first). The version's text, fingerprint and diff are always the whole.
READ_CHARS = 200_000


def readable_part(text: str) -> str:
    """Return the part of ``text`` claims and story features are read from: all of it up to
    READ_CHARS characters, else its paragraphs (or words) that fit in READ_CHARS."""
    if len(text) <= READ_CHARS:
        return text
    head = text[:READ_CHARS]
    cut = head.rfind("\n")
    if cut < READ_CHARS // 2:
        cut = head.rfind(" ")
    return head[:cut] if cut > 0 else head


def read_claims(text: str, lang: str, lexicons: facts.Lexicons) -> list[facts.Claim]:
    """Return the casualty claims of a version's text (of its ``readable_part``)."""
    return facts.extract_claims(readable_part(text), lang, lexicons)


@functools.lru_cache(maxsize=8)
def lexicons(config_dir: str) -> facts.Lexicons:
    """Load the lexicons of a config directory once per process (the repo's when it has none)."""
    folder = Path(config_dir) / "lexicons"
    return facts.load_lexicons(folder if folder.is_dir() else None)


def page_context(
    settings: Settings, outcome: PageOutcome, db_path: str | None = None
) -> PageContext:
    """Return the context a worker needs to prepare ``outcome``'s page (in ``db_path``)."""
    target = outcome.target
    source_lang = next((s.lang for s in settings.sources if s.id == target.source_id), None)
    return PageContext(
        url=target.url,
        source_id=target.source_id,
        fetched_at=outcome.fetched_at,
        published=target.published_hint,
        lang=target.lang_hint,
        source_lang=source_lang,
        config_dir=settings.config_dir,
        db_path=db_path,
        stories=settings.stories,
    )


def language_of(
    page_lang: str | None,
    article_lang: str | None,
    source_lang: str | None,
    text: str = "",
    lexicons: facts.Lexicons | None = None,
) -> str:
    """Return the primary language of a version: the page's, the feed's, the source's, or
    the one its text is written in (detected offline; en for no text)."""
    for tag in (page_lang, article_lang, source_lang):
        primary = primary_language(tag)
        if primary:
            return primary
    return facts.detect_language(text, lexicons) if text else "en"


def published_at(value: str | None) -> datetime | None:
    """Return the publication time a page states, when it is an ISO date or datetime."""
    if not value:
        return None
    try:
        return parse_iso(iso(datetime.fromisoformat(value)))
    except ValueError:
        return None


def story_input(
    context: PageContext, article: Article, lang: str, *, article_id: int = 0, version_id: int = 0
) -> ArticleInput:
    """Return the story stage's view of a version (ids 0 until the writer knows them)."""
    return ArticleInput(
        article_id=article_id,
        version_id=version_id,
        source_id=context.source_id,
        url=context.url,
        title=article.title,
        text=readable_part(article.text),
        lang=lang,
        published=context.published or published_at(article.published),
        seen_at=context.fetched_at,
    )


def derive_page(
    article: Article, html: bytes | None, context: PageContext, lexicons: facts.Lexicons
) -> PreparedPage:
    """Return everything that follows from ``article`` alone (no store, no clock)."""
    lang = language_of(article.lang, context.lang, context.source_lang, article.text, lexicons)
    claims = read_claims(article.text, lang, lexicons)
    return PreparedPage(
        article=article,
        fingerprint=fingerprint(article.title, article.text),
        lang=lang,
        claims=claims,
        headline=facts.headline_figures(claims),
        story=prepare_article(
            story_input(context, article, lang),
            speculative=True,
            furniture=functools.partial(guess_furniture, context),
        ),
        page=compress_page(html) if html is not None else None,
    )


@functools.lru_cache(maxsize=4)
def _reader(path: str) -> StoryStore:
    return StoryStore(store.open_reader(path))


def guess_furniture(context: PageContext, candidates: dict[int, int]) -> tuple[set[int], set[int]]:
    """Return the furniture the writer would find on a page now: (as dedupe skips it, as
    features do), from the line counts the store holds (read-only, one indexed query).

    The writer counts the lines of every article it stores, so its answer may differ by the
    pages stored meanwhile; it then derives the fingerprint and features itself.
    """
    if context.db_path is None or context.stories is None or not candidates:
        return set(), set()
    try:
        dedupe, features, _printed = page_furniture(
            _reader(context.db_path), context.source_id, candidates, context.stories, count=False
        )
    except (StoreError, sqlite3.Error):  # no guess: the writer derives what it needs
        return set(), set()
    return dedupe, features


def prepare_page(
    html: bytes, url: str, min_chars: int, timeout_s: float, context: PageContext
) -> tuple[str, PreparedPage | None, str]:
    """Clean and prepare one page under its time budget: (outcome, prepared page, detail)."""

    def work() -> tuple[str, PreparedPage | None, str]:
        article = extract_article(html, url, min_chars=min_chars)
        if article is None:
            return "not_article", None, "no article text found"
        return "ok", derive_page(article, html, context, lexicons(context.config_dir)), ""

    return run_bounded(work, timeout_s)


def as_prepared(payload: Any) -> PreparedPage | None:
    """The pool's decode step: a worker's payload is already a PreparedPage."""
    return payload if isinstance(payload, PreparedPage) else None


def matches(prepared: PreparedPage, expected: ArticleInput) -> PreparedArticle | None:
    """Return the story preparation for ``expected`` when the worker assumed the same inputs."""
    assumed = dataclasses.replace(expected, article_id=0, version_id=0)
    if prepared.story.article != assumed:
        return None
    return dataclasses.replace(prepared.story, article=expected)
