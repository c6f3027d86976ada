"""The language of a text sent without one, detected offline.

lingua-language-detector ships its n-gram models inside the package (no download). It runs
in its low-accuracy mode, restricted to the languages newsmon has lexicons for: the models
load in about 60 ms and 30 MB (high accuracy: about 1.1 s and 150 MB), and on the dev corpora
it mislabels only some headlines under 60 characters. For those, words the lexicons know
(grammar words, triggers, number words) settle a clear vote first.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from newsmon.facts.lexicon import Lexicon, Lexicons, default_lexicons
from newsmon.facts.tokens import WORD_RE

# Below this many characters the lexicon vote speaks first (headlines, summaries).
SHORT_TEXT = 120


def detect_language(text: str, lexicons: Lexicons | None = None) -> str:
    """Return the code of the lexicon language ``text`` is written in ("en" when unsure)."""
    lexicons = lexicons or default_lexicons()
    languages = tuple(lexicons.languages)
    if len(text) < SHORT_TEXT:
        voted = _vote(text, lexicons)
        if voted is not None:
            return voted
    code = _lingua(languages, text[:4000])
    return code if code in languages else "en"


def _vote(text: str, lexicons: Lexicons) -> str | None:
    """Return the language whose lexicon knows clearly more of the words, or None."""
    words = WORD_RE.findall(text.lower().replace("’", "'"))
    if not words:
        return None
    scores = sorted(
        ((_known(words, lexicons.get(lang)), lang) for lang in lexicons.languages), reverse=True
    )
    (best, lang), (second, _) = scores[0], scores[1] if len(scores) > 1 else (0, "")
    return lang if best >= 2 and best > second else None


def _known(words: list[str], lex: Lexicon) -> int:
    """Count the words a lexicon knows: phrase openers, function words, number words."""
    return sum(
        w in lex.first_sizes or w in lex.function_words or w in lex.numbers.first_words
        for w in words
    )


def _lingua(languages: Iterable[str], text: str) -> str | None:
    detector = _detector(tuple(sorted(languages)))
    if detector is None:
        return None
    found = detector.detect_language_of(text)
    return found.iso_code_639_1.name.lower() if found is not None else None


@functools.lru_cache(maxsize=4)
def _detector(languages: tuple[str, ...]):  # type: ignore[no-untyped-def]  # lingua is untyped
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    known = []
    for code in languages:
        iso = getattr(IsoCode639_1, code.upper(), None)
        if iso is not None:
            known.append(Language.from_iso_code_639_1(iso))
    if len(known) < 2:
        return None
    return LanguageDetectorBuilder.from_languages(*known).with_low_accuracy_mode().build()
