"""Article and story vectors: feature ids, TF-IDF weighting, the stored blob format, scores.

A feature key ("e:karsa") becomes a 32-bit id whose two low bits are its kind; a vector maps
ids to weights, with its norm overall and per kind. Articles are stored with float16 weights,
story profiles (sums of member vectors) with float32: five float32 norms, then the ids, then
the weights. ``similarity`` composes per-kind cosines so that names, figures and dates carry
across languages and a look-alike event with other names, figures or dates scores low.
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass

import numpy as np

from newsmon.core.settings import StoriesSettings
from newsmon.core.story_records import Member, Story
from newsmon.stories.lexicon import concept_keys

KINDS = ("e", "n", "d", "w")  # names, numbers, dates, words
_KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}
FULL_TERMS = 150  # features kept per article vector
LEAD_TERMS = 60
PROFILE_TERMS = 300  # features kept in a story profile
LEAD_PROFILE_TERMS = 150
KEY_TERMS = 8
PRIOR_DOCUMENTS = 100


CROSS_LANGUAGE_CONCEPTS = 0.25  # chosen on SemEval half A (0, 0.25 equal; 0.5 one false pair more)


@functools.cache
def concept_ids() -> frozenset[int]:
    """Return the feature ids of the lexicon's concepts."""
    return frozenset(feature_id(key) for key in concept_keys())


@functools.lru_cache(maxsize=1 << 18)
def feature_id(key: str) -> int:
    """Return the 32-bit id a feature is counted, indexed and stored under (kind in 2 bits)."""
    digest = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "big")
    return (digest & ~3) | _KIND_CODE[key[0]]


@dataclass(frozen=True)
class ScoreWeights:
    """How the similarity of an article to a story (or another article) is composed.

    score = cos(all) + Σ kind · cos(that kind alone) + lead · cos(leads). Per-kind cosines
    let shared names, numbers and dates count even when the words differ (another language)
    and make a look-alike event with other names, figures or dates score low.
    """

    names: float = 1.0
    numbers: float = 0.5
    dates: float = 0.25
    lead: float = 0.5
    member: float = 0.5  # share of the best single member in a story's score (rest: profile)
    rare: float = 0.3  # per shared rare name or number
    rare_max: int = 3
    # Between two languages: event words through the lexicon's concepts ("séisme", "quake").
    concepts: float = CROSS_LANGUAGE_CONCEPTS


@dataclass
class Vector:
    """Sparse feature weights (by feature id) with their norms, overall and per kind."""

    weights: dict[int, float]
    norm: float
    kind_norms: tuple[float, float, float, float]
    _concept_norm: float | None = None

    @property
    def concept_norm(self) -> float:
        """Return the norm of the vector's concept features (computed once, when asked)."""
        if self._concept_norm is None:
            ids = concept_ids()
            self._concept_norm = math.sqrt(
                sum(v * v for k, v in self.weights.items() if k & 3 == 3 and k in ids)
            )
        return self._concept_norm

    @classmethod
    def of(cls, weights: dict[int, float]) -> Vector:
        squares = [0.0, 0.0, 0.0, 0.0]
        for key, value in weights.items():
            squares[key & 3] += value * value
        kind = (
            math.sqrt(squares[0]),
            math.sqrt(squares[1]),
            math.sqrt(squares[2]),
            math.sqrt(squares[3]),
        )
        return cls(weights, math.sqrt(sum(squares)), kind)


@dataclass
class Profile:
    """An article (or a story's sum of articles) as compared: whole text and lead."""

    full: Vector
    lead: Vector
    rare: frozenset[int] = frozenset()  # names and numbers few stored articles have
    lang: str | None = None  # primary language subtag ("fr"), when known
    dated: bool = True  # the article states when it was published


def cosines(a: Vector, b: Vector, words: bool = True) -> tuple[float, list[float]]:
    """Return the overall cosine and the cosine of each kind; ``words=False`` leaves words out
    of the overall one (two languages share names, figures and dates, not words) and gives,
    as the words' cosine, that of their concepts alone (the words the lexicon carries over)."""
    small, large = (
        (a.weights, b.weights) if len(a.weights) <= len(b.weights) else (b.weights, a.weights)
    )
    dots = [0.0, 0.0, 0.0, 0.0]
    for key, value in small.items():
        other = large.get(key)
        if other:
            dots[key & 3] += value * other
    norms = [a.kind_norms, b.kind_norms]
    if words:
        overall = sum(dots) / (a.norm * b.norm) if a.norm and b.norm else 0.0
    else:
        na = math.sqrt(sum(n * n for n in a.kind_norms[:3]))
        nb = math.sqrt(sum(n * n for n in b.kind_norms[:3]))
        overall = sum(dots[:3]) / (na * nb) if na and nb else 0.0
        # Across languages a shared word feature is a concept (or a word both languages
        # write alike, which counts too); its norm is the concepts'.
        norms = [
            (*a.kind_norms[:3], a.concept_norm),
            (*b.kind_norms[:3], b.concept_norm),
        ]
        if dots[3]:
            ids = concept_ids()
            dots[3] = sum(
                value * large[key]
                for key, value in small.items()
                if key & 3 == 3 and key in ids and key in large
            )
    kinds = [
        dots[k] / (norms[0][k] * norms[1][k]) if norms[0][k] and norms[1][k] else 0.0
        for k in range(4)
    ]
    return overall, kinds


def similarity(a: Profile, b: Profile, weights: ScoreWeights | None = None) -> float:
    """Return the composed similarity of two profiles (0 for nothing shared).

    When ``a`` knows which of its names and numbers are rare in the store, each one that
    ``b`` shares adds ``weights.rare`` (up to ``weights.rare_max`` of them): a victim's name
    or a street number seen in a handful of articles links them whatever else they say.
    """
    w = weights or ScoreWeights()
    same_language = not (a.lang and b.lang and a.lang != b.lang)
    overall, kinds = cosines(a.full, b.full, same_language)
    lead, _ = cosines(a.lead, b.lead, same_language)
    rare = 0
    if a.rare and w.rare:
        rare = min(w.rare_max, sum(1 for key in a.rare if key in b.full.weights))
    score = (
        overall
        + w.names * kinds[0]
        + w.numbers * kinds[1]
        + w.dates * kinds[2]
        + w.lead * lead
        + w.rare * rare
    )
    if not same_language:
        score += w.concepts * kinds[3]
    return score


def weigh(counts: dict[str, float], idf: dict[str, float], keep: int) -> dict[str, float]:
    weighted = {k: (1.0 + math.log(c)) * idf[k] for k, c in counts.items() if c >= 1 and idf[k] > 0}
    top = sorted(weighted.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]
    norm = math.sqrt(sum(v * v for _, v in top)) or 1.0
    return {k: v / norm for k, v in top}


def by_id(vector: dict[str, float]) -> dict[int, float]:
    out: dict[int, float] = {}
    for key, value in vector.items():
        fid = feature_id(key)
        out[fid] = out.get(fid, 0.0) + value
    return out


def add(
    profile: dict[int, float], vector: dict[int, float], sign: float, keep: int
) -> dict[int, float]:
    merged = dict(profile)
    for key, value in vector.items():
        merged[key] = merged.get(key, 0.0) + sign * value
    kept = [(k, v) for k, v in merged.items() if v > 1e-6]
    kept.sort(key=lambda kv: (-kv[1], kv[0]))
    return dict(kept[:keep])


_HEADER = np.dtype("<f4")  # the overall norm, then the four per-kind norms


def pack(vector: dict[int, float], weight_type: str = "<f2") -> bytes:
    """Return norms, feature ids (uint32) and weights (float16 for articles, float32 stories)."""
    ids = np.fromiter(vector.keys(), dtype="<u4", count=len(vector))
    weights = np.fromiter(vector.values(), dtype="<f4", count=len(vector)).astype(weight_type)
    stored = weights.astype(np.float64)
    kinds = np.bincount(ids & 3, weights=stored * stored, minlength=4)
    header = np.sqrt(np.concatenate([[kinds.sum()], kinds])).astype(_HEADER)
    return bytes(header.tobytes() + ids.tobytes() + weights.tobytes())


def unpack(blob: bytes, weight_type: str = "<f2") -> dict[int, float]:
    return unpack_vector(blob, weight_type).weights


def unpack_vector(blob: bytes, weight_type: str = "<f2") -> Vector:
    if not blob:
        return Vector({}, 0.0, (0.0, 0.0, 0.0, 0.0))
    head = 5 * _HEADER.itemsize
    count = (len(blob) - head) // (4 + np.dtype(weight_type).itemsize)
    norms = np.frombuffer(blob, dtype=_HEADER, count=5).tolist()
    ids = np.frombuffer(blob, dtype="<u4", count=count, offset=head)
    weights = np.frombuffer(blob, dtype=weight_type, count=count, offset=head + 4 * count)
    return Vector(
        dict(zip(ids.tolist(), weights.tolist(), strict=True)),
        norms[0],
        (norms[1], norms[2], norms[3], norms[4]),
    )


def key_terms(candidates: dict[str, str], profile: dict[int, float]) -> list[tuple[str, str]]:
    """Return the candidates (key -> as written) weighing most in ``profile``, heaviest first."""
    ranked = sorted(
        (k for k in candidates if not k.startswith("d:") and profile.get(feature_id(k), 0) > 0),
        key=lambda k: (-profile[feature_id(k)], k),
    )
    return [(k, candidates[k]) for k in ranked[:KEY_TERMS]]


def term_candidates(*lists: list[tuple[str, str]]) -> dict[str, str]:
    """Return key terms gathered from several members: each key with the ways it was written
    (two at most, as "earthquake / séisme" when two languages wrote it)."""
    out: dict[str, str] = {}
    for terms in lists:
        for key, written in terms:
            known = out.get(key)
            if not known:
                out[key] = written
            elif written and " / " not in known and written.casefold() != known.casefold():
                out[key] = f"{known} / {written}"
    return out


def score_weights(settings: StoriesSettings) -> ScoreWeights:
    """Return the score composition the ``[stories]`` settings ask for."""
    return ScoreWeights(
        names=settings.names_weight,
        numbers=settings.numbers_weight,
        dates=settings.dates_weight,
        lead=settings.lead_weight,
        member=settings.member_weight,
        rare=settings.rare_weight,
    )


def posted(vector: dict[int, float], terms: int) -> list[int]:
    """Return the ids an article is indexed under: its most discriminative features.

    Its ``terms`` heaviest features, plus its heaviest names and numbers up to half as many
    again: those are what an article in another language shares with it.
    """
    # Among equal weights, names first, then numbers, dates and words (the kind's code).
    ranked = [key for key, _ in sorted(vector.items(), key=lambda kv: (-kv[1], kv[0] & 3, kv[0]))]
    chosen = ranked[:terms]
    chosen += [key for key in ranked[terms:] if key & 3 <= 1][: terms // 2]
    return chosen


def story_profile(story: Story) -> Profile:
    """Return a story's profile as compared (float32 sums of its members' vectors)."""
    return Profile(unpack_vector(story.profile, "<f4"), unpack_vector(story.lead_profile, "<f4"))


def member_profile(member: Member, *, in_language: bool = True) -> Profile:
    """Return a member article as compared: in its language, or (``in_language=False``) as
    if its language were unknown, so that its words count against any other article's."""
    return Profile(
        unpack_vector(member.vector),
        unpack_vector(member.lead_vector),
        lang=member.lang if in_language else None,
    )
