"""Incremental story clustering: articles about one event, across outlets, languages and days.

An article is described by weighted features that mostly carry across languages — names
(capitalised terms), numbers, and dates resolved against its publication date — plus
ordinary content words, and by the same features of its lead. Weights are TF-IDF with
document frequencies kept in the store. A new article looks up, in an inverted index restricted
to the active window, the member articles sharing its most discriminative features; it joins
the story scoring best (its best member and its profile, through per-kind cosines) when that
clears ``join_threshold``, else starts a story. Wire copies follow their wire group's story
(see dedupe.py). Stories that two strong matches show to be one are merged; a story whose
members fall into two groups that do not belong together is split; both are recorded.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import sqlite_utils

from newsmon import dedupe
from newsmon.core.clock import iso, parse_iso
from newsmon.core.settings import StoriesSettings
from newsmon.core.text import is_reader_furniture, is_volatile, split_sentences

# --- features ---------------------------------------------------------------------------------

# Function words and news boilerplate in the four languages we watch most; never features.
_STOPWORDS = frozenset(
    """
    a about above after again against ago all also although am among an and another any are
    around as at be because been before being below between both but by can could did do does
    doing down during each either even ever every few for from further had has have having he
    her here hers herself him himself his how however i if in into is it its itself just last
    least less like many may me might more most much must my near neither new next no nor not
    now of off on once one only or other our ours out over own per same say said says she should
    since so some still such than that the their theirs them then there these they this those
    though through thus to too told under until up upon us very was we were what when where
    whether which while who whom whose why will with within without would yet you your mr mrs ms
    dr st according also including told reported reporter reporters monday tuesday wednesday
    thursday friday saturday sunday today yesterday tonight mon tue tues wed thu thur thurs fri
    sat sun january february march april june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec am pm gmt bst cet cest est edt pst pdt utc
    et pt ct cst cdt mst mdt au aux avec ce ces cet cette dans de des du elle elles en est et
    été être eu il ils je la le les leur leurs lui ma mais me mes même moi mon ne nos notre nous
    on ont ou où par pas plus pour qu que qui sa sans se ses si son sont sur ta te tes toi ton
    tu un une vos votre vous y ainsi alors après avant aussi avoir car comme donc dont encore
    entre fait faire lors quand selon sous très tout tous toute toutes vers depuis contre chez
    déjà cela ceci lundi mardi mercredi jeudi vendredi samedi dimanche hier aujourd janvier
    février avril mai juin juillet août septembre octobre novembre décembre ao aos as às com
    como da das de do dos ela elas ele eles em entre era essa esse esta este eu foi foram há
    isso isto já lhe lhes mais mas me mesmo meu minha muito na nas não nem no nos nossa nosso
    num numa o os ou para pela pelas pelo pelos por qual quando que quem se sem ser seu seus sua
    suas só também te tem têm um uma umas uns você segundo após ainda sobre até desde disse
    afirmou ontem hoje feira segunda terça quarta quinta sexta sábado domingo janeiro fevereiro
    março maio junho julho setembro outubro dezembro al algo algunos ante antes aquel aquella
    cada con contra cual cuando del desde donde el ella ellas ellos en entre era es esa ese esta
    este esto estos fue fueron ha han hasta hay la las le les lo los más me mi muy nada ni no
    nos o otra otro para pero poco por porque que quien se ser si sin sobre su sus tan también
    te tiene todo todos tras un una uno unos y ya dijo según ayer hoy lunes martes miércoles
    jueves viernes enero febrero marzo mayo junio julio agosto septiembre setiembre octubre
    noviembre diciembre
    """.split()  # noqa: SIM905 - a word list reads best as text
)

_MONTHS = {
    **dict.fromkeys(["january", "jan", "janvier", "janv", "janeiro", "enero"], 1),
    **dict.fromkeys(["february", "feb", "février", "fevrier", "févr", "fevereiro", "febrero"], 2),
    **dict.fromkeys(["march", "mar", "mars", "março", "marco", "marzo"], 3),
    **dict.fromkeys(["april", "apr", "avril", "abril"], 4),
    **dict.fromkeys(["may", "mai", "maio", "mayo"], 5),
    **dict.fromkeys(["june", "jun", "juin", "junho", "junio"], 6),
    **dict.fromkeys(["july", "jul", "juillet", "julho", "julio"], 7),
    **dict.fromkeys(["august", "aug", "août", "aout", "agosto"], 8),
    **dict.fromkeys(["september", "sep", "sept", "septembre", "setembro", "septiembre"], 9),
    **dict.fromkeys(["setiembre"], 9),
    **dict.fromkeys(["october", "oct", "octobre", "outubro", "octubre"], 10),
    **dict.fromkeys(["november", "nov", "novembre", "novembro", "noviembre"], 11),
    **dict.fromkeys(["december", "dec", "décembre", "decembre", "dezembro", "diciembre"], 12),
}
_WEEKDAYS = {
    **dict.fromkeys(["monday", "lundi", "segunda-feira", "lunes"], 0),
    **dict.fromkeys(["tuesday", "mardi", "terça-feira", "terca-feira", "martes"], 1),
    **dict.fromkeys(["wednesday", "mercredi", "quarta-feira", "miércoles", "miercoles"], 2),
    **dict.fromkeys(["thursday", "jeudi", "quinta-feira", "jueves"], 3),
    **dict.fromkeys(["friday", "vendredi", "sexta-feira", "viernes"], 4),
    **dict.fromkeys(["saturday", "samedi", "sábado", "sabado"], 5),
    **dict.fromkeys(["sunday", "dimanche", "domingo"], 6),
}
_RELATIVE_DAYS = {
    **dict.fromkeys(["yesterday", "hier", "ontem", "ayer"], -1),
    **dict.fromkeys(["today", "tonight", "aujourd'hui", "aujourd’hui", "hoje", "hoy"], 0),
}
_DATE_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
# 14,000 · 14.000 · 14 000 (also with no-break spaces) · 1.2 · 1,2 · 240
_NUMBER = re.compile(
    r"(?<![\w.,])\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?![\d])|(?<![\w.,])\d+(?:[.,]\d+)?"
)
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


@dataclass(frozen=True)
class FeatureWeights:
    """Multipliers per feature kind (names, numbers, dates, words) and for the title."""

    name: float = 2.0
    number: float = 1.5
    date: float = 1.5
    word: float = 1.0
    pair: float = 0.0  # adjacent names ("jamal williams")
    title: float = 1.5
    lead: float = 1.0  # the first sentences state the event; later ones give background
    lead_sentences: int = 3


_ELISION = re.compile(r"^(?:[ldjnmtsc]|qu|all|dell|nell|sull)'(?=\w)|'s$")


def _fold(token: str) -> str:
    """Return a token as features compare it (text is NFKC-normalised beforehand)."""
    folded = token.casefold()
    if "'" in folded or "’" in folded:
        folded = _ELISION.sub("", folded.replace("’", "'"))
    return folded


def _number_key(raw: str) -> str | None:
    cleaned = raw.replace("\u00a0", " ").replace("\u202f", " ")
    if re.fullmatch(r"\d{1,3}(?:([,. ])\d{3})(?:\1\d{3})*", cleaned):
        return cleaned.replace(",", "").replace(".", "").replace(" ", "").lstrip("0") or "0"
    if " " in cleaned:
        return None
    value = cleaned.replace(",", ".")
    whole, _, frac = value.partition(".")
    whole = whole.lstrip("0") or "0"
    frac = frac.rstrip("0")
    return f"{whole}.{frac}" if frac else whole


def _date_key(month: int, day: int, year: str | None, reference: date | None) -> str | None:
    try:
        if year:
            return date(int(year), month, day).isoformat()
        if reference is None:
            date(2000, month, day)  # validates day and month (2000 is a leap year)
            return f"--{month:02d}-{day:02d}"
        moment = date(reference.year, month, day)
        # A date without a year that lies well after the article is last year's.
        if moment > reference + timedelta(days=7):
            moment = date(reference.year - 1, month, day)
        return moment.isoformat()
    except ValueError:
        return None


_DATE_TOKEN = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_DAY_NUMBER = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|er|º|°)?$", re.IGNORECASE)
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def _day_of(token: str | None) -> int | None:
    match = _DAY_NUMBER.match(token) if token else None
    return int(match.group(1)) if match else None


def extract_dates(text: str, reference: date | None) -> Counter[str]:
    """Return the calendar dates ``text`` mentions, weekdays resolved against ``reference``.

    Handles "March 3", "Feb. 6, 2014", "3 mars", "3 de março de 2024", ISO dates, weekdays and
    yesterday/today in English, French, Portuguese and Spanish. Without a reference (the
    publication date is unknown) weekdays are skipped and dates without a year are keyed by
    month and day alone ("--03-14").
    """
    found: Counter[str] = Counter()
    for match in _DATE_ISO.finditer(text):
        try:
            day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
        found[day.isoformat()] += 1
    tokens = _DATE_TOKEN.findall(text)
    count = len(tokens)

    def token(i: int) -> str | None:
        return tokens[i] if 0 <= i < count else None

    for i, raw in enumerate(tokens):
        word = raw.casefold()
        month = _MONTHS.get(word)
        if month is not None:
            day_number = _day_of(token(i + 1))
            year_at = i + 2
            if day_number is None:  # "3 mars", "3 de março"
                before = i - 2 if (token(i - 1) or "").casefold() == "de" else i - 1
                day_number = _day_of(token(before))
                year_at = i + 1
            if day_number is None:
                continue
            if (token(year_at) or "").casefold() == "de":
                year_at += 1
            year = token(year_at)
            key = _date_key(
                month, day_number, year if year and _YEAR.match(year) else None, reference
            )
            if key:
                found[key] += 1
        elif reference is not None and (word in _WEEKDAYS or word in _RELATIVE_DAYS):
            word = word.replace("’", "'")
            if word in _RELATIVE_DAYS:
                moment = reference + timedelta(days=_RELATIVE_DAYS[word])
            else:
                moment = reference - timedelta(days=(reference.weekday() - _WEEKDAYS[word]) % 7)
            found[moment.isoformat()] += 1
    return found


def _word_key(folded: str) -> str:
    # Crude plural folding is enough for matching within one language.
    if len(folded) > 4 and folded.endswith("s") and not folded.endswith("ss"):
        return folded[:-1]
    return folded


# Abbreviations that place names are written both ways with ("Mt. Washington").
_ABBREVIATIONS = {
    "mt": "mount",
    "ft": "fort",
    "ave": "avenue",
    "blvd": "boulevard",
    "rd": "road",
    "hwy": "highway",
    "pkwy": "parkway",
}
# A street address: "the 400 block of Pecan Ave.", "16411 Saybrook", "1200 N. Main Street".
_ADDRESS = re.compile(
    r"(?<![\d,.])(\d{2,6})\s+(block\s+of\s+)?(?:(?:[NSEW]|North|South|East|West)\.?\s+)?"
    r"([A-Z][^\W\d_]+)"
)
# A video playlist entry ("1:49 Grandmother says … Pause"): another article's headline.
_PLAYLIST = re.compile(r"^\s*\d{1,2}:\d\d\s+(?![ap]\.?m\b)\S", re.IGNORECASE)


def address_keys(piece: str) -> list[str]:
    """Return the street addresses of a text as keys ("400 pecan"): rare and event-specific."""
    keys = []
    for match in _ADDRESS.finditer(piece):
        number, block, street = match.groups()
        value = int(number)
        if not block and (value < 100 or 1900 <= value <= 2099):
            continue  # "25 Police officers", "2016 United Way": a count or a year
        folded = _fold(street)
        if folded in _STOPWORDS or folded in _MONTHS:
            continue
        keys.append(f"{value} {_ABBREVIATIONS.get(folded, folded)}")
    return keys


# A telephone number ("(504) 822-1111", "1-800-222-8477", "554-1111"): a tip line that every
# article of one police beat prints, never a figure of the event.
_PHONE = re.compile(
    r"(?<![\d-])(?:\+?1[\s.-])?(?:\(\d{3}\)\s?|\d{3}[\s.-])?\d{3}[.-]\d{4}(?![\d-])"
)


def outlet_names(url: str | None) -> frozenset[str]:
    """Return the words an outlet's own host name is made of ("ksla" for www.ksla.com).

    A station or paper naming itself ("KSLA", "WAFB 9 News") shares that name with all its
    other articles, about every event it covers: never evidence of one event.
    """
    if not url:
        return frozenset()
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.casefold()).split("/")[0].split(":")[0]
    labels = [label for label in host.split(".")[:-1] if label not in ("www", "m", "amp")]
    return frozenset(label for label in labels if len(label) >= 3 and label.isalnum())


def _is_outlet_name(token: str, folded: str, outlet: frozenset[str]) -> bool:
    """Is this name the outlet's own: its host label ("triblive"), or a call sign that starts
    one ("WWL" for wwltv.com, "CBS" for cbslocal.com)? A city inside a host name ("Fresno"
    in fresnobee.com) is not: other outlets name it too."""
    if folded in outlet:
        return True
    return (
        len(folded) >= 3 and token.isupper() and any(label.startswith(folded) for label in outlet)
    )


_TITLE_SPLIT = re.compile(r"\s+(?:[-|–—]|::)\s+")
_DIGITS = re.compile(r"\d")


def line_key(line: str) -> int:
    """Return a 63-bit key for a line as boilerplate detection compares it (digits ignored)."""
    # NFKC first: features read normalised text, boilerplate detection the raw page.
    folded = " ".join(_DIGITS.sub("0", _fold(unicodedata.normalize("NFKC", line))).split())
    return int.from_bytes(hashlib.blake2b(folded.encode(), digest_size=8).digest(), "big") >> 1


def boilerplate_candidates(title: str | None, text: str, max_words: int = 60) -> dict[int, int]:
    """Return the short lines and title segments that may be page furniture: key -> words."""
    found: dict[int, int] = {}
    for line in text.splitlines():
        words = len(line.split())
        if 0 < words <= max_words:
            found[line_key(line)] = words
    if title:
        for part in _TITLE_SPLIT.split(title)[1:]:
            found[line_key(part)] = len(part.split())
    return found


@dataclass
class Features:
    """Raw feature weights of one article: the whole text and its lead (title + first lines)."""

    full: dict[str, float]
    lead: dict[str, float]
    # Capitalised headline words the body does not settle (it never uses them, or is empty):
    # their kind is a guess that ``settle_guesses`` may revise from what the store has seen.
    guessed: set[str] = dataclasses.field(default_factory=set)


def extract_features(
    title: str | None,
    text: str,
    reference: date | None,
    weights: FeatureWeights | None = None,
    furniture: set[int] | frozenset[int] = frozenset(),
    outlet: frozenset[str] = frozenset(),
) -> Features:
    """Return the kind-weighted, title-boosted feature counts of one article.

    Keys are ``e:`` names, ``n:`` numbers, ``d:`` ISO dates and ``w:`` content words. Lines and
    title segments whose ``line_key`` is in ``furniture`` are skipped, so are names the
    outlet's own host name contains (``outlet``, see ``outlet_names``) and telephone numbers.
    """
    weights = weights or FeatureWeights()
    text = unicodedata.normalize("NFKC", text)
    title = unicodedata.normalize("NFKC", title) if title else None
    text = "\n".join(
        line
        for line in text.splitlines()
        if not _PLAYLIST.match(line)
        and not is_volatile(line)  # "Read also: …" names another story
        and not is_reader_furniture(line)  # "Whenever Jane Doe posts, you'll get an email"
        and (not furniture or line_key(line) not in furniture)
    )
    if furniture and title:
        parts = _TITLE_SPLIT.split(title)
        title = " - ".join([parts[0], *(p for p in parts[1:] if line_key(p) not in furniture)])
    spans = split_sentences(text)
    tokenised = [_TOKEN.findall(text[a:b]) for a, b in spans]
    capitalised_inside = {
        _fold(token) for tokens in tokenised for token in tokens[1:] if token[:1].isupper()
    }
    lowercase_inside = {_fold(t) for tokens in tokenised for t in tokens if t[:1].islower()}
    title_tokens = _TOKEN.findall(title) if title else []
    content = [t for t in title_tokens[1:] if _fold(t) not in _STOPWORDS]
    # "Four Shot Near Westport" capitalises every word; "Four shot near Westport" only names.
    title_case = sum(1 for t in content if t[:1].isupper()) > 0.6 * len(content)

    guessed: set[str] = set()

    def title_name(token: str, folded: str, index: int) -> bool:
        if folded in capitalised_inside:
            return True
        if folded in lowercase_inside:
            return False
        if len(folded) >= 3:
            guessed.add(folded)
        # The body does not say (it may be empty): trust sentence case; in title case an
        # unknown capitalised word is more often a place or a person than not.
        return index > 0 or title_case

    def add_tokens(
        counts: defaultdict[str, float], tokens: list[str], factor: float, is_title: bool
    ) -> None:
        previous: str | None = None
        for index, token in enumerate(tokens):
            folded = _fold(token)
            folded = _ABBREVIATIONS.get(folded, folded)
            if len(folded) < 2 or folded in _STOPWORDS:
                previous = None
                continue
            upper = token[:1].isupper()
            if upper and len(token) >= 2 and token.isupper():
                is_name = True  # an acronym
            elif upper and is_title:
                is_name = title_name(token, folded, index)
            elif upper and index == 0:
                # Sentences start with a capital anyway: a name only if the body also
                # capitalises it mid-sentence.
                is_name = folded in capitalised_inside
            else:
                is_name = upper
            if is_name:
                if outlet and _is_outlet_name(token, folded, outlet):
                    previous = None
                    continue
                counts["e:" + folded] += weights.name * factor
                if previous is not None and weights.pair:
                    counts["e:" + previous + " " + folded] += weights.pair * factor
                previous = folded
            else:
                previous = None
                if len(folded) >= 3:
                    counts["w:" + _word_key(folded)] += weights.word * factor

    def add_numbers_and_dates(counts: defaultdict[str, float], piece: str, factor: float) -> None:
        piece = _PHONE.sub(" ", piece)
        for match in _NUMBER.finditer(piece):
            key = _number_key(match.group(0))
            if key is not None:
                counts["n:" + key] += weights.number * factor
        for key, count in extract_dates(piece, reference).items():
            counts["d:" + key] += weights.date * factor * count
        for key in address_keys(piece):
            counts["e:" + key] += weights.name * factor

    lead: defaultdict[str, float] = defaultdict(float)
    if title:
        add_tokens(lead, title_tokens, weights.title, True)
        add_numbers_and_dates(lead, title, weights.title)
    head = spans[: weights.lead_sentences]
    for tokens in tokenised[: weights.lead_sentences]:
        add_tokens(lead, tokens, 1.0, False)
    if head:
        add_numbers_and_dates(lead, text[head[0][0] : head[-1][1]], 1.0)
    full = defaultdict(float, lead)
    for tokens in tokenised[weights.lead_sentences :]:
        add_tokens(full, tokens, 1.0, False)
    if len(spans) > len(head):
        add_numbers_and_dates(full, text[spans[len(head)][0] :], 1.0)
    return Features(full, lead, guessed)


def settle_guesses(features: Features, df: dict[str, int]) -> None:
    """Give each guessed headline word the kind the store has mostly seen it as.

    "Providence gang member sentenced …" over an empty body: sentence case makes the first
    word a plain word, though every other article names the city; title case ("Officer
    Charged With Endangering") makes every word a name. ``df`` holds the document
    frequencies of both keys (``e:providence`` and ``w:providence``) of each guessed word.
    """
    for folded in features.guessed:
        name, word = "e:" + folded, "w:" + _word_key(folded)
        as_name, as_word = df.get(name, 0), df.get(word, 0)
        if as_name == as_word:
            continue
        source, target = (word, name) if as_name > as_word else (name, word)
        for counts in (features.full, features.lead):
            moved = counts.pop(source, 0.0)
            if moved:
                counts[target] = counts.get(target, 0.0) + moved


# --- vectors and scores -----------------------------------------------------------------------

KINDS = ("e", "n", "d", "w")  # names, numbers, dates, words
_KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}
FULL_TERMS = 150  # features kept per article vector
LEAD_TERMS = 60
PROFILE_TERMS = 300  # features kept in a story profile
LEAD_PROFILE_TERMS = 150
KEY_TERMS = 8
PRIOR_DOCUMENTS = 100


@functools.lru_cache(maxsize=1 << 18)
def feature_id(key: str) -> int:
    """Return the 32-bit id a feature is counted, indexed and stored under (kind in 2 bits)."""
    digest = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "big")
    return (digest & ~3) | _KIND_CODE[key[0]]


@dataclass(frozen=True)
class ScoreWeights:
    """How the similarity of an article to a story (or another article) is composed.

    score = cos(all) + Σ kind · cos(that kind alone) + lead · cos(leads). Per-kind cosines
    let shared names, numbers and dates count even when the words differ (another language)
    and make a look-alike event with other names, figures or dates score low.
    """

    names: float = 1.0
    numbers: float = 0.5
    dates: float = 0.25
    words: float = 0.0
    lead: float = 0.5
    member: float = 0.5  # share of the best single member in a story's score (rest: profile)
    rare: float = 0.3  # per shared rare name or number
    rare_max: int = 3


@dataclass
class Vector:
    """Sparse feature weights (by feature id) with their norms, overall and per kind."""

    weights: dict[int, float]
    norm: float
    kind_norms: tuple[float, float, float, float]

    @classmethod
    def of(cls, weights: dict[int, float]) -> Vector:
        squares = [0.0, 0.0, 0.0, 0.0]
        for key, value in weights.items():
            squares[key & 3] += value * value
        kind = (
            math.sqrt(squares[0]),
            math.sqrt(squares[1]),
            math.sqrt(squares[2]),
            math.sqrt(squares[3]),
        )
        return cls(weights, math.sqrt(sum(squares)), kind)


@dataclass
class Profile:
    """An article (or a story's sum of articles) as compared: whole text and lead."""

    full: Vector
    lead: Vector
    rare: frozenset[int] = frozenset()  # names and numbers few stored articles have
    lang: str | None = None  # primary language subtag ("fr"), when known
    dated: bool = True  # the article states when it was published


def _cosines(a: Vector, b: Vector, words: bool = True) -> tuple[float, list[float]]:
    """Return the overall cosine and the cosine of each kind; ``words=False`` leaves words out
    of the overall one (two languages share names, figures and dates, not words)."""
    small, large = (
        (a.weights, b.weights) if len(a.weights) <= len(b.weights) else (b.weights, a.weights)
    )
    dots = [0.0, 0.0, 0.0, 0.0]
    for key, value in small.items():
        other = large.get(key)
        if other:
            dots[key & 3] += value * other
    if words:
        overall = sum(dots) / (a.norm * b.norm) if a.norm and b.norm else 0.0
    else:
        na = math.sqrt(sum(n * n for n in a.kind_norms[:3]))
        nb = math.sqrt(sum(n * n for n in b.kind_norms[:3]))
        overall = sum(dots[:3]) / (na * nb) if na and nb else 0.0
    kinds = [
        dots[k] / (a.kind_norms[k] * b.kind_norms[k])
        if a.kind_norms[k] and b.kind_norms[k]
        else 0.0
        for k in range(4)
    ]
    return overall, kinds


def similarity(a: Profile, b: Profile, weights: ScoreWeights | None = None) -> float:
    """Return the composed similarity of two profiles (0 for nothing shared).

    When ``a`` knows which of its names and numbers are rare in the store, each one that
    ``b`` shares adds ``weights.rare`` (up to ``weights.rare_max`` of them): a victim's name
    or a street number seen in a handful of articles links them whatever else they say.
    """
    w = weights or ScoreWeights()
    same_language = not (a.lang and b.lang and a.lang != b.lang)
    overall, kinds = _cosines(a.full, b.full, same_language)
    lead, _ = _cosines(a.lead, b.lead, same_language)
    rare = 0
    if a.rare and w.rare:
        rare = min(w.rare_max, sum(1 for key in a.rare if key in b.full.weights))
    return (
        overall
        + w.names * kinds[0]
        + w.numbers * kinds[1]
        + w.dates * kinds[2]
        + w.words * kinds[3]
        + w.lead * lead
        + w.rare * rare
    )


def _unit(counts: dict[str, float], idf: dict[str, float], keep: int) -> dict[str, float]:
    weighted = {k: (1.0 + math.log(c)) * idf[k] for k, c in counts.items() if c >= 1 and idf[k] > 0}
    top = sorted(weighted.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]
    norm = math.sqrt(sum(v * v for _, v in top)) or 1.0
    return {k: v / norm for k, v in top}


def _ids(vector: dict[str, float]) -> dict[int, float]:
    out: dict[int, float] = {}
    for key, value in vector.items():
        fid = feature_id(key)
        out[fid] = out.get(fid, 0.0) + value
    return out


def _add(
    profile: dict[int, float], vector: dict[int, float], sign: float, keep: int
) -> dict[int, float]:
    merged = dict(profile)
    for key, value in vector.items():
        merged[key] = merged.get(key, 0.0) + sign * value
    kept = [(k, v) for k, v in merged.items() if v > 1e-6]
    kept.sort(key=lambda kv: (-kv[1], kv[0]))
    return dict(kept[:keep])


_HEADER = np.dtype("<f4")  # the overall norm, then the four per-kind norms


def _pack(vector: dict[int, float], weight_type: str = "<f2") -> bytes:
    """Return norms, feature ids (uint32) and weights (float16 for articles, float32 stories)."""
    ids = np.fromiter(vector.keys(), dtype="<u4", count=len(vector))
    weights = np.fromiter(vector.values(), dtype="<f4", count=len(vector)).astype(weight_type)
    stored = weights.astype(np.float64)
    kinds = np.bincount(ids & 3, weights=stored * stored, minlength=4)
    header = np.sqrt(np.concatenate([[kinds.sum()], kinds])).astype(_HEADER)
    return header.tobytes() + ids.tobytes() + weights.tobytes()


def _unpack(blob: bytes, weight_type: str = "<f2") -> dict[int, float]:
    return _unpack_vector(blob, weight_type).weights


def _unpack_vector(blob: bytes, weight_type: str = "<f2") -> Vector:
    if not blob:
        return Vector({}, 0.0, (0.0, 0.0, 0.0, 0.0))
    head = 5 * _HEADER.itemsize
    count = (len(blob) - head) // (4 + np.dtype(weight_type).itemsize)
    norms = np.frombuffer(blob, dtype=_HEADER, count=5).tolist()
    ids = np.frombuffer(blob, dtype="<u4", count=count, offset=head)
    weights = np.frombuffer(blob, dtype=weight_type, count=count, offset=head + 4 * count)
    return Vector(
        dict(zip(ids.tolist(), weights.tolist(), strict=True)),
        norms[0],
        (norms[1], norms[2], norms[3], norms[4]),
    )


def display_term(key: str) -> str:
    """Return a feature key ("e:karsa", "n:14000") as a reader sees it ("Karsa", "14000")."""
    kind, value = key[0], key[2:]
    if kind != "e":
        return value
    if len(value) <= 3 and value.isalpha():
        return value.upper()  # "UN", "SC", "AFP": names this short are mostly acronyms
    return re.sub(r"(^|[\s\-])(\w)", lambda m: m.group(1) + m.group(2).upper(), value)


def _key_terms(candidates: set[str], profile: dict[int, float]) -> list[str]:
    ranked = sorted(
        (k for k in candidates if not k.startswith("d:") and profile.get(feature_id(k), 0) > 0),
        key=lambda k: (-profile[feature_id(k)], k),
    )
    return ranked[:KEY_TERMS]


# --- settings and results ---------------------------------------------------------------------


def _score_weights(settings: StoriesSettings) -> ScoreWeights:
    # Settings may come from settings.toml's [stories] section through a copy of this class
    # that lags behind: every field read with getattr has its default here.
    def field(name: str) -> float:
        return float(getattr(settings, name, getattr(StoriesSettings, name)))

    return ScoreWeights(
        names=field("names_weight"),
        numbers=field("numbers_weight"),
        dates=field("dates_weight"),
        lead=field("lead_weight"),
        member=field("member_weight"),
        rare=field("rare_weight"),
    )


@dataclass
class Assignment:
    """Where one article version went: its wire group (if a copy) and its story."""

    wire_group_id: int | None  # None when the article has no near-duplicate
    story_id: int
    # "new_story" | "joined" | "wire_copy" (followed its wire group's story) | "follow_up"
    # (joined a story past its active window: a later chapter naming the same people)
    joined: str


# --- the store ----------------------------------------------------------------------------------


def _rows(db: sqlite_utils.Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _one(db: sqlite_utils.Database, sql: str, params: list[Any]) -> dict[str, Any] | None:
    rows = _rows(db, sql, params)
    return rows[0] if rows else None


def _in(values: list[Any]) -> str:
    return ", ".join("?" * len(values))


def _event_time(published: datetime | None, seen_at: datetime) -> datetime:
    seen_at = seen_at if seen_at.tzinfo else seen_at.replace(tzinfo=UTC)
    if published is None:
        return seen_at
    published = published if published.tzinfo else published.replace(tzinfo=UTC)
    # A publication date in the future is a page's mistake; the fetch time is safer then.
    return published if published <= seen_at + timedelta(days=1) else seen_at


def _meta(db: sqlite_utils.Database, key: str) -> int:
    row = db.execute("SELECT value FROM story_meta WHERE key = ?", [key]).fetchone()
    return int(row[0]) if row else 0


# Shared furniture hides wire copy only when its lines are short: agency paragraphs are longer.
SHARED_FURNITURE_WORDS = 25


def _furniture(
    db: sqlite_utils.Database,
    source_id: str,
    title: str | None,
    text: str,
    settings: StoriesSettings,
    count: bool,
) -> tuple[set[int], set[int], set[int]]:
    """Return the line keys of this page's furniture: (as dedupe skips it, as features do,
    lines the same outlet printed at least once before).

    A short line (or headline suffix) that the same outlet printed in ``boilerplate_after``
    earlier articles is that outlet's furniture; one printed that often across outlets is
    shared furniture ("Please enable JavaScript", "Already a subscriber?"). Dedupe skips
    shared furniture only in very short lines, so republished agency paragraphs stay.
    """
    words = boilerplate_candidates(title, text)
    if not words:
        return set(), set(), set()
    own = {_source_line(source_id, k): k for k in words}
    asked = [*words, *own]
    seen = _counts(db, "line_df", "line", asked)
    if count:
        db.conn.executemany(
            "INSERT INTO line_df (line, df) VALUES (?, 1) "
            "ON CONFLICT(line) DO UPDATE SET df = df + 1",
            [(k,) for k in asked],
        )
    after = settings.boilerplate_after
    outlet = {k for s, k in own.items() if seen.get(s, 0) >= after}
    shared = {k for k in words if seen.get(k, 0) >= after}
    short_shared = {k for k in shared if words[k] <= SHARED_FURNITURE_WORDS}
    printed = {k for s, k in own.items() if seen.get(s, 0) >= 1}
    return outlet | short_shared, outlet | shared, printed


def _headline_words(title: str | None) -> set[str]:
    if not title:
        return set()
    head = _TITLE_SPLIT.split(unicodedata.normalize("NFKC", title))[0]
    return {
        _word_key(folded)
        for folded in map(_fold, _TOKEN.findall(head))
        if len(folded) >= 3 and folded not in _STOPWORDS
    }


def _reused_bodies(
    db: sqlite_utils.Database,
    matches: list[dedupe.NearDuplicate],
    source_id: str,
    title: str | None,
    text: str,
) -> dict[int, str]:
    """Return the matches that are the same outlet's text under an unrelated headline, with
    that text (when its version is stored).

    An outlet republishing its own article at a new address keeps (or updates) the headline,
    and any copy's text tells its headline's story. When the headlines share under a third of
    their words and the text holds under a third of this headline's words, the shared text is
    the outlet's page furniture that the extractor took for the body (a consent wall, a
    station promo), not a wire copy: grouping on it would chain unrelated events.
    """
    mine = _headline_words(title)
    if not mine or not matches:
        return {}
    body = {_word_key(_fold(t)) for t in _TOKEN.findall(unicodedata.normalize("NFKC", text))}
    if len(mine & body) * 3 >= len(mine):
        return {}  # the text tells this headline's story: a copy, whatever the outlet
    ids = [m.article_id for m in matches]
    rows = db.execute(
        "SELECT s.article_id, s.title, v.text FROM story_articles s "
        "LEFT JOIN versions v ON v.id = s.version_id "
        f"WHERE s.source_id = ? AND s.article_id IN ({_in(ids)})",
        [source_id, *ids],
    ).fetchall()
    reused = {}
    for article_id, other_title, other_text in rows:
        theirs = _headline_words(other_title)
        if theirs and len(mine & theirs) * 3 < min(len(mine), len(theirs)):
            reused[int(article_id)] = other_text or ""
    return reused


def _source_line(source_id: str, key: int) -> int:
    digest = hashlib.blake2b(f"{source_id}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def _strip_lines(text: str, furniture: set[int]) -> str:
    if not furniture:
        return text
    return "\n".join(line for line in text.splitlines() if line_key(line) not in furniture)


def _counts(db: sqlite_utils.Database, table: str, column: str, keys: list[int]) -> dict[int, int]:
    """Return ``df`` per key of a frequency table (line_df, term_df); absent keys left out."""
    found: dict[int, int] = {}
    for start in range(0, len(keys), 900):  # under SQLite's bound-parameter limit
        chunk = keys[start : start + 900]
        found.update(
            db.execute(
                f"SELECT {column}, df FROM {table} WHERE {column} IN ({_in(chunk)})", chunk
            ).fetchall()
        )
    return found


def _frequencies(db: sqlite_utils.Database, keys: list[str]) -> tuple[int, dict[str, int]]:
    """Return the number of articles counted and, per feature, how many had it."""
    ids = {key: feature_id(key) for key in keys}
    found = _counts(db, "term_df", "feature", list(ids.values()))
    return _meta(db, "documents"), {key: found.get(ids[key], 0) for key in keys}


def _count_documents(db: sqlite_utils.Database, keys: list[str]) -> None:
    db.conn.executemany(
        "INSERT INTO term_df (feature, df) VALUES (?, 1) "
        "ON CONFLICT(feature) DO UPDATE SET df = df + 1",
        [(feature_id(key),) for key in keys],
    )
    db.execute(
        "INSERT INTO story_meta (key, value) VALUES ('documents', 1) "
        "ON CONFLICT(key) DO UPDATE SET value = value + 1"
    )


def _posted(vector: dict[int, float], terms: int) -> list[int]:
    """Return the ids an article is indexed under: its most discriminative features.

    Its ``terms`` heaviest features, plus its heaviest names and numbers up to half as many
    again: those are what an article in another language shares with it.
    """
    # Among equal weights, names first, then numbers, dates and words (the kind's code).
    ranked = [key for key, _ in sorted(vector.items(), key=lambda kv: (-kv[1], kv[0] & 3, kv[0]))]
    chosen = ranked[:terms]
    chosen += [key for key in ranked[terms:] if key & 3 <= 1][: terms // 2]
    return chosen


def _story_profile(row: dict[str, Any]) -> Profile:
    return Profile(
        _unpack_vector(row["profile"], "<f4"), _unpack_vector(row["lead_profile"], "<f4")
    )


def _member_profile(row: dict[str, Any]) -> Profile:
    return Profile(
        _unpack_vector(row["vector"]), _unpack_vector(row["lead_vector"]), lang=row.get("lang")
    )


def _language(lang: str | None) -> str | None:
    """Return the primary subtag of a language tag ("pt-BR" -> "pt"), or None."""
    primary = (lang or "").replace("_", "-").split("-")[0].strip().lower()
    return primary or None


@dataclass
class _Candidate:
    story: dict[str, Any]
    profile: Profile
    members: list[Profile]
    score: float = 0.0


TYPICAL_DAYS = 4


def _candidates(
    db: sqlite_utils.Database,
    article: Profile,
    day: int,
    settings: StoriesSettings,
    exclude_article_id: int,
    follow_up: bool = False,
    source_id: str | None = None,
) -> list[_Candidate]:
    """Return the active stories sharing discriminative features with ``article``, scored.

    With ``follow_up``, the stories of the follow-up window instead, found through names only
    (a trial or an anniversary months later names the people of the event).
    """
    window = settings.follow_up_days if follow_up else settings.window_days
    hits: defaultdict[int, float] = defaultdict(float)
    posted = _posted(article.full.weights, settings.index_terms)
    if follow_up:
        posted = [key for key in posted if key & 3 == 0]
    for key in posted:
        weight = article.full.weights[key]
        for (article_id,) in db.execute(
            "SELECT article_id FROM story_postings WHERE feature = ? AND day BETWEEN ? AND ? "
            "ORDER BY day DESC LIMIT 64",
            [key, day - window, day + window],
        ):
            hits[article_id] += weight
    hits.pop(exclude_article_id, None)
    chosen = sorted(hits, key=lambda a: (-hits[a], a))[: settings.max_candidates]
    if not chosen:
        return []
    members = _rows(
        db,
        "SELECT article_id, story_id, source_id, lang, vector, lead_vector FROM story_articles "
        f"WHERE article_id IN ({_in(chosen)})",
        chosen,
    )
    by_story: dict[int, list[Profile]] = {}
    other_outlets: set[int] = set()  # stories with a matched member from another outlet
    rare_names = {key for key in article.rare if key & 3 == 0}
    for row in members:
        member = _member_profile(row)
        if follow_up and (
            row["source_id"] == source_id
            or sum(1 for key in rare_names if key in member.full.weights) < settings.follow_up_names
        ):
            continue  # months later, only the people of the event tie an article to it
        by_story.setdefault(int(row["story_id"]), []).append(member)
        if row["source_id"] != source_id:
            other_outlets.add(int(row["story_id"]))
    if not by_story:
        return []
    stories = _rows(
        db,
        f"SELECT * FROM stories WHERE id IN ({_in(list(by_story))}) AND status = 'open' "
        "AND last_day >= ? AND first_day <= ?",
        [*by_story, day - window, day + window],
    )
    weights = _score_weights(settings)
    plain = Profile(article.full, article.lead, lang=article.lang)
    out = []
    for story in stories:
        profile = _story_profile(story)
        candidate = _Candidate(story, profile, by_story[int(story["id"])])
        languages = {m.lang for m in candidate.members}
        profile.lang = languages.pop() if len(languages) == 1 else None
        best_member = max(similarity(article, m, weights) for m in candidate.members)
        # Rare shared names count between two articles, not against a story's union of them.
        candidate.score = weights.member * best_member + (1 - weights.member) * similarity(
            plain, profile, weights
        )
        if not follow_up and settings.time_decay:
            # Within the window, the nearer an article lies to a story's days the less it
            # must share with it: same-city look-alikes a week apart share a lot. At
            # TYPICAL_DAYS apart the score is unchanged; an undated article, placed at the
            # time it was seen, is taken to lie that far.
            apart = TYPICAL_DAYS
            if article.dated:
                apart = max(0, day - int(story["last_day"]), int(story["first_day"]) - day)
            adjust = settings.time_decay * math.log((1 + TYPICAL_DAYS) / (1 + apart))
            # Nearness counts only as another outlet's: one outlet covers many stories of its
            # city on one day, in its own words, with its own names.
            if adjust < 0 or int(story["id"]) in other_outlets:
                candidate.score += adjust
        out.append(candidate)
    out.sort(key=lambda c: (-c.score, int(c.story["id"])))
    return out


def _new_story(db: sqlite_utils.Database, event_at: datetime, now: datetime) -> int:
    day = event_at.date().toordinal()
    cursor = db.execute(
        """INSERT INTO stories (first_seen, last_seen, first_day, last_day, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        [iso(event_at), iso(event_at), day, day, iso(now), iso(now)],
    )
    return int(cursor.lastrowid or 0)


def _record(
    db: sqlite_utils.Database,
    kind: str,
    story_id: int,
    other_story_id: int | None,
    article_id: int | None,
    now: datetime,
    score: float | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    db.execute(
        """INSERT INTO story_events (at, kind, story_id, other_story_id, article_id, score, detail)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [
            iso(now),
            kind,
            story_id,
            other_story_id,
            article_id,
            None if score is None else round(score, 4),
            json.dumps(detail) if detail else None,
        ],
    )


def refresh_story(
    db: sqlite_utils.Database, story_id: int, now: datetime, *, rebuild_profile: bool
) -> None:
    """Recompute a story's counts, dates, title and (optionally) profile from its members."""
    members = _rows(
        db,
        "SELECT article_id, source_id, event_at, day, title, in_profile, vector, lead_vector, "
        "terms FROM story_articles WHERE story_id = ? ORDER BY event_at, article_id",
        [story_id],
    )
    if not members:
        db.execute(
            "UPDATE stories SET articles = 0, outlets = 0, updated_at = ? WHERE id = ?",
            [iso(now), story_id],
        )
        return
    updates: dict[str, Any] = {
        "articles": len(members),
        "outlets": len({m["source_id"] for m in members}),
        "first_seen": members[0]["event_at"],
        "last_seen": max(m["event_at"] for m in members),
        "first_day": min(int(m["day"]) for m in members),
        "last_day": max(int(m["day"]) for m in members),
        "updated_at": iso(now),
    }
    titled = [m for m in members if m["title"]]
    if titled:
        updates.update(title=titled[0]["title"], title_at=titled[0]["event_at"])
    if rebuild_profile:
        full: dict[int, float] = {}
        lead: dict[int, float] = {}
        terms: set[str] = set()
        for m in members:
            if m["in_profile"]:
                full = _add(full, _unpack(m["vector"]), 1.0, PROFILE_TERMS * 4)
                lead = _add(lead, _unpack(m["lead_vector"]), 1.0, LEAD_PROFILE_TERMS * 4)
                terms.update(json.loads(m["terms"]))
        full = _add(full, {}, 1.0, PROFILE_TERMS)
        lead = _add(lead, {}, 1.0, LEAD_PROFILE_TERMS)
        updates.update(
            profile=_pack(full, "<f4"),
            lead_profile=_pack(lead, "<f4"),
            profile_docs=sum(1 for m in members if m["in_profile"]),
            key_terms=json.dumps(_key_terms(terms, full)),
        )
    assignments = ", ".join(f"{k} = :{k}" for k in updates)
    db.execute(f"UPDATE stories SET {assignments} WHERE id = :id", {**updates, "id": story_id})


def _join(
    db: sqlite_utils.Database,
    story_id: int,
    *,
    article_id: int,
    version_id: int,
    source_id: str,
    title: str | None,
    event_at: datetime,
    joined: str,
    score: float | None,
    wire_group_id: int | None,
    vector: dict[int, float],
    lead_vector: dict[int, float],
    terms: list[str],
    in_profile: bool,
    settings: StoriesSettings,
    now: datetime,
    lang: str | None = None,
) -> None:
    """Write the membership row and postings; fold the article into the story incrementally."""
    day = event_at.date().toordinal()
    story = _one(db, "SELECT * FROM stories WHERE id = ?", [story_id])
    assert story is not None
    new_outlet = (
        db.execute(
            "SELECT 1 FROM story_articles WHERE story_id = ? AND source_id = ? LIMIT 1",
            [story_id, source_id],
        ).fetchone()
        is None
    )
    db.execute(
        """INSERT INTO story_articles (article_id, story_id, version_id, source_id, joined, score,
               wire_group_id, in_profile, event_at, day, assigned_at, title, vector, lead_vector,
               terms, lang)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            article_id,
            story_id,
            version_id,
            source_id,
            joined,
            None if score is None else round(score, 4),
            wire_group_id,
            int(in_profile),
            iso(event_at),
            day,
            iso(now),
            title,
            _pack(vector),
            _pack(lead_vector),
            json.dumps(terms, ensure_ascii=False),
            lang,
        ],
    )
    db.conn.executemany(
        "INSERT OR IGNORE INTO story_postings (feature, day, article_id) VALUES (?, ?, ?)",
        [(f, day, article_id) for f in _posted(vector, settings.index_terms)],
    )
    updates: dict[str, Any] = {
        "articles": int(story["articles"]) + 1,
        "outlets": int(story["outlets"]) + int(new_outlet),
        "updated_at": iso(now),
    }
    event_s = iso(event_at) or ""
    if event_s > story["last_seen"]:
        updates.update(last_seen=event_s, last_day=day)
    if event_s < story["first_seen"]:
        updates.update(first_seen=event_s, first_day=day)
    if title and (story["title"] is None or event_s < (story["title_at"] or "")):
        updates.update(title=title, title_at=event_s)
    if in_profile:
        full = _add(_unpack(story["profile"], "<f4"), vector, 1.0, PROFILE_TERMS)
        lead = _add(_unpack(story["lead_profile"], "<f4"), lead_vector, 1.0, LEAD_PROFILE_TERMS)
        candidates = {*json.loads(story["key_terms"]), *terms}
        updates.update(
            profile=_pack(full, "<f4"),
            lead_profile=_pack(lead, "<f4"),
            profile_docs=int(story["profile_docs"]) + 1,
            key_terms=json.dumps(_key_terms(candidates, full), ensure_ascii=False),
        )
    assignments = ", ".join(f"{k} = :{k}" for k in updates)
    db.execute(f"UPDATE stories SET {assignments} WHERE id = :id", {**updates, "id": story_id})


def _leave(
    db: sqlite_utils.Database, member: dict[str, Any], settings: StoriesSettings, now: datetime
) -> None:
    """Take an article out of its story (profile, postings, membership)."""
    vector = _unpack(member["vector"])
    db.conn.executemany(
        "DELETE FROM story_postings WHERE feature = ? AND day = ? AND article_id = ?",
        [
            (f, int(member["day"]), member["article_id"])
            for f in _posted(vector, settings.index_terms)
        ],
    )
    db.execute("DELETE FROM story_articles WHERE article_id = ?", [member["article_id"]])
    story_id = int(member["story_id"])
    if member["in_profile"]:
        story = _one(
            db,
            "SELECT profile, lead_profile, profile_docs, key_terms FROM stories WHERE id = ?",
            [story_id],
        )
        assert story is not None
        full = _add(_unpack(story["profile"], "<f4"), vector, -1.0, PROFILE_TERMS)
        lead = _add(
            _unpack(story["lead_profile"], "<f4"),
            _unpack(member["lead_vector"]),
            -1.0,
            LEAD_PROFILE_TERMS,
        )
        db.execute(
            "UPDATE stories SET profile = ?, lead_profile = ?, profile_docs = ?, key_terms = ? "
            "WHERE id = ?",
            [
                _pack(full, "<f4"),
                _pack(lead, "<f4"),
                max(0, int(story["profile_docs"]) - 1),
                json.dumps(
                    _key_terms(set(json.loads(story["key_terms"])), full), ensure_ascii=False
                ),
                story_id,
            ],
        )
    refresh_story(db, story_id, now, rebuild_profile=False)


def assign_version(
    db: sqlite_utils.Database,
    *,
    article_id: int,
    version_id: int,
    source_id: str,
    url: str,
    title: str | None,
    text: str,
    lang: str | None,
    published: datetime | None,
    seen_at: datetime,
    settings: StoriesSettings | None = None,
) -> Assignment:
    """Dedupe and cluster one article version inside the caller's open transaction.

    Idempotent: calling again for the same (article_id, version_id) changes nothing. A new
    version of an already clustered article refreshes its fingerprints and features and keeps
    its story unless the edit made it score below ``leave_threshold`` there.
    """
    settings = settings or StoriesSettings()
    now = seen_at  # the clock the caller passed down (the fetch time)
    previous = _one(db, "SELECT * FROM story_articles WHERE article_id = ?", [article_id])
    if previous is not None and int(previous["version_id"]) == version_id:
        group = db.execute(
            "SELECT wire_group_id FROM dedupe_docs WHERE article_id = ?", [article_id]
        ).fetchone()
        return Assignment(
            group[0] if group else None, int(previous["story_id"]), previous["joined"]
        )
    event_at = _event_time(published, seen_at)
    # Page furniture is learnt from earlier articles; each article counts once.
    dedupe_furniture, furniture, printed = _furniture(
        db, source_id, title, text, settings, previous is None
    )

    # Syndicated copies: the same text on other outlets.
    fingerprint = dedupe.fingerprint_text(_strip_lines(text, dedupe_furniture))
    matches: list[dedupe.NearDuplicate] = []
    if fingerprint is not None:
        matches = dedupe.find_near_duplicates(
            db,
            fingerprint,
            exclude_article_id=article_id,
            min_containment=settings.near_duplicate_containment,
        )
        reused = _reused_bodies(db, matches, source_id, title, text)
        if reused:
            matches = [m for m in matches if m.article_id not in reused]
            furniture = furniture | printed
            furniture |= {line_key(line) for text in reused.values() for line in text.splitlines()}
        dedupe.index_article(
            db,
            article_id=article_id,
            version_id=version_id,
            source_id=source_id,
            fingerprint=fingerprint,
            credit=dedupe.detect_credit(text, title),
            event_at=event_at,
            now=now,
        )
    else:
        dedupe.remove_article(db, article_id, now)
    group_id = dedupe.link_wire_copy(db, article_id, matches, now) if fingerprint else None

    # Features, weighted by how rare they are in everything seen before.
    reference = event_at.date() if published is not None else None
    features = extract_features(
        title, text, reference, furniture=furniture, outlet=outlet_names(url)
    )
    # One lookup covers both kinds of each guessed headline word, settled before weighting.
    alternates = {key for w in features.guessed for key in ("e:" + w, "w:" + _word_key(w))}
    documents, df = _frequencies(db, sorted(set(features.full) | set(features.lead) | alternates))
    settle_guesses(features, df)
    if previous is None:
        _count_documents(db, sorted(features.full))
    # As if the store held PRIOR_DOCUMENTS more articles without the feature: in a young
    # store, a name shared with one earlier article must not weigh less than an unseen word.
    idf = {key: math.log((documents + PRIOR_DOCUMENTS) / (count + 1)) for key, count in df.items()}
    named = _unit(features.full, idf, FULL_TERMS)
    terms = [k for k in list(named)[: KEY_TERMS * 2] if not k.startswith("d:")]
    vector = _ids(named)
    lead_vector = _ids(_unit(features.lead, idf, LEAD_TERMS))
    language = _language(lang)
    article = Profile(
        Vector.of(vector), Vector.of(lead_vector), lang=language, dated=published is not None
    )
    # Rare: in at most rare_df earlier articles and in at most 1% of them (so never in a young
    # store). Only for a dated article: a rare name recurring within days marks one event,
    # while without a date a recurring celebrity or team cannot be told from the event's own.
    rare_df = min(settings.rare_df, documents // 100)
    if published is not None and rare_df >= 1:
        article.rare = frozenset(
            feature_id(key) for key in named if key[0] in "en" and 0 < df.get(key, 0) <= rare_df
        )

    def join(story_id: int, joined: str, score: float | None) -> Assignment:
        _join(
            db,
            story_id,
            article_id=article_id,
            version_id=version_id,
            source_id=source_id,
            title=title,
            event_at=event_at,
            joined=joined,
            score=score,
            wire_group_id=group_id,
            vector=vector,
            lead_vector=lead_vector,
            terms=terms,
            in_profile=joined != "wire_copy",
            settings=settings,
            now=now,
            lang=language,
        )
        return Assignment(group_id, story_id, joined)

    followed = _followed_story(db, matches)
    if previous is not None:
        # An edit normally keeps the article where it was.
        old_story = int(previous["story_id"])
        _leave(db, previous, settings, now)
        if followed == old_story:
            return join(old_story, previous["joined"], None)
        stay = _one(db, "SELECT * FROM stories WHERE id = ?", [old_story])
        if stay is not None and followed is None:
            score = _score_against(db, article, stay, settings)
            if int(stay["articles"]) == 0 or score >= settings.leave_threshold:
                joined = "joined" if previous["joined"] == "wire_copy" else previous["joined"]
                return join(old_story, joined, score if int(stay["articles"]) else None)
        result = _place(db, article, event_at, followed, join, settings, now, article_id, source_id)
        _record(db, "move", result.story_id, old_story, article_id, now)
        if stay is not None and int(stay["articles"]) == 0:
            db.execute("UPDATE stories SET status = 'empty' WHERE id = ?", [old_story])
        else:
            _split_if_disconnected(db, old_story, settings, now)
        return result
    return _place(db, article, event_at, followed, join, settings, now, article_id, source_id)


def _place(
    db: sqlite_utils.Database,
    article: Profile,
    event_at: datetime,
    followed: int | None,
    join: Any,
    settings: StoriesSettings,
    now: datetime,
    article_id: int,
    source_id: str | None = None,
) -> Assignment:
    """Put an article in its wire group's story, the best matching story, or a new one."""
    if followed is not None:
        return join(followed, "wire_copy", None)
    day = event_at.date().toordinal()
    candidates = _candidates(db, article, day, settings, article_id, source_id=source_id)
    if not candidates or candidates[0].score < settings.join_threshold:
        if settings.follow_up_days > settings.window_days:
            # Not news of an active story: perhaps a later chapter of an older one.
            older = _candidates(
                db, article, day, settings, article_id, follow_up=True, source_id=source_id
            )
            if older and older[0].score >= settings.follow_up_threshold:
                return join(int(older[0].story["id"]), "follow_up", older[0].score)
        return join(_new_story(db, event_at, now), "new_story", None)
    best = candidates[0]
    story_id = int(best.story["id"])
    result: Assignment = join(story_id, "joined", best.score)
    for other in candidates[1:]:
        if other.score < settings.merge_threshold:
            break
        # Two stories both strongly matched by one article, and alike themselves: one story.
        if (
            similarity(best.profile, other.profile, _score_weights(settings))
            >= settings.join_threshold
        ):
            merge_stories(
                db,
                story_id,
                int(other.story["id"]),
                now=now,
                article_id=article_id,
                score=other.score,
            )
    moved = _split_if_incoherent(db, story_id, settings, now)
    if moved is not None and article_id in moved[1]:
        return Assignment(result.wire_group_id, moved[0], result.joined)
    return result


# A story is re-examined when it reaches one of these sizes: each about a quarter larger than
# the last, so a look-alike group that came in after one check is seen at the next while it is
# still a small share of the story (a few checks over its life, none past 64 members).
_COHERENCE_CHECKS = frozenset({6, 8, 10, 13, 16, 20, 25, 32, 40, 50, 64})


def _split_if_incoherent(
    db: sqlite_utils.Database, story_id: int, settings: StoriesSettings, now: datetime
) -> tuple[int, list[int]] | None:
    """Split off a group of members that hangs together but not with the rest of the story.

    An article about a look-alike event can join a story on one strong match; articles about
    that other event then follow it in. Average-link clustering of the members into two
    groups finds them: both groups at least ``split_min_members`` (and a fifth of the story),
    their mean cross similarity under ``split_max_inter`` and well under (by
    ``split_margin``) each group's own. Returns (new story id, its articles) after a split.
    """
    count = db.execute(
        "SELECT COUNT(*) FROM story_articles WHERE story_id = ?", [story_id]
    ).fetchone()[0]
    if count not in _COHERENCE_CHECKS:
        return None
    members = _rows(
        db,
        "SELECT article_id, vector, lead_vector, wire_group_id FROM story_articles "
        "WHERE story_id = ? ORDER BY event_at, article_id",
        [story_id],
    )
    profiles = [_member_profile(m) for m in members]
    weights = _score_weights(settings)
    size = len(members)
    matrix = np.zeros((size, size))
    for i in range(size):
        for j in range(i):
            matrix[i, j] = matrix[j, i] = similarity(profiles[i], profiles[j], weights)
    groups = _two_groups(matrix, [m["wire_group_id"] for m in members])
    if groups is None:
        return None
    first, second = groups
    smallest = min(len(first), len(second))
    if smallest < max(
        getattr(settings, "split_min_members", StoriesSettings.split_min_members), 0.2 * size
    ):
        return None
    inter = float(matrix[np.ix_(first, second)].mean())
    own = min(_mean_within(matrix, first), _mean_within(matrix, second))
    max_inter = settings.split_max_inter
    margin = settings.split_margin
    if inter >= max_inter or own - inter < margin:
        return None
    # The group holding the story's first article keeps the story.
    leaving = second if 0 in first else first
    moved = [int(members[i]["article_id"]) for i in leaving]
    new_id = split_story(db, story_id, moved, now=now, reason="incoherent")
    return new_id, moved


def _two_groups(matrix: np.ndarray, wire_groups: list[Any]) -> tuple[list[int], list[int]] | None:
    """Average-link agglomeration down to two groups (copies of one text start together)."""
    clusters: dict[int, list[int]] = {}
    seen: dict[Any, int] = {}
    for i, group in enumerate(wire_groups):
        if group is not None and group in seen:
            clusters[seen[group]].append(i)
        else:
            clusters[i] = [i]
            if group is not None:
                seen[group] = i
    if len(clusters) < 2:
        return None
    keys = list(clusters)
    link = np.array([[matrix[np.ix_(clusters[a], clusters[b])].mean() for b in keys] for a in keys])
    np.fill_diagonal(link, -np.inf)
    sizes = np.array([len(clusters[k]) for k in keys], dtype=float)
    alive = list(range(len(keys)))
    members = [list(clusters[k]) for k in keys]
    while len(alive) > 2:
        sub = link[np.ix_(alive, alive)]
        flat = int(np.argmax(sub))
        a, b = alive[flat // len(alive)], alive[flat % len(alive)]
        merged = (link[a] * sizes[a] + link[b] * sizes[b]) / (sizes[a] + sizes[b])
        link[a], link[:, a] = merged, merged
        link[a, a] = -np.inf
        sizes[a] += sizes[b]
        members[a] += members[b]
        alive.remove(b)
    return members[alive[0]], members[alive[1]]


def _mean_within(matrix: np.ndarray, group: list[int]) -> float:
    if len(group) < 2:
        return float("inf")
    block = matrix[np.ix_(group, group)]
    return float((block.sum() - np.trace(block)) / (len(group) * (len(group) - 1)))


def _followed_story(db: sqlite_utils.Database, matches: list[dedupe.NearDuplicate]) -> int | None:
    for match in matches:
        row = db.execute(
            "SELECT story_id FROM story_articles WHERE article_id = ?", [match.article_id]
        ).fetchone()
        if row is not None:
            return int(row[0])
    return None


def _score_against(
    db: sqlite_utils.Database, article: Profile, story: dict[str, Any], settings: StoriesSettings
) -> float:
    members = _rows(
        db,
        "SELECT vector, lead_vector FROM story_articles WHERE story_id = ? AND in_profile = 1 "
        "ORDER BY day DESC LIMIT ?",
        [story["id"], settings.max_candidates],
    )
    if not members:
        return 0.0
    weights = _score_weights(settings)
    best = max(similarity(article, _member_profile(m), weights) for m in members)
    return weights.member * best + (1 - weights.member) * similarity(
        article, _story_profile(story), weights
    )


def merge_stories(
    db: sqlite_utils.Database,
    survivor_id: int,
    absorbed_id: int,
    *,
    now: datetime | None = None,
    article_id: int | None = None,
    score: float | None = None,
) -> int:
    """Move every article of ``absorbed_id`` into ``survivor_id`` and record the merge."""
    now = now or datetime.now(UTC)
    if survivor_id == absorbed_id:
        return survivor_id
    db.execute(
        "UPDATE story_articles SET story_id = ? WHERE story_id = ?", [survivor_id, absorbed_id]
    )
    db.execute(
        "UPDATE stories SET status = 'merged', merged_into = ?, articles = 0, outlets = 0, "
        "updated_at = ? WHERE id = ?",
        [survivor_id, iso(now), absorbed_id],
    )
    db.execute(
        "UPDATE stories SET merged_into = ? WHERE merged_into = ?", [survivor_id, absorbed_id]
    )
    refresh_story(db, survivor_id, now, rebuild_profile=True)
    _record(db, "merge", survivor_id, absorbed_id, article_id, now, score)
    return survivor_id


def split_story(
    db: sqlite_utils.Database,
    story_id: int,
    article_ids: list[int],
    *,
    now: datetime | None = None,
    reason: str = "manual",
) -> int:
    """Move ``article_ids`` out of ``story_id`` into a new story; record the split; return it."""
    now = now or datetime.now(UTC)
    rows = _rows(
        db,
        "SELECT article_id, event_at FROM story_articles WHERE story_id = ? "
        f"AND article_id IN ({_in(article_ids)})",
        [story_id, *article_ids],
    )
    if not rows:
        raise ValueError(f"story {story_id} holds none of articles {article_ids}")
    first = min(parse_iso(r["event_at"]) or now for r in rows)
    new_id = _new_story(db, first, now)
    moved = [int(r["article_id"]) for r in rows]
    db.execute(
        f"UPDATE story_articles SET story_id = ? WHERE article_id IN ({_in(moved)})",
        [new_id, *moved],
    )
    refresh_story(db, new_id, now, rebuild_profile=True)
    refresh_story(db, story_id, now, rebuild_profile=True)
    _record(db, "split", story_id, new_id, None, now, detail={"articles": moved, "reason": reason})
    return new_id


def _split_if_disconnected(
    db: sqlite_utils.Database, story_id: int, settings: StoriesSettings, now: datetime
) -> None:
    """Split a story whose members no longer hang together (after one of them left)."""
    members = _rows(
        db,
        "SELECT article_id, vector, lead_vector, wire_group_id, event_at FROM story_articles "
        "WHERE story_id = ? ORDER BY event_at, article_id",
        [story_id],
    )
    if len(members) < 2 or len(members) > settings.max_split_members:
        return
    profiles = [_member_profile(m) for m in members]
    parent = list(range(len(members)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    groups: dict[int, int] = {}
    for i, member in enumerate(members):
        if member["wire_group_id"] is not None:
            j = groups.setdefault(int(member["wire_group_id"]), i)
            parent[find(i)] = find(j)
    weights = _score_weights(settings)
    for i in range(len(members)):
        for j in range(i):
            if (
                find(i) != find(j)
                and similarity(profiles[i], profiles[j], weights) >= settings.join_threshold
            ):
                parent[find(i)] = find(j)
    components: dict[int, list[int]] = {}
    for i in range(len(members)):
        components.setdefault(find(i), []).append(int(members[i]["article_id"]))
    if len(components) < 2:
        return
    for root, article_ids in components.items():
        if root != find(0):
            split_story(db, story_id, article_ids, now=now, reason="disconnected")
