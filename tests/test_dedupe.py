"""Near-duplicate detection: fingerprints, containment, the persisted LSH index, wire groups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlite_utils

from newsmon import store
from newsmon.core.clock import iso
from newsmon.store import wire
from newsmon.store.stories import StoryStore
from newsmon.stories import minhash
from newsmon.stories.credits import detect_credit
from newsmon.stories.minhash import fingerprint_text
from tests.fakesite.stories import A0, N1, WIRE_PARAGRAPHS

NOW = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)
WIRE = "\n\n".join(WIRE_PARAGRAPHS)


@pytest.fixture
def mem() -> sqlite_utils.Database:
    return store.open_db(":memory:")


def _index(db: sqlite_utils.Database, article_id: int, text: str, minutes: int = 0) -> None:
    fingerprint = fingerprint_text(text)
    assert fingerprint is not None
    minhash.index_article(
        StoryStore(db),
        article_id=article_id,
        version_id=article_id,
        source_id=f"outlet{article_id}",
        fingerprint=fingerprint,
        credit=detect_credit(text),
        event_at=iso(NOW + timedelta(minutes=minutes)) or "",
        now=NOW,
    )


def _edit_words(text: str, every: int) -> str:
    words = text.split(" ")
    return " ".join(w + "x" if i % every == 0 else w for i, w in enumerate(words))


def test_empty_text_has_no_fingerprint() -> None:
    assert fingerprint_text("") is None
    assert fingerprint_text(" \n\n ") is None


def test_case_spacing_and_read_also_lines_do_not_change_the_exact_hash() -> None:
    furnished = WIRE.upper().replace(". ", ".  ")
    paragraphs = list(WIRE_PARAGRAPHS)
    paragraphs.insert(3, "Read also: Karsa families move underground")
    first = fingerprint_text(WIRE)
    assert first is not None
    for variant in (furnished, "\n\n".join(paragraphs)):
        other = fingerprint_text(variant)
        assert other is not None
        assert other.exact_hash == first.exact_hash


@pytest.mark.parametrize(
    ("variant", "low", "high"),
    [
        ("\n\n".join(WIRE_PARAGRAPHS[:-2]), 0.95, 1.0),  # last paragraphs dropped
        ("\n\n".join(WIRE_PARAGRAPHS[:3]), 0.95, 1.0),  # only the first paragraphs kept
        (_edit_words(WIRE, 33), 0.7, 0.95),  # about 3% of words changed
        (A0.body, 0.0, 0.1),  # another outlet's own article on the same event
        (N1.body, 0.0, 0.1),
    ],
)
def test_containment_of_copies_and_of_other_reporting(
    variant: str, low: float, high: float
) -> None:
    a, b = fingerprint_text(WIRE), fingerprint_text(variant)
    assert a is not None and b is not None
    contained, _, _ = minhash.containment(a, b)
    assert low <= contained <= high


def test_index_finds_a_trimmed_retitled_copy_and_not_other_reporting(mem) -> None:
    _index(mem, 1, WIRE)
    _index(mem, 2, A0.body)
    trimmed = "Photo: AFP\n\n" + "\n\n".join(WIRE_PARAGRAPHS[:3])
    found = minhash.find_near_duplicates(StoryStore(mem), fingerprint_text(trimmed))
    assert [(d.article_id, d.kind) for d in found] == [(1, "near")]
    assert minhash.find_near_duplicates(StoryStore(mem), fingerprint_text(N1.body)) == []
    exact = minhash.find_near_duplicates(
        StoryStore(mem), fingerprint_text(WIRE), exclude_article_id=1
    )
    assert exact == []


def test_short_texts_are_never_grouped(mem) -> None:
    wall = "Already a subscriber? Click the button below to log in or set up your account."
    _index(mem, 1, wall)
    assert minhash.find_near_duplicates(StoryStore(mem), fingerprint_text(wall)) == []


def test_reindexing_a_new_version_replaces_its_band_keys(mem) -> None:
    _index(mem, 1, WIRE)
    bands = mem.execute("SELECT COUNT(*) FROM lsh_bands").fetchone()[0]
    assert bands == minhash.WHOLE_BANDS + minhash.LEAD_BANDS
    _index(mem, 1, A0.body)
    assert mem.execute("SELECT COUNT(*) FROM lsh_bands").fetchone()[0] == bands
    assert minhash.find_near_duplicates(StoryStore(mem), fingerprint_text(WIRE)) == []
    minhash.remove_article(StoryStore(mem), 1, NOW)
    assert mem.execute("SELECT COUNT(*) FROM lsh_bands").fetchone()[0] == 0


def test_wire_group_canonical_is_the_earliest_complete_copy(mem) -> None:
    trimmed = "\n\n".join(WIRE_PARAGRAPHS[:-2])
    _index(mem, 1, trimmed, minutes=0)  # first, but trimmed
    _index(mem, 2, WIRE, minutes=10)
    matches = minhash.find_near_duplicates(
        StoryStore(mem), fingerprint_text(WIRE), exclude_article_id=2
    )
    group = wire.link_wire_copy(mem, 2, matches, NOW)
    _index(mem, 3, _edit_words(WIRE, 40), minutes=20)
    matches = minhash.find_near_duplicates(
        StoryStore(mem), fingerprint_text(_edit_words(WIRE, 40)), exclude_article_id=3
    )
    assert wire.link_wire_copy(mem, 3, matches, NOW) == group
    row = mem.execute(
        "SELECT canonical_article_id, members, credit FROM wire_groups WHERE id = ?", [group]
    ).fetchone()
    assert row == (2, 3, "AFP")
    assert wire.wire_group_members(mem, group) == [1, 2, 3]


def test_an_article_matching_two_groups_merges_them(mem) -> None:
    other = A0.body.split("\n\n")[1:5]
    first = "\n\n".join(WIRE_PARAGRAPHS[:5])  # the dispatch, trimmed
    second = "\n\n".join([*WIRE_PARAGRAPHS[:2], *other])  # its lead plus local reporting
    bridge = "\n\n".join([*WIRE_PARAGRAPHS[:5], *other])  # holds both
    for article_id, text in ((1, first), (2, first), (3, second), (4, second), (5, bridge)):
        _index(mem, article_id, text)
        found = minhash.find_near_duplicates(
            StoryStore(mem), fingerprint_text(text), exclude_article_id=article_id
        )
        group = wire.link_wire_copy(mem, article_id, found, NOW)
        if article_id == 4:
            assert mem.execute("SELECT COUNT(*) FROM wire_groups").fetchone()[0] == 2
    assert mem.execute("SELECT COUNT(*) FROM wire_groups").fetchone()[0] == 1
    assert group is not None
    assert wire.wire_group_members(mem, group) == [1, 2, 3, 4, 5]


def test_leaving_the_last_pair_dissolves_the_group(mem) -> None:
    _index(mem, 1, WIRE)
    _index(mem, 2, WIRE)
    group = wire.link_wire_copy(
        mem,
        2,
        minhash.find_near_duplicates(StoryStore(mem), fingerprint_text(WIRE), exclude_article_id=2),
        NOW,
    )
    assert group is not None
    assert wire.link_wire_copy(mem, 2, [], NOW) is None
    assert mem.execute("SELECT COUNT(*) FROM wire_groups").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("text", "title", "credit"),
    [
        ("KARSA (AFP) - Government troops pushed on.", None, "AFP"),
        ("PARIS, March 5 (Reuters) - Shares fell.", None, "Reuters"),
        ("Lisboa, 3 mar (Lusa) - O Governo aprovou.", None, "Lusa"),
        ("Madrid, 3 mar (EFE).- El Gobierno aprobó.", None, "EFE"),
        ("The text of the story.\n\n— Avec AFP", None, "AFP"),
        ("By Jane Doe, Reuters\n\nThe text of the story.", None, "Reuters"),
        (
            "Story.\n\nCopyright 2024 The Associated Press. All rights reserved. This material "
            "may not be published, broadcast, rewritten or redistributed.",
            None,
            "AP",
        ),
        ("Story text here.", "Troops advance - Agence France-Presse", "AFP"),
        ("A quiet day.\n\nAP Photo/Jane Doe", None, None),  # a photo credit only
        ("He told AFP the army had left the town centre by noon on Tuesday.", None, None),
        ("The pa system failed and ap scores fell.", None, None),
    ],
)
def test_detect_credit(text: str, title: str | None, credit: str | None) -> None:
    assert detect_credit(text, title) == credit
