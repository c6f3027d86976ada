"""Number phrases in digits and words, per language, as the casualty extractor reads them."""

from __future__ import annotations

import pytest

from newsmon.facts import load_lexicons
from newsmon.facts.numbers import (
    MAX_FIGURE,
    NumberWords,
    Quantity,
    normalise_digits,
    parse_digits,
    read_quantity,
)

LEXICONS = load_lexicons()


@pytest.mark.parametrize(
    ("text", "mark", "before_scale", "expected"),
    [
        ("14,000", ".", False, 14000),
        ("14 000", ",", False, 14000),
        ("14\u202f000", ",", False, 14000),
        ("14\u00a0000", ",", False, 14000),
        ("14.000", ".", False, 14000),
        ("1,234,567", ".", False, 1234567),
        ("1.234.567", ",", False, 1234567),
        ("16.7", ".", False, 16.7),
        ("16,7", ",", False, 16.7),
        ("1,250", ",", True, 1.25),  # "1,250 millions" in French
        ("1,250", ".", True, 1250),  # "1,250 million" in English
        ("240", ".", False, 240),
        ("1'200", ".", False, 1200),  # Swiss grouping
        ("1’200’000", ".", False, 1_200_000),
        ("14\u2009000", ",", False, 14000),  # thin space
        ("2\u200b40", ".", False, 240),  # a zero-width space inside a number is nothing
        ("١٬٢٠٠", ".", False, 1200),  # Arabic-Indic digits, Arabic thousands separator
        ("۱٬۲۰۰", ".", False, 1200),  # Persian digits
        ("１，２００", ".", False, 1200),  # fullwidth
        ("١٢٫٥", ".", False, 12.5),  # Arabic decimal separator
        ("1" + "0" * 30, ".", False, 10**30),  # exact, not a float
        ("12,5,3", ".", False, None),
        ("", ".", False, None),
        ("abc", ".", False, None),
    ],
)
def test_parse_digits(text: str, mark: str, before_scale: bool, expected: float | None) -> None:
    assert parse_digits(text, mark, before_scale) == expected


def _read(lang: str, phrase: str) -> tuple[Quantity, int] | None:
    words = phrase.lower().replace("-", " ").split()
    return read_quantity(words, 0, LEXICONS.get(lang).numbers)


EXACT = [
    ("en", "two hundred and forty people", 240, 4),
    ("en", "twenty-five civilians", 25, 2),
    ("en", "nineteen", 19, 1),
    ("en", "a hundred and fifty", 150, 4),
    ("en", "two thousand five hundred", 2500, 4),
    ("en", "half a million", 500_000, 3),
    ("en", "a quarter of a million", 250_000, 5),
    ("en", "16.7 million", 16_700_000, 2),
    ("en", "1.5 billion", 1_500_000_000, 2),
    ("en", "one and a half million", 1_500_000, 5),
    ("en", "both victims", 2, 1),
    ("en", "a couple of people", 2, 3),
    ("en", "five and two", 5, 1),  # two numbers, not seven
    ("en", "two three", 2, 1),
    ("fr", "vingt et un", 21, 3),
    ("fr", "dix sept", 17, 2),
    ("fr", "soixante dix sept", 77, 3),
    ("fr", "quatre vingt dix neuf", 99, 4),
    ("fr", "deux cents", 200, 2),
    ("fr", "trois mille deux cents", 3200, 4),
    ("fr", "un demi million", 500_000, 3),
    ("fr", "16,7 millions", 16_700_000, 2),
    ("pt", "cento e vinte e três", 123, 5),
    ("pt", "duzentos e quarenta", 240, 3),
    ("pt", "dois mil e quinhentos", 2500, 4),
    ("pt", "14 mil", 14000, 2),
    ("pt", "meio milhão", 500_000, 2),
    ("pt", "1,5 milhão", 1_500_000, 2),
    ("es", "ciento veintitrés", 123, 2),
    ("es", "treinta y dos", 32, 3),
    ("es", "medio millón", 500_000, 2),
    ("es", "dos mil", 2000, 2),
]


@pytest.mark.parametrize(("lang", "phrase", "value", "used"), EXACT)
def test_exact_numbers(lang: str, phrase: str, value: int, used: int) -> None:
    read = _read(lang, phrase)
    assert read is not None
    qty, n = read
    assert (qty.value, qty.low, qty.high, n) == (value, value, value, used)
    assert not qty.approx and not qty.vague


@pytest.mark.parametrize(
    ("lang", "phrase", "value"),
    [
        ("en", "a dozen", 12),
        ("en", "two dozen", 24),
        ("en", "half a dozen", 6),
        ("fr", "une dizaine", 10),
        ("fr", "une centaine", 100),
        ("fr", "une dizaine de milliers", 10_000),
        ("pt", "uma dezena", 10),
        ("es", "un centenar", 100),
    ],
)
def test_round_figures_are_approximate(lang: str, phrase: str, value: int) -> None:
    read = _read(lang, phrase)
    assert read is not None
    assert read[0].value == value
    assert read[0].approx


@pytest.mark.parametrize(
    ("lang", "phrase", "low"),
    [
        ("en", "dozens", 24),
        ("en", "hundreds", 200),
        ("en", "thousands", 2000),
        ("en", "tens of thousands", 20_000),
        ("en", "hundreds of thousands", 200_000),
        ("en", "several hundred", 300),
        ("en", "a few", 2),
        ("fr", "des dizaines", None),  # "des" is no number: the reader starts at "dizaines"
        ("fr", "dizaines", 20),
        ("fr", "plusieurs centaines", 200),
        ("fr", "dizaines de milliers", 20_000),
        ("pt", "milhares", 2000),
        ("pt", "dezenas de milhares", 20_000),
        ("es", "decenas", 20),
        ("es", "miles", 2000),
    ],
)
def test_vague_figures_have_a_conservative_low(lang: str, phrase: str, low: int | None) -> None:
    read = _read(lang, phrase)
    if low is None:
        assert read is None
        return
    assert read is not None
    qty = read[0]
    assert qty.vague
    assert (qty.value, qty.low, qty.high) == (low, low, None)


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [
        ("en", "a man"),
        ("en", "the"),
        ("en", "dozen"),
        ("en", "2.5 people"),
        ("fr", "le"),
        ("pt", "o"),
    ],
)
def test_words_that_are_no_number(lang: str, phrase: str) -> None:
    assert _read(lang, phrase) is None


def test_reading_starts_where_asked() -> None:
    words = ["police", "said", "two", "men", "were", "killed"]
    read = read_quantity(words, 2, LEXICONS.get("en").numbers)
    assert read is not None and read[0].value == 2 and read[1] == 1
    assert read_quantity(words, len(words), LEXICONS.get("en").numbers) is None


def test_number_words_know_their_first_words_and_longest_entry() -> None:
    words = NumberWords(
        words={"quatre vingt": 80, "un": 1}, scales={"cent": 100}, articles=frozenset({"un"})
    )
    assert {"quatre", "un", "cent"} <= words.first_words
    assert words.longest == 2


def test_long_numbers_are_exact_ints() -> None:
    value = parse_digits("1" + "0" * 30)
    assert isinstance(value, int) and value == 10**30
    assert parse_digits("123456789012345678901234567890") == 123456789012345678901234567890


@pytest.mark.parametrize(
    "text",
    ["10000000000000000000", "1" + "0" * 30, "10,000,000,001", "20 billion"],
)
def test_figures_beyond_any_population_are_no_head_count(text: str) -> None:
    assert _read("en", text) is None


def test_the_largest_plausible_figure_is_read() -> None:
    read = _read("en", "8 billion")
    assert read is not None and read[0].value == 8_000_000_000 <= MAX_FIGURE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("injured ١٬٢٠٠", "injured 1,200"),
        ("۱۴ نفر", "14 نفر"),
        ("１，２００ people", "1,200 people"),
        ("2\u200c40", "2\u200b40"),
        ("l’armée", "l’armée"),  # words are left alone
        ("plain ascii 14,000", "plain ascii 14,000"),
    ],
)
def test_normalised_digits_keep_every_offset(text: str, expected: str) -> None:
    out = normalise_digits(text)
    assert out == expected
    assert len(out) == len(text)
