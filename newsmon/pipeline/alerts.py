"""Alerts: a webhook POST when a story's headline figure changes or a new kind appears.

``plan_alerts`` compares each story's current figure per kind with the last one alerted and
records an alert under a key naming the figure (``story:kind:qualifier:value``), so one
change alerts once, ever: re-planning, a page flipping back to an old figure, or a second
process planning at the same time add nothing. ``deliver_alerts`` POSTs what is not yet
delivered to every configured webhook and records the outcome per webhook; a failure is
retried on the next call, and a webhook that accepted an alert never gets it again.
Delivery is at least once only across a crash between a receiver's 2xx and our write; the
``Idempotency-Key`` header (the alert key) lets receivers drop that duplicate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import sqlite_utils

from newsmon import __version__, store
from newsmon.core.clock import Clock, iso
from newsmon.core.settings import AlertSettings
from newsmon.facts.timeline import (
    DISAGREEMENT_WINDOW_S,
    current_figures,
    figure_level,
    format_figure,
)

_FIGURE = ("value", "low", "high", "qualifier")


@dataclass(frozen=True)
class Alert:
    """One recorded alert: a story's figure for a kind changed (or first appeared)."""

    id: int
    story_id: int
    kind: str
    key: str
    payload: dict[str, Any]
    created_at: str


def alert_key(story_id: int, kind: str, figure: dict[str, Any]) -> str:
    """Return the identity of an alert: the story, the kind and the figure alerted."""
    return f"{story_id}:{kind}:{figure['qualifier']}:{figure['value']}"


def change_pct(old: dict[str, Any], new: dict[str, Any]) -> float:
    """Return how far a figure moved, in percent of the old one (qualifiers count)."""
    before, after = figure_level(old), figure_level(new)
    if before <= 0:
        return 0.0 if after == before else float("inf")
    return abs(after - before) / before * 100.0


def plan_alerts(
    db: sqlite_utils.Database,
    story_ids: Iterable[int],
    settings: AlertSettings,
    now: datetime,
    *,
    disagreement_window_s: float = DISAGREEMENT_WINDOW_S,
) -> list[Alert]:
    """Record an alert per story and kind whose current figure changed enough; return them."""
    wanted = set(settings.kinds)
    planned: list[Alert] = []
    for story_id in dict.fromkeys(story_ids):
        found = current_figures(
            store.claims.StoryFactsReader(db),
            story_id,
            disagreement_window_s=disagreement_window_s,
        )
        if found is None:
            continue
        candidates = {
            kind: figure
            for kind, figure in found["current"].items()
            if not wanted or kind in wanted
        }
        if not candidates:
            continue
        with store.write_transaction(db):
            for kind, figure in candidates.items():
                alert = _plan_one(db, found["story"], kind, figure, settings, now)
                if alert is not None:
                    planned.append(alert)
    return planned


def _plan_one(
    db: sqlite_utils.Database,
    story: dict[str, Any],
    kind: str,
    figure: dict[str, Any],
    settings: AlertSettings,
    now: datetime,
) -> Alert | None:
    old = store.alerts.last_alerted(db, story["id"], kind)
    new = {k: figure[k] for k in _FIGURE}
    pct = None
    if old is not None:
        if (old["value"], old["qualifier"]) == (new["value"], new["qualifier"]):
            return None
        pct = change_pct(old, new)
        if pct < settings.min_change_pct:
            return None
    key = alert_key(story["id"], kind, new)
    body = _body(story, kind, old, new, pct, figure, key)
    alert_id = store.alerts.insert_alert(db, story["id"], kind, key, body, now)
    if alert_id is None:
        return None  # this figure was alerted before (a flip back, or a concurrent planner)
    return Alert(alert_id, story["id"], kind, key, body, iso(now) or "")


def _body(
    story: dict[str, Any],
    kind: str,
    old: dict[str, Any] | None,
    new: dict[str, Any],
    pct: float | None,
    figure: dict[str, Any],
    key: str,
) -> dict[str, Any]:
    direction = "new"
    if old is not None:
        gap = figure_level(new) - figure_level(old)
        direction = "up" if gap > 0 else "down" if gap < 0 else "same"
    source = figure.get("attributed_to")
    via = f"{source}, via {figure['outlet_name']}" if source else figure["outlet_name"]
    move = f"{format_figure(old)} → {format_figure(new)}" if old else format_figure(new)
    return {
        "event": "figure_new" if old is None else "figure_changed",
        "key": key,
        "story": {"id": story["id"], "title": story["title"]},
        "kind": kind,
        "old": old,
        "new": new,
        "direction": direction,
        "change_pct": None if pct is None or pct == float("inf") else round(pct, 2),
        "outlet": figure["outlet"],
        "outlet_name": figure["outlet_name"],
        "url": figure["url"],
        "time": figure["time"],
        "sentence": figure["sentence"],
        "attributed_to": source,
        # Chat webhooks (Slack, Mattermost) show "text" as the message.
        "text": f"{story['title']}: {kind} {move} ({via})",
    }


def deliver_alerts(
    db: sqlite_utils.Database,
    settings: AlertSettings,
    clock: Clock,
    client: httpx.Client | None = None,
) -> dict[str, int]:
    """POST every undelivered alert to each webhook that has not accepted it; return counts."""
    counts = {"delivered": 0, "failed": 0, "pending": 0}
    rows = store.alerts.undelivered(db)
    if not settings.webhooks:
        counts["pending"] = len(rows)
        return counts
    own = client is None
    http = client or httpx.Client(
        timeout=settings.timeout_s,
        trust_env=False,
        follow_redirects=False,
        headers={"User-Agent": f"newsmon/{__version__} (alerts)"},
    )
    down: dict[str, str] = {}  # webhooks that failed in this call are not tried again in it
    try:
        for alert_id, key, envelope in rows:
            done = list(envelope.get("delivered_to", []))
            errors = []
            tried = False
            for url in settings.webhooks:
                if url in done:
                    continue
                if url in down:
                    errors.append(f"{url}: not tried ({down[url]} earlier in this run)")
                    continue
                tried = True
                error = _post(http, url, envelope["body"], key)
                if error is None:
                    done.append(url)
                else:
                    errors.append(f"{url}: {error}")
                    down[url] = error
            delivered = all(url in done for url in settings.webhooks)
            envelope["delivered_to"] = done
            with store.write_transaction(db):
                store.alerts.record_delivery(
                    db,
                    alert_id,
                    envelope,
                    tried=tried,
                    error="; ".join(errors)[:2000] or None,
                    delivered_at=clock.now() if delivered else None,
                )
            if delivered:
                counts["delivered"] += 1
            else:
                counts["failed" if tried else "pending"] += 1
    finally:
        if own:
            http.close()
    return counts


def _post(client: httpx.Client, url: str, body: dict[str, Any], key: str) -> str | None:
    """POST one alert; return None when the webhook accepted it (2xx), else the reason."""
    try:
        response = client.post(url, json=body, headers={"Idempotency-Key": key})
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"[:300]
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}"
