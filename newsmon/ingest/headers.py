"""Read the HTTP header values a server sends; none of these functions raises on what it says.

A header is foreign input: "Retry-After: ²" is a digit to ``str.isdigit``, a date in the year
99999999999999999999 overflows ``datetime``, and an ETag with a byte above 0x7F cannot be sent
back in If-None-Match (httpx encodes header values as ASCII). Each function here returns a
usable value or None ("nothing usable here"), so a hostile header costs its own value only.
"""

from __future__ import annotations

import email.utils
import math
import re
from datetime import datetime

from newsmon.ingest.dates import as_utc

__all__ = ["content_length", "etag", "last_modified", "retry_after_s", "sendable"]

# Header values we store and send back are short; anything longer is not a validator.
MAX_VALIDATOR_CHARS = 512
# RFC 9110 8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; etagc excludes DQUOTE, controls
# and space. obs-text (bytes 0x80-0xFF) is allowed by the grammar, but we send ASCII only.
_ETAG = re.compile(r'(?:W/)?"[\x21\x23-\x7e]*"')
# Servers also send unquoted tags (nginx once did); they are sent back as received.
_BARE_ETAG = re.compile(r"[\x21\x23-\x7e]+")
_ASCII_DIGITS = re.compile(r"[0-9]{1,20}")


def sendable(value: object) -> str | None:
    """Return ``value`` when it can be sent as an HTTP header value, else None.

    Printable ASCII and spaces only (no CR, LF or other controls), at most 512 characters.
    """
    if not isinstance(value, str) or not value or len(value) > MAX_VALIDATOR_CHARS:
        return None
    if not all(" " <= c <= "~" for c in value):
        return None
    return value


def etag(value: object) -> str | None:
    """Return an ETag that can be replayed in If-None-Match, or None."""
    text = sendable(value.strip() if isinstance(value, str) else value)
    if text is None:
        return None
    return text if _ETAG.fullmatch(text) or _BARE_ETAG.fullmatch(text) else None


def last_modified(value: object) -> str | None:
    """Return a Last-Modified value that can be replayed in If-Modified-Since, or None.

    The value is sent back exactly as received (RFC 9110 13.1.3), but only when it is a date.
    """
    text = sendable(value.strip() if isinstance(value, str) else value)
    if text is None or http_date(text) is None:
        return None
    return text


def http_date(value: object) -> datetime | None:
    """Return an HTTP-date (or any RFC 5322 date) as a UTC datetime, or None."""
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return as_utc(when)


def retry_after_s(value: object, now: datetime) -> float | None:
    """Return the seconds a Retry-After header asks us to wait from ``now``, or None.

    Delay-seconds are ASCII digits only ("²" and "٣" are digits to str.isdigit, not to HTTP);
    a date in the past means 0; an unreadable or absurd value means None.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _ASCII_DIGITS.fullmatch(text):
        return float(text)
    when = http_date(text)
    if when is None:
        return None
    try:
        seconds = (when - now).total_seconds()
    except (OverflowError, TypeError):
        return None
    return max(0.0, seconds) if math.isfinite(seconds) else None


def content_length(value: object) -> int | None:
    """Return a Content-Length as an int (ASCII digits, at most 20 of them), or None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    return int(text) if _ASCII_DIGITS.fullmatch(text) else None
