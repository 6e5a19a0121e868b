"""Events ordered by *occasion* (the unordered pair of people and the saturation window),
one 64-byte record each: the layout the kept pair state's scan
(:mod:`goodwill.trust.pair_kernel`) reads in order. (The evidence path sorts 8-byte keys
instead and gathers 32-byte records after: :mod:`goodwill.trust.occasion_keys`.)

A radix sort made to stay in cache, linear in the events rather than ``n log n`` over all
of them: records are first streamed into about a thousand partitions by the top bits of
the lower person (a thousand write streams, which the caches absorb, where a
person-by-person scatter misses on nearly every record), the input cut in parts counted
and moved in parallel; then each partition, a megabyte or so, is counting-sorted by the
lower person and each person's bucket sorted by (higher person, window), partitions in
parallel.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from goodwill.trust.evidence_kernel import (
    ACTOR_LOW,
    EARNED_COL,
    FLAGS_COL,
    HIGH_COL,
    KEY_COL,
    LOW_COL,
    ROW_BASE,
    ROWS_COL,
    STATED_COL,
    TIME_COL,
    WIDTH,
)  # fmt: skip

__all__ = ["pack_by_occasion"]

_SMALL = 16  # buckets up to this size are insertion-sorted
_PARTITIONS = 1024  # how many partitions the first pass of the sort streams records into


@numba.njit(parallel=True, cache=True)
def pack_by_occasion(
    actor: Any, target: Any, time_us: Any, window_us: int, lowest: int, span: int,
    earned: Any, stated: Any, flags: Any, row_earned: Any, row_stated: Any, n_nodes: int,
    parts: int, staged: Any, packed: Any,
) -> None:  # fmt: skip
    """Into ``packed``: the events with evidence rows (nonzero ``flags``), one record each
    (the ``*_COL`` columns), ordered by (lower person, higher person, window). Windows are
    ``time // window_us``, keyed from ``lowest`` (the first) over ``span``; the input is cut
    in ``parts`` for the first pass; ``staged`` is room for the records between passes."""
    size = flags.size
    bound = np.linspace(0, size, parts + 1).astype(np.int64)
    shift = 0
    while (n_nodes - 1) >> shift >= _PARTITIONS:
        shift += 1
    n_partitions = ((max(n_nodes, 1) - 1) >> shift) + 1
    count = np.zeros((parts, n_partitions), dtype=np.int64)
    for h in numba.prange(parts):
        for i in range(bound[h], bound[h + 1]):
            if flags[i]:
                count[h, min(actor[i], target[i]) >> shift] += 1
    start = np.zeros(n_partitions + 1, dtype=np.int64)
    cursor = np.empty((parts, n_partitions), dtype=np.int64)
    running = 0
    for partition in range(n_partitions):
        start[partition] = running
        for h in range(parts):
            cursor[h, partition] = running
            running += count[h, partition]
    start[n_partitions] = running
    real = staged.view(np.float64)
    for h in numba.prange(parts):
        for i in range(bound[h], bound[h + 1]):
            if not flags[i]:
                continue
            low, high = min(actor[i], target[i]), max(actor[i], target[i])
            at = cursor[h, low >> shift]
            cursor[h, low >> shift] = at + 1
            staged[at, LOW_COL] = low
            staged[at, KEY_COL] = high * span + (time_us[i] // window_us - lowest)
            staged[at, HIGH_COL] = high
            staged[at, FLAGS_COL] = flags[i] | (ACTOR_LOW if actor[i] == low else 0)
            staged[at, TIME_COL] = time_us[i]
            real[at, EARNED_COL] = earned[i]
            real[at, STATED_COL] = stated[i]
            staged[at, ROWS_COL] = (row_earned[i] + 1) * ROW_BASE + (row_stated[i] + 1)
    for partition in numba.prange(n_partitions):
        _sort_partition(staged, packed, start[partition], start[partition + 1],
                        partition << shift, 1 << shift)  # fmt: skip


@numba.njit(cache=True)
def _sort_partition(
    staged: Any, packed: Any, begin: int, end: int, first_node: int, nodes: int
) -> None:
    """Records ``begin .. end - 1`` of ``staged`` (lower people ``first_node ..
    first_node + nodes - 1``) into the same rows of ``packed``, sorted."""
    count = np.zeros(nodes + 1, dtype=np.int64)
    for q in range(begin, end):
        count[staged[q, LOW_COL] - first_node + 1] += 1
    offsets = np.cumsum(count)
    cursor = offsets[:-1].copy() + begin
    for q in range(begin, end):
        at = cursor[staged[q, LOW_COL] - first_node]
        cursor[staged[q, LOW_COL] - first_node] = at + 1
        for c in range(WIDTH):
            packed[at, c] = staged[q, c]
    largest = 0
    for node in range(nodes):
        largest = max(largest, offsets[node + 1] - offsets[node])
    scratch = np.empty((largest, WIDTH), dtype=np.int64)
    for node in range(nodes):
        _sort_bucket(packed, begin + offsets[node], begin + offsets[node + 1], scratch)


@numba.njit(cache=True)
def _sort_bucket(packed: Any, begin: int, end: int, scratch: Any) -> None:
    """Records ``begin .. end - 1`` sorted by their key (``scratch``: room for them)."""
    if end - begin > _SMALL:
        order = np.argsort(packed[begin:end, KEY_COL])
        for q in range(end - begin):
            for c in range(WIDTH):
                scratch[q, c] = packed[begin + order[q], c]
        for q in range(end - begin):
            for c in range(WIDTH):
                packed[begin + q, c] = scratch[q, c]
        return
    for q in range(begin + 1, end):  # insertion sort of whole records
        key = packed[q, KEY_COL]
        if packed[q - 1, KEY_COL] <= key:
            continue
        for c in range(WIDTH):
            scratch[0, c] = packed[q, c]
        r = q - 1
        while r >= begin and packed[r, KEY_COL] > key:
            for c in range(WIDTH):
                packed[r + 1, c] = packed[r, c]
            r -= 1
        for c in range(WIDTH):
            packed[r + 1, c] = scratch[0, c]
