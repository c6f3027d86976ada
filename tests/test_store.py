import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsmon import store
from newsmon.core.clock import iso
from newsmon.core.errors import StoreError
from newsmon.core.records import Article, DiscoveredItem, FeedPoll, PageOutcome, Target
from newsmon.core.settings import Settings
from newsmon.pipeline.article import store_outcome

T0 = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
URL = "https://meridian.example/world/karsa-offensive"

BODY_240 = (
    "At least 240 people have been killed in the offensive on Karsa, according to a "
    "monitoring group.\nThe army said its troops had taken the northern districts.\n"
    "Aid agencies warned that hospitals were running out of fuel."
)
BODY_255 = BODY_240.replace(
    "At least 240 people have been killed", "More than 255 people have died"
)


def discover(db, url=URL, now=T0):
    item = DiscoveredItem(url=url, source_id="meridian", found_in="https://meridian.example/rss")
    poll = FeedPoll("https://meridian.example/rss", "feed", "ok", status=200, items=1)
    return store.sources.record_discovery(
        db,
        "meridian",
        [poll],
        [item],
        now=now,
        next_poll_at=now + timedelta(minutes=15),
        run_id=None,
    )


def outcome(text=BODY_240, title="Offensive on Karsa", at=T0, kind="ok", status=200, raw=None):
    article = Article(url=URL, title=title, text=text) if kind == "ok" else None
    return PageOutcome(
        Target(URL, "meridian"),
        at,
        kind,
        status=status,
        content=raw if raw is not None else text.encode(),
        content_type="text/html",
        etag='"v1"',
        article=article,
    )


def test_migrations_are_recorded_and_rerunnable(tmp_path):
    path = tmp_path / "s.db"
    db = store.open_db(path)
    version = store.schema_version(db)
    assert version == len(store.MIGRATIONS)
    db.close()
    again = store.open_db(path)
    assert store.schema_version(again) == version
    assert again.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close()


def test_a_newer_schema_is_refused_with_a_clear_error(tmp_path):
    path = tmp_path / "s.db"
    db = store.open_db(path)
    db.execute(f"PRAGMA user_version = {len(store.MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer than this newsmon"):
        store.open_db(path)


def test_discovery_is_idempotent(db):
    assert discover(db) == 1
    assert discover(db) == 0
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1


def test_versions_only_when_meaning_changes(db):
    settings = Settings()
    discover(db)
    assert store_outcome(db, settings, outcome(), None) == "new_version"
    # Same text, different volatile furniture and raw bytes: no new version.
    volatile = BODY_240 + "\nUpdated 7 minutes ago"
    assert (
        store_outcome(db, settings, outcome(volatile, raw=b"<html>other</html>"), None)
        == "unchanged"
    )
    assert (
        store_outcome(db, settings, outcome(BODY_255, at=T0 + timedelta(minutes=20)), None)
        == "new_version"
    )
    # Re-running the same outcome is idempotent.
    assert (
        store_outcome(db, settings, outcome(BODY_255, at=T0 + timedelta(minutes=20)), None)
        == "unchanged"
    )
    rows = list(db.query("SELECT seq, text FROM versions ORDER BY seq"))
    assert [r["seq"] for r in rows] == [1, 2]
    diff = json.loads(db.execute("SELECT ops FROM diffs").fetchone()[0])
    edits = [c for c in diff["changes"] if c["op"] == "edit"]
    assert edits and ["-", "At least 240"] in edits[0]["words"]
    assert ["+", "More than 255"] in edits[0]["words"]
    article = next(db.query("SELECT * FROM articles"))
    assert article["versions_count"] == 2 and article["status"] == "active"
    assert article["next_check_at"] > iso(T0)


def test_raw_pages_are_kept_compressed_and_content_addressed(db):
    discover(db)
    raw = b"<html><body>" + BODY_240.encode() * 20 + b"</body></html>"
    store_outcome(db, Settings(), outcome(raw=raw), None)
    digest = db.execute("SELECT page_hash FROM versions").fetchone()[0]
    stored = db.execute(
        "SELECT length(content), size FROM pages WHERE hash = ?", [digest]
    ).fetchone()
    assert stored[1] == len(raw) and stored[0] < len(raw) / 3
    assert store.articles.load_page(db, digest) == raw


def test_not_found_marks_gone_and_logs_the_fetch(db):
    discover(db)
    store_outcome(db, Settings(), outcome(), None)
    result = store_outcome(db, Settings(), outcome(kind="http_status", status=404), None)
    assert result == "gone"
    article = next(db.query("SELECT * FROM articles"))
    assert article["status"] == "gone" and "404" in article["last_error"]
    logged = list(
        db.query("SELECT outcome, status FROM fetches WHERE kind = 'article' ORDER BY id")
    )
    assert logged[-1] == {"outcome": "http_status", "status": 404}
    # The stored version survives the failure.
    assert db.execute("SELECT COUNT(*) FROM versions").fetchone()[0] == 1


def test_failures_back_off_then_give_up(db):
    discover(db)
    for attempt in range(1, 6):
        store_outcome(
            db,
            Settings(),
            outcome(kind="timeout", status=None, at=T0 + timedelta(hours=attempt)),
            None,
        )
    article = next(db.query("SELECT * FROM articles"))
    assert article["status"] == "failed" and article["next_check_at"] is None
    assert article["failures"] == 5


def test_due_targets_orders_new_first_and_respects_schedule(db):
    discover(db, url="https://a.example/1")
    discover(db, url="https://a.example/2")
    assert [t.url for t in store.articles.due_targets(db, T0)] == [
        "https://a.example/1",
        "https://a.example/2",
    ]
    db.execute(
        "UPDATE articles SET status = 'active', next_check_at = ? WHERE url LIKE '%/1'",
        [iso(T0 + timedelta(hours=1))],
    )
    assert [t.url for t in store.articles.due_targets(db, T0)] == ["https://a.example/2"]
    assert len(store.articles.due_targets(db, T0, force=True)) == 2


def test_write_transaction_rolls_back_on_error(db):
    with pytest.raises(RuntimeError), store.write_transaction(db):
        discover_sql = "INSERT INTO runs (kind, started_at, status) VALUES ('tick', 'x', 'running')"
        db.execute(discover_sql)
        raise RuntimeError("boom")
    assert db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0


def test_a_run_whose_process_died_is_marked_interrupted(db):
    import subprocess
    import sys

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    first = store.runs.start_run(db, "tick", T0, None)
    db.execute("UPDATE runs SET pid = ? WHERE id = ?", [int(dead.stdout), first])
    alive = store.runs.start_run(db, "tick", T0, None)  # this process: still running
    third = store.runs.start_run(db, "tick", T0, None)
    status = dict(db.execute("SELECT id, status FROM runs"))
    assert status == {first: "interrupted", alive: "running", third: "running"}


def test_a_transaction_group_commits_together_and_a_failed_unit_rolls_back_alone(
    tmp_path: Path,
) -> None:
    db = store.open_db(tmp_path / "group.db")
    db.execute("CREATE TABLE notes (n INTEGER PRIMARY KEY)")
    with store.transaction_group(db):
        for n in range(4):
            try:
                with store.write_transaction(db):
                    db.execute("INSERT INTO notes (n) VALUES (?)", [n])
                    if n == 2:
                        raise ValueError("this unit fails")
            except ValueError:
                pass
        other = sqlite3.connect(tmp_path / "group.db")
        assert other.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 0  # not yet
        other.close()
    assert [r[0] for r in db.execute("SELECT n FROM notes ORDER BY n")] == [0, 1, 3]
    with pytest.raises(StoreError), store.transaction_group(db), store.transaction_group(db):
        pass
    db.close()
