"""Read head counts written in digits or words: "14,000", "14 000", "16.7 million", "a dozen".

The reader works on a list of lower-cased word tokens (as produced by ``facts``) and a
``NumberWords`` table built from a language's lexicon file, so French, Portuguese and Spanish
number words plug in without code. It returns a ``Quantity`` and how many tokens it used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

_DIGITS_RE = re.compile(r"^\d[\d.,\u00a0\u202f ]*$")
_GROUPED_RE = re.compile(r"^\d{1,3}(?:([.,\u00a0\u202f ])\d{3})(?:\1\d{3})*$")
_SPACES = str.maketrans("", "", " \u00a0\u202f")


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


def parse_digits(text: str, decimal_mark: str = ".", before_scale: bool = False) -> float | None:
    """Read "14,000", "14 000", "14.000", "16.7" or "16,7" as a number.

    A separator followed by exactly three digits groups thousands, except right before a
    scale word in a language whose decimal mark it is ("1,250 millions" in French).
    """
    text = text.strip()
    if not _DIGITS_RE.match(text):
        return None
    grouped = _GROUPED_RE.match(text)
    if grouped and not (
        before_scale and grouped.group(1) == decimal_mark and text.count(decimal_mark) == 1
    ):
        return float(text.translate(_SPACES).replace(",", "").replace(".", ""))
    compact = text.translate(_SPACES)
    if compact.count(",") + compact.count(".") > 1:
        return None
    try:
        return float(compact.replace(",", "."))
    except ValueError:
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
    """Read the number phrase starting at ``words[i]``; return it and the tokens it used."""
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
    number = parse_digits(words[i], nw.decimal_mark, before_scale=scale is not None)
    if number is None:
        return None
    j = i + 1
    if scale is not None:
        number *= scale[0]
        j += scale[1]
    elif number != int(number):
        return None  # "2.5 people" is not a head count
    value = round(number)
    return Quantity(value, value, value), j - i


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
