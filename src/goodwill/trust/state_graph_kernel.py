"""The trust graph straight from the kept pairs, compiled and parallel: what a refresh
walks, without first reading every pair into memory.

:func:`~goodwill.trust.pair_reading.state_graph` builds the graph from a
:class:`~goodwill.trust.pair_reading.PairReading`: every pair's seven quantities at the
date, both parts concatenated, then one ordering sort. On a state of 15 million pairs
those copies and the sort were most of a refresh (several seconds, against a fraction of
one for the walk). Here each pair is read once, where it lies (the main part is the state
file's memory map), at the date (``phi * decaying + lasting``, plus its mixed groups'
share from a small side table), and only the four quantities the graph needs are read:

1. **entries** (parallel over pairs): each direction's trust, distrust and maturity, by
   :func:`~goodwill.trust.pair_graph.graph_csr`'s rules, into three small arrays;
2. **placement** (parallel over runs of pairs): a counting sort by row, each run
   counting its entries per row and then writing them into its own slots. The runs are
   ranges of pair codes, each visiting its main and tail pairs merged in code order, and
   a row's slots go to the runs in order, so every row's columns come out sorted (the
   reason :mod:`~goodwill.trust.pair_graph` gives, applied per run). Maturity is placed
   on trust's entries, so the walk weighs trust by it without matching two structures.

The rows of the pairs' higher people are all over the tables, so the counting and placing
are reads and writes at random places: the tables are kept small (4-byte slots and person
indices where they fit) and touched only where an entry is.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from goodwill.trust.pair_kernel import ACTS, SINCE

__all__ = ["pair_entries", "place_entries"]

# the reading's quantities (pair_reading's R, S, RJ, SJ, W, SG, SZ), as float columns of the
# state: quantity q is decaying column 2q and lasting column 2q + 1
S, W, SG, SZ = 1, 4, 5, 6


@numba.njit(cache=True, nogil=True)
def _value(floats: Any, extra: Any, row: int, p: int, side: int, q: int, phi: float) -> float:
    """Quantity ``q`` of pair ``p``'s direction ``side`` at the date."""
    value: float = phi * floats[p, side, 2 * q] + floats[p, side, 2 * q + 1]
    if row >= 0:
        value += extra[row, side, q]
    return value


@numba.njit(parallel=True, cache=True, nogil=True)
def pair_entries(
    floats: Any, ints: Any, extra_row: Any, extra: Any, phi: float, at_us: int, prior: float,
    span_us: float, trust: Any, distrust: Any, maturity: Any,
) -> None:  # fmt: skip
    """Each pair's and direction's trust, distrust and maturity at the date (``trust[p,
    side]`` ...), for the pairs of one part: ``floats`` and ``ints`` its columns,
    ``extra[extra_row[p]]`` what its mixed groups add (``extra_row[p] < 0``: none)."""
    for p in numba.prange(floats.shape[0]):
        row = extra_row[p]
        for side in range(2):
            other = 1 - side
            answer = 1.0
            if ints[p, other, ACTS] > 0:
                sizes = _value(floats, extra, row, p, other, SZ, phi)
                signed = _value(floats, extra, row, p, other, SG, phi)
                answer = 0.0 if sizes <= 0 else min(max(signed / sizes, 0.0), 1.0)
            weighed = _value(floats, extra, row, p, side, W, phi)
            vouched = weighed * answer if weighed > 0 else 0.0
            against = _value(floats, extra, row, p, side, S, phi)
            total = vouched + against + prior
            vouch = max(vouched - against, 0.0) / total
            matured = 1.0
            if span_us > 0:
                age = at_us - ints[p, side, SINCE] if weighed > 0 else 0
                matured = min(max(age / span_us, 0.0), 1.0)
            trust[p, side] = vouch
            distrust[p, side] = max(against - vouched, 0.0) / total
            maturity[p, side] = matured if vouch > 0 else 0.0


@numba.njit(cache=True, nogil=True)
def _next(main_code: Any, tail_code: Any, i: int, j: int, i_end: int, j_end: int) -> int:
    """Which part the next pair in code order comes from: 0 main, 1 tail."""
    if j >= j_end:
        return 0
    if i >= i_end:
        return 1
    return 0 if main_code[i] < tail_code[j] else 1


@numba.njit(cache=True, nogil=True)
def _slots(counts: Any) -> Any:
    """Each run's count of entries per row (``counts[run, row]``) turned into the run's
    first slot in the row, runs in order; returns the row pointers."""
    runs, n = counts.shape
    indptr = np.zeros(n + 1, np.int64)
    for row in range(n):
        slot = indptr[row]
        for run in range(runs):
            count = counts[run, row]
            counts[run, row] = slot
            slot += count
        indptr[row + 1] = slot
    return indptr


@numba.njit(parallel=True, cache=True, nogil=True)
def _count(main_bounds: Any, tail_bounds: Any, main_code: Any, tail_code: Any, dense: Any,
           trust: Any, distrust: Any, counts: Any) -> None:  # fmt: skip
    """``counts[m, run, row]``: how many entries above 0 each run puts in each row of
    trust (``m`` 0) and distrust (1)."""
    offset = main_code.size  # tail pairs follow the main ones in the values
    for run in numba.prange(main_bounds.size - 1):
        vouching, warning = counts[0, run], counts[1, run]
        i, j = main_bounds[run], tail_bounds[run]
        i_end, j_end = main_bounds[run + 1], tail_bounds[run + 1]
        while i < i_end or j < j_end:
            if _next(main_code, tail_code, i, j, i_end, j_end) == 0:
                p, code = i, main_code[i]
                i += 1
            else:
                p, code = offset + j, tail_code[j]
                j += 1
            # each row touched only where it gains an entry: the rows of the pairs' higher
            # people are all over the table, and most pairs warn neither way
            if trust[p, 0] > 0:
                vouching[dense[code >> 32]] += 1
            if trust[p, 1] > 0:
                vouching[dense[code & 0xFFFFFFFF]] += 1
            if distrust[p, 0] > 0:
                warning[dense[code >> 32]] += 1
            if distrust[p, 1] > 0:
                warning[dense[code & 0xFFFFFFFF]] += 1


@numba.njit(parallel=True, cache=True, nogil=True)
def _place(main_bounds: Any, tail_bounds: Any, main_code: Any, tail_code: Any, dense: Any,
           trust: Any, distrust: Any, maturity: Any, cursors: Any, vouches: Any,
           warnings: Any) -> None:  # fmt: skip
    """Every entry above 0 into its run's next slot of its row (``cursors[m, run, row]``):
    trust with its maturity (``vouches``: indices, trust, maturity), distrust
    (``warnings``: indices, distrust)."""
    offset = main_code.size
    t_indices, t_data, m_data = vouches
    d_indices, d_data = warnings
    for run in numba.prange(main_bounds.size - 1):
        vouching, warning = cursors[0, run], cursors[1, run]
        i, j = main_bounds[run], tail_bounds[run]
        i_end, j_end = main_bounds[run + 1], tail_bounds[run + 1]
        while i < i_end or j < j_end:
            if _next(main_code, tail_code, i, j, i_end, j_end) == 0:
                p, code = i, main_code[i]
                i += 1
            else:
                p, code = offset + j, tail_code[j]
                j += 1
            low, high = dense[code >> 32], dense[code & 0xFFFFFFFF]
            for side in (1, 0):  # toward the lower person first: columns stay sorted
                source, target = (high, low) if side == 1 else (low, high)
                if trust[p, side] > 0:
                    slot = vouching[source]
                    vouching[source] = slot + 1
                    t_indices[slot], t_data[slot] = target, trust[p, side]
                    m_data[slot] = maturity[p, side]
                if distrust[p, side] > 0:
                    slot = warning[source]
                    warning[source] = slot + 1
                    d_indices[slot], d_data[slot] = target, distrust[p, side]


def place_entries(
    main_bounds: Any, tail_bounds: Any, main_code: Any, tail_code: Any, dense: Any,
    values: Any, n: int,
) -> tuple[tuple[Any, Any, Any, Any], tuple[Any, Any, Any]]:  # fmt: skip
    """Trust as CSR (indptr, indices, data) with its maturity on the same entries (0 where
    the vouch is new), and distrust as CSR, from ``values`` (``(3, pairs, 2)``: trust,
    distrust, maturity; main pairs first, then the tail's). Run ``k`` visits main pairs
    ``main_bounds[k]:main_bounds[k+1]`` and tail pairs ``tail_bounds[k]:...`` merged;
    ``dense`` maps a person id to its index."""
    # slots within the matrices (two per pair at most): 4 bytes where they fit, so the
    # tables read at random are half the size
    wide = 2 * (main_code.size + tail_code.size) >= np.iinfo(np.int32).max
    counts = np.zeros((2, main_bounds.size - 1, n), np.int64 if wide else np.int32)
    args = (main_bounds, tail_bounds, main_code, tail_code, dense)
    _count(*args, values[0], values[1], counts)
    t_indptr, d_indptr = _slots(counts[0]), _slots(counts[1])
    vouches = (np.empty(t_indptr[-1], np.int32), np.empty(t_indptr[-1]), np.empty(t_indptr[-1]))
    warnings = (np.empty(d_indptr[-1], np.int32), np.empty(d_indptr[-1]))
    _place(*args, values[0], values[1], values[2], counts, vouches, warnings)
    return (t_indptr, *vouches), (d_indptr, *warnings)
