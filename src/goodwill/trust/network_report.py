"""Network trust read from the ledger for people, not indices: what ``goodwill network``,
``path`` and ``intro`` show.

:func:`open_network` assesses pairwise trust as of a moment (:func:`~goodwill.trust.report.open_view`),
turns it into a :class:`~goodwill.trust.network_graph.TrustGraph`, and answers in person ids
and names:

* :meth:`NetworkView.ranking`: people ranked by trust propagated from the seeds, by
  default the owner's own: the owner holds half the seed mass
  (:data:`OWNER_SEED_SHARE`) and the people she vouches for (what she did for them and
  said about them) share the other half in proportion to it. Ranked by ``normalized``
  (mass per unit of trust received, to :data:`SCORE_DIGITS` figures, then mass), so a
  clique that vouches for itself does not outrank someone a few trusted people vouch for;
* :meth:`NetworkView.paths`: the strongest trust paths from one person to another, with the
  ids of the events behind each path's first hop (the first person's largest acts toward
  the second, :func:`~goodwill.trust.network_graph.hop_evidence`; the CLI shows them with
  :func:`goodwill.insights.cite`, a layer below this one);
* :meth:`NetworkView.introducers`: the owner's trusted contacts with the strongest path to
  someone, one path per contact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from goodwill.errors import AlgorithmInputError, StoreError
from goodwill.ledger.people import owner_person
from goodwill.trust.network import NetworkTrust
from goodwill.trust.network_graph import RowActs, TrustGraph, hop_evidence, row_acts, trust_graph
from goodwill.trust.paths import TrustPath, strongest_by_first_hop, strongest_paths
from goodwill.trust.policy import Policy
from goodwill.trust.report import TrustView, open_view

__all__ = [
    "EVIDENCE_PER_HOP",
    "OWNER_SEED_SHARE",
    "SCORE_DIGITS",
    "Introducer",
    "NetworkPath",
    "NetworkRow",
    "NetworkView",
    "open_network",
    "ranking_key",
    "significant",
]

# The owner's own share of the personal seed mass: half hers, so her own judgement anchors
# the walk, and half spread over whom she vouches for, so their judgement counts too.
OWNER_SEED_SHARE = 0.5
# How many events to cite for a path's first hop: enough to show why, short enough to read.
EVIDENCE_PER_HOP = 3
# The ranking's score is compared to the significant figures it is shown with; people whose
# scores agree that far (everyone only the owner vouches for has the same score: the trust
# of their one voucher per vouch) are ranked by how much trust reaches them, their mass.
SCORE_DIGITS = 3


@dataclass(frozen=True, slots=True)
class NetworkRow:
    """One person's network trust from the seeds."""

    person: int
    name: str
    score: float  # mass per unit of trust received: what the ranking uses
    mass: float  # share of the seeds' trust they hold after distrust (all sum to <= 1)
    penalty: float  # what distrust from people holding trust took away
    seed: float  # their own share of the seed mass (0 if not a seed)


@dataclass(frozen=True, slots=True)
class NetworkPath:
    """A trust path in person ids and names, each hop's trust, and why its first hop holds."""

    people: list[int]
    names: list[str]
    hops: list[float]
    strength: float
    evidence: list[int] = field(default_factory=list)  # event ids behind the first hop


@dataclass(frozen=True, slots=True)
class Introducer:
    """One of the owner's trusted contacts, and their strongest path to the person."""

    person: int
    name: str
    trust: float  # the owner's trust in them (the path's first hop)
    path: NetworkPath


class NetworkView:
    """Network trust as of one moment, answering in person ids and names."""

    def __init__(self, conn: Connection, view: TrustView) -> None:
        self._conn = conn
        self.view = view
        self.graph: TrustGraph = trust_graph(view.snapshot, view.table)
        self._acts: RowActs | None = None  # for the evidence behind paths' first hops

    def _row_acts(self) -> RowActs:
        """:func:`~goodwill.trust.network_graph.row_acts`, computed once for all paths."""
        if self._acts is None:
            self._acts = row_acts(self.view.snapshot, self.view.table)
        return self._acts

    def owner(self) -> int:
        """The store owner's person id (an error if there is none yet)."""
        person = owner_person(self._conn)
        if person is None:
            raise StoreError("the store has no owner yet; goodwill owner HANDLE... records yours")
        return person

    def owner_seeds(self) -> dict[int, float]:
        """Dense index to seed weight: the owner, and the people she vouches for, by how much."""
        me = self.view.index.index(self.owner())
        row = self.graph.trust.getrow(me)
        seeds = {me: OWNER_SEED_SHARE}
        total = float(row.data.sum())
        for contact, trust in zip(row.indices, row.data, strict=True):
            seeds[int(contact)] = (1.0 - OWNER_SEED_SHARE) * float(trust) / total
        return seeds

    def ranking(
        self, seeds: list[int] | None = None, *, top: int = 20, model: NetworkTrust | None = None
    ) -> list[NetworkRow]:
        """People ranked by network trust from ``seeds`` (person ids, equal weights) or, by
        default, from the owner's seeds (the owner is then left out of the list). Everyone
        the walk reached is listed, those whom distrust took it all from last, at 0."""
        index = self.view.index
        if seeds is None:
            weights = self.owner_seeds()
            hidden = {index.index(self.owner())}
        else:
            if not seeds:
                raise AlgorithmInputError("name at least one seed, or use the owner's")
            weights = {index.index(person): 1.0 for person in seeds}
            hidden = set()
        fitted = (model or NetworkTrust()).fit(
            self.graph.trust, weights, self.graph.distrust, maturity=self.graph.maturity
        )
        candidates = np.flatnonzero(fitted.mass_ > 0)
        candidates = candidates[~np.isin(candidates, list(hidden))]
        key = ranking_key(fitted.normalized_[candidates], fitted.scores_[candidates])
        order = candidates[np.lexsort((index.person_ids[candidates], -key))][:top]
        ids = [index.person(int(i)) for i in order]
        names = self.view.names(ids)
        return [
            NetworkRow(
                person=pid,
                name=names.get(pid, "?"),
                score=float(fitted.normalized_[i]),
                mass=float(fitted.scores_[i]),
                penalty=float(fitted.penalty_[i]),
                seed=float(fitted.seeds_[i]),
            )
            for pid, i in zip(ids, order, strict=True)
        ]

    def paths(
        self, source: int, target: int, *, k: int = 3, max_hops: int = 4
    ) -> list[NetworkPath]:
        """The ``k`` strongest trust paths from person ``source`` to person ``target`` (none
        if either has had no interactions yet as of the view's moment)."""
        index = self.view.index
        if source == target:
            raise AlgorithmInputError("a trust path needs two different people")
        if not (index.has(source) and index.has(target)):
            return []
        found = strongest_paths(
            self.graph, index.index(source), index.index(target), k=k, max_hops=max_hops
        )
        return [self._path(p) for p in found]

    def introducers(self, person: int, *, top: int = 5, max_hops: int = 4) -> list[Introducer]:
        """The owner's trusted contacts with the strongest trust paths to ``person``."""
        owner = self.owner()
        if person == owner:
            raise AlgorithmInputError("that is the owner: nobody needs to introduce you to you")
        index = self.view.index
        if not (index.has(owner) and index.has(person)):
            return []
        found = strongest_by_first_hop(
            self.graph, index.index(owner), index.index(person), top=top, max_hops=max_hops
        )
        paths = [self._path(p) for p in found]
        return [Introducer(path.people[1], path.names[1], path.hops[0], path) for path in paths]

    def direct_trust(self, truster: int, trustee: int) -> float:
        """How strongly one person vouches for another, as propagated (0 if not at all)."""
        index = self.view.index
        if not (index.has(truster) and index.has(trustee)):
            return 0.0
        return float(self.graph.trust[index.index(truster), index.index(trustee)])

    def _path(self, path: TrustPath) -> NetworkPath:
        ids = [self.view.index.person(node) for node in path.nodes]
        names = self.view.names(ids)
        first, second = path.nodes[0], path.nodes[1]
        return NetworkPath(
            people=ids,
            names=[names.get(pid, "?") for pid in ids],
            hops=list(path.hops),
            strength=path.strength,
            evidence=hop_evidence(
                self.view.snapshot,
                self.view.table,
                first,
                second,
                EVIDENCE_PER_HOP,
                acts=self._row_acts(),
            ),
        )


def ranking_key(
    score: npt.NDArray[np.float64], mass: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """The ranking's order as one number per person, higher first: the score to
    :data:`SCORE_DIGITS` significant figures, then the mass; 0 for someone with neither,
    and equal only where both are.

    >>> ranking_key(np.array([0.0081149, 0.0081123, 0.5, 0.0]), np.array([0.1, 0.2, 0.0, 0.0]))
    array([1., 2., 3., 0.])
    """
    rows = np.stack([significant(score, SCORE_DIGITS), mass], axis=1)
    _, place = np.unique(rows, axis=0, return_inverse=True)
    place = place.reshape(-1).astype(np.float64)
    nothing = (rows == 0).all(axis=1)
    return np.where(nothing, 0.0, place + 1.0 - float(nothing.any()))


def significant(values: npt.NDArray[np.float64], digits: int) -> npt.NDArray[np.float64]:
    """``values`` rounded to ``digits`` significant figures (zeros stay zero).

    >>> significant(np.array([0.0081149, 0.0081123, 123.456, 0.0]), 3).tolist()
    [0.00811, 0.00811, 123.0, 0.0]
    """
    magnitude = np.floor(np.log10(np.abs(values), out=np.zeros_like(values), where=values != 0))
    scale = 10.0 ** (digits - 1 - magnitude)
    return np.asarray(np.round(values * scale) / scale, dtype=np.float64)


def open_network(conn: Connection, policy: Policy, *, at_us: int) -> NetworkView:
    """Load the ledger's events up to ``at_us`` and build network trust as of then."""
    return NetworkView(conn, open_view(conn, policy, at_us=at_us))
