"""The static HTML report: stories, their figures as step charts, timelines and diffs.

One self-contained document: inline CSS, inline SVG, no JavaScript and no external resource,
under a Content-Security-Policy that forbids scripts, so it opens offline and article text
cannot run in it. Every piece of stored text goes through ``_e`` (HTML-escaped, quotes
included); links are emitted only for plain http(s) URLs.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

from newsmon import __version__, store
from newsmon.core.clock import parse_iso
from newsmon.facts.timeline import (
    DISAGREEMENT_WINDOW_S,
    figure_level,
    format_figure,
    story_timeline,
)

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
KIND_COLOURS = {
    "killed": "#b3261e",
    "injured": "#c25e00",
    "missing": "#6a3d9a",
    "displaced": "#1f5fa8",
    "evacuated": "#00796b",
    "arrested": "#5d4037",
    "kidnapped": "#ad1457",
    "affected": "#546e7a",
}
OUTLET_COLOURS = (
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
)  # fmt: skip
EDITS_WITH_DIFFS = 4

# Browsers drop tabs and newlines inside a URL ("java\tscript:"): allow none, nor any space.
_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+\Z", re.IGNORECASE)


def _e(value: object) -> str:
    """Escape text for HTML content and double-quoted attributes."""
    return html.escape("" if value is None else str(value), quote=True)


def _href(url: str | None) -> str | None:
    """Return an escaped link target for http(s) URLs; anything else is not linked."""
    if not url or not _SAFE_URL.match(url):
        return None
    return _e(url)


def _link(url: str | None, text: str) -> str:
    """Return ``text`` (already escaped) linked to ``url`` when the URL is safe to link."""
    target = _href(url)
    if target is None:
        return text
    return f'<a href="{target}" rel="noopener noreferrer nofollow">{text}</a>'


def _when(text: str | None, *, year: bool = False) -> str:
    moment = parse_iso(text)
    if moment is None:
        return "—"
    return moment.strftime("%-d %b %Y, %H:%M" if year else "%-d %b %H:%M")


def _fig(figure: dict[str, Any] | None) -> str:
    return _e(format_figure(figure))


def _evidence(sentence: str, phrase: str | None) -> str:
    """Return the escaped sentence with the words stating the figure marked."""
    at = sentence.find(phrase) if phrase else -1
    if at < 0 or not phrase:
        return _e(sentence)
    end = at + len(phrase)
    return f"{_e(sentence[:at])}<mark>{_e(phrase)}</mark>{_e(sentence[end:])}"


def build_report(
    db: sqlite_utils.Database,
    *,
    stories: int = 50,
    disagreement_window_s: float = DISAGREEMENT_WINDOW_S,
    now: datetime,
) -> str:
    """Return a complete, self-contained HTML report on the latest ``stories`` stories."""
    timelines = [
        t
        for t in (
            story_timeline(
                store.claims.StoryFactsReader(db),
                story_id,
                disagreement_window_s=disagreement_window_s,
            )
            for story_id in store.stories.report_story_ids(db, stories)
        )
        if t is not None
    ]
    articles = store.articles.article_count(db)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>newsmon report</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        '<header class="top">',
        "<h1>newsmon <span>casualty figures by story</span></h1>",
        f'<p class="meta">Generated {_e(_when(now.isoformat(), year=True))} UTC by newsmon '
        f"{_e(__version__)} · {len(timelines)} stor{'y' if len(timelines) == 1 else 'ies'} · "
        f"{articles} article{'' if articles == 1 else 's'} · times in UTC</p>",
        "</header>",
        "<main>",
        _story_index(timelines),
        *(_story_section(t) for t in timelines),
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


# --- sections -------------------------------------------------------------------------------


def _anchor(story: dict[str, Any]) -> str:
    return f"story-{int(story['id'])}"


def _story_index(timelines: Sequence[dict[str, Any]]) -> str:
    if not timelines:
        return '<p class="empty">No stories yet. Run <code>newsmon run</code> first.</p>'
    rows = []
    for timeline in timelines:
        story = timeline["story"]
        figures = " ".join(
            f'<span class="chip" style="--c:{_colour(kind)}">{_e(kind)} <b>{_fig(now)}</b></span>'
            for kind, now in timeline["current"].items()
        )
        rows.append(
            "<tr>"
            f'<td><a href="#{_anchor(story)}">{_e(story["title"])}</a></td>'
            f"<td class=figs>{figures or '<span class=dim>no figures</span>'}</td>"
            f'<td class="num">{int(story["articles"])}</td>'
            f'<td class="num">{len(story["outlets"])}</td>'
            f'<td class="nowrap">{_e(_when(story["last_change"]))}</td>'
            "</tr>"
        )
    return (
        '<section class="index"><h2>Stories</h2><table class="list">'
        "<thead><tr><th>Story</th><th>Current figures</th><th>Articles</th><th>Outlets</th>"
        "<th>Last change</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></section>"
    )


def _story_section(timeline: dict[str, Any]) -> str:
    story = timeline["story"]
    colours = _outlet_colours(timeline)
    outlets = ", ".join(_e(o["name"]) for o in story["outlets"])
    parts = [
        f'<section class="story" id="{_anchor(story)}">',
        f"<h2>{_e(story['title'])}</h2>",
        f'<p class="meta">Story {int(story["id"])} · {int(story["articles"])} article'
        f"{'' if story['articles'] == 1 else 's'} from {outlets} · first seen "
        f"{_e(_when(story['first_seen'], year=True))} · last change "
        f"{_e(_when(story['last_change'], year=True))}</p>",
        _cards(timeline),
    ]
    if timeline["kinds"]:
        parts.append('<div class="charts">')
        when = _time_range(timeline)
        for kind, entries in timeline["kinds"].items():
            parts.append(_chart(kind, entries, timeline["steps"].get(kind, []), colours, when))
        parts.append("</div>")
        parts.append(_legend(colours))
        parts.append(_timeline_tables(timeline))
    parts.append(_changes(timeline))
    parts.append(_new_sentences(timeline))
    parts.append("</section>")
    return "\n".join(parts)


def _colour(kind: str) -> str:
    return KIND_COLOURS.get(kind, "#455a64")


def _outlet_colours(timeline: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Return outlet id -> (colour, display name), in order of first appearance."""
    out: dict[str, tuple[str, str]] = {}
    for outlet in timeline["story"]["outlets"]:
        out[outlet["id"]] = (OUTLET_COLOURS[len(out) % len(OUTLET_COLOURS)], outlet["name"])
    return out


def _legend(colours: dict[str, tuple[str, str]]) -> str:
    items = "".join(
        f'<span class="key"><i style="background:{colour}"></i>{_e(name)}</span>'
        for colour, name in colours.values()
    )
    return (
        f'<p class="legend">{items}<span class="key"><i class="hollow"></i>stale</span>'
        '<span class="key"><i class="ring"></i>decrease</span>'
        '<span class="key"><i class="diamond"></i>disagreement</span></p>'
    )


def _cards(timeline: dict[str, Any]) -> str:
    if not timeline["current"]:
        return '<p class="dim">No casualty figures reported in this story.</p>'
    cards = []
    for kind, now in timeline["current"].items():
        previous = now.get("previous")
        if previous:
            arrow = "↑" if figure_level(now) > figure_level(previous) else "↓"
            delta = f"{arrow} from {_fig(previous)}"
        else:
            delta = "first figure"
        source = _e(now["attributed_to"]) + " · " if now.get("attributed_to") else ""
        also = ""
        if now["also"]:
            names = ", ".join(dict.fromkeys(_e(a["outlet_name"]) for a in now["also"]))
            also = f'<div class="also">also {names}</div>'
        flags = "".join(f'<span class="flag {_e(f)}">{_e(f)}</span>' for f in now["flags"])
        cards.append(
            f'<div class="card" style="--c:{_colour(kind)}">'
            f'<div class="kind">{_e(kind)}{flags}</div>'
            f'<div class="value">{_fig(now)}</div>'
            f'<div class="delta">{delta}</div>'
            f'<div class="src">{source}{_link(now["url"], _e(now["outlet_name"]))} · '
            f"{_e(_when(now['time']))}</div>{also}"
            f"<blockquote>{_evidence(now['sentence'], now.get('phrase'))}</blockquote>"
            "</div>"
        )
    return '<div class="cards">' + "".join(cards) + "</div>"


# --- the step chart ---------------------------------------------------------------------------

_W, _H = 560, 230
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 18, 26, 40


def _nice_scale(low: float, high: float, ticks: int = 4) -> tuple[float, float, float]:
    """Return a round (low, high, step) covering [low, high] in about ``ticks`` steps."""
    raw = max(high - low, 1e-9) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _value_scale(values: Sequence[int]) -> tuple[float, float, float]:
    """Start at 0 unless every figure is close to the highest, when 0 would flatten the steps."""
    lo, hi = min(values), max(values)
    if hi <= 0:
        return 0.0, 1.0, 1.0
    if lo == hi or lo < 0.6 * hi:
        return _nice_scale(0, hi * 1.12)
    gap = hi - lo
    return _nice_scale(max(0.0, lo - gap * 0.8), hi + gap * 0.5)


_TIME_STEPS = [
    timedelta(minutes=m) for m in (15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 43200)
]


def _time_ticks(start: datetime, end: datetime, most: int = 6) -> list[datetime]:
    """Return round moments (on the quarter hour, hour, day...) between start and end."""
    span = end - start
    step = next((s for s in _TIME_STEPS if span / s <= most), _TIME_STEPS[-1])
    unit = step.total_seconds()
    first = math.ceil(start.timestamp() / unit) * unit
    out = []
    moment = datetime.fromtimestamp(first, UTC)
    while moment <= end:
        out.append(moment)
        moment += step
    return out


def _time_range(timeline: dict[str, Any]) -> tuple[datetime, datetime]:
    """Return one time axis for all of a story's charts: first statement to last change."""
    moments = [
        moment
        for entries in timeline["kinds"].values()
        for moment in (parse_iso(e["time"]) for e in entries)
        if moment is not None
    ]
    last = parse_iso(timeline["story"].get("last_change"))
    start, end = min(moments), max([*moments, *([last] if last else [])])
    if end - start < timedelta(hours=1):
        start, end = start - timedelta(minutes=30), end + timedelta(minutes=30)
    return start, end


def _chart(
    kind: str,
    entries: list[dict[str, Any]],
    steps: list[dict[str, Any]],
    colours: dict[str, tuple[str, str]],
    when: tuple[datetime, datetime],
) -> str:
    """Return an inline SVG step chart of one kind's figure over time, one dot per statement."""
    times = [parse_iso(e["time"]) for e in entries]
    start, end = when
    span = (end - start).total_seconds()
    # Leave room on the right so the current figure's label fits after its step.
    span_padded = span * 1.06
    bottom, top, tick = _value_scale([e["value"] for e in entries])
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def x(moment: datetime | None) -> float:
        seconds = (moment - start).total_seconds() if moment else 0.0
        return _LEFT + plot_w * seconds / span_padded

    def y(value: float) -> float:
        return _TOP + plot_h * (1 - (value - bottom) / (top - bottom))

    colour = _colour(kind)
    svg = [
        f'<figure class="chart"><figcaption style="--c:{colour}">{_e(kind)}</figcaption>'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" role="img" '
        f'aria-label="{_e(kind)} over time">'
    ]
    # Grid and value axis.
    value = bottom
    while value <= top + tick * 1e-6:
        gy = y(value)
        svg.append(
            f'<line x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{gy:.1f}" y2="{gy:.1f}" class="grid"/>'
            f'<text x="{_LEFT - 8}" y="{gy + 4:.1f}" class="axis" text-anchor="end">'
            f"{_e(_short_number(value))}</text>"
        )
        value += tick
    if bottom > 0:  # the axis does not start at zero: say so with a break mark
        by = _H - _BOTTOM
        svg.append(
            f'<path d="M{_LEFT - 5},{by - 6}l10,-4M{_LEFT - 5},{by - 1}l10,-4" class="break"/>'
        )
    # Time axis on round moments; the day is shown at the first tick and when it changes.
    day = None
    for moment in _time_ticks(start, end):
        tx = x(moment)
        label = moment.strftime("%H:%M")
        if moment.date() != day:
            label = moment.strftime("%-d %b ") + label
            day = moment.date()
        svg.append(
            f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{_H - _BOTTOM}" y2="{_H - _BOTTOM + 5}" '
            f'class="tick"/><text x="{tx:.1f}" y="{_H - _BOTTOM + 19}" class="axis" '
            f'text-anchor="middle">{_e(label)}</text>'
        )
    # The story's figure as a step line running to the latest moment.
    if steps:
        points = [(x(parse_iso(s["time"])), y(s["value"])) for s in steps]
        path = [f"M{points[0][0]:.1f},{points[0][1]:.1f}"]
        for px, py in points[1:]:
            path.append(f"H{px:.1f}V{py:.1f}")
        path.append(f"H{x(end):.1f}")
        svg.append(
            f'<path d="{"".join(path)}" fill="none" stroke="{colour}" stroke-width="3" '
            'stroke-linejoin="round"/>'
        )
        previous_label_x = -1e9
        for index, (step, (px, py)) in enumerate(zip(steps, points, strict=True)):
            right = x(end) if index == len(steps) - 1 else points[index + 1][0]
            lx = max(px + 4, previous_label_x + 4)
            anchor = "start"
            if right - px < 90 and index == len(steps) - 1:
                lx, anchor = min(x(end), _W - _RIGHT), "end"
            svg.append(
                f'<text x="{lx:.1f}" y="{py - 8:.1f}" class="step" fill="{colour}" '
                f'text-anchor="{anchor}">{_fig(step)}</text>'
            )
            previous_label_x = lx + 7 * len(format_figure(step))
    # One dot per statement, in the outlet's colour; flags change its shape.
    for entry, stated_at in zip(entries, times, strict=True):
        dot, name = colours.get(entry["outlet"], ("#455a64", entry["outlet"]))
        cx, cy = x(stated_at), y(entry["value"])
        title = (
            f"{name} · {format_figure(entry)} · {_when(entry['time'])}"
            + (f" · according to {entry['attributed_to']}" if entry["attributed_to"] else "")
            + (f" · {', '.join(entry['flags'])}" if entry["flags"] else "")
        )
        flags = entry["flags"]
        if "disagreement" in flags:
            shape = (
                f'<path d="M{cx:.1f},{cy - 7:.1f}l7,7l-7,7l-7,-7z" fill="{dot}" '
                'stroke="#fff" stroke-width="1.5"/>'
            )
        elif "stale" in flags:
            shape = (
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5.5" fill="#fff" stroke="{dot}" '
                'stroke-width="2.5"/>'
            )
        else:
            shape = (
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{4 if entry["repeat"] else 5.5}" '
                f'fill="{dot}" stroke="#fff" stroke-width="1.5"/>'
            )
        if "decrease" in flags:
            shape += (
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="10" fill="none" stroke="#b3261e" '
                'stroke-width="2"/>'
            )
        svg.append(f"<g><title>{_e(title)}</title>{shape}</g>")
    svg.append("</svg></figure>")
    return "".join(svg)


def _short_number(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 10_000:
        return f"{value / 1000:g}k"
    return f"{value:,.0f}" if value == int(value) else f"{value:g}"


# --- tables ------------------------------------------------------------------------------------


def _flags(entry: dict[str, Any]) -> str:
    marks = []
    if entry["repeat"]:
        marks.append('<span class="flag repeat">repeat</span>')
    for flag in entry["flags"]:
        marks.append(f'<span class="flag {_e(flag)}">{_e(flag)}</span>')
    notes = []
    if entry.get("superseded_by"):
        sup = entry["superseded_by"]
        notes.append(
            f"still says this after {_fig(sup)} from {_e(sup['outlet_name'])} "
            f"({_e(_when(sup['time']))})"
        )
    for other in entry.get("disagrees_with") or []:
        notes.append(f"{_e(other['outlet_name'])} said {_fig(other)} at {_e(_when(other['time']))}")
    note = f'<div class="note">{"; ".join(notes)}</div>' if notes else ""
    return "".join(marks) + note


def _timeline_tables(timeline: dict[str, Any]) -> str:
    parts = ['<details class="timeline" open><summary>Timeline of figures</summary>']
    for kind, entries in timeline["kinds"].items():
        rows = []
        for entry in entries:
            arrow = {"up": "↑", "down": "↓"}.get(entry["change"], "")
            source = _e(entry["attributed_to"]) if entry["attributed_to"] else "—"
            rows.append(
                f'<tr class="{"repeat" if entry["repeat"] else "change"}">'
                f'<td class="nowrap">{_e(_when(entry["time"]))}</td>'
                f'<td class="fig nowrap">{_fig(entry)} <span class="arrow">{arrow}</span></td>'
                f"<td>{_link(entry['url'], _e(entry['outlet_name']))} "
                f'<span class="dim">v{int(entry["version"])}</span></td>'
                f"<td>{source}</td>"
                f"<td>{_flags(entry)}</td>"
                f'<td class="sentence">{_evidence(entry["sentence"], entry.get("phrase"))}</td>'
                "</tr>"
            )
        parts.append(
            f'<h4 style="--c:{_colour(kind)}">{_e(kind)}</h4><table class="entries">'
            "<thead><tr><th>Time</th><th>Figure</th><th>Outlet</th><th>Source</th>"
            "<th>Flags</th><th>Evidence</th></tr></thead><tbody>" + "".join(rows) + "</tbody>"
            "</table>"
        )
    parts.append("</details>")
    return "".join(parts)


def _changes(timeline: dict[str, Any]) -> str:
    changes = timeline["latest_changes"]
    if not changes:
        return ""
    items = []
    diffs_left = EDITS_WITH_DIFFS
    for change in changes:
        when = f'<span class="when">{_e(_when(change["time"]))}</span>'
        outlet = _e(change["outlet_name"])
        if change["type"] == "figure":
            old = _fig(change["old"]) if change["old"] else "no figure"
            items.append(
                f'<li class="figure">{when} <b style="color:{_colour(change["kind"])}">'
                f"{_e(change['kind'])}</b> {old} → <b>{_fig(change['new'])}</b> "
                f"<span class=dim>({_link(change['url'], outlet)})</span></li>"
            )
        elif change["type"] == "article":
            title = _e(change["title"] or change["url"])
            items.append(
                f'<li class="article">{when} new article: {outlet}: '
                f"{_link(change['url'], title)}</li>"
            )
        else:
            deltas = "; ".join(
                f"{_e(d['kind'])} {_fig(d['old'])} → {_fig(d['new'])}"
                for d in change["fact_deltas"]
            )
            body = (
                f'<li class="edit">{when} {_link(change["url"], outlet)} edited '
                f"(version {int(change['version'])}): {_e(change['summary'])}"
                + (f'<div class="deltas">{deltas}</div>' if deltas else "")
            )
            if diffs_left > 0:
                body += _side_by_side(change["diff"])
                diffs_left -= 1
            items.append(body + "</li>")
    return (
        '<details class="changes" open><summary>Latest changes</summary><ul>'
        + "".join(items)
        + "</ul></details>"
    )


def _words(ops: Iterable[Sequence[str]], side: str) -> str:
    out = []
    for op, text in ops:
        if op == "=":
            out.append(_e(text))
        elif op == side:
            tag = "del" if side == "-" else "ins"
            out.append(f"<{tag}>{_e(text)}</{tag}>")
    return " ".join(out)


def _side_by_side(diff: dict[str, Any]) -> str:
    """Return a two-column table: the old version's sentences left, the new right."""
    rows = []
    if diff.get("title"):
        old, new = diff["title"]
        rows.append(
            f'<tr class="title"><td><del>{_e(old)}</del></td><td><ins>{_e(new)}</ins></td></tr>'
        )
    for change in diff.get("changes", []):
        op = change["op"]
        if op == "equal":
            count = int(change.get("count", 0))
            rows.append(
                f'<tr class="same"><td colspan="2">… {count} unchanged sentence'
                f"{'' if count == 1 else 's'}</td></tr>"
            )
        elif op == "delete":
            rows.extend(
                f'<tr><td class="old"><del>{_e(s)}</del></td><td></td></tr>'
                for s in change.get("old", [])
            )
        elif op == "insert":
            rows.extend(
                f'<tr><td></td><td class="new"><ins>{_e(s)}</ins></td></tr>'
                for s in change.get("new", [])
            )
        else:
            words = change.get("words", [])
            rows.append(
                f'<tr><td class="old">{_words(words, "-")}</td>'
                f'<td class="new">{_words(words, "+")}</td></tr>'
            )
    return (
        '<table class="diff"><thead><tr><th>Before</th><th>After</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


def _new_sentences(timeline: dict[str, Any]) -> str:
    fresh = [n for n in timeline["new_sentences"] if n["sentences"]]
    if not fresh:
        return ""
    items = []
    for item in fresh:
        sentences = "".join(f"<li>{_e(s)}</li>" for s in item["sentences"])
        title = _e(item["title"] or item["url"])
        items.append(
            f'<div class="fresh"><p>{_e(_when(item["time"]))} · {_e(item["outlet_name"])}: '
            f"{_link(item['url'], title)}</p><ul>{sentences}</ul></div>"
        )
    return (
        '<details class="new"><summary>New to the story, article by article</summary>'
        + "".join(items)
        + "</details>"
    )


_CSS = """
:root { --ink: #1d2330; --dim: #5f6b7a; --line: #dde3ea; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 0 20px 40px; }
header.top { background: #1d2330; color: #fff; padding: 18px 20px; }
header.top h1 { margin: 0 auto; max-width: 1140px; font-size: 22px; }
header.top h1 span { font-weight: 400; color: #b9c3cf; font-size: 16px; margin-left: 8px; }
header.top .meta { max-width: 1140px; margin: 4px auto 0; color: #b9c3cf; }
h2 { margin: 0 0 4px; font-size: 22px; line-height: 1.25; }
h4 { margin: 14px 0 6px; text-transform: capitalize; color: var(--c); }
a { color: #1f5fa8; text-decoration: none; }
a:hover { text-decoration: underline; }
.meta, .dim { color: var(--dim); }
.meta { margin: 0 0 14px; font-size: 14px; }
section.index, section.story { background: #fff; border: 1px solid var(--line);
  border-radius: 10px; padding: 18px 20px; margin: 20px 0; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-weight: 600; color: var(--dim); font-size: 13px;
  border-bottom: 2px solid var(--line); padding: 6px 8px; }
td { border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.nowrap { white-space: nowrap; }
td.figs { min-width: 330px; }
.chip { display: inline-block; white-space: nowrap; border-left: 4px solid var(--c);
  background: #f1f3f6; padding: 1px 8px; margin: 1px 4px 1px 0; border-radius: 3px;
  font-size: 13px; }
.cards { display: flex; flex-wrap: wrap; gap: 14px; margin: 6px 0 16px; }
.card { flex: 1 1 300px; border: 1px solid var(--line); border-top: 5px solid var(--c);
  border-radius: 8px; padding: 12px 14px; background: #fff; }
.card .kind { text-transform: uppercase; letter-spacing: .06em; font-size: 13px;
  font-weight: 700; color: var(--c); }
.card .value { font-size: 34px; font-weight: 750; line-height: 1.15; margin: 2px 0;
  font-variant-numeric: tabular-nums; }
.card .delta { font-size: 15px; color: var(--ink); font-weight: 600; }
.card .src, .card .also { font-size: 13px; color: var(--dim); margin-top: 4px; }
.card blockquote { margin: 8px 0 0; padding-left: 10px; border-left: 3px solid var(--line);
  color: var(--dim); font-size: 13px; font-style: italic; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 14px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; }
figure.chart figcaption { font-weight: 700; text-transform: capitalize; color: var(--c); }
figure.chart svg { width: 100%; height: auto; display: block; }
svg .grid { stroke: #e8ecf0; stroke-width: 1; }
svg .tick { stroke: #9aa5b1; }
svg .break { stroke: #5f6b7a; stroke-width: 1.5; fill: none; }
svg .axis { fill: #5f6b7a; font-size: 11px; }
svg .step { font-size: 13px; font-weight: 700; }
.legend { font-size: 13px; color: var(--dim); margin: 8px 0 4px; }
.legend .key { margin-right: 14px; white-space: nowrap; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 50%;
  margin-right: 5px; vertical-align: -1px; }
.legend i.hollow { border: 2px solid #5f6b7a; }
.legend i.ring { border: 2px solid #b3261e; }
.legend i.diamond { background: #5f6b7a; border-radius: 0; transform: rotate(45deg) scale(.8); }
details { margin-top: 14px; }
summary { font-weight: 700; font-size: 16px; cursor: pointer; }
table.entries td.sentence { color: var(--dim); font-size: 13px; max-width: 420px; }
table.entries td.fig { font-weight: 700; font-variant-numeric: tabular-nums; }
table.entries tr.repeat td.fig { font-weight: 400; color: var(--dim); }
.arrow { color: #b3261e; }
.flag { display: inline-block; font-size: 11px; font-weight: 700; text-transform: uppercase;
  border-radius: 3px; padding: 0 5px; margin: 0 4px 2px 0; background: #eef1f4; color: var(--dim); }
.flag.stale { background: #fff3cd; color: #7a5b00; }
.flag.decrease { background: #fde2e1; color: #b3261e; }
.flag.disagreement { background: #e9e3f7; color: #5b3fa0; }
.note { font-size: 12px; color: var(--dim); }
.changes ul { list-style: none; padding: 0; }
.changes li { padding: 6px 0; border-bottom: 1px solid var(--line); }
.when { display: inline-block; min-width: 92px; color: var(--dim);
  font-variant-numeric: tabular-nums; }
.deltas { margin: 2px 0 0 96px; font-weight: 600; }
table.diff { margin: 8px 0 4px; font-size: 13px; table-layout: fixed; }
table.diff td { width: 50%; }
table.diff td.old { background: #fff6f6; }
table.diff td.new { background: #f4fbf5; }
table.diff tr.same td { color: var(--dim); text-align: center; background: #fafbfc; }
del { background: #fbd5d3; color: #8c1d18; text-decoration: line-through; }
mark { background: #fff1b8; color: inherit; font-weight: 600; font-style: normal; }
ins { background: #cdeed3; color: #125c23; text-decoration: none; }
.fresh p { margin: 8px 0 2px; }
.fresh ul { margin: 0; }
.empty { margin: 40px 0; font-size: 18px; }
"""
