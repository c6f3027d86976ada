"""Text normalisation, volatile-line removal, sentences and fingerprints."""

from __future__ import annotations

import re
import unicodedata

# Lines that change without the story changing. Each is matched against a whole line.
_VOLATILE = [
    r"(last\s+)?updated:?\s+(about\s+)?(\d+|an?|one)\s+(second|minute|min|hour|hr|day)s?\s+ago",
    r"(published|posted)\s+(\d+|an?|one)\s+(second|minute|min|hour|hr|day)s?\s+ago",
    r"(\d+|an?|one)\s+(second|minute|min|hour|hr|day)s?\s+ago",
    r"(last\s+)?updated:?\s+.{0,40}\d{1,2}[:.]\d{2}(\s*(am|pm|gmt|utc|cet|est|edt|bst))?.{0,20}",
    r"(mis à jour|actualizado|atualizado)\s.{0,60}",
    r"il y a \d+\s+(minutes?|heures?|jours?)",
    r"há \d+\s+(minutos?|horas?|dias?)",
    r"hace \d+\s+(minutos?|horas?|días?)",
    r"\d+\s+comments?",
    r"(read|see) (more|also):?.{0,200}",
    r"(lire aussi|leia também|lea también)\s*:?.{0,200}",
    r"(share|tweet|email|print)( this( article| story)?)?",
]
_VOLATILE_RE = re.compile(r"^\s*(?:" + "|".join(_VOLATILE) + r")\s*[.!]?\s*$", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def is_volatile(line: str) -> bool:
    """Return True for furniture lines that change without the story changing."""
    return bool(_VOLATILE_RE.match(line))


# A line that speaks to the reader about their account, inbox or device: a sign-in wall, a
# newsletter box or an app promotion that the extractor kept (English only for now).
_READER = re.compile(r"\b(?:you|your|you're|you'll|you've)\b", re.IGNORECASE)
_ACCOUNT = re.compile(
    r"\b(?:sign(?:ed)?[ -]?(?:in|up)|log[ -]?in|newsletters?|subscri\w+|notifications?|inbox|"
    r"e-?mail|profile|privacy policy|terms of (?:service|use)|cookies?|javascript|browser|"
    r"ad[ -]?blocker|regist(?:er|ering|ration)|password|download|apps?|flash player)\b",
    re.IGNORECASE,
)
READER_LINE_WORDS = 40


def is_reader_furniture(line: str) -> bool:
    """Return True for a short line addressing the reader about sign-ins, mail or apps."""
    return (
        len(line.split()) <= READER_LINE_WORDS
        and _READER.search(line) is not None
        and _ACCOUNT.search(line) is not None
    )


def normalise_text(text: str) -> str:
    """Return text as compared for identity: NFKC, volatile lines dropped, spaces folded."""
    text = unicodedata.normalize("NFKC", text)
    lines = []
    for line in text.splitlines():
        kept = [s for s in sentences(_SPACE.sub(" ", line)) if not is_volatile(s)]
        if kept:
            lines.append(" ".join(kept).casefold())
    return "\n".join(lines)


# Abbreviations that end with a dot but do not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "st", "mt", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "inc", "ltd", "co", "corp",
    "jr", "sr", "av", "sra", "m", "mme", "mlle",
}  # fmt: skip
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)]*\s+|\n+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) character spans of the sentences of ``text``."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        piece = text[start : match.start() + 1]
        if "\n" not in match.group(0):
            word = re.search(r"([\w.]+)[.]$", piece)
            if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
                continue
            following = text[end : end + 1]
            if following and following.islower():
                continue
        _add_span(text, start, match.end(), spans)
        start = end
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentences(text: str) -> list[str]:
    """Return the sentences of ``text``."""
    return [text[a:b] for a, b in split_sentences(text)]


def words(text: str) -> list[str]:
    """Return word tokens (letters/digits runs, keeping internal separators like 14,000)."""
    return re.findall(r"\w+(?:[.,'’-]\w+)*", text)


# C0/C1 controls (ESC starts terminal escape sequences) and bidirectional overrides.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]+")


def safe_text(text: object) -> str:
    """Return text fit for a terminal: control characters and bidi overrides become spaces."""
    return _UNSAFE.sub(" ", str(text)).strip()
