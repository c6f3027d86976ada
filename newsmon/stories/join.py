"""Incremental story clustering: articles about one event, across outlets, languages and days.

Weights are TF-IDF with document frequencies kept in the store. A new article looks up, in an
inverted index restricted to the active window, the member articles sharing its most
discriminative features; it joins the story scoring best (its best member and its profile,
through per-kind cosines) when that clears ``join_threshold``, else starts a story. Wire
copies follow their wire group's story (``minhash``). Stories that two strong matches show
to be one are merged; a story whose members fall into two groups that do not belong together
is split (``coherence``); both are recorded.

Every decision here reads and writes through a ``StoryIndex`` (``newsmon.stories.index``) that
the pipeline passes in, inside its open transaction; the clock is passed in as ``now``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from newsmon.core.settings import StoriesSettings
from newsmon.core.story_records import (
    ArticleInput,
    Member,
    NearDuplicate,
    Story,
    StoryChanges,
    StoryEvent,
)
from newsmon.stories import coherence
from newsmon.stories.credits import detect_credit
from newsmon.stories.features import (
    Features,
    body_words,
    boilerplate_candidates,
    event_time,
    extract_features,
    headline_words,
    language,
    line_key,
    outlet_names,
    page_line_keys,
    settle_guesses,
    source_line,
    stamp,
    strip_lines,
)
from newsmon.stories.index import StoryIndex
from newsmon.stories.minhash import (
    Fingerprint,
    find_near_duplicates,
    fingerprint_text,
    index_article,
    remove_article,
)
from newsmon.stories.vectors import (
    FULL_TERMS,
    KEY_TERMS,
    LEAD_PROFILE_TERMS,
    LEAD_TERMS,
    PRIOR_DOCUMENTS,
    PROFILE_TERMS,
    Profile,
    Vector,
    add,
    by_id,
    feature_id,
    key_terms,
    member_profile,
    pack,
    posted,
    score_weights,
    similarity,
    story_profile,
    term_candidates,
    unpack,
    weigh,
)


@dataclass
class Assignment:
    """Where one article version went: its wire group (if a copy) and its story."""

    wire_group_id: int | None  # None when the article has no near-duplicate
    story_id: int
    # "new_story" | "joined" | "wire_copy" (followed its wire group's story) | "follow_up"
    # (joined a story past its active window: a later chapter naming the same people)
    joined: str


@dataclass
class PreparedArticle:
    """What assigning an article needs that depends on the article alone.

    ``prepare_article(article, speculative=True)`` also computes the features and the
    fingerprint as if the page's furniture were what ``furniture`` guesses (none without it);
    ``assign_version`` uses them when the page's lines that are furniture are those guessed
    (they are then the same) and recomputes them otherwise. A cleaning worker can call it;
    the decisions stay in the writer.
    """

    article: ArticleInput
    event_at: datetime
    reference: date | None  # the publication date weekdays and "yesterday" resolve against
    lang: str | None  # primary language subtag
    outlet: frozenset[str]  # the words of the outlet's host name
    candidates: dict[int, int]  # possible furniture: line key -> words
    credit: str | None
    speculative: bool = False
    line_keys: frozenset[int] = frozenset()  # every line and headline segment (speculative)
    # The page's lines taken as furniture by the speculative fingerprint and features.
    assumed_dedupe: frozenset[int] = frozenset()
    assumed_furniture: frozenset[int] = frozenset()
    fingerprint: Fingerprint | None = None
    features: Features | None = None


FurnitureGuess = Callable[[dict[int, int]], tuple[set[int], set[int]]]


def prepare_article(
    article: ArticleInput, *, speculative: bool = False, furniture: FurnitureGuess | None = None
) -> PreparedArticle:
    """Return the part of story assignment that needs nothing from the store.

    ``furniture`` guesses, from the page's furniture candidates, the line keys the writer will
    take as furniture (as dedupe skips them, as features do); ``page_furniture`` over a
    recent view of the store is a good guess. Without it the guess is none.
    """
    event_at = event_time(article.published, article.seen_at)
    reference = event_at.date() if article.published is not None else None
    outlet = outlet_names(article.url)
    prepared = PreparedArticle(
        article=article,
        event_at=event_at,
        reference=reference,
        lang=language(article.lang),
        outlet=outlet,
        candidates=boilerplate_candidates(article.title, article.text),
        credit=detect_credit(article.text, article.title),
    )
    if speculative:
        prepared.speculative = True
        prepared.line_keys = page_line_keys(article.title, article.text)
        dedupe, lines = furniture(prepared.candidates) if furniture else (set(), set())
        # Only the page's own lines matter: the results are those of the whole sets.
        prepared.assumed_dedupe = frozenset(dedupe & prepared.line_keys)
        prepared.assumed_furniture = frozenset(lines & prepared.line_keys)
        prepared.fingerprint = fingerprint_text(strip_lines(article.text, prepared.assumed_dedupe))
        prepared.features = extract_features(
            article.title,
            article.text,
            reference,
            furniture=prepared.assumed_furniture,
            outlet=outlet,
            lang=prepared.lang,
        )
    return prepared


@dataclass
class _Entry:
    """An article on its way into a story: its membership fields and exact vectors."""

    article: ArticleInput
    event_at: datetime
    wire_group_id: int | None
    vector: dict[int, float]
    lead_vector: dict[int, float]
    terms: list[tuple[str, str]]
    lang: str | None

    def member(self, story_id: int, joined: str, score: float | None) -> Member:
        return Member(
            article_id=self.article.article_id,
            story_id=story_id,
            version_id=self.article.version_id,
            source_id=self.article.source_id,
            joined=joined,
            score=score,
            wire_group_id=self.wire_group_id,
            in_profile=joined != "wire_copy",
            event_at=stamp(self.event_at),
            day=self.event_at.date().toordinal(),
            title=self.article.title,
            vector=pack(self.vector),
            lead_vector=pack(self.lead_vector),
            terms=self.terms,
            lang=self.lang,
        )


def assign_version(
    index: StoryIndex,
    article: ArticleInput,
    *,
    settings: StoriesSettings | None = None,
    now: datetime,
    prepared: PreparedArticle | None = None,
) -> Assignment:
    """Dedupe and cluster one article version inside the caller's open transaction.

    Idempotent: calling again for the same (article_id, version_id) changes nothing. A new
    version of an already clustered article refreshes its fingerprints and features and keeps
    its story unless the edit made it score below ``leave_threshold`` there.
    """
    settings = settings or StoriesSettings()
    article_id = article.article_id
    previous = index.member(article_id)
    if previous is not None and previous.version_id == article.version_id:
        return Assignment(index.wire_group_of(article_id), previous.story_id, previous.joined)
    if prepared is None:
        prepared = prepare_article(article)
    elif prepared.article != article:
        raise ValueError(f"prepared for another article than {article.article_id}")
    event_at = prepared.event_at
    title, text, source_id = article.title, article.text, article.source_id
    # Page furniture is learnt from earlier articles; each article counts once.
    dedupe_furniture, furniture, printed = page_furniture(
        index, source_id, prepared.candidates, settings, count=previous is None
    )

    # Syndicated copies: the same text on other outlets.
    if prepared.speculative and dedupe_furniture & prepared.line_keys == prepared.assumed_dedupe:
        fingerprint = prepared.fingerprint
    else:
        fingerprint = fingerprint_text(strip_lines(text, dedupe_furniture))
    matches: list[NearDuplicate] = []
    if fingerprint is not None:
        matches = find_near_duplicates(
            index,
            fingerprint,
            exclude_article_id=article_id,
            min_containment=settings.near_duplicate_containment,
        )
        reused = _reused_bodies(index, matches, source_id, title, text)
        if reused:
            matches = [m for m in matches if m.article_id not in reused]
            furniture = furniture | printed
            furniture |= {line_key(line) for text in reused.values() for line in text.splitlines()}
        index_article(
            index,
            article_id=article_id,
            version_id=article.version_id,
            source_id=source_id,
            fingerprint=fingerprint,
            credit=prepared.credit,
            event_at=stamp(event_at),
            now=now,
        )
    else:
        remove_article(index, article_id, now)
    group_id = index.link_wire_copy(article_id, matches, now) if fingerprint else None

    # Features, weighted by how rare they are in everything seen before.
    if (
        prepared.speculative
        and prepared.features
        and furniture & prepared.line_keys == prepared.assumed_furniture
    ):
        features = prepared.features
    else:
        features = extract_features(
            title,
            text,
            prepared.reference,
            furniture=furniture,
            outlet=prepared.outlet,
            lang=prepared.lang,
        )
    # One lookup covers both kinds of each guessed headline word, settled before weighting.
    keys = set(features.full) | set(features.lead) | features.alternates()
    documents, df = _frequencies(index, sorted(keys))
    settle_guesses(features, df)
    if previous is None:
        index.count_document([feature_id(key) for key in sorted(features.full)])
    # As if the store held PRIOR_DOCUMENTS more articles without the feature: in a young
    # store, a name shared with one earlier article must not weigh less than an unseen word.
    idf = {key: math.log((documents + PRIOR_DOCUMENTS) / (count + 1)) for key, count in df.items()}
    named = weigh(features.full, idf, FULL_TERMS)
    terms = [(k, features.surface.get(k, "")) for k in list(named)[: KEY_TERMS * 2] if k[0] != "d"]
    entry = _Entry(
        article=article,
        event_at=event_at,
        wire_group_id=group_id,
        vector=by_id(named),
        lead_vector=by_id(weigh(features.lead, idf, LEAD_TERMS)),
        terms=terms,
        lang=prepared.lang,
    )
    profile = Profile(
        Vector.of(entry.vector),
        Vector.of(entry.lead_vector),
        lang=prepared.lang,
        dated=article.published is not None,
    )
    # Rare: in at most rare_df earlier articles and in at most 1% of them (so never in a young
    # store). Only for a dated article: a rare name recurring within days marks one event,
    # while without a date a recurring celebrity or team cannot be told from the event's own.
    rare_df = min(settings.rare_df, documents // 100)
    if article.published is not None and rare_df >= 1:
        profile.rare = frozenset(
            feature_id(key) for key in named if key[0] in "en" and 0 < df.get(key, 0) <= rare_df
        )

    followed = _followed_story(index, matches)
    if previous is not None:
        # An edit normally keeps the article where it was.
        old_story = previous.story_id
        _leave(index, previous, settings, now)
        if followed == old_story:
            return _join(index, old_story, entry, previous.joined, None, settings, now)
        stay = index.story(old_story)
        if stay is not None and followed is None:
            score = _score_against(index, profile, stay, settings)
            if stay.articles == 0 or score >= settings.leave_threshold:
                joined = "joined" if previous.joined == "wire_copy" else previous.joined
                return _join(
                    index, old_story, entry, joined, score if stay.articles else None, settings, now
                )
        result = _place(index, profile, entry, followed, settings, now)
        index.record_event(StoryEvent(now, "move", result.story_id, old_story, article_id))
        if stay is not None and stay.articles == 0:
            index.mark_empty(old_story)
        else:
            _split_if_disconnected(index, old_story, settings, now)
        return result
    return _place(index, profile, entry, followed, settings, now)


def _place(
    index: StoryIndex,
    article: Profile,
    entry: _Entry,
    followed: int | None,
    settings: StoriesSettings,
    now: datetime,
) -> Assignment:
    """Put an article in its wire group's story, the best matching story, or a new one."""
    if followed is not None:
        return _join(index, followed, entry, "wire_copy", None, settings, now)
    article_id = entry.article.article_id
    source_id = entry.article.source_id
    day = entry.event_at.date().toordinal()
    candidates = _candidates(index, article, day, settings, article_id, source_id=source_id)
    if not candidates or candidates[0].score < settings.join_threshold:
        if settings.follow_up_days > settings.window_days:
            # Not news of an active story: perhaps a later chapter of an older one.
            older = _candidates(
                index, article, day, settings, article_id, follow_up=True, source_id=source_id
            )
            if older and older[0].score >= settings.follow_up_threshold:
                return _join(
                    index, older[0].story.id, entry, "follow_up", older[0].score, settings, now
                )
        story_id = index.new_story(entry.event_at, now)
        return _join(index, story_id, entry, "new_story", None, settings, now)
    best = candidates[0]
    story_id = best.story.id
    result = _join(index, story_id, entry, "joined", best.score, settings, now)
    weights = score_weights(settings)
    for other in candidates[1:]:
        if other.score < settings.merge_threshold:
            break
        # Two stories both strongly matched by one article, and alike themselves: one story.
        if similarity(best.profile, other.profile, weights) >= settings.join_threshold:
            merge_stories(
                index, story_id, other.story.id, now=now, article_id=article_id, score=other.score
            )
    moved = split_if_incoherent(index, story_id, settings, now)
    if moved is not None and article_id in moved[1]:
        return Assignment(result.wire_group_id, moved[0], result.joined)
    return result


def split_if_incoherent(
    index: StoryIndex, story_id: int, settings: StoriesSettings, now: datetime
) -> tuple[int, list[int]] | None:
    """Split off a group of members that hangs together but not with the rest of the story.

    Checked when the story reaches one of ``coherence.COHERENCE_CHECKS`` sizes (see
    ``coherence.incoherent_group``). Returns (new story id, its articles) after a split.
    """
    if index.member_count(story_id) not in coherence.COHERENCE_CHECKS:
        return None
    members = index.story_members(story_id)
    leaving = coherence.incoherent_group(
        [member_profile(m, in_language=False) for m in members],
        [m.wire_group_id for m in members],
        settings,
        score_weights(settings),
    )
    if leaving is None:
        return None
    moved = [members[i].article_id for i in leaving]
    new_id = split_story(index, story_id, moved, now=now, reason="incoherent")
    return new_id, moved


def _split_if_disconnected(
    index: StoryIndex, story_id: int, settings: StoriesSettings, now: datetime
) -> None:
    """Split a story whose members no longer hang together (after one of them left)."""
    members = index.story_members(story_id)
    if len(members) < 2 or len(members) > settings.max_split_members:
        return
    groups = coherence.disconnected_groups(
        [member_profile(m, in_language=False) for m in members],
        [m.wire_group_id for m in members],
        settings.join_threshold,
        score_weights(settings),
    )
    for positions in groups:
        split_story(
            index,
            story_id,
            [members[i].article_id for i in positions],
            now=now,
            reason="disconnected",
        )


def _followed_story(index: StoryIndex, matches: list[NearDuplicate]) -> int | None:
    for match in matches:
        story_id = index.story_of(match.article_id)
        if story_id is not None:
            return story_id
    return None


def _score_against(
    index: StoryIndex, article: Profile, story: Story, settings: StoriesSettings
) -> float:
    members = index.recent_members(story.id, settings.max_candidates)
    if not members:
        return 0.0
    weights = score_weights(settings)
    best = max(similarity(article, member_profile(m, in_language=False), weights) for m in members)
    return weights.member * best + (1 - weights.member) * similarity(
        article, story_profile(story), weights
    )


def merge_stories(
    index: StoryIndex,
    survivor_id: int,
    absorbed_id: int,
    *,
    now: datetime,
    article_id: int | None = None,
    score: float | None = None,
) -> int:
    """Move every article of ``absorbed_id`` into ``survivor_id`` and record the merge."""
    if survivor_id == absorbed_id:
        return survivor_id
    index.absorb_story(survivor_id, absorbed_id, now)
    refresh_story(index, survivor_id, now, rebuild_profile=True)
    index.record_event(StoryEvent(now, "merge", survivor_id, absorbed_id, article_id, score))
    return survivor_id


def split_story(
    index: StoryIndex,
    story_id: int,
    article_ids: list[int],
    *,
    now: datetime,
    reason: str = "manual",
) -> int:
    """Move ``article_ids`` out of ``story_id`` into a new story; record the split; return it."""
    rows = index.story_members(story_id, article_ids)
    if not rows:
        raise ValueError(f"story {story_id} holds none of articles {article_ids}")
    first = min(datetime.fromisoformat(r.event_at) for r in rows)
    new_id = index.new_story(first, now)
    moved = [r.article_id for r in rows]
    index.move_members(moved, new_id)
    refresh_story(index, new_id, now, rebuild_profile=True)
    refresh_story(index, story_id, now, rebuild_profile=True)
    index.record_event(
        StoryEvent(now, "split", story_id, new_id, detail={"articles": moved, "reason": reason})
    )
    return new_id


def refresh_story(
    index: StoryIndex, story_id: int, now: datetime, *, rebuild_profile: bool
) -> None:
    """Recompute a story's counts, dates, title and (optionally) profile from its members."""
    members = index.story_members(story_id)
    if not members:
        index.update_story(story_id, StoryChanges(articles=0, outlets=0, updated_at=now))
        return
    changes = StoryChanges(
        articles=len(members),
        outlets=len({m.source_id for m in members}),
        first_seen=members[0].event_at,
        last_seen=max(m.event_at for m in members),
        first_day=min(m.day for m in members),
        last_day=max(m.day for m in members),
        updated_at=now,
    )
    titled = [m for m in members if m.title]
    if titled:
        changes.title, changes.title_at = titled[0].title, titled[0].event_at
    if rebuild_profile:
        full: dict[int, float] = {}
        lead: dict[int, float] = {}
        counted = [m for m in members if m.in_profile]
        for m in counted:
            full = add(full, unpack(m.vector), 1.0, PROFILE_TERMS * 4)
            lead = add(lead, unpack(m.lead_vector), 1.0, LEAD_PROFILE_TERMS * 4)
        terms = term_candidates(*(m.terms for m in counted))
        full = add(full, {}, 1.0, PROFILE_TERMS)
        lead = add(lead, {}, 1.0, LEAD_PROFILE_TERMS)
        changes.profile = pack(full, "<f4")
        changes.lead_profile = pack(lead, "<f4")
        changes.profile_docs = sum(1 for m in members if m.in_profile)
        changes.key_terms = key_terms(terms, full)
    index.update_story(story_id, changes)


def _join(
    index: StoryIndex,
    story_id: int,
    entry: _Entry,
    joined: str,
    score: float | None,
    settings: StoriesSettings,
    now: datetime,
) -> Assignment:
    """Write the membership and postings; fold the article into the story incrementally."""
    story = index.story(story_id)
    assert story is not None
    member = entry.member(story_id, joined, score)
    new_outlet = not index.has_outlet(story_id, member.source_id)
    index.add_member(member, posted(entry.vector, settings.index_terms), now)
    changes = StoryChanges(
        articles=story.articles + 1, outlets=story.outlets + int(new_outlet), updated_at=now
    )
    event_s = member.event_at
    if event_s > story.last_seen:
        changes.last_seen, changes.last_day = event_s, member.day
    if event_s < story.first_seen:
        changes.first_seen, changes.first_day = event_s, member.day
    title = member.title
    if title and (story.title is None or event_s < (story.title_at or "")):
        changes.title, changes.title_at = title, event_s
    if member.in_profile:
        full = add(unpack(story.profile, "<f4"), entry.vector, 1.0, PROFILE_TERMS)
        lead = add(unpack(story.lead_profile, "<f4"), entry.lead_vector, 1.0, LEAD_PROFILE_TERMS)
        changes.profile = pack(full, "<f4")
        changes.lead_profile = pack(lead, "<f4")
        changes.profile_docs = story.profile_docs + 1
        changes.key_terms = key_terms(term_candidates(story.key_terms, entry.terms), full)
    index.update_story(story_id, changes)
    return Assignment(entry.wire_group_id, story_id, joined)


def _leave(index: StoryIndex, member: Member, settings: StoriesSettings, now: datetime) -> None:
    """Take an article out of its story (profile, postings, membership)."""
    vector = unpack(member.vector)
    index.remove_member(member, posted(vector, settings.index_terms))
    if member.in_profile:
        story = index.story(member.story_id)
        assert story is not None
        full = add(unpack(story.profile, "<f4"), vector, -1.0, PROFILE_TERMS)
        lead = add(
            unpack(story.lead_profile, "<f4"), unpack(member.lead_vector), -1.0, LEAD_PROFILE_TERMS
        )
        index.update_story(
            member.story_id,
            StoryChanges(
                profile=pack(full, "<f4"),
                lead_profile=pack(lead, "<f4"),
                profile_docs=max(0, story.profile_docs - 1),
                key_terms=key_terms(term_candidates(story.key_terms), full),
            ),
        )
    refresh_story(index, member.story_id, now, rebuild_profile=False)


# Shared furniture hides wire copy only when its lines are short: agency paragraphs are longer.
SHARED_FURNITURE_WORDS = 25


def page_furniture(
    index: StoryIndex,
    source_id: str,
    words: dict[int, int],
    settings: StoriesSettings,
    *,
    count: bool,
) -> tuple[set[int], set[int], set[int]]:
    """Return the line keys of this page's furniture: (as dedupe skips it, as features do,
    lines the same outlet printed at least once before).

    ``words`` holds the page's short lines and headline segments (``boilerplate_candidates``).
    A short line (or headline suffix) that the same outlet printed in ``boilerplate_after``
    earlier articles is that outlet's furniture; one printed that often across outlets is
    shared furniture ("Please enable JavaScript", "Already a subscriber?"). Dedupe skips
    shared furniture only in very short lines, so republished agency paragraphs stay.
    """
    if not words:
        return set(), set(), set()
    own = {source_line(source_id, k): k for k in words}
    asked = [*words, *own]
    seen = index.line_frequencies(asked)
    if count:
        index.count_lines(asked)
    after = settings.boilerplate_after
    outlet = {k for s, k in own.items() if seen.get(s, 0) >= after}
    shared = {k for k in words if seen.get(k, 0) >= after}
    short_shared = {k for k in shared if words[k] <= SHARED_FURNITURE_WORDS}
    printed = {k for s, k in own.items() if seen.get(s, 0) >= 1}
    return outlet | short_shared, outlet | shared, printed


def _reused_bodies(
    index: StoryIndex,
    matches: list[NearDuplicate],
    source_id: str,
    title: str | None,
    text: str,
) -> dict[int, str]:
    """Return the matches that are the same outlet's text under an unrelated headline, with
    that text (when its version is stored).

    An outlet republishing its own article at a new address keeps (or updates) the headline,
    and any copy's text tells its headline's story. When the headlines share under a third of
    their words and the text holds under a third of this headline's words, the shared text is
    the outlet's page furniture that the extractor took for the body (a consent wall, a
    station promo), not a wire copy: grouping on it would chain unrelated events.
    """
    mine = headline_words(title)
    if not mine or not matches:
        return {}
    if len(mine & body_words(text)) * 3 >= len(mine):
        return {}  # the text tells this headline's story: a copy, whatever the outlet
    reused = {}
    for other in index.outlet_texts(source_id, [m.article_id for m in matches]):
        theirs = headline_words(other.title)
        if theirs and len(mine & theirs) * 3 < min(len(mine), len(theirs)):
            reused[other.article_id] = other.text or ""
    return reused


def _frequencies(index: StoryIndex, keys: list[str]) -> tuple[int, dict[str, int]]:
    """Return the number of articles counted and, per feature, how many had it."""
    ids = {key: feature_id(key) for key in keys}
    documents, found = index.term_frequencies(list(ids.values()))
    return documents, {key: found.get(ids[key], 0) for key in keys}


@dataclass
class _Candidate:
    story: Story
    profile: Profile
    members: list[Profile]
    score: float = 0.0


TYPICAL_DAYS = 4


def _candidates(
    index: StoryIndex,
    article: Profile,
    day: int,
    settings: StoriesSettings,
    exclude_article_id: int,
    follow_up: bool = False,
    source_id: str | None = None,
) -> list[_Candidate]:
    """Return the active stories sharing discriminative features with ``article``, scored.

    With ``follow_up``, the stories of the follow-up window instead, found through names only
    (a trial or an anniversary months later names the people of the event).
    """
    window = settings.follow_up_days if follow_up else settings.window_days
    hits: defaultdict[int, float] = defaultdict(float)
    features = posted(article.full.weights, settings.index_terms)
    if follow_up:
        features = [key for key in features if key & 3 == 0]
    for key in features:
        weight = article.full.weights[key]
        for article_id in index.posted_articles(key, day - window, day + window, 64):
            hits[article_id] += weight
    hits.pop(exclude_article_id, None)
    chosen = sorted(hits, key=lambda a: (-hits[a], a))[: settings.max_candidates]
    if not chosen:
        return []
    by_story: dict[int, list[Profile]] = {}
    other_outlets: set[int] = set()  # stories with a matched member from another outlet
    rare_names = {key for key in article.rare if key & 3 == 0}
    for row in index.members(chosen):
        member = member_profile(row)
        if follow_up and (
            row.source_id == source_id
            or sum(1 for key in rare_names if key in member.full.weights) < settings.follow_up_names
        ):
            continue  # months later, only the people of the event tie an article to it
        by_story.setdefault(row.story_id, []).append(member)
        if row.source_id != source_id:
            other_outlets.add(row.story_id)
    if not by_story:
        return []
    stories = index.open_stories(list(by_story), day - window, day + window)
    weights = score_weights(settings)
    plain = Profile(article.full, article.lead, lang=article.lang)
    out = []
    for story in stories:
        profile = story_profile(story)
        candidate = _Candidate(story, profile, by_story[story.id])
        languages = {m.lang for m in candidate.members}
        profile.lang = languages.pop() if len(languages) == 1 else None
        best_member = max(similarity(article, m, weights) for m in candidate.members)
        # Rare shared names count between two articles, not against a story's union of them.
        candidate.score = weights.member * best_member + (1 - weights.member) * similarity(
            plain, profile, weights
        )
        if not follow_up and settings.time_decay:
            # Within the window, the nearer an article lies to a story's days the less it
            # must share with it: same-city look-alikes a week apart share a lot. At
            # TYPICAL_DAYS apart the score is unchanged; an undated article, placed at the
            # time it was seen, is taken to lie that far.
            apart = TYPICAL_DAYS
            if article.dated:
                apart = max(0, day - story.last_day, story.first_day - day)
            adjust = settings.time_decay * math.log((1 + TYPICAL_DAYS) / (1 + apart))
            # Nearness counts only as another outlet's: one outlet covers many stories of its
            # city on one day, in its own words, with its own names.
            if adjust < 0 or story.id in other_outlets:
                candidate.score += adjust
        out.append(candidate)
    out.sort(key=lambda c: (-c.score, c.story.id))
    return out
