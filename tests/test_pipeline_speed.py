"""The pipelined tick: stages overlap, raw pages in hand stay bounded, one writer, and what a
cleaning worker prepares stores exactly what the writer would have derived itself.

How fast it is lives in bench/ingest_speed.py and docs/benchmarks.md, never in a timed test.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bench.bigsite import BigSite
from newsmon import store
from newsmon.core.clock import FixedClock
from newsmon.core.records import Outcome, PageOutcome, Target
from newsmon.core.settings import load_settings
from newsmon.ingest.clean import extract_article
from newsmon.pipeline import tick as pipeline
from newsmon.pipeline.article import lexicons, store_outcome
from newsmon.pipeline.prepare import derive_page, page_context
from tests.fakesite.faults import article_html

pytestmark = pytest.mark.timeout(120)

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def test_batches_are_stored_while_the_next_ones_are_fetched_by_one_writer(tmp_path: Path) -> None:
    events: list[tuple[str, int]] = []
    writers = {"now": 0, "most": 0}
    lock = threading.Lock()

    async def fetch_clean(fetcher: Any, pool: Any, batch: Any, **kwargs: Any) -> Any:
        events.append(("fetch start", len(batch)))
        outcomes = await pipeline.fetch_and_clean(fetcher, pool, batch, **kwargs)
        events.append(("fetch end", len(batch)))
        return outcomes

    def store_batch(settings: Any, path: str, outcomes: Any, run_id: Any) -> dict[str, int]:
        with lock:
            writers["now"] += 1
            writers["most"] = max(writers["most"], writers["now"])
        events.append(("store start", len(events)))
        try:
            return pipeline.store_batch(settings, path, outcomes, run_id)
        finally:
            events.append(("store end", len(events)))
            with lock:
                writers["now"] -= 1

    with BigSite(articles=60, hosts=3, seed=5) as site:
        config = site.write_config(tmp_path / "config", {"ingest": {"batch_size": 10}})
        settings = load_settings(config)
        settings.clean.workers = 1
        steps = pipeline.Steps(fetch_clean=fetch_clean, store=store_batch)
        report = asyncio.run(
            pipeline.run_tick(
                settings, clock=FixedClock(site.clock()), db_path=tmp_path / "db", steps=steps
            )
        )
    assert report.new_versions == 60 and report.fetched == 60
    kinds = [kind for kind, _ in events]
    assert kinds.count("fetch start") == kinds.count("store start") == 6
    # The second and third batches are under way before the first is stored ...
    first_store = kinds.index("store start")
    assert kinds[:first_store].count("fetch start") == 3
    # ... and the writer never runs twice at once.
    assert writers["most"] == 1
    with sqlite3.connect(tmp_path / "db") as con:
        assert con.execute("SELECT COUNT(*) FROM versions").fetchone()[0] == 60


def test_raw_pages_in_hand_never_exceed_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = {"now": 0, "most": 0}
    real_fetch = pipeline.fetch_target

    async def counting_fetch(*args: Any, **kwargs: Any) -> PageOutcome:
        held["now"] += 1
        held["most"] = max(held["most"], held["now"])
        try:
            return await real_fetch(*args, **kwargs)
        finally:
            held["now"] -= 1

    monkeypatch.setattr(pipeline, "fetch_target", counting_fetch)
    with BigSite(articles=40, hosts=8, seed=6) as site:
        config = site.write_config(
            tmp_path / "config", {"ingest": {"batch_size": 10, "pages_in_hand": 3}}
        )
        settings = load_settings(config)
        settings.clean.workers = 1
        report = asyncio.run(
            pipeline.run_tick(settings, clock=FixedClock(site.clock()), db_path=tmp_path / "db")
        )
    assert report.new_versions == 40
    assert 1 <= held["most"] <= 3


def test_a_prepared_page_stores_what_the_writer_would_have_derived(
    tmp_path: Path, settings: Any
) -> None:
    html = article_html("At least 240 killed in Karsa as shelling continues")
    dbs = {}
    for prepared in (False, True):
        db = store.open_db(tmp_path / f"{prepared}.db")
        target = Target(url="https://k.example/a", source_id="k")
        outcome = PageOutcome(target, NOW, Outcome.OK, status=200, content=html)
        outcome.content_type = "text/html"
        outcome.article = extract_article(html, target.url)
        assert outcome.article is not None
        if prepared:
            outcome.prepared = derive_page(
                outcome.article,
                html,
                page_context(settings, outcome),
                lexicons(settings.config_dir),
            )
            outcome.content, outcome.size = None, len(html)
        assert store_outcome(db, settings, outcome, None) == "new_version"
        dbs[prepared] = db
    for table, columns in (
        ("versions", "title, text, fingerprint, lang, page_hash"),
        ("claims", "kind, value, low, high, qualifier, is_headline, span_start, span_end"),
        ("pages", "hash, content, size"),
        ("story_articles", "story_id, joined, vector, lead_vector, terms, lang, day"),
        ("dedupe_docs", "exact_hash, shingles, sample, signature, credit"),
        ("term_df", "feature, df"),
        ("line_df", "line, df"),
    ):
        rows = [
            sorted(db.execute(f"SELECT {columns} FROM {table}").fetchall()) for db in dbs.values()
        ]
        assert rows[0] == rows[1] and rows[0], table
    for db in dbs.values():
        db.close()


def test_a_furniture_guess_from_the_store_stores_what_the_writer_would_have_derived(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An outlet's repeated short lines become furniture; the worker's guess is then used."""
    from newsmon.core.records import Article
    from newsmon.stories import join

    in_writer = {"features": 0}
    real_features = join.extract_features

    def counted(*args: Any, **kwargs: Any) -> Any:
        in_writer["features"] += 1
        return real_features(*args, **kwargs)

    furniture = ["Advertisement", "Follow The Courier on social media", "Read more:"]
    stories = [
        ("Dam breach floods Veltro valley", "Rescuers in Veltro said 31 people were missing"),
        ("Port Linden strike enters week two", "Dockers in Port Linden said talks had failed"),
        ("Fire guts Saltmere market hall", "Firefighters in Saltmere said 12 stalls burned"),
        ("Cadrin bridge closed after crack", "Engineers in Cadrin found a crack on Monday"),
        ("Upper Hesk votes on new mayor", "Voters in Upper Hesk chose between three names"),
        ("Mirrow hospital opens new wing", "Doctors in Mirrow said 40 beds were added"),
    ]
    guessed = []
    dbs = {}
    for prepared in (False, True):
        path = tmp_path / f"{prepared}.db"
        db = store.open_db(path)
        for n, (title, lead) in enumerate(stories):
            body = "\n".join(
                [
                    f"{lead} after the events of the weekend, according to local officials.",
                    furniture[0],
                    f"Officials in the town said the work on site {n} would go on all week.",
                    furniture[1],
                    "Residents were asked to stay away from the area until further notice.",
                    furniture[2],
                ]
            )
            target = Target(url=f"https://courier.example/{n}", source_id="courier")
            html = f"<html><body><h1>{title}</h1><p>{body}</p></body></html>".encode()
            outcome = PageOutcome(target, NOW, Outcome.OK, status=200, content=html)
            outcome.content_type = "text/html"
            outcome.article = Article(url=target.url, title=title, text=body, lang="en")
            if prepared:
                context = page_context(settings, outcome, str(path))
                outcome.prepared = derive_page(
                    outcome.article, html, context, lexicons(settings.config_dir)
                )
                guessed.append(outcome.prepared.story.assumed_furniture)
                outcome.content, outcome.size = None, len(html)
                monkeypatch.setattr(join, "extract_features", counted)
            assert store_outcome(db, settings, outcome, None) == "new_version"
            monkeypatch.setattr(join, "extract_features", real_features)
        dbs[prepared] = db
    # The lines are furniture after ``boilerplate_after`` articles, the workers saw it, and
    # the writer took their features every time.
    assert not guessed[0] and guessed[-1]
    assert in_writer["features"] == 0
    for table, columns in (
        ("story_articles", "article_id, story_id, joined, vector, lead_vector, terms"),
        ("dedupe_docs", "article_id, exact_hash, shingles, sample, signature"),
        ("term_df", "feature, df"),
        ("line_df", "line, df"),
        ("stories", "id, title, key_terms, profile, lead_profile, articles"),
    ):
        rows = [
            sorted(db.execute(f"SELECT {columns} FROM {table}").fetchall()) for db in dbs.values()
        ]
        assert rows[0] == rows[1] and rows[0], table
    for db in dbs.values():
        db.close()
