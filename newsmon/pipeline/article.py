"""One article's transaction: a fetch outcome applied to its state, versions, claims and story.

`store_outcome` is the article state machine (new → active / gone / failing / failed /
blocked / not_article / imported) and is the only place a tick or an import writes an
article. `save_version` adds a version with its diff, claims and story; `rederive_version`
brings a stored version up to date after a re-extraction (`newsmon reprocess`). Both share
`derive`, so a tick and a reprocess compute diffs and claims the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from newsmon import facts, store
from newsmon.core.clock import iso, parse_iso
from newsmon.core.errors import Reason
from newsmon.core.records import (
    GOOD_PAGES,
    Article,
    ArticleStatus,
    NewVersion,
    Outcome,
    PageOutcome,
    StoreResult,
)
from newsmon.core.settings import Settings
from newsmon.core.story_records import ArticleInput
from newsmon.ingest.schedule import next_recheck, retry_after_failure
from newsmon.pipeline.prepare import (
    PreparedPage,
    language_of,
    lexicons,
    matches,
    published_at,
    read_claims,
    readable_part,
)
from newsmon.store.articles import StoredPage
from newsmon.store.stories import StoryStore
from newsmon.stories.join import assign_version
from newsmon.versions.diff import Diff, diff_texts
from newsmon.versions.fingerprint import fingerprint

MAX_FETCH_FAILURES = 5
GONE_RECHECK = timedelta(days=1)
# An import settles these; an article failing or gone keeps its state.
_IMPORTABLE = frozenset({ArticleStatus.NEW, ArticleStatus.ACTIVE, ArticleStatus.NOT_ARTICLE})
_NEVER_LIVE = frozenset({ArticleStatus.NEW, ArticleStatus.IMPORTED})


def store_outcome(
    db: sqlite_utils.Database,
    settings: Settings,
    outcome: PageOutcome,
    run_id: int | None,
    *,
    imported: bool = False,
    ahead: Derived | None = None,
) -> str:
    """Apply one fetch outcome to its article in one BEGIN IMMEDIATE transaction.

    ``ahead``: ``derive_ahead`` already run for this outcome (a tick does it for a whole
    commit group before the group takes the write lock); else it runs here, before the lock.

    ``imported``: the outcome comes from a backfill file, so the article becomes "imported"
    (never rechecked) in the same transaction: a concurrent tick never sees it due.
    Returns what happened to the article.
    """
    target = outcome.target
    now = outcome.fetched_at
    # The heavy part of a new version (its diff and claims) is computed before the write
    # lock is taken, against the version stored then; checked again under the lock.
    if ahead is None:
        ahead = derive_ahead(db, settings, outcome)
    with store.write_transaction(db):
        article = store.articles.article_for_update(db, target.url, target.source_id, now)
        target.article_id = article["id"]
        anchor = parse_iso(article["published"]) or parse_iso(article["first_seen"]) or now
        schedule = next_recheck(anchor, now, settings.recheck_tiers)
        updates: dict[str, Any] = {"last_fetched_at": iso(now)}
        page_hash = None
        result: StoreResult
        if outcome.outcome in GOOD_PAGES:
            updates.update(failures=0, last_error=None, next_check_at=iso(schedule))
            if outcome.etag or outcome.last_modified:
                updates.update(etag=outcome.etag, last_modified=outcome.last_modified)
            if outcome.final_url:
                updates["final_url"] = outcome.final_url
            has_versions = bool(article["versions_count"])
            if outcome.outcome == Outcome.OK and outcome.article is not None:
                result, page_hash = save_version(db, settings, article, outcome, updates, ahead)
                updates["status"] = ArticleStatus.ACTIVE
            elif outcome.outcome == Outcome.NOT_MODIFIED:
                result = StoreResult.NOT_MODIFIED
                updates["status"] = ArticleStatus.ACTIVE if has_versions else article["status"]
            else:
                result = StoreResult.NOT_ARTICLE
                updates["status"] = (
                    ArticleStatus.ACTIVE if has_versions else ArticleStatus.NOT_ARTICLE
                )
        elif outcome.outcome in (Reason.BLOCKED, Reason.ROBOTS):
            result = StoreResult.BLOCKED
            updates.update(
                status=ArticleStatus.BLOCKED, next_check_at=None, last_error=_error(outcome)
            )
        else:
            failures = int(article["failures"] or 0) + 1
            updates.update(failures=failures, last_error=_error(outcome))
            if outcome.outcome == Reason.HTTP_STATUS and outcome.status in (404, 410):
                result = StoreResult.GONE
                keep_checking = failures < settings.ingest.gone_after_failures
                # Removed pages rarely return: look again a day later, a few times.
                recheck = iso(now + GONE_RECHECK) if keep_checking else None
                updates.update(status=ArticleStatus.GONE, next_check_at=recheck)
            elif outcome.outcome == Reason.NOT_HTML:
                result = StoreResult.FAILED
                updates.update(status=ArticleStatus.NOT_ARTICLE, next_check_at=None)
            else:
                result = StoreResult.FAILED
                give_up = failures >= MAX_FETCH_FAILURES
                updates.update(
                    status=ArticleStatus.FAILED if give_up else ArticleStatus.FAILING,
                    next_check_at=None if give_up else iso(retry_after_failure(now, failures)),
                )
        if imported:
            if updates.get("status", article["status"]) in _IMPORTABLE:
                updates.update(status=ArticleStatus.IMPORTED, next_check_at=None)
            elif result == StoreResult.FAILED and article["status"] in _NEVER_LIVE:
                # An archived page that could not be cleaned: recorded, never fetched live.
                kept = ArticleStatus.IMPORTED if article["versions_count"] else ArticleStatus.FAILED
                updates.update(status=kept, next_check_at=None)
            if not article["published"] and target.published_hint:
                updates.setdefault("published", iso(target.published_hint))
        store.articles.update_article(db, article["id"], updates)
        store.articles.log_fetch(db, outcome, run_id, page_hash)
    return result


def _error(outcome: PageOutcome) -> str:
    text = outcome.outcome + (f" (HTTP {outcome.status})" if outcome.status else "")
    return text + (f": {outcome.detail}" if outcome.detail else "")


def save_version(
    db: sqlite_utils.Database,
    settings: Settings,
    article: dict[str, Any],
    outcome: PageOutcome,
    updates: dict[str, Any],
    ahead: Derived | None = None,
) -> tuple[StoreResult, str | None]:
    """Insert a version when the normalised title+text changed; return (result, page hash).

    Runs inside the caller's transaction; adds the article's new columns to ``updates``.
    ``ahead`` is what derive_ahead computed before the transaction (used if still current);
    what a cleaning worker prepared (``outcome.prepared``: the raw page compressed, the story
    features) is used where its assumptions (language, publication date) still hold.
    """
    cleaned = outcome.article
    assert cleaned is not None
    prepared = prepared_for(outcome)
    now = outcome.fetched_at
    same_text = ahead is not None and ahead.text is cleaned.text and ahead.title == cleaned.title
    if ahead and same_text:
        print_ = ahead.fingerprint
    elif prepared is not None:
        print_ = prepared.fingerprint
    else:
        print_ = fingerprint(cleaned.title, cleaned.text)
    latest = store.articles.latest_version(db, article["id"])
    if latest is not None and latest["fingerprint"] == print_:
        return StoreResult.UNCHANGED, None
    page: bytes | StoredPage | None = outcome.content
    if prepared is not None and prepared.page is not None:
        page = prepared.page
    page_hash = (
        store.articles.save_page(db, page, outcome.content_type, now) if page is not None else None
    )
    lang = article_language(settings, article, cleaned.lang, cleaned.text)
    version_id = store.articles.insert_version(
        db,
        NewVersion(
            article_id=article["id"],
            seq=(latest["seq"] + 1) if latest else 1,
            fetched_at=now,
            page_hash=page_hash,
            url=outcome.final_url or article["url"],
            title=cleaned.title,
            text=cleaned.text,
            fingerprint=print_,
            author=cleaned.author,
            published=cleaned.published,
            sitename=cleaned.sitename,
            lang=cleaned.lang or article["lang"],
            description=cleaned.description,
        ),
    )
    derive(
        db, settings, article["id"], version_id, latest, cleaned.title, cleaned.text, lang, ahead
    )
    story_input = ArticleInput(
        article_id=article["id"],
        version_id=version_id,
        source_id=article["source_id"],
        url=article["url"],
        title=cleaned.title,
        text=readable_part(cleaned.text),
        lang=lang,
        published=parse_iso(article["published"]) or published_at(cleaned.published),
        seen_at=now,
    )
    assign_version(
        StoryStore(db),
        story_input,
        settings=settings.stories,
        now=now,
        prepared=matches(prepared, story_input) if prepared is not None else None,
    )
    updates.update(
        current_version_id=version_id,
        versions_count=int(article["versions_count"] or 0) + 1,
        last_changed_at=iso(now),
    )
    if not article["published"] and cleaned.published:
        updates["published"] = _published_iso(cleaned.published)
    return StoreResult.NEW_VERSION, page_hash


@dataclass(frozen=True)
class Derived:
    """A new version's diff and claims, computed outside the write lock.

    Valid only for the same text and language, following the same stored version.
    """

    previous_id: int | None
    title: str | None
    text: str
    fingerprint: str
    lang: str
    change: Diff | None
    claims: list[Any]


def derive_ahead(
    db: sqlite_utils.Database, settings: Settings, outcome: PageOutcome
) -> Derived | None:
    """Compute, without the write lock, the diff and claims a new version would store.

    None when the outcome brings no article, or its text is what is stored already.
    """
    cleaned = outcome.article
    if outcome.outcome != Outcome.OK or cleaned is None:
        return None
    prepared = prepared_for(outcome)
    article = store.articles.article_by_url_or_id(db, outcome.target.url)
    latest = store.articles.latest_version(db, article["id"]) if article else None
    print_ = prepared.fingerprint if prepared else fingerprint(cleaned.title, cleaned.text)
    if latest is not None and latest["fingerprint"] == print_:
        return None
    row = article or {"source_id": outcome.target.source_id, "lang": outcome.target.lang_hint}
    lang = article_language(settings, row, cleaned.lang, cleaned.text)
    change = None
    if latest is not None:
        change = diff_texts(latest["text"], cleaned.text, latest["title"], cleaned.title)
    if prepared is not None and prepared.lang == lang:
        claims = prepared.claims  # read by the cleaning worker
    else:
        claims = read_claims(cleaned.text, lang, lexicons(settings.config_dir))
    previous_id = latest["id"] if latest else None
    return Derived(previous_id, cleaned.title, cleaned.text, print_, lang, change, claims)


def derive(
    db: sqlite_utils.Database,
    settings: Settings,
    article_id: int,
    version_id: int,
    previous: dict[str, Any] | None,
    title: str | None,
    text: str,
    lang: str,
    ahead: Derived | None = None,
) -> None:
    """Store what follows from a version's text: its diff from ``previous`` and its claims.

    Uses ``ahead`` when it was computed for this very text, language and previous version.
    """
    if ahead is not None and not (
        ahead.previous_id == (previous["id"] if previous else None)
        and ahead.text is text
        and ahead.title == title
        and ahead.lang == lang
    ):
        ahead = None  # another writer added a version meanwhile: compute again, here
    if previous is not None:
        change = ahead.change if ahead and ahead.change else None
        if change is None:
            change = diff_texts(previous["text"], text, previous["title"], title)
        store.articles.save_diff(
            db, article_id, previous["id"], version_id, change.summary(), change.to_dict()
        )
    if ahead is not None:
        claims = ahead.claims
    else:
        claims = read_claims(text, lang, lexicons(settings.config_dir))
    store.claims.save_claims(db, version_id, article_id, claims, facts.headline_figures(claims))


def rederive_version(
    db: sqlite_utils.Database,
    settings: Settings,
    article: dict[str, Any],
    version: dict[str, Any],
    previous: dict[str, Any] | None,
    cleaned: Article | None,
    ahead: Derived | None = None,
) -> bool:
    """Re-derive a stored version (text, diff, claims); return whether its text changed.

    ``cleaned`` None keeps the stored text (no raw page, or the cleaner found nothing).
    ``ahead``: what ``rederive_ahead`` computed for the same version, previous and cleaned
    article before the write lock (used when still current). Runs inside the caller's
    transaction; updates ``version`` in place.
    """
    changed = cleaned is not None and (
        cleaned.text != version["text"] or cleaned.title != version["title"]
    )
    if cleaned is not None and changed:
        version.update(title=cleaned.title, text=cleaned.text)
        store.articles.update_version_text(
            db, version["id"], cleaned.title, cleaned.text, fingerprint(cleaned.title, cleaned.text)
        )
    lang = article_language(settings, article, version["lang"], version["text"])
    title, text = version["title"], version["text"]
    derive(db, settings, article["id"], version["id"], previous, title, text, lang, ahead)
    return changed


def rederive_ahead(
    settings: Settings,
    article: dict[str, Any],
    version: dict[str, Any],
    previous: dict[str, Any] | None,
    cleaned: Article | None,
) -> Derived:
    """Compute, without the write lock, the diff and claims ``rederive_version`` would store
    for ``version`` (with ``previous`` already re-derived: its text is the new one)."""
    changed = cleaned is not None and (
        cleaned.text != version["text"] or cleaned.title != version["title"]
    )
    title, text = (
        (cleaned.title, cleaned.text)
        if cleaned is not None and changed
        else (
            version["title"],
            version["text"],
        )
    )
    lang = article_language(settings, article, version["lang"], text)
    change = None
    if previous is not None:
        change = diff_texts(previous["text"], text, previous["title"], title)
    claims = read_claims(text, lang, lexicons(settings.config_dir))
    print_ = fingerprint(title, text)
    previous_id = previous["id"] if previous else None
    return Derived(previous_id, title, text, print_, lang, change, claims)


def article_language(
    settings: Settings, article: dict[str, Any], page_lang: str | None, text: str = ""
) -> str:
    """Return the primary language of a version: the page's, the feed's, the source's, or
    the one its text is written in (detected offline)."""
    source_lang = next((s.lang for s in settings.sources if s.id == article["source_id"]), None)
    return language_of(page_lang, article["lang"], source_lang, text, lexicons(settings.config_dir))


def prepared_for(outcome: PageOutcome) -> PreparedPage | None:
    """Return what a cleaning worker prepared for this outcome's article, if anything."""
    prepared: PreparedPage | None = outcome.prepared
    if prepared is None or prepared.article != outcome.article:
        return None
    return prepared


def _published_iso(value: str) -> str | None:
    try:
        return iso(datetime.fromisoformat(value))
    except ValueError:
        return None
