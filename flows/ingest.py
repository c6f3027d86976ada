"""The `ingest` flow: one tick of the pipeline with each stage as a Prefect task.

Granularity follows Prefect's per-task cost: one task per source for discovery and one
task per batch (settings.ingest.batch_size URLs) for fetch+clean, never one per article.
The composition itself is `newsmon.pipeline.tick.run_tick`; this module only wraps its steps.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from dataclasses import asdict
from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from newsmon.core.clock import Clock, FixedClock, SystemClock
from newsmon.core.settings import load_settings
from newsmon.pipeline import tick as pipeline

# Who hears a flow run's progress when the CLI runs it in-process (`newsmon run`): bars on a
# terminal, log lines otherwise. Served runs have no listener and log through Prefect.
PROGRESS: ContextVar[pipeline.Progress | None] = ContextVar("newsmon_progress", default=None)

# Results stay in memory: batches hold raw HTML, and idempotent reruns are the recovery plan.
discover_task = task(
    name="discover-source",
    cache_policy=NO_CACHE,
    persist_result=False,
    task_run_name="discover-{source.id}",
)(pipeline.discover_source)
record_task = task(name="record-discovery", cache_policy=NO_CACHE, persist_result=False)(
    pipeline.record_discovery
)
fetch_clean_task = task(name="fetch-and-clean", cache_policy=NO_CACHE, persist_result=False)(
    pipeline.fetch_and_clean
)
store_task = task(name="store-batch", cache_policy=NO_CACHE, persist_result=False)(
    pipeline.store_batch
)


alert_task = task(name="alert-changes", cache_policy=NO_CACHE, persist_result=False)(
    pipeline.alert_changes
)


def prefect_steps() -> pipeline.Steps:
    return pipeline.Steps(
        discover=discover_task,
        record=record_task,
        fetch_clean=fetch_clean_task,
        store=store_task,
        alert=alert_task,
    )


@flow(name="ingest", log_prints=False)
async def ingest(
    config_dir: str = "config",
    db_path: str | None = None,
    now: str | None = None,
    force: bool = False,
    source_ids: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    kind: str = "tick",
) -> dict[str, Any]:
    """Poll due sources, fetch new and due articles, clean and store them."""
    settings = load_settings(config_dir)
    logger = get_run_logger()
    # The clock is decided here, at the edge: fixed at `now` for a replay, else the wall clock.
    clock: Clock = FixedClock(datetime.fromisoformat(now)) if now else SystemClock()
    listener = PROGRESS.get()

    def progress(stage: str, done: int, total: int) -> None:
        if listener is not None:
            listener(stage, done, total)
        else:
            logger.info("%s: %d/%d URLs", stage, done, total)

    report = await pipeline.run_tick(
        settings,
        clock=clock,
        db_path=db_path,
        force=force,
        source_ids=source_ids,
        since=datetime.fromisoformat(since) if since else None,
        until=datetime.fromisoformat(until) if until else None,
        kind=kind,
        flow_run_id=str(flow_run.get_id() or "") or None,
        steps=prefect_steps(),
        progress=progress,
    )
    logger.info(
        "tick %s: %d sources, %d new URLs, %d fetched, %d new versions, %d errors",
        report.run_id,
        report.sources_polled,
        report.new_articles,
        report.fetched,
        report.new_versions,
        sum(report.errors.values()),
    )
    return asdict(report)


def run_ingest(progress: pipeline.Progress | None = None, **parameters: Any) -> dict[str, Any]:
    """Run one ingest flow from synchronous code and return its report.

    ``progress`` hears the run's progress instead of its log (it is no flow parameter: it
    cannot travel to a served run, and it need not).
    """
    token = PROGRESS.set(progress)
    try:
        # Prefect's stubs type a flow call as returning a State; called directly it returns
        # the flow's own return value.
        result: dict[str, Any] = asyncio.run(ingest(**parameters))
    finally:
        PROGRESS.reset(token)
    return result
