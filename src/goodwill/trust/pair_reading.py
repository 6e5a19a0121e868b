"""Reading a :class:`~goodwill.trust.pair_state.PairState` at a date: every pair's evidence,
and the trust graph network trust walks.

:func:`read_at` is ``phi * decaying + lasting`` plus every mixed group saturated at that
date (the only per-group work left, and only for the few groups that mix lasting and
decaying acts). :func:`pair_evidence` lists the result per ordered pair as
:class:`~goodwill.trust.evidence.Evidence` does; :func:`state_graph` builds the same
:class:`~goodwill.trust.network_graph.TrustGraph` as
:func:`~goodwill.trust.network_graph.trust_graph` would from the full evidence, by the
same rules (investment weighed by how personal and how answered, vouching and warning,
maturity), per pair at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]  # scipy ships no stubs

from goodwill.trust.evidence import saturate
from goodwill.trust.network_graph import MATURITY_DAYS, TrustGraph
from goodwill.trust.pair_graph import graph_csr
from goodwill.trust.pair_kernel import EVENTS, FIRST, LAST, MIXED_FLOATS
from goodwill.trust.pair_state import US_PER_DAY, PairState
from goodwill.trust.policy import Policy
from goodwill.trust.state_graph_kernel import pair_entries, place_entries

__all__ = ["PairEvidence", "PairReading", "graph_at", "pair_evidence", "read_at", "state_graph"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
# the quantities read per pair and direction
R, S, RJ, SJ, W, SG, SZ = range(7)
_M = {name: i for i, name in enumerate(MIXED_FLOATS)}


@dataclass(frozen=True, slots=True)
class PairReading:
    """Per unordered pair (``low``, ``high`` person ids) and direction (0: low toward high)
    the seven quantities (r, s, judged r, judged s; weighed, signed and sizes of acts) at
    ``at_us``, and the int columns (first, last, events, since, acts)."""

    low: Ints
    high: Ints
    values: Floats  # (pairs, 2, 7)
    ints: Ints  # (pairs, 2, 5)
    at_us: int


@dataclass(frozen=True, slots=True)
class PairEvidence:
    """Evidence per ordered pair of person ids (sorted by truster, then trustee)."""

    truster: Ints
    trustee: Ints
    positive: Floats
    negative: Floats
    judged_positive: Floats
    judged_negative: Floats
    first_us: Ints
    last_us: Ints
    events: Ints


def read_at(state: PairState, at_us: int, policy: Policy) -> PairReading:
    """Every pair of ``state`` as of ``at_us`` (its main part, then its tail)."""
    phi = float(np.exp2(-(at_us - state.reference_us) / (policy.half_life_days * US_PER_DAY)))
    main, tail = state.parts()
    code = np.concatenate([main.code, tail.code])
    values = np.concatenate([phi * part.floats[:, :, 0::2] + part.floats[:, :, 1::2]
                             for part in (main, tail)])  # fmt: skip
    if len(state.mixed):
        in_main = _positions(main.code, state.mixed_key[:, 0])
        in_tail = _positions(tail.code, state.mixed_key[:, 0]) + len(main)
        _add_mixed(values, state, np.where(in_main >= 0, in_main, in_tail), phi, policy.ceiling)
    low = code >> 32
    ints = np.concatenate([main.ints, tail.ints])
    return PairReading(low, code - (low << 32), values, ints, at_us)


def _positions(sorted_codes: Ints, codes: Ints) -> Ints:
    """Where each of ``codes`` is in ``sorted_codes``, -1 where it is not."""
    if not len(sorted_codes):
        return np.full(len(codes), -1, np.int64)
    at = np.minimum(np.searchsorted(sorted_codes, codes), len(sorted_codes) - 1)
    return np.where(sorted_codes[at] == codes, at, -1).astype(np.int64)


def _add_mixed(values: Floats, state: PairState, pair: Ints, phi: float, ceiling: float) -> None:
    """Each mixed group saturated at the date, added into its pair's quantities."""
    m = state.mixed
    higher, negative = state.mixed_key[:, 1], state.mixed_key[:, 2].astype(bool)
    earned = m[:, _M["le"]] + phi * m[:, _M["de"]]
    stated = m[:, _M["ls"]] + phi * m[:, _M["ds"]]
    total = earned + stated
    share = _share(total, np.maximum(m[:, _M["lmax"]], phi * m[:, _M["dmax"]]), ceiling)
    share = share * m[:, _M["bonus"]]
    judged = m[:, _M["lej"]] + phi * m[:, _M["dej"]] + stated
    strongest = np.maximum(m[:, _M["lmaxj"]], phi * m[:, _M["dmaxj"]])
    judged_share = _share(judged, strongest, ceiling) * m[:, _M["judged_bonus"]]
    _add(values, pair, higher, np.where(negative, S, R), total * share)
    _add(values, pair, higher, np.where(negative, SJ, RJ), judged * judged_share)
    for part, side, care in (
        (earned * share, 1 - higher, m[:, _M["personal_e"]]),
        (stated * share, higher, m[:, _M["personal_s"]]),
    ):
        vouched = np.where(negative, 0.0, part * care)
        _add(values, pair, side, W, vouched)
        _add(values, pair, side, SG, np.where(negative, -part, vouched))
        _add(values, pair, side, SZ, part)


def _add(values: Floats, pair: Ints, side: Ints, quantity: Ints | int, amount: Floats) -> None:
    """``values[pair, side, quantity] += amount``, repeated indices adding up."""
    flat = (pair * 2 + side) * values.shape[2] + quantity
    np.add.at(values.reshape(-1), flat, amount)


def _share(total: Floats, strongest: Floats, ceiling: float) -> Floats:
    """What a group counts for, as a share of its total (0 for an empty group)."""
    counted = saturate(total, strongest, ceiling)
    return np.divide(counted, total, out=np.zeros_like(total), where=total > 0)


def pair_evidence(reading: PairReading) -> PairEvidence:
    """The evidence of every ordered pair with evidence rows."""
    has = reading.ints[:, :, EVENTS] > 0
    side = np.broadcast_to(np.arange(2), has.shape)[has]
    low = np.broadcast_to(reading.low[:, None], has.shape)[has]
    high = np.broadcast_to(reading.high[:, None], has.shape)[has]
    truster, trustee = np.where(side == 0, low, high), np.where(side == 0, high, low)
    order = np.lexsort((trustee, truster))
    values, ints = reading.values[has][order], reading.ints[has][order]
    return PairEvidence(
        truster[order], trustee[order], values[:, R], values[:, S], values[:, RJ],
        values[:, SJ], ints[:, FIRST], ints[:, LAST], ints[:, EVENTS],
    )  # fmt: skip


def state_graph(
    reading: PairReading, people: Ints, policy: Policy, maturity_days: float = MATURITY_DAYS
) -> TrustGraph:
    """The trust graph over the dense indices of ``people`` (sorted person ids), built by
    :func:`~goodwill.trust.pair_graph.graph_csr`."""
    dense = np.full(int(people[-1]) + 1 if len(people) else 0, -1, dtype=np.int64)
    dense[people] = np.arange(len(people))  # person id -> index, without a search per pair
    low, high = dense[reading.low], dense[reading.high]
    code = (reading.low << 32) | reading.high
    order = np.argsort(code, kind="stable")  # two sorted runs (main, tail): one merge
    n = len(people)
    trust, distrust, maturity = (
        csr_matrix((data, indices, indptr), shape=(n, n))
        for indptr, indices, data in graph_csr(
            order, low, high, reading.values, reading.ints, n, reading.at_us,
            policy.prior_weight, maturity_days * US_PER_DAY,
        )
    )  # fmt: skip
    return TrustGraph(trust=trust, distrust=distrust, maturity=maturity)


def graph_at(
    state: PairState, people: Ints, at_us: int, policy: Policy,
    maturity_days: float = MATURITY_DAYS,
) -> TrustGraph:  # fmt: skip
    """:func:`state_graph` of :func:`read_at`, the same matrices (to rounding: a pair's
    mixed groups are summed before they are added; and maturity lies on trust's entries,
    0 where a vouch is new, so the walk weighs trust by it entry by entry), without
    reading every pair into memory first: each pair is read once where it lies, for what
    the graph needs (:mod:`goodwill.trust.state_graph_kernel`). What a refresh walks on."""
    phi = float(np.exp2(-(at_us - state.reference_us) / (policy.half_life_days * US_PER_DAY)))
    main, tail = state.parts()
    n, total = len(people), len(main) + len(tail)
    extra_row = np.full(total, -1, np.int64)
    extra = np.zeros((0, 2, 7))
    if len(state.mixed):
        in_main = _positions(main.code, state.mixed_key[:, 0])
        in_tail = _positions(tail.code, state.mixed_key[:, 0]) + len(main)
        holders, group_row = np.unique(np.where(in_main >= 0, in_main, in_tail),
                                       return_inverse=True)  # fmt: skip
        extra = np.zeros((len(holders), 2, 7))
        _add_mixed(extra, state, group_row.astype(np.int64), phi, policy.ceiling)
        extra_row[holders] = np.arange(len(holders))
    values = np.empty((3, total, 2))
    span_us = maturity_days * US_PER_DAY
    for part, start in ((main, 0), (tail, len(main))):
        stop = start + len(part)
        pair_entries(part.floats, part.ints, extra_row[start:stop], extra, phi, at_us,
                     policy.prior_weight, span_us, *(values[m, start:stop] for m in range(3)))  # fmt: skip
    dense = np.full(int(people[-1]) + 1 if len(people) else 0, -1, dtype=np.int32)
    dense[people] = np.arange(n)  # 4 bytes a person: read at random, half the cache
    runs = max(1, min(numba.get_num_threads(), len(main)))
    main_bounds = np.linspace(0, len(main), runs + 1).astype(np.int64)
    tail_bounds = np.searchsorted(tail.code, main.code[main_bounds[1:-1]]).astype(np.int64)
    tail_bounds = np.concatenate([[0], tail_bounds, [len(tail)]]).astype(np.int64)
    (t_indptr, t_indices, t_data, m_data), (d_indptr, d_indices, d_data) = place_entries(
        main_bounds, tail_bounds, np.asarray(main.code), np.asarray(tail.code), dense, values, n
    )
    trust = csr_matrix((t_data, t_indices, t_indptr), shape=(n, n))
    maturity = csr_matrix((m_data, trust.indices, trust.indptr), shape=(n, n))
    distrust = csr_matrix((d_data, d_indices, d_indptr), shape=(n, n))
    return TrustGraph(trust=trust, distrust=distrust, maturity=maturity)
