"""Read JSON-lines files someone else wrote: one bad line costs that line, never the file.

``read_lines`` yields each non-blank line of a binary stream with its number, or the reason it
cannot be read: longer than the cap (the rest of it is skipped without being held), not
UTF-8. ``parse_object`` turns one line into a dict or raises ``LineError``: not JSON, nested
too deep, not an object, or holding a lone surrogate. ``imported_article`` and ``facts_input``
check the fields each command reads, by type, and name the field that is wrong.
A UTF-8 byte-order mark at the start of a file is not part of line 1.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from newsmon.core.errors import NewsmonError, ParseError, Reason
from newsmon.core.languages import language_tag
from newsmon.core.settings import url_problem
from newsmon.core.urls import canonical_url

__all__ = [
    "DEFAULT_MAX_LINE_BYTES",
    "ImportedArticle",
    "LineError",
    "facts_input",
    "imported_article",
    "parse_object",
    "read_lines",
]

DEFAULT_MAX_LINE_BYTES = 10_000_000  # as fetch.max_bytes: one article, however it came
# json.loads recurses once per nesting level; far below Python's recursion limit.
MAX_NESTING = 64
_READ_STEP = 1 << 20
_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class LineError(NewsmonError):
    """One line of a JSON-lines file cannot be used; ``reason`` is a stable code."""

    def __init__(self, reason: Reason, message: str) -> None:
        self.reason = reason
        self.message = message
        super().__init__(f"{reason}: {message}")


@dataclass(frozen=True)
class ImportedArticle:
    """One article line of ``backfill --jsonl``, checked."""

    url: str  # canonical
    text: str
    title: str | None
    published: datetime | None
    lang: str | None
    source: str | None


def read_lines(
    handle: IO[bytes], max_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> Iterator[tuple[int, str | LineError]]:
    """Yield (line number, text or the LineError that stops it) for each non-blank line."""
    number = 0
    while True:
        raw = handle.readline(max_bytes + 1)
        if not raw:
            return
        number += 1
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            skipped = len(raw)
            while raw and not raw.endswith(b"\n"):  # skip the rest without holding it
                raw = handle.readline(_READ_STEP)
                skipped += len(raw)
            yield number, LineError(Reason.TOO_LONG, f"line of {skipped} bytes exceeds {max_bytes}")
            continue
        if not raw.strip():
            continue
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield (
                number,
                LineError(Reason.BAD_ENCODING, f"not UTF-8 (byte {exc.start + 1} of the line)"),
            )


def parse_object(text: str) -> dict[str, Any]:
    """Return the JSON object on one line; raise LineError for anything else."""
    depth = _max_nesting(text)
    if depth > MAX_NESTING:
        raise LineError(Reason.TOO_DEEP, f"nested {depth} levels deep (at most {MAX_NESTING})")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LineError(Reason.BAD_JSON, f"{exc.msg} at column {exc.colno}") from exc
    except RecursionError as exc:  # nesting hidden from the count above (never expected)
        raise LineError(Reason.TOO_DEEP, "nested too deep") from exc
    if not isinstance(value, dict):
        raise LineError(Reason.BAD_RECORD, f"a JSON {_kind(value)}, not an object")
    return value


def imported_article(record: dict[str, Any]) -> ImportedArticle:
    """Check one ``backfill --jsonl`` line: url, text, title, published, lang, source."""
    url = _text(record, "url", required=True)
    text = _text(record, "text", required=True)
    assert url is not None and text is not None
    problem = url_problem(url)
    if problem:
        raise LineError(Reason.BAD_URL, f"url {_show(url)}: {problem}")
    try:
        canonical = canonical_url(url)
    except ParseError as exc:
        raise LineError(Reason.BAD_URL, f"url {_show(url)}: {exc.detail}") from exc
    source = _text(record, "source")
    if source is not None and not _SOURCE_ID.match(source):
        raise LineError(
            Reason.BAD_FIELD,
            f"source {_show(source)}: use lowercase letters, digits, '.', '_', '-'",
        )
    return ImportedArticle(
        url=canonical,
        text=text,
        title=_text(record, "title"),
        published=_published(record),
        lang=_language(record),
        source=source,
    )


def facts_input(record: dict[str, Any]) -> tuple[Any, str, str | None]:
    """Check one ``facts`` line: return (id, text, lang)."""
    identifier = record.get("id")
    if isinstance(identifier, dict | list):
        raise LineError(
            Reason.BAD_FIELD, f"id must be a string or a number, not a {_kind(identifier)}"
        )
    text = _text(record, "text", required=True)
    assert text is not None
    return identifier, text, _language(record)


def _text(record: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = record.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise LineError(Reason.MISSING_FIELD, f"{key!r} is required and must be text")
        return None
    if not isinstance(value, str):
        raise LineError(Reason.BAD_FIELD, f"{key!r} must be text, not a {_kind(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        surrogate = exc.object[exc.start]
        raise LineError(Reason.BAD_TEXT, f"{key!r} holds a lone surrogate ({surrogate!a})") from exc
    return value


def _published(record: dict[str, Any]) -> datetime | None:
    value = _text(record, "published")
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise LineError(
            Reason.BAD_DATE, f"published {_show(value)} is not an ISO 8601 date or date-time"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise LineError(Reason.BAD_DATE, f"published {_show(value)} is out of range") from exc
    if not 1900 <= moment.year <= 2200:
        raise LineError(Reason.BAD_DATE, f"published {_show(value)} is not between 1900 and 2200")
    return moment


def _language(record: dict[str, Any]) -> str | None:
    value = record.get("lang")
    if value is None:
        return None
    if not isinstance(value, str):
        raise LineError(Reason.BAD_FIELD, f"'lang' must be a language code, not a {_kind(value)}")
    tag = language_tag(value)
    if tag is None:
        raise LineError(
            Reason.BAD_FIELD, f"lang {_show(value)} is not a language code (en, pt-BR...)"
        )
    return tag


def _max_nesting(text: str) -> int:
    """Return the deepest nesting of [ and { outside strings (a cheap bound, no recursion)."""
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return text.count("[") + text.count("{")
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_NESTING:
                return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def _kind(value: object) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def _show(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")
