"""Lexicons: each language's number words, grammar words and trigger phrases.

The defaults ship with the package (``newsmon/facts/lexicons/<lang>.toml``, read through
importlib.resources); a folder of overrides (``config/lexicons``) adds to them or replaces a
language. A misspelt section or key, a wrong type or an unknown kind is a ``ConfigError``
naming the file and the key.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from newsmon.core.errors import ConfigError
from newsmon.core.languages import language_tag, primary_language
from newsmon.facts.claim import LEXICON_KINDS
from newsmon.facts.numbers import NumberWords

_LIST, _INTS, _FLOATS, _STRS, _STR = (
    "list of strings",
    "int table",
    "number table",
    "string table",
    "string",
)

_SCHEMA: dict[str, dict[str, str]] = {
    "tokens": {"elisions": _LIST, "abbreviations": _LIST, "links": _LIST},
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
        "multiples": _INTS,
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
        "place_prepositions": _LIST,
        "subcount": _LIST,
        "forecast": _LIST,
        "taking": _LIST,
        "reach": _LIST,
        "besides": _LIST,
        "sending": _LIST,
        "events": _LIST,
        "incidents": _LIST,
        "noun_heads": _LIST,
        "severity": _LIST,
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
    "scope": {
        "cumulative": _LIST,
        "historical": _LIST,
        "other_event": _LIST,
        "natural": _LIST,
        "subcount": _LIST,
        "roundup": _LIST,
    },
}
# Trigger roles: after its subject ("2 were killed", "3 dead"), before its object ("killing
# 3"), both ("killed 3", "3 killed"), a state reached through a gap ("was taken to hospital
# in critical condition"), a toll noun ("death toll ... 255"), the agent's own death
# ("killed himself"), a sub-count marker naming its kind ("the dead included"), a noun
# ("3 deaths", "the teen's death", "the death of a boy"), the share of a group just
# counted ("six people were wounded, two fatally": 2 killed, 4 injured), a place of care
# after the people a verb of sending takes there ("sent four people to the hospital").
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
    "lives": _LIST,
    "destination": _LIST,
    "natural": _LIST,
    "multiple": _LIST,
}


@dataclass(frozen=True)
class Entry:
    """What a lexicon phrase means when it appears in a sentence."""

    tag: str
    kind: str | None = None
    active: bool = False  # a trigger that may take an object after it
    self_: bool = False  # "killed himself"
    qual: str | None = None
    who: str | None = None
    plural: bool = False
    aux: str | None = None  # passive|perfect|possessive|currency|month|...
    mark: str | None = None  # forecast ("could"), taking ("claimed"), reach ("rose to")
    count: int | None = None  # people a multiple counts: "triple homicide" (3)


@dataclass(frozen=True)
class Lexicon:
    """One language's rules: number words, grammar words and trigger phrases."""

    lang: str
    numbers: NumberWords
    phrases: dict[tuple[str, ...], Entry]
    first_sizes: dict[str, tuple[int, ...]]  # first word of a phrase -> its phrases' lengths
    trigger_words: frozenset[str]  # a sentence without any of these holds no claim
    elisions: frozenset[str]
    abbreviations: frozenset[str]
    ordinals: dict[str, int]
    additive: frozenset[str]
    function_words: frozenset[str]
    place_prepositions: frozenset[str]  # a name after one is a place: "in Kyiv", "à Paris"
    natural_deaths: frozenset[str]  # killed triggers that may tell a natural death ("died")
    events: frozenset[str]  # words of a violent or accidental event ("shooting", "crash")
    incidents: frozenset[str]  # plural events: "in Chicago shootings" is a round-up
    severity: frozenset[str]  # "no one was seriously hurt" is no zero
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
    # A sentence opening with one of these and a colon links to another story ("RELATED: ...").
    links: re.Pattern[str] | None = None


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
        code = language_tag(lang) or "en"
        found = self.by_lang.get(code) or self.by_lang.get(primary_language(code) or "en")
        return found or self.by_lang["en"]


def load_lexicons(overrides: str | Path | None = None) -> Lexicons:
    """Load the packaged lexicons, with the ``<lang>.toml`` files of ``overrides`` applied.

    An override adds to the packaged lexicon of its language: its lists extend the packaged
    lists, its tables and values replace theirs key by key. ``replace = true`` at the top of
    an override makes it the whole lexicon of its language; a language without a packaged
    lexicon is taken as it is. A missing or empty ``overrides`` folder changes nothing.
    """
    data = {lang: _read(path, text) for lang, path, text in _packaged()}
    if overrides is not None:
        for path in sorted(Path(overrides).glob("*.toml")):
            lang = path.stem.lower()
            extra = _read(str(path), None)
            if extra.pop("replace", False) or lang not in data:
                data[lang] = extra
            else:
                data[lang] = _merge(data[lang], extra)
    return Lexicons({lang: _build_lexicon(lang, body) for lang, body in sorted(data.items())})


@functools.lru_cache(maxsize=1)
def default_lexicons() -> Lexicons:
    """Return the packaged lexicons (read once per process)."""
    return load_lexicons(None)


PACKAGE_LEXICONS = "newsmon.facts", "lexicons"


def _packaged() -> list[tuple[str, str, str]]:
    """Return (language, where, text) of every lexicon shipped with the package."""
    folder = resources.files(PACKAGE_LEXICONS[0]).joinpath(PACKAGE_LEXICONS[1])
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            where = f"{PACKAGE_LEXICONS[0]}:{PACKAGE_LEXICONS[1]}/{entry.name}"
            found.append((entry.name[:-5].lower(), where, entry.read_text(encoding="utf-8")))
    return sorted(found)


def _read(where: str, text: str | None) -> dict[str, Any]:
    """Parse and check one lexicon file (``text`` None: read it from the path ``where``)."""
    try:
        if text is None:
            text = Path(where).read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(where, None, f"cannot read lexicon: {exc}") from exc
    _validate(where, data)
    return data


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Return ``base`` with ``extra`` applied: lists extended, tables merged, values replaced."""
    out = dict(base)
    for key, value in extra.items():
        old = out.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            out[key] = _merge(old, value)
        elif isinstance(value, list) and isinstance(old, list):
            out[key] = old + [v for v in value if v not in old]
        else:
            out[key] = value
    return out


def _validate(path: str, data: dict[str, Any]) -> None:
    for section, body in data.items():
        if section == "replace":
            if not isinstance(body, bool):
                raise ConfigError(path, "replace", "must be true or false")
            continue
        if section == "kinds":
            if not isinstance(body, dict):
                raise ConfigError(path, "kinds", "must be a table")
            for kind, table in body.items():
                if kind not in LEXICON_KINDS:
                    known = ", ".join(LEXICON_KINDS)
                    raise ConfigError(path, f"kinds.{kind}", f"unknown kind (known: {known})")
                _check_table(path, f"kinds.{kind}", table, _KIND_KEYS)
        elif section in _SCHEMA:
            _check_table(path, section, body, _SCHEMA[section])
        else:
            raise ConfigError(path, section, "unknown section")


def _check_table(path: str, where: str, table: object, schema: dict[str, str]) -> None:
    if not isinstance(table, dict):
        raise ConfigError(path, where, "must be a table")
    for key, value in table.items():
        name = f"{where}.{key}"
        if key not in schema:
            raise ConfigError(path, name, "unknown key")
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
            raise ConfigError(path, name, f"wrong type (expected a {expected})")


_PHRASE_PIECE_RE = re.compile(r"\{\w+\}|[^\W_]+(?:'[^\W_]+)*'?|[^\w\s-]")


def _phrase_tokens(phrase: str, elisions: frozenset[str]) -> tuple[str, ...]:
    """Split a lexicon phrase as sentences are split (hyphens dropped, elisions cut)."""
    out: list[str] = []
    for piece in _PHRASE_PIECE_RE.findall(phrase.lower().replace("’", "'")):
        out.extend(split_elision(piece, elisions))
    return tuple(out)


def split_elision(word: str, elisions: frozenset[str]) -> list[str]:
    """Cut "l'observatoire" into "l'" + "observatoire" when "l" is an elision."""
    if elisions and "'" in word:
        head, _, rest = word.partition("'")
        if head in elisions and rest:
            return [head + "'", *split_elision(rest, elisions)]
    return [word]


def _build_lexicon(lang: str, data: dict[str, Any]) -> Lexicon:
    tokens = data.get("tokens", {})
    numbers = data.get("numbers", {})
    grammar = data.get("grammar", {})
    attribution = data.get("attribution", {})
    elisions = frozenset(e.lower() for e in tokens.get("elisions", []))

    def toks(phrase: str) -> tuple[str, ...]:
        return _phrase_tokens(phrase, elisions)

    def words(values: Iterable[str]) -> frozenset[str]:
        return frozenset(" ".join(toks(v)) for v in values)

    def table(name: str) -> dict[str, Any]:
        return {" ".join(toks(k)): v for k, v in numbers.get(name, {}).items()}

    phrases: dict[tuple[str, ...], Entry] = {}

    def add(values: Iterable[str], entry: Entry) -> None:
        for value in values:
            key = toks(value)
            if key:
                phrases[key] = entry

    # Later groups win a clash: a trigger is the most specific meaning of a word.
    add(grammar.get("determiners", []), Entry("d"))
    add(numbers.get("articles", []), Entry("a"))
    add(grammar.get("modifiers", []), Entry("j"))
    add(numbers.get("ordinals", {}), Entry("j"))
    add(grammar.get("adverbs", []), Entry("R"))
    add(grammar.get("relatives", []), Entry("R", aux="relative"))
    add(grammar.get("pronouns", []), Entry("H"))
    add(grammar.get("possessives", []), Entry("d", aux="possessive"))
    add(grammar.get("partitive", []), Entry("o"))
    add(grammar.get("conjunctions", []), Entry("&"))
    add(grammar.get("perfect", []), Entry("A", aux="perfect"))
    add(grammar.get("passive", []), Entry("A", aux="passive"))
    add(grammar.get("negations", []), Entry("G"))
    add(grammar.get("zero", []), Entry("Z"))
    add(grammar.get("subcount", []), Entry("S"))
    add(grammar.get("noun_heads", []), Entry("w", aux="head"))
    add(numbers.get("units", []), Entry("u"))
    add(numbers.get("currency", []), Entry("u"))
    add(numbers.get("percent", []), Entry("u"))
    add(numbers.get("months", []), Entry("t", aux="month"))
    add(numbers.get("weekdays", []), Entry("t"))
    add(numbers.get("time_after", []), Entry("u"))
    who = data.get("who", {})
    for word, label in who.get("singular", {}).items():
        add([word], Entry("P", who=label))
    for word, label in who.get("plural", {}).items():
        add([word], Entry("P", who=label, plural=True))
    add(grammar.get("group_pronouns", []), Entry("P", plural=True))
    add(attribution.get("verbs", []), Entry("v"))
    add(attribution.get("according_to", []), Entry("@"))
    for qual, values in data.get("qualifiers", {}).items():
        add(values, Entry("Q", qual=qual))
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
        ("lives", "P", False),
        ("destination", "w", False),
    )
    trigger_phrases: list[tuple[str, ...]] = []
    multiples = numbers.get("multiples", {})
    for kind, body in data.get("kinds", {}).items():
        # "triple homicide", "homicídio duplo": the multiple counts the people ({n} in the phrase).
        for phrase in body.get("multiple", []):
            for word, count in multiples.items():
                expanded = toks(phrase.replace("{n}", word))
                if expanded:
                    phrases[expanded] = Entry("T", kind=kind, aux="multiple", count=count)
                    trigger_phrases.append(expanded)
        for key, tag, active in roles:
            values = body.get(key, [])
            aux = {
                "nouns": "noun",
                "share": "share",
                "lives": "lives",
                "destination": "destination",
            }.get(key)
            entry = Entry(tag, kind=kind, active=active, self_=key == "self", aux=aux)
            if key == "lives":  # "claimed 26 lives": people counted by a taking verb
                entry = Entry("P", kind=kind, who="people", plural=True, aux=aux)
            add(values, entry)
            trigger_phrases.extend(toks(v) for v in values)
    # A trigger phrase that opens with an auxiliary is a finite verb: "ont été tués".
    auxiliaries = {
        toks(a)[0] for a in [*grammar.get("passive", []), *grammar.get("perfect", [])] if toks(a)
    }
    for phrase, entry in list(phrases.items()):
        if entry.tag in "TX" and entry.kind and len(phrase) > 1 and phrase[0] in auxiliaries:
            phrases[phrase] = replace(entry, mark="finite")
    # Marks ride on whatever the phrase already is: "could be" stays a passive auxiliary.
    for mark in ("forecast", "taking", "reach", "besides", "sending"):
        for value in grammar.get(mark, []):
            marked = toks(value)
            if marked:
                known = phrases.get(marked)
                phrases[marked] = replace(known, mark=mark) if known else Entry("w", mark=mark)
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
        links=_links_pattern(tokens.get("links", [])),
        ordinals=table("ordinals"),
        additive=words(grammar.get("additive", [])),
        function_words=words(grammar.get("function_words", [])),
        place_prepositions=words(grammar.get("place_prepositions", [])),
        natural_deaths=words(data.get("kinds", {}).get("killed", {}).get("natural", [])),
        events=words(grammar.get("events", [])),
        incidents=words(grammar.get("incidents", [])),
        severity=words(grammar.get("severity", [])),
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
            name: _index_markers(toks(v) for v in scope.get(name, [])) for name in _SCOPE_MARKERS
        },
        scope_words={
            name: tuple(
                frozenset(w for w in toks(v) if not w.startswith("{")) for v in scope.get(name, [])
            )
            for name in _SCOPE_MARKERS
        },
    )


# Marker lists: cumulative and historical mark the claim nearest to them; other_event ("comes
# after", "weeks after another") opens a clause about another event: claims after it are old.
# natural: an age at death or an illness, for obituaries ("dies aged 85").
# subcount: a count restricted to one hospital or one day ("the main hospital alone").
# roundup: a count across several incidents ("in weekend shootings", "violent night"): every
# figure of its sentence is a running total, none is one event's toll.
_SCOPE_MARKERS = ("cumulative", "historical", "other_event", "natural", "subcount", "roundup")


def _links_pattern(links: list[str]) -> re.Pattern[str] | None:
    """Match a sentence that opens with a link to another story: "RELATED: ...", "► Related:",
    "Leia também: ...". The colon (or a bar, a dash) is required: "Related charges" reads on."""
    if not links:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, link.split())) for link in links)
    return re.compile(rf"[\W_]*(?:{alternatives})\s*[:|>\u2013\u2014-]", re.IGNORECASE)


def _rarest_word(words: tuple[str, ...], phrases: dict[tuple[str, ...], Entry]) -> str:
    """Pick the word of a trigger phrase least likely in any sentence ("killed", not "was")."""
    content = [
        w for w in words if len(w) > 3 and phrases.get((w,), Entry("w")).tag not in "AadoR&HQ"
    ]
    return max(content or words, key=len)


def _index_markers(markers: Iterable[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for marker in markers:
        if marker:
            index.setdefault(marker[0], []).append(marker)
    return index
