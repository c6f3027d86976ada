"""Records the story stage and the store exchange: wire-copy index rows, story members,
stories and their history.

Vectors and fingerprints travel as the bytes the store keeps (their format belongs to
``newsmon.stories.vectors`` and ``newsmon.stories.minhash``). Times a story compares and orders
(``event_at``, ``first_seen``, ``last_seen``) stay the store's ISO 8601 UTC strings, which sort
as the times do; the clock of a write (``now``) is a ``datetime``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ArticleInput:
    """One article version as the story stage reads it."""

    article_id: int
    version_id: int
    source_id: str
    url: str
    title: str | None
    text: str
    lang: str | None
    published: datetime | None
    seen_at: datetime


@dataclass
class WireDoc:
    """What the near-duplicate index keeps of one article (a ``dedupe_docs`` row)."""

    article_id: int
    exact_hash: int
    shingles: int
    sample_level: int
    sample: bytes  # sorted distinct uint32 shingle hashes (a consistent sample)
    signature: bytes  # uint32 MinHash values: whole body, then lead
    version_id: int = 0
    source_id: str = ""
    credit: str | None = None
    event_at: str | None = None
    wire_group_id: int | None = None


@dataclass
class NearDuplicate:
    """A stored article whose body matches (exactly or nearly) the one being indexed."""

    article_id: int
    kind: str  # "exact" | "near"
    containment: float  # share of the shorter text found in the longer one
    jaccard: float
    wire_group_id: int | None


@dataclass
class Member:
    """An article's place in a story and what it is compared by (a ``story_articles`` row)."""

    article_id: int
    story_id: int
    version_id: int
    source_id: str
    joined: str  # "new_story" | "joined" | "wire_copy" | "follow_up"
    score: float | None
    wire_group_id: int | None
    in_profile: bool
    event_at: str
    day: int  # proleptic ordinal of event_at's date
    title: str | None
    vector: bytes  # packed article vector (newsmon.stories.vectors)
    lead_vector: bytes
    # Key-term candidates: (feature key, the word as the article wrote it).
    terms: list[tuple[str, str]] = field(default_factory=list)
    lang: str | None = None


@dataclass
class MemberText:
    """A member's headline and the stored text of its version."""

    article_id: int
    title: str | None
    text: str | None


@dataclass
class Story:
    """A story as stored (a ``stories`` row); profiles are packed vectors."""

    id: int
    title: str | None
    title_at: str | None
    key_terms: list[tuple[str, str]]  # (feature key, as written; "" when not known)
    first_seen: str
    last_seen: str
    first_day: int
    last_day: int
    articles: int
    outlets: int
    profile: bytes
    lead_profile: bytes
    profile_docs: int
    status: str
    merged_into: int | None


@dataclass
class StoryChanges:
    """Columns of a story to update; ``None`` leaves a column as it is."""

    articles: int | None = None
    outlets: int | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    first_day: int | None = None
    last_day: int | None = None
    title: str | None = None
    title_at: str | None = None
    profile: bytes | None = None
    lead_profile: bytes | None = None
    profile_docs: int | None = None
    key_terms: list[tuple[str, str]] | None = None
    updated_at: datetime | None = None


@dataclass
class StoryEvent:
    """A merge, split or move, as recorded in a story's history."""

    at: datetime
    kind: str  # "merge" | "split" | "move"
    story_id: int
    other_story_id: int | None
    article_id: int | None = None
    score: float | None = None
    detail: dict[str, Any] | None = None
