"""Version diffs: sentence-aligned, with word-level changes inside edited sentences.

Volatile furniture ("updated 5 minutes ago", "Read more: ...") is dropped before
aligning, so a diff shows what the story says differently, not what the page template did.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, field
from typing import Any

from newsmon.core.text import is_volatile, sentences

# Two sentences this similar are an edit of one another, not a removal plus an addition.
EDIT_SIMILARITY = 0.5


@dataclass
class Change:
    """One aligned block: equal (counted only), insert, delete or edit (with word ops)."""

    op: str  # equal | insert | delete | edit
    old: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    # for edit: [["=", "at least"], ["-", "240"], ["+", "255"], ...]
    words: list[list[str]] = field(default_factory=list)
    count: int = 0  # for equal blocks: how many sentences


@dataclass
class Diff:
    """The difference between two versions of one article."""

    title: tuple[str | None, str | None] | None
    changes: list[Change]

    @property
    def changed(self) -> bool:
        return self.title is not None or any(c.op != "equal" for c in self.changes)

    def summary(self) -> str:
        counts = {"edit": 0, "insert": 0, "delete": 0}
        for change in self.changes:
            if change.op == "edit":
                counts["edit"] += 1
            elif change.op == "insert":
                counts["insert"] += len(change.new)
            elif change.op == "delete":
                counts["delete"] += len(change.old)
        parts = []
        if self.title:
            parts.append("headline changed")
        for key, label in (("edit", "edited"), ("insert", "added"), ("delete", "removed")):
            if counts[key]:
                noun = "sentence" if counts[key] == 1 else "sentences"
                parts.append(f"{counts[key]} {noun} {label}")
        return ", ".join(parts) or "no change"

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": list(self.title) if self.title else None,
            "summary": self.summary(),
            "changes": [
                {k: v for k, v in asdict(c).items() if v or k == "op"} for c in self.changes
            ],
        }


def story_sentences(text: str) -> list[str]:
    """Return the sentences of a text that carry the story (volatile furniture removed)."""
    return [s for s in sentences(text) if not is_volatile(s)]


def diff_texts(
    old_text: str, new_text: str, old_title: str | None = None, new_title: str | None = None
) -> Diff:
    """Align two texts by sentence and describe what changed."""
    old = story_sentences(old_text)
    new = story_sentences(new_text)
    matcher = difflib.SequenceMatcher(
        a=[_key(s) for s in old], b=[_key(s) for s in new], autojunk=False
    )
    changes: list[Change] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes.append(Change("equal", count=i2 - i1))
        elif tag == "delete":
            changes.append(Change("delete", old=old[i1:i2]))
        elif tag == "insert":
            changes.append(Change("insert", new=new[j1:j2]))
        else:
            changes.extend(_pair_edits(old[i1:i2], new[j1:j2]))
    title = None
    if (old_title or "").strip() != (new_title or "").strip():
        title = (old_title, new_title)
    return Diff(title=title, changes=changes)


def _key(sentence: str) -> str:
    return " ".join(sentence.split()).casefold()


def _pair_edits(old: list[str], new: list[str]) -> list[Change]:
    """Turn a replaced block into edits (similar pairs) plus plain deletes/inserts."""
    changes: list[Change] = []
    j = 0
    for sentence in old:
        best, best_ratio = None, EDIT_SIMILARITY
        for k in range(j, len(new)):
            ratio = difflib.SequenceMatcher(a=_key(sentence), b=_key(new[k])).ratio()
            if ratio >= best_ratio:
                best, best_ratio = k, ratio
        if best is None:
            changes.append(Change("delete", old=[sentence]))
            continue
        if best > j:
            changes.append(Change("insert", new=new[j:best]))
        changes.append(
            Change("edit", old=[sentence], new=[new[best]], words=word_diff(sentence, new[best]))
        )
        j = best + 1
    if j < len(new):
        changes.append(Change("insert", new=new[j:]))
    return changes


def word_diff(old: str, new: str) -> list[list[str]]:
    """Return word-level ops between two sentences: [["=", text], ["-", text], ["+", text]]."""
    # Whitespace tokens keep punctuation with its word, so the rendered sentence reads whole.
    a, b = old.split(), new.split()
    ops: list[list[str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(["=", " ".join(a[i1:i2])])
        else:
            if i2 > i1:
                ops.append(["-", " ".join(a[i1:i2])])
            if j2 > j1:
                ops.append(["+", " ".join(b[j1:j2])])
    return ops


def render_text(diff: Diff, *, color: bool = False) -> str:
    """Render a diff for a terminal: [-removed-] {+added+}, or ANSI colours."""
    red, green, reset = ("\033[31m", "\033[32m", "\033[0m") if color else ("", "", "")

    def removed(text: str) -> str:
        return f"{red}[-{text}-]{reset}"

    def added(text: str) -> str:
        return f"{green}{{+{text}+}}{reset}"

    lines: list[str] = []
    if diff.title:
        lines.append(f"headline: {removed(diff.title[0] or '')} {added(diff.title[1] or '')}")
    for change in diff.changes:
        if change.op == "equal":
            lines.append(f"  … {change.count} unchanged sentence(s)")
        elif change.op == "delete":
            lines.extend(f"- {removed(s)}" for s in change.old)
        elif change.op == "insert":
            lines.extend(f"+ {added(s)}" for s in change.new)
        else:
            parts = []
            for kind, text in change.words:
                parts.append(text if kind == "=" else removed(text) if kind == "-" else added(text))
            lines.append("~ " + " ".join(parts))
    return "\n".join(lines)
