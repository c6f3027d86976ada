"""Readable listings through the real CLI: headers, dates, widths, word boundaries, one order."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest

from newsmon import store
from newsmon.core.clock import FixedClock
from newsmon.pipeline.backfill import import_jsonl
from newsmon.present.terminal import fit
from tests.conftest import run_cli

T = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
LONG_TITLE = (
    "Karsa offensive: at least 240 killed as government forces push into the eastern "
    "districts, monitoring group says"
)
ROWS = [
    {
        "url": "https://wire.example/world/karsa-offensive-toll-1042871",
        "title": LONG_TITLE,
        "text": (
            "Government forces pushed into the eastern districts of Karsa on Tuesday, and a "
            "monitoring group said at least 240 people had been killed since the offensive "
            "began. Aid agencies said convoys were waiting at the southern checkpoint. "
        )
        * 3,
        "published": "2026-11-10T09:00:00Z",
        "source": "wire",
    },
    {
        "url": "https://rail.example/uk/rail-strike-pay-talks-collapse",
        "title": "Rail strike: pay talks collapse after unions reject the latest offer",
        "text": (
            "Train drivers will walk out on Monday after talks with operators broke down over "
            "pay and working hours, the union said. Commuters were told to expect cancellations "
            "on most routes into the capital and to work from home where they could. "
        )
        * 3,
        "published": "2026-11-16T09:00:00Z",
        "source": "rail",
    },
]


@pytest.fixture(scope="module")
def listing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two stories: an older one with a casualty figure, a newer one without."""
    folder = tmp_path_factory.mktemp("terminal")
    lines = folder / "in.jsonl"
    lines.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    path = folder / "n.db"
    db = store.open_db(path)
    try:
        import_jsonl(db, [lines], clock=FixedClock(T))
        story = int(db.execute("SELECT story_id FROM story_articles LIMIT 1").fetchone()[0])
        with store.write_transaction(db):
            store.alerts.insert_alert(
                db, story, "killed", f"{story}:killed:at_least:240",
                {"text": "Karsa offensive: killed at least 240", "new": {}}, T,
            )  # fmt: skip
    finally:
        db.close()
    return path


def test_fit_cuts_at_a_word_boundary():
    assert fit(LONG_TITLE, 40) == "Karsa offensive: at least 240 killed as…"
    assert fit("short", 40) == "short"
    assert fit("Supercalifragilisticexpialidocious", 10) == "Supercali…"
    assert fit("evil \x1b[31mred", None) == "evil [31mred"


def test_articles_have_a_header_dates_and_fit_the_terminal(listing):
    out = run_cli("--db", str(listing), "articles", env={"COLUMNS": "80"}).stdout
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "PUBLISHED", "SOURCE", "STATUS", "VER", "TITLE"]
    assert all(len(line) <= 80 for line in lines), out
    karsa = next(line for line in lines if "Karsa" in line)
    assert "2026-11-10 09:00" in karsa and "imported" in karsa
    shown = karsa.split("  ")[-1].strip()
    assert shown.endswith("…") and LONG_TITLE.startswith(shown[:-1])
    assert LONG_TITLE[len(shown) - 1] == " "  # cut where a word ends
    assert "newsmon article ID" in lines[-1]  # says where the URLs went


def test_a_wide_terminal_shows_whole_titles_and_urls(listing):
    out = run_cli("--db", str(listing), "articles", env={"COLUMNS": "260"}).stdout
    assert out.splitlines()[0].split()[-1] == "URL"
    assert LONG_TITLE in out and ROWS[0]["url"] in out


def test_a_listing_into_a_pipe_is_not_cut(listing):
    out = run_cli("--db", str(listing), "articles", env={"COLUMNS": ""}).stdout
    assert LONG_TITLE in out and ROWS[1]["url"] in out


def test_stories_are_listed_in_the_reports_order(listing, tmp_path):
    listed = json.loads(run_cli("--db", str(listing), "stories", "--format", "json").stdout)
    report = tmp_path / "r.html"
    run_cli("--db", str(listing), "report", "--out", str(report))
    sections = lxml.html.parse(str(report)).xpath("//section[@class='story']/@id")
    assert [f"story-{row['id']}" for row in listed] == sections
    assert len(sections) == 2
    # The older story with a casualty figure comes first, in both.
    assert listed[0]["has_figures"] and "Karsa" in listed[0]["title"]
    text = run_cli("--db", str(listing), "stories", env={"COLUMNS": "100"}).stdout.splitlines()
    assert text[0].split()[:6] == ["ID", "LAST", "SEEN", "ART", "OUT", "WIRE"]
    assert "Karsa" in text[1] and "Rail" in text[2]
    assert all(len(line) <= 100 for line in text)


def test_alerts_say_why_they_stay_pending_without_a_webhook(listing):
    out = run_cli("--db", str(listing), "alerts").stdout
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "CREATED", "STORY", "STATE", "ALERT"]
    assert "pending" in lines[1] and "killed at least 240" in lines[1]
    assert "1 alert(s) pending: no webhook is configured" in out
    data = json.loads(run_cli("--db", str(listing), "alerts", "--format", "json").stdout)
    (alert,) = data["alerts"]
    assert alert["state"] == "pending"
    assert alert["reason"] == "no webhook configured ([alerts] webhooks is empty)"


def test_alerts_show_the_last_delivery_error(listing, tmp_path):
    copy = tmp_path / "copy.db"
    copy.write_bytes(listing.read_bytes())
    db = store.open_db(copy)
    try:
        with store.write_transaction(db):
            db.execute(
                "UPDATE alerts SET attempts = 2, last_error = 'https://hook.example: HTTP 503'"
            )
    finally:
        db.close()
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "settings.toml").write_text('[alerts]\nwebhooks = ["https://hook.example"]\n')
    out = run_cli("--config", str(folder), "--db", str(copy), "alerts", env={"COLUMNS": "200"})
    assert "failing" in out.stdout
    assert "2 attempt(s); last error: https://hook.example: HTTP 503" in out.stdout


def url_only(line: str) -> bool:
    return line.strip().startswith(("http://", "https://")) and " " not in line.strip()


@pytest.mark.parametrize("columns", [60, 100])
@pytest.mark.parametrize("command", ["articles", "stories", "story", "article", "alerts", "status"])
def test_every_listing_fits_the_terminal_but_for_whole_urls(listing, command, columns):
    """Every line fits $COLUMNS; a URL on a line of its own is kept whole (cut, it cannot be
    opened). The story's figure timeline is fitted too, under one title."""
    stories = json.loads(run_cli("--db", str(listing), "stories", "--format", "json").stdout)
    karsa = next(row["id"] for row in stories if "Karsa" in row["title"])
    args = {"story": ["story", str(karsa)], "article": ["article", "1"]}.get(command, [command])
    out = run_cli("--db", str(listing), *args, env={"COLUMNS": str(columns)}).stdout
    lines = out.splitlines()
    assert len(lines) >= 2
    assert [line for line in lines if len(line) > columns and not url_only(line)] == []
    if command == "story":
        assert "Timeline: killed" in out and "at least 240" in out
        assert sum(line.startswith(f"story {karsa}:") for line in lines) == 1
        timeline = lines[lines.index("Timeline: killed") :]
        assert any(line.strip() == ROWS[0]["url"] for line in timeline)  # whole, on its own
