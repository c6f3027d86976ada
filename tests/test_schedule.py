from datetime import UTC, datetime, timedelta

import pytest

from newsmon.core.settings import Settings
from newsmon.ingest.schedule import next_poll, next_recheck, retry_after_failure

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
TIERS = Settings().recheck_tiers


@pytest.mark.parametrize(
    ("age", "every"),
    [
        (timedelta(minutes=10), timedelta(minutes=15)),
        (timedelta(hours=2, minutes=59), timedelta(minutes=15)),
        (timedelta(hours=5), timedelta(hours=1)),
        (timedelta(days=3), timedelta(hours=4)),
        (timedelta(days=20), timedelta(days=1)),
    ],
)
def test_rechecks_are_dense_while_fresh_and_thin_with_age(age, every):
    assert next_recheck(NOW - age, NOW, TIERS) == NOW + every


def test_no_recheck_after_thirty_days():
    assert next_recheck(NOW - timedelta(days=31), NOW, TIERS) is None


def test_failing_sources_back_off_but_at_most_a_day():
    assert next_poll(NOW, 900) == NOW + timedelta(minutes=15)
    assert next_poll(NOW, 900, 1) == NOW + timedelta(minutes=30)
    assert next_poll(NOW, 900, 3) == NOW + timedelta(hours=2)
    assert next_poll(NOW, 900, 20) == NOW + timedelta(days=1)


def test_article_retry_backoff():
    assert retry_after_failure(NOW, 1) == NOW + timedelta(minutes=15)
    assert retry_after_failure(NOW, 3) == NOW + timedelta(hours=1)
    assert retry_after_failure(NOW, 30) == NOW + timedelta(days=1)
