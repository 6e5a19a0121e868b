"""Evidence for tables of millions of events: the compiled path of ``compute_evidence``.

:func:`compute_evidence_fast` returns the same :class:`~goodwill.trust.evidence.Evidence`
as the numpy path (rows in the same order, pairs sorted by truster then trustee, values
equal to rounding), from the kernels in :mod:`goodwill.trust.evidence_kernel`. It holds no
Python object per event: every step is a compiled loop or a numpy call over columns.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from goodwill.trust.evidence import EARNED, STATED, EventTable, Evidence
from goodwill.trust.evidence_kernel import (
    HAS_EARNED,
    HAS_STATED,
    ROW_LIMIT,
    WIDTH,
    count_pairs,
    scan,
    weigh,
)
from goodwill.trust.occasion_sort import pack_by_occasion
from goodwill.trust.policy import Policy

__all__ = ["compute_evidence_fast", "fits", "rule_columns", "windows"]

_US_PER_DAY = 86_400 * 1_000_000


def rule_columns(table: EventTable, policy: Policy) -> tuple[Any, Any, Any, Any, Any]:
    """The policy's rule for each kind code as columns: earns, states, value scale (NaN for
    none), lasting, and whether what is earned is only a reaction (no standing)."""
    rules = [policy.rule(kind) for kind in table.kinds]
    return (
        np.array([r.earns for r in rules], dtype=np.float64),
        np.array([r.states for r in rules], dtype=np.float64),
        np.array([np.nan if r.value_scale is None else r.value_scale for r in rules]),
        np.array([r.lasting for r in rules], dtype=np.bool_),
        np.array([not r.earns_standing for r in rules], dtype=np.bool_),
    )


@numba.njit(parallel=True, cache=True)
def _rows(
    actor: Any, target: Any, earned: Any, stated: Any, flags: Any, n_earned: int,
    truster: Any, trustee: Any, event: Any, decayed: Any, row_earned: Any, row_stated: Any,
) -> None:  # fmt: skip
    """The evidence rows (earned rows in event order, then stated rows: truster, trustee,
    event, decayed weight), and each event's row numbers (-1 for none).

    Each part of the events finds where its rows start by counting the parts before it, so
    the parts fill their rows in parallel."""
    parts = 64
    bound = np.linspace(0, flags.size, parts + 1).astype(np.int64)
    counts = np.zeros((parts + 1, 2), np.int64)
    for h in numba.prange(parts):
        for i in range(bound[h], bound[h + 1]):
            counts[h + 1, 0] += (flags[i] & HAS_EARNED) != 0
            counts[h + 1, 1] += (flags[i] & HAS_STATED) != 0
    for h in range(parts):
        counts[h + 1, :] += counts[h, :]
    for h in numba.prange(parts):
        e, s = counts[h, 0], n_earned + counts[h, 1]
        for i in range(bound[h], bound[h + 1]):
            row_earned[i] = row_stated[i] = -1
            if flags[i] & HAS_EARNED:
                truster[e], trustee[e], event[e], decayed[e] = target[i], actor[i], i, earned[i]
                row_earned[i] = e
                e += 1
            if flags[i] & HAS_STATED:
                truster[s], trustee[s], event[s], decayed[s] = actor[i], target[i], i, stated[i]
                row_stated[i] = s
                s += 1


@numba.njit(parallel=True, cache=True)
def _columns(
    row_records: Any, row_real: Any, pair_records: Any, pair_real: Any,
    row_pair: Any, contribution: Any,
    truster: Any, trustee: Any, first: Any, last: Any, rows: Any, sums: Any,
) -> None:  # fmt: skip
    """The scan's row and pair records (``*_real``: the same, read as float64) split into
    the columns of :class:`Evidence`. (Arrays come one by one: a parallel loop's writes
    into arrays unpacked from a tuple argument are lost in numba 0.6x.)"""
    for r in numba.prange(row_pair.size):
        row_pair[r] = row_records[r, 0]
        contribution[r] = row_real[r, 1]
    for s in numba.prange(truster.size):
        truster[s] = pair_records[s, 0]
        trustee[s] = pair_records[s, 1]
        first[s] = pair_records[s, 2]
        last[s] = pair_records[s, 3]
        rows[s] = pair_records[s, 4]
        for k in range(4):
            sums[k, s] = pair_real[s, 5 + k]


def windows(table: EventTable, policy: Policy) -> tuple[int, int, int]:
    """The policy's window length, the table's first window and how many it spans."""
    window_us = int(policy.window_days * _US_PER_DAY)
    if not len(table):
        return window_us, 0, 1
    lowest = int(table.time_us.min()) // window_us
    return window_us, lowest, int(table.time_us.max()) // window_us - lowest + 1


def fits(table: EventTable, policy: Policy) -> bool:
    """Whether the table's sizes fit the packed records: row numbers below 2^31 and
    (person, window) keys within int64."""
    return 2 * len(table) < ROW_LIMIT and table.n_nodes * windows(table, policy)[2] < 2**62


def compute_evidence_fast(table: EventTable, policy: Policy, at_us: int) -> Evidence:
    """Every pair's evidence from the events at or before ``at_us``, decayed to ``at_us``.

    Every large array is allocated here, by numpy, and filled by the kernels."""
    size = len(table)
    earned, stated, flags = np.empty(size), np.empty(size), np.empty(size, np.uint8)
    weigh(
        table.actor, table.target, table.kind, table.time_us, table.value,
        *rule_columns(table, policy),
        at_us, at_us, policy.half_life_days * _US_PER_DAY, policy.negative_factor,
        earned, stated, flags,
    )  # fmt: skip
    n_earned = int(np.count_nonzero(flags & HAS_EARNED))
    n_rows = n_earned + int(np.count_nonzero(flags & HAS_STATED))
    truster, trustee, row_event = (np.empty(n_rows, np.int64) for _ in range(3))
    decayed = np.empty(n_rows)
    row_earned, row_stated = np.empty(size, np.int64), np.empty(size, np.int64)
    _rows(table.actor, table.target, earned, stated, flags, n_earned,
          truster, trustee, row_event, decayed, row_earned, row_stated)  # fmt: skip
    window_us, lowest, span = windows(table, policy)
    n_records = int(np.count_nonzero(flags))
    packed = np.empty((n_records, WIDTH), np.int64)
    staged = np.empty((n_records, WIDTH), np.int64)
    pack_by_occasion(
        table.actor, table.target, table.time_us, window_us, lowest, span, earned, stated,
        flags, row_earned, row_stated, table.n_nodes, numba.get_num_threads(), staged, packed,
    )  # fmt: skip
    del staged, earned, stated, row_earned, row_stated
    cut, cursor, n_pairs = count_pairs(packed, table.n_nodes)
    row_records, pair_records = np.empty((n_rows, 2), np.int64), np.empty((n_pairs, 9), np.int64)
    scan(packed, cut, cursor, policy.ceiling, policy.reciprocity_bonus, row_records, pair_records)
    del packed
    row_pair, contribution = np.empty(n_rows, np.int64), np.empty(n_rows)
    truster_of, trustee_of, first, last, rows = (np.empty(n_pairs, np.int64) for _ in range(5))
    sums = np.empty((4, n_pairs))
    _columns(row_records, row_records.view(np.float64), pair_records,
             pair_records.view(np.float64), row_pair, contribution,
             truster_of, trustee_of, first, last, rows, sums)  # fmt: skip
    del row_records, pair_records
    channel = np.full(n_rows, STATED, dtype=np.int64)
    channel[:n_earned] = EARNED
    return Evidence(
        row_truster=truster,
        row_trustee=trustee,
        row_event=row_event,
        row_channel=channel,
        row_decayed=decayed,
        row_contribution=contribution,
        row_pair=row_pair,
        truster=truster_of,
        trustee=trustee_of,
        positive=sums[0],
        negative=sums[1],
        first_us=first,
        last_us=last,
        events=rows,
        judged_positive=sums[2],
        judged_negative=sums[3],
        n_nodes=table.n_nodes,
        at_us=at_us,
    )
