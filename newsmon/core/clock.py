"""The clock, read once at the edge and passed down, and the one timestamp format we store.

The CLI or the flow decides what time it is: the wall clock, or, for ``--now T``, a clock
fixed at T, so a replayed run stamps its run row, fetches, versions, stories and alerts with
T, and replaying the same T again sees exactly what the first run scheduled (an advancing
clock would stamp new URLs due at T plus the seconds the run took, and a second run at T
would not find them due). Nothing below the edge calls ``datetime.now()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
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
    """A clock that always reads the same moment (``--now`` replays, tests)."""

    moment: datetime

    def now(self) -> datetime:
        return aware(self.moment)


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
