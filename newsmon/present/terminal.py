"""Terminal rendering: listings, one article or story, run summaries and progress.

Everything here returns text (the CLI prints it) or draws on standard error (progress).
Stored text is made safe for a terminal first (control characters and bidi overrides become
spaces), and cut at a word boundary to fit the width it is given. ``width=None`` means
"no limit": output that goes to a pipe or a file is not cut.
"""

from __future__ import annotations

import logging
import os
import sys
import textwrap
import time
from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import IO, Any

from newsmon.core.clock import parse_iso
from newsmon.core.text import safe_text
from newsmon.facts.timeline import format_figure

LOGGER = logging.getLogger(__name__)

ELLIPSIS = "…"
DASH = "—"


# --- text that fits --------------------------------------------------------------------------


def output_width(stream: IO[str] | None = None) -> int | None:
    """Return the width to fit: $COLUMNS, else the terminal's, else None (a pipe or a file)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    stream = stream or sys.stdout
    try:
        if stream.isatty():
            return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        pass
    return None


def fit(text: object, width: int | None) -> str:
    """Return text made safe for a terminal and cut at a word boundary to ``width`` columns."""
    clean = " ".join(safe_text("" if text is None else text).split())
    if width is None or len(clean) <= width:
        return clean
    if width <= 1:
        return ELLIPSIS[:width]
    cut = clean[: width - 1]
    # The last space that leaves room for the ellipsis (the one just after the cut counts),
    # when it keeps at least half the room; a long word is cut inside.
    space = clean.rfind(" ", 0, width)
    if space >= (width - 1) // 2:
        cut = clean[:space]
    return cut.rstrip(" ,;:-–—") + ELLIPSIS


def fit_line(line: str, width: int | None) -> str:
    """Return a laid-out line (safe text, its spacing kept) cut at a word boundary to
    ``width``; a line that is one URL is kept whole (a cut URL cannot be opened)."""
    if width is None or len(line) <= width:
        return line
    if " " not in line.strip() and "://" in line:
        return line
    if width <= 1:
        return ELLIPSIS[:width]
    space = line.rfind(" ", 0, width)
    cut = line[:space] if space >= (width - 1) // 2 else line[: width - 1]
    return cut.rstrip(" ,;:-–—") + ELLIPSIS


def wrap(text: str, width: int | None) -> list[str]:
    """Return prose as lines of at most ``width`` columns (one line when there is no limit)."""
    return [text] if width is None else textwrap.wrap(text, max(width, 20), break_on_hyphens=False)


def when(text: str | None) -> str:
    """Return a stored ISO time as "YYYY-MM-DD HH:MM" (UTC), or a dash."""
    moment = parse_iso(text)
    return moment.strftime("%Y-%m-%d %H:%M") if moment else DASH


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    width: int | None,
    flexible: int,
    right: Sequence[int] = (),
    minimum: int = 12,
) -> list[str]:
    """Lay out columns two spaces apart; column ``flexible`` takes (and is cut to) what is left."""
    cells = [[safe_text(c) for c in row] for row in rows]
    widths = [len(h) for h in header]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    if width is not None:
        fixed = sum(w for i, w in enumerate(widths) if i != flexible) + 2 * (len(widths) - 1)
        widths[flexible] = max(min(widths[flexible], width - fixed), minimum)
    last = len(widths) - 1

    def line(row: Sequence[str]) -> str:
        parts = []
        for i, cell in enumerate(row):
            text = fit(cell, widths[i]) if i == flexible else cell
            if i in right:
                parts.append(text.rjust(widths[i]))
            elif i == last:
                parts.append(text)
            else:
                parts.append(text.ljust(widths[i]))
        return "  ".join(parts).rstrip()

    return [line(header)] + [line(row) for row in cells]


# --- articles and status -----------------------------------------------------------------------


def render_articles(rows: list[dict[str, Any]], width: int | None) -> str:
    """Render an article listing: a header row, one article per line, titles fitted."""
    if not rows:
        return "(no articles)"
    guessed = False
    body = []
    for r in rows:
        date = when(r.get("published"))
        if date == DASH and r.get("first_seen"):
            date, guessed = when(r["first_seen"]) + "*", True
        body.append(
            [
                str(r["id"]),
                date,
                r["source_id"],
                r["status"],
                str(r["versions_count"]),
                r.get("title") or "(no title yet)",
                r["url"],
            ]
        )
    header = ["ID", "PUBLISHED", "SOURCE", "STATUS", "VER", "TITLE", "URL"]
    longest_url = max(len(r[6]) for r in body)
    # The URL is shown whole or not at all: a cut URL cannot be opened.
    with_urls = width is None or width - longest_url - 2 >= _fixed_width(body, header) + 30
    if not with_urls:
        header, body = header[:6], [r[:6] for r in body]
    lines = table(header, body, width=width, flexible=5, right=(0, 4))
    if guessed:
        lines += wrap("* no publication date: the time it was first seen", width)
    if not with_urls:
        lines += wrap(
            "(URLs left out to fit the terminal: `newsmon article ID`, or --format json)", width
        )
    return "\n".join(lines)


def _fixed_width(body: list[list[str]], header: list[str]) -> int:
    widths = [max(len(header[i]), *(len(r[i]) for r in body)) for i in range(5)]
    return sum(widths) + 2 * 5


def render_status(data: dict[str, Any], width: int | None) -> str:
    """Render sources with their health, counts, articles by status and the last runs."""
    lines = ["sources:"]
    rows, errors = [], []
    for s in data["sources"]:
        failures = s["consecutive_failures"]
        rows.append(
            [
                s["id"],
                "ok" if not failures else f"FAILING x{failures}",
                str(s["articles"]),
                when(s["last_polled_at"]),
                when(s["next_poll_at"]),
            ]
        )
        errors.append(s["last_error"] or "")
    if rows:
        header = ["SOURCE", "HEALTH", "ARTICLES", "LAST POLL", "NEXT POLL"]
        laid = table(header, rows, width=_less(width, 2), flexible=0, right=(2,))
        lines.append("  " + laid[0])
        for line, error in zip(laid[1:], errors, strict=True):
            lines.append("  " + line)
            if error:
                lines.append("      last error: " + fit(error, _less(width, 18)))
    else:
        lines.append("  (none yet: `newsmon run` records the configured sources)")
    lines.append("counts: " + ", ".join(f"{k} {v}" for k, v in data["counts"].items()))
    lines.append(
        "articles by status: "
        + (", ".join(f"{k} {v}" for k, v in data["articles_by_status"].items()) or "none")
    )
    lines.append("last runs:")
    for run in data["runs"]:
        lines.append(
            f"  #{run['id']:<5} {run['kind']:<9} {run['status']:<11} {when(run['started_at'])}"
            f" → {when(run['finished_at']) if run['finished_at'] else '…'}"
        )
    if not data["runs"]:
        lines.append("  (none)")
    return "\n".join(lines)


def _less(width: int | None, by: int) -> int | None:
    return None if width is None else width - by


def render_article(
    article: dict[str, Any],
    versions: list[dict[str, Any]],
    fetches: list[dict[str, Any]],
    diff_text: str | None,
    diff_summary: tuple[int, int, str] | None,
    *,
    full_text: bool,
    width: int | None = None,
) -> str:
    """Render one article: its versions, the diff between two of them, recent fetches.

    Its lines are fitted to ``width``, but for the URL, the diff and the full text."""
    lines = [
        *_with_url(f"article {article['id']}  [{article['status']}]", article["url"], width, "  "),
        fit_line(
            f"source {safe_text(article['source_id'])}  first seen "
            f"{when(article['first_seen'])}  published {when(article['published'])}",
            width,
        ),
        f"versions ({len(versions)}):",
    ]
    for ver in versions:
        lines.append(
            fit_line(
                f"  v{ver['seq']}  {when(ver['fetched_at'])}  {len(ver['text']):>6} chars  "
                f"{safe_text(ver['title'] or '')}",
                width,
            )
        )
    if diff_summary is not None and diff_text is not None:
        old, new, summary = diff_summary
        lines.append(f"diff v{old} → v{new}: {summary}")
        lines.append(diff_text)
    if full_text and versions:
        lines += ["", versions[-1]["text"]]
    if fetches:
        lines.append("recent fetches:")
        for f in fetches:
            lines.append(
                fit_line(
                    f"  {when(f['fetched_at'])}  {f['outcome']:<13} {f['status'] or '':<4} "
                    f"{safe_text(f['detail'] or '')}".rstrip(),
                    width,
                )
            )
    return "\n".join(lines)


# --- runs, imports, alerts ----------------------------------------------------------------------


def render_tick_report(report: dict[str, Any]) -> str:
    """Render what one ingest pass did."""
    errors = ", ".join(f"{k} {v}" for k, v in sorted(report.get("errors", {}).items()))
    failed_sources = report.get("sources_failed", 0)
    return (
        f"run {report.get('run_id')}: {report['sources_polled']} sources polled"
        + (f" ({failed_sources} could not be polled)" if failed_sources else "")
        + f", {report['feeds_ok']} feeds ok, {report['feeds_failed']} failed; "
        f"{report['new_articles']} new URLs, {report['fetched']} pages downloaded, "
        f"{report['not_modified']} not modified, {report['new_versions']} new versions, "
        f"{report['unchanged']} unchanged, {report['gone']} gone, {report['failed']} failed"
        + (f"\nerrors: {errors}" if errors else "")
    )


def render_tick_line(run: dict[str, Any]) -> str:
    """Render one finished run as one line (what `serve` prints per tick)."""
    counts = run.get("counts") or {}
    started, finished = parse_iso(run.get("started_at")), parse_iso(run.get("finished_at"))
    took = f" in {(finished - started).total_seconds():.0f}s" if started and finished else ""
    errors = sum((counts.get("errors") or {}).values())
    failed_sources = counts.get("sources_failed", 0)
    return (
        f"tick #{run['id']} {run['status']}{took}: {counts.get('sources_polled', 0)} sources"
        + (f" ({failed_sources} failed)" if failed_sources else "")
        + f", {counts.get('new_articles', 0)} new URLs, {counts.get('fetched', 0)} fetched, "
        f"{counts.get('new_versions', 0)} new versions, {counts.get('alerts', 0)} alerts, "
        f"{errors} errors" + (f" ({safe_text(run['error'])})" if run.get("error") else "")
    )


def render_totals(totals: dict[str, int]) -> str:
    """Render the counts of an import or a reprocess on one line."""
    return ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in totals.items())


def alert_state(row: dict[str, Any], webhooks: Sequence[str]) -> tuple[str, str]:
    """Return an alert's delivery state (delivered, pending, failing) and why."""
    if row.get("delivered_at"):
        return "delivered", f"to {len(row.get('delivered_to') or [])} webhook(s)"
    if not webhooks:
        return "pending", "no webhook configured ([alerts] webhooks is empty)"
    if row.get("last_error"):
        return "failing", f"{row.get('attempts', 0)} attempt(s); last error: {row['last_error']}"
    return "pending", "not tried yet (delivered on the next tick or `newsmon alerts --deliver`)"


def render_alerts(
    rows: list[dict[str, Any]],
    webhooks: Sequence[str],
    delivery: dict[str, int] | None,
    width: int | None,
) -> str:
    """Render figure-change alerts with their delivery state and its reason."""
    lines = []
    if rows:
        body = []
        for r in rows:
            state, reason = alert_state(r, webhooks)
            text = (r.get("body") or {}).get("text") or r["key"]
            shown = when(r["delivered_at"]) if state == "delivered" else reason
            body.append(
                [str(r["id"]), when(r["created_at"]), str(r["story_id"]), state, shown, text]
            )
        header = ["ID", "CREATED", "STORY", "STATE", "WHY / WHEN", "ALERT"]
        if not webhooks:  # the same reason on every line: say it once, below
            header, body = header[:4] + header[5:], [row[:4] + row[5:] for row in body]
            lines = table(header, body, width=width, flexible=4, right=(0, 2))
        else:
            lines = table(header, body, width=width, flexible=5, right=(0, 2))
    else:
        lines.append("(no alerts)")
    waiting = sum(1 for r in rows if not r.get("delivered_at"))
    if waiting and not webhooks:
        lines += wrap(
            f"{waiting} alert(s) pending: no webhook is configured, so none is sent. "
            "Add URLs to [alerts] webhooks in settings.toml; pending alerts go out on the "
            "next tick or with `newsmon alerts --deliver`.",
            width,
        )
    if delivery is not None:
        lines += wrap("delivery: " + ", ".join(f"{k} {v}" for k, v in delivery.items()), width)
    return "\n".join(lines)


# --- stories -------------------------------------------------------------------------------------


def render_story_list(rows: list[dict[str, Any]], width: int | None = None) -> str:
    """Render a story listing, in the report's order: figures first, latest change first."""
    if not rows:
        return "(no stories)"
    body = []
    for row in rows:
        title = row["title"] or "(untitled)"
        if not row.get("active", True):
            title += " (inactive)"
        if row.get("key_terms"):
            title += " [" + ", ".join(row["key_terms"]) + "]"
        body.append(
            [
                str(row["id"]),
                when(row["last_seen"]),
                str(row["articles"]),
                str(row["outlets"]),
                str(row.get("wire_groups", 0)),
                "yes" if row.get("has_figures") else "",
                title,
            ]
        )
    header = ["ID", "LAST SEEN", "ART", "OUT", "WIRE", "FIGS", "TITLE [KEY TERMS]"]
    return "\n".join(table(header, body, width=width, flexible=6, right=(0, 2, 3, 4)))


def render_story(detail: dict[str, Any], width: int | None = None) -> str:
    """Render one story: summary, members, wire groups, history."""
    room = 100 if width is None else max(20, width - 8)
    lines = [f"story {detail['id']}: {fit(detail['title'] or '(untitled)', None)}"]
    if detail["status"] == "merged":
        lines.append(f"  merged into story {detail['merged_into']}")
    span = f"{when(detail['first_seen'])} → {when(detail['last_seen'])}"
    lines.append(
        f"  {span} UTC · {detail['articles']} article(s) from {len(detail['outlets'])} "
        f"outlet(s) · {'active' if detail['active'] else 'inactive'}"
    )
    if detail["key_terms"]:
        lines.append(f"  key terms: {fit(', '.join(detail['key_terms']), room)}")
    evolution = detail["evolution"]
    copies = evolution["wire_copies"]
    lines.append(
        f"  evolution: {evolution['joined']} article(s) joined, "
        f"{copies} syndicated cop{'y' if copies == 1 else 'ies'}, "
        f"{evolution['edits']} edit(s) of member pages"
    )
    lines += ["", "  articles:"]
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
            f"    [{member['article_id']}] {when(member['event_at'])}  "
            f"{fit(member['source_id'], 18):18}  {how}{score}{group}"
        )
        lines.append(f"        {fit(member['title'] or '(untitled)', room)}")
        lines.append(f"        {safe_text(member['url'] or '')}")
    if detail["wire_groups"]:
        lines += ["", "  wire groups:"]
        for group in detail["wire_groups"]:
            credit = f", credit {safe_text(group['credit'])}" if group["credit"] else ""
            lines.append(
                f"    wire#{group['id']}: {len(group['members'])} copies{credit}; "
                f"canonical [{group['canonical_article_id']}] "
                f"{safe_text(group['canonical_url'] or '')}"
            )
            for copy in group["members"]:
                how = copy["match_kind"] or "first"
                contained = f" {copy['containment']:.0%}" if copy["containment"] is not None else ""
                lines.append(
                    f"      [{copy['article_id']}] {fit(copy['source_id'], 18):18} {how}{contained}"
                )
    if detail["history"]:
        lines += ["", "  history:"]
        lines += ["    " + _event_text(event, detail["id"]) for event in detail["history"]]
    return "\n".join(fit_line(line, width) for line in lines)


def _event_text(event: dict[str, Any], story_id: int) -> str:
    at = when(event["at"])
    kind = event["kind"]
    if kind == "merge":
        if event["story_id"] == story_id:
            return f"{at}  merged story {event['other_story_id']} into this one"
        return f"{at}  merged into story {event['story_id']}"
    if kind == "split":
        moved = len((event.get("detail") or {}).get("articles") or [])
        if event["story_id"] == story_id:
            return f"{at}  split: {moved} article(s) moved to story {event['other_story_id']}"
        return f"{at}  split off story {event['story_id']} ({moved} article(s))"
    if kind == "move":
        if event["story_id"] == story_id:
            return (
                f"{at}  article {event['article_id']} moved here from story "
                f"{event['other_story_id']} after an edit"
            )
        return (
            f"{at}  article {event['article_id']} left for story {event['story_id']} after an edit"
        )
    return f"{at}  {kind}"


def render_story_timeline(
    timeline: dict[str, Any],
    width: int | None = None,
    *,
    title: bool = True,
    sentences_per_article: int = 3,
) -> str:
    """Render a story's figure timeline (times in UTC), each line fitted to ``width``.

    ``title=False`` leaves out the story's title line (`newsmon story` prints it above)."""
    story = timeline["story"]
    lines = [f"story {story['id']}: {safe_text(story['title'])}"] if title else []
    lines += [
        f"  {story['articles']} article(s) from {len(story['outlets'])} outlet(s): "
        + ", ".join(safe_text(o["name"]) for o in story["outlets"]),
        f"  first seen {when(story['first_seen'])} UTC · last change "
        f"{when(story['last_change'])} UTC",
        "",
        "Current figures",
    ]
    if not timeline["current"]:
        lines.append("  (no casualty figures)")
    pad = " " * max((len(k) for k in timeline["current"]), default=0)
    for kind, now in timeline["current"].items():
        was = f"  (was {format_figure(now['previous'])})" if now["previous"] else "  (new)"
        flags = f"  [{', '.join(now['flags'])}]" if now["flags"] else ""
        lines.append(f"  {kind:<{len(pad)}}  {format_figure(now)}{was}{flags}")
        lines += _with_url(
            f"  {pad}  {_source(now)}, {when(now['time'])}", now["url"], width, sep="  "
        )
        lines.append(f"  {pad}  “{_clip(now['sentence'], 150)}”")
        if now["also"]:
            names = ", ".join(dict.fromkeys(safe_text(a["outlet_name"]) for a in now["also"]))
            lines.append(f"  {pad}  also: {names}")
    for kind, entries in timeline["kinds"].items():
        lines += ["", f"Timeline: {kind}"]
        for entry in entries:
            lines.append(_timeline_row(entry, width))
            detail = (
                f"according to {safe_text(entry['attributed_to'])}; "
                if entry["attributed_to"]
                else ""
            )
            lines += _with_url(f"  {'':16}  {detail}", entry["url"], width)
            if entry["superseded_by"]:
                sup = entry["superseded_by"]
                lines.append(
                    f"  {'':16}  stale: {format_figure(sup)} published {when(sup['time'])} "
                    f"by {safe_text(sup['outlet_name'])}"
                )
            for other in entry["disagrees_with"]:
                lines.append(
                    f"  {'':16}  disagrees with {safe_text(other['outlet_name'])}: "
                    f"{format_figure(other)} at {when(other['time'])}"
                )
    if timeline["latest_changes"]:
        lines += ["", "Latest changes"]
        for change in timeline["latest_changes"]:
            lines.extend(_render_change(change))
    fresh = [n for n in timeline["new_sentences"] if n["sentences"]]
    if fresh:
        lines += ["", "New to the story"]
        for item in fresh:
            count = len(item["sentences"])
            lines.append(
                f"  {when(item['time'])}  {safe_text(item['outlet_name'])}: "
                f"{_clip(item['title'] or item['url'], 80)} ({count} new sentence"
                f"{'' if count == 1 else 's'})"
            )
            for sentence in item["sentences"][:sentences_per_article]:
                lines.append(f"      • {_clip(sentence, 140)}")
            if count > sentences_per_article:
                lines.append(f"      … and {count - sentences_per_article} more")
    if timeline.get("suppressed"):
        lines += ["", "Reverts (not reported as changes)"]
        for item in timeline["suppressed"]:
            lines += _with_url(
                f"  {when(item['time'])}  v{item['version']} is the same text as version id "
                f"{item['revert_of']}:",
                item["url"],
                width,
            )
    return "\n".join(fit_line(line, width) for line in lines)


def _timeline_row(entry: dict[str, Any], width: int | None) -> str:
    """One figure of a timeline; the outlet's column gives way first on a narrow terminal."""
    marks = []
    if entry["change"] in ("up", "down") and not entry["repeat"]:
        marks.append("↑" if entry["change"] == "up" else "↓")
    if entry["repeat"]:
        marks.append("repeat")
    marks += entry["flags"]
    tail = f" v{entry['version']:<2} {' '.join(marks)}".rstrip()
    head = f"  {when(entry['time'])}  {format_figure(entry):<16} "
    room = 28 if width is None else max(8, min(28, width - len(head) - len(tail)))
    return f"{head}{_clip(entry['outlet_name'], room):<{room}}{tail}"


def _with_url(text: str, url: str | None, width: int | None, sep: str = " ") -> list[str]:
    """``text`` and the URL on one line when it fits, else the URL on a line of its own
    (indented as ``text``); a blank ``text`` is the URL's indent."""
    url = safe_text(url or "")
    if not text.strip():
        return [text + url]
    line = f"{text.rstrip()}{sep}{url}" if url else text.rstrip()
    if width is None or len(line) <= width or not url:
        return [line]
    return [text.rstrip(), " " * (len(text) - len(text.lstrip())) + url]


def _source(data: dict[str, Any]) -> str:
    outlet = safe_text(data.get("outlet_name") or data.get("outlet") or "")
    who = data.get("attributed_to")
    return f"{safe_text(who)} — {outlet}" if who else outlet


def _clip(text: str, width: int) -> str:
    text = safe_text(text)
    return text if len(text) <= width else text[: width - 1] + ELLIPSIS


def _render_change(change: dict[str, Any]) -> list[str]:
    at = when(change["time"])
    outlet = safe_text(change["outlet_name"])
    if change["type"] == "figure":
        old = format_figure(change["old"]) if change["old"] else "none"
        return [f"  {at}  {change['kind']}: {old} → {format_figure(change['new'])}  ({outlet})"]
    if change["type"] == "article":
        return [f"  {at}  new page: {outlet}: {_clip(change['title'] or change['url'], 90)}"]
    lines = [f"  {at}  edit: {outlet} v{change['version']}: {safe_text(change['summary'])}"]
    for delta in change["fact_deltas"]:
        lines.append(
            f"      {delta['kind']}: {format_figure(delta['old'])} → {format_figure(delta['new'])}"
        )
    return lines


# --- progress -------------------------------------------------------------------------------------


def _amount(stage: str, value: int) -> str:
    if stage.startswith("read "):  # byte counts of an input file
        for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
            if value >= size:
                return f"{value / size:.1f} {unit}"
        return f"{value} B"
    return str(value)


def _unit(stage: str) -> str:
    return {"fetch": " URLs", "reprocess": " articles", "import": " lines"}.get(
        stage.split()[0], ""
    )


class LogProgress:
    """Progress as log lines on stderr: the first, then at most one per ``every_s``, the last."""

    def __init__(self, every_s: float = 10.0) -> None:
        self.every_s = every_s
        self._last: dict[str, float] = {}

    def __enter__(self) -> LogProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        last = self._last.get(stage)
        finished = total > 0 and done >= total
        if last is not None and not finished and now - last < self.every_s:
            return
        if last is not None and finished and self._last.get(stage + "/done"):
            return
        self._last[stage] = now
        if finished:
            self._last[stage + "/done"] = now
        share = f" ({done * 100 // total}%)" if total else ""
        LOGGER.info(
            "%s: %s/%s%s%s",
            stage,
            _amount(stage, done),
            _amount(stage, total),
            _unit(stage),
            share,
        )


class BarProgress:
    """Progress as rich bars on a terminal (standard error), one bar per stage."""

    def __init__(self, stream: IO[str]) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskID,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._tasks: dict[str, TaskID] = {}
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[amount]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(file=stream),
        )

    def __enter__(self) -> BarProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def __call__(self, stage: str, done: int, total: int) -> None:
        amount = f"{_amount(stage, done)}/{_amount(stage, total)}{_unit(stage)}"
        task = self._tasks.get(stage)
        if task is None:
            task = self._progress.add_task(stage, total=total or None, amount=amount)
            self._tasks[stage] = task
        self._progress.update(task, completed=done, total=total or None, amount=amount)


def progress_display(stream: IO[str] | None = None) -> LogProgress | BarProgress:
    """Return bars when ``stream`` (standard error) is a terminal, else periodic log lines."""
    stream = stream or sys.stderr
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):
        terminal = False
    return BarProgress(stream) if terminal else LogProgress()
