"""Where the evidence scan's pairs and rows go: the places of the pairs among all pairs
sorted by (truster, trustee), counted before the scan, and the moves after it.

Each group of partitions (one per thread, :func:`groups`) meets each unordered pair of
people once, as a run of words (:func:`pair_end`). :func:`count_pairs` counts, per group
and person, the pairs toward lower and toward higher people, and lays out their places: a
person's pairs toward lower people come first (in the order the groups meet them), then
those toward higher people. The scan (:mod:`goodwill.trust.evidence_scan`) writes pairs
toward higher people at their places as it meets them, in order, and stages the others by
bucket of trusters; :func:`place_staged` puts those in place bucket by bucket, and
:func:`unsort` takes the records back to event order for the rows.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from goodwill.trust.evidence_kernel import ACTOR_LOW, HAS_EARNED, HAS_STATED
from goodwill.trust.occasion_keys import REC_FLAGS, REC_TIME

__all__ = [
    "REC_PAIR_EARNED",
    "REC_PAIR_STATED",
    "STAGED_WIDTH",
    "bucket_shift",
    "count_pairs",
    "groups",
    "pair_end",
    "place_staged",
    "unsort",
]

# what the scan writes over a record's time and flags: the pairs of its two rows
REC_PAIR_EARNED, REC_PAIR_STATED = REC_TIME, REC_FLAGS
# a staged pair: truster, trustee, first, last, rows, then r, s, judged r and s
STAGED_WIDTH = 9
_BUCKETS = 1024  # about how many buckets of trusters pairs toward lower people are staged in


def bucket_shift(n_nodes: int) -> int:
    """How far a person's index is shifted to give their bucket (about :data:`_BUCKETS`)."""
    return max(0, (max(n_nodes, 1) - 1).bit_length() - (_BUCKETS - 1).bit_length())


def groups(start: Any, threads: int) -> Any:
    """Where each thread's partitions begin (``threads + 1`` partition numbers), cut so
    that each holds about as many records."""
    n_partitions = start.size - 1
    wanted = np.arange(threads + 1) * (start[-1] / threads)
    cut = np.searchsorted(start[:-1], wanted[1:-1])
    return np.concatenate(([0], np.minimum(cut, n_partitions), [n_partitions])).astype(np.int64)


@numba.njit(cache=True, inline="always")
def pair_end(words: Any, q: int, end: int, pair_shift: int) -> int:
    """Where the run of words about the same two people that starts at ``q`` ends."""
    pair = words[q] >> pair_shift
    r = q + 1
    while r < end and words[r] >> pair_shift == pair:
        r += 1
    return r


@numba.njit(parallel=True, cache=True)
def count_pairs(
    words: Any, start: Any, cut: Any, ordered: Any, n_nodes: int,
    index_bits: int, window_bits: int, high_bits: int, low_key_bits: int, bucket_shift: int,
    counts: Any, cursor: Any,
) -> tuple[int, Any, Any]:  # fmt: skip
    """Into ``cursor``, where each group writes each person's pairs (``counts``: zeros of
    the same shape, ``(threads, 2, n_nodes)``); how many pairs there are, and where each
    group stages its pairs toward lower people, per bucket of trusters.

    ``cursor[g, 0, i]`` is the place of group ``g``'s first pair from ``i`` toward a higher
    person, ``cursor[g, 1, i]`` toward a lower one, among all pairs sorted by (truster,
    trustee). ``staging[g, b]`` is where group ``g``'s first pair toward a lower person
    from a truster ``i`` with ``i >> bucket_shift == b`` goes in the staging records, whose
    bucket ``b`` starts at ``bucket_start[b]``."""
    threads = cut.size - 1
    high_mask = (np.int64(1) << high_bits) - 1
    pair_shift = index_bits + window_bits
    for g in numba.prange(threads):
        for p in range(cut[g], cut[g + 1]):
            q, end = start[p], start[p + 1]
            while q < end:
                block_end = pair_end(words, q, end, pair_shift)
                seen = 0
                for r in range(q, block_end):
                    f = ordered[r, REC_FLAGS]
                    if f & HAS_EARNED:  # the target trusts the actor
                        seen |= 2 if f & ACTOR_LOW else 1
                    if f & HAS_STATED:  # the actor trusts the target
                        seen |= 1 if f & ACTOR_LOW else 2
                pair = (p << (low_key_bits - window_bits)) | (words[q] >> pair_shift)
                if seen & 1:
                    counts[g, 0, pair >> high_bits] += 1
                if seen & 2:
                    counts[g, 1, pair & high_mask] += 1
                q = block_end
    n_buckets = ((max(n_nodes, 1) - 1) >> bucket_shift) + 1
    staging = np.zeros((threads, n_buckets), np.int64)
    at = 0
    for i in range(n_nodes):
        for kind in (1, 0):  # toward lower people first
            for g in range(threads):
                cursor[g, kind, i] = at
                at += counts[g, kind, i]
        for g in range(threads):
            staging[g, i >> bucket_shift] += counts[g, 1, i]
    bucket_start = np.zeros(n_buckets + 1, np.int64)
    staged = 0
    for b in range(n_buckets):
        bucket_start[b] = staged
        for g in range(threads):
            staged, staging[g, b] = staged + staging[g, b], staged
    bucket_start[n_buckets] = staged
    return at, staging, bucket_start


@numba.njit(parallel=True, cache=True)
def place_staged(
    staged: Any, bucket_start: Any, cursor: Any, threads: int, place: Any,
    truster: Any, trustee: Any, first: Any, last: Any, events: Any, sums: Any,
) -> None:  # fmt: skip
    """Every staged pair's columns at its place, and that place into ``place``; buckets
    dealt round-robin to threads. A bucket holds the first group's pairs, then the
    second's, each in scan order: the order of their places, which follow one another from
    the first group's cursor."""
    real = staged.view(np.float64)
    n_buckets = bucket_start.size - 1
    for h in numba.prange(threads):
        for b in range(h, n_buckets, threads):
            for q in range(bucket_start[b], bucket_start[b + 1]):
                s = cursor[0, 1, staged[q, 0]]
                cursor[0, 1, staged[q, 0]] = s + 1
                place[q] = s
                truster[s], trustee[s] = staged[q, 0], staged[q, 1]
                first[s], last[s], events[s] = staged[q, 2], staged[q, 3], staged[q, 4]
                for k in range(4):
                    sums[k, s] = real[q, 5 + k]


@numba.njit(parallel=True, cache=True)
def unsort(words: Any, ordered: Any, place: Any, index_bits: int, records: Any) -> None:
    """Each record of ``ordered`` back to its event's place in ``records``: its two rows'
    contributions, then their pairs, those staged read through ``place``. (Done here, in
    a loop whose reads do not wait on one another, so that the rows pass after it reads in
    sequence.)"""
    index_mask = (np.int64(1) << index_bits) - 1
    for q in numba.prange(words.size):
        i = words[q] & index_mask
        records[i, 0] = ordered[q, 0]
        records[i, 1] = ordered[q, 1]
        for c in (REC_PAIR_EARNED, REC_PAIR_STATED):
            pair = ordered[q, c]
            records[i, c] = pair if pair >= 0 else place[-1 - pair]
