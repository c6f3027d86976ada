import pytest

from newsmon.core.text import normalise_text, sentences
from newsmon.versions.diff import diff_texts, render_text, word_diff

OLD = (
    "Troops entered Karsa on Monday. At least 240 people were killed, according to a "
    "monitoring group. Updated 5 minutes ago. Aid convoys waited at the border."
)
NEW = (
    "Troops entered Karsa on Monday. More than 255 people were killed, according to a "
    "monitoring group. Updated 45 minutes ago. Aid convoys waited at the border. "
    "Some 14,000 residents have been displaced."
)


def test_edit_is_aligned_by_sentence_with_word_changes():
    diff = diff_texts(OLD, NEW, "Karsa offensive", "Karsa offensive")
    ops = [c.op for c in diff.changes]
    assert ops == ["equal", "edit", "equal", "insert"]
    edit = diff.changes[1]
    assert ["-", "At least 240"] in edit.words and ["+", "More than 255"] in edit.words
    assert diff.changes[3].new == ["Some 14,000 residents have been displaced."]
    assert diff.summary() == "1 sentence edited, 1 sentence added"
    assert diff.title is None


def test_volatile_lines_never_show_as_changes():
    diff = diff_texts(OLD, OLD.replace("5 minutes", "50 minutes"))
    assert not diff.changed


def test_headline_change_is_reported():
    diff = diff_texts(OLD, OLD, "240 killed in Karsa", "255 killed in Karsa")
    assert diff.changed and diff.title == ("240 killed in Karsa", "255 killed in Karsa")
    assert "headline changed" in diff.summary()


def test_render_marks_removed_and_added_words():
    text = render_text(diff_texts(OLD, NEW))
    assert "[-At least 240-]" in text and "{+More than 255+}" in text


def test_word_diff_keeps_grouped_numbers_whole():
    assert ["+", "14,000"] in word_diff("about 9,000 displaced", "about 14,000 displaced")


@pytest.mark.parametrize(
    "line",
    [
        "Updated 5 minutes ago",
        "Last updated: 2 hours ago",
        "Published 3 hours ago",
        "12 comments",
        "Read more: Karsa offensive explained",
        "il y a 5 minutes",
        "há 3 horas",
        "Share this article",
    ],
)
def test_volatile_furniture_is_ignored_by_normalisation(line):
    assert normalise_text(f"The story.\n{line}") == normalise_text("The story.")


def test_normalisation_ignores_spacing_and_case_but_not_numbers():
    assert normalise_text("At  least 240\tkilled.") == normalise_text("at least 240 killed.")
    assert normalise_text("At least 240 killed.") != normalise_text("At least 255 killed.")


def test_sentences_respect_abbreviations():
    assert sentences("Mr. Smith spoke to the U.N. on Monday. Then he left.") == [
        "Mr. Smith spoke to the U.N. on Monday.",
        "Then he left.",
    ]
