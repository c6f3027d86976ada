"""Read the dates feeds and sitemaps write: tz-aware UTC, naive taken as UTC, else None.

ISO 8601 and the common RFC 822 spellings are parsed by hand (fast); anything else goes to
``email.utils`` and then feedparser's 15-format parser. Years outside 1900-2200 are None.
No function here raises on what a document says.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from feedparser.datetimes import _parse_date as _feedparser_date  # the 15-format date parser

from newsmon.core.languages import MONTHS

__all__ = ["from_struct", "parse_date", "timestamp"]


def parse_date(value: Any) -> datetime | None:
    """Return a tz-aware UTC datetime for a feed or sitemap date (naive means UTC), or None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 100:
        return None
    parsed = _fast_date(text)
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(text)
        except (ValueError, TypeError, IndexError, OverflowError):  # year 99999999999999999999
            parsed = from_struct(_safe_feedparser_date(text))
    if parsed is None or not 1900 <= parsed.year <= 2200:
        return None
    return as_utc(parsed)


def as_utc(when: datetime) -> datetime | None:
    """Return ``when`` in UTC (naive means UTC), or None when it cannot be shifted there."""
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    try:
        return when.astimezone(UTC)
    except (OverflowError, ValueError):  # 0001-01-01T00:00:00+14:00
        return None


# RFC 822 as feeds write it: "Mon, 02 Nov 2026 10:15:00 +0000" (or GMT/UTC/Z, no seconds).
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3,9},?\s+)?(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{4})\s+"
    r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([+-])(\d{2}):?(\d{2})|GMT|UTC|UT|Z)?"
)


def _fast_date(text: str) -> datetime | None:
    """Parse ISO 8601 and common RFC 822 dates without the slow general parsers."""
    if text[4:5] == "-":
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            return None
    match = _RFC822.fullmatch(text)
    if match is None:
        return None
    day, month, year, hour, minute, second, sign, tz_hours, tz_minutes = match.groups()
    number = MONTHS.get(month.lower())
    if number is None:
        return None
    offset = 0
    if sign:
        offset = (int(tz_hours) * 60 + int(tz_minutes)) * (1 if sign == "+" else -1)
    try:
        moment = datetime(
            int(year), number, int(day), int(hour), int(minute), int(second or 0), tzinfo=UTC
        )
    except ValueError:
        return None
    return moment - timedelta(minutes=offset)


def _safe_feedparser_date(text: str) -> Any:
    try:
        return _feedparser_date(text)
    except (ValueError, TypeError, IndexError, KeyError, OverflowError, AttributeError):
        return None


def from_struct(value: Any) -> datetime | None:
    """Convert feedparser's UTC struct_time to a tz-aware datetime."""
    if value is None:
        return None
    try:
        year, month, day, hour, minute, second = value[:6]
        parsed = datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None
    return parsed if 1900 <= parsed.year <= 2200 else None


def timestamp(value: datetime | None) -> float:
    return value.timestamp() if value is not None else float("-inf")
