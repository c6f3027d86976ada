"""Read head counts written in digits or words: "14,000", "14 000", "16.7 million", "a dozen".

The reader works on a list of lower-cased word tokens (as produced by ``facts``) and a
``NumberWords`` table built from a language's lexicon file, so French, Portuguese and Spanish
number words plug in without code. It returns a ``Quantity`` and how many tokens it used.

Digits are read as people write them: ``normalise_digits`` turns Arabic-Indic (١٬٢٠٠),
Persian (۱٬۲۰۰), fullwidth (１，２００) and other Unicode digits and separators into ASCII
without moving any character, so evidence spans still point into the original text; an
apostrophe ("1'200"), a thin or narrow space groups thousands; a zero-width space inside a
number ("2\u200b40") is ignored. Values are exact integers (never floats on the way), and a
figure above ``MAX_FIGURE`` is no head count at all.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TypeVar

# More people than are alive: a larger "figure" is a typo, an identifier or an attack on the
# store (SQLite's INTEGER ends at 2**63 - 1). Refused as a head count, never truncated.
MAX_FIGURE = 10_000_000_000

# Zero-width characters: ignored inside a number ("2\u200b40" is 240).
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
# Group separators besides "," and ".": spaces (plain, no-break, narrow, thin, figure,
# punctuation), apostrophes ("1'200", Swiss style) and zero-width characters.
_GROUP_SEPARATORS = " \u00a0\u202f\u2009\u2007\u2008'’ʼ" + ZERO_WIDTH
_DIGITS_RE = re.compile(rf"^\d[\d.,{_GROUP_SEPARATORS}]*$")
_GROUPED_RE = re.compile(rf"^\d{{1,3}}(?:([.,{_GROUP_SEPARATORS}])\d{{3}})(?:\1\d{{3}})*$")
_SPACES = str.maketrans("", "", _GROUP_SEPARATORS)
# Separators of other scripts, each replaced by one ASCII character of the same role.
_SEPARATORS = {
    "\u066c": ",",  # ARABIC THOUSANDS SEPARATOR (Arabic, Persian)
    "\u066b": ".",  # ARABIC DECIMAL SEPARATOR
    "\uff0c": ",",  # FULLWIDTH COMMA
    "\uff0e": ".",  # FULLWIDTH FULL STOP
    "\u2009": "\u202f",  # THIN SPACE: a narrow space, as French typesetting uses
    "\u2007": "\u202f",  # FIGURE SPACE
    "\u2008": "\u202f",  # PUNCTUATION SPACE
    "\u200c": "\u200b",  # zero-width characters: one of them, ignored inside numbers
    "\u200d": "\u200b",
    "\u2060": "\u200b",
    "\ufeff": "\u200b",
}


def normalise_digits(text: str) -> str:
    """Return ``text`` with Unicode digits and number separators in ASCII, same length.

    Every character maps to exactly one character, so offsets into the result are offsets
    into ``text``. Zero-width characters all become U+200B; they and apostrophes are
    separators only between digits, which the tokenizer decides.
    """
    if text.isascii():
        return text
    table: dict[int, str] = {}
    for ch in set(text):
        if ch.isascii():
            continue
        digit = unicodedata.decimal(ch, None)
        if digit is not None:
            table[ord(ch)] = str(digit)
        elif ch in _SEPARATORS:
            table[ord(ch)] = _SEPARATORS[ch]
    return text.translate(table) if table else text


@dataclass(frozen=True)
class Quantity:
    """A number phrase: ``value`` is the best figure, ``low``/``high`` the bounds it implies."""

    value: int
    low: int | None
    high: int | None
    approx: bool = False  # "a dozen", "une dizaine": a round figure, qualifier "about"
    vague: bool = False  # "dozens", "hundreds": ``value`` is the conservative low


@dataclass(frozen=True)
class NumberWords:
    """One language's number vocabulary, from the ``[numbers]`` table of a lexicon file."""

    words: dict[str, int] = field(default_factory=dict)
    scales: dict[str, int] = field(default_factory=dict)
    fractions: dict[str, float] = field(default_factory=dict)
    approximate: dict[str, int] = field(default_factory=dict)
    vague: dict[str, int] = field(default_factory=dict)
    vague_scales: dict[str, int] = field(default_factory=dict)
    connectors: frozenset[str] = frozenset()
    articles: frozenset[str] = frozenset()
    of: frozenset[str] = frozenset()
    decimal_mark: str = "."

    first_words: frozenset[str] = field(init=False)  # a number phrase may start with these
    longest: int = field(init=False)  # most tokens one number word spans ("quatre vingt": 2)

    def __post_init__(self) -> None:
        tables = (self.words, self.scales, self.approximate, self.vague, self.vague_scales)
        firsts = {w.split()[0] for t in tables[:4] for w in t} | self.articles | set(self.fractions)
        object.__setattr__(self, "first_words", frozenset(firsts))
        longest = max((len(w.split()) for t in tables for w in t), default=1)
        object.__setattr__(self, "longest", longest)


def parse_digits(
    text: str, decimal_mark: str = ".", before_scale: bool = False
) -> int | float | None:
    """Read "14,000", "14 000", "14.000", "1'200", "16.7" or "16,7" as a number.

    A separator followed by exactly three digits groups thousands, except right before a
    scale word in a language whose decimal mark it is ("1,250 millions" in French). Whole
    numbers come back as exact ints, however long; others as floats.
    """
    value = read_digits(text, decimal_mark, before_scale)
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def read_digits(text: str, decimal_mark: str = ".", before_scale: bool = False) -> Decimal | None:
    """Read a number in digits exactly (``parse_digits`` without the float)."""
    text = normalise_digits(text.strip())
    if not _DIGITS_RE.match(text):
        return None
    grouped = _GROUPED_RE.match(text)
    if grouped and not (
        before_scale and grouped.group(1) == decimal_mark and text.count(decimal_mark) == 1
    ):
        return Decimal(text.translate(_SPACES).replace(",", "").replace(".", ""))
    compact = text.translate(_SPACES)
    if compact.count(",") + compact.count(".") > 1:
        return None
    try:
        return Decimal(compact.replace(",", "."))
    except InvalidOperation:
        return None


_V = TypeVar("_V")


def _lookup(
    words: Sequence[str], i: int, table: Mapping[str, _V], longest: int
) -> tuple[_V, int] | None:
    """Return (entry, tokens used) for the longest key of ``table`` starting at ``words[i]``."""
    for size in range(min(longest, len(words) - i), 0, -1):
        key = " ".join(words[i : i + size]) if size > 1 else words[i]
        if key in table:
            return table[key], size
    return None


def read_quantity(words: Sequence[str], i: int, nw: NumberWords) -> tuple[Quantity, int] | None:
    """Read the number phrase starting at ``words[i]``; return it and the tokens it used.

    A phrase worth more than ``MAX_FIGURE`` is no head count: None.
    """
    read = _read_quantity(words, i, nw)
    if read is None or read[0].value > MAX_FIGURE:
        return None
    return read


def _read_quantity(words: Sequence[str], i: int, nw: NumberWords) -> tuple[Quantity, int] | None:
    n = len(words)
    if i >= n:
        return None
    longest = nw.longest
    vague = _lookup(words, i, nw.vague, longest)
    if vague is not None:
        return _read_vague(words, i, nw, vague[0], vague[1])
    word = words[i]
    if word[:1].isdigit():
        return _read_digits(words, i, nw)
    if word in nw.articles and i + 1 < n:
        following = words[i + 1]
        if following in nw.fractions:
            return _read_fraction(words, i + 1, nw, offset=1)
        approx = _lookup(words, i + 1, nw.approximate, longest)
        if approx is not None:  # "a dozen", "une dizaine (de milliers)"
            value, end = _times_vague_scale(words, i + 1 + approx[1], nw, approx[0])
            return Quantity(value, None, None, approx=True), end - i
        if _scale_at(words, i + 1, nw):
            read = _read_words(words, i + 1, nw)  # "a hundred and fifty"
            return (read[0], read[1] + 1) if read else None
        if _lookup(words, i, nw.words, longest) is None:
            return None  # "a man": an article, not a number ("a couple" is one)
    if word in nw.fractions:
        return _read_fraction(words, i, nw)
    return _read_words(words, i, nw)


def _scale_at(words: Sequence[str], j: int, nw: NumberWords) -> tuple[int, int] | None:
    found = _lookup(words, j, nw.scales, nw.longest) if j < len(words) else None
    return found


def _read_vague(
    words: Sequence[str], i: int, nw: NumberWords, low: int, used: int
) -> tuple[Quantity, int]:
    j = i + used
    second = _lookup(words, j, nw.vague, nw.longest) if j < len(words) else None
    if second is not None:  # "plusieurs centaines", "várias dezenas"
        low = max(low, second[0])
        j += second[1]
    scale = _scale_at(words, j, nw)
    if scale is not None:  # "several hundred", "plusieurs milliers"
        low *= scale[0]
        j += scale[1]
    elif j + 1 < len(words) and words[j] in nw.of and words[j + 1] in nw.vague_scales:
        low *= nw.vague_scales[words[j + 1]]  # "tens of thousands", "des dizaines de milliers"
        j += 2
    return Quantity(low, low, None, vague=True), j - i


def _read_digits(words: Sequence[str], i: int, nw: NumberWords) -> tuple[Quantity, int] | None:
    scale = _scale_at(words, i + 1, nw)
    number = read_digits(words[i], nw.decimal_mark, before_scale=scale is not None)
    if number is None:
        return None
    j = i + 1
    if scale is not None:
        number *= scale[0]
        j += scale[1]
        rest = _units_after_scale(words, j, scale[0])
        if rest is not None:  # "31 mil 522" (Mexican press): 31,522
            number += rest
            j += 1
    elif number != number.to_integral_value():
        return None  # "2.5 people" is not a head count
    value = int(number.to_integral_value())
    return Quantity(value, value, value), j - i


def _units_after_scale(words: Sequence[str], j: int, scale: int) -> int | None:
    """Return the digits that finish a figure after its scale word: "mil 522", "tres mil 160"."""
    if scale < 1000 or j >= len(words):
        return None
    word = words[j]
    if not (word.isdigit() and len(word) <= 3) or int(word) >= scale:
        return None
    if j + 1 < len(words) and words[j + 1][:1].isdigit():
        return None
    return int(word)


def _read_fraction(
    words: Sequence[str], i: int, nw: NumberWords, offset: int = 0
) -> tuple[Quantity, int] | None:
    """Read "half a million", "quarter of a million", "half a dozen", "meio milhão"."""
    fraction = nw.fractions[words[i]]
    j = i + 1
    while j < len(words) and (words[j] in nw.articles or words[j] in nw.of):
        j += 1
    scale = _scale_at(words, j, nw)
    if scale is not None:
        value = round(fraction * scale[0])
        return Quantity(value, value, value), j + scale[1] - i + offset
    approx = _lookup(words, j, nw.approximate, nw.longest) if j < len(words) else None
    if approx is not None:
        value = round(fraction * approx[0])
        value, end = _times_vague_scale(words, j + approx[1], nw, value)
        return Quantity(value, None, None, approx=True), end - i + offset
    return None


def _times_vague_scale(
    words: Sequence[str], j: int, nw: NumberWords, value: int
) -> tuple[int, int]:
    """Multiply "une dizaine de milliers" by the plural scale after "de"/"of"."""
    if j + 1 < len(words) and words[j] in nw.of and words[j + 1] in nw.vague_scales:
        return value * nw.vague_scales[words[j + 1]], j + 2
    return value, j


def _read_words(words: Sequence[str], i: int, nw: NumberWords) -> tuple[Quantity, int] | None:
    """Read "two hundred and forty", "vingt et un", "one and a half million", "two dozen"."""
    total = 0.0
    current = 0.0
    last_added: float | None = None  # the last unit or scale read, to refuse "two three"
    last_scale = 0
    j = end = i
    n = len(words)
    longest = nw.longest
    while j < n:
        if end > i and words[j] in nw.connectors:
            k = j + 1
            if k < n and words[k] in nw.articles:
                k += 1
            if k < n and words[k] in nw.fractions:
                fraction = nw.fractions[words[k]]
                if last_scale >= 1000 and current == 0:  # "un million et demi"
                    total += fraction * last_scale
                else:  # "one and a half million"
                    current += fraction
                j = end = k + 1
                last_added = fraction
                continue
            following = _lookup(words, j + 1, nw.words, longest) if j + 1 < n else None
            if following is None or last_added is None:
                break
            # "two hundred and forty", "vingt et un", "cento e vinte"; never "five and two".
            if not (last_scale and last_added == last_scale) and not (
                last_added >= 20 and last_added % 10 == 0 and following[0] < last_added
            ):
                break
            j += 1
            continue
        unit = _lookup(words, j, nw.words, longest)
        if unit is not None:
            value = unit[0]
            after_scale = bool(last_scale) and last_added == last_scale
            if (
                last_added is not None
                and not after_scale
                and (value >= last_added or last_added < 10)
            ):
                break
            current += value
            last_added = value
            j = end = j + unit[1]
            continue
        scale = _scale_at(words, j, nw)
        if scale is not None:
            factor = scale[0]
            if last_added is not None and last_scale and factor >= last_scale and current == 0:
                break  # "thousand million" is not how anyone writes a toll
            if factor < 1000:
                current = (current or 1) * factor
            else:
                total += (current or 1) * factor
                current = 0
            last_added = factor
            last_scale = factor
            j = end = j + scale[1]
            rest = _units_after_scale(words, j, factor) if current == 0 else None
            if rest is not None:  # "tres mil 160"
                total += rest
                j = end = j + 1
                break
            continue
        approx_word = _lookup(words, j, nw.approximate, longest) if end > i else None
        if approx_word is not None:  # "une dizaine", "two dozen"
            value = round(((total + current) or 1) * approx_word[0])
            value, stop = _times_vague_scale(words, j + approx_word[1], nw, value)
            return Quantity(value, None, None, approx=True), stop - i
        break
    if end == i:
        return None
    value = round(total + current)
    return Quantity(value, value, value), end - i
