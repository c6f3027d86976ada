"""Reading stories back: listings and one story in detail (newsmon.present renders them).

A story keeps three kinds of evolution apart: edits of one URL (an article's versions),
new articles joining the story (other reporting, other outlets, other languages), and
syndicated copies of one text (wire groups, each with a canonical member and a credit).
The rows come from a ``StoryReads`` (``newsmon.store.stories.StoryStore``) passed in.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from newsmon.core.settings import StoriesSettings, parse_duration
from newsmon.stories.features import display_term, stamp
from newsmon.stories.index import StoryReads


def _key_terms(stored: str | None) -> list[str]:
    """Return a story's key terms as readers see them: as the articles wrote them."""
    out = []
    for term in json.loads(stored or "[]"):
        key, written = (term[0], term[1]) if isinstance(term, list) else (term, "")
        out.append(written or display_term(key))
    return out


def _active_since(window: str | None, now: datetime) -> str:
    seconds = parse_duration(window or StoriesSettings().active_window)
    return stamp(now - timedelta(seconds=seconds))


def list_stories(
    reads: StoryReads,
    *,
    now: datetime,
    limit: int = 50,
    active_only: bool = False,
    window: str | None = None,
) -> list[dict[str, Any]]:
    """Return the most recently seen stories (merged and emptied ones left out)."""
    if not reads.has_stories():
        return []
    since = _active_since(window, now)
    rows = reads.story_listing(limit, since if active_only else None)
    for row in rows:
        row["key_terms"] = _key_terms(row["key_terms"])
        row["active"] = (row["last_seen"] or "") >= since
    return rows


def story_detail(
    reads: StoryReads,
    story_id: int,
    *,
    now: datetime,
    window: str | None = None,
) -> dict[str, Any] | None:
    """Return one story: summary, members, wire groups and its merge/split history."""
    if not reads.has_stories():
        return None
    story = reads.story_row(story_id)
    if story is None:
        return None
    members = reads.member_rows(story_id)
    outlets: dict[str, dict[str, Any]] = {}
    for member in members:
        outlet = outlets.setdefault(
            member["source_id"],
            {"id": member["source_id"], "name": member["source_name"], "articles": 0},
        )
        outlet["articles"] += 1
    since = _active_since(window, now)
    history = reads.history_rows(story_id)
    for event in history:
        event["detail"] = json.loads(event["detail"]) if event["detail"] else None
    versions = sum(int(m["versions"] or 1) for m in members)
    return {
        "id": story["id"],
        "title": story["title"],
        "key_terms": _key_terms(story["key_terms"]),
        "first_seen": story["first_seen"],
        "last_seen": story["last_seen"],
        "status": story["status"],
        "merged_into": story["merged_into"],
        "active": story["status"] == "open" and (story["last_seen"] or "") >= since,
        "articles": len(members),
        "outlets": list(outlets.values()),
        "evolution": {
            "edits": max(0, versions - len(members)),  # new versions of member URLs
            "joined": sum(1 for m in members if m["joined"] != "wire_copy"),
            "wire_copies": sum(1 for m in members if m["joined"] == "wire_copy"),
        },
        "members": members,
        "wire_groups": _wire_groups(reads, members),
        "history": history,
    }


def _wire_groups(reads: StoryReads, members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = sorted({int(m["wire_group_id"]) for m in members if m["wire_group_id"] is not None})
    groups = []
    for group_id in ids:
        group = reads.wire_group_row(group_id)
        if group is None:
            continue
        copies = reads.wire_copy_rows(group_id)
        canonical = next(
            (c for c in copies if c["article_id"] == group["canonical_article_id"]), None
        )
        groups.append(
            {
                "id": group_id,
                "canonical_article_id": group["canonical_article_id"],
                "canonical_url": canonical["url"] if canonical else None,
                "credit": group["credit"],
                "first_seen": group["first_seen"],
                "last_seen": group["last_seen"],
                "members": copies,
            }
        )
    return groups
