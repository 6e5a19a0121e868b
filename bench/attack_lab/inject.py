"""The attacks, injected as events into an honest graph, each from its own seeded generator.

Attacks are events, not edges, so goodwill's evidence policy (saturation, reciprocity,
decay, the negative factor) treats them exactly as it treats real behaviour, and the
baselines see the same events as the weighted edges their papers define
(``methods.baseline_edges``). Every attack plays out over the last ``ATTACK_WEEKS`` weeks
before the as-of date. Each graph uses its own native acts:

* a positive act is a ``rating`` on Bitcoin OTC (an attacker gives +10, the most it can; a
  fooled honest account gives a value drawn from the honest positive ratings) and a
  ``message`` on CollegeMsg; a negative act is a -10 ``rating`` or a ``block``;
* "befriending" an honest account is a positive act each way (a trade rated by both sides;
  on messages, an exchange in each of ``EXCHANGE_WEEKS`` weeks): on goodwill's policy the
  attacker's act earns the honest account's trust, which is what an attack edge is.

The attacks (parameters below, each with its reason):

(a) ``sybil_region``: m new accounts, each dealing with ``SYBIL_DEGREE`` others (on
    messages in ``SYBIL_WEEKS`` different weeks, spread to beat saturation), befriended by
    g active honest accounts. The g honest endpoints, and the times and values of the
    befriending acts, depend only on the seed and g, so the runs with m = 10 and m = 1000
    differ in the region alone (and in which Sybil each attack edge reaches).
(b) ``churn``: one account follows thousands, a share follow back, and it unfollows all
    of them a week or two later. On Bitcoin OTC, where nothing is unfollowed, the nearest
    analogue is rate-for-rate farming: +10 to thousands to harvest ratings in return.
(c) ``ring``: k existing active accounts (an engagement pod) like each other's posts daily
    and share them weekly; on Bitcoin OTC, the ring rates each other +10.
(d) ``blaster``: one new account mentions thousands, weekly; a few answer with a reply.
(e) ``slander``: a clique of new accounts that endorse each other, all giving a negative
    to one prominent honest account.
(f) ``whitewash``: an account trades with honest partners, is then distrusted by others it
    cheated, and starts over as a new identity that the old one endorses; a genuinely new
    account does exactly what the new identity does, without the old one's endorsement.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from attack_lab.graphs import Community, Events, HonestGraph, kind_code

__all__ = [
    "Attacked",
    "attack_rng",
    "attacks",
    "blaster",
    "churn",
    "ring",
    "slander",
    "sybil_region",
    "whitewash",
]

DAY = 86_400.0
WEEK = 7 * DAY
ATTACK_WEEKS = 20  # attacks play out over the last 20 weeks: recent, so decay spares them
EXCHANGE_WEEKS = 3  # befriending on messages: an exchange in each of 3 weeks
SYBIL_DEGREE = 10  # each Sybil deals with 10 others: dense, as a farm of fakes is
SYBIL_WEEKS = 10  # on messages each Sybil pair talks in 10 different weeks
CHURN_TARGETS = 2000  # "following thousands"
FOLLOW_BACK = 0.2  # follow-back rates reported for follow-churn sit around 10-30%
MAX_REACH = 0.8  # churn and blasts reach at most 80% of the pool, so small graphs keep bystanders
RING_SIZE = 20  # an engagement pod of twenty
RING_WEEKS = 12  # likes every day and shares every week for twelve weeks
BLAST_TARGETS = 2000  # "mentioning thousands"
BLAST_ROUNDS = 4  # once a week for four weeks
REPLY_RATE = 0.05  # a few of the mentioned answer, even if only to ask who this is
SLANDER_CLIQUE = 10  # ten accounts that vouch for each other and condemn one
WHITEWASH_PARTNERS = 10  # the old identity's honest trades before it cheated
WHITEWASH_ACCUSERS = 10  # those it cheated, who say so
NEWCOMER_CONTACTS = 3  # a new account's first contacts


def attack_rng(seed: int, *labels: str | int) -> np.random.Generator:
    """A generator for one attack, stable under ``seed`` and independent of the others."""
    keys = [label if isinstance(label, int) else zlib.crc32(label.encode()) for label in labels]
    return np.random.default_rng([seed, *keys])


@dataclass(frozen=True)
class Attacked:
    """An honest graph with one attack in it.

    ``family`` says how to measure it: ``sybil`` (a region's capture), ``gain`` (the
    attackers' rise), ``damage`` (the target's fall) or ``whitewash``. ``measured`` are the
    accounts the attack is about; ``participants`` the honest accounts that joined in or
    were its target (left out of the bystanders' Spearman); ``fresh`` and ``old`` the
    whitewash's genuinely new account and old identity.
    """

    name: str
    family: str
    events: Events
    measured: np.ndarray
    participants: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    fresh: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    old: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


class _Script:
    """Collects one attack's events on top of an honest graph."""

    def __init__(self, graph: HonestGraph, rng: np.random.Generator) -> None:
        self.graph, self.rng = graph, rng
        self.n_nodes = graph.n_honest
        self.parts: list[tuple[np.ndarray, ...]] = []

    @property
    def ratings(self) -> bool:
        return self.graph.native == "rating"

    def accounts(self, count: int) -> np.ndarray:
        made = np.arange(self.n_nodes, self.n_nodes + count, dtype=np.int64)
        self.n_nodes += count
        return made

    def times(
        self, size: int, first_week: float = ATTACK_WEEKS, last_week: float = 0
    ) -> np.ndarray:
        """Uniform times between ``first_week`` and ``last_week`` weeks before the end."""
        end = self.graph.end
        return self.rng.uniform(end - first_week * WEEK, end - last_week * WEEK, size)

    def weekly(self, pairs: int, weeks: int) -> np.ndarray:
        """For each of ``pairs`` pairs, one time in each of ``weeks`` distinct random weeks
        (of the last ``ATTACK_WEEKS``): shape (pairs, weeks)."""
        week = np.argpartition(self.rng.random((pairs, ATTACK_WEEKS)), weeks - 1, axis=1)[:, :weeks]
        return self.graph.end - (week + self.rng.random(week.shape)) * WEEK

    def add(
        self,
        kind: str,
        actor: np.ndarray,
        target: np.ndarray,
        time: np.ndarray,
        value: np.ndarray | float = np.nan,
    ) -> None:
        actor, target, time = np.broadcast_arrays(
            np.asarray(actor, dtype=np.int64),
            np.asarray(target, dtype=np.int64),
            np.asarray(time, dtype=np.float64),
        )
        size = time.size
        values = np.broadcast_to(np.asarray(value, dtype=np.float64), time.shape)
        code = np.full(size, kind_code(kind), dtype=np.int64)
        self.parts.append(
            (actor.ravel(), target.ravel(), code, time.ravel(), values.ravel().copy())
        )

    def endorse(
        self, actor: np.ndarray, target: np.ndarray, time: np.ndarray, *, honest: bool
    ) -> None:
        """One positive native act from each actor to its target."""
        if not self.ratings:
            self.add("message", actor, target, time)
            return
        shape = np.broadcast(actor, target, time).shape
        value = self.rng.choice(self.graph.positive_values, shape) if honest else 10.0
        self.add("rating", actor, target, time, value)

    def condemn(self, actor: np.ndarray, target: np.ndarray, time: np.ndarray) -> None:
        """One negative native act: a -10 rating, or a block."""
        if self.ratings:
            self.add("rating", actor, target, time, -10.0)
        else:
            self.add("block", actor, target, time)

    def befriend(
        self, honest: np.ndarray, attacker: np.ndarray, first_week: float, last_week: float
    ) -> None:
        """A positive act each way between each honest account and its attacker (on
        messages, in ``EXCHANGE_WEEKS`` weeks, the honest side answering within a day)."""
        rounds = 1 if self.ratings else EXCHANGE_WEEKS
        start = self.times(honest.size, first_week, last_week)
        time = start[:, None] + np.arange(rounds) * WEEK
        time = np.minimum(time, self.graph.end - DAY)
        pair_h, pair_a = np.broadcast_arrays(honest[:, None], attacker[:, None], time)[:2]
        self.endorse(pair_a, pair_h, time, honest=False)
        self.endorse(pair_h, pair_a, time + self.rng.uniform(0, DAY, time.shape), honest=True)

    def done(self, name: str, family: str, measured: np.ndarray, **roles: np.ndarray) -> Attacked:
        actor, target, kind, time, value = (
            np.concatenate(column) for column in zip(*self.parts, strict=True)
        )
        injected = Events(actor, target, kind, time, value, self.n_nodes)
        return Attacked(name, family, self.graph.events.plus(injected), measured, **roles)


def _reach(pool: np.ndarray, wanted: int) -> int:
    return max(1, min(wanted, int(MAX_REACH * pool.size)))


def _draw(rng: np.random.Generator, pool: np.ndarray, size: int) -> np.ndarray:
    """``size`` accounts from ``pool``, distinct while the pool allows."""
    return rng.choice(pool, size, replace=size > pool.size)


def sybil_region(graph: HonestGraph, seeds: Community, seed: int, m: int, g: int) -> Attacked:
    edges_rng = attack_rng(seed, "attack-edges", g)
    honest = _draw(edges_rng, seeds.active, g)
    rng = attack_rng(seed, "sybil", m, g)
    script = _Script(graph, rng)
    sybils = script.accounts(m)
    degree = min(SYBIL_DEGREE, m - 1)
    if degree > 0:
        offset = np.argpartition(rng.random((m, m - 1)), degree - 1, axis=1)[:, :degree] + 1
        actor = np.repeat(sybils, degree)
        target = sybils[(np.arange(m)[:, None] + offset) % m].ravel()
        if script.ratings:
            script.endorse(actor, target, script.times(actor.size), honest=False)
        else:
            time = script.weekly(actor.size, SYBIL_WEEKS)
            script.endorse(actor[:, None], target[:, None], time, honest=False)
    attached = sybils[rng.integers(m, size=g)]
    # the attack edges' times and honest ratings come from the edges' own generator, so the
    # runs with m = 10 and m = 1000 share them exactly: only the region behind them differs
    script.rng = edges_rng
    script.befriend(honest, attached, ATTACK_WEEKS, EXCHANGE_WEEKS)
    return script.done(f"sybil-m{m}-g{g}", "sybil", sybils)


def churn(graph: HonestGraph, seeds: Community, seed: int) -> Attacked:
    rng = attack_rng(seed, "churn")
    script = _Script(graph, rng)
    (churner,) = script.accounts(1)
    targets = rng.choice(seeds.pool, _reach(seeds.pool, CHURN_TARGETS), replace=False)
    followed = script.times(targets.size, ATTACK_WEEKS, ATTACK_WEEKS - 4)
    back = rng.random(targets.size) < FOLLOW_BACK
    answered = followed[back] + rng.uniform(0, 3 * DAY, int(back.sum()))
    if script.ratings:
        script.endorse(np.full(targets.size, churner), targets, followed, honest=False)
        script.endorse(targets[back], np.full(int(back.sum()), churner), answered, honest=True)
    else:
        script.add("follow", churner, targets, followed)
        script.add("follow", targets[back], churner, answered)
        script.add(
            "unfollow", churner, targets, followed + rng.uniform(7 * DAY, 14 * DAY, targets.size)
        )
    return script.done("churn", "gain", np.array([churner]))


def ring(graph: HonestGraph, seeds: Community, seed: int) -> Attacked:
    rng = attack_rng(seed, "ring")
    script = _Script(graph, rng)
    members = rng.choice(seeds.active, min(RING_SIZE, seeds.active.size), replace=False)
    actor, target = (pair.ravel() for pair in np.meshgrid(members, members, indexing="ij"))
    actor, target = actor[actor != target], target[actor != target]
    if script.ratings:
        script.endorse(actor, target, script.times(actor.size, RING_WEEKS), honest=False)
    else:
        start = graph.end - RING_WEEKS * WEEK
        days = start + (np.arange(RING_WEEKS * 7) + rng.random((actor.size, RING_WEEKS * 7))) * DAY
        script.add("like", actor[:, None], target[:, None], days)
        weeks = start + (np.arange(RING_WEEKS) + rng.random((actor.size, RING_WEEKS))) * WEEK
        script.add("share", actor[:, None], target[:, None], weeks)
    return script.done("ring", "gain", members, participants=members)


def blaster(graph: HonestGraph, seeds: Community, seed: int) -> Attacked:
    rng = attack_rng(seed, "blaster")
    script = _Script(graph, rng)
    (blast,) = script.accounts(1)
    targets = rng.choice(seeds.pool, _reach(seeds.pool, BLAST_TARGETS), replace=False)
    start = graph.end - BLAST_ROUNDS * WEEK
    sent = (
        start
        + np.arange(BLAST_ROUNDS)[:, None] * WEEK
        + rng.uniform(0, 2 * 3600.0, (BLAST_ROUNDS, targets.size))
    )
    script.add("mention", blast, targets[None, :], sent)
    replies = rng.random(sent.shape) < REPLY_RATE
    answered = sent[replies] + rng.uniform(0, DAY, int(replies.sum()))
    script.add("reply", np.broadcast_to(targets, sent.shape)[replies], blast, answered)
    return script.done("blaster", "gain", np.array([blast]))


def slander(graph: HonestGraph, seeds: Community, seed: int) -> Attacked:
    rng = attack_rng(seed, "slander")
    script = _Script(graph, rng)
    target = int(rng.choice(seeds.prominent))
    clique = script.accounts(SLANDER_CLIQUE)
    actor, other = (pair.ravel() for pair in np.meshgrid(clique, clique, indexing="ij"))
    actor, other = actor[actor != other], other[actor != other]
    if script.ratings:
        script.endorse(actor, other, script.times(actor.size), honest=False)
    else:
        script.endorse(
            actor[:, None], other[:, None], script.weekly(actor.size, SYBIL_WEEKS), honest=False
        )
    script.condemn(clique, np.full(clique.size, target), script.times(clique.size, 8))
    return script.done("slander", "damage", np.array([target]), participants=np.array([target]))


def whitewash(graph: HonestGraph, seeds: Community, seed: int) -> Attacked:
    rng = attack_rng(seed, "whitewash")
    script = _Script(graph, rng)
    old, new, fresh = script.accounts(3)
    chosen = _draw(rng, seeds.active, WHITEWASH_PARTNERS + WHITEWASH_ACCUSERS)
    partners, accusers = chosen[:WHITEWASH_PARTNERS], chosen[WHITEWASH_PARTNERS:]
    script.befriend(partners, np.full(partners.size, old), ATTACK_WEEKS, 14)
    script.condemn(accusers, np.full(accusers.size, old), script.times(accusers.size, 12, 8))
    vouch = script.times(1, 6, 5)
    script.endorse(np.array([old]), np.array([new]), vouch, honest=False)
    script.endorse(np.array([new]), np.array([old]), vouch + DAY, honest=False)
    contacts = _draw(rng, seeds.active, NEWCOMER_CONTACTS)
    first = script.times(contacts.size, 4, 0)
    for account in (new, fresh):
        script.endorse(np.full(contacts.size, account), contacts, first, honest=False)
    return script.done(
        "whitewash", "whitewash", np.array([new]), fresh=np.array([fresh]), old=np.array([old])
    )


def attacks(
    graph: HonestGraph,
    seeds: Community,
    seed: int,
    sybil_counts: Sequence[int],
    edge_counts: Sequence[int],
) -> Iterator[Attacked]:
    """Every attack on ``graph``, built one at a time (each is a full copy of the events)."""
    for g in edge_counts:
        for m in sybil_counts:
            yield sybil_region(graph, seeds, seed, m, g)
    for build in (churn, ring, blaster, slander, whitewash):
        yield build(graph, seeds, seed)
