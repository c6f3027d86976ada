"""Story timelines: figure changes with sources, flags, reverts, new sentences, fact deltas.

The helpers at the top build stories in a real store the way the pipeline does: versions
through ``pipeline.article.store_outcome``, headline claims as rows of ``claims``, membership as
rows of ``story_articles``. test_report.py and test_alerts.py use them too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from newsmon import store
from newsmon.core.clock import iso
from newsmon.core.records import Article, PageOutcome, Target
from newsmon.core.settings import Settings
from newsmon.core.text import safe_text
from newsmon.facts import Claim
from newsmon.facts.timeline import Figure, fact_deltas, format_figure, story_timeline
from newsmon.pipeline.article import store_outcome
from newsmon.present.terminal import render_story_timeline
from newsmon.store.claims import StoryFactsReader

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
MONITOR = "the Civil Casualty Monitor"

OUTLETS = {
    "meridian": "The Meridian Herald",
    "courrier": "Le Courrier continental",
    "harbor": "The Harbor Post",
    "valley": "The Valley Ledger",
}

WIRE_240 = (
    "At least 240 people have been killed since government forces launched an offensive on "
    f"Karsa on Saturday, according to {MONITOR}. "
    "More than 600 people had been wounded, the group said. "
    "Army units pushed into the eastern districts on Tuesday after three days of shelling. "
    "More than half a million people have died in the country since the war began in 2011."
)
A_255 = (
    "More than 255 people have been killed since government forces launched an offensive on "
    f"Karsa on Saturday, according to {MONITOR}. "
    "More than 600 people had been wounded, the group said. "
    "The United Nations said 14,000 people had been displaced from the eastern districts. "
    "Army units pushed into the eastern districts on Tuesday after three days of shelling. "
    "More than half a million people have died in the country since the war began in 2011."
)
COURRIER_255 = (
    "Plus de 255 personnes ont été tuées à Karsa depuis samedi, selon l'Observatoire. "
    "Selon l'OCHA, 14 000 personnes ont été déplacées en trois jours. "
    "Les hôpitaux de la ville manquent de carburant."
)


@dataclass(frozen=True)
class Said:
    """A headline figure a test puts in a version: ``phrase`` must occur in its text."""

    kind: str
    qualifier: str
    value: int
    phrase: str
    attributed_to: str | None = None
    low: int | None = None
    high: int | None = None


@dataclass
class Page:
    url: str
    source: str
    article_id: int = 0
    version_ids: list[int] = field(default_factory=list)


def add_sources(db: Any) -> None:
    """Give the outlets their display names."""
    store.sources.sync_sources(
        db, [SimpleNamespace(id=k, name=v, lang="en", feeds=[], sitemaps=[], poll_every="15m")
             for k, v in OUTLETS.items()], T0
    )  # fmt: skip


def publish(
    db: Any,
    settings: Settings,
    page: Page,
    *,
    text: str,
    at: datetime,
    said: list[Said] = (),  # type: ignore[assignment]
    title: str | None = None,
    published: datetime | None = None,
) -> str:
    """Store one fetch of ``page`` (a new version when the text changed) with its figures."""
    outcome = PageOutcome(
        Target(page.url, page.source),
        at,
        "ok",
        status=200,
        content=f"<html><body><p>{text}</p></body></html>".encode(),
        content_type="text/html",
        article=Article(
            url=page.url,
            title=title or text.split(". ")[0][:80],
            text=text,
            published=published.isoformat() if published else None,
            lang="en",
        ),
    )
    result = store_outcome(db, settings, outcome, None)
    row = db.execute("SELECT id FROM articles WHERE url = ?", [page.url]).fetchone()
    page.article_id = row[0]
    if result == "new_version":
        version = store.articles.latest_version(db, page.article_id)
        assert version is not None
        page.version_ids.append(version["id"])
        add_claims(db, version["id"], page.article_id, text, said)
    return result


def add_claims(db: Any, version_id: int, article_id: int, text: str, said: list[Said]) -> None:
    """Replace a version's claims by the test's headline figures, each phrase located in text."""
    claims = []
    for fig in said:
        start = text.index(fig.phrase)
        end = start + len(fig.phrase)
        sentence_start = text.rfind(". ", 0, start)
        sentence_start = 0 if sentence_start < 0 else sentence_start + 2
        sentence_end = text.find(". ", end)
        sentence = text[sentence_start : len(text) if sentence_end < 0 else sentence_end + 1]
        low = fig.low
        if low is None and fig.qualifier in ("exact", "at_least", "more_than"):
            low = fig.value
        high = fig.high if fig.high is not None or fig.qualifier != "exact" else fig.value
        claims.append(
            Claim(fig.kind, fig.value, low, high, fig.qualifier, "people", fig.attributed_to,
                  "current", False, sentence, (start, end), "en", "test")
        )  # fmt: skip
    with store.write_transaction(db):
        store.claims.save_claims(db, version_id, article_id, claims, {c.kind: c for c in claims})


def _filler(db: Any, table: str, row: dict[str, Any]) -> dict[str, Any]:
    """Fill the NOT NULL columns a test does not care about with neutral values."""
    out = dict(row)
    for column in db.execute(f"PRAGMA table_info({table})").fetchall():
        _, name, kind, notnull, default, pk = column
        if name in out or pk or not notnull or default is not None:
            continue
        kind = (kind or "").upper()
        out[name] = 0 if "INT" in kind or "REAL" in kind else iso(T0)
    return out


def put_story(db: Any, story_id: int, pages: list[Page], title: str | None = None) -> None:
    """Make ``pages`` the members of story ``story_id`` (tables created if cluster has not)."""
    with store.write_transaction(db):
        db.execute("CREATE TABLE IF NOT EXISTS stories (id INTEGER PRIMARY KEY, title TEXT)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS story_articles (story_id INTEGER NOT NULL, "
            "article_id INTEGER NOT NULL, PRIMARY KEY (story_id, article_id))"
        )
        columns = {c[1] for c in db.execute("PRAGMA table_info(stories)").fetchall()}
        story = {"id": story_id}
        if "title" in columns and title:
            story["title"] = title
        story = _filler(db, "stories", story)
        names = ", ".join(story)
        marks = ", ".join("?" for _ in story)
        db.execute(
            f"INSERT OR IGNORE INTO stories ({names}) VALUES ({marks})", list(story.values())
        )
        for page in pages:
            member = _filler(
                db, "story_articles", {"story_id": story_id, "article_id": page.article_id}
            )
            names = ", ".join(member)
            marks = ", ".join("?" for _ in member)
            # Ingest already placed the article in a story of its own choosing: these tests
            # fix the membership they describe, so move it (keeping clustering's own data).
            moved = db.execute(
                "UPDATE story_articles SET story_id = ? WHERE article_id = ?",
                [story_id, page.article_id],
            )
            if not moved.rowcount:
                db.execute(
                    f"INSERT INTO story_articles ({names}) VALUES ({marks})",
                    list(member.values()),
                )


def build_karsa(db: Any, settings: Settings, *, story_id: int = 1) -> SimpleNamespace:
    """The motivating story: a wire figure at 10:00, a higher one at 17:40, an edit at 18:00.

    meridian A    v1 10:00 (published 09:50) at least 240 killed, more than 600 wounded
    harbor W      v1 10:05 (wire copy) at least 240; rechecked unchanged at 18:05
    valley W      v1 10:30 (wire copy) at least 240; never rechecked
    courrier F1   v1 17:40 plus de 255 morts, 14 000 déplacés
    meridian A    v2 seen 18:00: more than 255, 14,000 displaced
    """
    add_sources(db)
    a = Page("https://meridian.example/world/karsa-offensive-toll", "meridian")
    hw = Page("https://harbor.example/news/world/troops-push-deeper-into-karsa/", "harbor")
    vw = Page("https://valley.example/stories/5531-war-monitor-240-dead", "valley")
    f1 = Page("https://courrier.example/international/offensive-karsa_6231.html", "courrier")
    killed_240 = Said("killed", "at_least", 240, "At least 240 people", MONITOR)
    wounded = Said("injured", "more_than", 600, "More than 600 people", "the group")
    publish(
        db,
        settings,
        a,
        text=WIRE_240,
        at=T0,
        title="Karsa offensive: at least 240 killed",
        published=T0 - timedelta(minutes=10),
        said=[killed_240, wounded],
    )
    publish(
        db, settings, hw, text=WIRE_240, at=T0 + timedelta(minutes=5), said=[killed_240, wounded]
    )
    publish(
        db, settings, vw, text=WIRE_240, at=T0 + timedelta(minutes=30), said=[killed_240, wounded]
    )
    publish(
        db,
        settings,
        f1,
        text=COURRIER_255,
        at=T0 + timedelta(hours=7, minutes=50),
        published=T0 + timedelta(hours=7, minutes=40),
        title="Offensive sur Karsa : plus de 255 morts",
        said=[
            Said("killed", "more_than", 255, "Plus de 255 personnes", "l'Observatoire"),
            Said("displaced", "exact", 14_000, "14 000 personnes", "OCHA"),
        ],
    )
    publish(
        db,
        settings,
        a,
        text=A_255,
        at=T0 + timedelta(hours=8),
        title="Karsa offensive: more than 255 dead and 14,000 displaced",
        said=[
            Said("killed", "more_than", 255, "More than 255 people", MONITOR),
            wounded,
            Said("displaced", "exact", 14_000, "14,000 people", "The United Nations"),
        ],
    )
    assert publish(db, settings, hw, text=WIRE_240, at=T0 + timedelta(hours=8, minutes=5)) == (
        "unchanged"
    )
    put_story(db, story_id, [a, hw, vw, f1])
    return SimpleNamespace(story_id=story_id, a=a, hw=hw, vw=vw, f1=f1)


@pytest.fixture
def karsa(db: Any, settings: Settings) -> SimpleNamespace:
    return build_karsa(db, settings)


def figures(entries: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    return [(e["outlet"], e["qualifier"], e["value"]) for e in entries]


# --- the timeline ---------------------------------------------------------------------------


def test_killed_moves_from_at_least_240_to_more_than_255_with_sources(db, karsa):
    timeline = story_timeline(StoryFactsReader(db), karsa.story_id)
    assert timeline is not None
    assert figures(timeline["kinds"]["killed"]) == [
        ("meridian", "at_least", 240),
        ("harbor", "at_least", 240),
        ("valley", "at_least", 240),
        ("courrier", "more_than", 255),
        ("meridian", "more_than", 255),
    ]
    first = timeline["kinds"]["killed"][0]
    assert first["attributed_to"] == MONITOR
    assert first["url"] == karsa.a.url and first["version"] == 1
    assert first["sentence"].startswith("At least 240 people have been killed")
    assert first["span"] == [0, len("At least 240 people")]
    now = timeline["current"]["killed"]
    assert (now["qualifier"], now["value"]) == ("more_than", 255)
    assert now["outlet"] == "courrier" and now["outlet_name"] == "Le Courrier continental"
    assert now["previous"] == {"value": 240, "low": 240, "high": None, "qualifier": "at_least"}
    assert [a["outlet"] for a in now["also"]] == ["meridian"]
    assert timeline["current"]["displaced"]["value"] == 14_000
    assert timeline["current"]["injured"]["value"] == 600


def test_first_versions_date_from_publication_and_edits_from_when_they_were_seen(db, karsa):
    entries = story_timeline(StoryFactsReader(db), karsa.story_id)["kinds"]["killed"]
    times = {(e["outlet"], e["version"]): e["time"] for e in entries}
    assert times[("meridian", 1)] == "2026-11-20T09:50:00+00:00"  # published
    assert times[("harbor", 1)] == "2026-11-20T10:05:00+00:00"  # no publication time: seen
    assert times[("courrier", 1)] == "2026-11-20T17:40:00+00:00"
    assert times[("meridian", 2)] == "2026-11-20T18:00:00+00:00"  # the edit, when seen


def test_publication_time_after_first_fetch_is_not_trusted(db, settings):
    page = Page("https://valley.example/a", "valley")
    publish(
        db, settings, page, text=WIRE_240, at=T0, published=T0 + timedelta(hours=5),
        said=[Said("killed", "at_least", 240, "At least 240 people")],
    )  # fmt: skip
    put_story(db, 3, [page])
    assert story_timeline(StoryFactsReader(db), 3)["kinds"]["killed"][0]["time"] == iso(T0)


def test_restatements_by_other_outlets_are_repeats_and_changes_are_not(db, karsa):
    entries = story_timeline(StoryFactsReader(db), karsa.story_id)["kinds"]["killed"]
    assert [e["repeat"] for e in entries] == [False, True, True, False, True]
    assert [e["change"] for e in entries] == ["first", "same", "same", "up", "same"]
    assert entries[3]["previous"]["value"] == 240


def test_only_changes_of_the_headline_figure_make_entries(db, karsa):
    injured = story_timeline(StoryFactsReader(db), karsa.story_id)["kinds"]["injured"]
    # meridian's edit kept "more than 600 wounded": no second meridian entry.
    assert figures(injured) == [
        ("meridian", "more_than", 600),
        ("harbor", "more_than", 600),
        ("valley", "more_than", 600),
    ]


def test_a_page_still_quoting_a_superseded_figure_is_stale(db, karsa):
    entries = story_timeline(StoryFactsReader(db), karsa.story_id)["kinds"]["killed"]
    by_outlet = {e["outlet"]: e for e in entries if e["version"] == 1}
    harbor = by_outlet["harbor"]
    # Rechecked at 18:05, after 255 was published at 17:40, and still says 240.
    assert "stale" in harbor["flags"]
    assert harbor["superseded_by"]["value"] == 255
    assert harbor["superseded_by"]["outlet"] == "courrier"
    # valley was last seen at 10:30, before anyone said 255: not known to be stale.
    assert "stale" not in by_outlet["valley"]["flags"]
    # meridian's own 240 was replaced by its edit: that old entry is history, not stale.
    assert "stale" not in by_outlet["meridian"]["flags"]


def test_a_lower_figure_after_a_higher_one_is_flagged_as_a_decrease(db, settings, karsa):
    late = Page("https://harbor.example/news/world/karsa-recount/", "harbor")
    publish(
        db, settings, late, text="At least 250 people have been killed in Karsa.",
        at=T0 + timedelta(hours=11),
        said=[Said("killed", "at_least", 250, "At least 250 people", "the ministry")],
    )  # fmt: skip
    put_story(db, karsa.story_id, [late])
    timeline = story_timeline(StoryFactsReader(db), karsa.story_id)
    last = timeline["kinds"]["killed"][-1]
    assert (last["value"], last["change"]) == (250, "down")
    assert "decrease" in last["flags"] and "stale" in last["flags"]
    # A decrease is flagged, never taken as the toll.
    assert timeline["current"]["killed"]["value"] == 255


def test_a_vague_figure_is_not_a_decrease(db, settings, karsa):
    late = Page("https://valley.example/stories/dozens", "valley")
    publish(
        db, settings, late, text="Dozens of people were killed in Karsa overnight.",
        at=T0 + timedelta(hours=12),
        said=[Said("killed", "vague", 24, "Dozens of people", low=24)],
    )  # fmt: skip
    put_story(db, karsa.story_id, [late])
    timeline = story_timeline(StoryFactsReader(db), karsa.story_id)
    last = timeline["kinds"]["killed"][-1]
    assert last["qualifier"] == "vague" and "decrease" not in last["flags"]
    assert timeline["current"]["killed"]["value"] == 255


def test_outlets_giving_different_figures_close_together_disagree(db, settings):
    one = Page("https://meridian.example/one", "meridian")
    two = Page("https://harbor.example/two", "harbor")
    publish(
        db, settings, one, text="At least 40 people were killed in the blast.", at=T0,
        said=[Said("killed", "at_least", 40, "At least 40 people", "police")],
    )  # fmt: skip
    publish(
        db, settings, two, text="Officials said 31 people were killed in the blast.",
        at=T0 + timedelta(minutes=90),
        said=[Said("killed", "exact", 31, "31 people", "Officials")],
    )  # fmt: skip
    put_story(db, 5, [one, two])
    entries = story_timeline(StoryFactsReader(db), 5)["kinds"]["killed"]
    assert entries[0]["flags"] == []
    assert "disagreement" in entries[1]["flags"]
    assert entries[1]["disagrees_with"][0]["outlet"] == "meridian"
    assert entries[1]["disagrees_with"][0]["value"] == 40
    # The window is configurable: an hour apart is not "at the same time".
    narrow = story_timeline(StoryFactsReader(db), 5, disagreement_window_s=3600)["kinds"]["killed"]
    assert "disagreement" not in narrow[1]["flags"]


def test_karsa_updates_hours_apart_are_not_disagreements(db, karsa):
    entries = story_timeline(StoryFactsReader(db), karsa.story_id)["kinds"]["killed"]
    assert not any("disagreement" in e["flags"] for e in entries)


@pytest.mark.parametrize(
    ("higher", "lower"),
    [
        (("more_than", 255), ("at_least", 240)),
        (("more_than", 255), ("exact", 255)),
        (("at_least", 256), ("more_than", 255)),
        (("about", 300), ("more_than", 255)),
        (("exact", 300), ("up_to", 300)),
    ],
)
def test_qualifiers_order_figures(higher, lower):
    def fig(qualifier, value):
        return Figure("killed", value, value, None, qualifier, None, None, "", (0, 1))

    assert fig(*higher).level > fig(*lower).level


def test_exact_and_at_least_the_same_number_are_level():
    def fig(qualifier):
        return Figure("killed", 255, 255, None, qualifier, None, None, "", (0, 1))

    assert fig("exact").level == fig("at_least").level == fig("about").level


@pytest.mark.parametrize(
    ("figure", "text"),
    [
        ({"qualifier": "more_than", "value": 255}, "more than 255"),
        ({"qualifier": "at_least", "value": 240}, "at least 240"),
        ({"qualifier": "exact", "value": 14000}, "14,000"),
        ({"qualifier": "about", "value": 1_200_000}, "about 1,200,000"),
        (None, "—"),
    ],
)
def test_figures_read_as_people_say_them(figure, text):
    assert format_figure(figure) == text


def test_an_article_flipping_back_to_an_earlier_text_is_a_revert_not_a_change(db, settings):
    page = Page("https://meridian.example/flip", "meridian")
    said_240 = [Said("killed", "at_least", 240, "At least 240 people", MONITOR)]
    said_255 = [Said("killed", "more_than", 255, "More than 255 people", MONITOR)]
    for hour in range(6):  # the page flips A B A B A B, an hour apart
        text, said = (WIRE_240, said_240) if hour % 2 == 0 else (A_255, said_255)
        assert publish(db, settings, page, text=text, at=T0 + timedelta(hours=hour), said=said)
    assert len(page.version_ids) == 6
    put_story(db, 7, [page])
    timeline = story_timeline(StoryFactsReader(db), 7)
    assert figures(timeline["kinds"]["killed"]) == [
        ("meridian", "at_least", 240),
        ("meridian", "more_than", 255),
    ]
    reverts = timeline["suppressed"]
    assert [r["version"] for r in reverts] == [3, 4, 5, 6]
    v1, v2 = page.version_ids[:2]
    assert [r["revert_of"] for r in reverts] == [v1, v2, v1, v2]
    edits = [c for c in timeline["latest_changes"] if c["type"] == "edit"]
    assert [e["version"] for e in edits] == [2]
    assert timeline["current"]["killed"]["value"] == 255


def test_new_sentences_are_those_no_earlier_page_had(db, karsa):
    fresh = {
        n["outlet"]: n
        for n in story_timeline(StoryFactsReader(db), karsa.story_id)["new_sentences"]
    }
    assert len(fresh["meridian"]["sentences"]) == 4  # the first page: all of it is new
    assert fresh["harbor"]["sentences"] == []  # wire copy adds nothing
    assert fresh["valley"]["sentences"] == []
    assert fresh["courrier"]["sentences"] == [
        "Plus de 255 personnes ont été tuées à Karsa depuis samedi, selon l'Observatoire.",
        "Selon l'OCHA, 14 000 personnes ont été déplacées en trois jours.",
        "Les hôpitaux de la ville manquent de carburant.",
    ]


def test_latest_changes_lead_with_the_edit_and_its_fact_deltas(db, karsa):
    changes = story_timeline(StoryFactsReader(db), karsa.story_id)["latest_changes"]
    assert changes[0]["type"] == "edit" and changes[0]["outlet"] == "meridian"
    assert changes[0]["time"] == "2026-11-20T18:00:00+00:00"
    assert "1 sentence edited" in changes[0]["summary"]
    deltas = {d["kind"]: d for d in changes[0]["fact_deltas"]}
    assert deltas["killed"]["change"] == "up" and deltas["displaced"]["change"] == "new"
    edit_ops = [c["op"] for c in changes[0]["diff"]["changes"]]
    assert "edit" in edit_ops and "insert" in edit_ops
    moves = [c for c in changes if c["type"] == "figure" and c["kind"] == "killed"]
    assert [(m["old"] and m["old"]["value"], m["new"]["value"]) for m in moves] == [
        (240, 255),
        (None, 240),
    ]
    assert moves[0]["outlet"] == "courrier"


def test_fact_deltas_between_two_versions(db, karsa):
    v1, v2 = karsa.a.version_ids
    deltas = {d["kind"]: d for d in fact_deltas(StoryFactsReader(db), v1, v2)}
    assert set(deltas) == {"killed", "displaced"}  # injured did not change
    killed = deltas["killed"]
    assert killed["change"] == "up" and killed["qualifier_changed"]
    assert (killed["old"]["qualifier"], killed["old"]["value"]) == ("at_least", 240)
    assert (killed["new"]["qualifier"], killed["new"]["value"]) == ("more_than", 255)
    assert deltas["displaced"]["old"] is None
    assert deltas["displaced"]["new"]["attributed_to"] == "The United Nations"
    back = {d["kind"]: d for d in fact_deltas(StoryFactsReader(db), v2, v1)}
    assert back["killed"]["change"] == "down" and back["displaced"]["change"] == "gone"


def test_a_qualifier_change_alone_is_reported(db, settings):
    page = Page("https://harbor.example/q", "harbor")
    publish(db, settings, page, text="At least 255 people died.", at=T0,
            said=[Said("killed", "at_least", 255, "At least 255 people")])  # fmt: skip
    publish(db, settings, page, text="More than 255 people died.", at=T0 + timedelta(hours=1),
            said=[Said("killed", "more_than", 255, "More than 255 people")])  # fmt: skip
    (delta,) = fact_deltas(StoryFactsReader(db), *page.version_ids)
    assert delta["change"] == "qualifier" and delta["qualifier_changed"]


def test_unknown_story_is_none(db, karsa):
    assert story_timeline(StoryFactsReader(db), 999) is None


def test_story_without_figures_has_empty_kinds(db, settings):
    page = Page("https://meridian.example/rail", "meridian")
    publish(db, settings, page, text="Rail workers began a 48-hour strike at midnight.", at=T0)
    put_story(db, 9, [page])
    timeline = story_timeline(StoryFactsReader(db), 9)
    assert timeline["kinds"] == {} and timeline["current"] == {}
    assert "(no casualty figures)" in render_story_timeline(timeline)


# --- terminal rendering ---------------------------------------------------------------------


def test_render_shows_current_figures_sources_and_changes(db, karsa):
    text = render_story_timeline(story_timeline(StoryFactsReader(db), karsa.story_id))
    assert "killed     more than 255  (was at least 240)" in text
    assert "displaced  14,000  (new)" in text
    assert "l'Observatoire — Le Courrier continental" in text
    assert "also: The Meridian Herald" in text
    assert "Timeline: killed" in text and "repeat" in text and "stale" in text
    assert "killed: at least 240 → more than 255" in text
    assert "Latest changes" in text and "New to the story" in text


def test_render_strips_terminal_escapes_from_page_text(db, settings):
    page = Page("https://valley.example/evil", "valley")
    text = "At least 3 people were killed.\x1b]0;owned\x07 \x1b[2J Police said\u202e."
    publish(db, settings, page, text=text, at=T0, title="Evil \x1b[31mtitle",
            said=[Said("killed", "at_least", 3, "At least 3 people")])  # fmt: skip
    put_story(db, 11, [page])
    rendered = render_story_timeline(story_timeline(StoryFactsReader(db), 11))
    assert "\x1b" not in rendered and "\x07" not in rendered and "\u202e" not in rendered
    assert safe_text("a\x1b[2Jb") == "a [2Jb"


def fail_fetch(db: Any, settings: Settings, page: Page, at: datetime, status: int) -> str:
    """Store a fetch of ``page`` that answered an HTTP error."""
    outcome = PageOutcome(Target(page.url, page.source), at, "http_status", status=status)
    return store_outcome(db, settings, outcome, None)


def test_a_page_seen_only_through_errors_or_gone_is_not_stale(db, settings):
    add_sources(db)
    old = Page("https://harbor.example/old", "harbor")
    new = Page("https://courrier.example/new", "courrier")
    publish(db, settings, old, text=WIRE_240, at=T0,
            said=[Said("killed", "at_least", 240, "At least 240 people")])  # fmt: skip
    publish(db, settings, new, text=A_255, at=T0 + timedelta(hours=2),
            said=[Said("killed", "more_than", 255, "More than 255 people")])  # fmt: skip
    assert fail_fetch(db, settings, old, T0 + timedelta(hours=3), 503) == "failed"
    put_story(db, 12, [old, new])
    first = story_timeline(StoryFactsReader(db), 12)["kinds"]["killed"][0]
    assert first["flags"] == []  # a 503 at 13:00 showed nothing of the page
    publish(db, settings, old, text=WIRE_240, at=T0 + timedelta(hours=4))  # still 240
    first = story_timeline(StoryFactsReader(db), 12)["kinds"]["killed"][0]
    assert first["flags"] == ["stale"]
    assert fail_fetch(db, settings, old, T0 + timedelta(hours=5), 404) == "gone"
    first = story_timeline(StoryFactsReader(db), 12)["kinds"]["killed"][0]
    assert first["flags"] == []  # the page is gone: it quotes nothing any more


def test_current_figure_names_a_page_that_says_who_counted(db, settings):
    add_sources(db)
    bare = Page("https://courrier.example/bare", "courrier")
    cited = Page("https://harbor.example/cited", "harbor")
    publish(db, settings, bare, text=A_255, at=T0,
            said=[Said("killed", "more_than", 255, "More than 255 people")])  # fmt: skip
    publish(db, settings, cited, text=A_255, at=T0 + timedelta(minutes=20),
            said=[Said("killed", "more_than", 255, "More than 255 people", MONITOR)])  # fmt: skip
    put_story(db, 13, [bare, cited])
    now = story_timeline(StoryFactsReader(db), 13)["current"]["killed"]
    assert (now["outlet"], now["attributed_to"]) == ("harbor", MONITOR)
    assert [a["outlet"] for a in now["also"]] == ["courrier"]
