"""Reading stories back: listings, one story in detail, and their terminal rendering.

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
from newsmon.core.text import safe_text
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


# --- terminal rendering -------------------------------------------------------------------------


def _when(text: str | None) -> str:
    return datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M") if text else "—"


def _clip(text: object, width: int) -> str:
    clean = safe_text(text if text is not None else "")
    return clean if len(clean) <= width else clean[: max(0, width - 1)] + "…"


def render_story_list(rows: list[dict[str, Any]]) -> str:
    """Render a story listing for a terminal, one story per line."""
    if not rows:
        return "(no stories)"
    lines = [f"{'ID':>6}  {'LAST SEEN':16}  {'ART':>4} {'OUT':>4} {'WIRE':>4}  TITLE"]
    for row in rows:
        marker = "" if row.get("active", True) else " (inactive)"
        lines.append(
            f"{row['id']:>6}  {_when(row['last_seen']):16}  {row['articles']:>4} "
            f"{row['outlets']:>4} {row.get('wire_groups', 0):>4}  "
            f"{_clip(row['title'] or '(untitled)', 70)}{marker}"
        )
        if row.get("key_terms"):
            lines.append(
                f"{'':>6}  {'':16}  {'':>4} {'':>4} {'':>4}  "
                f"[{_clip(', '.join(row['key_terms']), 70)}]"
            )
    return "\n".join(lines)


def render_story(detail: dict[str, Any]) -> str:
    """Render one story for a terminal: summary, members, wire groups, history."""
    lines = [f"story {detail['id']}: {_clip(detail['title'] or '(untitled)', 100)}"]
    if detail["status"] == "merged":
        lines.append(f"  merged into story {detail['merged_into']}")
    span = f"{_when(detail['first_seen'])} → {_when(detail['last_seen'])}"
    lines.append(
        f"  {span} UTC · {detail['articles']} article(s) from {len(detail['outlets'])} "
        f"outlet(s) · {'active' if detail['active'] else 'inactive'}"
    )
    if detail["key_terms"]:
        lines.append(f"  key terms: {_clip(', '.join(detail['key_terms']), 100)}")
    evolution = detail["evolution"]
    copies = evolution["wire_copies"]
    lines.append(
        f"  evolution: {evolution['joined']} article(s) joined, "
        f"{copies} syndicated cop{'y' if copies == 1 else 'ies'}, "
        f"{evolution['edits']} edit(s) of member pages"
    )
    lines.append("")
    lines.append("  articles:")
    for member in detail["members"]:
        how = {
            "new_story": "first",
            "joined": "joined",
            "wire_copy": "copy",
            "follow_up": "follow-up",
        }.get(member["joined"], member["joined"])
        score = f" {member['score']:.2f}" if member["score"] is not None else ""
        group = f" wire#{member['wire_group_id']}" if member["wire_group_id"] else ""
        lines.append(
            f"    [{member['article_id']}] {_when(member['event_at'])}  "
            f"{_clip(member['source_id'], 18):18}  {how}{score}{group}"
        )
        lines.append(f"        {_clip(member['title'] or '(untitled)', 90)}")
        lines.append(f"        {_clip(member['url'] or '', 90)}")
    if detail["wire_groups"]:
        lines.append("")
        lines.append("  wire groups:")
        for group in detail["wire_groups"]:
            credit = f", credit {group['credit']}" if group["credit"] else ""
            lines.append(
                f"    wire#{group['id']}: {len(group['members'])} copies{credit}; "
                f"canonical [{group['canonical_article_id']}] "
                f"{_clip(group['canonical_url'] or '', 70)}"
            )
            for copy in group["members"]:
                how = copy["match_kind"] or "first"
                contained = f" {copy['containment']:.0%}" if copy["containment"] is not None else ""
                lines.append(
                    f"      [{copy['article_id']}] {_clip(copy['source_id'], 18):18} "
                    f"{how}{contained}"
                )
    if detail["history"]:
        lines.append("")
        lines.append("  history:")
        for event in detail["history"]:
            lines.append("    " + _event_text(event, detail["id"]))
    return "\n".join(lines)


def _event_text(event: dict[str, Any], story_id: int) -> str:
    when = _when(event["at"])
    kind = event["kind"]
    if kind == "merge":
        if event["story_id"] == story_id:
            return f"{when}  merged story {event['other_story_id']} into this one"
        return f"{when}  merged into story {event['story_id']}"
    if kind == "split":
        moved = len((event.get("detail") or {}).get("articles") or [])
        if event["story_id"] == story_id:
            return f"{when}  split: {moved} article(s) moved to story {event['other_story_id']}"
        return f"{when}  split off story {event['story_id']} ({moved} article(s))"
    if kind == "move":
        if event["story_id"] == story_id:
            return (
                f"{when}  article {event['article_id']} moved here from story "
                f"{event['other_story_id']} after an edit"
            )
        return (
            f"{when}  article {event['article_id']} left for story {event['story_id']} "
            "after an edit"
        )
    return f"{when}  {kind}"
