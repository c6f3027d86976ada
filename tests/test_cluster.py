"""Story clustering: features, incremental assignment, edits, merges and splits."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from newsmon import store
from newsmon.core.settings import StoriesSettings
from newsmon.core.story_records import ArticleInput
from newsmon.store.stories import StoryStore
from newsmon.stories.features import address_keys, extract_dates, extract_features
from newsmon.stories.join import Assignment, assign_version, merge_stories, split_story
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


def assign(db: sqlite_utils.Database, item: Item, **settings: object) -> Assignment:
    with store.write_transaction(db):
        return assign_version(
            StoryStore(db),
            ArticleInput(
                article_id=item.article_id,
                version_id=item.version_id or item.article_id,
                source_id=item.source,
                url=f"https://{item.source}.test/{item.article_id}",
                title=item.title,
                text=item.text,
                lang=None,
                published=item.published,
                seen_at=item.published or T0,
            ),
            settings=StoriesSettings(**settings),  # type: ignore[arg-type]
            now=datetime.now(UTC),
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


def snapshot(db: sqlite_utils.Database) -> dict[str, list[tuple[object, ...]]]:
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
def mem() -> sqlite_utils.Database:
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
    # A sentence start only ("police" is one of the lexicon's event words: w:~police).
    assert "w:~police" in features and "e:police" not in features
    assert "w:~army" in features  # "L'armée" without its article


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
    assert merge_stories(StoryStore(mem), a, b, now=datetime.now(UTC)) == a
    assert mem.execute("SELECT status, merged_into FROM stories WHERE id = ?", [b]).fetchone() == (
        "merged",
        a,
    )
    assert mem.execute(
        "SELECT COUNT(*) FROM story_articles WHERE story_id = ?", [a]
    ).fetchone() == (2,)
    c = split_story(StoryStore(mem), a, [SAME_CITY.article_id], now=datetime.now(UTC))
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
    from newsmon.stories.features import boilerplate_candidates, line_key
    from newsmon.stories.join import page_furniture

    def _furniture(
        db: sqlite_utils.Database, source: str, text: str, count: bool
    ) -> tuple[set[int], set[int], set[int]]:
        candidates = boilerplate_candidates(None, text)
        return page_furniture(StoryStore(db), source, candidates, StoriesSettings(), count=count)

    texts = [
        f"Advertisement\n\nStory number {n} about {topic} happened in district {n * 7}."
        for n, topic in enumerate(["floods", "a fire", "an election", "a strike"], 1)
    ]
    for text in texts[:3]:
        _furniture(mem, "site-2024", text, True)
    for_dedupe, for_features, printed = _furniture(mem, "site-2024", texts[3], True)
    assert for_features == for_dedupe == printed == {line_key("Advertisement")}
    # Printed by one outlet four times, it is now furniture shared by every outlet too; the
    # other outlet never printed any of its lines.
    assert _furniture(mem, "other-1", texts[3], False) == (
        {line_key("Advertisement")},
        {line_key("Advertisement")},
        set(),
    )


def test_the_settings_file_section_drives_clustering(mem) -> None:
    from newsmon.core import settings as settings_module

    section = getattr(settings_module, "StoriesSettings", None)
    if section is None:
        pytest.skip("settings.toml has no [stories] section yet")
    configured = section()
    with store.write_transaction(mem):
        first = assign_version(StoryStore(mem), ArticleInput(
            article_id=1, version_id=1, source_id=PT.source, url="https://a.test/1",
            title=PT.title, text=PT.text, lang="pt", published=PT.published,
            seen_at=PT.published), settings=configured, now=datetime.now(UTC),
        )  # fmt: skip
        second = assign_version(StoryStore(mem), ArticleInput(
            article_id=2, version_id=2, source_id=FR.source, url="https://b.test/2",
            title=FR.title, text=FR.text, lang="fr", published=FR.published,
            seen_at=FR.published), settings=configured, now=datetime.now(UTC),
        )  # fmt: skip
    assert second.story_id == first.story_id


def test_a_story_holding_two_events_splits_when_it_grows(mem) -> None:
    from newsmon.stories.join import split_if_incoherent

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
            merge_stories(StoryStore(mem), kept, other, now=T0)  # as if a look-alike got in
        result = split_if_incoherent(StoryStore(mem), kept, StoriesSettings(), T0)
    assert result is not None
    new_story, moved = result
    # The match report was published first, so its group keeps the story.
    assert sorted(moved) == sorted(i.article_id for i in offensive)
    rows = mem.execute("SELECT kind, story_id, other_story_id, detail FROM story_events").fetchall()
    assert rows[-1][:3] == ("split", kept, new_story)
    assert json.loads(rows[-1][3])["reason"] == "incoherent"


_FLOOD = [
    "The Lorsk burst its banks at Tamberg on Tuesday night after three days of rain.",
    "Mayor Ilse Brandauer said 1,200 residents of the Oststadt district were evacuated.",
    "Fourteen people died in the flood, according to the Tamberg fire brigade.",
    "Rescue boats from Kelling and Marbach searched the flooded streets of Oststadt.",
    "The Lorsk crested at 7.4 metres, the highest level since 1954.",
    "Farmers near Vellach lost their harvest as the water spread over the fields.",
    "The regional government of Halvria released 40 million euros in emergency aid.",
    "Brandauer said the dikes along the Lorsk had not been repaired since 2013.",
]
_FIRE = [
    "A fire destroyed the Rauscher chemical plant in Tamberg on Sunday morning.",
    "Mayor Ilse Brandauer told residents of Nordhafen to keep their windows shut.",
    "Two workers were injured, the plant operator Rauscher Chemie said.",
    "Smoke from burning solvent drifted over the Nordhafen docks for six hours.",
    "Firefighters from Tamberg needed 90 minutes to bring the blaze under control.",
]


def test_a_look_alike_group_arriving_after_one_check_is_found_at_the_next(mem) -> None:
    """Ten flood reports, then three on a plant fire in the same city let in: after the check
    at 10 members, the next check (13, about a quarter more) already splits the three off."""
    from newsmon.stories.join import split_if_incoherent

    def article(number: int, pool: list[str], title: str) -> Item:
        lines = [pool[(number + k) % len(pool)] for k in range(4)]
        when = T0 + timedelta(hours=number)
        return Item(number, f"outlet-{number}", title, "\n\n".join(lines), when)

    floods = [article(n, _FLOOD, "Lorsk flood in Tamberg") for n in range(1, 11)]
    fires = [article(n, _FIRE, "Fire at Tamberg chemical plant") for n in range(11, 14)]
    stories = {assign(mem, item).story_id for item in [*floods, *fires]}
    kept = mem.execute("SELECT story_id FROM story_articles WHERE article_id = 1").fetchone()[0]
    with store.write_transaction(mem):
        for other in sorted(stories - {kept}):
            merge_stories(StoryStore(mem), kept, other, now=T0)  # as if let in on one match
        result = split_if_incoherent(StoryStore(mem), kept, StoriesSettings(), T0)
    assert result is not None
    assert sorted(result[1]) == [11, 12, 13]


# --- follow-ups, months later ------------------------------------------------------------------

_TOWNS = ["Arlow", "Brennick", "Castlemoor", "Dunvale", "Edgerton", "Farrowby", "Glenrose"]
_FIRST = ["Ada", "Bram", "Cleo", "Dov", "Esme", "Fitz", "Gil", "Hana", "Ivo", "Juno", "Kai"]
_LAST = ["Abernathy", "Blackwood", "Cormack", "Delacroix", "Ellery", "Farquhar", "Galloway"]
_EVENTS = ["a kitchen fire", "a burst water main", "a lorry crash", "a school roof collapse"]


def _filler(count: int, start: datetime) -> list[Item]:
    """Unrelated local news, so that the store knows which names are common."""
    items = []
    for n in range(count):
        town = _TOWNS[n % len(_TOWNS)]
        person = f"{_FIRST[n % len(_FIRST)]} {_LAST[(n // len(_FIRST)) % len(_LAST)]}"
        event = _EVENTS[n % len(_EVENTS)]
        text = (
            f"Emergency crews in {town} dealt with {event} on Tuesday, officials said.\n\n"
            f"Resident {person} told reporters that the street was closed for {n % 9 + 2} hours "
            f"while engineers checked the damage.\n\n"
            f"The council said repairs would cost about {1000 + 37 * n} pounds and that nobody "
            "had been seriously hurt."
        )
        items.append(Item(1000 + n, f"local-{n % 5}", f"{event.capitalize()} in {town}", text,
                          start + timedelta(hours=3 * n)))  # fmt: skip
    return items


SHOOTING = Item(
    1,
    "meridian",
    "Gunman kills two at Elmwood bakery",
    "A gunman killed two people at a bakery on Harlan Street in Elmwood on Saturday morning, "
    "police said.\n\n"
    "The victims were named as Marisol Quintero, 34, who owned the bakery, and her customer "
    "Tobias Fenwick, 61.\n\n"
    "Police arrested Darnell Okafor, 27, a former employee, two streets away an hour later. "
    "Detectives said the attack followed a dispute over unpaid wages.",
    T0,
)
SENTENCING = Item(
    2,
    "harbor",
    "Okafor jailed for life over Elmwood bakery killings",
    "Darnell Okafor was sentenced to life in prison on Thursday for the murders of Marisol "
    "Quintero and Tobias Fenwick at her Elmwood bakery in March.\n\n"
    "The judge said Okafor had planned the attack after Quintero dismissed him over a dispute "
    "about wages.\n\n"
    "Quintero's sister told the court the family still visits the bakery on Harlan Street.",
    T0 + timedelta(days=200),
)
OTHER_ELMWOOD = Item(
    3,
    "harbor",
    "Two hurt in Elmwood warehouse shooting",
    "Two men were wounded in a shooting at a warehouse in Elmwood on Friday night, police "
    "said.\n\n"
    "Officers found Wendell Ashby, 45, and Rupert Lindqvist, 38, with gunshot wounds to the "
    "legs. Both are expected to recover.\n\n"
    "Police are looking for a man seen running towards the river.",
    T0 + timedelta(days=200),
)


@pytest.fixture
def filled(mem):
    for item in _filler(120, T0 - timedelta(days=40)):
        assign(mem, item)
    return mem


def test_a_follow_up_months_later_rejoins_its_story(filled) -> None:
    story = assign(filled, SHOOTING).story_id
    later = assign(filled, SENTENCING)
    assert later == Assignment(None, story, "follow_up")
    row = filled.execute("SELECT last_day, articles FROM stories WHERE id = ?", [story]).fetchone()
    assert row == (SENTENCING.published.date().toordinal(), 2)  # the story is open again
    # An unrelated shooting in the same town, the same day, stays apart.
    assert assign(filled, OTHER_ELMWOOD).story_id not in (story,)


@pytest.mark.parametrize(
    ("source", "days", "settings", "joined"),
    [
        ("harbor", 200, {}, "follow_up"),
        ("meridian", 200, {}, "new_story"),  # the same outlet: its own names recur anyway
        ("harbor", 500, {}, "new_story"),  # past the follow-up window
        ("harbor", 200, {"follow_up_window": "0d"}, "new_story"),  # switched off
        ("harbor", 200, {"follow_up_names": 12}, "new_story"),  # more rare names than they share
        ("harbor", 3, {}, "joined"),  # within the active window: an ordinary join
    ],
)
def test_follow_ups_need_another_outlet_rare_names_and_the_window(
    filled, source: str, days: int, settings: dict[str, object], joined: str
) -> None:
    story = assign(filled, SHOOTING).story_id
    later = Item(2, source, SENTENCING.title, SENTENCING.text, T0 + timedelta(days=days))
    result = assign(filled, later, **settings)
    assert result.joined == joined
    assert (result.story_id == story) == (joined != "new_story")


def test_street_addresses_playlists_and_abbreviations_in_features() -> None:
    assert address_keys(
        "in the 400 block of Pecan Ave., at 16411 Saybrook, near 1200 N. Main Street; "
        "25 Officers came; 2016 United Way; the 12 block of Elm"
    ) == ["400 pecan", "16411 saybrook", "1200 main", "12 elm"]
    features = extract_features(
        "Girl shot in Mt. Washington",
        "1:49 Grandmother says she still can't believe it Pause\n"
        "A girl was shot at a house in the 700 block of Southern Avenue in Mount Washington.\n"
        "At 10:30 p.m. police arrived.",
        None,
    ).full
    assert "e:700 southern" in features
    assert "e:mount" in features and "e:mt" not in features
    assert "w:grandmother" not in features  # another story's headline in a video playlist
    assert "w:~police" in features  # "10:30 p.m." opens a real sentence


def test_words_are_compared_within_one_language_only() -> None:
    from newsmon.stories.vectors import Profile, Vector, feature_id, similarity

    def profile(keys: dict[str, float], lang: str | None) -> Profile:
        vector = Vector.of({feature_id(k): v for k, v in keys.items()})
        return Profile(vector, vector, lang=lang)

    # Both name Karsa and 255; the English one also has many words the French cannot share.
    english = {"e:karsa": 2.0, "n:255": 1.5, "w:offensive": 3.0, "w:killed": 3.0, "w:city": 3.0}
    french = {"e:karsa": 2.0, "n:255": 1.5, "w:morts": 3.0}
    same = similarity(profile(english, "en"), profile(french, "en"))
    across = similarity(profile(english, "en"), profile(french, "fr"))
    unknown = similarity(profile(english, None), profile(french, "fr"))
    assert across > same and unknown == same


def test_members_keep_their_language_and_read_also_lines_are_not_features(mem) -> None:
    with store.write_transaction(mem):
        assign_version(
            StoryStore(mem),
            ArticleInput(
                article_id=1,
                version_id=1,
                source_id="courrier",
                url="https://courrier.test/1",
                title=FR.title,
                text=FR.text,
                lang="fr-FR",
                published=FR.published,
                seen_at=FR.published,
            ),
            now=datetime.now(UTC),
        )
    assert mem.execute("SELECT lang FROM story_articles").fetchone() == ("fr",)
    features = extract_features(
        "Karsa", "Lire aussi : Grève des contrôleurs aériens\nLes combats continuent à Karsa.", None
    ).full
    assert "e:grève" not in features and "e:karsa" in features


def test_phone_numbers_and_the_outlets_own_name_are_not_features() -> None:
    from newsmon.stories.features import outlet_names

    text = (
        "Two men were shot on Hearne Avenue in Fresno, KSLA News 12 and WWL learned.\n"
        "Anyone with information should call Crime Stoppers at (318) 673-7373, 554-1111 "
        "or 1-800-222-8477."
    )
    assert outlet_names("https://www.ksla.com/story/1") == {"ksla"}
    assert outlet_names("https://m.wwltv.com:443/a") == {"wwltv"}
    plain = extract_features("Two shot", text, None).full
    assert {"e:ksla", "e:wwl", "e:fresno", "n:12"} <= set(plain)
    assert not {"n:318", "n:673", "n:7373", "n:554", "n:1111", "n:800", "n:8477"} & set(plain)
    # The outlet's own name and call sign say nothing about the event; a city inside a host
    # name ("fresno" in fresnobee) does.
    for url, dropped in [
        ("https://www.ksla.com/1", "e:ksla"),
        ("https://wwltv.com/1", "e:wwl"),
    ]:
        full = extract_features("Two shot", text, None, outlet=outlet_names(url)).full
        assert dropped not in full and "e:hearne" in full
    full = extract_features("Two shot", text, None, outlet=outlet_names("https://fresnobee.com/1"))
    assert "e:fresno" in full.full


def test_the_same_outlets_text_under_an_unrelated_headline_is_its_furniture(mem) -> None:
    promo = (
        "Channel Nine has joined forces with the most trusted local radio stations in the "
        "valley to bring you the best the region has to offer every single day of the week.\n\n"
        "Newsradio Nine Ninety has been the instant source for traffic, weather and breaking "
        "news sought by valley residents since it first went on the air many years ago.\n\n"
        "Sports Talk Ninety Four welcomes every listener to the home of the Valley Rams with "
        "scores, interviews and analysis from the studio and the stadium all season long."
    )
    first = assign(
        mem, Item(1, "ninelocal", "Man shoots girlfriend and son in Gloucester", promo, T0)
    )
    unrelated = assign(
        mem,
        Item(
            2,
            "ninelocal",
            "Officer charged with endangering after boy dies",
            promo,
            T0 + timedelta(days=3),
        ),
    )
    # Not a wire copy, not the same story, and its features are its headline alone.
    assert unrelated.wire_group_id is None and unrelated.joined == "new_story"
    assert unrelated.story_id != first.story_id
    terms = json.loads(
        mem.execute("SELECT terms FROM story_articles WHERE article_id = 2").fetchone()[0]
    )
    assert terms and all(
        written.lower() in "officer charged endangering boy dies" for _, written in terms
    )
    # The same outlet moving its own article to a new address keeps the headline: a copy.
    moved = assign(
        mem,
        Item(
            3,
            "ninelocal",
            "UPDATE: Man shoots girlfriend and son in Gloucester",
            promo,
            T0 + timedelta(hours=2),
        ),
    )
    assert moved.wire_group_id is not None and moved.story_id == first.story_id
    # A text that tells its new headline's story is a copy, whatever the outlet (another
    # outlet here: "ninelocal" has printed its promo often enough to be known furniture).
    other = promo.replace("Nine", "Ten").replace("valley", "harbour")
    assign(mem, Item(10, "tenlocal", "Man shoots girlfriend and son in Gloucester", other, T0))
    retitled = assign(
        mem,
        Item(
            11,
            "tenlocal",
            "Valley Rams coach: stadium interviews go on",
            other,
            T0 + timedelta(days=4),
        ),
    )
    assert retitled.wire_group_id is not None


def test_an_unsettled_headline_word_takes_the_kind_the_store_has_seen() -> None:
    from newsmon.stories.features import settle_guesses

    sentence_case = extract_features("Providence gang member sentenced", "", None)
    assert "w:providence" in sentence_case.full and "providence" in sentence_case.guessed
    settle_guesses(sentence_case, {"e:providence": 7, "w:providence": 0})
    assert "e:providence" in sentence_case.full and "w:providence" not in sentence_case.full
    assert "e:providence" in sentence_case.lead

    title_case = extract_features("Officer Charged With Endangering", "", None)
    assert "e:officer" in title_case.full
    settle_guesses(title_case, {"e:officer": 1, "w:officer": 40, "e:endangering": 0})
    assert "w:officer" in title_case.full and "e:officer" not in title_case.full
    assert "e:endangering" in title_case.full  # never seen either way: the guess stands
    # A body that uses the word settles it; no guess is left to revise.
    settled = extract_features("Providence gang member sentenced", "He lived in Providence.", None)
    assert "providence" not in settled.guessed and "e:providence" in settled.full


def test_line_keys_compare_normalised_text() -> None:
    from newsmon.stories.features import line_key

    assert line_key("Read more […]") == line_key("Read more [...]")
    assert line_key("Call 555 0100") == line_key("call 555 0199")  # digits and case ignored


def test_the_nearer_an_article_lies_to_a_story_the_less_it_must_share(tmp_path: Path) -> None:
    first = Item(
        1,
        "herald",
        "Three shot outside Pecan Street bakery",
        "Gunmen shot three people outside a bakery on Pecan Street in Velmora late on Tuesday, "
        "police said. The wounded were taken to Saint Anne hospital.",
        T0,
    )
    later = "Three people were wounded in a shooting near a bakery in Velmora, officers said."

    def score(days: float | None, outlet: str = "courier", **settings: object) -> Assignment:
        db = store.open_db(tmp_path / f"{days}-{outlet}-{sorted(settings.items())}.db")
        assign(db, first)
        published = None if days is None else T0 + timedelta(days=days)
        result = assign(
            db, Item(2, outlet, "Velmora bakery shooting", later, published), **settings
        )
        row = db.execute("SELECT score FROM story_articles WHERE article_id = 2").fetchone()
        db.close()
        return result, row[0]

    permissive = {"join_threshold": 0.01}
    (_, same_day), (_, ten_days) = score(0, **permissive), score(10, **permissive)
    (_, undated), (_, four_days) = score(None, **permissive), score(4, **permissive)
    decay = StoriesSettings().time_decay
    assert decay > 0
    assert same_day - ten_days == pytest.approx(decay * math.log(11), abs=1e-3)
    # At TYPICAL_DAYS (4) the score is the plain similarity; an undated article is taken there.
    assert undated == pytest.approx(four_days, abs=1e-3)
    assert same_day - four_days == pytest.approx(decay * math.log(5), abs=1e-3)
    # Nearness is another outlet's evidence: the same outlet's same-day article gets no relief,
    # though distance still costs it.
    assert score(0, "herald", **permissive)[1] == pytest.approx(four_days, abs=1e-3)
    assert score(10, "herald", **permissive)[1] == pytest.approx(ten_days, abs=1e-3)
    # With the threshold between the two, the same text joins on the day and not ten days on.
    middle = {"join_threshold": (same_day + ten_days) / 2}
    assert score(0, **middle)[0].joined == "joined"
    assert score(10, **middle)[0].joined == "new_story"
    # Without decay the day makes no difference.
    flat = {"join_threshold": 0.01, "time_decay": 0.0}
    assert score(0, **flat)[1] == pytest.approx(score(10, **flat)[1], abs=1e-3)


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("Whenever Jane Doe posts new content, you'll get an email delivered to your inbox.", True),
        ("Sign in using your wkrn profile", True),
        ("By submitting your registration information, you agree to our Terms of Service.", True),
        ("Download our News App for your phone and tablet.", True),
        # Reporting that mentions accounts or e-mail without addressing the reader stays.
        ("The family set up an online account for donations, police said.", False),
        ("Police said the suspect sent an email to the school on Monday.", False),
        (
            "If you have information, call the police. " + "The victim was a nurse. " * 8,
            False,  # a long paragraph is not a sign-up box
        ),
    ],
)
def test_lines_addressing_the_reader_about_accounts_are_not_features(
    line: str, furniture: bool
) -> None:
    from newsmon.core.text import is_reader_furniture

    assert is_reader_furniture(line) is furniture
    body = "Police found the nurse in Velmora."
    alone = extract_features("Nurse shot", body, None).full
    with_line = extract_features("Nurse shot", f"{body}\n{line}", None).full
    assert (with_line == alone) is furniture


def test_work_prepared_outside_the_writer_gives_the_same_stories() -> None:
    """Features and fingerprints computed ahead (as a cleaning worker would, without the
    store's learnt furniture) are used only where they equal the writer's own."""
    from newsmon.stories.join import prepare_article

    items = sorted(fakesite_articles().values(), key=lambda i: (i.published, i.article_id))
    # Four articles of one outlet printing the same furniture line: learnt after three.
    items += [
        Item(100 + n, "gazette", f"Council vote {n}", f"Advertisement\n\n{text}", T0)
        for n, text in enumerate(["Roads are closed.", "Schools reopen.", "Bins", "Parks"] * 2)
    ]
    dbs = []
    for ahead in (False, True):
        db = store.open_db(":memory:")
        for item in items:
            article = ArticleInput(
                article_id=item.article_id,
                version_id=item.article_id,
                source_id=item.source,
                url=f"https://{item.source}.test/{item.article_id}",
                title=item.title,
                text=item.text,
                lang=None,
                published=item.published,
                seen_at=item.published or T0,
            )
            prepared = prepare_article(article, speculative=True) if ahead else None
            with store.write_transaction(db):
                assign_version(StoryStore(db), article, now=T0, prepared=prepared)
        dbs.append(snapshot(db))
    assert dbs[0] == dbs[1]


# --- across languages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "text", "lang"),
    [
        (
            "Erdbeben in der Türkei: Mindestens 20 Tote",
            "Bei einem schweren Erdbeben im Osten der Türkei sind mindestens 20 Menschen ums "
            "Leben gekommen. Die türkische Regierung sprach von einer Katastrophe. Präsident "
            "Erdoğan besuchte die Stadt Elazığ.",
            "de",
        ),
        (
            "Earthquake in Turkey kills at least 20",
            "A strong quake struck eastern Turkey, killing at least 20 people, the Turkish "
            "government said. President Erdogan visited the city of Elazig.",
            "en",
        ),
        (
            "Séisme en Turquie : au moins 20 morts",
            "Un puissant tremblement de terre a frappé l'est de la Turquie, faisant au moins 20 "
            "morts, selon le gouvernement turc. Le président Erdogan s'est rendu à Elazig.",
            "fr",
        ),
    ],
)
def test_places_event_words_and_names_are_one_feature_in_every_language(
    title: str, text: str, lang: str
) -> None:
    features = extract_features(title, text, None, lang=lang).full
    # The country under its name and its adjective, the event, the toll and the people.
    for key in ("e:turkey", "w:~earthquake", "w:~killed", "e:erdogan", "e:elazig", "n:20"):
        assert key in features, key
    assert not any(k in features for k in ("e:türkei", "e:turquie", "e:erdoğan"))


def test_german_nouns_are_words_and_names_stay_names() -> None:
    text = (
        "Die Regierung in Berlin beschloss am Mittwoch eine Reform der Rente. "
        "Kanzlerin Angela Merkel sprach von einer Entscheidung für die Zukunft."
    )
    features = extract_features(None, text, None, lang="de").full
    assert "e:angela" in features and "e:merkel" in features and "e:berlin" in features
    assert "w:~government" in features  # "Regierung": a noun, and an event word
    assert not any(k in features for k in ("e:reform", "e:rente", "e:entscheidung", "e:zukunft"))
    assert "e:mittwoch" not in features and "w:mittwoch" not in features  # a function word


def test_names_compare_without_diacritics_or_script() -> None:
    from newsmon.stories.lexicon import fold_name

    assert fold_name("orbán") == fold_name("orban") == "orban"
    assert fold_name("łódź") == "lodz" and fold_name("straße") == "strasse"
    assert fold_name("шольц") == "sholts" and fold_name("ıstanbul") == "istanbul"
    turkish = extract_features(
        None, "Yangın Denizli'de çıktı. Ekipler Denizli'nin merkezinde.", None, lang="tr"
    )
    assert "e:denizli" in turkish.full  # the case suffix after the apostrophe is not the name


def test_key_terms_are_shown_as_the_articles_wrote_them(mem) -> None:
    from newsmon.stories.read import story_detail

    story = assign(mem, FR).story_id
    detail = story_detail(StoryStore(mem), story, now=T0)
    assert detail is not None
    terms = detail["key_terms"]
    assert "Velmora" in terms and "offensive" in terms  # as written, without "l'"
    assert "moins" not in terms  # "au moins": a function word
    # Words as written, not their keys or stems.
    assert all(":" not in t and "~" not in t for t in terms)
