"""Alerts: planned once per figure change, POSTed to a real loopback webhook, retried on failure."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from newsmon import store
from newsmon.core.clock import FixedClock
from newsmon.pipeline.alerts import (
    AlertSettings,
    change_pct,
    deliver_alerts,
    plan_alerts,
)
from tests.conftest import free_port
from tests.test_timeline import (
    A_255,
    COURRIER_255,
    MONITOR,
    T0,
    WIRE_240,
    Page,
    Said,
    add_sources,
    publish,
    put_story,
)

CLOCK = FixedClock(T0 + timedelta(days=1))  # when deliveries happen

KILLED_240 = Said("killed", "at_least", 240, "At least 240 people", MONITOR)
KILLED_255 = Said("killed", "more_than", 255, "More than 255 people", MONITOR)


class Receiver:
    """A webhook on 127.0.0.1 that records every POST and answers with scripted statuses."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses: list[int] = []  # consumed one per request; 204 when empty
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                status = receiver.statuses.pop(0) if receiver.statuses else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def bodies(self) -> list[dict[str, Any]]:
        return [r["body"] for r in self.requests]


@pytest.fixture
def meridian(db, settings) -> Page:
    """Story 1 as first seen: one page saying at least 240 killed, more than 600 wounded."""
    add_sources(db)
    page = Page("https://meridian.example/world/karsa-offensive-toll", "meridian")
    publish(
        db, settings, page, text=WIRE_240, at=T0, title="Karsa offensive",
        said=[KILLED_240, Said("injured", "more_than", 600, "More than 600 people", "the group")],
    )  # fmt: skip
    put_story(db, 1, [page], title="Karsa offensive")
    return page


def edit_to_255(db, settings, page: Page) -> None:
    publish(
        db, settings, page, text=A_255, at=T0 + timedelta(hours=8), title="Karsa offensive",
        said=[
            KILLED_255,
            Said("injured", "more_than", 600, "More than 600 people", "the group"),
            Said("displaced", "exact", 14_000, "14,000 people", "The United Nations"),
        ],
    )  # fmt: skip


def test_new_kinds_alert_then_a_change_alerts_once(db, settings, meridian, receiver):
    hooks = AlertSettings(webhooks=[receiver.url])
    first = plan_alerts(db, [1], hooks, T0)
    assert [(a.kind, a.payload["event"]) for a in first] == [
        ("killed", "figure_new"),
        ("injured", "figure_new"),
    ]
    assert deliver_alerts(db, hooks, CLOCK) == {"delivered": 2, "failed": 0, "pending": 0}
    edit_to_255(db, settings, meridian)
    second = plan_alerts(db, [1], hooks, T0 + timedelta(hours=8))
    assert [a.kind for a in second] == ["killed", "displaced"]
    assert deliver_alerts(db, hooks, CLOCK)["delivered"] == 2
    # Planning and delivering again: nothing new.
    assert plan_alerts(db, [1, 1], hooks, T0 + timedelta(hours=9)) == []
    assert deliver_alerts(db, hooks, CLOCK) == {"delivered": 0, "failed": 0, "pending": 0}
    bodies = receiver.bodies()
    assert [(b["kind"], b["event"]) for b in bodies] == [
        ("killed", "figure_new"),
        ("injured", "figure_new"),
        ("killed", "figure_changed"),
        ("displaced", "figure_new"),
    ]
    change = bodies[2]
    assert change["story"] == {"id": 1, "title": "Karsa offensive"}
    assert change["old"] == {"value": 240, "low": 240, "high": None, "qualifier": "at_least"}
    assert change["new"] == {"value": 255, "low": 255, "high": None, "qualifier": "more_than"}
    assert change["direction"] == "up" and change["change_pct"] == 6.46
    assert change["outlet"] == "meridian" and change["url"] == meridian.url
    assert change["time"] == "2026-11-20T18:00:00+00:00"
    assert change["attributed_to"] == MONITOR
    assert change["sentence"].startswith("More than 255 people have been killed")
    assert change["text"] == (
        "Karsa offensive: killed at least 240 → more than 255 "
        "(the Civil Casualty Monitor, via The Meridian Herald)"
    )
    request = receiver.requests[2]
    assert request["path"] == "/hook"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["Idempotency-Key"] == "1:killed:more_than:255"


def test_small_moves_wait_until_they_add_up(db, settings, meridian):
    hooks = AlertSettings(min_change_pct=5.0)
    plan_alerts(db, [1], hooks, T0)
    text_250 = "At least 250 people have been killed in Karsa, the monitor said."
    text_260 = "At least 260 people have been killed in Karsa, the monitor said."
    publish(db, settings, meridian, text=text_250, at=T0 + timedelta(hours=1),
            said=[Said("killed", "at_least", 250, "At least 250 people")])  # fmt: skip
    assert plan_alerts(db, [1], hooks, T0 + timedelta(hours=1)) == []  # +4.2 %
    publish(db, settings, meridian, text=text_260, at=T0 + timedelta(hours=2),
            said=[Said("killed", "at_least", 260, "At least 260 people")])  # fmt: skip
    (alert,) = plan_alerts(db, [1], hooks, T0 + timedelta(hours=2))
    assert alert.payload["old"]["value"] == 240  # measured from the last figure alerted
    assert alert.payload["new"]["value"] == 260 and alert.payload["change_pct"] == 8.33


def test_only_configured_kinds_alert(db, settings, meridian):
    hooks = AlertSettings(kinds=["displaced"])
    assert plan_alerts(db, [1], hooks, T0) == []
    edit_to_255(db, settings, meridian)
    assert [a.kind for a in plan_alerts(db, [1], hooks, T0)] == ["displaced"]


def test_a_figure_alerted_before_never_alerts_again(db, settings, meridian):
    hooks = AlertSettings()
    plan_alerts(db, [1], hooks, T0)
    edit_to_255(db, settings, meridian)
    assert [a.kind for a in plan_alerts(db, [1], hooks, T0)] == ["killed", "displaced"]
    # The outlet corrects itself back to 240 with new wording (not a revert of a version).
    corrected = WIRE_240.replace("since government forces", "after government forces")
    publish(db, settings, meridian, text=corrected, at=T0 + timedelta(hours=9),
            said=[KILLED_240])  # fmt: skip
    assert plan_alerts(db, [1], hooks, T0 + timedelta(hours=9)) == []
    rows = store.alerts.alert_rows(db)
    assert sorted(r["key"] for r in rows) == [
        "1:displaced:exact:14000",
        "1:injured:more_than:600",
        "1:killed:at_least:240",
        "1:killed:more_than:255",
    ]


def test_a_page_flipping_between_versions_alerts_once(db, settings, meridian, receiver):
    hooks = AlertSettings(webhooks=[receiver.url])
    plan_alerts(db, [1], hooks, T0)
    for hour in range(1, 6):  # 255, 240, 255, 240, 255: the same two texts again and again
        if hour % 2:
            edit_to_255(db, settings, meridian)
        else:
            publish(db, settings, meridian, text=WIRE_240, at=T0 + timedelta(hours=hour),
                    said=[KILLED_240])  # fmt: skip
        plan_alerts(db, [1], hooks, T0 + timedelta(hours=hour))
        deliver_alerts(db, hooks, CLOCK)
    killed = [b for b in receiver.bodies() if b["kind"] == "killed"]
    assert [(b["old"] and b["old"]["value"], b["new"]["value"]) for b in killed] == [
        (None, 240),
        (240, 255),
    ]


def test_a_failed_delivery_is_retried_and_never_duplicated(db, settings, meridian, receiver):
    hooks = AlertSettings(webhooks=[receiver.url], kinds=["killed"])
    plan_alerts(db, [1], hooks, T0)
    receiver.statuses = [503]
    assert deliver_alerts(db, hooks, CLOCK) == {"delivered": 0, "failed": 1, "pending": 0}
    (row,) = store.alerts.alert_rows(db)
    assert row["delivered_at"] is None and row["attempts"] == 1
    assert row["last_error"] == f"{receiver.url}: HTTP 503"
    assert deliver_alerts(db, hooks, CLOCK) == {"delivered": 1, "failed": 0, "pending": 0}
    assert deliver_alerts(db, hooks, CLOCK) == {"delivered": 0, "failed": 0, "pending": 0}
    (row,) = store.alerts.alert_rows(db)
    assert row["delivered_at"] is not None and row["attempts"] == 2 and row["last_error"] is None
    assert len(receiver.requests) == 2  # one refused, one accepted, nothing after


def test_a_webhook_that_accepted_is_not_sent_the_alert_again(db, settings, meridian, receiver):
    dead = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens there
    hooks = AlertSettings(webhooks=[receiver.url, dead], timeout_s=2.0)
    plan_alerts(db, [1], hooks, T0)
    counts = deliver_alerts(db, hooks, CLOCK)
    assert counts == {"delivered": 0, "failed": 2, "pending": 0}
    rows = store.alerts.alert_rows(db)
    assert all(r["delivered_to"] == [receiver.url] for r in rows)
    # The dead hook failed once; the second alert did not wait on it again in the same run.
    assert "ConnectError" in rows[-1]["last_error"]
    assert "not tried" in rows[0]["last_error"]
    # The dead hook is removed by the operator: the retry completes without resending.
    assert deliver_alerts(db, AlertSettings(webhooks=[receiver.url]), CLOCK)["delivered"] == 2
    assert len(receiver.requests) == 2


def test_without_webhooks_alerts_are_recorded_and_wait(db, meridian):
    assert len(plan_alerts(db, [1], AlertSettings(), T0)) == 2
    assert deliver_alerts(db, AlertSettings(), CLOCK) == {"delivered": 0, "failed": 0, "pending": 2}


def test_two_planners_record_one_alert(db, settings, meridian, tmp_path):
    other = store.open_db(tmp_path / "newsmon.db")
    try:
        assert len(plan_alerts(db, [1], AlertSettings(), T0)) == 2
        assert plan_alerts(other, [1], AlertSettings(), T0) == []
    finally:
        other.close()
    assert db.execute("SELECT COUNT(*) FROM alerts").fetchone()[0] == 2


def test_unknown_and_figureless_stories_plan_nothing(db, settings):
    page = Page("https://meridian.example/rail", "meridian")
    publish(db, settings, page, text=COURRIER_255.replace("255", "deux cent"), at=T0, said=[])
    put_story(db, 4, [page])
    assert plan_alerts(db, [4, 404], AlertSettings(), T0) == []


@pytest.mark.parametrize(
    ("old", "new", "pct"),
    [
        (("at_least", 240), ("more_than", 255), 6.46),
        (("exact", 100), ("exact", 90), 10.0),
        (("at_least", 255), ("more_than", 255), 0.2),
    ],
)
def test_change_is_measured_in_percent_with_qualifiers(old, new, pct):
    def fig(qualifier, value):
        return {"qualifier": qualifier, "value": value}

    assert round(change_pct(fig(*old), fig(*new)), 2) == pct
