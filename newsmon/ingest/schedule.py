"""When to poll a source and when to recheck an article."""

from __future__ import annotations

from datetime import datetime, timedelta


def next_recheck(
    anchor: datetime, now: datetime, tiers: list[tuple[float, float]]
) -> datetime | None:
    """Return when to recheck an article first seen/published at ``anchor``; None = never.

    ``tiers`` is [(max_age_s, every_s), ...] ascending: dense while fresh, thinning with age.
    """
    age = (now - anchor).total_seconds()
    for max_age, every in tiers:
        if age < max_age:
            return now + timedelta(seconds=every)
    return None


def next_poll(now: datetime, every_s: float, consecutive_failures: int = 0) -> datetime:
    """Return the next poll time; failing sources back off exponentially up to a day."""
    delay = every_s * (2 ** min(consecutive_failures, 10)) if consecutive_failures else every_s
    return now + timedelta(seconds=min(delay, max(every_s, 86_400.0)))


def retry_after_failure(now: datetime, failures: int, base_s: float = 900.0) -> datetime:
    """Return when to retry an article whose fetch failed ``failures`` times in a row."""
    return now + timedelta(seconds=min(base_s * 2 ** max(0, failures - 1), 86_400.0))
