"""A tick ends within its deadline whatever the pages do, and one item's failure — even a bug
met on it — is that item's recorded failure, never the tick's."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from newsmon.core.clock import FixedClock
from newsmon.core.errors import Reason
from newsmon.core.settings import load_settings
from newsmon.pipeline import tick
from tests.hostile.conftest import T0, Hostile

pytestmark = [pytest.mark.timeout(300)]


@pytest.mark.e2e
def test_stuck_pages_cannot_hold_a_tick_past_its_deadline(hostile: Hostile) -> None:
    # Before: no tick deadline existed; stuck pages cost their full fetch deadline one after
    # another (per-host concurrency 1): here 8 x 5 s = 40 s, 200 of them ~17 minutes.
    stuck = [f"/hang?limit=30&n={n}" for n in range(8)]
    hostile.configure(
        stuck,
        settings={
            "fetch": {"timeout_s": 5.0},
            "ingest": {"tick_deadline": "8s"},
        },
    )
    started = time.monotonic()
    report = hostile.tick(timeout=120)
    elapsed = time.monotonic() - started

    assert elapsed < 25, f"the tick took {elapsed:.0f} s"  # 8 s + start-up, discovery, store
    # The other outlet's pages are stored; the hostile host's own queue is what is stuck.
    meridian = hostile.rows(
        "SELECT count(*) AS n FROM versions v JOIN articles a ON a.id = v.article_id"
        " WHERE a.source_id = 'meridian'"
    )
    assert meridian[0]["n"] >= 3
    outcomes = hostile.rows("SELECT outcome, detail FROM fetches WHERE url LIKE '%/hang%'")
    assert outcomes and all(o["outcome"] == "timeout" for o in outcomes)
    assert any("tick's deadline" in (o["detail"] or "") for o in outcomes)
    not_reached = report["errors"].get("tick_deadline", 0)
    assert len(outcomes) + not_reached == len(stuck)
    hostile.tick(timeout=120)  # the next tick runs too (the stuck pages are in backoff)


def test_a_bug_met_on_one_page_feed_or_store_is_that_items_failure(
    hostile: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: any exception but FetchError/ParseError escaped the tick: run exited 1 and
    # every later tick met the same page.
    hostile.configure(["/good/3", "/good/4"], settings={"clean": {"workers": 0}})
    settings = load_settings(hostile.config)
    poisoned_fetch = hostile.fault("/good/3")
    poisoned_store = hostile.fault("/good/4")
    poisoned_feed = settings.sources[1].feeds[0]  # Meridian's feed

    real_fetch = tick.Fetcher.fetch
    real_parse = tick.parse_feed
    real_store = tick.store_outcome

    async def fetch(self: Any, url: str, **kwargs: Any) -> Any:
        if url == poisoned_fetch:
            raise RuntimeError("a bug met on this page")
        return await real_fetch(self, url, **kwargs)

    def parse(content: bytes, url: str, *args: Any, **kwargs: Any) -> Any:
        if url == poisoned_feed:
            raise KeyError("a bug met on this feed")
        return real_parse(content, url, *args, **kwargs)

    def store(db: Any, settings: Any, outcome: Any, *args: Any, **kwargs: Any) -> Any:
        if outcome.target.url == poisoned_store and outcome.outcome == "ok":
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return real_store(db, settings, outcome, *args, **kwargs)

    monkeypatch.setattr(tick.Fetcher, "fetch", fetch)
    monkeypatch.setattr(tick, "parse_feed", parse)
    monkeypatch.setattr(tick, "store_outcome", store)

    report = asyncio.run(
        tick.run_tick(settings, clock=FixedClock(T0), db_path=str(hostile.db), force=True)
    )

    assert report.errors.get(Reason.INTERNAL_ERROR) == 3
    for path in ("/good/1", "/good/2"):
        assert hostile.versions(hostile.fault(path)) == 1
    [fetch_row] = hostile.fetch_log(poisoned_fetch)
    assert fetch_row["outcome"] == "internal_error" and "RuntimeError" in fetch_row["detail"]
    [store_row] = hostile.fetch_log(poisoned_store)
    assert store_row["outcome"] == "internal_error" and "storing it failed" in store_row["detail"]
    assert hostile.versions(poisoned_store) == 0  # its writes were rolled back
    feed = hostile.feed(poisoned_feed)
    assert feed["last_outcome"] == "internal_error" and "KeyError" in feed["last_detail"]
    [run] = hostile.rows("SELECT status FROM runs")
    assert run["status"] == "partial"


def test_the_tick_deadline_is_a_declared_setting(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text('[ingest]\ntick_deadline = "90s"\n')
    assert load_settings(tmp_path).ingest.tick_deadline == "90s"
