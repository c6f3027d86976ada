"""Plain composition of the stages: discover → fetch → clean → store.

`run_tick` is the one composition. flows/ passes task-wrapped versions of the step
functions through `Steps`, so Prefect adds orchestration without a second copy of the
pipeline; called without steps, it is an ordinary async function.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from newsmon import store
from newsmon.core.clock import Clock, parse_iso
from newsmon.core.errors import FetchError, ParseError, Reason, StoreError
from newsmon.core.records import (
    GOOD_PAGES,
    GOOD_POLLS,
    DiscoveredItem,
    Discovery,
    FeedPoll,
    Outcome,
    PageOutcome,
    StoreResult,
    Target,
    TickReport,
)
from newsmon.core.settings import Settings, Source, parse_duration
from newsmon.ingest.clean import CleanPool
from newsmon.ingest.feeds import parse_feed
from newsmon.ingest.fetcher import Fetcher
from newsmon.ingest.schedule import next_poll
from newsmon.ingest.sitemaps import parse_sitemap
from newsmon.pipeline.alerts import deliver_alerts, plan_alerts
from newsmon.pipeline.article import Derived, derive_ahead, store_outcome
from newsmon.pipeline.prepare import as_prepared, page_context, prepare_page

# Hears (stage, done, total) as work advances: ("fetch", URLs done, URLs due) in a tick.
Progress = Callable[[str, int, int], None]

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
SITEMAP_ACCEPT = "application/xml, text/xml;q=0.9, */*;q=0.5"
HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml", "")
MAX_FETCH_FAILURES = 5
GONE_RECHECK = timedelta(days=1)


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


def begin_tick(
    settings: Settings,
    db_path: str,
    *,
    now: datetime,
    force: bool = False,
    source_ids: Sequence[str] | None = None,
    kind: str = "tick",
    flow_run_id: str | None = None,
) -> TickPlan:
    """Sync sources into the store, pick the due ones and open a run record."""
    db = open_store(settings, db_path)
    try:
        store.sources.sync_sources(db, settings.sources, now)
        rows = store.sources.source_rows(db)
        chosen = [s for s in settings.sources if s.enabled]
        if source_ids:
            unknown = set(source_ids) - {s.id for s in settings.sources}
            if unknown:
                raise ParseError("--source", "unknown_source", ", ".join(sorted(unknown)))
            chosen = [s for s in chosen if s.id in source_ids]
        if not force:
            chosen = [s for s in chosen if _source_due(rows.get(s.id), now)]
        run_id = store.runs.start_run(db, kind, now, flow_run_id)
    finally:
        db.close()
    return TickPlan(run_id, now, chosen, force)


def _source_due(row: dict[str, Any] | None, now: datetime) -> bool:
    if row is None or not row.get("next_poll_at"):
        return True
    due = parse_iso(row["next_poll_at"])
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
                # Off the event loop: a 20 MB feed takes seconds of CPU, and other sources'
                # fetches (with their deadlines) run meanwhile.
                parsed = await asyncio.to_thread(
                    functools.partial(
                        parse_feed,
                        content,
                        url,
                        source.id,
                        max_items=max_items,
                        max_bytes=settings.discover.max_feed_bytes,
                    )
                )
                poll.items = len(parsed.items)
                poll.outcome = Outcome.PARTIAL if parsed.status == "partial" else Outcome.OK
                poll.detail = parsed.detail
                keep(parsed.items)
            except ParseError as exc:
                poll.outcome, poll.detail = exc.reason, exc.detail
            except Exception as exc:  # a bug met on one document: that poll fails, not the tick
                poll.outcome, poll.detail = Reason.INTERNAL_ERROR, _internal(exc)
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
                parsed_map = await asyncio.to_thread(
                    functools.partial(parse_sitemap, content, url, source.id, max_items=max_items)
                )
                poll.items = len(parsed_map.items)
                poll.outcome = Outcome.PARTIAL if parsed_map.status == "partial" else Outcome.OK
                poll.detail = parsed_map.detail or ""
                keep(parsed_map.items)
                if depth < settings.discover.max_sitemap_depth:
                    children = [c for c in parsed_map.children if c not in seen]
                    queue.extend((child, depth + 1) for child in children)
                elif parsed_map.children:
                    poll.detail = (poll.detail + " sitemap depth cap reached").strip()
            except ParseError as exc:
                poll.outcome, poll.detail = exc.reason, exc.detail
            except Exception as exc:  # a bug met on one document: that poll fails, not the tick
                poll.outcome, poll.detail = Reason.INTERNAL_ERROR, _internal(exc)
        elif poll.outcome == Outcome.NOT_MODIFIED and depth < settings.discover.max_sitemap_depth:
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
    except Exception as exc:  # a bug met on one response: that poll fails, not the tick
        return FeedPoll(url, kind, Reason.INTERNAL_ERROR, detail=_internal(exc)), None
    answered = Outcome.NOT_MODIFIED if response.not_modified else Outcome.OK
    poll = FeedPoll(url, kind, answered, status=response.status, bytes=len(response.content))
    # The validators a 304 sends replace the stored ones too.
    poll.etag, poll.last_modified = response.etag, response.last_modified
    poll.elapsed_ms = response.elapsed_ms
    return poll, None if response.not_modified else response.content


def record_discovery(
    settings: Settings, db_path: str, discovery: Discovery, run_id: int, now: datetime
) -> int:
    """Store a source's poll results and new URLs; schedule its next poll; return new count."""
    source = next(s for s in settings.sources if s.id == discovery.source_id)
    db = open_store(settings, db_path)
    try:
        row = store.sources.source_rows(db).get(source.id) or {}
        ok = any(p.outcome in GOOD_POLLS for p in discovery.polls)
        failures = 0 if ok else int(row.get("consecutive_failures") or 0) + 1
        known = store.sources.known_urls(db, source.id)
        fresh = [i for i in discovery.items if i.url not in known]
        fresh = fresh[: settings.ingest.max_new_per_source]
        return store.sources.record_discovery(
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
        rows = store.sources.feed_state(db, source.id)
    finally:
        db.close()
    validators = {row[0]: (row[1], row[2]) for row in rows}
    children = [row[0] for row in rows if row[3] == "sitemap" and row[0] not in source.sitemaps]
    return validators, children


def due_targets(
    settings: Settings, db_path: str, plan: TickPlan, *, force: bool, listed_only: bool
) -> list[Target]:
    """The pages due at the plan's time: of the plan's sources only when they were listed."""
    source_ids = [s.id for s in plan.sources] if listed_only else None
    db = open_store(settings, db_path)
    try:
        return store.articles.due_targets(db, plan.now, force=force, source_ids=source_ids)
    finally:
        db.close()


# --- fetch + clean ----------------------------------------------------------------------------


async def fetch_and_clean(
    fetcher: Fetcher,
    pool: CleanPool,
    targets: Sequence[Target],
    *,
    clock: Clock,
    time_left_s: float | None = None,
    settings: Settings | None = None,
    in_hand: asyncio.Semaphore | None = None,
    db_path: str | None = None,
) -> list[PageOutcome]:
    """Fetch a batch of targets concurrently (politeness is the fetcher's) and clean each page
    as soon as it arrives; return the outcomes in the targets' order.

    Each fetch is stamped with ``clock`` when it starts. Past ``time_left_s`` (what remains
    of the tick's deadline), fetches and cleanings still running are stopped and recorded as
    timeouts, so the tick ends on time and those pages are retried later with backoff.
    With ``settings``, the pool's workers also prepare each page for the writer
    (``pipeline.prepare``, reading the store at ``db_path``) and the raw body is dropped once
    it is kept compressed in the outcome. ``in_hand`` bounds the raw pages held at once,
    across every batch sharing it.
    """
    hand = in_hand or asyncio.Semaphore(max(1, len(targets)))
    started = time.monotonic()
    fetch_until = clean_until = None
    if time_left_s is not None:
        # Keep time to clean what was fetched: one page's cleaning budget, or half of it all.
        clean_until = started + time_left_s
        fetch_until = clean_until - min(time_left_s / 2, pool.timeout_s + pool.hard_margin_s)

    async def one(target: Target) -> PageOutcome:
        async with hand:
            try:
                wait = None if fetch_until is None else max(0.0, fetch_until - time.monotonic())
                if wait == 0.0:
                    raise TimeoutError
                outcome = await asyncio.wait_for(fetch_target(fetcher, target, clock=clock), wait)
            except TimeoutError:
                return PageOutcome(target, clock.now(), Reason.TIMEOUT, detail=TICK_DEADLINE_DETAIL)
            if outcome.outcome != Outcome.FETCHED:
                return outcome
            content = outcome.content or b""
            url = outcome.final_url or target.url
            if settings is None:
                result, article, detail = await pool.clean(content, url, deadline=clean_until)
                outcome.outcome, outcome.article, outcome.detail = result, article, detail
                return outcome
            context = page_context(settings, outcome, db_path)
            result, prepared, detail = await pool.clean(content, url, context, deadline=clean_until)
            outcome.outcome, outcome.detail = result, detail
            outcome.size = len(content)
            if prepared is not None:
                outcome.article, outcome.prepared = prepared.article, prepared
            # The raw body is stored only with a new version, and then compressed already.
            outcome.content = None
            return outcome

    return list(await asyncio.gather(*(one(t) for t in targets)))


async def fetch_target(fetcher: Fetcher, target: Target, *, clock: Clock) -> PageOutcome:
    """Fetch one article URL (conditionally when validators are known)."""
    started = clock.now()
    try:
        response = await fetcher.fetch(
            target.url, etag=target.etag, last_modified=target.last_modified
        )
    except FetchError as exc:
        return PageOutcome(target, started, exc.reason, status=exc.status, detail=exc.detail)
    except Exception as exc:  # a bug met on one page: that page fails, not the batch
        return PageOutcome(target, started, Reason.INTERNAL_ERROR, detail=_internal(exc))
    outcome = PageOutcome(
        target,
        started,
        Outcome.NOT_MODIFIED if response.not_modified else Outcome.FETCHED,
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
        outcome.outcome = Reason.NOT_HTML
        outcome.detail = f"content type {media_type!r} is not HTML"
    return outcome


# --- store ----------------------------------------------------------------------------------


def store_batch(
    settings: Settings, db_path: str, outcomes: Sequence[PageOutcome], run_id: int | None
) -> dict[str, int]:
    """Write each outcome all or nothing, ``store.commit_every`` to a commit; return counts
    (and, under WRITE_LOCK_MS, the longest any of its transactions held the write lock).

    Each group's diffs and claims are derived before the group takes the write lock.
    """
    db = open_store(settings, db_path)
    counts: dict[str, int] = {}
    every = settings.store.commit_every
    try:
        for start in range(0, len(outcomes), every):
            group = outcomes[start : start + every]
            ahead = [_derive_ahead(db, settings, outcome) for outcome in group]
            with store.transaction_group(db):
                for outcome, derived in zip(group, ahead, strict=True):
                    try:
                        result: str = store_outcome(db, settings, outcome, run_id, ahead=derived)
                    except StoreError:  # the store itself refuses (full, locked): stop here
                        raise
                    except Exception as exc:  # one page's writes failed (rolled back): why
                        result = _store_failure(db, settings, outcome, run_id, exc)
                    counts[result] = counts.get(result, 0) + 1
        counts[WRITE_LOCK_MS] = round(store.longest_write_s(db) * 1000)
    finally:
        db.close()
    return counts


# The key of store_batch's counts that says how long its longest transaction held the lock.
WRITE_LOCK_MS = "write_lock_ms"


def _derive_ahead(
    db: sqlite_utils.Database, settings: Settings, outcome: PageOutcome
) -> Derived | None:
    try:
        return derive_ahead(db, settings, outcome)
    except Exception:  # derived again under the lock, where a failure is that page's
        return None


def _store_failure(
    db: sqlite_utils.Database,
    settings: Settings,
    outcome: PageOutcome,
    run_id: int | None,
    exc: Exception,
) -> str:
    """Record a page whose outcome could not be stored as that page's internal error."""
    failure = PageOutcome(
        outcome.target,
        outcome.fetched_at,
        Reason.INTERNAL_ERROR,
        status=outcome.status,
        detail=f"storing it failed: {_internal(exc)}",
    )
    outcome.outcome, outcome.detail = failure.outcome, failure.detail
    try:
        return str(store_outcome(db, settings, failure, run_id))
    except Exception:  # the store itself refuses (locked, full): counted, the run goes on
        return StoreResult.FAILED


def _internal(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def alert_changes(settings: Settings, db_path: str, run_id: int, clock: Clock) -> dict[str, int]:
    """Record figure-change alerts for the stories this run touched; deliver pending ones."""
    db = open_store(settings, db_path)
    try:
        touched = store.runs.stories_touched(db, run_id)
        planned = plan_alerts(
            db,
            touched,
            settings.alerts,
            clock.now(),
            disagreement_window_s=parse_duration(settings.report.disagreement_window),
        )
        counts = {"stories": len(touched), "planned": len(planned)}
        if settings.alerts.webhooks:
            counts.update(deliver_alerts(db, settings.alerts, clock))
        return counts
    finally:
        db.close()


def finish_tick(
    settings: Settings,
    db_path: str,
    report: TickReport,
    now: datetime,
    *,
    status: str = "ok",
    error: str = "",
) -> None:
    db = open_store(settings, db_path)
    try:
        counts = asdict(report)
        counts.pop("run_id", None)
        store.runs.finish_run(db, report.run_id or 0, status, counts, now, error)
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


async def run_tick(
    settings: Settings,
    *,
    clock: Clock,
    db_path: str | Path | None = None,
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
        now=clock.now(),
        force=force or kind == "backfill",
        source_ids=source_ids,
        kind=kind,
        flow_run_id=flow_run_id,
    )
    report = TickReport(run_id=plan.run_id, sources_polled=len(plan.sources))
    # Fetching and cleaning stop a little early: storing what they got and alerting follow.
    total_s = parse_duration(settings.ingest.tick_deadline)
    deadline = time.monotonic() + total_s - min(total_s * 0.05, 30.0)

    def time_left() -> float:
        return max(0.0, deadline - time.monotonic())

    try:
        async with Fetcher(settings.fetch) as fetcher:
            states = [feed_state(settings, path, source) for source in plan.sources]
            discoveries = await asyncio.gather(
                *(
                    _contained_discovery(
                        steps.discover(
                            fetcher,
                            settings,
                            source,
                            validators,
                            now=plan.now,
                            since=since,
                            until=until,
                            known_sitemaps=children,
                        ),
                        source,
                        time_left(),
                    )
                    for source, (validators, children) in zip(plan.sources, states, strict=True)
                )
            )
            for discovery in discoveries:
                report.discovered += len(discovery.items)
                if discovery.polls and not any(p.outcome in GOOD_POLLS for p in discovery.polls):
                    report.sources_failed += 1
                for poll in discovery.polls:
                    if poll.outcome in GOOD_POLLS:
                        report.feeds_ok += 1
                    else:
                        report.feeds_failed += 1
                        report.count_error(poll.outcome)
                try:
                    report.new_articles += steps.record(
                        settings, path, discovery, plan.run_id, plan.now
                    )
                except StoreError:  # the store itself refuses (full, locked): the tick stops
                    raise
                except Exception:  # one source's discovery could not be stored
                    report.count_error(Reason.INTERNAL_ERROR)
            targets = due_targets(
                settings,
                path,
                plan,
                force=plan.force and kind != "backfill",
                listed_only=bool(source_ids),
            )
            report.rechecked = sum(1 for t in targets if t.etag or t.last_modified)
            total = len(targets)
            if progress:
                progress("fetch", 0, total)
            with CleanPool(
                settings.clean.workers,
                settings.clean.timeout_s,
                settings.clean.min_text_chars,
                worker=prepare_page,
                decode=as_prepared,
                preload=["newsmon.pipeline.prepare"],
            ) as pool:
                pool.warm()
                await _fetch_clean_store(
                    settings, path, plan.run_id, targets, fetcher, pool, steps, clock, report,
                    progress, time_left,
                )  # fmt: skip
        if kind == "tick":  # backfills replay the past: they do not alert
            try:
                report.alerts = steps.alert(settings, path, plan.run_id, clock).get("planned", 0)
            except StoreError:
                raise
            except Exception:  # alerts are retried at the next tick; the pages are stored
                report.count_error(Reason.INTERNAL_ERROR)
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}"
        # A full disk refuses this too: what stopped the tick is the news, not this.
        with contextlib.suppress(StoreError):
            finish_tick(settings, path, report, clock.now(), status="failed", error=error)
        raise
    status = "ok" if not report.errors else "partial"
    finish_tick(settings, path, report, clock.now(), status=status)
    return report


TICK_DEADLINE_DETAIL = "the tick's deadline (ingest.tick_deadline) ended before this page did"


async def _contained_discovery(
    discovery: Awaitable[Discovery], source: Source, time_left_s: float
) -> Discovery:
    """Await one source's discovery within the tick's deadline; a failure is its polls'."""
    try:
        return await asyncio.wait_for(discovery, time_left_s)
    except TimeoutError:
        reason, detail = Reason.TIMEOUT, TICK_DEADLINE_DETAIL.replace("page", "poll")
    except Exception as exc:  # a bug met on one source: its polls fail, not the tick
        reason, detail = Reason.INTERNAL_ERROR, _internal(exc)
    polls = [FeedPoll(url, "feed", reason, detail=detail) for url in source.feeds]
    polls += [FeedPoll(url, "sitemap", reason, detail=detail) for url in source.sitemaps]
    return Discovery(source_id=source.id, polls=polls)


async def _fetch_clean_store(
    settings: Settings,
    path: str,
    run_id: int,
    targets: Sequence[Target],
    fetcher: Fetcher,
    pool: CleanPool,
    steps: Steps,
    clock: Clock,
    report: TickReport,
    progress: Progress | None,
    time_left: Callable[[], float],
) -> None:
    """Run the batches as a pipeline: while one batch is stored, the next two are fetched and
    cleaned (their pages interleave in the cleaning pool), so neither the workers nor the
    writer wait for each other. One writer: batches are stored one after another, in order.

    Memory stays bounded by settings: at most ``ingest.pages_in_hand`` raw bodies at once, and
    at most four batches of prepared pages (compressed) between the pool and the writer.
    A batch not started when the tick's deadline has passed stays due for the next tick.
    """
    size = settings.ingest.batch_size
    batches = [targets[start : start + size] for start in range(0, len(targets), size)]
    in_hand = asyncio.Semaphore(settings.ingest.pages_in_hand)
    fetching: deque[asyncio.Future[list[PageOutcome]]] = deque()
    storing: asyncio.Future[dict[str, int]] | None = None
    stored: Sequence[PageOutcome] = ()
    started = done = 0

    def refill() -> None:
        nonlocal started
        while len(fetching) < 2 and started < len(batches):
            if time_left() <= 0:  # the rest stays due for the next tick
                for _ in targets[started * size :]:
                    report.count_error(Reason.TICK_DEADLINE)
                started = len(batches)
                return
            fetching.append(
                asyncio.ensure_future(
                    steps.fetch_clean(
                        fetcher,
                        pool,
                        batches[started],
                        clock=clock,
                        time_left_s=time_left(),
                        settings=settings,
                        in_hand=in_hand,
                        db_path=path,
                    )
                )
            )
            started += 1

    try:
        refill()
        while fetching:
            outcomes = await fetching.popleft()
            refill()
            if storing is not None:
                _tally(report, stored, await storing)
                done += len(stored)
                if progress:
                    progress("fetch", done, len(targets))
            # A sync Prefect task runs where it is called: in a thread, it overlaps the fetching.
            storing = asyncio.ensure_future(
                asyncio.to_thread(steps.store, settings, path, outcomes, run_id)
            )
            stored = outcomes
        if storing is not None:
            _tally(report, stored, await storing)
            done += len(stored)
            storing = None
            if progress:
                progress("fetch", done, len(targets))
    finally:
        for task in fetching:
            task.cancel()
        await asyncio.gather(*fetching, return_exceptions=True)
        if storing is not None:  # let the writer finish its batch (a thread cannot be cancelled)
            await asyncio.gather(storing, return_exceptions=True)


def _tally(report: TickReport, outcomes: Sequence[PageOutcome], counts: dict[str, int]) -> None:
    report.fetched += sum(1 for o in outcomes if o.content is not None or o.size is not None)
    report.not_modified += counts.get(StoreResult.NOT_MODIFIED, 0)
    report.new_versions += counts.get(StoreResult.NEW_VERSION, 0)
    report.unchanged += counts.get(StoreResult.UNCHANGED, 0)
    report.gone += counts.get(StoreResult.GONE, 0)
    report.write_lock_ms = max(report.write_lock_ms, counts.get(WRITE_LOCK_MS, 0))
    report.failed += counts.get(StoreResult.FAILED, 0) + counts.get(StoreResult.BLOCKED, 0)
    for outcome in outcomes:
        if outcome.outcome not in GOOD_PAGES:
            report.count_error(outcome.outcome)
