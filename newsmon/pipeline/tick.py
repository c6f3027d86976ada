"""Plain composition of the stages: discover → fetch → clean → store.

`run_tick` is the one composition. flows/ passes task-wrapped versions of the step
functions through `Steps`, so Prefect adds orchestration without a second copy of the
pipeline; called without steps, it is an ordinary async function.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from newsmon import cluster, facts, store
from newsmon.core.errors import FetchError, ParseError
from newsmon.core.records import (
    DiscoveredItem,
    Discovery,
    FeedPoll,
    PageOutcome,
    Target,
    TickReport,
)
from newsmon.core.settings import Settings, Source, parse_duration
from newsmon.core.text import normalise_text
from newsmon.ingest.clean import CleanPool
from newsmon.ingest.discover import parse_feed, parse_sitemap
from newsmon.ingest.fetcher import Fetcher
from newsmon.ingest.schedule import next_poll, next_recheck, retry_after_failure
from newsmon.versions import diff as diffs

Progress = Callable[[str, int, int], None]

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
SITEMAP_ACCEPT = "application/xml, text/xml;q=0.9, */*;q=0.5"
HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml", "")
MAX_FETCH_FAILURES = 5
GONE_RECHECK = timedelta(days=1)


def utcnow() -> datetime:
    return datetime.now(UTC)


def db_path_for(settings: Settings, db_path: str | Path | None = None) -> str:
    return str(db_path or settings.store.path)


def open_store(settings: Settings, db_path: str | Path | None = None) -> sqlite_utils.Database:
    """Open the store named by --db or settings, migrating it if needed."""
    return store.open_db(
        db_path_for(settings, db_path), busy_timeout_s=settings.store.busy_timeout_s
    )


# --- plan -----------------------------------------------------------------------------------


@dataclass
class TickPlan:
    run_id: int
    now: datetime
    sources: list[Source]
    force: bool = False
    since: datetime | None = None
    until: datetime | None = None


def begin_tick(
    settings: Settings,
    db_path: str,
    *,
    now: datetime | None = None,
    force: bool = False,
    source_ids: Sequence[str] | None = None,
    kind: str = "tick",
    flow_run_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> TickPlan:
    """Sync sources into the store, pick the due ones and open a run record."""
    now = now or utcnow()
    db = open_store(settings, db_path)
    try:
        store.sync_sources(db, settings.sources, now)
        rows = store.source_rows(db)
        chosen = [s for s in settings.sources if s.enabled]
        if source_ids:
            unknown = set(source_ids) - {s.id for s in settings.sources}
            if unknown:
                raise ParseError("--source", "unknown_source", ", ".join(sorted(unknown)))
            chosen = [s for s in chosen if s.id in source_ids]
        if not force:
            chosen = [s for s in chosen if _source_due(rows.get(s.id), now)]
        run_id = store.start_run(db, kind, now, flow_run_id)
    finally:
        db.close()
    return TickPlan(run_id, now, chosen, force, since, until)


def _source_due(row: dict[str, Any] | None, now: datetime) -> bool:
    if row is None or not row.get("next_poll_at"):
        return True
    due = store.parse_iso(row["next_poll_at"])
    return due is None or due <= now


# --- discover -------------------------------------------------------------------------------


async def discover_source(
    fetcher: Fetcher,
    settings: Settings,
    source: Source,
    validators: dict[str, tuple[str | None, str | None]],
    *,
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
    known_sitemaps: Sequence[str] = (),
) -> Discovery:
    """Poll a source's feeds and sitemaps; return the article URLs found and per-URL status.

    ``known_sitemaps`` are child sitemaps seen before: an index answering 304 still has
    children that change (a news sitemap changes while its index does not).
    """
    result = Discovery(source_id=source.id)
    max_items = source.max_items or settings.discover.max_items_per_feed
    oldest = since or (now - timedelta(seconds=parse_duration(settings.discover.max_item_age)))
    found: dict[str, DiscoveredItem] = {}

    def keep(items: list[DiscoveredItem]) -> None:
        for item in items:
            when = item.published or item.lastmod
            if when is not None and (when < oldest or (until is not None and when > until)):
                continue
            if item.url not in found:
                found[item.url] = item

    for url in source.feeds:
        poll, content = await _poll(fetcher, settings, url, "feed", validators.get(url))
        if content is not None:
            try:
                parsed = parse_feed(
                    content,
                    url,
                    source.id,
                    max_items=max_items,
                    max_bytes=settings.discover.max_feed_bytes,
                )
                poll.items = len(parsed.items)
                poll.outcome = "partial" if parsed.status == "partial" else "ok"
                poll.detail = parsed.detail
                keep(parsed.items)
            except ParseError as exc:
                poll.outcome, poll.detail = exc.reason, exc.detail
        result.polls.append(poll)

    queue = [(url, 0) for url in source.sitemaps]
    seen: set[str] = set()
    while queue and len(seen) < settings.discover.max_sitemaps_per_source:
        url, depth = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        poll, content = await _poll(fetcher, settings, url, "sitemap", validators.get(url))
        if content is not None:
            try:
                parsed_map = parse_sitemap(content, url, source.id, max_items=max_items)
                poll.items = len(parsed_map.items)
                poll.outcome = "partial" if parsed_map.status == "partial" else "ok"
                poll.detail = parsed_map.detail or ""
                keep(parsed_map.items)
                if depth < settings.discover.max_sitemap_depth:
                    children = [c for c in parsed_map.children if c not in seen]
                    queue.extend((child, depth + 1) for child in children)
                elif parsed_map.children:
                    poll.detail = (poll.detail + " sitemap depth cap reached").strip()
            except ParseError as exc:
                poll.outcome, poll.detail = exc.reason, exc.detail
        elif poll.outcome == "not_modified" and depth < settings.discover.max_sitemap_depth:
            queue.extend((child, depth + 1) for child in known_sitemaps if child not in seen)
        result.polls.append(poll)
    ranked = sorted(
        found.values(),
        key=lambda i: i.published or i.lastmod or datetime.min.replace(tzinfo=UTC),
        reverse=True,
    )
    result.items = ranked[: settings.ingest.max_new_per_source * 5]
    return result


async def _poll(
    fetcher: Fetcher,
    settings: Settings,
    url: str,
    kind: str,
    validator: tuple[str | None, str | None] | None,
) -> tuple[FeedPoll, bytes | None]:
    etag, last_modified = validator or (None, None)
    try:
        response = await fetcher.fetch(
            url,
            etag=etag,
            last_modified=last_modified,
            accept=FEED_ACCEPT if kind == "feed" else SITEMAP_ACCEPT,
            max_bytes=settings.discover.max_feed_bytes,
        )
    except FetchError as exc:
        return FeedPoll(url, kind, exc.reason, status=exc.status, detail=exc.detail), None
    poll = FeedPoll(
        url,
        kind,
        "not_modified" if response.not_modified else "ok",
        status=response.status,
        etag=response.etag,
        last_modified=response.last_modified,
        elapsed_ms=response.elapsed_ms,
        bytes=len(response.content),
    )
    return poll, None if response.not_modified else response.content


def record_discovery(
    settings: Settings, db_path: str, discovery: Discovery, run_id: int, now: datetime
) -> int:
    """Store a source's poll results and new URLs; schedule its next poll; return new count."""
    source = next(s for s in settings.sources if s.id == discovery.source_id)
    db = open_store(settings, db_path)
    try:
        row = store.source_rows(db).get(source.id) or {}
        ok = any(p.outcome in ("ok", "not_modified", "partial") for p in discovery.polls)
        failures = 0 if ok else int(row.get("consecutive_failures") or 0) + 1
        known = {
            r[0]
            for r in db.execute(
                "SELECT url FROM articles WHERE source_id = ? ORDER BY id DESC LIMIT 100000",
                [source.id],
            )
        }
        fresh = [i for i in discovery.items if i.url not in known]
        fresh = fresh[: settings.ingest.max_new_per_source]
        return store.record_discovery(
            db,
            source.id,
            discovery.polls,
            fresh,
            now=now,
            next_poll_at=next_poll(now, source.poll_every_s, failures),
            run_id=run_id,
        )
    finally:
        db.close()


def feed_state(
    settings: Settings, db_path: str, source: Source
) -> tuple[dict[str, tuple[str | None, str | None]], list[str]]:
    """Return a source's stored validators by URL and its child sitemaps seen before."""
    db = open_store(settings, db_path)
    try:
        rows = list(
            db.execute(
                "SELECT url, etag, last_modified, kind FROM feeds WHERE source_id = ? ORDER BY url",
                [source.id],
            )
        )
    finally:
        db.close()
    validators = {row[0]: (row[1], row[2]) for row in rows}
    children = [row[0] for row in rows if row[3] == "sitemap" and row[0] not in source.sitemaps]
    return validators, children


def due_targets(
    settings: Settings,
    db_path: str,
    now: datetime,
    *,
    force: bool = False,
    source_ids: Sequence[str] | None = None,
) -> list[Target]:
    db = open_store(settings, db_path)
    try:
        return store.due_targets(db, now, force=force, source_ids=source_ids)
    finally:
        db.close()


# --- fetch + clean ----------------------------------------------------------------------------


async def fetch_and_clean(
    fetcher: Fetcher, pool: CleanPool, targets: Sequence[Target], *, now: datetime | None = None
) -> list[PageOutcome]:
    """Fetch a batch of targets concurrently (politeness is the fetcher's), then clean them.

    ``now`` pins the recorded fetch time (replays, tests); by default each fetch's own time.
    """
    outcomes = list(await asyncio.gather(*(fetch_target(fetcher, t, now=now) for t in targets)))
    fetched = [o for o in outcomes if o.outcome == "fetched"]
    cleaned = await pool.clean_many(
        [(o.content or b"", o.final_url or o.target.url) for o in fetched]
    )
    for outcome, (result, article, detail) in zip(fetched, cleaned, strict=True):
        outcome.outcome, outcome.article, outcome.detail = result, article, detail
    return outcomes


async def fetch_target(
    fetcher: Fetcher, target: Target, *, now: datetime | None = None
) -> PageOutcome:
    """Fetch one article URL (conditionally when validators are known)."""
    started = now or utcnow()
    try:
        response = await fetcher.fetch(
            target.url, etag=target.etag, last_modified=target.last_modified
        )
    except FetchError as exc:
        return PageOutcome(target, started, exc.reason, status=exc.status, detail=exc.detail)
    outcome = PageOutcome(
        target,
        started,
        "not_modified" if response.not_modified else "fetched",
        status=response.status,
        elapsed_ms=response.elapsed_ms,
        final_url=response.final_url,
        content=None if response.not_modified else response.content,
        content_type=response.content_type,
        etag=response.etag,
        last_modified=response.last_modified,
    )
    media_type = response.content_type.split(";")[0].strip().lower()
    if not response.not_modified and media_type not in HTML_TYPES:
        outcome.outcome = "not_html"
        outcome.detail = f"content type {media_type!r} is not HTML"
    return outcome


# --- store ----------------------------------------------------------------------------------


def store_batch(
    settings: Settings, db_path: str, outcomes: Sequence[PageOutcome], run_id: int | None
) -> dict[str, int]:
    """Write each outcome in its own transaction; return counts by result."""
    db = open_store(settings, db_path)
    counts: dict[str, int] = {}
    try:
        for outcome in outcomes:
            result = store_outcome(db, settings, outcome, run_id)
            counts[result] = counts.get(result, 0) + 1
    finally:
        db.close()
    return counts


def store_outcome(
    db: sqlite_utils.Database,
    settings: Settings,
    outcome: PageOutcome,
    run_id: int | None,
    *,
    imported: bool = False,
) -> str:
    """Apply one fetch outcome to its article in one BEGIN IMMEDIATE transaction.

    ``imported``: the outcome comes from a backfill file, so the article becomes "imported"
    (never rechecked) in the same transaction: a concurrent tick never sees it due.
    Returns new_version | unchanged | not_modified | not_article | gone | failed | blocked.
    """
    target = outcome.target
    now = outcome.fetched_at
    with store.write_transaction(db):
        row = db.execute("SELECT * FROM articles WHERE url = ?", [target.url]).fetchone()
        if row is None:  # imported or deleted meanwhile: recreate the identity row
            db.execute(
                "INSERT INTO articles (url, source_id, first_seen, status) VALUES (?, ?, ?, 'new')",
                [target.url, target.source_id, store.iso(now)],
            )
        article = dict(
            zip(
                [c[0] for c in db.execute("SELECT * FROM articles LIMIT 0").description],
                db.execute("SELECT * FROM articles WHERE url = ?", [target.url]).fetchone(),
                strict=True,
            )
        )
        target.article_id = article["id"]
        anchor = (
            store.parse_iso(article["published"]) or store.parse_iso(article["first_seen"]) or now
        )
        schedule = next_recheck(anchor, now, settings.recheck_tiers)
        updates: dict[str, Any] = {"last_fetched_at": store.iso(now)}
        page_hash = None
        result: str
        if outcome.outcome in ("ok", "not_modified", "not_article"):
            updates.update(failures=0, last_error=None, next_check_at=store.iso(schedule))
            if outcome.etag or outcome.last_modified:
                updates.update(etag=outcome.etag, last_modified=outcome.last_modified)
            if outcome.final_url:
                updates["final_url"] = outcome.final_url
            if outcome.outcome == "ok" and outcome.article is not None:
                result, page_hash = _save_version(db, settings, article, outcome, now, updates)
                updates["status"] = "active"
            elif outcome.outcome == "not_modified":
                result = "not_modified"
                updates["status"] = "active" if article["versions_count"] else article["status"]
            else:
                result = "not_article"
                updates["status"] = "active" if article["versions_count"] else "not_article"
        elif outcome.outcome in ("blocked", "robots"):
            result = "blocked"
            updates.update(status="blocked", next_check_at=None, last_error=_error(outcome))
        else:
            failures = int(article["failures"] or 0) + 1
            updates.update(failures=failures, last_error=_error(outcome))
            if outcome.outcome == "http_status" and outcome.status in (404, 410):
                result = "gone"
                keep_checking = failures < settings.ingest.gone_after_failures
                # Removed pages rarely return: look again a day later, a few times.
                recheck = store.iso(now + GONE_RECHECK) if keep_checking else None
                updates.update(status="gone", next_check_at=recheck)
            elif outcome.outcome == "not_html":
                result = "failed"
                updates.update(status="not_article", next_check_at=None)
            else:
                result = "failed"
                give_up = failures >= MAX_FETCH_FAILURES
                updates.update(
                    status="failed" if give_up else "failing",
                    next_check_at=None
                    if give_up
                    else store.iso(retry_after_failure(now, failures)),
                )
        if imported:
            if updates.get("status", article["status"]) in ("new", "active", "not_article"):
                updates.update(status="imported", next_check_at=None)
            if not article["published"] and target.published_hint:
                updates.setdefault("published", store.iso(target.published_hint))
        assignments = ", ".join(f"{key} = :{key}" for key in updates)
        db.execute(
            f"UPDATE articles SET {assignments} WHERE id = :id", {**updates, "id": article["id"]}
        )
        store.log_fetch(db, outcome, run_id, page_hash)
    return result


def _error(outcome: PageOutcome) -> str:
    text = outcome.outcome + (f" (HTTP {outcome.status})" if outcome.status else "")
    return text + (f": {outcome.detail}" if outcome.detail else "")


@functools.lru_cache(maxsize=8)
def _lexicons(config_dir: str) -> facts.Lexicons:
    """Load the lexicons of a config directory once per process (the repo's when it has none)."""
    folder = Path(config_dir) / "lexicons"
    return facts.load_lexicons(folder if folder.is_dir() else None)


def _source_lang(settings: Settings, source_id: str) -> str | None:
    return next((s.lang for s in settings.sources if s.id == source_id), None)


def _language(value: str | None) -> str:
    """Reduce "pt-BR", "fr_FR" or "EN" to the lexicon key "pt", "fr", "en"."""
    return (value or "en").replace("_", "-").split("-")[0].lower() or "en"


def _save_version(
    db: sqlite_utils.Database,
    settings: Settings,
    article: dict[str, Any],
    outcome: PageOutcome,
    now: datetime,
    updates: dict[str, Any],
) -> tuple[str, str | None]:
    """Insert a version when the normalised title+text changed; return (result, page hash)."""
    cleaned = outcome.article
    assert cleaned is not None
    fingerprint = store.fingerprint(cleaned.title, normalise_text(cleaned.text))
    latest = store.latest_version(db, article["id"])
    if latest is not None and latest["fingerprint"] == fingerprint:
        return "unchanged", None
    page_hash = (
        store.save_page(db, outcome.content, outcome.content_type, now)
        if outcome.content is not None
        else None
    )
    seq = (latest["seq"] + 1) if latest else 1
    cursor = db.execute(
        """INSERT INTO versions (article_id, seq, fetched_at, page_hash, url, title, author,
               published, sitename, lang, description, text, fingerprint)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            article["id"],
            seq,
            store.iso(now),
            page_hash,
            outcome.final_url or article["url"],
            cleaned.title,
            cleaned.author,
            cleaned.published,
            cleaned.sitename,
            cleaned.lang or article["lang"],
            cleaned.description,
            cleaned.text,
            fingerprint,
        ],
    )
    version_id = int(cursor.lastrowid or 0)
    if latest is not None:
        change = diffs.diff_texts(latest["text"], cleaned.text, latest["title"], cleaned.title)
        db.execute(
            """INSERT INTO diffs (article_id, from_version, to_version, summary, ops)
               VALUES (?, ?, ?, ?, ?)""",
            [
                article["id"],
                latest["id"],
                version_id,
                change.summary(),
                json.dumps(change.to_dict()),
            ],
        )
    lang = _language(
        cleaned.lang or article["lang"] or _source_lang(settings, article["source_id"])
    )
    claims = facts.extract_claims(cleaned.text, lang, _lexicons(settings.config_dir))
    store.save_claims(db, version_id, article["id"], claims, facts.headline_figures(claims))
    cluster.assign_version(
        db,
        article_id=article["id"],
        version_id=version_id,
        source_id=article["source_id"],
        url=article["url"],
        title=cleaned.title,
        text=cleaned.text,
        lang=lang,
        published=store.parse_iso(article["published"]) or _published_at(cleaned.published),
        seen_at=now,
        settings=settings.stories,
    )
    updates.update(
        current_version_id=version_id,
        versions_count=int(article["versions_count"] or 0) + 1,
        last_changed_at=store.iso(now),
    )
    if not article["published"] and cleaned.published:
        updates["published"] = _published_iso(cleaned.published)
    return "new_version", page_hash


def _published_at(value: str | None) -> datetime | None:
    text = _published_iso(value) if value else None
    return store.parse_iso(text)


def _published_iso(value: str) -> str | None:
    try:
        return store.iso(datetime.fromisoformat(value))
    except ValueError:
        return None


def alert_changes(settings: Settings, db_path: str, run_id: int, now: datetime) -> dict[str, int]:
    """Record figure-change alerts for the stories this run touched; deliver pending ones."""
    from newsmon.pipeline.alerts import deliver_alerts, plan_alerts

    db = open_store(settings, db_path)
    try:
        touched = [
            row[0]
            for row in db.execute(
                """SELECT DISTINCT sa.story_id FROM fetches f
                   JOIN story_articles sa ON sa.article_id = f.article_id
                   WHERE f.run_id = ? AND f.outcome = 'ok'""",
                [run_id],
            )
        ]
        planned = plan_alerts(
            db,
            touched,
            settings.alerts,
            now,
            disagreement_window_s=parse_duration(settings.report.disagreement_window),
        )
        counts = {"stories": len(touched), "planned": len(planned)}
        if settings.alerts.webhooks:
            counts.update(deliver_alerts(db, settings.alerts))
        return counts
    finally:
        db.close()


def finish_tick(
    settings: Settings, db_path: str, report: TickReport, *, status: str = "ok", error: str = ""
) -> None:
    db = open_store(settings, db_path)
    try:
        counts = asdict(report)
        counts.pop("run_id", None)
        store.finish_run(db, report.run_id or 0, status, counts, error)
    finally:
        db.close()


# --- composition ----------------------------------------------------------------------------


@dataclass
class Steps:
    """The step functions run_tick composes; flows/ substitutes Prefect tasks."""

    discover: Callable[..., Awaitable[Discovery]] = discover_source
    record: Callable[..., int] = record_discovery
    fetch_clean: Callable[..., Awaitable[list[PageOutcome]]] = fetch_and_clean
    store: Callable[..., dict[str, int]] = store_batch
    alert: Callable[..., dict[str, int]] = alert_changes
    extra: dict[str, Any] = field(default_factory=dict)


async def run_tick(
    settings: Settings,
    *,
    db_path: str | Path | None = None,
    now: datetime | None = None,
    force: bool = False,
    source_ids: Sequence[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    kind: str = "tick",
    flow_run_id: str | None = None,
    steps: Steps | None = None,
    progress: Progress | None = None,
) -> TickReport:
    """Run one ingest pass: poll due sources, fetch new and due URLs, clean, store."""
    steps = steps or Steps()
    path = db_path_for(settings, db_path)
    plan = begin_tick(
        settings,
        path,
        now=now,
        force=force or kind == "backfill",
        source_ids=source_ids,
        kind=kind,
        flow_run_id=flow_run_id,
        since=since,
        until=until,
    )
    report = TickReport(run_id=plan.run_id, sources_polled=len(plan.sources))
    pinned_now = now  # only a caller-given clock is pinned; real runs timestamp each fetch
    try:
        async with Fetcher(settings.fetch) as fetcher:
            states = [feed_state(settings, path, source) for source in plan.sources]
            discoveries = await asyncio.gather(
                *(
                    steps.discover(
                        fetcher,
                        settings,
                        source,
                        validators,
                        now=plan.now,
                        since=since,
                        until=until,
                        known_sitemaps=children,
                    )
                    for source, (validators, children) in zip(plan.sources, states, strict=True)
                )
            )
            for discovery in discoveries:
                report.discovered += len(discovery.items)
                for poll in discovery.polls:
                    if poll.outcome in ("ok", "not_modified", "partial"):
                        report.feeds_ok += 1
                    else:
                        report.feeds_failed += 1
                        report.count_error(poll.outcome)
                report.new_articles += steps.record(
                    settings, path, discovery, plan.run_id, plan.now
                )
            targets = due_targets(
                settings,
                path,
                plan.now,
                force=plan.force and kind != "backfill",
                source_ids=[s.id for s in plan.sources] if source_ids else None,
            )
            report.rechecked = sum(1 for t in targets if t.etag or t.last_modified)
            total = len(targets)
            if progress:
                progress("fetch", 0, total)
            with CleanPool(
                settings.clean.workers,
                settings.clean.timeout_s,
                settings.clean.min_text_chars,
            ) as pool:
                done = 0
                for start in range(0, total, settings.ingest.batch_size):
                    batch = targets[start : start + settings.ingest.batch_size]
                    outcomes = await steps.fetch_clean(fetcher, pool, batch, now=pinned_now)
                    counts = steps.store(settings, path, outcomes, plan.run_id)
                    _tally(report, outcomes, counts)
                    done += len(batch)
                    if progress:
                        progress("fetch", done, total)
        if kind == "tick":  # backfills replay the past: they do not alert
            report.alerts = steps.alert(settings, path, plan.run_id, plan.now).get("planned", 0)
    except BaseException as exc:
        finish_tick(settings, path, report, status="failed", error=f"{type(exc).__name__}: {exc}")
        raise
    finish_tick(settings, path, report, status="ok" if not report.errors else "partial")
    return report


def _tally(report: TickReport, outcomes: Sequence[PageOutcome], counts: dict[str, int]) -> None:
    report.fetched += sum(1 for o in outcomes if o.content is not None)
    report.not_modified += counts.get("not_modified", 0)
    report.new_versions += counts.get("new_version", 0)
    report.unchanged += counts.get("unchanged", 0)
    report.gone += counts.get("gone", 0)
    report.failed += counts.get("failed", 0) + counts.get("blocked", 0)
    for outcome in outcomes:
        if outcome.outcome not in ("ok", "not_modified", "not_article"):
            report.count_error(outcome.outcome)
