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
from goodwill.trust.evidence_kernel import HAS_EARNED, HAS_STATED, weigh
from goodwill.trust.evidence_places import (
    REC_PAIR_EARNED,
    REC_PAIR_STATED,
    STAGED_WIDTH,
    bucket_shift,
    count_pairs,
    groups,
    place_staged,
    unsort,
)
from goodwill.trust.evidence_scan import scan
from goodwill.trust.occasion_keys import REC_WIDTH, layout, sort_by_occasion
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
    actor: Any, target: Any, earned: Any, stated: Any, flags: Any, records: Any,
    n_earned: int, truster: Any, trustee: Any, event: Any, decayed: Any,
    row_pair: Any, contribution: Any,
) -> None:  # fmt: skip
    """The evidence rows (earned rows in event order, then stated rows: truster, trustee,
    event, decayed weight, and the pair and contribution the scan left in the event's
    record).

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
    real = records.view(np.float64)
    for h in numba.prange(parts):
        e, s = counts[h, 0], n_earned + counts[h, 1]
        for i in range(bound[h], bound[h + 1]):
            if flags[i] & HAS_EARNED:
                truster[e], trustee[e], event[e], decayed[e] = target[i], actor[i], i, earned[i]
                row_pair[e], contribution[e] = records[i, REC_PAIR_EARNED], real[i, 0]
                e += 1
            if flags[i] & HAS_STATED:
                truster[s], trustee[s], event[s], decayed[s] = actor[i], target[i], i, stated[i]
                row_pair[s], contribution[s] = records[i, REC_PAIR_STATED], real[i, 1]
                s += 1


def windows(table: EventTable, policy: Policy) -> tuple[int, int, int]:
    """The policy's window length, the table's first window and how many it spans."""
    window_us = int(policy.window_days * _US_PER_DAY)
    if not len(table):
        return window_us, 0, 1
    lowest = int(table.time_us.min()) // window_us
    return window_us, lowest, int(table.time_us.max()) // window_us - lowest + 1


def fits(table: EventTable, policy: Policy) -> bool:
    """Whether the table's sizes fit the sort's 64-bit keys and words (see
    :class:`~goodwill.trust.occasion_keys.OccasionLayout`)."""
    return layout(table.n_nodes, windows(table, policy)[2], len(table), len(table)).fits()


def compute_evidence_fast(table: EventTable, policy: Policy, at_us: int) -> Evidence:
    """Every pair's evidence from the events at or before ``at_us``, decayed to ``at_us``.

    Every large array is allocated here, by numpy, and filled by the kernels (numpy
    allocates large arrays on huge pages; numba's own allocations fault in every 4 KiB
    page)."""
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
    n_records = int(np.count_nonzero(flags))
    window_us, lowest, span = windows(table, policy)
    shape = layout(table.n_nodes, span, size, n_records)
    threads = numba.get_num_threads()
    words, start, ordered = sort_by_occasion(
        table.actor, table.target, table.time_us, window_us, lowest, earned, stated, flags,
        shape, n_records, threads,
    )  # fmt: skip
    cut = groups(start, threads)
    bits = (shape.index_bits, shape.window_bits, shape.high_bits, shape.low_key_bits)
    shift = bucket_shift(table.n_nodes)
    cursor = np.empty((threads, 2, table.n_nodes), np.int64)
    n_pairs, staging, bucket_start = count_pairs(
        words, start, cut, ordered, table.n_nodes, *bits, shift, np.zeros_like(cursor), cursor
    )
    truster_of, trustee_of, first, last, rows = (np.empty(n_pairs, np.int64) for _ in range(5))
    sums = np.empty((4, n_pairs))
    staged = np.empty((bucket_start[-1], STAGED_WIDTH), np.int64)
    pair_columns = (truster_of, trustee_of, first, last, rows, sums)
    scan(words, start, cut, ordered, cursor, *bits, policy.ceiling, policy.reciprocity_bonus,
         staging, shift, staged, *pair_columns)  # fmt: skip
    place = np.empty(len(staged), np.int64)
    place_staged(staged, bucket_start, cursor, threads, place, *pair_columns)
    del staged, cursor
    records = np.empty((size, REC_WIDTH), np.int64)
    unsort(words, ordered, place, shape.index_bits, records)
    del words, ordered, place
    truster, trustee, row_event, row_pair = (np.empty(n_rows, np.int64) for _ in range(4))
    decayed, contribution = np.empty(n_rows), np.empty(n_rows)
    _rows(table.actor, table.target, earned, stated, flags, records, n_earned,
          truster, trustee, row_event, decayed, row_pair, contribution)  # fmt: skip
    del records, earned, stated
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
