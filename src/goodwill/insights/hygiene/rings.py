"""Rings: small dense groups of accounts that mostly like and share one another.

Reciprocity farming ("engagement pods") makes numbers that look like standing: every
member's posts collect likes and shares, all from the same few accounts, which it boosts
back. Honest friends boost each other too, so the test is not reciprocity alone but where
the traffic stays and what it is:

1. partners: two accounts that each boosted (liked, shared, quoted) the other at least
   ``min_mutual`` times;
2. groups: the connected parts of the partner graph among candidate accounts, pruned
   until every member has ``min_partners`` partners inside, of ``min_group`` to
   ``max_group`` accounts and dense enough (``min_density``);
3. members: each keeps ``min_inside_share`` of its interactions (given and received)
   inside its group, ``min_boost_share`` of those are boosts rather than conversation,
   and it talks (messages, mentions, replies, either way) with at most
   ``max_outside_talkers`` people outside the group.

An account that fails step 3 stops being a candidate and the groups are formed again,
until every remaining member passes. Friends who also talk with others fail step 3; an
owner's circle of fans, who boost her but not one another, fails step 2 (and the owner is
never a candidate: she is the one reading the report). Matrices are ``scipy.sparse``, so
the same code runs over a whole network.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix  # type: ignore[import-untyped]  # scipy ships no stubs
from scipy.sparse.csgraph import (  # type: ignore[import-untyped]  # scipy ships no stubs
    connected_components,
)

from goodwill.insights.activity import Activity, Floats, Ints, Mask
from goodwill.insights.hygiene.flags import Flag
from goodwill.insights.hygiene.pitches import ADDRESSED

__all__ = ["BOOSTS", "TALK", "RingSettings", "detect_rings"]

#: Kinds that boost another account's work.
BOOSTS = ("like", "share", "quote")
#: Kinds that are conversation or work together rather than applause.
TALK = (*ADDRESSED, "meeting", "call", "thanks", "introduction", "referral")
_SHOWN = 4  # boosts cited per member


@dataclass(frozen=True, slots=True)
class RingSettings:
    """The ring detector's thresholds (reasons in ``hygiene.toml``)."""

    min_mutual: int
    min_partners: int
    min_inside_share: float
    min_boost_share: float
    max_outside_talkers: int
    min_density: float
    min_group: int
    max_group: int


@dataclass(frozen=True, slots=True)
class _Graph:
    """The matrices every step reads, over accounts numbered 0..size-1."""

    boosts: csr_matrix  # boosts from row to column
    every: csr_matrix  # boosts and talk from row to column
    talkers: csr_matrix  # 1 where the two talked, either way
    partners: csr_matrix  # 1 where each boosted the other at least min_mutual times
    total: Floats  # every interaction an account gave or received


def _matrix(activity: Activity, mask: Mask, size: int) -> csr_matrix:
    """Counts of ``mask`` rows from actor to target, between distinct people."""
    rows = np.flatnonzero(mask & (activity.target >= 0) & (activity.actor != activity.target))
    ones = np.ones(len(rows))
    return coo_matrix(
        (ones, (activity.actor[rows], activity.target[rows])), shape=(size, size)
    ).tocsr()


def _graph(activity: Activity, settings: RingSettings, size: int) -> _Graph:
    boosts = _matrix(activity, activity.is_kind(*BOOSTS), size)
    talk = _matrix(activity, activity.is_kind(*TALK), size)
    every = boosts + talk
    mutual = boosts.minimum(boosts.T)
    return _Graph(
        boosts=boosts,
        every=every,
        talkers=csr_matrix((talk + talk.T) > 0, dtype=np.float64),
        partners=csr_matrix(mutual >= settings.min_mutual, dtype=np.float64),
        total=np.asarray(every.sum(axis=1)).ravel() + np.asarray(every.sum(axis=0)).ravel(),
    )


def _row_sums(matrix: csr_matrix) -> Floats:
    return np.asarray(matrix.sum(axis=1), dtype=np.float64).ravel()


def _groups(graph: _Graph, candidate: Mask, settings: RingSettings) -> Ints:
    """Group label per account (-1: none): pruned, connected, sized and dense enough."""
    while True:  # the k-core: members need min_partners partners among candidates
        degree = np.asarray(graph.partners @ candidate.astype(np.float64)).ravel()
        keep = candidate & (degree >= settings.min_partners)
        if (keep == candidate).all():
            break
        candidate = keep
    group = np.full(len(candidate), -1, dtype=np.int64)
    chosen = np.flatnonzero(candidate)
    if not len(chosen):
        return group
    sub = graph.partners[chosen][:, chosen]
    _, labels = connected_components(sub, directed=False)
    members = np.bincount(labels)
    edges = np.bincount(labels[sub.tocoo().row], minlength=len(members)) / 2
    density = edges / np.maximum(members * (members - 1) / 2, 1)
    good = (
        (members >= settings.min_group)
        & (members <= settings.max_group)
        & (density >= settings.min_density)
    )
    group[chosen] = np.where(good[labels], labels, -1)
    return group


def _inside(matrix: csr_matrix, group: Ints) -> csr_matrix:
    """``matrix`` kept only between two members of one group."""
    coo = matrix.tocoo()
    keep = (group[coo.row] >= 0) & (group[coo.row] == group[coo.col])
    return coo_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=matrix.shape).tocsr()


def _member_figures(graph: _Graph, group: Ints) -> tuple[Floats, Floats, Ints]:
    """Per account: share of its interactions inside its group, share of those that are
    boosts, and how many people outside the group it talked with."""
    inside_every = _inside(graph.every, group)
    inside_boosts = _inside(graph.boosts, group)
    inside = _row_sums(inside_every) + _row_sums(inside_every.T.tocsr())
    boosted = _row_sums(inside_boosts) + _row_sums(inside_boosts.T.tocsr())
    share = np.divide(inside, graph.total, out=np.zeros_like(inside), where=graph.total > 0)
    boost_share = np.divide(boosted, inside, out=np.zeros_like(inside), where=inside > 0)
    coo = graph.talkers.tocoo()
    outside = (group[coo.row] >= 0) & (group[coo.col] != group[coo.row])
    talkers = np.bincount(coo.row[outside], minlength=len(group)).astype(np.int64)
    return share, boost_share, talkers


def detect_rings(activity: Activity, settings: RingSettings) -> list[Flag]:
    """Members of reciprocity rings, each flagged with their group and its figures."""
    people = np.concatenate([activity.actor, activity.target])
    size = int(people.max()) + 1 if len(people) else 0
    if size == 0:
        return []
    graph = _graph(activity, settings, size)
    candidate = np.asarray(graph.partners.sum(axis=1)).ravel() >= settings.min_partners
    if activity.owner is not None and activity.owner < size:
        candidate[activity.owner] = False
    while True:
        group = _groups(graph, candidate, settings)
        share, boost_share, talkers = _member_figures(graph, group)
        failing = (group >= 0) & (
            (share < settings.min_inside_share)
            | (boost_share < settings.min_boost_share)
            | (talkers > settings.max_outside_talkers)
        )
        if not failing.any():
            break
        candidate = (group >= 0) & ~failing
    return _flags(activity, graph, group, share, boost_share)


def _flags(
    activity: Activity, graph: _Graph, group: Ints, share: Floats, boost_share: Floats
) -> list[Flag]:
    """One flag per member, citing a few boosts the member received from its group."""
    rows = np.flatnonzero(activity.is_kind(*BOOSTS) & (activity.target >= 0))
    rows = rows[
        (group[activity.actor[rows]] >= 0)
        & (group[activity.actor[rows]] == group[activity.target[rows]])
    ]
    flags = []
    for label in np.unique(group[group >= 0]).tolist():
        ring = np.flatnonzero(group == label)
        sub = graph.partners[ring][:, ring]
        density = sub.nnz / max(len(ring) * (len(ring) - 1), 1)
        for person in ring.tolist():
            mine = rows[activity.target[rows] == person][:_SHOWN]
            flags.append(
                Flag(
                    person=person,
                    detector="ring",
                    confidence=round(float(density * share[person] * boost_share[person]), 3),
                    reason=(
                        f"one of {len(ring)} accounts that boost one another (density "
                        f"{density:.2f}): {share[person]:.0%} of their interactions stay "
                        f"inside, {boost_share[person]:.0%} of those likes and shares"
                    ),
                    event_ids=tuple(int(i) for i in activity.event_id[mine]),
                    details={
                        "group": ring.tolist(),
                        "density": round(density, 3),
                        "inside_share": round(float(share[person]), 3),
                        "boost_share": round(float(boost_share[person]), 3),
                    },
                )
            )
    return sorted(flags, key=lambda f: -f.confidence)
