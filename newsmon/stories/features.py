"""Story features of one article: names, numbers, dates and words, weighted by kind.

An article is described by features that mostly carry across languages — names (capitalised
terms), numbers, and dates resolved against its publication date — plus ordinary content
words, and by the same features of its lead (headline and first sentences). Keys are
``e:`` names, ``n:`` numbers, ``d:`` ISO dates and ``w:`` content words.

Everything here is a pure function of one article (and of the page-furniture lines the store
has learnt, passed in): ``prepare_article`` does the part that needs nothing from the store.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from newsmon.core.clock import iso
from newsmon.core.languages import MONTHS, primary_language
from newsmon.core.text import is_reader_furniture, is_volatile, split_sentences
from newsmon.stories.lexicon import fold_name, lexicon, phrase_word

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
    noviembre diciembre moins environ quelque quelques menos cerca alrededor
    """.split()  # noqa: SIM905 - a word list reads best as text
)

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
    title: float = 1.5
    lead: float = 1.0  # the first sentences state the event; later ones give background
    lead_sentences: int = 3


# A token as features compare it (text is NFKC-normalised beforehand).
fold = phrase_word


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
        month = MONTHS.get(word)
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


def word_key(folded: str) -> str:
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
        folded = fold(street)
        if folded in _STOPWORDS or folded in MONTHS:
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
    folded = " ".join(_DIGITS.sub("0", fold(unicodedata.normalize("NFKC", line))).split())
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
    # their kind is a guess that ``settle_guesses`` may revise from what the store has seen;
    # each with its two possible keys (as a name, as a word).
    guessed: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)
    # Each key as first written in the article ("Karsa", "séisme"), for readers.
    surface: dict[str, str] = dataclasses.field(default_factory=dict)

    def alternates(self) -> set[str]:
        """Return both keys of every guessed headline word."""
        return {key for pair in self.guessed.values() for key in pair}


def extract_features(
    title: str | None,
    text: str,
    reference: date | None,
    weights: FeatureWeights | None = None,
    furniture: set[int] | frozenset[int] = frozenset(),
    outlet: frozenset[str] = frozenset(),
    lang: str | None = None,
) -> Features:
    """Return the kind-weighted, title-boosted feature counts of one article.

    Keys are ``e:`` names, ``n:`` numbers, ``d:`` ISO dates and ``w:`` content words. Lines and
    title segments whose ``line_key`` is in ``furniture`` are skipped, so are names the
    outlet's own host name contains (``outlet``, see ``outlet_names``) and telephone numbers.
    ``lang`` (a primary subtag) chooses the function words and word rules (``lexicon``);
    places and event words become the same feature in every language.
    """
    weights = weights or FeatureWeights()
    lex = lexicon(lang)
    stopwords = _STOPWORDS | lex.stopwords
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
        fold(token) for tokens in tokenised for token in tokens[1:] if token[:1].isupper()
    }
    lowercase_inside = {fold(t) for tokens in tokenised for t in tokens if t[:1].islower()}
    title_tokens = _TOKEN.findall(title) if title else []
    content = [t for t in title_tokens[1:] if fold(t) not in stopwords]
    # "Four Shot Near Westport" capitalises every word; "Four shot near Westport" only names.
    title_case = sum(1 for t in content if t[:1].isupper()) > 0.6 * len(content)

    guessed: dict[str, tuple[str, str]] = {}
    surface: dict[str, str] = {}

    def title_name(token: str, folded: str, index: int) -> bool:
        if folded in capitalised_inside:
            return True
        if folded in lowercase_inside:
            return False
        if len(folded) >= 3:
            guessed[folded] = ("e:" + lex.surface_name(token, folded), word_feature(folded))
        # The body does not say (it may be empty): trust sentence case; in title case an
        # unknown capitalised word is more often a place or a person than not.
        return index > 0 or title_case

    def word_feature(folded: str) -> str:
        return _word_feature(lang, folded) or "w:" + word_key(folded)

    def add(counts: defaultdict[str, float], key: str, weight: float, written: str) -> None:
        counts[key] += weight
        if key not in surface:
            surface[key] = _WRITTEN_ELISION.sub("", written)

    def add_tokens(
        counts: defaultdict[str, float], tokens: list[str], factor: float, is_title: bool
    ) -> None:
        skip = 0
        for index, token in enumerate(tokens):
            if skip:
                skip -= 1
                continue
            folded = fold(token)
            if (folded if folded.isascii() else fold_name(folded)) in lex.phrase_starts:
                found = _phrase(lex.phrases, tokens, index)
                if found:
                    key, length = found
                    written = " ".join(tokens[index : index + length])
                    weight = weights.name if key[0] == "e" else weights.word
                    add(counts, key, weight * factor, written)
                    skip = length - 1
                    continue
            if lang == "tr":
                token = lex.strip_suffix(token)
                folded = fold(token)
            folded = _ABBREVIATIONS.get(folded, folded)
            if len(folded) < 2 or folded in stopwords:
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
            if (
                is_name
                and lex.lang == "de"
                and not token.isupper()
                and lex.is_common_noun(folded, fold(tokens[index - 1]) if index else None)
            ):
                is_name = False  # a German noun
            # (Inlined: this loop runs for every word of every article.)
            if is_name:
                if outlet and _is_outlet_name(token, folded, outlet):
                    continue
                feature = _name_feature(lang, token, folded)
                weight = weights.name
            else:
                found_feature = _word_feature(lang, folded)
                if found_feature is None:
                    continue
                feature = found_feature
                weight = weights.name if feature[0] == "e" else weights.word  # e: a demonym
            counts[feature] += weight * factor
            if feature not in surface:
                if not is_name and feature[0] == "w" and not (lang == "de" and upper and index):
                    token = token.lower()
                surface[feature] = _WRITTEN_ELISION.sub("", token)

    def add_numbers_and_dates(counts: defaultdict[str, float], piece: str, factor: float) -> None:
        piece = _PHONE.sub(" ", piece)
        for match in _NUMBER.finditer(piece):
            key = _number_key(match.group(0))
            if key is not None:
                counts["n:" + key] += weights.number * factor
        for key, count in extract_dates(piece, reference).items():
            counts["d:" + key] += weights.date * factor * count
        for key in address_keys(piece):
            add(counts, "e:" + key, weights.name * factor, key)

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
    return Features(full, lead, guessed, surface)


# An elided article or the English possessive around a word as written ("l'offensive").
_WRITTEN_ELISION = re.compile(
    r"^(?:[ldjnmtsc]|qu|all|dell|nell|sull)['’](?=\w)|['’]s$", re.IGNORECASE
)


@functools.lru_cache(maxsize=1 << 16)
def _word_feature(lang: str | None, folded: str) -> str | None:
    """Return the key of a word that is not a name: a place (for a demonym), an event
    concept, or the word itself (None when too short to count)."""
    lex = lexicon(lang)
    place = lex.adjective_place(folded)
    if place:
        return "e:" + place
    if len(folded) < 3:
        return None
    concept = lex.concept(folded)
    return "w:~" + concept if concept else "w:" + lex.word_key(folded, word_key(folded))


@functools.lru_cache(maxsize=1 << 16)
def _name_feature(lang: str | None, token: str, folded: str) -> str:
    """Return the key of a name: a place's key, or the name folded to plain Latin letters."""
    return "e:" + lexicon(lang).surface_name(token, folded)


def _phrase(
    phrases: dict[tuple[str, ...], str], tokens: list[str], index: int
) -> tuple[str, int] | None:
    """Return the key and length of a known phrase ("Vereinte Nationen") starting at ``index``."""
    for length in (3, 2):
        if index + length <= len(tokens):
            words = tuple(fold_name(fold(t)) for t in tokens[index : index + length])
            key = phrases.get(words)
            if key:
                return key, length
    return None


def settle_guesses(features: Features, df: dict[str, int]) -> None:
    """Give each guessed headline word the kind the store has mostly seen it as.

    "Providence gang member sentenced …" over an empty body: sentence case makes the first
    word a plain word, though every other article names the city; title case ("Officer
    Charged With Endangering") makes every word a name. ``df`` holds the document
    frequencies of both keys (``e:providence`` and ``w:providence``) of each guessed word.
    """
    for name, word in features.guessed.values():
        as_name, as_word = df.get(name, 0), df.get(word, 0)
        if as_name == as_word:
            continue
        source, target = (word, name) if as_name > as_word else (name, word)
        for counts in (features.full, features.lead):
            moved = counts.pop(source, 0.0)
            if moved:
                counts[target] = counts.get(target, 0.0) + moved


def headline_words(title: str | None) -> set[str]:
    """Return the content words of a headline's first segment (before " - Outlet")."""
    if not title:
        return set()
    head = _TITLE_SPLIT.split(unicodedata.normalize("NFKC", title))[0]
    return {
        word_key(folded)
        for folded in map(fold, _TOKEN.findall(head))
        if len(folded) >= 3 and folded not in _STOPWORDS
    }


def page_line_keys(title: str | None, text: str) -> frozenset[int]:
    """Return the key of every line of a page as furniture is matched against it: text lines
    (as written and normalised) and headline segments after the first."""
    lines = {*text.splitlines(), *unicodedata.normalize("NFKC", text).splitlines()}
    return frozenset({line_key(line) for line in lines} | title_line_keys(title))


def title_line_keys(title: str | None) -> set[int]:
    """Return the keys of a headline's segments after the first ("Story - Outlet" -> Outlet)."""
    if not title:
        return set()
    parts = _TITLE_SPLIT.split(unicodedata.normalize("NFKC", title))[1:]
    return {line_key(part) for part in parts}


def body_words(text: str) -> set[str]:
    """Return the words of a text as headlines are compared with it."""
    return {word_key(fold(t)) for t in _TOKEN.findall(unicodedata.normalize("NFKC", text))}


def stamp(moment: datetime) -> str:
    """Return ``moment`` as the store keeps times (``core.clock.iso`` of a time that is set)."""
    return iso(moment) or ""


def source_line(source_id: str, key: int) -> int:
    """Return the key of a line as printed by one outlet (its own furniture is counted apart)."""
    digest = hashlib.blake2b(f"{source_id}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def strip_lines(text: str, furniture: set[int] | frozenset[int]) -> str:
    """Return ``text`` without the lines whose ``line_key`` is in ``furniture``."""
    if not furniture:
        return text
    return "\n".join(line for line in text.splitlines() if line_key(line) not in furniture)


def language(lang: str | None) -> str | None:
    """Return the primary subtag of a language tag ("pt-BR" -> "pt"), or None."""
    return primary_language(lang)


def event_time(published: datetime | None, seen_at: datetime) -> datetime:
    """Return when an article's event is placed: its publication time, else when it was seen."""
    seen_at = seen_at if seen_at.tzinfo else seen_at.replace(tzinfo=UTC)
    if published is None:
        return seen_at
    published = published if published.tzinfo else published.replace(tzinfo=UTC)
    # A publication date in the future is a page's mistake; the fetch time is safer then.
    return published if published <= seen_at + timedelta(days=1) else seen_at


def display_term(key: str) -> str:
    """Return a feature key ("e:karsa", "n:14000") as a reader sees it ("Karsa", "14000")."""
    kind, value = key[0], key[2:]
    if kind != "e":
        return value
    if len(value) <= 3 and value.isalpha():
        return value.upper()  # "UN", "SC", "AFP": names this short are mostly acronyms
    return re.sub(r"(^|[\s\-])(\w)", lambda m: m.group(1) + m.group(2).upper(), value)
