"""Words that carry a story across languages, and the per-language rules for reading them.

Package data (``newsmon/stories/data``, our own lists): function words of German, Turkish,
Polish and Arabic (``stopwords.toml``); places and organisations under their names in
English, French, Portuguese, Spanish and German, with their demonyms (``places.txt``); and a
bilingual lexicon of event words (``events.txt``). A place becomes one name feature whatever
the language ("Deutschland", "allemand", "German" -> ``e:germany``); an event word one
concept feature (``w:~earthquake`` for "séisme", "Erdbeben", "quake"). Names are compared
transliteration-insensitively ("Orbán", "Orban"; "Шольц", "Scholz" differ only by script).
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from importlib import resources

# Letters that do not decompose into a base letter and a mark.
_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "ł": "l",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ħ": "h",
        "ŀ": "l",
    }
)
# Cyrillic and Greek written in Latin letters, one common romanisation.
_SCRIPTS = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziyklmnoprstufye", strict=True)),
        "ж": "zh",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ю": "yu",
        "я": "ya",
        "ё": "e",
        "ъ": "",
        "ь": "",
        "є": "ye",
        "і": "i",
        "ї": "yi",
        "ґ": "g",
        **dict(zip("αβγδεζηικλμνξοπρστυφω", "abgdeziiklmnxoprstyfo", strict=True)),
        "θ": "th",
        "χ": "ch",
        "ψ": "ps",
        "ς": "s",
    }
)


def fold_name(folded: str) -> str:
    """Return a case-folded name without diacritics, in Latin letters ("orbán" -> "orban")."""
    if folded.isascii():
        return folded
    plain = unicodedata.normalize("NFKD", folded.translate(_LETTERS))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return plain.translate(_SCRIPTS)


# German nouns are capitalised: these endings mark a common noun, not a name.
_GERMAN_NOUN = re.compile(
    r"(?:ung|ungen|heit|heiten|keit|keiten|schaft|schaften|tion|tionen|ität|itäten|ismus|nis|"
    r"nisse|tum|ment|mente|chen|lein|ling|linge|enz|anz|ik|ur|ei|eien|ler|ner|erin|erinnen|"
    r"ist|isten|ant|anten|ent|enten|eur|eure|sten|ster|stern|lage|zeit|jahr|jahre|tag|tage)$"
)
_GERMAN_DETERMINERS = frozenset(
    """der die das den dem des ein eine einer einem einen eines kein keine keiner keinem keinen
    im am zum zur vom beim ins ans aufs diese dieser diesem diesen dieses jede jeder jedem
    jeden jedes sein seine seiner seinem seinen ihr ihre ihrer ihrem ihren unser unsere
    unserer unserem unseren""".split()  # noqa: SIM905 - a word list reads best as text
)
# Endings tried, longest first, when looking a word up in the lists (plural, case, gender).
_ENDINGS = {
    "de": ("innen", "ern", "en", "er", "es", "em", "in", "e", "n", "s"),
    "fr": ("es", "s", "e"),
    "pt": ("es", "s", "a"),
    "es": ("es", "s", "a"),
    "en": ("es", "s"),
}
_ANY_ENDINGS = ("es", "s")
# Words of inflected languages are compared by their first five letters, a cheap stemmer
# (SemEval half A: better than 7/6/6 letters for de/pl/tr, and than whole words for
# es/fr/pt). English keeps its words: the English corpora were tuned on them.
_PREFIX = {"de": 5, "pl": 5, "tr": 5, "es": 5, "fr": 5, "pt": 5}
_ARABIC_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف")
_TURKISH_SUFFIX = re.compile(r"^([^\W\d_]+)['’][^\W\d_]{1,6}$")


@dataclass
class Lexicon:
    """The lists and rules for reading one language (or any, for ``None``)."""

    lang: str | None
    stopwords: frozenset[str]
    place_names: dict[str, str]  # folded name -> place key
    acronyms: dict[str, str]  # "EU", "UNO" as written -> place key
    place_adjectives: dict[str, str]
    concepts: dict[str, str]  # folded word -> concept
    # The same three tables under their inflected forms ("deutschen", "séismes"), as the
    # language's endings make them: one lookup, not one per ending, on the per-word path.
    inflected_names: dict[str, str] = field(default_factory=dict)
    inflected_adjectives: dict[str, str] = field(default_factory=dict)
    inflected_concepts: dict[str, str] = field(default_factory=dict)
    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)  # -> feature key
    phrase_starts: frozenset[str] = frozenset()

    def surface_name(self, token: str, folded: str) -> str:
        """Return the name key of a token read as a name (a place's key, or the folded name)."""
        if token.isupper() and token in self.acronyms:
            return self.acronyms[token]
        name = fold_name(folded)
        return (
            self.place_names.get(name)
            or self.place_adjectives.get(name)
            or self.inflected_names.get(name)
            or self.inflected_adjectives.get(name)
            or name
        )

    def place(self, folded: str) -> str | None:
        """Return the place a name or demonym stands for, if it is one of ours."""
        name = fold_name(folded)
        return (
            self.place_names.get(name)
            or self.place_adjectives.get(name)
            or self.inflected_names.get(name)
            or self.inflected_adjectives.get(name)
        )

    def adjective_place(self, folded: str) -> str | None:
        """Return the place a demonym or adjective names ("allemande", "deutschen")."""
        name = fold_name(folded)
        return self.place_adjectives.get(name) or self.inflected_adjectives.get(name)

    def concept(self, folded: str) -> str | None:
        """Return the event concept of a word ("séismes" -> "earthquake")."""
        return self.concepts.get(folded) or self.inflected_concepts.get(folded)

    def is_common_noun(self, folded: str, previous: str | None) -> bool:
        """In German, is this capitalised word a common noun rather than a name? It is when it
        is a function or event word, ends like a noun ("-ung", "-heit"…), or follows an
        article ("der Osten", "einer Katastrophe"), unless it is one of our places."""
        if self.lang != "de" or self.place(folded) is not None:
            return False
        return (
            folded in self.stopwords
            or previous in _GERMAN_DETERMINERS
            or self.concept(folded) is not None
            or (len(folded) > 5 and _GERMAN_NOUN.search(folded) is not None)
        )

    def word_key(self, folded: str, plain: str) -> str:
        """Return the key of a plain word (``plain``: the default, plural-folded key)."""
        if self.lang == "ar":
            for prefix in _ARABIC_PREFIXES:
                if folded.startswith(prefix) and len(folded) - len(prefix) >= 3:
                    return folded[len(prefix) :]
            return folded
        cut = _PREFIX.get(self.lang or "")
        return folded[:cut] if cut else plain

    def strip_suffix(self, token: str) -> str:
        """Return a Turkish name without its case suffix ("Denizli'nin" -> "Denizli")."""
        if self.lang == "tr":
            match = _TURKISH_SUFFIX.match(token)
            if match:
                return match.group(1)
        return token


def _inflect(table: dict[str, str], endings: tuple[str, ...]) -> dict[str, str]:
    """Return ``table`` under its inflected forms: a word that ends with one of ``endings``
    (tried in order) over a stem of three letters or more that the table holds."""
    out: dict[str, str] = {}
    for ending in endings:
        for stem, value in table.items():
            if len(stem) > 2:
                out.setdefault(stem + ending, value)
    return out


_ELISION = re.compile(r"^(?:[ldjnmtsc]|qu|all|dell|nell|sull)'(?=\w)|'s$")


def phrase_word(token: str) -> str:
    """Return a token as words are compared: case-folded, French and Italian elisions and
    the English possessive dropped ("L'armée" -> "armée", "Karsa's" -> "karsa")."""
    folded = token.casefold()
    if "'" in folded or "’" in folded:
        folded = _ELISION.sub("", folded.replace("’", "'"))
    return folded


def _data(name: str) -> str:
    return resources.files("newsmon.stories").joinpath("data", name).read_text(encoding="utf-8")


def _entries(name: str) -> list[tuple[str, list[str], list[str]]]:
    """Return (key, names, adjectives) per line of a ``key: names ; adjectives`` file."""
    out = []
    for line in _data(name).splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, rest = line.partition(":")
        names, _, adjectives = rest.partition(";")
        out.append(
            (
                key.strip(),
                [n.strip() for n in names.split(",") if n.strip()],
                [a.strip() for a in adjectives.split(",") if a.strip()],
            )
        )
    return out


def _words(text: str) -> tuple[str, ...]:
    return tuple(unicodedata.normalize("NFKC", text).casefold().replace("’", "'").split())


@functools.cache
def _tables() -> tuple[
    dict[str, frozenset[str]],
    dict[str, str],
    dict[str, str],
    dict[str, str],
    dict[str, str],
    dict[tuple[str, ...], str],
]:
    stopwords = {
        lang: frozenset(_words(text))
        for lang, text in tomllib.loads(_data("stopwords.toml")).items()
    }
    names: dict[str, str] = {}
    acronyms: dict[str, str] = {}
    adjectives: dict[str, str] = {}
    phrases: dict[tuple[str, ...], str] = {}
    for key, written, demonyms in _entries("places.txt"):
        for name in written:
            words = _words(name)
            if len(words) > 1:
                phrases[tuple(fold_name(phrase_word(w)) for w in words)] = "e:" + key
            elif name.replace(".", "").isupper() and len(name) <= 5:
                acronyms[name] = key
            else:
                names[fold_name(words[0])] = key
        for adjective in demonyms:
            adjectives[fold_name(_words(adjective)[0])] = key
    concepts: dict[str, str] = {}
    for key, words_, _ in _entries("events.txt"):
        for word in words_:
            words = _words(word)
            if len(words) > 1:
                phrases.setdefault(tuple(fold_name(phrase_word(w)) for w in words), "w:~" + key)
            else:
                concepts.setdefault(words[0], key)
    return stopwords, names, acronyms, adjectives, concepts, phrases


@functools.cache
def lexicon(lang: str | None) -> Lexicon:
    """Return the lexicon for texts in ``lang`` (a primary subtag, or None)."""
    stopwords, names, acronyms, adjectives, concepts, phrases = _tables()
    endings = _ENDINGS.get(lang or "", _ANY_ENDINGS)
    return Lexicon(
        lang=lang,
        stopwords=stopwords.get(lang or "", frozenset()),
        place_names=names,
        acronyms=acronyms,
        place_adjectives=adjectives,
        concepts=concepts,
        phrases=phrases,
        phrase_starts=frozenset(words[0] for words in phrases),
        inflected_names=_inflect(names, endings),
        inflected_adjectives=_inflect(adjectives, endings),
        inflected_concepts=_inflect(concepts, endings),
    )


@functools.cache
def concept_keys() -> frozenset[str]:
    """Return every concept feature key (``w:~earthquake``…)."""
    _, _, _, _, concepts, phrases = _tables()
    return frozenset(
        {"w:~" + c for c in concepts.values()}
        | {key for key in phrases.values() if key.startswith("w:~")}
    )
