"""The motivating scenario end to end: the fake site, real ingest ticks, one Karsa story.

Tick 0: a wire figure "at least 240 killed" on meridian and three wire copies. Tick 1:
meridian edits its page to "more than 255" and "14,000 displaced", courrier (in French) and
harbor publish the new figures; harbor says it as the seed did ("More than 14,000 people,
almost half of whom are children, have been displaced ..., according to OCHA"). The story's
timeline, an alert webhook on loopback and the report must tell that story, with sources,
without taking "half a million since 2011" for the toll, and without alerting twice.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import lxml.html
import pytest

from newsmon import store
from newsmon.core.clock import FixedClock, iso
from newsmon.core.settings import load_settings
from newsmon.facts.timeline import story_timeline
from newsmon.pipeline.tick import run_tick
from newsmon.present.report import build_report
from newsmon.store.claims import StoryFactsReader

pytestmark = pytest.mark.e2e

KARSA = [
    ("meridian", "A"),
    ("meridian", "W"),
    ("courrier", "F1"),
    ("harbor", "W"),
    ("harbor", "N"),
    ("valley", "W"),
]


def tick(settings: Any, path: Any, site: Any) -> None:
    asyncio.run(run_tick(settings, clock=FixedClock(site.now), db_path=path, force=True))


def test_the_karsa_story_from_wire_figure_to_silent_edit(site, tmp_path, receiver):
    settings = load_settings(site.write_config(tmp_path / "config"))
    settings.clean.workers = 0
    settings.alerts.webhooks = [receiver.url]
    settings.alerts.kinds = ["killed", "displaced"]
    path = tmp_path / "newsmon.db"

    # Each tick records and delivers its own alerts (pipeline.alert_changes).
    tick(settings, path, site)
    db = store.open_db(path)
    tick_1 = site.advance()
    seen_at_tick_1 = iso(site.now)
    tick(settings, path, site)

    urls = {key: site.article(*key, tick=1).url for key in KARSA}
    (story_id,) = {
        row[0]
        for row in db.execute(
            "SELECT sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
            "WHERE a.url = ?",
            [urls[("meridian", "A")]],
        )
    }
    members = {
        row[0]
        for row in db.execute(
            "SELECT a.url FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
            "WHERE sa.story_id = ?",
            [story_id],
        )
    }
    assert set(urls.values()) <= members  # meridian, courrier and the wire copies: one story
    assert site.article("meridian", "U").url not in members  # the rail strike is not Karsa
    # A football match in the same city is another event: it stays apart.
    assert site.article("valley", "V").url not in members

    timeline = story_timeline(StoryFactsReader(db), story_id)
    killed = timeline["kinds"]["killed"]
    assert (killed[0]["qualifier"], killed[0]["value"]) == ("at_least", 240)
    assert killed[0]["outlet"] == "meridian" and killed[0]["url"] == urls[("meridian", "A")]
    now = timeline["current"]["killed"]
    assert (now["qualifier"], now["value"]) == ("more_than", 255)
    assert now["previous"]["value"] == 240
    sayers = {now["outlet"], *(a["outlet"] for a in now["also"])}
    assert {"meridian", "courrier", "harbor"} <= sayers
    assert "Casualty Monitor" in (now["attributed_to"] or "")
    edit = next(e for e in killed if e["outlet"] == "meridian" and e["version"] == 2)
    assert edit["value"] == 255  # the silent edit is in the timeline, dated when seen
    assert all(e["value"] < 1000 for e in killed)  # "half a million since 2011" is history
    displaced = timeline["kinds"]["displaced"]
    assert displaced and all(e["value"] == 14_000 for e in displaced)
    fetched = {
        row[0]
        for e in displaced
        for row in db.execute("SELECT fetched_at FROM versions WHERE id = ?", [e["version_id"]])
    }
    assert fetched == {seen_at_tick_1}  # 14,000 appeared with the second tick
    current = timeline["current"]["displaced"]
    assert (current["value"], current["qualifier"]) == (14_000, "more_than")
    assert current["outlet"] == "harbor" and current["attributed_to"] == "OCHA"
    stale = [e for e in killed if "stale" in e["flags"]]
    assert stale and all(e["value"] == 240 for e in stale)  # the wire copies never updated

    # Tick 2 changes nothing: no new alert.
    tick(settings, path, site)
    bodies = [r["body"] for r in receiver.requests]
    killed_alerts = [
        (b["old"] and b["old"]["value"], b["new"]["value"]) for b in bodies if b["kind"] == "killed"
    ]
    assert killed_alerts == [(None, 240), (240, 255)]
    assert [b["new"]["value"] for b in bodies if b["kind"] == "displaced"] == [14_000]

    page = lxml.html.document_fromstring(build_report(db, now=datetime.now(UTC)))
    section = page.get_element_by_id(f"story-{story_id}")
    captions = [c.text for c in section.xpath(".//figure[@class='chart']/figcaption")]
    assert "killed" in captions and "displaced" in captions
    labels = [t.text for t in section.xpath(".//figure[@class='chart']//svg//text")]
    assert "at least 240" in labels and "more than 255" in labels
    db.close()
    assert ("meridian", "A") in tick_1.edited
