"""What the story stage asks of the store: the wire-copy index and the story index.

The decisions (``join``, ``minhash.find_near_duplicates``) and the read model (``read``) take
an object with these methods; ``newsmon.store.stories.StoryStore`` is the SQLite one, and the
pipeline hands it in. Every method answers from (or writes to) the store inside the caller's
transaction; none decides anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from newsmon.core.story_records import (
    Member,
    MemberText,
    NearDuplicate,
    Story,
    StoryChanges,
    StoryEvent,
    WireDoc,
)


class WireIndex(Protocol):
    """Near-duplicate fingerprints, their LSH band keys and wire groups."""

    def exact_matches(self, exact_hash: int) -> list[WireDoc]:
        """Return stored articles with this exact body hash (id and wire group only)."""
        ...

    def band_hits(self, keys: list[int]) -> list[int]:
        """Return the article id of every stored band key among ``keys`` (with repeats)."""
        ...

    def wire_docs(self, article_ids: list[int]) -> list[WireDoc]:
        """Return the index rows of these articles."""
        ...

    def wire_doc(self, article_id: int) -> WireDoc | None:
        """Return one article's index row, if it has one."""
        ...

    def save_wire_doc(
        self, doc: WireDoc, stale_keys: list[int], keys: list[int], now: datetime
    ) -> None:
        """Insert or replace an article's row; its band keys ``stale_keys`` become ``keys``."""
        ...

    def remove_wire_doc(self, article_id: int, keys: list[int], now: datetime) -> None:
        """Drop an article's row and band ``keys``, and take it out of its wire group."""
        ...

    def link_wire_copy(
        self, article_id: int, matches: list[NearDuplicate], now: datetime
    ) -> int | None:
        """Put the article in the wire group of its matches (None, and out of any, without)."""
        ...

    def wire_group_of(self, article_id: int) -> int | None:
        """Return an article's wire group."""
        ...


class StoryIndex(WireIndex, Protocol):
    """Story memberships, their inverted index, stories, frequencies and history."""

    def line_frequencies(self, keys: list[int]) -> dict[int, int]:
        """Return in how many earlier articles each line key was printed (absent: never)."""
        ...

    def count_lines(self, keys: list[int]) -> None:
        """Count one more article printing each of these line keys."""
        ...

    def term_frequencies(self, feature_ids: list[int]) -> tuple[int, dict[int, int]]:
        """Return the number of articles counted and, per feature id seen, how many had it."""
        ...

    def count_document(self, feature_ids: list[int]) -> None:
        """Count one more article, having each of these features."""
        ...

    def member(self, article_id: int) -> Member | None:
        """Return an article's story membership."""
        ...

    def story_of(self, article_id: int) -> int | None:
        """Return the story an article is in."""
        ...

    def members(self, article_ids: list[int]) -> list[Member]:
        """Return the memberships of these articles, to score (headline and terms left out)."""
        ...

    def story_members(self, story_id: int, article_ids: list[int] | None = None) -> list[Member]:
        """Return a story's members (only ``article_ids`` among them), earliest first."""
        ...

    def recent_members(self, story_id: int, limit: int) -> list[Member]:
        """Return the ``limit`` latest members counted in a story's profile."""
        ...

    def member_count(self, story_id: int) -> int:
        """Return how many articles a story holds."""
        ...

    def has_outlet(self, story_id: int, source_id: str) -> bool:
        """Return whether a story already holds an article from this outlet."""
        ...

    def outlet_texts(self, source_id: str, article_ids: list[int]) -> list[MemberText]:
        """Return headline and text of those of ``article_ids`` that are this outlet's members."""
        ...

    def posted_articles(self, feature: int, first_day: int, last_day: int, limit: int) -> list[int]:
        """Return articles indexed under ``feature`` on these days, latest days first."""
        ...

    def story(self, story_id: int) -> Story | None:
        """Return a story."""
        ...

    def open_stories(self, story_ids: list[int], first_day: int, last_day: int) -> list[Story]:
        """Return those of ``story_ids`` that are open and overlap these days, to score (key
        terms left out)."""
        ...

    def new_story(self, event_at: datetime, now: datetime) -> int:
        """Create an empty story starting at ``event_at``; return its id."""
        ...

    def add_member(self, member: Member, postings: list[int], now: datetime) -> None:
        """Store a membership and index the article under ``postings`` on its day."""
        ...

    def remove_member(self, member: Member, postings: list[int]) -> None:
        """Drop a membership and its ``postings``."""
        ...

    def update_story(self, story_id: int, changes: StoryChanges) -> None:
        """Write the columns ``changes`` sets."""
        ...

    def move_members(self, article_ids: list[int], story_id: int) -> None:
        """Move these articles into ``story_id``."""
        ...

    def absorb_story(self, survivor_id: int, absorbed_id: int, now: datetime) -> None:
        """Move every article of ``absorbed_id`` into ``survivor_id`` and mark it merged."""
        ...

    def mark_empty(self, story_id: int) -> None:
        """Mark a story that lost its last article."""
        ...

    def record_event(self, event: StoryEvent) -> None:
        """Append a merge, split or move to the story history."""
        ...


class StoryReads(Protocol):
    """What the read model lists and shows (rows as dicts, as the store reads them)."""

    def has_stories(self) -> bool:
        """Return whether the store holds the story tables at all."""
        ...

    def story_listing(self, limit: int, seen_since: str | None) -> list[dict[str, Any]]:
        """Return open, non-empty stories, most recently seen first (since ``seen_since``)."""
        ...

    def story_row(self, story_id: int) -> dict[str, Any] | None:
        """Return one story as stored."""
        ...

    def member_rows(self, story_id: int) -> list[dict[str, Any]]:
        """Return a story's members with their article, outlet and wire-copy details."""
        ...

    def history_rows(self, story_id: int) -> list[dict[str, Any]]:
        """Return the merges, splits and moves involving a story, oldest first."""
        ...

    def wire_group_row(self, group_id: int) -> dict[str, Any] | None:
        """Return one wire group."""
        ...

    def wire_copy_rows(self, group_id: int) -> list[dict[str, Any]]:
        """Return a wire group's copies, earliest first."""
        ...
