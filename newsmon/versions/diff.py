"""Version diffs: sentence-aligned, with word-level changes inside edited sentences.

Volatile furniture ("updated 5 minutes ago", "Read more: ...") is dropped before
aligning, so a diff shows what the story says differently, not what the page template did.

Bounded work, whatever a page holds (issue 16: all-pairs alignment took 51 s on a rewritten
70 kB text and over 11 minutes on an edited 3 MB page):
- Sentences are aligned by difflib while the sentence grid is small (``ALIGN_CELLS``); past
  it, by sentences found once in each text, in order (patience diff: a longest increasing
  subsequence, O(n log n)), with difflib again inside gaps small enough.
- A replaced block is paired into edits by comparing each old sentence with the new ones
  in a window ahead (``PAIR_WINDOW``), ranked by shared words first; difflib's character
  ratio decides only among the best few, and only for sentences up to ``RATIO_CHARS``.
  Small blocks keep the exact all-pairs search. After ``MAX_RATIOS`` ratios in one diff,
  what is left of a block is reported as removed and added sentences.
- Word diffs of sentences longer than ``WORD_DIFF_WORDS`` words are one removal and one
  addition.
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from newsmon.core.text import is_volatile, sentences

# Two sentences this similar are an edit of one another, not a removal plus an addition.
EDIT_SIMILARITY = 0.5
# difflib aligns sentence lists whose grid (old x new sentences) is at most this big.
ALIGN_CELLS = 250_000
# A replaced block this small (old x new) is paired by trying every pair, as it always was.
EXACT_PAIRS = 400
# Otherwise each old sentence is compared with this many new sentences ahead of the last
# edit, the best RATIO_CANDIDATES of them (by shared words) by difflib's ratio over words
# (a character ratio costs ~1 ms a pair; a word ratio ~30 µs).
PAIR_WINDOW = 24
RATIO_CANDIDATES = 2
# Character ratios (exact pairing) cost O(n * m): at most this many character pairs in one
# diff (about 400 pairs of ordinary sentences), and none past RATIO_CHARS; then words.
MAX_CHAR_CELLS = 4_000_000
RATIO_CHARS = 2_000
# At most this many ratios in one diff; then what is left is removals and additions.
MAX_RATIOS = 10_000
# Word diffs of longer sentences are one removal and one addition.
WORD_DIFF_WORDS = 2_000


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
    old_keys = [_key(s) for s in old]
    new_keys = [_key(s) for s in new]
    budget = _Budget(MAX_RATIOS, MAX_CHAR_CELLS)
    changes: list[Change] = []
    for tag, i1, i2, j1, j2 in align(old_keys, new_keys):
        if tag == "equal":
            changes.append(Change("equal", count=i2 - i1))
        elif tag == "delete":
            changes.append(Change("delete", old=old[i1:i2]))
        elif tag == "insert":
            changes.append(Change("insert", new=new[j1:j2]))
        else:
            changes.extend(
                _pair_edits(old[i1:i2], new[j1:j2], old_keys[i1:i2], new_keys[j1:j2], budget)
            )
    title = None
    if (old_title or "").strip() != (new_title or "").strip():
        title = (old_title, new_title)
    return Diff(title=title, changes=changes)


def _key(sentence: str) -> str:
    return " ".join(sentence.split()).casefold()


Opcode = tuple[str, int, int, int, int]


def align(a: list[str], b: list[str]) -> list[Opcode]:
    """Return difflib-style opcodes aligning two sentence lists, in O(n log n) when large."""
    ops: list[Opcode] = []
    _align_into(ops, a, b, 0, len(a), 0, len(b), depth=0)
    return _merged(ops)


def _align_into(
    ops: list[Opcode], a: list[str], b: list[str], i1: int, i2: int, j1: int, j2: int, depth: int
) -> None:
    # Common prefix and suffix first: most edits leave most of an article in place.
    while i1 < i2 and j1 < j2 and a[i1] == b[j1]:
        ops.append(("equal", i1, i1 + 1, j1, j1 + 1))
        i1, j1 = i1 + 1, j1 + 1
    tail: list[Opcode] = []
    while i1 < i2 and j1 < j2 and a[i2 - 1] == b[j2 - 1]:
        tail.append(("equal", i2 - 1, i2, j2 - 1, j2))
        i2, j2 = i2 - 1, j2 - 1
    if i1 == i2 or j1 == j2:
        if i1 < i2:
            ops.append(("delete", i1, i2, j1, j1))
        elif j1 < j2:
            ops.append(("insert", i1, i1, j1, j2))
    elif (i2 - i1) * (j2 - j1) <= ALIGN_CELLS:
        matcher = difflib.SequenceMatcher(a=a[i1:i2], b=b[j1:j2], autojunk=False)
        for tag, x1, x2, y1, y2 in matcher.get_opcodes():
            ops.append((tag, i1 + x1, i1 + x2, j1 + y1, j1 + y2))
    else:
        anchors = _unique_anchors(a, b, i1, i2, j1, j2) if depth < 6 else []
        if not anchors:
            ops.append(("replace", i1, i2, j1, j2))
        else:
            x, y = i1, j1
            for ai, bj in anchors:
                _align_into(ops, a, b, x, ai, y, bj, depth + 1)
                ops.append(("equal", ai, ai + 1, bj, bj + 1))
                x, y = ai + 1, bj + 1
            _align_into(ops, a, b, x, i2, y, j2, depth + 1)
    ops.extend(reversed(tail))


def _unique_anchors(
    a: list[str], b: list[str], i1: int, i2: int, j1: int, j2: int
) -> list[tuple[int, int]]:
    """Return the longest in-order chain of sentences found exactly once on each side."""
    count_a = Counter(a[i1:i2])
    count_b = Counter(b[j1:j2])
    where_b = {b[j]: j for j in range(j1, j2) if count_b[b[j]] == 1}
    pairs = [(i, where_b[a[i]]) for i in range(i1, i2) if count_a[a[i]] == 1 and a[i] in where_b]
    # Longest increasing subsequence of the b positions (patience sorting).
    tails: list[int] = []  # tails[k]: smallest b position ending a chain of length k + 1
    tail_index: list[int] = []
    previous: list[int] = [-1] * len(pairs)
    for index, (_, bj) in enumerate(pairs):
        k = bisect.bisect_left(tails, bj)
        if k == len(tails):
            tails.append(bj)
            tail_index.append(index)
        else:
            tails[k] = bj
            tail_index[k] = index
        previous[index] = tail_index[k - 1] if k else -1
    chain: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        chain.append(pairs[index])
        index = previous[index]
    return chain[::-1]


def _merged(ops: list[Opcode]) -> list[Opcode]:
    """Join neighbouring opcodes: equals with equals, any changes into one replace."""
    out: list[Opcode] = []
    for tag, i1, i2, j1, j2 in ops:
        if i1 == i2 and j1 == j2:
            continue
        if out:
            last_tag, a1, _, b1, _ = out[-1]
            if (tag == "equal") == (last_tag == "equal"):
                if tag != "equal" and last_tag != tag:
                    tag = "replace"
                out[-1] = (tag, a1, i2, b1, j2)
                continue
        out.append((tag, i1, i2, j1, j2))
    return [
        ("delete" if j1 == j2 else "insert" if i1 == i2 else tag, i1, i2, j1, j2)
        if tag == "replace"
        else (tag, i1, i2, j1, j2)
        for tag, i1, i2, j1, j2 in out
    ]


class _Budget:
    """How many ratios, and character pairs inside them, a diff may still compute."""

    def __init__(self, ratios: int, char_cells: int) -> None:
        self.ratios = ratios
        self.char_cells = char_cells

    def spent(self) -> bool:
        return self.ratios <= 0

    def ratio(self, a: str, b: str, *, by_words: bool) -> float | None:
        """Return difflib's ratio of two sentence keys (by characters, or by words when asked
        or when they are long), or None when the budget is spent."""
        if self.ratios <= 0:
            return None
        self.ratios -= 1
        matcher: difflib.SequenceMatcher[Any]
        cells = len(a) * len(b)
        by_words = by_words or len(a) + len(b) > RATIO_CHARS or cells > self.char_cells
        if by_words:
            words_a, words_b = a.split(), b.split()
            if len(words_a) + len(words_b) > 2 * WORD_DIFF_WORDS:
                return _dice(set(words_a), set(words_b))
            matcher = difflib.SequenceMatcher(a=words_a, b=words_b, autojunk=False)
        else:
            self.char_cells -= cells
            matcher = difflib.SequenceMatcher(a=a, b=b)
        upper = matcher.real_quick_ratio()
        return upper if upper < EDIT_SIMILARITY else matcher.ratio()


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0


def _pair_edits(
    old: list[str], new: list[str], old_keys: list[str], new_keys: list[str], budget: _Budget
) -> list[Change]:
    """Turn a replaced block into edits (similar pairs) plus plain deletes/inserts."""
    exact = len(old) * len(new) <= EXACT_PAIRS
    new_words = [] if exact else [set(k.split()) for k in new_keys]
    changes: list[Change] = []
    j = 0
    for i, sentence in enumerate(old):
        if exact:
            candidates = list(range(j, len(new)))
        elif budget.spent():
            candidates = []
        else:
            words = set(old_keys[i].split())
            window = range(j, min(len(new), j + PAIR_WINDOW))
            ranked = sorted(window, key=lambda k: -_dice(words, new_words[k]))
            candidates = sorted(ranked[:RATIO_CANDIDATES])
        best, best_ratio = None, EDIT_SIMILARITY
        for k in candidates:
            ratio = budget.ratio(old_keys[i], new_keys[k], by_words=not exact)
            if ratio is None:
                break
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
    if len(a) > WORD_DIFF_WORDS or len(b) > WORD_DIFF_WORDS:
        return [["-", " ".join(a)], ["+", " ".join(b)]]
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
