"""Casualty claims: how many were killed, injured, displaced..., who says so, with the evidence.

Rules over per-language lexicons (config/lexicons/<lang>.toml), in four steps:

1. Sentences. Only a sentence holding a trigger word ("killed", "blessés", "feridos"...) is
   read further; most of an article is skipped with one set test per sentence.
2. Tags. Its tokens are merged into phrases and tagged from the lexicon: number phrases
   ("two hundred and forty", "16.7 million", "une dizaine"), people nouns, auxiliaries,
   triggers... Numbers that are ages, years, times, money, scores or addresses are demoted.
3. Claims. Each trigger is linked to its noun phrase: the subject before it ("two others were
   wounded"), the object after it ("killing 24 civilians"), the figure after a toll noun ("the
   death toll rose to 255"). Coordinated phrases are summed ("a man and his two children" is
   3), so figures told only in words count too. Qualifier, sub-count, scope and source follow.
4. The article. Someone shot and not killed is injured ("two people were shot, one fatally":
   1 killed, 1 injured); the headline figure of a kind is the largest current total in the
   lead, else in the whole text.

Tags, one character per token (``debug_tags`` shows them, for lexicon work):
    N number  U number that is no head count  Q qualifier ("at least")  a article  d determiner
    P people noun  j modifier  y age ("24-year-old")  H pronoun  C capitalised name  o "of"
    Z "no"/"no one"  G negation  & "and"  A auxiliary  R adverb  v reporting verb ("said")
    @ "according to"  T trigger after its subject (or before its object when ``active``)
    X trigger before its object only  W state ("in critical condition")  D toll ("death toll")
    S sub-count marker ("including")  t time word  u unit word  , ; . punctuation  w other
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from newsmon.core.errors import ConfigError
from newsmon.numbers import NumberWords, Quantity, normalise_digits, read_quantity

KINDS = (
    "killed",
    "injured",
    "missing",
    "displaced",
    "evacuated",
    "arrested",
    "kidnapped",
    "affected",
)
QUALIFIERS = ("exact", "at_least", "more_than", "about", "up_to", "vague")
SCOPES = ("current", "cumulative", "historical")
# Read like kinds, never reported: someone shot and not killed is injured; "a fourth was
# wounded" means four victims so far, killed and injured together.
_SHOT = "shot"
_VICTIMS = "victims"
_LEXICON_KINDS = (*KINDS, _SHOT)

DEFAULT_LEXICON_DIR = Path(__file__).resolve().parents[1] / "config" / "lexicons"


@dataclass(frozen=True)
class Claim:
    """One casualty figure found in a text, with its qualifier, scope and evidence."""

    kind: str  # killed|injured|missing|displaced|evacuated|arrested|kidnapped|affected
    value: int | None  # best single figure (the low for at_least/more_than/vague)
    low: int | None
    high: int | None
    qualifier: str  # exact|at_least|more_than|about|up_to|vague
    who: str | None  # people|civilians|children|soldiers|police|... (English)
    attributed_to: str | None  # "the Syrian Observatory for Human Rights", "police"
    scope: str  # current|cumulative|historical
    is_subcount: bool  # part of a larger total in the same text ("including 19 children")
    sentence: str  # the evidence sentence
    span: tuple[int, int]  # character offsets of the figure phrase in the text given
    lang: str
    rule: str = ""  # which rule found it: subject, object, toll, shot_not_killed...

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        data = asdict(self)
        data["span"] = list(self.span)
        return data


# --------------------------------------------------------------------------- lexicons

_LIST, _INTS, _FLOATS, _STRS, _STR = (
    "list of strings",
    "int table",
    "number table",
    "string table",
    "string",
)

_SCHEMA: dict[str, dict[str, str]] = {
    "tokens": {"elisions": _LIST, "abbreviations": _LIST},
    "numbers": {
        "decimal_mark": _STR,
        "connectors": _LIST,
        "articles": _LIST,
        "of": _LIST,
        "range_between": _LIST,
        "range_and": _LIST,
        "range_to": _LIST,
        "range_or": _LIST,
        "change_from": _LIST,
        "units": _LIST,
        "age_before": _LIST,
        "age_after": _LIST,
        "identifiers": _LIST,
        "street_suffixes": _LIST,
        "months": _LIST,
        "weekdays": _LIST,
        "time_after": _LIST,
        "currency": _LIST,
        "percent": _LIST,
        "words": _INTS,
        "ordinals": _INTS,
        "scales": _INTS,
        "fractions": _FLOATS,
        "approximate": _INTS,
        "vague": _INTS,
        "vague_scales": _INTS,
    },
    "grammar": {
        "determiners": _LIST,
        "possessives": _LIST,
        "pronouns": _LIST,
        "group_pronouns": _LIST,
        "modifiers": _LIST,
        "additive": _LIST,
        "passive": _LIST,
        "perfect": _LIST,
        "adverbs": _LIST,
        "relatives": _LIST,
        "negations": _LIST,
        "zero": _LIST,
        "conjunctions": _LIST,
        "partitive": _LIST,
        "agent": _LIST,
        "object_markers": _LIST,
        "function_words": _LIST,
        "subcount": _LIST,
    },
    "qualifiers": {
        "at_least": _LIST,
        "more_than": _LIST,
        "about": _LIST,
        "almost": _LIST,
        "up_to": _LIST,
    },
    "who": {"singular": _STRS, "plural": _STRS},
    "attribution": {"according_to": _LIST, "verbs": _LIST, "common_sources": _LIST, "stop": _LIST},
    "scope": {"cumulative": _LIST, "historical": _LIST},
}
# Trigger roles: after its subject ("2 were killed", "3 dead"), before its object ("killing
# 3"), both ("killed 3", "3 killed"), a state reached through a gap ("was taken to hospital
# in critical condition"), a toll noun ("death toll ... 255"), the agent's own death
# ("killed himself"), a sub-count marker naming its kind ("the dead included"), a noun
# ("3 deaths", "the teen's death", "the death of a boy"), the share of a group just
# counted ("six people were wounded, two fatally": 2 killed, 4 injured).
_KIND_KEYS = {
    "share": _LIST,
    "nouns": _LIST,
    "subcount": _LIST,
    "after": _LIST,
    "before": _LIST,
    "both": _LIST,
    "state": _LIST,
    "toll": _LIST,
    "self": _LIST,
}


@dataclass(frozen=True)
class _Entry:
    """What a lexicon phrase means when it appears in a sentence."""

    tag: str
    kind: str | None = None
    active: bool = False  # a trigger that may take an object after it
    self_: bool = False  # "killed himself"
    qual: str | None = None
    who: str | None = None
    plural: bool = False
    aux: str | None = None  # passive|perfect|possessive|currency|month|...


@dataclass(frozen=True)
class Lexicon:
    """One language's rules: number words, grammar words and trigger phrases."""

    lang: str
    numbers: NumberWords
    phrases: dict[tuple[str, ...], _Entry]
    first_sizes: dict[str, tuple[int, ...]]  # first word of a phrase -> its phrases' lengths
    trigger_words: frozenset[str]  # a sentence without any of these holds no claim
    elisions: frozenset[str]
    abbreviations: frozenset[str]
    ordinals: dict[str, int]
    additive: frozenset[str]
    function_words: frozenset[str]
    agent_words: frozenset[str]
    object_markers: frozenset[str]
    identifiers: frozenset[str]
    street_suffixes: frozenset[str]
    age_before: frozenset[str]
    age_after: frozenset[str]
    time_words: frozenset[str]  # weekdays and months: capitalised in any sentence
    pronouns: frozenset[str]
    determiners: frozenset[str]
    common_sources: frozenset[str]
    attribution_stop: frozenset[str]
    range_between: frozenset[str]
    range_and: frozenset[str]
    range_to: frozenset[str]
    change_from: frozenset[str]
    scope_markers: dict[str, dict[str, list[tuple[str, ...]]]]  # scope -> first word -> markers
    scope_words: dict[str, tuple[frozenset[str], ...]]  # scope -> each marker's plain words


class Lexicons:
    """The lexicons of every language found; English is the fallback."""

    def __init__(self, by_lang: dict[str, Lexicon]) -> None:
        if "en" not in by_lang:
            raise ConfigError("lexicons", "en", "an English lexicon (en.toml) is required")
        self.by_lang = by_lang

    @property
    def languages(self) -> list[str]:
        """Return the language codes that have a lexicon."""
        return sorted(self.by_lang)

    def get(self, lang: str | None) -> Lexicon:
        """Return the lexicon for ``lang`` ("pt-BR" uses "pt"); English when unknown."""
        code = (lang or "en").lower().replace("_", "-")
        return self.by_lang.get(code) or self.by_lang.get(code.split("-")[0]) or self.by_lang["en"]


def load_lexicons(directory: str | Path | None = None) -> Lexicons:
    """Load every ``<lang>.toml`` in ``directory`` (default: the repo's config/lexicons)."""
    folder = Path(directory) if directory is not None else DEFAULT_LEXICON_DIR
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise ConfigError(str(folder), None, "no lexicon files (*.toml) found")
    return Lexicons({path.stem.lower(): _load_lexicon(path) for path in files})


@functools.lru_cache(maxsize=1)
def _default_lexicons() -> Lexicons:
    return load_lexicons(None)


def _load_lexicon(path: Path) -> Lexicon:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), None, f"cannot read lexicon: {exc}") from exc
    _validate(path, data)
    return _build_lexicon(path.stem.lower(), data)


def _validate(path: Path, data: dict) -> None:
    for section, body in data.items():
        if section == "kinds":
            if not isinstance(body, dict):
                raise ConfigError(str(path), "kinds", "must be a table")
            for kind, table in body.items():
                if kind not in _LEXICON_KINDS:
                    known = ", ".join(_LEXICON_KINDS)
                    raise ConfigError(str(path), f"kinds.{kind}", f"unknown kind (known: {known})")
                _check_table(path, f"kinds.{kind}", table, _KIND_KEYS)
        elif section in _SCHEMA:
            _check_table(path, section, body, _SCHEMA[section])
        else:
            raise ConfigError(str(path), section, "unknown section")


def _check_table(path: Path, where: str, table: object, schema: dict[str, str]) -> None:
    if not isinstance(table, dict):
        raise ConfigError(str(path), where, "must be a table")
    for key, value in table.items():
        name = f"{where}.{key}"
        if key not in schema:
            raise ConfigError(str(path), name, "unknown key")
        expected = schema[key]
        if expected == _STR:
            ok = isinstance(value, str)
        elif expected == _LIST:
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        else:
            types = {_INTS: (int,), _FLOATS: (int, float), _STRS: (str,)}[expected]
            ok = isinstance(value, dict) and all(
                isinstance(v, types) and not isinstance(v, bool) for v in value.values()
            )
        if not ok:
            raise ConfigError(str(path), name, f"wrong type (expected a {expected})")


_PHRASE_PIECE_RE = re.compile(r"\{\w+\}|[^\W_]+(?:'[^\W_]+)*'?|[^\w\s-]")


def _phrase_tokens(phrase: str, elisions: frozenset[str]) -> tuple[str, ...]:
    """Split a lexicon phrase as sentences are split (hyphens dropped, elisions cut)."""
    out: list[str] = []
    for piece in _PHRASE_PIECE_RE.findall(phrase.lower().replace("’", "'")):
        out.extend(_split_elision(piece, elisions))
    return tuple(out)


def _split_elision(word: str, elisions: frozenset[str]) -> list[str]:
    """Cut "l'observatoire" into "l'" + "observatoire" when "l" is an elision."""
    if elisions and "'" in word:
        head, _, rest = word.partition("'")
        if head in elisions and rest:
            return [head + "'", *_split_elision(rest, elisions)]
    return [word]


def _build_lexicon(lang: str, data: dict) -> Lexicon:
    tokens = data.get("tokens", {})
    numbers = data.get("numbers", {})
    grammar = data.get("grammar", {})
    attribution = data.get("attribution", {})
    elisions = frozenset(e.lower() for e in tokens.get("elisions", []))

    def toks(phrase: str) -> tuple[str, ...]:
        return _phrase_tokens(phrase, elisions)

    def words(values: Iterable[str]) -> frozenset[str]:
        return frozenset(" ".join(toks(v)) for v in values)

    def table(name: str) -> dict:
        return {" ".join(toks(k)): v for k, v in numbers.get(name, {}).items()}

    phrases: dict[tuple[str, ...], _Entry] = {}

    def add(values: Iterable[str], entry: _Entry) -> None:
        for value in values:
            key = toks(value)
            if key:
                phrases[key] = entry

    # Later groups win a clash: a trigger is the most specific meaning of a word.
    add(grammar.get("determiners", []), _Entry("d"))
    add(numbers.get("articles", []), _Entry("a"))
    add(grammar.get("modifiers", []), _Entry("j"))
    add(numbers.get("ordinals", {}), _Entry("j"))
    add(grammar.get("adverbs", []), _Entry("R"))
    add(grammar.get("relatives", []), _Entry("R", aux="relative"))
    add(grammar.get("pronouns", []), _Entry("H"))
    add(grammar.get("possessives", []), _Entry("d", aux="possessive"))
    add(grammar.get("partitive", []), _Entry("o"))
    add(grammar.get("conjunctions", []), _Entry("&"))
    add(grammar.get("perfect", []), _Entry("A", aux="perfect"))
    add(grammar.get("passive", []), _Entry("A", aux="passive"))
    add(grammar.get("negations", []), _Entry("G"))
    add(grammar.get("zero", []), _Entry("Z"))
    add(grammar.get("subcount", []), _Entry("S"))
    add(numbers.get("units", []), _Entry("u"))
    add(numbers.get("currency", []), _Entry("u"))
    add(numbers.get("percent", []), _Entry("u"))
    add(numbers.get("months", []), _Entry("t", aux="month"))
    add(numbers.get("weekdays", []), _Entry("t"))
    add(numbers.get("time_after", []), _Entry("u"))
    who = data.get("who", {})
    for word, label in who.get("singular", {}).items():
        add([word], _Entry("P", who=label))
    for word, label in who.get("plural", {}).items():
        add([word], _Entry("P", who=label, plural=True))
    add(grammar.get("group_pronouns", []), _Entry("P", plural=True))
    add(attribution.get("verbs", []), _Entry("v"))
    add(attribution.get("according_to", []), _Entry("@"))
    for qual, values in data.get("qualifiers", {}).items():
        add(values, _Entry("Q", qual=qual))
    roles = (
        ("subcount", "S", False),
        ("state", "W", False),
        ("toll", "D", False),
        ("before", "X", True),
        ("after", "T", False),
        ("both", "T", True),
        ("self", "T", False),
        ("nouns", "T", False),
        ("share", "T", False),
    )
    trigger_phrases: list[tuple[str, ...]] = []
    for kind, body in data.get("kinds", {}).items():
        for key, tag, active in roles:
            values = body.get(key, [])
            aux = {"nouns": "noun", "share": "share"}.get(key)
            add(values, _Entry(tag, kind=kind, active=active, self_=key == "self", aux=aux))
            trigger_phrases.extend(toks(v) for v in values)
    sizes: dict[str, set[int]] = {}
    for phrase in phrases:
        sizes.setdefault(phrase[0], set()).add(len(phrase))
    scope = data.get("scope", {})
    return Lexicon(
        lang=lang,
        numbers=NumberWords(
            words=table("words"),
            scales=table("scales"),
            fractions={k: float(v) for k, v in table("fractions").items()},
            approximate=table("approximate"),
            vague=table("vague"),
            vague_scales=table("vague_scales"),
            connectors=words(numbers.get("connectors", [])),
            articles=words(numbers.get("articles", [])),
            of=words(numbers.get("of", [])),
            decimal_mark=numbers.get("decimal_mark", "."),
        ),
        phrases=phrases,
        first_sizes={word: tuple(sorted(n, reverse=True)) for word, n in sizes.items()},
        trigger_words=frozenset(_rarest_word(p, phrases) for p in trigger_phrases if p),
        elisions=elisions,
        abbreviations=words(tokens.get("abbreviations", [])),
        ordinals=table("ordinals"),
        additive=words(grammar.get("additive", [])),
        function_words=words(grammar.get("function_words", [])),
        agent_words=words(grammar.get("agent", [])),
        object_markers=words(grammar.get("object_markers", [])),
        identifiers=words(numbers.get("identifiers", [])),
        street_suffixes=words(numbers.get("street_suffixes", [])),
        age_before=words(numbers.get("age_before", [])),
        age_after=words(numbers.get("age_after", [])),
        time_words=words(numbers.get("weekdays", [])) | words(numbers.get("months", [])),
        pronouns=words(grammar.get("pronouns", [])),
        determiners=words(grammar.get("determiners", [])),
        common_sources=words(attribution.get("common_sources", [])),
        attribution_stop=words(attribution.get("stop", [])),
        range_between=words(numbers.get("range_between", [])),
        range_and=words(numbers.get("range_and", [])),
        range_to=words(numbers.get("range_to", [])) | words(numbers.get("range_or", [])),
        change_from=words(numbers.get("change_from", [])),
        scope_markers={
            name: _index_markers(toks(v) for v in scope.get(name, []))
            for name in ("cumulative", "historical")
        },
        scope_words={
            name: tuple(
                frozenset(w for w in toks(v) if not w.startswith("{")) for v in scope.get(name, [])
            )
            for name in ("cumulative", "historical")
        },
    )


def _rarest_word(words: tuple[str, ...], phrases: dict[tuple[str, ...], _Entry]) -> str:
    """Pick the word of a trigger phrase least likely in any sentence ("killed", not "was")."""
    content = [
        w for w in words if len(w) > 3 and phrases.get((w,), _Entry("w")).tag not in "AadoR&HQ"
    ]
    return max(content or words, key=len)


def _index_markers(markers: Iterable[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for marker in markers:
        if marker:
            index.setdefault(marker[0], []).append(marker)
    return index


# --------------------------------------------------------------------------- sentences

_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+|\n\s*")
_LAST_WORD_RE = re.compile(r"(?:^|[\s(\"'“])((?:[^\W\d_]\.)+[^\W\d_]?|[^\W\d_]+)\.$")
_WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


def _sentences(text: str, lex: Lexicon) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans at final punctuation and line breaks."""
    spans = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        end = match.end()
        mark = match.group()
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


# --------------------------------------------------------------------------- tokens

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
_HYPHENS = frozenset("-‐‑–")  # an en dash between two words joins them: "20–year–old"


class _Tok:
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


def _raw_tokens(text: str, start: int, end: int, lex: Lexicon) -> list[_Tok]:
    """Split one sentence into words, numbers and punctuation (hyphens become ``glued``)."""
    toks: list[_Tok] = []
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
                    for piece in _split_elision(low, elisions):
                        toks.append(
                            _Tok(a, a + len(piece), piece, text[a : a + len(piece)], glued=glue)
                        )
                        a += len(piece)
                        glue = False
                    continue
            toks.append(_Tok(a, b, low, raw, glued=glue))
        elif group == "punct":
            if raw in _HYPHENS and toks and a == toks[-1].end and text[b : b + 1].isalnum():
                glue = True
                continue
            if raw == "%":
                toks.append(_Tok(a, b, raw, raw, glued=glue))  # a word: "40 %" is a percentage
            elif raw not in _QUOTES:
                # A hyphen is a dash only between spaces: "an 8- and 9-year-old" is not.
                dash = raw in _INSERT_PUNCT and (
                    raw != "-" or (text[a - 1 : a].isspace() and text[b : b + 1].isspace())
                )
                tag = "," if raw == "," or dash else (";" if raw in _STRONG_PUNCT else ".")
                tok = _Tok(a, b, raw, raw, tag)
                if dash:
                    tok.aux = "dash"  # never joins a list: "CHICAGO — A man was shot"
                toks.append(tok)
        elif group == "num":
            # A number hyphenated to a word names something: "I-43", "F-16".
            tag = "U" if glue and toks and toks[-1].tag == "w" else "n"
            toks.append(_Tok(a, b, raw, raw, tag, glued=glue))
        else:
            toks.append(_Tok(a, b, raw.lower(), raw, "U", glued=glue))
        glue = False
    return toks


def _tag(toks: list[_Tok], lex: Lexicon) -> list[_Tok]:
    """Merge phrases and number phrases into single tokens and tag them."""
    words = [t.low for t in toks]
    first_words = lex.numbers.first_words
    title_case = _is_title_case(toks, lex)
    out: list[_Tok] = []
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
            merged.other = merged.low in lex.additive
            ordinal = lex.ordinals.get(merged.low) if entry.tag == "j" else None
            if ordinal is not None:
                merged.qty = Quantity(ordinal, ordinal, None)
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
    _demote_numbers(out, lex)
    return [t for t in out if t.tag != "x"]


def _tag_plain(t: _Tok, lex: Lexicon, title_case: bool) -> None:
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
    elif t.low in lex.function_words:
        t.aux = "agent" if t.low in lex.agent_words else "function"
    elif t.raw[:1].isupper() and not title_case:
        t.tag = "C"


def _is_title_case(toks: list[_Tok], lex: Lexicon) -> bool:
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


def _merge(toks: list[_Tok], i: int, used: int) -> _Tok:
    if used == 1:
        return toks[i]
    first, last = toks[i], toks[i + used - 1]
    low = " ".join(t.low for t in toks[i : i + used])
    raw = " ".join(t.raw for t in toks[i : i + used])
    return _Tok(first.start, last.end, low, raw, glued=first.glued)


def _match_phrase(words: list[str], i: int, lex: Lexicon) -> tuple[_Entry, int] | None:
    room = len(words) - i
    for size in lex.first_sizes.get(words[i], ()):
        if size <= room:
            entry = lex.phrases.get((words[i],) if size == 1 else tuple(words[i : i + size]))
            if entry is not None:
                return entry, size
    return None


def _read_number(
    toks: list[_Tok], words: list[str], i: int, lex: Lexicon
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
    toks: list[_Tok], words: list[str], i: int, lex: Lexicon
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


def _demote_numbers(toks: list[_Tok], lex: Lexicon) -> None:
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
        if t.tag == "U" and (t.aux == "age" or (i > 0 and toks[i - 1].low in lex.age_before)):
            k = i + 1
            while k + 1 < n and toks[k].tag in ",&" and toks[k + 1].tag == "N":
                toks[k + 1].tag = "U"
                k += 2


def _demote_number(toks: list[_Tok], i: int, lex: Lexicon) -> None:
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
            return
        if nxt.glued or nxt.tag in "uU" or (nxt.tag == "t" and nxt.aux == "month"):
            t.tag = "U"  # "1,200-page", "3-1", "5 years", "5 percent", "12 January"
            return
    if prev is not None and (
        prev.raw in _CURRENCY_SIGNS
        or prev.low in lex.age_before
        or (prev.tag == "o" and prev2 is not None and prev2.low in lex.age_before)
        or prev.low in lex.identifiers
        or prev.tag == "C"
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
    ):
        t.tag, t.aux = "U", "age"  # "Smith, 24, of Traer"


# --------------------------------------------------------------------------- noun phrases


@dataclass
class _NP:
    """A noun phrase and how many people it counts (None: it does not say)."""

    start: int  # token indices, inclusive
    end: int
    count: int | None
    qty: Quantity | None = None  # the figure with its bounds, when one number carries it
    qual: str | None = None
    who: str | None = None
    parts: int = 1  # phrases coordinated into this one
    self_: bool = False  # "himself": the agent, counted apart
    ref: bool = False  # "he", "Smith", "the victim": someone already mentioned


_NP_END = "PNZHCy"
_ONE = Quantity(1, 1, 1)
_ZERO = Quantity(0, 0, 0)


def _np_back(toks: list[_Tok], e: int) -> _NP | None:
    """Parse the noun phrase ending at token ``e``: "at least 240 people", "his wife"."""
    if e < 0:
        return None
    t = toks[e]
    if t.tag == "H":
        return _NP(e, e, 1, self_=t.low.endswith("self"), ref=True)
    if t.tag == "C":
        s = e
        while s > 0 and toks[s - 1].tag == "C":
            s -= 1
        return _NP(s, e, 1, ref=True)
    if t.tag in "NZ":
        return _number_np(toks, e, e, None)
    if t.tag == "j" and t.qty is not None and e >= 1:
        before = toks[e - 1]
        if before.tag in "ad" or (before.tag == "N" and before.qty == _ONE):
            return _NP(e - 1, e, 1)  # "a fourth (was wounded)", "un troisième (est mort)"
    if t.tag == "y" and e >= 2 and toks[e - 1].tag == "o" and toks[e - 2].tag == "P":
        np = _np_back(toks, e - 2)  # "un homme de 24 ans", "um homem de 24 anos"
        if np is not None:
            np.end = e
        return np
    if t.tag not in "Py":
        return None
    who = t.who
    singular = t.tag == "y" or not t.plural
    pos = e - 1
    while (
        pos >= 0
        and e - pos <= 3
        and toks[pos].tag in "jyC"
        and not (toks[pos].tag == "C" and toks[pos].first)
    ):
        pos -= 1
    det = toks[pos] if pos >= 0 else None
    if det is not None and det.tag in "NZ":
        np = _number_np(toks, pos, e, who)
        if np.start > 0 and toks[np.start - 1].tag == "d":
            np.start -= 1  # "the two victims"
        return np
    if det is not None and det.tag == "a":
        return _NP(pos, e, 1 if singular else None, who=who)
    if det is not None and det.tag == "d":
        if pos >= 2 and toks[pos - 1].tag == "o" and toks[pos - 2].tag in "NZ":
            return _number_np(toks, pos - 2, e, who)  # "two of the victims"
        if pos >= 1 and toks[pos - 1].tag in "NZ":
            return _number_np(toks, pos - 1, e, who)  # "deux des victimes", "dois dos feridos"
        ref = singular and det.aux != "possessive"  # "the victim", but "his wife" is new
        return _NP(pos, e, 1 if singular else None, who=who, ref=ref)
    if det is not None and det.tag == "o" and pos >= 1 and toks[pos - 1].tag in "NZ":
        return _number_np(toks, pos - 1, e, who)  # "dozens of people", "two of them"
    return _NP(pos + 1, e, 1 if singular else None, who=who)  # "Man killed", "3-year-old dies"


def _number_np(toks: list[_Tok], num: int, e: int, who: str | None) -> _NP:
    start = num
    qual = None
    if num > 0 and toks[num - 1].tag == "Q":
        qual = toks[num - 1].qual
        start = num - 1
    qty = toks[num].qty if toks[num].tag == "N" else _ZERO
    assert qty is not None
    return _NP(start, e, qty.value, qty, qual, who)


def _np_list_back(toks: list[_Tok], e: int) -> _NP | None:
    """Parse "a man and a woman", "he and three others" ending at ``e``; sum their counts."""
    first = _np_back(toks, e)
    if first is None:
        return None
    nps = [first]
    seen_and = False
    commas: list[int] = []  # where phrases were joined by a bare comma
    while nps[-1].start >= 2:
        s = nps[-1].start
        sep = toks[s - 1]
        k = s - 2
        if sep.tag == "R" and s >= 3 and toks[s - 2].tag == "&":  # "and then himself"
            sep, k = toks[s - 2], s - 3
        if sep.tag == "&" and k >= 1 and toks[k].tag == ",":  # "Thomas, Doe, and Turner"
            k -= 1
        if k >= 2 and toks[k].aux == "age" and toks[k - 1].tag == ",":
            k -= 2  # "Price, 22, and Willrich, 30, were killed"
        if sep.tag not in "&," or sep.aux == "dash":
            break
        prev = _np_back(toks, k)
        if prev is None or prev.count is None:
            break
        if sep.tag == "," and not seen_and:
            commas.append(len(nps))
        seen_and = seen_and or sep.tag == "&"
        nps.append(prev)
    start = nps[-1].start
    if commas and not (start == 0 or toks[start - 1].tag == ";"):
        nps = nps[: commas[-1]]  # a bare-comma list only opens a headline: "Man, woman killed"
    # "Police arrested a man and two people were killed": the first phrase is an object.
    while len(nps) > 1 and nps[-1].start > 0 and toks[nps[-1].start - 1].tag in "TX":
        nps.pop()
    nps.reverse()
    return _combine(nps)


def _np_forward(toks: list[_Tok], s: int) -> _NP | None:
    """Parse the noun phrase starting at token ``s``: "at least 24 civilians", "his wife"."""
    n = len(toks)
    pos = s
    qual = None
    if pos < n and toks[pos].tag == "Q":
        qual = toks[pos].qual
        pos += 1
    if pos >= n:
        return None
    t = toks[pos]
    if t.tag == "H":
        return _NP(pos, pos, 1, self_=t.low.endswith("self"), ref=True)
    if t.tag == "C" and qual is None:
        e = pos
        while e + 1 < n and toks[e + 1].tag == "C":
            e += 1
        return _NP(pos, e, 1, ref=True)
    if t.tag in "NZ":
        return _number_np_forward(toks, s, pos, qual)
    if t.tag in "ad":
        k = pos + 1
        if t.tag == "d" and k < n and toks[k].tag == "N":  # "the two victims"
            np = _np_forward(toks, k)
            if np is not None:
                np.start = s
            return np
        while k < n and k - pos <= 3 and toks[k].tag in "jyC":
            k += 1
        if k < n and toks[k].tag == "P":
            count = None if toks[k].plural else 1
            ref = t.tag == "d" and count == 1 and t.aux != "possessive"
            return _NP(s, k, count, qual=qual, who=toks[k].who, ref=ref)
        if k - 1 > pos and toks[k - 1].tag == "y":
            return _NP(s, k - 1, 1, qual=qual)  # "a 24-year-old"
        return None
    if t.tag == "P" and not t.plural and qual is None:
        return _NP(pos, pos, 1, who=t.who)  # "shot himself and son"
    if t.tag == "y":  # "(kills) 5-year-old son"
        k = pos + 1
        while k < n and k - pos <= 3 and toks[k].tag in "jC":
            k += 1
        if k < n and toks[k].tag == "P" and not toks[k].plural:
            return _NP(s, k, 1, qual=qual, who=toks[k].who)
        return _NP(s, pos, 1, qual=qual)
    return None


def _number_np_forward(toks: list[_Tok], s: int, pos: int, qual: str | None) -> _NP | None:
    n = len(toks)
    qty = toks[pos].qty if toks[pos].tag == "N" else _ZERO
    assert qty is not None
    k = pos + 1
    if k + 1 < n and toks[k].tag == "o":  # "two of the victims", "dozens of people"
        k2 = k + 1
        if toks[k2].tag == "d":
            k2 += 1
        while k2 < n and toks[k2].tag in "jyN":
            k2 += 1
        if k2 < n and toks[k2].tag == "P":
            return _NP(s, k2, qty.value, qty, qual, toks[k2].who)
    while k < n and k - pos <= 3 and toks[k].tag in "jyC":
        k += 1
    if k < n and toks[k].tag == "P":
        return _NP(s, k, qty.value, qty, qual, toks[k].who)
    if pos + 1 < n and toks[pos + 1].tag == "w" and toks[pos + 1].aux != "function":
        return None  # "killed 90,280 deer": a count of something else
    return _NP(s, pos, qty.value, qty, qual)


def _np_list_forward(toks: list[_Tok], s: int) -> _NP | None:
    """Parse "his wife and then himself", "one person and two others" starting at ``s``."""
    n = len(toks)
    if s < n and toks[s].aux == "object":
        s += 1
    first = _np_forward(toks, s)
    if first is None or first.count is None:
        return first
    nps = [first]
    while True:
        k = nps[-1].end + 1
        if k >= n or toks[k].tag not in "&," or toks[k].aux == "dash":
            break
        k += 1
        if k < n and toks[k].tag == "R":
            k += 1
        nxt = _np_forward(toks, k)
        if nxt is None or nxt.count is None:
            break
        after = nxt.end + 1
        while after < n and toks[after].tag == "R":
            after += 1
        if after < n and toks[after].tag in "ATv":
            break  # "arrested a man and two people were killed": a new clause
        nps.append(nxt)
    bare_commas = toks[nps[0].end + 1].tag == "," if len(nps) > 1 else False
    if bare_commas and not any(toks[x.end + 1].tag == "&" for x in nps[:-1]) and not nps[-1].self_:
        nps = nps[:1]  # "killing two, police said" is no list; "kills son, self" is
    return _combine(nps)


def _combine(nps: list[_NP]) -> _NP:
    if len(nps) == 1:
        return nps[0]
    counts = [x.count for x in nps]
    total = None if None in counts else sum(c or 0 for c in counts)
    whos = {x.who for x in nps}
    who = whos.pop() if len(whos) == 1 else "people"
    qual = next((x.qual for x in nps if x.qual), None)
    np = _NP(
        nps[0].start, nps[-1].end, total, None, qual, who, len(nps), ref=all(x.ref for x in nps)
    )
    np.self_ = any(x.self_ for x in nps) and not all(x.self_ for x in nps)
    return np


# --------------------------------------------------------------------------- claims in a sentence


@dataclass
class _Raw:
    """A claim while its sentence is read (token indices, not yet offsets)."""

    kind: str
    np: _NP
    trigger: int
    rule: str
    is_subcount: bool = False
    self_: bool = False


_SKIP_BEFORE_TRIGGER = "ARvt"  # "were also reportedly killed", "has since died"


def _claims_in_sentence(toks: list[_Tok]) -> list[_Raw]:
    found: list[_Raw] = []
    used: set[tuple[str, int]] = set()  # (kind, token) already inside a claimed phrase
    for i, t in enumerate(toks):
        if t.tag == "T":
            raw = _trigger(toks, i, found)
        elif t.tag == "X":
            np = None if _negated(toks, i - 1) else _np_list_forward(toks, i + 1)
            raw = (
                _Raw(t.kind or "", np, i, "object")
                if np is not None and np.count is not None
                else None
            )
        elif t.tag == "W":
            raw = _state(toks, i)
        elif t.tag == "D":
            raw = _toll(toks, i)
        else:
            continue
        if raw is None:
            continue
        span = range(raw.np.start, raw.np.end + 1)
        if raw.rule != "self" and any((raw.kind, k) in used for k in span):
            continue
        used.update((raw.kind, k) for k in span)
        found.append(raw)
    found.extend(_elliptic_subcounts(toks, found, {k for _, k in used}))
    for raw in found:
        k = raw.np.start - 1
        while k >= 0 and toks[k].tag in ",R":
            k -= 1
        if k >= 0 and toks[k].tag == "S" and any(o.kind == raw.kind for o in found if o is not raw):
            raw.is_subcount = (
                True  # "255 morts, dont 19 enfants"; not "blessés, dont deux mortellement"
            )
    return found


def _trigger(toks: list[_Tok], i: int, found: list[_Raw]) -> _Raw | None:
    t = toks[i]
    kind = t.kind or ""
    if t.self_:
        return _Raw(kind, _NP(i, i, 1), i, "self", self_=True)
    k = i - 1
    passive = False
    while k >= 0 and toks[k].tag in _SKIP_BEFORE_TRIGGER:
        passive = passive or toks[k].aux == "passive"
        k -= 1
    if _negated(toks, k):
        return None  # "was not injured", "did not mean to hurt him"
    if t.aux == "noun":
        return _noun(toks, i)
    if t.active and not passive:
        obj = _np_list_forward(toks, i + 1)
        if obj is not None and obj.count is not None:
            return _Raw(kind, obj, i, "object")
        if i + 1 < len(toks) and toks[i + 1].tag in "NadCU":
            return None  # "hunters killed 90,280 deer": the subject is no victim
    if k == i - 1 and k >= 1 and toks[k].tag == "o" and toks[k - 1].tag in "NZ":
        k -= 1  # "des dizaines de morts", "milhares de desalojados"
    subject = _subject(toks, k)
    if subject is not None and subject.count is not None:
        return _Raw(kind, subject, i, "share" if t.aux == "share" else "subject")
    if k >= 0 and toks[k].tag == "&":
        shared = _shared_subject(toks, k, found)
        if shared is not None:
            return _Raw(kind, shared, i, "shared_subject")  # "was shot twice and died"
    if not t.active:
        after = _np_list_forward(toks, i + 1)
        if (
            after is not None
            and after.count is not None
            and toks[after.end].tag in "PZ"
            and toks[after.end].aux != "possessive"  # "grazed the girl's cheek"
        ):
            return _Raw(kind, after, i, "subject_after")  # "morreram três pessoas"
    return None


def _noun(toks: list[_Tok], i: int) -> _Raw | None:
    """Read a noun trigger: "3 deaths", "no deaths", "the teen's death", "the death of a boy"."""
    kind = toks[i].kind or ""
    if i + 2 < len(toks) and toks[i + 1].tag == "o":
        np = _np_list_forward(toks, i + 2)
        if np is not None and np.count is not None:
            return _Raw(kind, np, i, "object")
    k = i - 1
    while k >= 0 and toks[k].tag == "j":
        k -= 1  # "three violent deaths"
    if k < 0:
        return None
    before = toks[k]
    if before.tag in "NZ" or (before.tag == "o" and k > 0 and toks[k - 1].tag in "NZ"):
        np = _subject(toks, k if before.tag != "o" else k - 1)  # "3 deaths", "dozens of deaths"
    elif before.aux == "possessive" or (before.tag == "H" and not before.low.endswith("self")):
        np = _NP(k, k, 1, ref=True)  # "the teen's death", "Morgan's killing", "his death"
    else:
        return None
    if np is None or np.count is None:
        return None
    return _Raw(kind, np, i, "subject")


def _negated(toks: list[_Tok], k: int) -> bool:
    """Say whether a negation closes the verb group ending at ``k`` ("did not mean to")."""
    for j in range(k, max(-1, k - 4), -1):
        if toks[j].tag == "G":
            return True
        if toks[j].tag not in "wAR":
            return False
    return False


def _subject(toks: list[_Tok], k: int) -> _NP | None:
    """Find the subject ending at ``k``, past what is inserted between it and its verb.

    An apposition ("Smith, 24, was killed"), an inserted phrase or clause between commas,
    dashes or brackets ("At least 15 people - including 11 children - were killed", "more
    than 14,000 people, almost half of whom are children, have been displaced").
    """
    if k < 0:
        return None
    if toks[k].tag != ",":
        return _np_list_back(toks, k)
    close = k
    for c in range(k - 1, max(-1, k - 24), -1):
        tag = toks[c].tag
        if tag in ";.":
            return None
        if tag != ",":
            continue
        if not _inserted(toks[c + 1 : close]):
            return None
        if c >= 1 and toks[c - 1].tag in _NP_END:
            np = _np_list_back(toks, c - 1)
            if np is not None and np.count is not None:
                return np
        close = c
    return None


def _inserted(inner: list[_Tok]) -> bool:
    """Say whether a phrase between commas can sit between a subject and its verb.

    A phrase without a verb of its own ("24", "of Traer", "including 11 children"), or a
    relative clause ("almost half of whom are children", "who was driving").
    """
    if not inner:
        return False
    if not any(t.tag in "ATXWD" for t in inner):
        return True
    return inner[0].tag == "S" or any(t.aux == "relative" or t.tag == "S" for t in inner[:5])


def _shared_subject(toks: list[_Tok], k: int, found: list[_Raw]) -> _NP | None:
    """Return the subject of the verb coordinated before the "and" at ``k``."""
    for raw in reversed(found):
        if raw.rule not in ("subject", "shared_subject", "state") or raw.trigger >= k:
            continue
        between = toks[raw.trigger + 1 : k]
        if len(between) <= 8 and not any(t.tag in ";.,NTXWD" for t in between):
            return raw.np
        return None
    return None


def _toll(toks: list[_Tok], i: int) -> _Raw | None:
    """Read "the death toll rose to at least 255", "toll of 240"."""
    n = len(toks)
    for k in range(i + 1, min(i + 10, n)):
        tag = toks[k].tag
        if tag in ";.TXWD":
            return None
        if tag in "QN":
            np = _np_forward(toks, k)
            if np is None or np.count is None:
                return None
            after = np.end + 1
            if after < n and toks[after].tag == "o":
                after += 1
            if after < n and toks[after].tag in "TX":
                return None  # "bilan de 3 blessés": the figure names its own kind
            return _Raw(toks[i].kind or "", np, i, "toll")
    return None


def _state(toks: list[_Tok], i: int) -> _Raw | None:
    """Read "the victim was taken to hospital with non-life-threatening injuries"."""
    top = i - 1
    if top >= 0 and toks[top].tag == "Z":
        return _Raw(toks[i].kind or "", _NP(top, top, 0, _ZERO), i, "subject")  # "no injuries"
    if top >= 0 and toks[top].tag == "N":
        top -= 1  # "with two gunshot wounds": the number counts wounds
    for k in range(top, max(-1, i - 12), -1):
        tag = toks[k].tag
        if tag in ";.TXWDNG":
            return None
        if tag == "A":
            j = k
            while j > 0 and toks[j - 1].tag in _SKIP_BEFORE_TRIGGER:
                j -= 1
            if j > 0 and toks[j - 1].tag == "G":
                return None
            subject = _subject(toks, j - 1)
            if subject is None or subject.count is None:
                return None
            return _Raw(toks[i].kind or "", subject, i, "state")
    return None


def _elliptic_subcounts(toks: list[_Tok], found: list[_Raw], used: set[int]) -> list[_Raw]:
    """Read "..., including 19 in air strikes", "..., 50 of them children" as sub-counts.

    The kind is the marker's own ("the dead included") or that of the claim before it.
    """
    extra: list[_Raw] = []
    n = len(toks)
    for i, t in enumerate(toks):
        np = None
        if t.tag == "S" and i + 1 < n and i + 1 not in used:
            k = i + 1
            while k < n and toks[k].tag in "AR":
                k += 1  # "among the dead were four children"
            np = _np_forward(toks, k)
        elif (
            t.tag == "N"
            and i not in used
            and i + 3 < n
            and toks[i + 1].tag == "o"
            and toks[i + 2].tag == "P"
            and toks[i + 2].who is None
        ):
            k = i + 3
            while k < n and toks[k].tag == "j":
                k += 1
            if k < n and toks[k].tag == "P":
                np = _NP(i, k, t.qty.value if t.qty else None, t.qty, None, toks[k].who)
        if np is None or np.count is None or any(k in used for k in range(np.start, np.end + 1)):
            continue
        kind = t.kind if t.tag == "S" else None
        if kind is None:
            claims = sorted(found + extra, key=lambda r: r.trigger)
            before = [r for r in claims if r.trigger < i]
            if not claims:
                continue
            kind = (before[-1] if before else claims[0]).kind
        used.update(range(np.start, np.end + 1))
        extra.append(_Raw(kind, np, i, "subcount", is_subcount=True))
    return extra


def _join_self(toks: list[_Tok], raws: list[_Raw]) -> list[_Raw]:
    """Count "killed his wife before turning the gun on himself" as two deaths.

    Only when the other death is someone the killer acted on: the object of an active verb,
    or a passive subject with its agent ("was killed by her ex-boyfriend, before he killed
    himself"). "A man was found dead in an apparent suicide" is one death.
    """
    selfs = [r for r in raws if r.self_ and r.kind == "killed"]
    if not selfs:
        return raws
    others = [
        r
        for r in raws
        if not r.self_
        and r.kind == "killed"
        and (
            r.rule == "object"
            or (
                r.rule == "subject"
                and any(t.aux == "agent" for t in toks[r.trigger + 1 : r.trigger + 3])
            )
        )
    ]
    if not others:
        return raws
    out = [r for r in raws if r not in selfs and r not in others]
    for other in others:
        np = _NP(
            other.np.start,
            other.np.end,
            (other.np.count or 0) + 1,
            None,
            other.np.qual,
            "people",
            2,
        )
        out.append(_Raw("killed", np, other.trigger, "plus_self"))
    out.sort(key=lambda r: r.np.start)
    return out


def _share_out(raws: list[_Raw]) -> list[_Raw]:
    """Read "six people were wounded, two fatally" as six shot: 2 killed and 4 injured."""
    for share in raws:
        if share.rule != "share":
            continue
        for raw in raws:
            if raw.kind == "injured" and raw.trigger < share.trigger and not raw.is_subcount:
                raw.kind = _SHOT  # shot and not killed is injured: resolved per article
    return raws


def _sum_others(toks: list[_Tok], raws: list[_Raw]) -> list[_Raw]:
    """Add "five others" to the figures of its kind told before it in the sentence."""
    out: list[_Raw] = []
    for raw in raws:
        np = raw.np
        if not raw.is_subcount and np.count and any(t.other for t in toks[np.start : np.end + 1]):
            before = [
                r
                for r in out
                if r.kind == raw.kind and not r.is_subcount and r.np.count and r.np.end < np.start
            ]
            if before:
                total = sum(r.np.count or 0 for r in before) + np.count
                summed = _NP(
                    np.start, np.end, total, None, np.qual, "people", parts=len(before) + 1
                )
                out.append(_Raw(raw.kind, summed, raw.trigger, "sum_with_others"))
                continue
        out.append(raw)
    return out


def _ordinal_victims(toks: list[_Tok], raws: list[_Raw]) -> list[_Raw]:
    """Read "three were killed and a fourth was wounded" as at least four victims."""
    extra = []
    for raw in raws:
        np = raw.np
        if raw.kind not in ("injured", _SHOT) or np.parts > 1 or toks[np.start].tag not in "adN":
            continue
        for t in toks[np.start : np.end + 1]:
            if t.tag == "j" and t.qty is not None:
                victims = _NP(np.start, np.end, t.qty.value, None, "at_least")
                extra.append(_Raw(_VICTIMS, victims, raw.trigger, "ordinal"))
                break
    return extra


# --------------------------------------------------------------------------- scope and source


def _scope_markers(toks: list[_Tok], markers: dict[str, list[tuple[str, ...]]]) -> list[int]:
    """Return the token indices where a scope marker starts ("since {year}", "this year")."""
    flat = [(word, k) for k, t in enumerate(toks) for word in t.low.split(" ")]
    hits = []
    for p, (word, k) in enumerate(flat):
        for marker in markers.get(word, ()):
            if _marker_at(toks, flat, p, marker):
                hits.append(k)
                break
    return hits


def _marker_at(
    toks: list[_Tok], flat: list[tuple[str, int]], p: int, marker: tuple[str, ...]
) -> bool:
    if p + len(marker) > len(flat):
        return False
    for part, (word, k) in zip(marker, flat[p : p + len(marker)], strict=True):
        if part == "{year}":
            if not (word.isdigit() and len(word) == 4 and 1800 <= int(word) <= 2100):
                return False  # "in 2011", not "in the 6800 block"
        elif part == "{num}":
            if toks[k].tag not in "NU":
                return False
        elif part != word:
            return False
    return True


def _scope(
    raw: _Raw, markers: dict[str, list[int]], raws: list[_Raw], chunk_of: list[int], intro: bool
) -> str:
    """Say whether a claim is this event's figure, a running total or an old one.

    A marker counts for the claim nearest to it in the same comma-separated chunk, or for the
    whole sentence from an opening chunk without a trigger: "Since 2011, more than...".
    """
    lo, hi = min(raw.np.start, raw.trigger), max(raw.np.end, raw.trigger)
    for scope in ("cumulative", "historical"):
        for m in markers[scope]:
            if chunk_of[m] not in (chunk_of[lo], chunk_of[hi]) and not (intro and chunk_of[m] == 0):
                continue
            if not any(
                _distance(o, m) < _distance(raw, m)
                for o in raws
                if o is not raw and chunk_of[o.trigger] == chunk_of[m]
            ):
                return scope
    return "current"


def _distance(raw: _Raw, m: int) -> int:
    lo, hi = min(raw.np.start, raw.trigger), max(raw.np.end, raw.trigger)
    return lo - m if m < lo else m - hi


def _attribution(text: str, toks: list[_Tok], lex: Lexicon) -> str | None:
    """Return whom the sentence cites: "according to X", "X said", "said X"."""
    n = len(toks)
    for i, t in enumerate(toks):
        if t.tag == "@":
            span = _source_after(toks, i + 1, lex)
            if span:
                return _source_text(text, toks, span, lex)
    for i, t in enumerate(toks):
        if t.tag != "v":
            continue
        if i == 0 or toks[i - 1].tag in ",;":
            span = _source_after(toks, i + 1, lex)  # "..., said the Observatory"
            if span is None and i >= 2:
                span = _source_before_clause(toks, i - 2, lex)  # "X, which ..., said"
        else:
            span = _source_before(toks, i - 1, lex)  # "Police said ..."
            if span is None and i + 1 < n:
                span = _source_after(toks, i + 1, lex)
        if span:
            return _source_text(text, toks, span, lex)
    return None


def _source_before_clause(toks: list[_Tok], e: int, lex: Lexicon) -> tuple[int, int] | None:
    """Find the speaker before an inserted clause: "The group, which relies on ..., said"."""
    j = e
    while j >= 0 and toks[j].tag != ",":
        j -= 1
    if j < 1 or j + 1 > e or toks[j + 1].tag != "P":
        return None
    return _source_before(toks, j - 1, lex)


def _source_after(toks: list[_Tok], s: int, lex: Lexicon) -> tuple[int, int] | None:
    e = s
    while e < len(toks) and e - s < 12:
        t = toks[e]
        # A qualifier ("more than") starts the figure, never a source's name.
        if t.tag in ",;.NTXWDUvt@Q" or t.low in lex.attribution_stop:
            break
        e += 1
    return _trim_source(toks, s, e - 1, lex)


def _source_before(toks: list[_Tok], e: int, lex: Lexicon) -> tuple[int, int] | None:
    s = e
    while s >= 0 and e - s < 9:
        t = toks[s]
        if t.tag in ",;.NTXWDUuv@&" or t.low in lex.attribution_stop:
            break
        s -= 1
    s += 1
    while s <= e and (toks[s].glued or toks[s].tag == "o"):
        s += 1  # "the 1,200-page report said": not "page report"
    return _trim_source(toks, s, e, lex)


def _trim_source(toks: list[_Tok], s: int, e: int, lex: Lexicon) -> tuple[int, int] | None:
    while e >= s and (toks[e].tag in "tRA" or toks[e].low in lex.attribution_stop):
        e -= 1
    while s <= e and toks[s].tag in "tRA&":
        s += 1
    if s > e or all(t.tag in "Hd" or t.low in lex.pronouns for t in toks[s : e + 1]):
        return None  # "he said" names no source
    return s, e


def _source_text(text: str, toks: list[_Tok], span: tuple[int, int], lex: Lexicon) -> str:
    first = toks[span[0]]
    out = text[first.start : toks[span[1]].end]
    if first.first and (first.low in lex.common_sources or first.low in lex.determiners):
        out = out[:1].lower() + out[1:]  # "Police said" -> "police"
    return out


# --------------------------------------------------------------------------- the article


def extract_claims(text: str, lang: str = "en", lexicons: Lexicons | None = None) -> list[Claim]:
    """Return every casualty claim in ``text``, in text order, with evidence spans."""
    lex = (lexicons or _default_lexicons()).get(lang)
    code = lex.lang if (lang or "en").split("-")[0].lower() == lex.lang else (lang or "en")
    found: list[tuple[Claim, _NP]] = []
    original, text = text, normalise_digits(text)  # same length: spans hold for both
    for start, end in _sentences(text, lex):
        words = _WORD_RE.findall(text[start:end].lower().replace("’", "'"))
        if not _may_hold_claims(words, lex):
            continue
        toks = _tag(_raw_tokens(text, start, end, lex), lex)
        raws = _claims_in_sentence(toks)
        if not raws:
            continue
        raws = _sum_others(toks, _join_self(toks, _share_out(raws)))
        raws.extend(_ordinal_victims(toks, raws))
        present = set(words)
        if lex.elisions:
            present.update(p for w in words if "'" in w for p in _split_elision(w, lex.elisions))
        markers = {
            name: _scope_markers(toks, index)
            if any(needed <= present for needed in lex.scope_words[name])
            else []
            for name, index in lex.scope_markers.items()
        }
        chunk_of = _chunks(toks)
        intro = not any(t.tag in "TXWD" for t, c in zip(toks, chunk_of, strict=True) if c == 0)
        source = _attribution(original, toks, lex)
        sentence = original[start:end].strip()
        for raw in raws:
            scope = _scope(raw, markers, raws, chunk_of, intro)
            found.append((_claim(toks, raw, scope, source, sentence, code), raw.np))
    return _resolve(found)


def _may_hold_claims(words: list[str], lex: Lexicon) -> bool:
    """Say whether a sentence (its lower-cased words) holds a trigger word."""
    if not lex.trigger_words.isdisjoint(words):
        return True
    if lex.elisions:  # "l'assassinat de": the trigger hides behind an elision
        return any(
            not lex.trigger_words.isdisjoint(_split_elision(w, lex.elisions))
            for w in words
            if "'" in w
        )
    return False


def _chunks(toks: list[_Tok]) -> list[int]:
    """Number the comma-separated chunks of a sentence, per token."""
    chunk = 0
    out = []
    for t in toks:
        if t.tag in ",;":
            chunk += 1
        out.append(chunk)
    return out


def _claim(
    toks: list[_Tok], raw: _Raw, scope: str, source: str | None, sentence: str, lang: str
) -> Claim:
    np = raw.np
    count = np.count
    qty = np.qty if np.parts == 1 else None
    qualifier, low, high = "exact", count, count
    if qty is not None and qty.vague:
        qualifier, low, high = "vague", qty.value, None  # "dozens": at least 24
    elif qty is not None and qty.approx:
        qualifier, low, high = "about", qty.low, qty.high  # "a dozen", "20 to 30"
    if np.qual in ("at_least", "more_than"):
        qualifier, low, high = np.qual, count, None
    elif np.qual == "about":
        qualifier = "about"
        if qty is None or qty.high == qty.low:
            low = high = None
    elif np.qual == "almost":
        qualifier, low, high = "about", None, count  # "nearly 300": fewer than 300
    elif np.qual == "up_to":
        qualifier, low, high = "up_to", None, count
    at = toks[raw.trigger] if raw.rule == "self" else None
    span = (at.start, at.end) if at else (toks[np.start].start, toks[np.end].end)
    return Claim(
        kind=raw.kind,
        value=count,
        low=low,
        high=high,
        qualifier=qualifier,
        who=np.who,
        attributed_to=source,
        scope=scope,
        is_subcount=raw.is_subcount,
        sentence=sentence,
        span=span,
        lang=lang,
        rule=raw.rule,
    )


def _resolve(found: list[tuple[Claim, _NP]]) -> list[Claim]:
    """Settle the article: drop repeats, turn shot-and-not-killed into injured."""
    seen: set[tuple[str, tuple[int, int], int | None]] = set()
    claims = []
    for c, _ in found:
        key = (c.kind, c.span, c.value)
        if key not in seen:
            seen.add(key)
            claims.append(c)
    killed = _best(c for c in claims if c.kind == "killed")
    dead = killed.value if killed is not None and killed.value else 0
    if dead:
        # "Wilson was airlifted in critical condition, where he later died": one person. If
        # every injury in a story with a death is told of someone already named, it is that death.
        refs = {
            id(c) for c, np in found if np.ref and c.kind in ("injured", _SHOT) and c.value == 1
        }
        hurt = [c for c in claims if c.kind in ("injured", _SHOT) and c.value]
        if hurt and all(id(c) in refs for c in hurt):
            claims = [c for c in claims if id(c) not in refs]
    out = [c for c in claims if c.kind not in (_SHOT, _VICTIMS)]
    for kind, rule in ((_SHOT, "shot_not_killed"), (_VICTIMS, "victims_not_killed")):
        top = _best(c for c in claims if c.kind == kind)
        if top is not None and top.value is not None and top.value > dead:
            value = top.value - dead
            out.append(
                replace(
                    top,
                    kind="injured",
                    value=value,
                    low=value
                    if top.qualifier in ("exact", "at_least", "more_than", "vague")
                    else None,
                    high=value if top.qualifier == "exact" else None,
                    rule=rule,
                )
            )
    # One claim per kind and span (the store keys claims so): keep the one a headline would take.
    best: dict[tuple[str, tuple[int, int]], Claim] = {}
    for c in out:
        slot = (c.kind, c.span)
        if slot not in best or _strength(c) > _strength(best[slot]):
            best[slot] = c
    return sorted(best.values(), key=lambda c: (c.span, c.kind))


def _strength(c: Claim) -> tuple[int, int, int]:
    current = c.scope == "current" and not c.is_subcount
    return (current, _RANK.get(c.qualifier, 0), c.value or 0)


# A vague figure ("dozens") or a ceiling ("up to 300") yields to a stated number.
_RANK = {"exact": 2, "at_least": 2, "more_than": 2, "about": 2, "vague": 1, "up_to": 0}
# News puts the main event first (title, lead); background and other events come later. A
# figure in the first 600 characters wins over larger ones further down (on the dev corpus any
# window from 300 to 1,200 characters scores the same).
_LEAD_CHARS = 600


def _best(claims: Iterable[Claim]) -> Claim | None:
    """Return the main event's total among claims of one kind."""
    pool = [c for c in claims if c.scope == "current" and not c.is_subcount and c.value is not None]
    if not pool:
        return None
    lead = [c for c in pool if c.span[0] < _LEAD_CHARS] or pool
    return max(lead, key=lambda c: (_RANK.get(c.qualifier, 0), c.value or 0, -c.span[0]))


def headline_figures(claims: list[Claim]) -> dict[str, Claim | None]:
    """Return, per kind present, the main event's current total (no sub-count, no old figure)."""
    kinds = dict.fromkeys(c.kind for c in claims)
    return {kind: _best(c for c in claims if c.kind == kind) for kind in kinds}


_HEADLINE_FIELDS = ("value", "low", "high", "qualifier", "who", "attributed_to", "sentence", "span")


def facts_record(id: Any, text: str, lang: str | None, lexicons: Lexicons | None) -> dict:
    """Return the ``newsmon facts`` JSONL record of one text: its claims and headline figures."""
    claims = extract_claims(text, lang or "en", lexicons)
    headline: dict[str, dict | None] = dict.fromkeys(KINDS)
    for kind, claim in headline_figures(claims).items():
        if claim is not None:
            headline[kind] = {key: getattr(claim, key) for key in _HEADLINE_FIELDS}
            headline[kind]["span"] = list(claim.span)  # type: ignore[index]
    return {"id": id, "claims": [c.to_dict() for c in claims], "headline": headline}


def debug_tags(text: str, lang: str = "en", lexicons: Lexicons | None = None) -> list[str]:
    """Return each sentence as "word/tag" tokens, to see why a claim was or was not found."""
    lex = (lexicons or _default_lexicons()).get(lang)
    return [
        " ".join(f"{t.low}/{t.tag}" for t in _tag(_raw_tokens(text, start, end, lex), lex))
        for start, end in _sentences(text, lex)
    ]
