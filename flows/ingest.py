"""The `ingest` flow: one tick of the pipeline with each stage as a Prefect task.

Granularity follows Prefect's per-task cost: one task per source for discovery and one
task per batch (settings.ingest.batch_size URLs) for fetch+clean, never one per article.
The composition itself is `newsmon.pipeline.run_tick`; this module only wraps its steps.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from newsmon import pipeline
from newsmon.settings import load_settings

# Results stay in memory: batches hold raw HTML, and idempotent reruns are the recovery plan.
discover_task = task(
    pipeline.discover_source,
    name="discover-source",
    cache_policy=NO_CACHE,
    persist_result=False,
    task_run_name="discover-{source.id}",
)
record_task = task(
    pipeline.record_discovery, name="record-discovery", cache_policy=NO_CACHE, persist_result=False
)
fetch_clean_task = task(
    pipeline.fetch_and_clean, name="fetch-and-clean", cache_policy=NO_CACHE, persist_result=False
)
store_task = task(
    pipeline.store_batch, name="store-batch", cache_policy=NO_CACHE, persist_result=False
)


def prefect_steps() -> pipeline.Steps:
    return pipeline.Steps(
        discover=discover_task, record=record_task, fetch_clean=fetch_clean_task, store=store_task
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
    report = await pipeline.run_tick(
        settings,
        db_path=db_path,
        now=datetime.fromisoformat(now) if now else None,
        force=force,
        source_ids=source_ids,
        since=datetime.fromisoformat(since) if since else None,
        until=datetime.fromisoformat(until) if until else None,
        kind=kind,
        flow_run_id=str(flow_run.get_id() or "") or None,
        steps=prefect_steps(),
        progress=lambda stage, done, total: logger.info("%s: %d/%d URLs", stage, done, total),
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
    from dataclasses import asdict

    return asdict(report)


def absolute(path: str | None) -> str | None:
    return str(Path(path).resolve()) if path else None
