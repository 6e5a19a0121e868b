"""Advocates: people ranked by what they did *for* the owner, never by their audience.

The seeds call advocates "an incredible asset": people who share her work, stand up for her
in threads she is not in, introduce and refer people to her, and endorse her. Each such act
is read from the ledger's structure:

- **share** / **quote**: a share or quote of the owner's work (an event toward her);
- **defence**: a reply by someone to a third person's mention of or reply to the owner (a
  thread about her that she did not start), unless the reply itself reads as a complaint;
- **introduction**, **referral**, **endorsement**: those events toward her;
- **thanked**: her thanks to them, her own word that they did something for her.

An advocate's score is built like trust (:mod:`goodwill.trust`): each act decays with the
evidence policy's half-life, and what one person did in one saturation window counts at
most ``ceiling`` times its strongest act, so ten shares in a day are one occasion and ten
shares over ten weeks are ten. Several kinds of act multiply the score a little, since
advocacy that takes several forms is less likely to be a habit of one button.

Boosts (shares, quotes) are one click, so two ratios say whether they are a choice of her:

- *focus*, the owner's part of all the likes, shares and quotes the account gives anyone:
  an account that boosts a ring of friends hundreds of times and the owner twice is farming
  reciprocity, not advocating. Below :data:`FULL_FOCUS` it scales what their boosts count.
- *coverage*, the part of the owner's posts (on the networks where they boost her, since
  they first appear in her ledger) that they passed on: an advocate carries most of her
  work, an occasional share is courtesy. Below :data:`FULL_COVERAGE` it scales them too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from goodwill.events import from_time_us
from goodwill.insights.activity import Activity, event_texts, identity_handles
from goodwill.insights.tone import is_complaint
from goodwill.ledger.people import require_owner
from goodwill.ledger.queries import person_names
from goodwill.trust.policy import Policy, default_policy

__all__ = [
    "ACT_WEIGHTS",
    "ADVOCATE_SCORE",
    "FULL_COVERAGE",
    "FULL_FOCUS",
    "KIND_BONUS",
    "Advocate",
    "advocacy_acts",
    "boost_coverage",
    "boost_focus",
    "rank_advocates",
]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

# What one act for the owner is worth, in shares. A share passes her work on; a quote adds
# the sharer's own words; defending her in public costs the defender something; an
# endorsement puts their name to her skills; an introduction spends their relationship with
# someone else on her, and a referral sends her business, the strongest of all. Her thanks
# confirm an act happened but is her doing, so it counts little.
ACT_WEIGHTS: dict[str, float] = {
    "share": 1.0,
    "quote": 1.5,
    "defence": 2.0,
    "endorsement": 2.0,
    "introduction": 3.0,
    "referral": 4.0,
    "thanked": 0.5,
}
_ACTS = tuple(ACT_WEIGHTS)
_BOOSTS = ("share", "quote")
# Kinds that boost someone's post: what a reciprocity farmer hands out to everyone.
_BOOSTING = ("like", "share", "quote")
# Events a defence answers: things said to the owner in public.
_ADDRESSED = ("mention", "reply", "quote", "comment")

# Below this part of all their boosts going to the owner, an account's boosts of her are
# scaled down in proportion: one boost in ten is still a clear choice of her, one in thirty
# is what anyone gets from an account that boosts everything it sees.
FULL_FOCUS = 0.1
# Passing on three in ten of her posts where they follow her is carrying her work; one in
# ten is the courtesy any colleague shows, and counts at a third. (An owner who posts many
# times a day would lower it: nobody carries most of a firehose.)
FULL_COVERAGE = 0.3
# Each further kind of act adds a quarter to the score: sharing, defending and referring
# is broader advocacy than sharing alone.
KIND_BONUS = 0.25
# "Is an advocate": a score of six, about six recent weeks of passing her work on, or a
# referral and an introduction in the last few months. A one-off burst, a single
# endorsement or a colleague's occasional share stay below it.
ADVOCATE_SCORE = 6.0
_TOP_EVENTS = 5


@dataclass(frozen=True, slots=True)
class Acts:
    """Every act for the owner: row in the activity, act code into ``ACT_WEIGHTS``, person."""

    rows: Ints
    act: Ints
    person: Ints


@dataclass(frozen=True, slots=True)
class Advocate:
    """One person's advocacy: score, counts by kind of act, span, and the strongest acts."""

    person: int
    name: str
    score: float
    is_advocate: bool
    weeks: int
    counts: dict[str, int]
    focus: float
    coverage: float
    first: str
    last: str
    evidence: list[int]


def advocacy_acts(conn: Connection, activity: Activity) -> Acts:
    """Find every act for the owner in ``activity`` (texts are read for defences only)."""
    a, owner = activity, activity.owner
    if owner is None or not len(a):
        empty = np.zeros(0, dtype=np.int64)
        return Acts(empty, empty, empty)
    toward = (a.target == owner) & (a.actor != owner)
    parts: list[tuple[Ints, str, Ints]] = []
    for name in ("share", "quote", "endorsement", "introduction", "referral"):
        found = np.flatnonzero(toward & a.is_kind(name))
        parts.append((found, name, a.actor[found]))
    defences = _defences(conn, a, owner)
    parts.append((defences, "defence", a.actor[defences]))
    # her thanks for one of these acts, or for nothing named; not for an email or a reply
    # to her post, which is gratitude for working or talking together, not for advocacy
    acts_for_her = np.zeros(len(a), dtype=bool)
    for found, _, _ in parts:
        acts_for_her[found] = True
    thanked = np.flatnonzero(a.is_kind("thanks") & (a.actor == owner) & (a.target >= 0))
    thanked = thanked[a.target[thanked] != owner]
    for_what = a.answers[thanked]
    thanked = thanked[(for_what < 0) | acts_for_her[np.maximum(for_what, 0)]]
    parts.append((thanked, "thanked", a.target[thanked]))
    rows = np.concatenate([p[0] for p in parts])
    act = np.concatenate([np.full(len(p[0]), _ACTS.index(p[1]), dtype=np.int64) for p in parts])
    person = np.concatenate([p[2] for p in parts])
    order = np.argsort(rows, kind="stable")
    return Acts(rows[order], act[order], person[order])


def _defences(conn: Connection, a: Activity, owner: int) -> Ints:
    """Replies to a third person's public words to the owner, that are not complaints."""
    rows = np.flatnonzero(
        a.is_kind("reply") & (a.answers >= 0) & (a.actor != owner) & (a.target != owner)
    )
    answered = a.answers[rows]
    about_her = (
        (a.target[answered] == owner)
        & np.isin(a.kind[answered], [a.code(k) for k in _ADDRESSED])
        & (a.actor[answered] != a.actor[rows])
        & (a.actor[answered] == a.target[rows])
    )
    rows = rows[about_her]
    texts = event_texts(conn, a.event_id[rows])
    keep = np.asarray(
        [not is_complaint(texts.get(int(a.event_id[r]), "")) for r in rows], dtype=bool
    )
    chosen: Ints = rows[keep] if len(rows) else rows
    return chosen


def boost_focus(activity: Activity) -> Floats:
    """Per person id: the owner's part of all the likes, shares and quotes they gave (1 if none)."""
    a, owner = activity, activity.owner
    size = int(max(a.actor.max(initial=-1), a.target.max(initial=-1))) + 1
    boosts = a.is_kind(*_BOOSTING) & (a.target >= 0) & (a.actor != a.target)
    given = np.bincount(a.actor[boosts], minlength=size).astype(np.float64)
    to_her = np.bincount(a.actor[boosts & (a.target == owner)], minlength=size)
    return np.divide(to_her, given, out=np.ones(size), where=given > 0)


def boost_coverage(conn: Connection, activity: Activity, boosts: Ints) -> Floats:
    """Per person id: their ``boosts`` (rows) over the owner's posts they could have boosted:
    those on the networks they boosted her on, since they first appear (1 where she has none).
    """
    a, owner = activity, activity.owner
    size = int(max(a.actor.max(initial=-1), a.target.max(initial=-1))) + 1
    coverage = np.ones(size)
    posts = np.flatnonzero(a.is_kind("post") & (a.actor == owner))
    if not len(boosts) or not len(posts):
        return coverage
    handles = identity_handles(
        conn, np.unique(np.concatenate([a.actor_identity[posts], a.actor_identity[boosts]]))
    )
    networks = sorted({h.split(":", 1)[0] for h in handles.values()})
    net_of = {i: networks.index(h.split(":", 1)[0]) for i, h in handles.items()}
    post_net = np.asarray([net_of[int(i)] for i in a.actor_identity[posts]], dtype=np.int64)
    boost_net = np.asarray([net_of[int(i)] for i in a.actor_identity[boosts]], dtype=np.int64)
    first_seen = np.full(size, np.iinfo(np.int64).max)
    np.minimum.at(first_seen, a.actor, a.time_us)
    np.minimum.at(first_seen, a.target[a.target >= 0], a.time_us[a.target >= 0])
    pairs, count = np.unique(np.stack([a.actor[boosts], boost_net]), axis=1, return_counts=True)
    chances = np.zeros(pairs.shape[1])
    for net in range(len(networks)):
        times = np.sort(a.time_us[posts][post_net == net])
        on = pairs[1] == net
        chances[on] = len(times) - np.searchsorted(times, first_seen[pairs[0][on]])
    given = np.bincount(pairs[0], weights=count, minlength=size)
    possible = np.bincount(pairs[0], weights=chances, minlength=size)
    np.divide(np.minimum(given, possible), possible, out=coverage, where=possible > 0)
    return coverage


def rank_advocates(
    conn: Connection, activity: Activity, *, policy: Policy | None = None
) -> list[Advocate]:
    """Everyone who did something for the owner, strongest advocacy first."""
    policy = policy or default_policy()
    require_owner(conn)
    acts = advocacy_acts(conn, activity)
    if not len(acts.rows):
        return []
    a = activity
    focus = boost_focus(a)
    is_boost = np.isin(acts.act, [_ACTS.index(k) for k in _BOOSTS])
    coverage = boost_coverage(conn, a, acts.rows[is_boost])
    weights = np.asarray([ACT_WEIGHTS[k] for k in _ACTS])[acts.act]
    damp = np.minimum(1.0, focus[acts.person] / FULL_FOCUS) * np.minimum(
        1.0, coverage[acts.person] / FULL_COVERAGE
    )
    weights = np.where(is_boost, weights * damp, weights)
    when = a.time_us[acts.rows]
    age_days = (a.at_us - when) / 86_400e6
    value = weights * 0.5 ** (np.maximum(age_days, 0.0) / policy.half_life_days)
    # saturation: one person's acts in one window count at most ``ceiling`` x the strongest
    window = (when // int(policy.window_days * 86_400e6)).astype(np.int64)
    pairs, group = np.unique(np.stack([acts.person, window]), axis=1, return_inverse=True)
    group = group.reshape(-1)
    summed = np.bincount(group, weights=value, minlength=pairs.shape[1])
    strongest = np.zeros(pairs.shape[1])
    np.maximum.at(strongest, group, value)
    capped = np.minimum(summed, policy.ceiling * strongest)
    people, per_group = np.unique(pairs[0], return_inverse=True)
    per_group = per_group.reshape(-1)
    score = np.bincount(per_group, weights=capped, minlength=len(people))
    weeks = np.bincount(per_group, minlength=len(people))
    position = np.searchsorted(people, acts.person)
    kinds_of = np.zeros((len(people), len(_ACTS)), dtype=np.int64)
    np.add.at(kinds_of, (position, acts.act), 1)
    # her thanks confirm other acts and are not a kind of advocacy of their own
    distinct = (kinds_of[:, : _ACTS.index("thanked")] > 0).sum(axis=1)
    score = score * (1 + KIND_BONUS * np.maximum(distinct - 1, 0))
    # each act's share of its window's capped value, for ranking the evidence
    contribution = value * (capped / np.where(summed > 0, summed, 1.0))[group]
    # acts grouped by person, strongest first, so each person's evidence is one slice
    by_person = np.lexsort((-contribution, position))
    starts = np.searchsorted(position[by_person], np.arange(len(people) + 1))
    names = person_names(conn, people.tolist())
    ranked: list[Advocate] = []
    for i in np.argsort(-score, kind="stable"):
        mine = by_person[starts[i] : starts[i + 1]]
        ranked.append(
            Advocate(
                person=int(people[i]),
                name=names.get(int(people[i]), "?"),
                score=round(float(score[i]), 3),
                is_advocate=bool(score[i] >= ADVOCATE_SCORE),
                weeks=int(weeks[i]),
                counts={k: int(n) for k, n in zip(_ACTS, kinds_of[i], strict=True) if n},
                focus=round(float(focus[people[i]]), 3),
                coverage=round(float(coverage[people[i]]), 3),
                first=from_time_us(int(when[mine].min())).isoformat(),
                last=from_time_us(int(when[mine].max())).isoformat(),
                evidence=_strongest(a, acts, mine),
            )
        )
    return ranked


def _strongest(a: Activity, acts: Acts, mine: Ints) -> list[int]:
    """The event ids of the strongest act of each kind, then the next strongest, up to
    :data:`_TOP_EVENTS` (``mine`` is ordered strongest first), so the evidence shows the
    breadth of what someone did and not five shares in a row."""
    _, first = np.unique(acts.act[mine], return_index=True)
    leading = np.sort(first)
    rest = np.setdiff1d(np.arange(len(mine)), leading, assume_unique=True)
    chosen = mine[np.concatenate([leading, rest])[:_TOP_EVENTS]]
    return [int(e) for e in a.event_id[acts.rows[chosen]]]
