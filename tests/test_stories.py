"""Reading stories back: listings, details (members, wire groups, history) and rendering."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlite_utils

from newsmon import store
from newsmon.core.clock import iso
from newsmon.core.story_records import ArticleInput
from newsmon.present.terminal import render_story, render_story_list
from newsmon.store.stories import StoryStore
from newsmon.stories.join import assign_version, merge_stories
from newsmon.stories.read import list_stories, story_detail
from tests.test_cluster import FR, PT, SAME_CITY, Item, fakesite_articles

NOW = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)


def add(db: sqlite_utils.Database, item: Item, version: int = 1) -> None:
    """Store the article and its version as the pipeline does, then cluster it."""
    url = f"https://{item.source}.test/{item.article_id}"
    with store.write_transaction(db):
        db.execute(
            "INSERT OR IGNORE INTO sources (id, name, added_at) VALUES (?, ?, ?)",
            [item.source, item.source.title(), iso(NOW)],
        )
        db.execute(
            """INSERT INTO articles (id, url, source_id, first_seen, published, status,
                   versions_count) VALUES (?, ?, ?, ?, ?, 'active', ?)
               ON CONFLICT(id) DO UPDATE SET versions_count = excluded.versions_count""",
            [
                item.article_id,
                url,
                item.source,
                iso(item.published),
                iso(item.published),
                version,
            ],
        )
        version_id = item.article_id * 100 + version
        db.execute(
            """INSERT INTO versions (id, article_id, seq, fetched_at, url, title, text, fingerprint)
               VALUES (?, ?, ?, ?, ?, ?, ?, '')""",
            [
                version_id,
                item.article_id,
                version,
                iso(item.published),
                url,
                item.title,
                item.text,
            ],
        )
        assign_version(
            StoryStore(db),
            ArticleInput(
                article_id=item.article_id,
                version_id=version_id,
                source_id=item.source,
                url=url,
                title=item.title,
                text=item.text,
                lang=None,
                published=item.published,
                seen_at=item.published or NOW,
            ),
            now=datetime.now(UTC),
        )


@pytest.fixture
def fakesite_db() -> sqlite_utils.Database:
    db = store.open_db(":memory:")
    items = sorted(fakesite_articles().values(), key=lambda i: (i.published, i.article_id))
    for item in items:
        add(db, item)
    return db


def karsa_story(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT story_id FROM story_articles WHERE article_id = 1").fetchone()[0])


def test_list_stories_newest_first_with_counts(fakesite_db) -> None:
    rows = list_stories(StoryStore(fakesite_db), now=NOW)
    assert [r["last_seen"] for r in rows] == sorted((r["last_seen"] for r in rows), reverse=True)
    karsa = next(r for r in rows if r["id"] == karsa_story(fakesite_db))
    assert (karsa["articles"], karsa["outlets"], karsa["wire_groups"]) == (6, 4, 1)
    assert "Karsa" in karsa["key_terms"]
    assert all(r["active"] for r in rows)
    assert list_stories(StoryStore(fakesite_db), limit=2, now=NOW) == rows[:2]
    later = NOW + timedelta(days=30)
    assert list_stories(StoryStore(fakesite_db), active_only=True, now=later) == []
    json.dumps(rows)


def test_story_detail_separates_joined_articles_copies_and_edits(fakesite_db) -> None:
    story_id = karsa_story(fakesite_db)
    edited = fakesite_articles()["meridian/A"]
    edited.text = edited.text.replace("240", "255")
    add(fakesite_db, edited, version=2)
    detail = story_detail(StoryStore(fakesite_db), story_id, now=NOW)
    assert detail is not None
    assert detail["title"] == "Karsa offensive: at least 240 killed, monitoring group says"
    assert detail["evolution"] == {"edits": 1, "joined": 4, "wire_copies": 2}
    assert {o["id"] for o in detail["outlets"]} == {"meridian", "harbor", "valley", "courrier"}
    (group,) = detail["wire_groups"]
    assert group["credit"] == "AFP" and len(group["members"]) == 3
    assert group["canonical_url"] == "https://harbor.test/8"  # complete, earlier than meridian
    member = next(m for m in detail["members"] if m["article_id"] == 1)
    assert member["url"] == "https://meridian.test/1" and member["source_name"] == "Meridian"
    assert member["versions"] == 2
    json.dumps(detail)
    text = render_story(detail)
    assert "wire#" in text and "credit AFP" in text and "1 edit(s)" in text


def test_merge_history_shows_on_both_stories(fakesite_db) -> None:
    db = store.open_db(":memory:")
    for item in (PT, FR, SAME_CITY):
        add(db, item)
    kept = int(db.execute("SELECT story_id FROM story_articles WHERE article_id = 1").fetchone()[0])
    other = int(
        db.execute("SELECT story_id FROM story_articles WHERE article_id = 4").fetchone()[0]
    )
    with store.write_transaction(db):
        merge_stories(StoryStore(db), kept, other, now=datetime.now(UTC))
    assert [r["id"] for r in list_stories(StoryStore(db), now=NOW)] == [kept]
    survivor = story_detail(StoryStore(db), kept, now=NOW)
    absorbed = story_detail(StoryStore(db), other, now=NOW)
    assert survivor is not None and absorbed is not None
    assert [e["kind"] for e in survivor["history"]] == ["merge"]
    assert absorbed["status"] == "merged" and absorbed["merged_into"] == kept
    assert f"merged story {other} into this one" in render_story(survivor)
    assert f"merged into story {kept}" in render_story(absorbed)


def test_unknown_story_and_empty_store() -> None:
    db = store.open_db(":memory:")
    assert story_detail(StoryStore(db), 42, now=NOW) is None
    assert list_stories(StoryStore(db), now=NOW) == []
    assert render_story_list([]) == "(no stories)"


def test_rendering_strips_terminal_escapes(fakesite_db) -> None:
    rows = list_stories(StoryStore(fakesite_db), now=NOW)
    rows[0]["title"] = "evil \x1b[31mred\x1b[0m title"
    text = render_story_list(rows)
    assert "\x1b" not in text and "evil" in text
