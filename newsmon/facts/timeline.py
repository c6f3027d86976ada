"""Story timelines: how each casualty figure moved, who said it when, and what is current.

Reads stored rows (versions, headline claims, story membership, diffs) through a ``StoryRows``
reader, which the store provides (``store.claims.StoryFactsReader``), and returns JSON-ready
dicts; it never writes and runs no SQL. A version whose fingerprint equals an earlier version
of the same article (a page flipping A → B → A) is a revert: it is listed under
``suppressed`` and makes no timeline entry, change or alert.

Figures are compared by level: "more than 255" is above "255", "at least 255" and "about
255", which are level; "up to 300" is just below 300. Vague figures ("dozens") and "up to"
figures are not credible: they never lower the story's figure or count as a decrease.
"""

from __future__ import annotations

import bisect
import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from newsmon.core.clock import iso, parse_iso
from newsmon.core.text import words
from newsmon.facts.claim import KINDS
from newsmon.versions.diff import story_sentences

DISAGREEMENT_WINDOW_S = 2 * 3600.0
LATEST_CHANGES = 20
CREDIBLE = frozenset({"exact", "at_least", "more_than", "about"})
_FIGURE_FIELDS = ("value", "low", "high", "qualifier")


def figure_level(figure: dict[str, Any]) -> float:
    """Return where a figure stands: "more than 255" > "255" = "at least 255" > "up to 255"."""
    # Strict bounds sit half a unit beyond their number so that they order correctly.
    bump = {"more_than": 0.5, "up_to": -0.5}.get(figure["qualifier"], 0.0)
    return float(figure["value"]) + bump


@dataclass(frozen=True)
class Figure:
    """One headline figure as a version states it."""

    kind: str
    value: int
    low: int | None
    high: int | None
    qualifier: str
    who: str | None
    attributed_to: str | None
    sentence: str
    span: tuple[int, int]
    phrase: str = ""  # the words stating the figure (text[span]) when the text was loaded

    @property
    def level(self) -> float:
        return figure_level(self.brief())

    @property
    def credible(self) -> bool:
        return self.qualifier in CREDIBLE

    @property
    def rank(self) -> tuple[bool, float]:
        return (self.credible, self.level)

    @property
    def key(self) -> tuple[int, int | None, int | None, str]:
        return (self.value, self.low, self.high, self.qualifier)

    def brief(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _FIGURE_FIELDS}


@dataclass
class _Version:
    id: int
    article_id: int
    seq: int
    time: datetime
    fetched_at: datetime
    fingerprint: str
    title: str | None
    text: str
    url: str
    outlet: str
    outlet_name: str
    revert_of: int | None = None
    figures: dict[str, Figure] = field(default_factory=dict)


@dataclass
class _Entry:
    figure: Figure
    version: _Version
    flags: list[str] = field(default_factory=list)
    repeat: bool = False
    change: str = "first"
    previous: Figure | None = None
    disagrees_with: list[dict[str, Any]] = field(default_factory=list)
    superseded_by: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        v, f = self.version, self.figure
        return {
            "time": iso(v.time),
            "outlet": v.outlet,
            "outlet_name": v.outlet_name,
            "article_id": v.article_id,
            "url": v.url,
            "version_id": v.id,
            "version": v.seq,
            **f.brief(),
            "who": f.who,
            "attributed_to": f.attributed_to,
            "sentence": f.sentence,
            "span": list(f.span),
            "phrase": f.phrase,
            "change": self.change,
            "previous": self.previous.brief() if self.previous else None,
            "repeat": self.repeat,
            "flags": list(self.flags),
            "disagrees_with": self.disagrees_with,
            "superseded_by": self.superseded_by,
        }


def format_figure(figure: dict[str, Any] | Figure | None) -> str:
    """Return a figure as people say it: "more than 255", "14,000", "about 300"."""
    if figure is None:
        return "—"
    data = figure.brief() if isinstance(figure, Figure) else figure
    value = data.get("value")
    if value is None:
        return "?"
    number = f"{value:,}"
    qualifier = data.get("qualifier")
    return {
        "at_least": f"at least {number}",
        "more_than": f"more than {number}",
        "about": f"about {number}",
        "up_to": f"up to {number}",
        "vague": f"{number}+ (vague)",
    }.get(qualifier or "exact", number)


# --- reading the stored rows ------------------------------------------------------------


class StoryRows(Protocol):
    """The stored rows a story's timeline is built from (``store.claims.StoryFactsReader``)."""

    def story_article_ids(self, story_id: int) -> list[int]: ...

    def story(self, story_id: int) -> dict[str, Any] | None: ...

    def versions(self, article_ids: Sequence[int], *, with_text: bool) -> list[dict[str, Any]]: ...

    def headline_claims(self, version_ids: Sequence[int]) -> list[dict[str, Any]]: ...

    def last_good_fetches(self, article_ids: Sequence[int]) -> dict[int, str]: ...

    def gone_articles(self, article_ids: Sequence[int]) -> set[int]: ...

    def diffs_to(self, version_ids: Sequence[int]) -> list[dict[str, Any]]: ...


def _version_time(row: dict[str, Any]) -> datetime:
    """First versions date from publication when known; later ones from when the edit was seen."""
    fetched = parse_iso(row["fetched_at"])
    assert fetched is not None
    if row["seq"] != 1:
        return fetched
    published = _published(row["article_published"]) or _published(row["version_published"])
    # A publication time after we first saw the page is a clock or time-zone error.
    return published if published is not None and published <= fetched else fetched


def _published(text: str | None) -> datetime | None:
    # A bare date ("2026-11-20") says nothing about the hour; midnight would misorder the day.
    if not text or "T" not in text:
        return None
    try:
        return parse_iso(text)
    except ValueError:
        return None


def _load_versions(
    rows_: StoryRows, article_ids: Sequence[int], *, with_text: bool = True
) -> list[_Version]:
    if not article_ids:
        return []
    rows = rows_.versions(article_ids, with_text=with_text)
    out: list[_Version] = []
    seen: dict[int, dict[str, int]] = {}
    for row in rows:
        fetched = parse_iso(row["fetched_at"])
        assert fetched is not None
        version = _Version(
            id=row["id"],
            article_id=row["article_id"],
            seq=row["seq"],
            time=_version_time(row),
            fetched_at=fetched,
            fingerprint=row["fingerprint"],
            title=row["title"],
            text=row["text"],
            url=row["url"],
            outlet=row["source_id"],
            outlet_name=row["outlet_name"],
        )
        earlier = seen.setdefault(version.article_id, {})
        version.revert_of = earlier.get(version.fingerprint)
        earlier.setdefault(version.fingerprint, version.id)
        out.append(version)
    figures = _headline_figures(rows_, [v.id for v in out])
    for version in out:
        version.figures = {
            kind: replace(fig, phrase=version.text[fig.span[0] : fig.span[1]])
            for kind, fig in figures.get(version.id, {}).items()
        }
    return out


# The claim columns a Figure takes as they are stored.
_FIGURE_COLUMNS = ("kind", "low", "high", "qualifier", "who", "attributed_to", "sentence")


def _headline_figures(rows_: StoryRows, version_ids: Sequence[int]) -> dict[int, dict[str, Figure]]:
    out: dict[int, dict[str, Figure]] = {}
    if version_ids:
        for row in rows_.headline_claims(version_ids):
            stated = {key: row[key] for key in _FIGURE_COLUMNS}
            out.setdefault(row["version_id"], {})[row["kind"]] = Figure(
                **stated, value=int(row["value"]), span=(row["span_start"], row["span_end"])
            )
    return out


# --- fact deltas ---------------------------------------------------------------------------


def fact_deltas(rows: StoryRows, from_version_id: int, to_version_id: int) -> list[dict[str, Any]]:
    """Return, per kind, how the headline figure changed between two versions."""
    figures = _headline_figures(rows, [from_version_id, to_version_id])
    return figure_deltas(figures.get(from_version_id, {}), figures.get(to_version_id, {}))


def figure_deltas(old: dict[str, Figure], new: dict[str, Figure]) -> list[dict[str, Any]]:
    """Return the per-kind changes between two sets of headline figures."""
    deltas = []
    for kind in _ordered_kinds([*old, *new]):
        a, b = old.get(kind), new.get(kind)
        if a is None and b is None:
            continue
        if a is None:
            change = "new"
        elif b is None:
            change = "gone"
        elif a.key == b.key:
            if a.attributed_to == b.attributed_to:
                continue
            change = "source"
        elif a.value == b.value and a.qualifier != b.qualifier:
            change = "qualifier"
        else:
            change = "up" if b.rank > a.rank else "down" if b.rank < a.rank else "same"
        deltas.append(
            {
                "kind": kind,
                "change": change,
                "old": _figure_dict(a),
                "new": _figure_dict(b),
                "qualifier_changed": a is not None and b is not None and a.qualifier != b.qualifier,
            }
        )
    return deltas


def _figure_dict(figure: Figure | None) -> dict[str, Any] | None:
    if figure is None:
        return None
    return {**figure.brief(), "attributed_to": figure.attributed_to, "sentence": figure.sentence}


def _ordered_kinds(kinds: Iterable[str]) -> list[str]:
    unique = list(dict.fromkeys(kinds))
    known = [k for k in KINDS if k in unique]
    return known + sorted(k for k in unique if k not in KINDS)


# --- the timeline ---------------------------------------------------------------------------


@dataclass
class _Figures:
    """A story's versions and, per kind, its entries, steps and current figure."""

    story: dict[str, Any]
    versions: list[_Version]
    kinds: dict[str, list[dict[str, Any]]]
    steps: dict[str, list[dict[str, Any]]]
    current: dict[str, dict[str, Any]]


def _story_figures(
    rows: StoryRows, story_id: int, window_s: float, *, with_text: bool
) -> _Figures | None:
    article_ids = rows.story_article_ids(story_id)
    row = rows.story(story_id)
    if not article_ids and row is None:
        return None
    versions = _load_versions(rows, article_ids, with_text=with_text)
    last_check = _last_checks(rows, article_ids, versions)

    entries_by_kind: dict[str, list[_Entry]] = {}
    current_by_article: dict[str, dict[int, _Entry]] = {}
    for version in _chronological(versions):
        if version.revert_of is not None:
            continue
        # A kind an article stops stating is no longer its figure.
        for kind, held in current_by_article.items():
            if version.article_id in held and kind not in version.figures:
                del held[version.article_id]
        for kind, figure in version.figures.items():
            held = current_by_article.setdefault(kind, {})
            before = held.get(version.article_id)
            if before is not None and before.figure.key == figure.key:
                continue
            entry = _Entry(figure, version)
            held[version.article_id] = entry
            entries_by_kind.setdefault(kind, []).append(entry)

    result = _Figures(_story_summary(story_id, row, versions), versions, {}, {}, {})
    for kind in _ordered_kinds(entries_by_kind):
        entries = entries_by_kind[kind]
        result.steps[kind] = _flag_entries(entries, timedelta(seconds=window_s))
        _flag_stale(current_by_article.get(kind, {}), last_check)
        result.kinds[kind] = [e.to_dict() for e in entries]
        now_held = list(current_by_article.get(kind, {}).values())
        if now_held:
            result.current[kind] = _current(now_held, result.steps[kind])
    return result


def story_timeline(
    rows: StoryRows,
    story_id: int,
    *,
    disagreement_window_s: float = DISAGREEMENT_WINDOW_S,
    latest: int = LATEST_CHANGES,
) -> dict[str, Any] | None:
    """Return a story's figures over time, its current figures, new sentences and changes."""
    found = _story_figures(rows, story_id, disagreement_window_s, with_text=True)
    if found is None:
        return None
    versions = found.versions
    return {
        "story": found.story,
        "kinds": found.kinds,
        "current": found.current,
        "steps": found.steps,
        "new_sentences": _new_sentences(versions),
        "latest_changes": _latest_changes(rows, versions, found.steps, latest),
        "suppressed": [
            {
                "article_id": v.article_id,
                "url": v.url,
                "outlet": v.outlet,
                "version_id": v.id,
                "version": v.seq,
                "time": iso(v.time),
                "revert_of": v.revert_of,
            }
            for v in versions
            if v.revert_of is not None
        ],
    }


def current_figures(
    rows: StoryRows,
    story_id: int,
    *,
    disagreement_window_s: float = DISAGREEMENT_WINDOW_S,
) -> dict[str, Any] | None:
    """Return a story's summary and current figure per kind (``story_timeline`` without text)."""
    found = _story_figures(rows, story_id, disagreement_window_s, with_text=False)
    if found is None:
        return None
    return {"story": found.story, "current": found.current}


def _chronological(versions: Iterable[_Version]) -> list[_Version]:
    return sorted(versions, key=lambda v: (v.time, v.article_id, v.seq))


def _last_checks(
    rows: StoryRows, article_ids: Sequence[int], versions: Sequence[_Version]
) -> dict[int, datetime | None]:
    """Return when each article was last seen saying what it says; None once it is gone."""
    checks: dict[int, datetime | None] = {}
    for version in versions:
        seen = checks.get(version.article_id)
        if seen is None or version.fetched_at > seen:
            checks[version.article_id] = version.fetched_at
    # Only answers that showed the page count: a 404 or a timeout says nothing about it.
    for article_id, fetched in rows.last_good_fetches(article_ids).items():
        moment = parse_iso(fetched)
        seen = checks.get(article_id)
        if moment is not None and seen is not None and moment > seen:
            checks[article_id] = moment
    for article_id in rows.gone_articles(article_ids):
        checks[article_id] = None
    return checks


def _flag_entries(entries: list[_Entry], window: timedelta) -> list[dict[str, Any]]:
    """Mark repeats, changes, decreases and disagreements; return the story's figure steps."""
    best: _Entry | None = None  # highest credible figure stated so far
    stated: set[tuple[int, str]] = set()
    in_force: dict[int, _Entry] = {}  # article -> its latest entry
    by_outlet: dict[str, _Entry] = {}  # outlet -> its latest entry
    steps: list[dict[str, Any]] = []
    shown: _Entry | None = None  # the story's figure as last stepped
    top: _Entry | None = None  # the best figure in force
    for entry in entries:
        fig, version = entry.figure, entry.version
        entry.repeat = (fig.value, fig.qualifier) in stated
        stated.add((fig.value, fig.qualifier))
        if best is not None:
            entry.previous = best.figure
            gap = fig.level - best.figure.level
            entry.change = "up" if gap > 0 else "down" if gap < 0 else "same"
            if fig.qualifier != "vague" and fig.level < best.figure.level:
                entry.flags.append("decrease")
        for outlet, other in by_outlet.items():
            if outlet == version.outlet or other.figure.value == fig.value:
                continue
            if version.time - other.version.time <= window:
                entry.disagrees_with.append(_reference(other))
        if entry.disagrees_with:
            entry.flags.append("disagreement")
        if fig.credible and (best is None or fig.level > best.figure.level):
            best = entry
        replaced = in_force.get(version.article_id)
        in_force[version.article_id] = entry
        by_outlet[version.outlet] = entry
        if top is None or replaced is top:
            top = max(in_force.values(), key=_standing)
        elif _standing(entry) > _standing(top):
            top = entry
        if shown is None or top.figure.key != shown.figure.key:
            steps.append(
                {
                    "time": iso(version.time),
                    **top.figure.brief(),
                    "outlet": top.version.outlet,
                    "outlet_name": top.version.outlet_name,
                    "url": top.version.url,
                    "version_id": top.version.id,
                    "attributed_to": top.figure.attributed_to,
                    "previous": shown.figure.brief() if shown else None,
                }
            )
            shown = top
    return steps


def _standing(entry: _Entry) -> tuple[bool, float, float]:
    """Order figures: credible first, then by level, then the earliest to say it."""
    return (*entry.figure.rank, -entry.version.time.timestamp())


def _flag_stale(held: dict[int, _Entry], last_check: dict[int, datetime | None]) -> None:
    """Flag each page still quoting a figure below one another page published before."""
    # For the pages in time order, the best and second-best figure published so far.
    ordered = sorted((e for e in held.values() if e.figure.credible), key=lambda e: e.version.time)
    times = [e.version.time for e in ordered]
    best: list[_Entry] = []
    runner_up: list[_Entry | None] = []
    for entry in ordered:
        if not best or _standing(entry) > _standing(best[-1]):
            best.append(entry)
            runner_up.append(best[-2] if len(best) > 1 else None)
        else:
            second = runner_up[-1]
            best.append(best[-1])
            runner_up.append(
                entry if second is None or _standing(entry) > _standing(second) else second
            )
    for article_id, entry in held.items():
        seen_at = last_check.get(article_id, entry.version.fetched_at)
        if entry.figure.qualifier == "vague" or seen_at is None:
            continue
        index = bisect.bisect_right(times, seen_at) - 1
        if index < 0:
            continue
        top = best[index] if best[index] is not entry else runner_up[index]
        if top is not None and top.figure.level > entry.figure.level:
            entry.flags.append("stale")
            entry.superseded_by = _reference(top)


def _reference(entry: _Entry) -> dict[str, Any]:
    return {
        **entry.figure.brief(),
        "outlet": entry.version.outlet,
        "outlet_name": entry.version.outlet_name,
        "url": entry.version.url,
        "time": iso(entry.version.time),
    }


def _current(held: list[_Entry], steps: list[dict[str, Any]]) -> dict[str, Any]:
    best = max(held, key=_standing)
    # Of the pages stating the figure, show the earliest that says who the figure is from.
    same = [e for e in held if e.figure.key == best.figure.key]
    top = min(same, key=lambda e: (e.figure.attributed_to is None, e.version.time))
    fig, version = top.figure, top.version
    also = sorted(
        (e for e in held if e is not top and e.figure.key == fig.key),
        key=lambda e: e.version.time,
    )
    previous = steps[-2] if len(steps) >= 2 else None
    return {
        **fig.brief(),
        "who": fig.who,
        "attributed_to": fig.attributed_to,
        "outlet": version.outlet,
        "outlet_name": version.outlet_name,
        "url": version.url,
        "article_id": version.article_id,
        "version_id": version.id,
        "time": iso(version.time),
        "sentence": fig.sentence,
        "phrase": fig.phrase,
        "previous": {k: previous[k] for k in _FIGURE_FIELDS} if previous else None,
        "also": [
            {
                "outlet": e.version.outlet,
                "outlet_name": e.version.outlet_name,
                "url": e.version.url,
                "time": iso(e.version.time),
                "attributed_to": e.figure.attributed_to,
            }
            for e in also
        ],
        "flags": list(top.flags),
    }


def _sentence_key(sentence: str) -> str:
    folded = unicodedata.normalize("NFKC", sentence).casefold()
    return " ".join(words(folded))


def _new_sentences(versions: Sequence[_Version]) -> list[dict[str, Any]]:
    """Return, per article in order of appearance, the sentences no earlier page had."""
    seen: set[str] = set()
    out = []
    for version in _chronological(versions):
        found = story_sentences(version.text)
        if version.seq == 1:
            fresh: list[str] = []
            for sentence in found:
                key = _sentence_key(sentence)
                if key and key not in seen:
                    fresh.append(sentence)
                    seen.add(key)
            out.append(
                {
                    "article_id": version.article_id,
                    "url": version.url,
                    "outlet": version.outlet,
                    "outlet_name": version.outlet_name,
                    "title": version.title,
                    "time": iso(version.time),
                    "sentences": fresh,
                }
            )
        seen.update(_sentence_key(s) for s in found)
    return out


def _latest_changes(
    rows: StoryRows,
    versions: Sequence[_Version],
    steps: dict[str, list[dict[str, Any]]],
    limit: int,
) -> list[dict[str, Any]]:
    """Return the newest figure moves, page edits and new pages, newest first."""
    changes: list[dict[str, Any]] = []
    for kind, kind_steps in steps.items():
        for step in kind_steps:
            changes.append(
                {
                    "type": "figure",
                    "kind": kind,
                    "time": step["time"],
                    "old": step["previous"],
                    "new": {k: step[k] for k in _FIGURE_FIELDS},
                    "outlet": step["outlet"],
                    "outlet_name": step["outlet_name"],
                    "url": step["url"],
                    "version_id": step["version_id"],
                    "attributed_to": step["attributed_to"],
                }
            )
    by_id = {v.id: v for v in versions}
    diffs = _diffs_to(rows, [v.id for v in versions if v.seq > 1 and v.revert_of is None])
    for version in versions:
        base = {
            "time": iso(version.time),
            "article_id": version.article_id,
            "url": version.url,
            "outlet": version.outlet,
            "outlet_name": version.outlet_name,
            "version_id": version.id,
            "version": version.seq,
            "title": version.title,
        }
        if version.seq == 1:
            changes.append({"type": "article", **base})
        elif version.revert_of is None and version.id in diffs:
            from_id, summary, ops = diffs[version.id]
            earlier = by_id.get(from_id)
            changes.append(
                {
                    "type": "edit",
                    **base,
                    "from_version_id": from_id,
                    "summary": summary,
                    "fact_deltas": figure_deltas(
                        earlier.figures if earlier else {}, version.figures
                    ),
                    "diff": ops,
                }
            )
    changes.sort(key=lambda c: (c["time"], _TYPE_ORDER[c["type"]]), reverse=True)
    return changes[:limit]


_TYPE_ORDER = {"article": 0, "edit": 1, "figure": 2}


def _diffs_to(
    rows: StoryRows, version_ids: Sequence[int]
) -> dict[int, tuple[int, str, dict[str, Any]]]:
    return {
        row["to_version"]: (row["from_version"], row["summary"] or "", json.loads(row["ops"]))
        for row in rows.diffs_to(version_ids)
    }


def _story_summary(
    story_id: int, row: dict[str, Any] | None, versions: Sequence[_Version]
) -> dict[str, Any]:
    ordered = _chronological(versions)
    latest_title = None
    if ordered:
        first_article = ordered[0].article_id
        latest_title = [v.title for v in ordered if v.article_id == first_article][-1]
    outlets: dict[str, str] = {}
    for version in ordered:
        outlets.setdefault(version.outlet, version.outlet_name)
    title = (row or {}).get("title") or latest_title or f"story {story_id}"
    return {
        "id": story_id,
        "title": title,
        "articles": len({v.article_id for v in versions}),
        "versions": len(versions),
        "outlets": [{"id": k, "name": v} for k, v in outlets.items()],
        "first_seen": iso(ordered[0].time) if ordered else None,
        "last_change": iso(max(v.time for v in ordered)) if ordered else None,
    }
