"""The honest graphs, as event columns, and the community that runs trust over them.

Two real graphs nobody here wrote (``../shared/data``, read by ``bench/quality/data.py``):

* ``bitcoin-otc``: Bitcoin OTC's *positive* ratings (``rating`` events, value 1..10). The
  negatives are left out so the graph is honest by construction: every distrust in the lab
  is one an attack put there.
* ``college-msg``: CollegeMsg's messages (``message`` events).

Nodes are re-indexed densely over the accounts that appear, so honest accounts are
``0 .. n_honest - 1`` and every account an attack creates comes after them.

The community's seeds (whom a global goodwill deployment starts trust from, and
EigenTrust's pre-trusted peers): ``SEED_COUNT`` accounts drawn with the run's seed from the
well-connected, the top ``WELL_CONNECTED_SHARE`` by distinct partners, the way a community
would pick known, long-standing members. No seed is ever an attack endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from quality.data import DEFAULT_DATA_DIR, load_messages, load_signed

__all__ = [
    "GRAPHS",
    "KINDS",
    "Community",
    "Events",
    "HonestGraph",
    "community",
    "from_columns",
    "kind_code",
    "load_graph",
]

GRAPHS = ("bitcoin-otc", "college-msg")
# Every kind any graph or attack uses, in one fixed order so codes mean the same everywhere.
KINDS = ("rating", "message", "follow", "unfollow", "like", "share", "mention", "reply", "block")
SEED_COUNT = 20  # a community names a handful of trusted members, not a census
WELL_CONNECTED_SHARE = 0.05  # seeds come from the top 5% by distinct partners
ACTIVE_PARTNERS = 3  # an account with 3+ partners is around: whom attackers approach
PROMINENT_SHARE = 0.10  # a slander target is a known member: top 10% by partners, not a seed


def kind_code(kind: str) -> int:
    """The code of ``kind`` in :data:`KINDS`."""
    return KINDS.index(kind)


@dataclass(frozen=True)
class Events:
    """Events as columns over nodes ``0 .. n_nodes - 1``; ``time`` in epoch seconds,
    ``value`` NaN where the kind has none."""

    actor: np.ndarray
    target: np.ndarray
    kind: np.ndarray
    time: np.ndarray
    value: np.ndarray
    n_nodes: int

    def __len__(self) -> int:
        return int(self.actor.size)

    def plus(self, other: Events) -> Events:
        """These events and ``other``'s, over the larger node range."""
        return Events(
            actor=np.concatenate([self.actor, other.actor]),
            target=np.concatenate([self.target, other.target]),
            kind=np.concatenate([self.kind, other.kind]),
            time=np.concatenate([self.time, other.time]),
            value=np.concatenate([self.value, other.value]),
            n_nodes=max(self.n_nodes, other.n_nodes),
        )


@dataclass(frozen=True)
class HonestGraph:
    """One honest graph: its events, its native kind, and what attacks imitate."""

    name: str
    events: Events
    native: str  # "rating" or "message": the kind honest accounts use with each other
    positive_values: np.ndarray  # the honest positive ratings (empty on messages)
    partners: np.ndarray  # distinct accounts each one has interacted with, either way

    @property
    def n_honest(self) -> int:
        return self.events.n_nodes

    @property
    def end(self) -> float:
        """The last honest event's time: the as-of date of every score."""
        return float(self.events.time.max())


@dataclass(frozen=True)
class Community:
    """The seeds, and the honest accounts attacks may touch (never a seed)."""

    seeds: np.ndarray
    pool: np.ndarray  # every honest non-seed account
    active: np.ndarray  # non-seeds with at least ACTIVE_PARTNERS partners
    prominent: np.ndarray  # non-seeds in the top PROMINENT_SHARE by partners


def _partners(actor: np.ndarray, target: np.ndarray, n_nodes: int) -> np.ndarray:
    low, high = np.minimum(actor, target), np.maximum(actor, target)
    pairs = np.unique(low * n_nodes + high)
    return np.bincount(np.concatenate([pairs // n_nodes, pairs % n_nodes]), minlength=n_nodes)


def from_columns(
    name: str, native: str, src: np.ndarray, dst: np.ndarray, time: np.ndarray, value: np.ndarray
) -> HonestGraph:
    """An honest graph of ``native`` events ``src -> dst`` (any ids; re-indexed densely)."""
    ids, inverse = np.unique(np.concatenate([src, dst]), return_inverse=True)
    actor, target = inverse[: src.size].astype(np.int64), inverse[src.size :].astype(np.int64)
    n = int(ids.size)
    events = Events(
        actor, target, np.full(src.size, kind_code(native), dtype=np.int64), time, value, n
    )
    positive = value[~np.isnan(value)]
    return HonestGraph(name, events, native, positive, _partners(actor, target, n))


def load_graph(
    name: str, data_dir: Path = DEFAULT_DATA_DIR, limit: int | None = None
) -> HonestGraph:
    """``bitcoin-otc`` or ``college-msg``; with ``limit``, only its first events in time
    order (for quick runs and tests)."""
    if name == "bitcoin-otc":
        signed = load_signed(name, data_dir)
        keep = np.flatnonzero(signed.weight > 0)
        keep = keep[np.argsort(signed.time[keep], kind="stable")][:limit]
        return from_columns(
            name,
            "rating",
            signed.src[keep],
            signed.dst[keep],
            signed.time[keep],
            np.round(signed.weight[keep] * 10.0),
        )
    if name == "college-msg":
        messages = load_messages(data_dir)  # already in time order
        count = messages.n_messages if limit is None else min(limit, messages.n_messages)
        return from_columns(
            name,
            "message",
            messages.src[:count],
            messages.dst[:count],
            messages.time[:count],
            np.full(count, np.nan),
        )
    raise ValueError(f"unknown graph {name!r}; graphs are: {', '.join(GRAPHS)}")


def community(graph: HonestGraph, rng: np.random.Generator) -> Community:
    """Seeds drawn from the well-connected, and the pools attacks draw honest accounts from."""
    n = graph.n_honest
    order = np.argsort(-graph.partners, kind="stable")
    well_connected = order[: max(SEED_COUNT, round(WELL_CONNECTED_SHARE * n))]
    seeds = np.sort(rng.choice(well_connected, min(SEED_COUNT, well_connected.size), replace=False))
    is_seed = np.zeros(n, dtype=bool)
    is_seed[seeds] = True
    pool = np.flatnonzero(~is_seed)
    active = pool[graph.partners[pool] >= ACTIVE_PARTNERS]
    known = order[: max(2 * SEED_COUNT, round(PROMINENT_SHARE * n))]
    prominent = np.sort(known[~is_seed[known]])
    return Community(seeds.astype(np.int64), pool, active, prominent)
