"""Sentences, tokens and tags: a sentence becomes a list of tagged tokens.

Tags, one character per token (``debug_tags`` shows them, for lexicon work):
    N number  U number that is no head count  Q qualifier ("at least")  a article  d determiner
    P people noun  j modifier  y age ("24-year-old")  H pronoun  C capitalised name  o "of"
    Z "no"/"no one"  G negation  & "and"  A auxiliary  R adverb  v reporting verb ("said")
    @ "according to"  T trigger after its subject (or before its object when ``active``)
    X trigger before its object only  W state ("in critical condition")  D toll ("death toll")
    S sub-count marker ("including")  t time word  u unit word  , ; . punctuation  w other

Phrases from the lexicon are merged into one token (longest match wins); number phrases are
read by ``numbers``; numbers that count no one (ages, years, dates, times, money,
percentages, scores, addresses, identifiers, measures) are demoted.
"""

from __future__ import annotations

import re

from newsmon.facts.lexicon import Entry, Lexicon, split_elision
from newsmon.facts.numbers import Quantity, read_quantity

# A full stop between a lower-case letter and a capitalised word ends a sentence even without a
# space (scraped text: "laid to rest.Kwame El-Amin, 42, was").
_SENTENCE_END_RE = re.compile(r"[.!?…]+(?:[\"'”’»)\]]*\s+|(?=[A-Z][a-z]))|\n\s*")
_LAST_WORD_RE = re.compile(r"(?:^|[\s(\"'“])((?:[^\W\d_]\.)+[^\W\d_]?|[^\W\d_]+)\.$")
WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


def sentences(text: str, lex: Lexicon) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans at final punctuation and line breaks."""
    spans = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        end = match.end()
        mark = match.group()
        # No space after the stop: only "rest.Kwame", a lower-case letter before it.
        if mark[-1] in ".!?…" and match.start() > 0 and not text[match.start() - 1].islower():
            continue
        if mark[0] == "." and "\n" not in mark:
            following = text[end : end + 1]
            if following.islower():
                continue
            last = _LAST_WORD_RE.search(text, max(start, match.start() - 20), match.start() + 1)
            if last is not None:
                word = last.group(1).lower()
                if word in lex.abbreviations or (len(word) == 1 and following.isupper()):
                    continue  # "Sgt. Smith", "John F. Kennedy"
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


_TOKEN_PATTERN = r"""
    (?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*['’]?)
  | (?=[\d(])(?:
      (?P<special>
        \(?\b\d{3}\)?[ .-]\d{3}-\d{4}\b                         # phone numbers
      | \b1-\d{3}-\d{3}-\d{4}\b
      | \b\d{1,2}[:h]\d{2}\b                                    # times: 10:30, 10h30
      | \b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b                     # dates: 12/01/2014
      | \b\d+(?:st|nd|rd|th|er|e|ème|eme|º|ª|°)(?![^\W\d_])     # ordinals: 17th, 2e
      | \b\d+(?:[.,]\d+)?(?:mm|cm|km|kg|m|s|am|pm|k)\b          # measures: 9mm, 6pm
      )
    | (?P<num>
        (?<![\d.,])\d{1,3}(?:(?:[,.\u00a0\u202f'’ʼ\u200b]|\ (?=\d{3}\b))\d{3})+(?:[.,]\d+)?(?!\d)
      | \d(?:\u200b?\d)*(?:[.,]\d+)?
      )
    )
  | (?P<punct>[^\w\s])
"""
_TOKEN_RE = re.compile(_TOKEN_PATTERN, re.VERBOSE)
# Only for a sentence that holds a web address: the URL pattern is slow to try everywhere.
_URL_TOKEN_RE = re.compile(
    r"(?P<url>(?:https?://|www\.)\S+|[\w/.-]+\.(?:html?|php|aspx?)\b) | " + _TOKEN_PATTERN,
    re.VERBOSE,
)
_URL_HINTS = ("://", "www.", ".htm", ".php", ".asp")
_STRONG_PUNCT = frozenset(";:[]")
# Around an inserted phrase they read as commas: "At least 15 people - including 11 children -
# were killed", "(including 11 children)".
_INSERT_PUNCT = frozenset("()—–-‐")
_CURRENCY_SIGNS = frozenset("$€£¥₹")
_QUOTES = frozenset("\"“”«»'‘’")
_DIGIT_ORDINAL_RE = re.compile(r"(\d{1,3})(?:st|nd|rd|th|º|ª|°|e|ème|eme|er|re)$")
_HYPHENS = frozenset("-‐‑–")  # an en dash between two words joins them: "20–year–old"


class Tok:
    """One token of a sentence. Defaults live on the class: most tokens keep them all."""

    tag: str = "w"
    kind: str | None = None
    active: bool = False
    self_: bool = False
    qty: Quantity | None = None  # a number's value; an ordinal's rank
    qual: str | None = None
    who: str | None = None
    plural: bool = False
    aux: str | None = None
    mark: str | None = None  # forecast, taking or reach (see lexicon.Entry)
    glued: bool = False  # joined to the previous token by a hyphen ("24-year-old")
    other: bool = False  # "others", "another": people not counted yet
    first: bool = False  # the first word of its sentence

    def __init__(
        self, start: int, end: int, low: str, raw: str, tag: str = "w", glued: bool = False
    ) -> None:
        self.start = start  # character offsets in the whole text
        self.end = end
        self.low = low  # lower-cased words of the token, space-separated
        self.raw = raw
        self.tag = tag
        if glued:
            self.glued = True


def raw_tokens(text: str, start: int, end: int, lex: Lexicon) -> list[Tok]:
    """Split one sentence into words, numbers and punctuation (hyphens become ``glued``)."""
    toks: list[Tok] = []
    glue = False
    elisions = lex.elisions
    sentence = text[start:end]
    pattern = _URL_TOKEN_RE if any(hint in sentence for hint in _URL_HINTS) else _TOKEN_RE
    for m in pattern.finditer(text, start, end):
        group = m.lastgroup
        raw = m.group()
        a, b = m.span()
        if group == "word":
            low = raw.lower()
            if "'" in low or "’" in low:
                low = low.replace("’", "'")
                if elisions:
                    for piece in split_elision(low, elisions):
                        toks.append(
                            Tok(a, a + len(piece), piece, text[a : a + len(piece)], glued=glue)
                        )
                        a += len(piece)
                        glue = False
                    continue
            toks.append(Tok(a, b, low, raw, glued=glue))
        elif group == "punct":
            if raw in _HYPHENS and toks and a == toks[-1].end and text[b : b + 1].isalnum():
                glue = True
                continue
            if raw in _HYPHENS and toks and a == toks[-1].end and toks[-1].tag == "n":
                toks[-1].aux = "suspended"  # "12- and 10-year-old": the hyphen waits for "year"
                continue
            if raw == "%":
                toks.append(Tok(a, b, raw, raw, glued=glue))  # a word: "40 %" is a percentage
            elif raw not in _QUOTES:
                # A hyphen is a dash only between spaces: "an 8- and 9-year-old" is not.
                dash = raw in _INSERT_PUNCT and (
                    raw != "-" or (text[a - 1 : a].isspace() and text[b : b + 1].isspace())
                )
                tag = "," if raw == "," or dash else (";" if raw in _STRONG_PUNCT else ".")
                tok = Tok(a, b, raw, raw, tag)
                if dash:
                    tok.aux = "dash"  # never joins a list: "CHICAGO — A man was shot"
                toks.append(tok)
        elif group == "num":
            # A number hyphenated to a word names something: "I-43", "F-16".
            tag = "U" if glue and toks and toks[-1].tag == "w" else "n"
            toks.append(Tok(a, b, raw, raw, tag, glued=glue))
        else:
            toks.append(Tok(a, b, raw.lower(), raw, "U", glued=glue))
        glue = False
    return toks


def tag_tokens(toks: list[Tok], lex: Lexicon) -> list[Tok]:
    """Merge phrases and number phrases into single tokens and tag them."""
    words = [t.low for t in toks]
    first_words = lex.numbers.first_words
    title_case = _is_title_case(toks, lex)
    out: list[Tok] = []
    i = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        if t.tag not in "wn":
            out.append(t)
            i += 1
            continue
        number = None
        if t.low in lex.range_between:
            number = _read_between(toks, words, i, lex)
        if number is None and (t.low[:1].isdigit() or t.low in first_words):
            number = _read_number(toks, words, i, lex)
        phrase = _match_phrase(words, i, lex) if t.low in lex.first_sizes else None
        if number is not None and (phrase is None or number[1] >= phrase[1]):
            merged = _merge(toks, i, number[1])
            merged.tag = "N"
            merged.qty = number[0]
            out.append(merged)
            i += number[1]
        elif phrase is not None:
            entry, used = phrase
            merged = _merge(toks, i, used)
            merged.tag = entry.tag
            merged.kind = entry.kind
            merged.active = entry.active
            merged.self_ = entry.self_
            merged.qual = entry.qual
            merged.who = entry.who
            merged.plural = entry.plural
            merged.aux = entry.aux
            merged.mark = entry.mark
            merged.other = merged.low in lex.additive
            ordinal = lex.ordinals.get(merged.low) if entry.tag == "j" else None
            if ordinal is not None:
                merged.qty = Quantity(ordinal, ordinal, None)
            elif entry.count is not None:
                merged.qty = Quantity(entry.count, entry.count, entry.count)
            out.append(merged)
            i += used
        else:
            _tag_plain(t, lex, title_case)
            out.append(t)
            i += 1
    for t in out:
        if t.tag not in ",;.":
            t.first = True
            break
    for k, t in enumerate(out[:-1]):
        rank = _DIGIT_ORDINAL_RE.match(t.low) if t.tag == "U" else None
        if rank is not None and out[k + 1].tag == "P":
            value = int(rank.group(1))
            t.tag, t.qty = "j", Quantity(value, value, None)  # "5th person dies"
    _places(out, lex)
    _demote_numbers(out, lex)
    return [t for t in out if t.tag != "x"]


def _places(toks: list[Tok], lex: Lexicon) -> None:
    """Untag names after a preposition of place: "in Kyiv", "à Paris", "em São Paulo".

    A capitalised auxiliary before a name is a first name: "Will Kramer", "May Evans".
    """
    for i, t in enumerate(toks[:-1]):
        if t.tag == "A" and " " not in t.low and t.raw[:1].isupper() and toks[i + 1].tag == "C":
            t.tag, t.mark = "C", None
    inside = False
    for i, t in enumerate(toks):
        if t.tag == "C" and (inside or (i > 0 and toks[i - 1].low in lex.place_prepositions)):
            t.tag, t.aux = "w", "place"
            inside = True
        else:
            inside = False


def _tag_plain(t: Tok, lex: Lexicon, title_case: bool) -> None:
    """Tag a token no lexicon phrase claimed: possessive, unread number, name or word."""
    if t.tag == "n":
        t.tag = "U"  # a number that is no head count ("2.5")
    elif t.low.endswith(("'s", "s'")) and len(t.low) > 3:
        owner = lex.phrases.get((t.low[:-2] if t.low.endswith("'s") else t.low[:-1],))
        if owner is not None and owner.tag == "P":
            t.tag, t.who, t.aux = "P", owner.who, "possessive"  # "the teen's death"
        elif t.raw[:1].isupper() and not title_case:
            t.tag, t.aux = "C", "possessive"  # "Morgan's death"
    elif t.low in lex.object_markers:
        t.aux = "object"  # Spanish "a" before a human object: "mató a su esposa"
    elif t.low in lex.function_words or t.low in lex.place_prepositions:
        if t.low in lex.agent_words:
            t.aux = "agent"
        else:
            t.aux = "prep" if t.low in lex.place_prepositions else "function"
    elif t.raw[:1].isupper() and not title_case:
        t.tag = "C"


def _is_title_case(toks: list[Tok], lex: Lexicon) -> bool:
    """Say whether this is a Title Case Headline, where capitals mark no names.

    Judged on known words ("Girl Killed In Hunting Accident"), not on names: "Melina Haze
    Torres, 7, of Quincy, died Friday" is a plain sentence.
    """
    capitals = total = 0
    for t in toks[1:]:
        if (
            t.tag == "w"
            and len(t.low) > 3
            and t.low in lex.first_sizes
            and t.low not in lex.time_words
        ):
            total += 1
            capitals += t.raw[0].isupper()
    return total >= 2 and capitals >= 0.6 * total


def _merge(toks: list[Tok], i: int, used: int) -> Tok:
    if used == 1:
        return toks[i]
    first, last = toks[i], toks[i + used - 1]
    low = " ".join(t.low for t in toks[i : i + used])
    raw = " ".join(t.raw for t in toks[i : i + used])
    return Tok(first.start, last.end, low, raw, glued=first.glued)


def _match_phrase(words: list[str], i: int, lex: Lexicon) -> tuple[Entry, int] | None:
    room = len(words) - i
    for size in lex.first_sizes.get(words[i], ()):
        if size <= room:
            entry = lex.phrases.get((words[i],) if size == 1 else tuple(words[i : i + size]))
            if entry is not None:
                return entry, size
    return None


def _read_number(
    toks: list[Tok], words: list[str], i: int, lex: Lexicon
) -> tuple[Quantity, int] | None:
    """Read a number phrase, with "20 to 30", "20-30" and "from 240 to 255"."""
    read = read_quantity(words, i, lex.numbers)
    if read is None:
        return None
    qty, used = read
    if any(t.tag not in "wn" for t in toks[i : i + used]):
        return None  # a number phrase holds words and numbers only, never "5, 000"
    j = i + used
    if j + 1 < len(toks) and words[j] in lex.range_to:
        second = read_quantity(words, j + 1, lex.numbers)
        if second is not None and second[0].value > qty.value:
            if i > 0 and words[i - 1] in lex.change_from:
                return second[0], used + 1 + second[1]  # "rose from 240 to 255": the new figure
            return _range(qty, second[0]), used + 1 + second[1]
    if j < len(toks) and toks[j].glued and toks[j].tag == "n":
        second = read_quantity(words, j, lex.numbers)
        if second is not None and second[0].value > qty.value:
            return _range(qty, second[0]), used + second[1]  # "20-30 people"
    return qty, used


def _read_between(
    toks: list[Tok], words: list[str], i: int, lex: Lexicon
) -> tuple[Quantity, int] | None:
    """Read "between 20 and 30" as one range."""
    first = read_quantity(words, i + 1, lex.numbers)
    if first is None:
        return None
    j = i + 1 + first[1]
    if j >= len(words) or words[j] not in lex.range_and:
        return None
    second = read_quantity(words, j + 1, lex.numbers)
    if second is None or second[0].value <= first[0].value:
        return None
    used = j + 1 + second[1] - i
    if any(t.tag not in "wn" for t in toks[i : i + used]):
        return None
    return _range(first[0], second[0]), used


def _range(a: Quantity, b: Quantity) -> Quantity:
    return Quantity(a.value, a.value, b.value, approx=True)


def _demote_numbers(toks: list[Tok], lex: Lexicon) -> None:
    """Tag ages "y" and other numbers that count no one "U"; settle "her" (pronoun or not)."""
    n = len(toks)
    for i, t in enumerate(toks):
        if t.tag == "d" and t.low in lex.pronouns:
            if i + 1 == n or toks[i + 1].tag not in "PjyNC":
                t.tag = "H"  # "shot her", not "her husband"
        elif t.tag == "N":
            _demote_number(toks, i, lex)
    # "ages 13, 17 and 19", "two men, 24 and 31,": every number of an age list is an age.
    for i, t in enumerate(toks):
        after_of = i > 1 and toks[i - 1].tag == "o" and toks[i - 2].low in lex.age_before
        if t.tag == "U" and (
            t.aux == "age" or (i > 0 and toks[i - 1].low in lex.age_before) or after_of
        ):
            t.aux = "age"
            # "ages" is part of the apposition: "Two children, ages 3 and 5,", "the ages of 11"
            if i > 0 and toks[i - 1].low in lex.age_before:
                toks[i - 1].aux = "age"
            elif after_of:
                toks[i - 2].aux = "age"
            k = i + 1
            while k + 1 < n and toks[k].tag in ",&" and toks[k + 1].tag in "NU":
                toks[k + 1].tag, toks[k + 1].aux = "U", "age"
                k += 2
    # "his 12- and 10-year-old sons", "enfants de 3 et 5 ans": a number joined to an age is one.
    for i in range(n - 3, -1, -1):
        t = toks[i]
        if (
            t.tag == "N"
            and toks[i + 1].tag == "&"
            and toks[i + 2].tag == "y"
            and (t.aux == "suspended" or (i > 0 and toks[i - 1].tag == "o"))
            and t.low.isdigit()
            and int(t.low) < 120
        ):
            t.tag = "y"
            if t.aux != "suspended":  # "de 3 et 5 ans": one age phrase after "de"
                t.end = toks[i + 2].end
                toks[i + 1].tag = toks[i + 2].tag = "x"


def _demote_number(toks: list[Tok], i: int, lex: Lexicon) -> None:
    t = toks[i]
    n = len(toks)
    prev = toks[i - 1] if i > 0 else None
    prev2 = toks[i - 2] if i > 1 else None
    nxt = toks[i + 1] if i + 1 < n else None
    if nxt is not None:
        two = nxt.low + " " + toks[i + 2].low if i + 2 < n else ""
        if nxt.low in lex.age_after or two in lex.age_after:
            last = i + 1 if nxt.low in lex.age_after else i + 2
            t.tag, t.end = "y", toks[last].end  # "a 24-year-old", "un homme de 24 ans"
            for k in range(i + 1, last + 1):
                toks[k].tag = "x"
                t.low += " " + toks[k].low  # "25 anos": scope markers read "há {num} anos"
            return
        if nxt.glued or nxt.tag in "uU" or (nxt.tag == "t" and nxt.aux == "month"):
            t.tag = "U"  # "1,200-page", "3-1", "5 years", "5 percent", "12 January"
            return
    if t.glued and prev is not None and prev.tag == "U" and prev.qty is not None:
        t.tag = "U"  # the second number of "52-48"
        return
    if prev is not None and (
        prev.raw in _CURRENCY_SIGNS
        or prev.low in lex.age_before
        or (prev.tag == "o" and prev2 is not None and prev2.low in lex.age_before)
        or prev.low in lex.identifiers
        or (prev.tag == "C" and not prev.first)  # "Hubo 12 muertos": a capital opens it
        or (prev.tag == "t" and prev.aux == "month")
        or prev.raw == "May"
    ):
        t.tag = "U"  # "$5", "aged 24", "Route 66", "Channel 4", "Jan 12", "May 5"
        return
    if (
        prev is not None
        and prev2 is not None
        and prev.tag == "."
        and (prev2.low in lex.identifiers or (prev2.tag == "t" and prev2.aux == "month"))
    ):
        t.tag = "U"  # "No. 5", "Jan. 12"
        return
    if prev is not None and nxt is not None and prev.raw == "(" and nxt.raw == ")":
        t.tag = "U"  # "Smith (24)"
        return
    if nxt is not None and nxt.tag == "C":
        for k in range(i + 1, min(i + 5, n)):
            if toks[k].low in lex.street_suffixes:
                t.tag = "U"  # "123 Main Street"
                return
            if toks[k].tag != "C":
                break
    low = t.low
    if (
        low.isdigit()
        and len(low) == 4
        and 1800 <= int(low) <= 2100
        and (nxt is None or nxt.tag != "P")
    ):
        t.tag = "U"  # a year
    elif (
        prev is not None
        and prev2 is not None
        and prev.tag == ","
        and prev2.tag in "CP"
        and low.isdigit()
        and int(low) < 120
        and (nxt is None or nxt.tag not in "PjyTNoQ")
        # "two men, 24 and 31,", but not "Of the 300 passengers, 45 were killed"
        and (prev2.tag == "C" or not prev2.plural or (nxt is not None and nxt.tag in ",&"))
    ):
        t.tag, t.aux = "U", "age"  # "Smith, 24, of Traer"
    elif (
        prev is not None
        and prev.tag == ","
        and nxt is not None
        and nxt.tag == ","
        and i + 2 < n
        and toks[i + 2].tag == "o"
        and low.isdigit()
        and int(low) < 120
    ):
        t.tag, t.aux = "U", "age"  # "..., 11, of Cable, passed away"
    elif (
        prev is not None
        and prev2 is not None
        and prev.tag == "o"
        and (prev2.tag == "C" or (prev2.tag == "P" and not prev2.plural))
        and low.isdigit()
        and int(low) < 120
        and (nxt is None or nxt.tag not in "PjyNo")
    ):
        t.tag, t.aux = "U", "age"  # "a boy of 8", "su madre de 35"
