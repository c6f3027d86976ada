"""History upgrades with the lexicons: reprocess re-derives claims, headlines and timelines."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from newsmon.core.clock import FixedClock
from newsmon.core.settings import Settings
from newsmon.facts.timeline import story_timeline
from newsmon.pipeline.backfill import import_jsonl, reprocess
from newsmon.store.claims import StoryFactsReader

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
TEXT = (
    "Mudslide in the valley\n\n"
    "Rescue teams searched the valley on Tuesday after 38 villagers were swept away by a "
    "mudslide that buried the lower half of the village, the regional governor said. "
    "Roads to the valley remained closed."
)


def killed(db) -> list[tuple[int, int]]:
    return [
        (row["value"], row["is_headline"])
        for row in db.query("SELECT value, is_headline FROM claims WHERE kind = 'killed'")
    ]


def test_reprocess_after_a_lexicon_override_updates_claims_and_timeline(db, tmp_path: Path):
    path = tmp_path / "mudslide.jsonl"
    row = {"url": "https://valley.example/mudslide", "title": "Mudslide", "text": TEXT}
    path.write_text(json.dumps({**row, "lang": "en", "published": "2026-11-20T09:00:00Z"}) + "\n")
    import_jsonl(db, [path], clock=FixedClock(T0))
    assert killed(db) == []  # "swept away" is no trigger in the packaged lexicon
    story_id = next(db.query("SELECT story_id FROM story_articles"))["story_id"]
    before = story_timeline(StoryFactsReader(db), story_id)
    assert before is not None and "killed" not in before["current"]

    config = tmp_path / "config"
    (config / "lexicons").mkdir(parents=True)
    (config / "lexicons" / "en.toml").write_text('[kinds.killed]\nafter = ["swept away"]\n')
    settings = Settings()
    settings.config_dir = str(config)
    totals = reprocess(db, settings)

    assert totals["versions"] == 1
    assert killed(db) == [(38, 1)]  # the claim and its headline flag
    after = story_timeline(StoryFactsReader(db), story_id)
    assert after is not None
    assert after["current"]["killed"]["value"] == 38
    assert after["current"]["killed"]["attributed_to"] == "the regional governor"
