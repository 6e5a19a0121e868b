"""Seeded synthetic interaction events at scale, as columns: what the aggregation and
refresh benchmarks feed goodwill.

A community's history has three features that matter for evidence aggregation, and the
generator draws all three without a Python loop:

* **power-law activity**: an event's actor is drawn with probability ``~ (rank + 1)^-0.5``
  (a few accounts act very often, most rarely), its node id then shuffled;
* **circles**: 60% of events go to one of the actor's 30 contacts, neighbours on a shuffled
  ring lattice, so the relation is symmetric and pairs recur week after week, both ways
  (exchanges, saturation windows with several acts); the other 40% go to a popular account
  (``~ (rank + 1)^-2/3``, as in follower graphs);
* **a realistic mix of kinds** (:data:`KIND_MIX`): mostly likes, replies and messages, some
  follows, ratings (-10..10, never 0), and a few blocks, mutes and unfollows.

Times are uniform over one year from 2024-01-01 and sorted, as a ledger's ids follow time.
The same arguments always give the same events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from goodwill.trust.evidence import EventTable
from goodwill.trust.loading import TABLE_KINDS

__all__ = ["KIND_MIX", "START_US", "TABLE_KINDS", "SyntheticEvents", "synthetic_events"]

# kind -> share of events, in percent (sums to 100)
KIND_MIX = {
    "like": 28.0,
    "reply": 18.0,
    "message": 14.0,
    "mention": 10.0,
    "share": 8.0,
    "follow": 5.0,
    "email": 5.0,
    "thanks": 3.0,
    "quote": 2.0,
    "comment": 2.0,
    "meeting": 1.0,
    "rating": 1.0,
    "unfollow": 1.4,
    "call": 0.6,
    "block": 0.3,
    "mute": 0.3,
    "endorsement": 0.2,
    "referral": 0.1,
    "introduction": 0.1,
}
START_US = 1_704_067_200 * 1_000_000  # 2024-01-01T00:00:00Z
YEAR_US = 365 * 86_400 * 1_000_000
CIRCLE = 30  # contacts per person on the ring lattice
CIRCLE_SHARE = 0.6
_ACTOR_EXPONENT = 0.5
_TARGET_EXPONENT = 2 / 3

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class SyntheticEvents:
    """Events as columns over people ``0 .. n_people - 1`` (kinds index ``TABLE_KINDS``)."""

    actor: Ints
    target: Ints
    kind: Ints
    time_us: Ints
    value: npt.NDArray[np.float64]
    n_people: int

    def __len__(self) -> int:
        return len(self.actor)

    def table(self) -> EventTable:
        """The events as goodwill's :class:`EventTable` (event ids 1 .. n)."""
        return EventTable(
            actor=self.actor,
            target=self.target,
            kind=self.kind,
            time_us=self.time_us,
            value=self.value,
            event_id=np.arange(1, len(self) + 1, dtype=np.int64),
            kinds=TABLE_KINDS,
            n_nodes=self.n_people,
        )


def _ranks(rng: np.random.Generator, n: int, count: int, exponent: float) -> Ints:
    """``count`` ranks in ``0 .. n - 1`` with probability ``~ (rank + 1)^-exponent``."""
    drawn = np.floor(n * rng.random(count) ** (1.0 / (1.0 - exponent))).astype(np.int64)
    return np.minimum(drawn, n - 1)


def synthetic_events(events: int, seed: int = 1, *, people: int | None = None) -> SyntheticEvents:
    """``events`` seeded events among ``people`` (default: one person per 20 events)."""
    n = people if people is not None else max(2 * CIRCLE + 2, events // 20)
    rng = np.random.default_rng(seed)
    node_of_rank = rng.permutation(n)
    ring_position = rng.permutation(n)  # node -> place on the ring
    node_at = np.argsort(ring_position)  # place -> node
    actor = node_of_rank[_ranks(rng, n, events, _ACTOR_EXPONENT)]
    offset = rng.integers(1, CIRCLE // 2 + 1, events) * rng.choice(np.array([-1, 1]), events)
    contact = node_at[(ring_position[actor] + offset) % n]
    popular = node_of_rank[_ranks(rng, n, events, _TARGET_EXPONENT)]
    target = np.where(rng.random(events) < CIRCLE_SHARE, contact, popular)
    code = {kind: i for i, kind in enumerate(TABLE_KINDS)}
    codes = np.array([code[k] for k in KIND_MIX], dtype=np.int64)
    shares = np.array(list(KIND_MIX.values()))
    kind = codes[rng.choice(len(codes), events, p=shares / shares.sum())]
    rating = kind == code["rating"]
    value = np.full(events, np.nan)
    drawn = rng.integers(1, 11, events) * rng.choice(np.array([-1, 1]), events, p=[0.2, 0.8])
    value[rating] = drawn[rating]
    time_us = np.sort(START_US + rng.integers(0, YEAR_US, events))
    return SyntheticEvents(actor, target, kind, time_us, value, n)
