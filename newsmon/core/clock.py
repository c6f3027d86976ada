"""The clock, read once at the edge and passed down, and the one timestamp format we store.

The CLI or the flow decides what time it is: the wall clock, or a replay clock started at
``--now`` that advances with real time, so a replayed run stamps its run row, fetches,
stories and alerts with times after T (durations stay real). Tests pin time with
`FixedClock`. Nothing below the edge calls ``datetime.now()``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that says what time it is (aware UTC datetimes)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class FixedClock:
    """A clock that always reads the same moment (tests, single-instant replays)."""

    moment: datetime

    def now(self) -> datetime:
        return aware(self.moment)


@dataclass
class ReplayClock:
    """A clock that reads ``start`` when created and advances with real elapsed time."""

    start: datetime
    _origin: float = field(default_factory=time.monotonic, repr=False)

    def now(self) -> datetime:
        return aware(self.start) + timedelta(seconds=time.monotonic() - self._origin)


def aware(moment: datetime) -> datetime:
    """Return ``moment`` with UTC assumed when it carries no zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime | None) -> str | None:
    """Return an ISO 8601 UTC string for ``moment`` (None stays None)."""
    if moment is None:
        return None
    return aware(moment).astimezone(UTC).isoformat(timespec="seconds")


def parse_iso(text: str | None) -> datetime | None:
    """Parse a stored ISO timestamp back into an aware datetime."""
    if not text:
        return None
    return aware(datetime.fromisoformat(text))
