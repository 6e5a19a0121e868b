"""Network trust: trust carried from a seed set along the edges people vouch with, for a
bounded number of steps, with distrust applied inside the walk, one step from its author.

The walk is EigenTrust with pre-trust (Kamvar, Schlosser, Garcia-Molina, "The EigenTrust
Algorithm for Reputation Management in P2P Networks", WWW 2003) cut short the way SybilRank
cuts its power iteration (Cao, Sirivianos, Yang, Pregueiro, "Aiding the Detection of Fake
Accounts in Large Scale Social Online Services", NSDI 2012). With ``T`` the trust matrix
(:func:`~goodwill.trust.network_graph.trust_graph`: who vouches for whom), ``T[i]`` i's
total out-trust, ``M[i, j]`` in [0, 1] how far the vouch has matured (``TrustGraph.maturity``:
how long it has stood, up to a year; 1 when no maturity is given),
``C[i, j] = M[i, j] T[i, j] / (T[i] + reserve)`` the share of i's mass that goes to j,
``p`` the seeds' weights normalised to sum to 1, ``r`` the restart and ``w`` the
distrust weight, each step is::

    pen_t  = w * W^T x_t          W[i, j] = D[i, j] / max(1, D[i])   (distrust, capped)
    y_t    = max(x_t - pen_t, 0)  (what each person may pass on after the warnings)
    x_{t+1} = (1 - r) (C^T y_t + (what rows did not give away) p) + (r sum(y_t) + taken_t) p

from ``x_0 = p``, for ``steps`` steps. A distruster's warnings take at most ``w`` times its
own mass in all (split across its targets when they add up to more than 1), so one account
that unfollows thousands cannot wipe out thousands; and they take it *before* the target
passes its mass on, so a distrusted account does not hand on trust it should not have held
(a whitewashed identity gets nothing from its discredited old one). Distrust still acts
one step only: it lowers its target, never the target's friends directly (they only receive
less from it). What distrust takes and what rows do not give away go back to the seeds, so
**the masses ``mass_`` sum to exactly 1** (up to rounding) after every step. Finally::

    scores_[j] = max(0, x[j] - pen[j])     with pen = w * W^T x (the same warnings, once more)

**The Sybil bound.** Let a region S hold no seeds and be joined to the rest by one edge
u -> s. Each step, what enters S is
``(1 - r) y_t[u] C[u, s] <= (1 - r) x_t[u] M[u, s] T[u, s] / T[u]`` (the edge's matured
share of u's mass); what is in S only loses to the restart, the reserve, the
warnings and whatever its members hand back. So after ``k`` steps::

    mass_(S) <= (1 - r) M[u, s] T[u, s] / T[u] * sum_{t < k} (1 - r)^(k - 1 - t) x_t[u]
             <= M[u, s] T[u, s] / T[u] * max_t x_t[u] * (1 - r) (1 - (1 - r)^k) / r

however many accounts S holds and however densely they trust each other. ``g`` attack
edges give at most the sum of their shares. Maturity only lowers the bound: an attack edge
made a season ago carries a season's share of it (``M[u, s]`` about 1/4), and what it
does carry in passes on among the region's own young vouches at their maturity too.
What S keeps *below* the bound depends on how
much its members hand back: a few Sybils each befriending many honest people return much
of what they get, a thousand that trust only each other return little. The restart and the
reserve (a person passes on ``T[i] / (T[i] + reserve)`` of their mass) keep trust local, so
even a region that returns nothing keeps little more than a small one: that is what makes
captured trust flat in the number of Sybils, not only bounded. ``normalized_`` (score per
unit of trust received, SybilRank's degree normalisation) ranks a dense region below honest
people with the same mass and fewer endorsers. It divides by *all* trust received,
matured or not: someone vouched for only by new vouches has been vouched for, but what
those vouches carry has not reached them yet.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix, diags  # type: ignore[import-untyped]  # scipy ships no stubs

from goodwill.errors import AlgorithmInputError
from goodwill.trust.engines import ENGINES, Engine
from goodwill.trust.engines import engine as choose_engine
from goodwill.trust.engines.base import dot
from goodwill.trust.network_graph import TrustGraph, trust_graph
from goodwill.trust.walk_shares import (
    MATURITY_OUTSIDE,
    NEGATIVE,
    NOT_FINITE,
    SharesFault,
    matured_shares,
)

# TrustGraph and trust_graph live in network_graph (building the matrices is its one job)
# and are re-exported here, so goodwill.trust.network is the one place to import from.
__all__ = [
    "MAX_STEPS",
    "NetworkTrust",
    "TrustGraph",
    "capped_rows",
    "row_shares",
    "seed_vector",
    "trust_graph",
]

Floats = npt.NDArray[np.float64]

# ``normalized_`` divides by the trust a node receives, but never by less than this: about
# one like's worth of vouching (a like earns 0.1, 0.1 / 2.1 with the prior weight), so it
# only keeps a seed nobody vouches for from dividing by zero.
RECEIVED_FLOOR = 0.05
# With a tolerance, the most steps a walk takes toward its fixed point: from the seeds, a
# contraction by 0.7 (the default restart) reaches 1e-8 in about 55.
MAX_STEPS = 200


class NetworkTrust:
    """Trust propagated from seeds over a trust matrix, SybilRank- and EigenTrust-style.

    Parameters
    ----------
    steps:
        How many propagation steps; ``None`` means ``ceil(log2(n))`` for ``n`` nodes (at
        least 1), SybilRank's early termination: enough to reach most of an honest,
        fast-mixing graph, too few to mix into regions behind a few edges.
    restart:
        The share of every step's mass that goes back to the seeds, in (0, 1]: the
        pre-trust weight ``a`` of EigenTrust. Higher keeps trust nearer the seeds and
        tightens the Sybil bound (``(1 - r) / r`` times the attack edges' share, 2.3 with
        0.3, the default, against 5.7 with PageRank's 0.15): trust reaches friends of
        friends, each hop weaker, and the reserve below does the rest.
    distrust_weight:
        How much of a distruster's own mass a full distrust (``D = 1``) takes from its
        target each step, >= 0; 0 ignores distrust. A distruster's warnings together take
        at most this times its mass (they are split when its distrust adds up to more
        than 1).
    reserve:
        Trust every row keeps for the seeds, >= 0: ``C[i, j] = T[i, j] / (T[i] + reserve)``.
        With 20 (the default) a person passes on half their mass once they vouch fully for
        about twenty people, and less before: what reaches someone who vouches for a few
        mostly goes back to the seeds, so trust stays near where it was given. That is what
        keeps a region of fakes that hands nothing back to honest people from keeping much
        more than a small region that hands back half (in the attack lab, 1,000 Sybils
        capture under 5% more than 10 behind the same attack edges). Its limit: a region
        that vouches more densely passes more around (each Sybil vouching fully for 30
        others instead of 10 keeps about 1.3 times as much); the bound holds either way.
        0 gives EigenTrust's plain row normalisation.
    engine:
        Which propagation engine runs the steps (:mod:`goodwill.trust.engines`):
        ``"auto"`` (the default) takes the parallel numba kernel on graphs of
        :data:`~goodwill.trust.engines.AUTO_MIN_EDGES` edges or more and scipy's float64
        product below; ``"reference"``, ``"numba"`` and ``"numba64"`` force one. Results
        agree with ``"reference"`` within the engine's tolerance (L1 distance of ``mass_``:
        1e-6 for ``"numba"``'s float32 weights, 1e-9 otherwise).
    tolerance:
        ``None`` (the default) walks ``steps`` steps from the seeds: the definition above.
        A number walks to the walk's **fixed point** instead, stopping once one step moves
        the mass by at most this much (L1), after at most :data:`MAX_STEPS` steps, and may
        start from a previous ``mass_`` (``fit(start=...)``): a warm start. Without
        distrust a step is a contraction by ``1 - r`` (each row gives at least ``r`` to
        the seeds), so the fixed point is unique, any start reaches it, and the result
        lies within ``(1 - r) / r`` times the tolerance of it (L1). The walk of ``steps``
        steps lies within ``2 (1 - r)^steps`` of the same point: a bound of 1.6e-3 for a
        million people (20 steps), 0.24 for 40 (6 steps). The reserve keeps rows from
        giving much away, so in practice the two lie far closer (1.9e-9 on a 20M-event
        ledger, docs/trust.md), but they are different definitions. The Sybil bound holds
        for both (the sum over all steps is ``(1 - r) / r`` times the attack edges' share).
        With distrust a step is not linear and is not proven a contraction: whether it
        stopped is in ``converged_``.

    Attributes
    ----------
    mass_: the walk's mass per node after ``steps``; sums to 1.
    scores_: ``mass_`` less the last step's warnings, >= 0 (sums to at most 1).
    penalty_: what the last step's warnings took from each node (before the floor at 0).
    normalized_: ``scores_`` divided by the trust the node receives (its weighted
        in-degree, at least :data:`RECEIVED_FLOOR`), SybilRank's degree normalisation and
        what rankings use. For anyone but a seed it is the mass per unit of vouching of
        those who vouch for them, averaged by how strongly each does: how trusted one's
        vouchers are, not how many. A clique of fakes vouching for each other averages
        its own thin mass; someone a well-trusted person vouches for gets that person's.
    seeds_: the normalised seed weights ``p``.
    steps_: the number of steps run.
    engine_: the name of the engine that ran them.
    prepare_seconds_: how long the engine took to lay the matrices out for the steps.
    step_seconds_: how long each step took (wall time).
    converged_: with a tolerance, whether a step moved the mass by at most it (else
        ``True``).
    change_: with a tolerance, how much the last step moved the mass (L1).

    >>> from scipy.sparse import csr_matrix
    >>> trust = csr_matrix(np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]], dtype=float))
    >>> model = NetworkTrust(steps=2, restart=0.5, reserve=0.0).fit(trust, np.array([0]))
    >>> model.mass_.round(3).tolist(), float(model.mass_.sum())
    ([0.5, 0.25, 0.25], 1.0)
    """

    def __init__(
        self,
        steps: int | None = None,
        restart: float = 0.3,
        distrust_weight: float = 1.0,
        reserve: float = 20.0,
        engine: str | Engine = "auto",
        tolerance: float | None = None,
    ) -> None:
        if tolerance is not None and not 0.0 < tolerance < 1.0:
            raise AlgorithmInputError(f"tolerance must lie in (0, 1) or be None, not {tolerance}")
        if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int)):
            raise AlgorithmInputError(f"steps must be a whole number or None, not {steps!r}")
        if steps is not None and steps < 0:
            raise AlgorithmInputError(f"steps must be >= 0 (0 keeps the seeds), not {steps}")
        if not 0.0 < restart <= 1.0:
            raise AlgorithmInputError(f"restart must lie in (0, 1], not {restart}")
        if not distrust_weight >= 0.0 or math.isinf(distrust_weight):
            raise AlgorithmInputError(
                f"distrust_weight must be a finite number >= 0, not {distrust_weight}"
            )
        if not reserve >= 0.0 or math.isinf(reserve):
            raise AlgorithmInputError(f"reserve must be a finite number >= 0, not {reserve}")
        if not isinstance(engine, Engine) and engine not in ENGINES:
            raise AlgorithmInputError(
                f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}"
            )
        self.steps = steps
        self.reserve = reserve
        self.restart = restart
        self.distrust_weight = distrust_weight
        self.engine = engine
        self.tolerance = tolerance
        self.converged_ = False
        self.change_ = 0.0
        self.mass_: Floats = np.zeros(0)
        self.scores_: Floats = np.zeros(0)
        self.penalty_: Floats = np.zeros(0)
        self.normalized_: Floats = np.zeros(0)
        self.seeds_: Floats = np.zeros(0)
        self.steps_ = 0
        self.engine_ = ""
        self.prepare_seconds_ = 0.0
        self.step_seconds_: list[float] = []

    def fit(
        self,
        adjacency: csr_matrix,
        seeds: npt.NDArray[np.integer] | npt.NDArray[np.floating] | Mapping[int, float],
        distrust: csr_matrix | None = None,
        maturity: csr_matrix | None = None,
        start: Floats | None = None,
    ) -> NetworkTrust:
        """Propagate from ``seeds`` over ``adjacency`` (trust, n x n, >= 0).

        ``seeds`` is an array of node indices (equal weights), a length-n array of
        non-negative weights (floats), or a mapping from node index to weight.
        ``maturity`` (n x n, in [0, 1], read on ``adjacency``'s entries, absent = 0) is how
        much of each vouch passes mass on (``TrustGraph.maturity``); ``None`` passes all.
        ``start`` (with a tolerance only) is where the walk starts instead of the seeds, a
        previous ``mass_`` over the same nodes (new nodes 0), scaled to sum to 1.
        """
        adjacency = csr_matrix(adjacency)
        n = _square(adjacency, "adjacency")
        if distrust is not None and _check_square(distrust, "distrust") != n:
            raise AlgorithmInputError("distrust must have the same shape as adjacency")
        prior = seed_vector(seeds, n)
        begin = None if start is None else self._start(start, n)
        steps = self.steps if self.steps is not None else max(1, math.ceil(math.log2(max(n, 2))))
        shares, returned = self._shares(adjacency, maturity)
        warnings = None
        if distrust is not None and self.distrust_weight > 0 and distrust.nnz:
            warnings = self.distrust_weight * capped_rows(distrust)
        runner = choose_engine(self.engine, shares.nnz)
        started = time.perf_counter()
        forward, warn = runner.prepare(shares, warnings)
        assert forward is not None  # shares is never None
        self.prepare_seconds_ = time.perf_counter() - started
        # the steps run in the engine's node order: only the seeds go in, the mass comes out
        order = forward.order
        home, given_back = order.inward(prior), order.inward(returned)
        keep = 1.0 - self.restart
        mass = home.copy() if begin is None else order.inward(begin)
        total, returning = float(mass.sum()), dot(given_back, mass)
        self.step_seconds_ = []
        self.converged_, self.change_ = self.tolerance is None, 0.0
        for _ in range(steps if self.tolerance is None else MAX_STEPS):
            started = time.perf_counter()
            previous = mass
            kept, kept_total, taken = mass, total, 0.0
            if warn is not None:
                kept = np.maximum(mass - warn.spread(mass), 0.0)
                kept_total = float(kept.sum())
                taken, returning = total - kept_total, dot(given_back, kept)
            # x' = keep (Cᵀ y + (returned . y) p) + (r sum(y) + taken) p, in one spread that
            # also sums x' and returned . x' for the next step
            to_seeds = keep * returning + self.restart * kept_total + taken
            mass, total, returning = forward.spread_sums(kept, keep, home, to_seeds, given_back)
            self.step_seconds_.append(time.perf_counter() - started)
            if self.tolerance is not None:
                self.change_ = float(np.abs(mass - previous).sum())
                if self.change_ <= self.tolerance:
                    self.converged_ = True
                    break
        penalty = np.zeros(n) if warn is None else order.outward(warn.spread(mass))
        mass = order.outward(mass)
        scores = np.maximum(mass - penalty, 0.0)
        received = np.asarray(adjacency.sum(axis=0)).ravel()
        self.mass_, self.scores_, self.penalty_ = mass, scores, penalty
        self.normalized_ = scores / np.maximum(received, RECEIVED_FLOOR)
        self.seeds_, self.steps_, self.engine_ = prior, len(self.step_seconds_), runner.name
        return self

    def _shares(self, trust: csr_matrix, maturity: csr_matrix | None) -> tuple[csr_matrix, Floats]:
        """``C`` (trust's shares of each truster's mass, matured) and what each row keeps
        back: in one compiled pass (:mod:`goodwill.trust.walk_shares`) when maturity is
        absent or lies on trust's own entries, as :func:`~goodwill.trust.pair_reading.graph_at`
        gives it, else by scipy's product."""
        if maturity is not None and _square(maturity, "maturity") != trust.shape[0]:
            raise AlgorithmInputError("maturity must have the same shape as adjacency")
        if maturity is not None and not _same_entries(csr_matrix(maturity), trust):
            _check_square(trust, "adjacency")
            shares = _matured(row_shares(trust, self.reserve), maturity)
            return shares, 1.0 - np.asarray(shares.sum(axis=1)).ravel()
        try:
            data, returned = matured_shares(trust.indptr, trust.data,
                                            None if maturity is None else maturity.data,
                                            self.reserve)  # fmt: skip
        except SharesFault as fault:
            raise AlgorithmInputError(_FAULTS[fault.code]) from None
        return csr_matrix((data, trust.indices, trust.indptr), shape=trust.shape), returned

    def _start(self, start: Floats, n: int) -> Floats:
        """A warm start checked and scaled to sum to 1 (the walk keeps the sum)."""
        if self.tolerance is None:
            raise AlgorithmInputError(
                "a start needs a tolerance: a walk of fixed steps from anywhere but the seeds "
                "gives other scores, a walk to the fixed point only gets there sooner"
            )
        array = np.asarray(start, dtype=np.float64)
        if array.shape != (n,) or not np.isfinite(array).all() or (array < 0).any():
            raise AlgorithmInputError(f"start must be {n} finite masses >= 0")
        total = float(array.sum())
        if total <= 0:
            raise AlgorithmInputError("start holds no mass: pass None to start from the seeds")
        return array / total


_FAULTS = {
    NEGATIVE: "adjacency must hold weights >= 0; put distrust in its own matrix",
    NOT_FINITE: "adjacency must hold finite weights",
    MATURITY_OUTSIDE: "maturity must lie in [0, 1]: the share of a vouch",
}


def capped_rows(distrust: csr_matrix) -> csr_matrix:
    """``W[i, j] = D[i, j] / max(1, D[i])``: each distruster's warnings, split across its
    targets once they add up to more than one full distrust, so that all of them together
    take at most (the distrust weight times) the distruster's own mass."""
    totals = np.asarray(distrust.sum(axis=1)).ravel()
    return csr_matrix(diags(1.0 / np.maximum(totals, 1.0)) @ distrust)


def row_shares(adjacency: csr_matrix, reserve: float = 0.0) -> csr_matrix:
    """``C[i, j] = T[i, j] / (T[i] + reserve)``, i's share of mass going to j (rows summing
    to 0 stay empty); what a row does not give away goes back to the seeds. Each entry
    scaled where it lies (a product with a diagonal matrix was seconds on 16M entries)."""
    adjacency = csr_matrix(adjacency)
    totals = np.asarray(adjacency.sum(axis=1)).ravel()
    inverse = np.divide(1.0, totals + reserve, out=np.zeros_like(totals), where=totals > 0)
    scaled = adjacency.data * np.repeat(inverse, np.diff(adjacency.indptr))
    return csr_matrix((scaled, adjacency.indices, adjacency.indptr), shape=adjacency.shape)


def _matured(shares: csr_matrix, maturity: csr_matrix) -> csr_matrix:
    """``shares`` times ``maturity`` entry by entry; by their data alone when both lie on
    the same entries (:func:`~goodwill.trust.pair_reading.graph_at` gives maturity on
    trust's), else by scipy's product (entries missing from either are 0)."""
    if _check_square(maturity, "maturity") != shares.shape[0]:
        raise AlgorithmInputError("maturity must have the same shape as adjacency")
    if maturity.nnz and maturity.data.max() > 1.0:
        raise AlgorithmInputError("maturity must lie in [0, 1]: the share of a vouch")
    if _same_entries(maturity, shares):
        return csr_matrix((shares.data * maturity.data, shares.indices, shares.indptr),
                          shape=shares.shape)  # fmt: skip
    return csr_matrix(shares.multiply(maturity))


def seed_vector(
    seeds: npt.NDArray[np.integer] | npt.NDArray[np.floating] | Mapping[int, float], n: int
) -> Floats:
    """Seed weights as a length-``n`` vector summing to 1 (see :meth:`NetworkTrust.fit`)."""
    weights = np.zeros(n)
    if isinstance(seeds, Mapping):
        if seeds:
            index = np.fromiter(seeds.keys(), dtype=np.int64, count=len(seeds))
            value = np.fromiter(seeds.values(), dtype=np.float64, count=len(seeds))
            _check_indices(index, n)
            np.add.at(weights, index, value)
    else:
        array = np.asarray(seeds)
        if array.dtype.kind in "iu":
            _check_indices(array.ravel(), n)
            np.add.at(weights, array.ravel(), 1.0)
        elif array.dtype.kind == "f" and array.shape == (n,):
            weights = array.astype(np.float64)
        else:
            raise AlgorithmInputError(
                f"seeds must be node indices (integers), {n} weights (floats) or a mapping "
                f"from index to weight, not an array of {array.dtype} shaped {array.shape}"
            )
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise AlgorithmInputError("seed weights must be finite and >= 0")
    total = float(weights.sum())
    if total <= 0:
        raise AlgorithmInputError("no seed has a positive weight: trust has nowhere to start")
    return weights / total


def _check_indices(index: npt.NDArray[np.integer], n: int) -> None:
    if len(index) and (index.min() < 0 or index.max() >= n):
        raise AlgorithmInputError(f"seed indices must lie in 0..{n - 1}")


def _same_entries(one: csr_matrix, other: csr_matrix) -> bool:
    """Whether two CSR matrices hold entries at the same places (in the same order)."""
    if one.indptr is not other.indptr and not np.array_equal(one.indptr, other.indptr):
        return False
    return one.indices is other.indices or np.array_equal(one.indices, other.indices)


def _square(matrix: csr_matrix, name: str) -> int:
    """``matrix``'s size, or an error if it is not square."""
    rows, cols = matrix.shape
    if rows != cols:
        raise AlgorithmInputError(f"{name} must be square (n x n), not {rows} x {cols}")
    return int(rows)


def _check_square(matrix: csr_matrix, name: str) -> int:
    rows = _square(matrix, name)
    if matrix.nnz and (matrix.data < 0).any():
        raise AlgorithmInputError(f"{name} must hold weights >= 0; put distrust in its own matrix")
    if matrix.nnz and not np.isfinite(matrix.data).all():
        raise AlgorithmInputError(f"{name} must hold finite weights")
    return rows
