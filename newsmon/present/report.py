"""The static HTML report: stories, their figures as step charts, timelines and diffs.

One self-contained document: inline CSS, inline SVG, no JavaScript and no external resource,
under a Content-Security-Policy that forbids scripts, so it opens offline and article text
cannot run in it. The page is rendered from Jinja2 templates shipped with the package
(``newsmon/present/templates``) with autoescaping on: every stored string is escaped where
it is written, attributes included. This module prepares what the templates show (times,
figures, chart geometry); links are made only for plain http(s) URLs (the ``safe_url`` test).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import jinja2
import markupsafe
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
DECREASE_COLOUR = "#b3261e"
DECREASE_LABEL = "↓ decrease"

# Browsers drop tabs and newlines inside a URL ("java\tscript:"): allow none, nor any space.
_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+\Z", re.IGNORECASE)


def safe_url(url: object) -> bool:
    """Return True for a URL the report may link to: plain http(s), nothing hidden in it."""
    return isinstance(url, str) and bool(_SAFE_URL.match(url))


def when(text: str | None, *, year: bool = False) -> str:
    """Return a stored time as people read it in the report ("20 Nov 10:00")."""
    moment = parse_iso(text)
    if moment is None:
        return "—"
    return moment.strftime("%-d %b %Y, %H:%M" if year else "%-d %b %H:%M")


def evidence(sentence: str, phrase: str | None) -> tuple[str, str, str]:
    """Split a sentence around the words stating the figure: (before, phrase, after)."""
    at = sentence.find(phrase) if phrase else -1
    if at < 0 or not phrase:
        return sentence, "", ""
    end = at + len(phrase)
    return sentence[:at], phrase, sentence[end:]


def colour(kind: str) -> str:
    return KIND_COLOURS.get(kind, "#455a64")


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("newsmon.present", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        when=when, fig=format_figure, colour=colour, evidence=evidence, num=lambda v: f"{v:.1f}"
    )
    env.tests["safe_url"] = safe_url
    return env


def _stylesheet() -> markupsafe.Markup:
    """Return the report's CSS as written in templates/report.css (ours: not escaped)."""
    env = _environment()
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, "report.css")
    return markupsafe.Markup(source.strip())


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
    page = (
        _environment()
        .get_template("report.html")
        .render(
            csp=CSP,
            css=_stylesheet(),
            generated=when(now.isoformat(), year=True),
            version=__version__,
            articles=store.articles.article_count(db),
            stories=[_story(t) for t in timelines],
        )
    )
    return page.rstrip("\n") + "\n"


# --- what one story shows -------------------------------------------------------------------


def _story(timeline: dict[str, Any]) -> dict[str, Any]:
    story = timeline["story"]
    colours = _outlet_colours(timeline)
    charts = []
    if timeline["kinds"]:
        span = _time_range(timeline)
        charts = [
            _chart(kind, entries, timeline["steps"].get(kind, []), colours, span)
            for kind, entries in timeline["kinds"].items()
        ]
    return {
        "anchor": f"story-{int(story['id'])}",
        "story": story,
        "current": [_card(kind, now) for kind, now in timeline["current"].items()],
        "charts": charts,
        "legend": list(colours.values()),
        "kinds": timeline["kinds"],
        "changes": _changes(timeline["latest_changes"]),
        "fresh": [n for n in timeline["new_sentences"] if n["sentences"]],
    }


def _outlet_colours(timeline: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Return outlet id -> (colour, display name), in order of first appearance."""
    out: dict[str, tuple[str, str]] = {}
    for outlet in timeline["story"]["outlets"]:
        out[outlet["id"]] = (OUTLET_COLOURS[len(out) % len(OUTLET_COLOURS)], outlet["name"])
    return out


def _card(kind: str, now: dict[str, Any]) -> dict[str, Any]:
    previous = now.get("previous")
    arrow = None
    if previous:
        arrow = "↑" if figure_level(now) > figure_level(previous) else "↓"
    return {
        "kind": kind,
        "figure": now,
        "arrow": arrow,
        "also": list(dict.fromkeys(a["outlet_name"] for a in now["also"])),
    }


def _changes(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The latest changes; the first few edits carry their side-by-side diff."""
    out = []
    diffs_left = EDITS_WITH_DIFFS
    for change in changes:
        shown = {**change, "rows": None}
        if change["type"] not in ("figure", "article") and diffs_left > 0:
            shown["rows"] = _diff_rows(change["diff"])
            diffs_left -= 1
        out.append(shown)
    return out


def _diff_rows(diff: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of a two-column diff: old sentences left, new right, words marked in changes."""
    rows: list[dict[str, Any]] = []
    if diff.get("title"):
        old, new = diff["title"]
        rows.append({"kind": "title", "old": [("-", old)], "new": [("+", new)]})
    for change in diff.get("changes", []):
        op = change["op"]
        if op == "equal":
            rows.append({"kind": "same", "count": int(change.get("count", 0))})
        elif op == "delete":
            rows += [{"kind": "old", "old": [("-", s)], "new": []} for s in change.get("old", [])]
        elif op == "insert":
            rows += [{"kind": "new", "old": [], "new": [("+", s)]} for s in change.get("new", [])]
        else:
            words = change.get("words", [])
            rows.append({"kind": "both", "old": _side(words, "-"), "new": _side(words, "+")})
    return rows


def _side(ops: Iterable[Sequence[str]], side: str) -> list[tuple[str, str]]:
    """The words of one side of a sentence diff: ("=", text) kept, (side, text) marked."""
    return [(op, text) for op, text in ops if op in ("=", side)]


# --- the step chart ---------------------------------------------------------------------------

_W, _H = 560, 230
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 18, 26, 40
# Text boxes are estimated from the font size: an advance of 0.62 em per character is above
# what system-ui digits and lowercase letters take (bold 13px: about 7.5-8px each).
_STEP_PX, _AXIS_PX, _MARK_PX = 13, 11, 11
_EM = 0.62


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


Box = tuple[float, float, float, float]  # left, top, right, bottom in SVG units


@dataclass(frozen=True)
class Label:
    """One text of a chart: where it is anchored and the box it is estimated to cover."""

    x: float
    y: float  # baseline
    text: str
    anchor: str  # start | middle | end
    size: int  # font size in px

    @property
    def box(self) -> Box:
        width = len(self.text) * self.size * _EM
        left = {"start": self.x, "middle": self.x - width / 2, "end": self.x - width}[self.anchor]
        return left, self.y - self.size * 0.85, left + width, self.y + self.size * 0.25


def _clear(box: Box, others: Iterable[Box], gap: float = 2.0) -> bool:
    x0, y0, x1, y1 = box
    return all(
        x1 + gap <= a0 or a1 + gap <= x0 or y1 + gap <= b0 or b1 + gap <= y0
        for a0, b0, a1, b1 in others
    )


def _inside(box: Box, area: Box) -> bool:
    return area[0] <= box[0] and box[2] <= area[2] and area[1] <= box[1] and box[3] <= area[3]


def place_labels(
    wanted: Sequence[Sequence[Label]],
    obstacles: Sequence[Box],
    area: Box,
    *,
    required: int = 0,
) -> list[Label | None]:
    """Place each label at the first of its positions that covers nothing drawn or placed.

    ``wanted`` is in order of importance, each with its candidate positions; ``obstacles``
    are what is drawn already (axis labels, dots, the step line). The first ``required``
    labels are always placed, over a dot or the line if need be but never over another
    label; any other label that fits nowhere is left out (None): its dot's tooltip and the
    timeline table below still give it.
    """
    taken: list[Box] = list(obstacles)
    labels: list[Box] = []
    out: list[Label | None] = []
    for index, candidates in enumerate(wanted):
        inside = [c for c in candidates if _inside(c.box, area)]
        chosen = next((c for c in inside if _clear(c.box, taken)), None)
        if chosen is None and index < required:
            chosen = next((c for c in inside if _clear(c.box, labels)), None)
        if chosen is not None:
            taken.append(chosen.box)
            labels.append(chosen.box)
        out.append(chosen)
    return out


def _chart(
    kind: str,
    entries: list[dict[str, Any]],
    steps: list[dict[str, Any]],
    colours: dict[str, tuple[str, str]],
    span: tuple[datetime, datetime],
) -> dict[str, Any]:
    """Return the geometry of an SVG step chart of one kind's figure, one dot per statement."""
    start, end = span
    seconds = (end - start).total_seconds()
    # Leave room on the right so the current figure's label fits after its step.
    seconds_padded = seconds * 1.06
    bottom, top, tick = _value_scale([e["value"] for e in entries])
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def x(moment: datetime | None) -> float:
        offset = (moment - start).total_seconds() if moment else 0.0
        return _LEFT + plot_w * offset / seconds_padded

    def y(value: float) -> float:
        return _TOP + plot_h * (1 - (value - bottom) / (top - bottom))

    grid: list[dict[str, Any]] = []
    value = bottom
    while value <= top + tick * 1e-6:
        grid.append({"y": y(value), "label": Label(_LEFT - 8, y(value) + 4, _short(value),
                                                   "end", _AXIS_PX)})  # fmt: skip
        value += tick
    ticks: list[dict[str, Any]] = []
    day = None
    for moment in _time_ticks(start, end):
        text = moment.strftime("%H:%M")
        if moment.date() != day:
            text = moment.strftime("%-d %b ") + text
            day = moment.date()
        ticks.append({"x": x(moment), "label": Label(x(moment), _H - _BOTTOM + 19, text,
                                                     "middle", _AXIS_PX)})  # fmt: skip

    dots = []
    for entry in entries:
        dot, name = colours.get(entry["outlet"], ("#455a64", entry["outlet"]))
        flags = entry["flags"]
        shape = "diamond" if "disagreement" in flags else "hollow" if "stale" in flags else "dot"
        dots.append(
            {
                "cx": x(parse_iso(entry["time"])),
                "cy": y(entry["value"]),
                "r": 4 if entry["repeat"] else 5.5,
                "colour": dot,
                "shape": shape,
                "decrease": "decrease" in flags,
                "title": " · ".join(
                    [name, format_figure(entry), when(entry["time"])]
                    + ([f"according to {entry['attributed_to']}"] if entry["attributed_to"] else [])
                    + ([", ".join(flags)] if flags else [])
                ),
            }
        )

    path = ""
    points: list[tuple[float, float]] = []
    wanted: list[list[Label]] = []
    order: list[tuple[str, int]] = []
    if steps:
        points = [(x(parse_iso(s["time"])), y(s["value"])) for s in steps]
        path = f"M{points[0][0]:.1f},{points[0][1]:.1f}" + "".join(
            f"H{px:.1f}V{py:.1f}" for px, py in points[1:]
        )
        path += f"H{x(end):.1f}"
        # The current figure first, then the decreases, the first figure, then the largest
        # moves: when they cannot all be written, the ones that matter most are.
        last = len(steps) - 1
        moves = sorted(
            range(1, last),
            key=lambda i: -abs(steps[i]["value"] - steps[i - 1]["value"]),
        )
        for index in [last, *([0] if last else []), *moves]:
            order.append(("step", index))
    for index, d in enumerate(dots):
        if d["decrease"]:
            order.insert(1 if order else 0, ("decrease", index))
    for what, index in order:
        if what == "step":
            px, py = points[index]
            text = format_figure(steps[index])
            level_end = x(end) if index == len(steps) - 1 else points[index + 1][0]
            right = min(level_end, _W - _RIGHT) - 2
            candidates = [
                Label(px + 4, py - 8, text, "start", _STEP_PX),
                Label(right, py - 8, text, "end", _STEP_PX),
                Label(px - 4, py - 8, text, "end", _STEP_PX),
                Label(px + 4, py + 18, text, "start", _STEP_PX),
                Label(px - 4, py + 18, text, "end", _STEP_PX),
                Label(px - 4, py - 24, text, "end", _STEP_PX),
                Label(px + 4, py - 24, text, "start", _STEP_PX),
            ]
        else:
            d = dots[index]
            candidates = [
                Label(d["cx"], d["cy"] + 25, DECREASE_LABEL, "middle", _MARK_PX),
                Label(d["cx"], d["cy"] - 15, DECREASE_LABEL, "middle", _MARK_PX),
                Label(d["cx"] + 13, d["cy"] + 4, DECREASE_LABEL, "start", _MARK_PX),
                Label(d["cx"] - 13, d["cy"] + 4, DECREASE_LABEL, "end", _MARK_PX),
                Label(d["cx"], d["cy"] + 38, DECREASE_LABEL, "middle", _MARK_PX),
            ]
        wanted.append(candidates)
    # What labels must not cover: axis labels, dots (and rings), the step line itself.
    obstacles = [g["label"].box for g in grid] + [t["label"].box for t in ticks]
    for d in dots:
        r = 10 if d["decrease"] else 7
        obstacles.append((d["cx"] - r, d["cy"] - r, d["cx"] + r, d["cy"] + r))
    if points:
        ends = [*points[1:], (x(end), points[-1][1])]
        for (px, py), (nx, ny) in zip(points, ends, strict=True):
            obstacles.append((px, py - 2, nx, py + 2))  # the step's level
            obstacles.append((nx - 2, min(py, ny), nx + 2, max(py, ny)))  # the rise or fall
    # The current figure and every decrease are always written (the decreases after it).
    required = (1 if steps else 0) + sum(1 for what, _ in order if what == "decrease")
    area = (_LEFT, 0, _W, _H - _BOTTOM)  # inside the plot: not over the value axis
    placed = place_labels(wanted, obstacles, area, required=required)
    step_labels = [
        label for (what, _), label in zip(order, placed, strict=True) if what == "step" and label
    ]
    marks = [
        label
        for (what, _), label in zip(order, placed, strict=True)
        if what == "decrease" and label
    ]
    return {
        "kind": kind,
        "colour": colour(kind),
        "width": _W,
        "height": _H,
        "left": _LEFT,
        "right": _W - _RIGHT,
        "axis_y": _H - _BOTTOM,
        "grid": grid,
        "broken_axis": bottom > 0,  # the axis does not start at zero: a break mark says so
        "ticks": ticks,
        "path": path,
        "step_labels": step_labels,
        "dots": dots,
        "marks": marks,
        "decrease_colour": DECREASE_COLOUR,
    }


def _short(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 10_000:
        return f"{value / 1000:g}k"
    return f"{value:,.0f}" if value == int(value) else f"{value:g}"
