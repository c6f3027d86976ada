"""Coherence checks: does a story's membership still hang together, or is it two stories?

Pure functions over member profiles; ``newsmon.stories.join`` acts on their answers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from newsmon.core.settings import StoriesSettings
from newsmon.stories.vectors import Profile, ScoreWeights, similarity

# A story is re-examined when it reaches one of these sizes: each about a quarter larger than
# the last, so a look-alike group that came in after one check is seen at the next while it is
# still a small share of the story (a few checks over its life, none past 64 members).
COHERENCE_CHECKS = frozenset({6, 8, 10, 13, 16, 20, 25, 32, 40, 50, 64})


def similarity_matrix(profiles: list[Profile], weights: ScoreWeights) -> np.ndarray:
    """Return the symmetric matrix of pairwise similarities (zero diagonal)."""
    size = len(profiles)
    matrix = np.zeros((size, size))
    for i in range(size):
        for j in range(i):
            matrix[i, j] = matrix[j, i] = similarity(profiles[i], profiles[j], weights)
    return matrix


def incoherent_group(
    profiles: list[Profile],
    wire_groups: list[Any],
    settings: StoriesSettings,
    weights: ScoreWeights,
) -> list[int] | None:
    """Return the positions of a group of members that hangs together but not with the rest.

    An article about a look-alike event can join a story on one strong match; articles about
    that other event then follow it in. Average-link clustering of the members into two
    groups finds them: both groups at least ``split_min_members`` (and a fifth of the story),
    their mean cross similarity under ``split_max_inter`` and well under (by
    ``split_margin``) each group's own. Members are in story order; the group holding the
    first one keeps the story, so the other one is returned. None: the story is coherent.
    """
    matrix = similarity_matrix(profiles, weights)
    groups = two_groups(matrix, wire_groups)
    if groups is None:
        return None
    first, second = groups
    size = len(profiles)
    if min(len(first), len(second)) < max(settings.split_min_members, 0.2 * size):
        return None
    inter = float(matrix[np.ix_(first, second)].mean())
    own = min(mean_within(matrix, first), mean_within(matrix, second))
    if inter >= settings.split_max_inter or own - inter < settings.split_margin:
        return None
    return second if 0 in first else first


def two_groups(matrix: np.ndarray, wire_groups: list[Any]) -> tuple[list[int], list[int]] | None:
    """Average-link agglomeration down to two groups (copies of one text start together)."""
    clusters: dict[int, list[int]] = {}
    seen: dict[Any, int] = {}
    for i, group in enumerate(wire_groups):
        if group is not None and group in seen:
            clusters[seen[group]].append(i)
        else:
            clusters[i] = [i]
            if group is not None:
                seen[group] = i
    if len(clusters) < 2:
        return None
    keys = list(clusters)
    link = np.array([[matrix[np.ix_(clusters[a], clusters[b])].mean() for b in keys] for a in keys])
    np.fill_diagonal(link, -np.inf)
    sizes = np.array([len(clusters[k]) for k in keys], dtype=float)
    alive = list(range(len(keys)))
    members = [list(clusters[k]) for k in keys]
    while len(alive) > 2:
        sub = link[np.ix_(alive, alive)]
        flat = int(np.argmax(sub))
        a, b = alive[flat // len(alive)], alive[flat % len(alive)]
        merged = (link[a] * sizes[a] + link[b] * sizes[b]) / (sizes[a] + sizes[b])
        link[a], link[:, a] = merged, merged
        link[a, a] = -np.inf
        sizes[a] += sizes[b]
        members[a] += members[b]
        alive.remove(b)
    return members[alive[0]], members[alive[1]]


def mean_within(matrix: np.ndarray, group: list[int]) -> float:
    """Return the mean similarity between distinct members of ``group`` (inf for one)."""
    if len(group) < 2:
        return float("inf")
    block = matrix[np.ix_(group, group)]
    return float((block.sum() - np.trace(block)) / (len(group) * (len(group) - 1)))


def disconnected_groups(
    profiles: list[Profile], wire_groups: list[Any], threshold: float, weights: ScoreWeights
) -> list[list[int]]:
    """Return the positions of members in each connected group but the first member's.

    Members are linked when they are copies of one text or score ``threshold`` together.
    """
    parent = list(range(len(profiles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    groups: dict[Any, int] = {}
    for i, group in enumerate(wire_groups):
        if group is not None:
            j = groups.setdefault(int(group), i)
            parent[find(i)] = find(j)
    for i in range(len(profiles)):
        for j in range(i):
            if find(i) != find(j) and similarity(profiles[i], profiles[j], weights) >= threshold:
                parent[find(i)] = find(j)
    components: dict[int, list[int]] = {}
    for i in range(len(profiles)):
        components.setdefault(find(i), []).append(i)
    return [positions for root, positions in components.items() if root != find(0)]
