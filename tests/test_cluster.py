"""Story clustering: features, incremental assignment, edits, merges and splits."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from newsmon import store
from newsmon.cluster import (
    Assignment,
    StoriesSettings,
    assign_version,
    extract_dates,
    extract_features,
    merge_stories,
    split_story,
)
from tests.fakesite.stories import STORIES

T0 = datetime(2024, 3, 5, 10, 0, tzinfo=UTC)


@dataclass
class Item:
    article_id: int
    source: str
    title: str
    text: str
    published: datetime | None
    version_id: int | None = None


def assign(db: store.sqlite_utils.Database, item: Item, **settings: object) -> Assignment:
    with store.write_transaction(db):
        return assign_version(
            db,
            article_id=item.article_id,
            version_id=item.version_id or item.article_id,
            source_id=item.source,
            url=f"https://{item.source}.test/{item.article_id}",
            title=item.title,
            text=item.text,
            lang=None,
            published=item.published,
            seen_at=item.published or T0,
            settings=StoriesSettings(**settings),  # type: ignore[arg-type]
        )


def fakesite_articles() -> dict[str, Item]:
    """The fake site's articles as first published, keyed outlet/key."""
    items = {}
    for number, story in enumerate(STORIES, 1):
        text = story.versions[0][1]
        items[f"{story.outlet}/{story.key}"] = Item(
            number,
            story.outlet,
            text.title,
            text.body,
            T0 + timedelta(hours=6 * story.first_tick) - timedelta(minutes=story.published_min),
        )
    return items


def snapshot(db: store.sqlite_utils.Database) -> dict[str, list[tuple[object, ...]]]:
    tables = ["stories", "story_articles", "story_postings", "term_df", "line_df", "story_meta"]
    tables += ["story_events", "dedupe_docs", "lsh_bands", "wire_groups"]
    out = {}
    for table in tables:
        rows = db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        # Bookkeeping timestamps of the write itself are allowed to differ.
        out[table] = [
            tuple(v for v in row if not (isinstance(v, str) and v.startswith("2026")))
            for row in rows
        ]
    return out


@pytest.fixture
def mem() -> store.sqlite_utils.Database:
    return store.open_db(":memory:")


# --- features -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on March 3, 2024 and on Feb. 6", {"2024-03-03", "2024-02-06"}),
        ("le 3 mars et le 1er mai 2023", {"2024-03-03", "2023-05-01"}),
        ("em 3 de março de 2024", {"2024-03-03"}),
        ("el 12 de octubre", {"2023-10-12"}),  # no year and after the article: last year's
        ("since Saturday", {"2024-03-02"}),  # 2024-03-05 is a Tuesday
        ("samedi soir", {"2024-03-02"}),
        ("na segunda-feira", {"2024-03-04"}),
        ("ayer", {"2024-03-04"}),
        ("aujourd'hui", {"2024-03-05"}),
        ("in March 2020", set()),  # a month, not a date
    ],
)
def test_extract_dates_across_languages(text: str, expected: set[str]) -> None:
    assert set(extract_dates(text, date(2024, 3, 5))) == expected


def test_without_a_publication_date_weekdays_are_skipped() -> None:
    assert set(extract_dates("on Saturday, March 2", None)) == {"--03-02"}


@pytest.mark.parametrize(
    ("phrase", "key"),
    [
        ("14,000 displaced", "n:14000"),
        ("14\u00a0000 déplacés", "n:14000"),
        ("14.000 deslocados", "n:14000"),
        ("1,2 million d'habitants", "n:1.2"),
        ("1.2 million people", "n:1.2"),
        ("at least 240 people", "n:240"),
    ],
)
def test_numbers_carry_across_languages(phrase: str, key: str) -> None:
    assert key in extract_features(None, phrase, None).full


def test_names_are_capitalised_mid_sentence_and_elisions_fold() -> None:
    text = (
        "Police said the convoy left Velmora at dawn. Convoys rarely move at night. "
        "L'armée a confirmé que Velmora était encerclée."
    )
    features = extract_features("Convoy Leaves Velmora", text, None).full
    assert "e:velmora" in features
    assert "w:convoy" in features and "e:convoy" not in features  # a headline capital only
    assert "w:police" in features and "e:police" not in features  # a sentence start only
    assert "w:armée" in features  # "L'armée" without its article


# --- assignment -----------------------------------------------------------------------------------


def test_fakesite_wire_copies_group_and_same_event_joins_and_look_alike_stays_apart(mem) -> None:
    items = fakesite_articles()
    order = sorted(items.values(), key=lambda i: (i.published, i.article_id))
    result = {key: None for key in items}
    by_id = {item.article_id: key for key, item in items.items()}
    for item in order:
        result[by_id[item.article_id]] = assign(mem, item)
    wire_keys = sorted(("meridian/W", "harbor/W", "valley/W"), key=lambda k: items[k].published)
    wire = [result[k] for k in wire_keys]
    # The first copy had no group yet when it was assigned; the later two found it.
    assert [a.joined for a in wire[1:]] == ["wire_copy", "wire_copy"]
    group = wire[2].wire_group_id
    assert group is not None
    groups = mem.execute(
        "SELECT DISTINCT wire_group_id FROM dedupe_docs WHERE article_id IN (?, ?, ?)",
        [items[k].article_id for k in wire_keys],
    ).fetchall()
    assert groups == [(group,)]
    story = wire[0].story_id
    assert {a.story_id for a in wire} == {story}
    # Other outlets' own reporting on the offensive, in English and in French, joins it.
    for key in ("meridian/A", "harbor/N", "courrier/F1"):
        assert result[key].story_id == story, key
        assert result[key].wire_group_id is None
    # A football match in the same city, a rail strike and an air-traffic strike stay apart.
    apart = {result[k].story_id for k in ("valley/V", "meridian/U", "courrier/F0")}
    assert story not in apart and len(apart) == 3
    row = mem.execute("SELECT articles, outlets FROM stories WHERE id = ?", [story]).fetchone()
    assert row == (6, 4)
    assert mem.execute("SELECT credit FROM wire_groups WHERE id = ?", [group]).fetchone() == (
        "AFP",
    )


# Our own prose: one offensive reported in Portuguese and in French, a look-alike offensive on
# another city days later, and an unrelated event in the same city.
PT = Item(
    1,
    "diario-pt",
    "Ofensiva sobre Velmora já fez 312 mortos, segundo observatório",
    "A ofensiva lançada no sábado pelas forças governamentais contra Velmora já causou pelo "
    "menos 312 mortos, segundo o Observatório Halden para os Direitos Civis. Cerca de "
    "18.500 pessoas fugiram dos bairros do norte da cidade.\n\n"
    "O hospital Santa Irena, no distrito de Corvel, recebeu 96 feridos na segunda-feira, "
    "disse o diretor Tomas Brandt. A ponte de Ostrava foi destruída durante a noite.\n\n"
    "O general Anton Rauss afirmou que as tropas controlam a estrada 7 e o aeroporto.",
    datetime(2024, 3, 5, 9, 0, tzinfo=UTC),
)
FR = Item(
    2,
    "gazette-fr",
    "Velmora : au moins 312 morts depuis le début de l'offensive",
    "Au moins 312 personnes ont été tuées depuis samedi dans l'offensive des forces "
    "gouvernementales sur Velmora, selon l'Observatoire Halden. Quelque 18 500 habitants ont "
    "fui les quartiers nord.\n\n"
    "L'hôpital Santa Irena, dans le district de Corvel, a accueilli 96 blessés lundi, a "
    "indiqué son directeur, Tomas Brandt. Le pont d'Ostrava a été détruit dans la nuit.\n\n"
    "Le général Anton Rauss assure que l'armée tient la route 7 et l'aéroport.",
    datetime(2024, 3, 5, 15, 0, tzinfo=UTC),
)
LOOK_ALIKE = Item(
    3,
    "gazette-fr",
    "Offensive sur Tarsk : 57 morts, selon une ONG",
    "Au moins 57 personnes ont été tuées depuis jeudi dans l'offensive de l'armée sur Tarsk, "
    "selon le Comité Marenko. Environ 4 200 habitants ont fui la vieille ville.\n\n"
    "L'hôpital Saint-Luc a reçu 23 blessés vendredi, selon sa directrice, Ilse Varga. Le "
    "colonel Piet Dorn affirme que ses troupes ont repris la gare.",
    datetime(2024, 3, 9, 10, 0, tzinfo=UTC),
)
SAME_CITY = Item(
    4,
    "diario-pt",
    "Festival de cinema de Velmora adiado para outubro",
    "A organização do festival de cinema de Velmora anunciou que a 14.ª edição, prevista "
    "para maio, foi adiada para outubro. A diretora artística, Lena Moss, disse que 40 "
    "filmes de 22 países estavam selecionados e que os bilhetes vendidos serão reembolsados.",
    datetime(2024, 3, 6, 11, 0, tzinfo=UTC),
)


def test_the_same_offensive_in_portuguese_and_french_is_one_story(mem) -> None:
    first, second = assign(mem, PT), assign(mem, FR)
    assert first.joined == "new_story"
    assert second == Assignment(None, first.story_id, "joined")
    for item in (LOOK_ALIKE, SAME_CITY):
        assert assign(mem, item).story_id != first.story_id


def test_assignment_is_idempotent(mem) -> None:
    assign(mem, PT)
    first = assign(mem, FR)
    before = snapshot(mem)
    assert assign(mem, FR) == first
    assert snapshot(mem) == before


def test_a_new_version_keeps_its_story_and_a_rewrite_moves_it(mem) -> None:
    story = assign(mem, PT).story_id
    assign(mem, FR)
    edited = Item(2, FR.source, FR.title, FR.text.replace("312", "330"), FR.published, 20)
    assert assign(mem, edited) == Assignment(None, story, "joined")
    assert mem.execute("SELECT articles FROM stories WHERE id = ?", [story]).fetchone() == (2,)
    # The URL now carries another article altogether (a recycled page).
    recycled = Item(2, FR.source, SAME_CITY.title, SAME_CITY.text, FR.published, 21)
    moved = assign(mem, recycled)
    assert moved.story_id != story
    kinds = mem.execute("SELECT kind, story_id, other_story_id FROM story_events").fetchall()
    assert kinds == [("move", moved.story_id, story)]


def test_stories_outside_the_active_window_take_no_new_articles(mem) -> None:
    story = assign(mem, PT).story_id
    late = Item(2, FR.source, FR.title, FR.text, PT.published + timedelta(days=30))
    assert assign(mem, late).story_id != story
    again = store.open_db(":memory:")
    story = assign(again, PT).story_id
    assert assign(again, late, active_window="45d").story_id == story


def test_merge_and_split_are_recorded_and_move_members(mem) -> None:
    a = assign(mem, PT).story_id
    b = assign(mem, SAME_CITY).story_id
    assert merge_stories(mem, a, b) == a
    assert mem.execute("SELECT status, merged_into FROM stories WHERE id = ?", [b]).fetchone() == (
        "merged",
        a,
    )
    assert mem.execute(
        "SELECT COUNT(*) FROM story_articles WHERE story_id = ?", [a]
    ).fetchone() == (2,)
    c = split_story(mem, a, [SAME_CITY.article_id])
    assert mem.execute("SELECT story_id FROM story_articles WHERE article_id = 4").fetchone() == (
        c,
    )
    events = mem.execute(
        "SELECT kind, story_id, other_story_id, detail FROM story_events"
    ).fetchall()
    assert [(k, s, o) for k, s, o, _ in events] == [("merge", a, b), ("split", a, c)]
    assert json.loads(events[1][3]) == {"articles": [4], "reason": "manual"}


def test_the_index_persists_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    db = store.open_db(path)
    wire = fakesite_articles()["meridian/W"]
    first = assign(db, wire)
    db.close()
    db = store.open_db(path)
    copy = fakesite_articles()["harbor/W"]
    copy.article_id = 99
    second = assign(db, copy)
    assert second.joined == "wire_copy" and second.story_id == first.story_id
    db.close()


def test_settings_fields_are_simple_types() -> None:
    for name, value in vars(StoriesSettings()).items():
        assert isinstance(value, str | int | float), name
    assert StoriesSettings(active_window="36h").window_days == 2


def test_furniture_is_a_line_the_same_outlet_repeats_not_its_articles(mem) -> None:
    from newsmon.cluster import _furniture, line_key

    texts = [
        f"Advertisement\n\nStory number {n} about {topic} happened in district {n * 7}."
        for n, topic in enumerate(["floods", "a fire", "an election", "a strike"], 1)
    ]
    for text in texts[:3]:
        _furniture(mem, "site-2024", None, text, StoriesSettings(), True)
    for_dedupe, for_features = _furniture(mem, "site-2024", None, texts[3], StoriesSettings(), True)
    assert for_features == for_dedupe == {line_key("Advertisement")}
    # Printed by one outlet four times, it is now furniture shared by every outlet too.
    assert _furniture(mem, "other-1", None, texts[3], StoriesSettings(), False) == (
        {line_key("Advertisement")},
        {line_key("Advertisement")},
    )


def test_the_settings_file_section_drives_clustering(mem) -> None:
    from newsmon import settings as settings_module

    section = getattr(settings_module, "StoriesSettings", None)
    if section is None:
        pytest.skip("settings.toml has no [stories] section yet")
    configured = section()
    with store.write_transaction(mem):
        first = assign_version(
            mem, article_id=1, version_id=1, source_id=PT.source, url="https://a.test/1",
            title=PT.title, text=PT.text, lang="pt", published=PT.published,
            seen_at=PT.published, settings=configured,
        )  # fmt: skip
        second = assign_version(
            mem, article_id=2, version_id=2, source_id=FR.source, url="https://b.test/2",
            title=FR.title, text=FR.text, lang="fr", published=FR.published,
            seen_at=FR.published, settings=configured,
        )  # fmt: skip
    assert second.story_id == first.story_id


def test_a_story_holding_two_events_splits_when_it_grows(mem) -> None:
    from newsmon.cluster import _split_if_incoherent

    items = fakesite_articles()
    offensive = [items[k] for k in ("meridian/A", "harbor/N", "courrier/F1")]
    match = items["valley/V"]
    paragraphs = match.text.split("\n\n")
    football = [
        match,
        Item(
            90, "sports-a", "Karsa SC beat Dunmore", "\n\n".join(paragraphs[:-2]), match.published
        ),
        Item(
            91,
            "sports-b",
            "Darwish double for Karsa SC",
            "\n\n".join(paragraphs[1:]),
            match.published,
        ),
    ]
    stories = {assign(mem, item).story_id for item in [*offensive, *football]}
    kept = min(stories)
    with store.write_transaction(mem):
        for other in sorted(stories - {kept}):
            merge_stories(mem, kept, other)  # as if a look-alike had been let in
        result = _split_if_incoherent(mem, kept, StoriesSettings(), T0)
    assert result is not None
    new_story, moved = result
    # The match report was published first, so its group keeps the story.
    assert sorted(moved) == sorted(i.article_id for i in offensive)
    rows = mem.execute("SELECT kind, story_id, other_story_id, detail FROM story_events").fetchall()
    assert rows[-1][:3] == ("split", kept, new_story)
    assert json.loads(rows[-1][3])["reason"] == "incoherent"
