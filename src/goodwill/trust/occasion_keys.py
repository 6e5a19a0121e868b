"""Events ordered by *occasion* (the unordered pair of people and the saturation window) as
one sorted array of 64-bit words: what the evidence scan of
:mod:`goodwill.trust.evidence_scan` walks.

An occasion's key packs the lower person, the higher person and the window into one integer,
``low << (high_bits + window_bits) | high << window_bits | window``, so sorting keys sorts
by (low, high, window), and a pair or an occasion is a run of equal shifted keys. The sort
moves 8 bytes per event rather than whole records:

1. :func:`occasion_keys` (parallel, one pass over the events): each event's key and each
   part of the input's count per *partition* (the top ``partition_bits`` of the key);
2. a scatter of ``(key's lower bits) << index_bits | event`` words into the partitions
   (a thousand or two write streams, which the caches absorb);
3. an LSD radix sort of each partition (about 16,000 words, in cache) on its key bits.
   Words of equal key keep their event order, since each partition receives them in
   event order and each pass is stable: the order is the same on every run;
4. each word's 32-byte record (weights, time, flags) gathered from the event columns into
   the words' order, in a loop that does nothing else (so that many loads are in flight
   at once): what the scan reads in sequence and writes its results over.

A pair never straddles two partitions (the partition bits never reach the window bits),
so partitions are the unit of parallel work for the scan as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

from goodwill.trust.evidence_kernel import ACTOR_LOW

__all__ = [
    "REC_FLAGS",
    "REC_TIME",
    "REC_WIDTH",
    "OccasionLayout",
    "layout",
    "sort_by_occasion",
]

# the columns of an event's record (int64; the two weights stored as float64 bits)
REC_EARNED, REC_STATED, REC_TIME, REC_FLAGS = range(4)
REC_WIDTH = 4
_DIGIT_BITS = 12  # the widest digit of the in-cache radix sort (a 32 KiB histogram)
_SMALL = 48  # partitions up to this size are insertion-sorted
_PARTITION_RECORDS = 1 << 14  # about how many records a partition should hold
_MOST_PARTITION_BITS = 20


@dataclass(frozen=True)
class OccasionLayout:
    """How a table's keys and words are laid out (bit widths and shifts)."""

    high_bits: int  # bits of a person index
    window_bits: int  # bits of a window number (from the table's first window)
    index_bits: int  # bits of an event's position in the table
    partition_bits: int  # the key's top bits that choose its partition

    @property
    def key_bits(self) -> int:
        return 2 * self.high_bits + self.window_bits

    @property
    def low_key_bits(self) -> int:
        """The key bits a word keeps (those below the partition bits)."""
        return self.key_bits - self.partition_bits

    def fits(self) -> bool:
        """Whether keys fit an int64 and words (lower key bits and event) do as well."""
        return (
            self.key_bits <= 62
            and self.low_key_bits + self.index_bits <= 63
            and self.partition_bits <= _MOST_PARTITION_BITS
        )


def layout(n_nodes: int, span: int, size: int, n_records: int) -> OccasionLayout:
    """The layout for ``size`` events (``n_records`` with evidence rows) over ``n_nodes``
    people and ``span`` windows: about :data:`_PARTITION_RECORDS` records per partition,
    more partitions if the words need them, never so many that a pair straddles two."""
    high_bits = max(1, (n_nodes - 1).bit_length())
    window_bits = (max(span, 1) - 1).bit_length()
    index_bits = max(1, (size - 1).bit_length())
    wanted = (n_records // _PARTITION_RECORDS).bit_length()
    needed = 2 * high_bits + window_bits + index_bits - 63
    partition_bits = min(max(wanted, needed, 0), 2 * high_bits)
    return OccasionLayout(high_bits, window_bits, index_bits, partition_bits)


def sort_by_occasion(
    actor: Any, target: Any, time_us: Any, window_us: int, lowest: int,
    earned: Any, stated: Any, flags: Any, shape: OccasionLayout, n_records: int, threads: int,
) -> tuple[Any, Any, Any]:  # fmt: skip
    """The words of the events with evidence rows (nonzero ``flags``) sorted by occasion,
    where each partition's words start (``n_partitions + 1`` offsets), and their events'
    records (the ``REC_*`` columns) in the words' order.

    Marks ``flags`` with :data:`ACTOR_LOW` where the actor is the lower person."""
    size = flags.size
    bound = np.linspace(0, size, threads + 1).astype(np.int64)
    n_partitions = 1 << shape.partition_bits
    count = np.zeros((threads, n_partitions), np.int64)
    scratch = np.empty(size, np.int64)  # the keys first, then room for the sort
    keys = scratch
    occasion_keys(actor, target, time_us, window_us, lowest, flags, shape.high_bits,
                  shape.window_bits, shape.low_key_bits, bound, count, keys)  # fmt: skip
    cursor = np.ascontiguousarray(np.cumsum(count.T.ravel()).reshape(n_partitions, threads).T)
    cursor -= count
    start = np.append(cursor[0], n_records)
    words = np.empty(n_records, np.int64)
    _scatter(keys, bound, cursor, shape.low_key_bits, shape.index_bits, words)
    del keys
    _sort_partitions(words, scratch, start, shape.low_key_bits, shape.index_bits, threads)
    del scratch
    ordered = np.empty((n_records, REC_WIDTH), np.int64)
    _gather(words, earned, stated, time_us, flags, shape.index_bits, ordered)
    return words, start, ordered


@numba.njit(parallel=True, cache=True)
def occasion_keys(
    actor: Any, target: Any, time_us: Any, window_us: int, lowest: int, flags: Any,
    high_bits: int, window_bits: int, partition_shift: int, bound: Any, count: Any, keys: Any,
) -> None:  # fmt: skip
    """Per event: its occasion key (-1 without evidence rows), and per part of the input
    (``bound``) the count of keys per partition."""
    for h in numba.prange(bound.size - 1):
        for i in range(bound[h], bound[h + 1]):
            f = np.int64(flags[i])
            if f == 0:
                keys[i] = -1
                continue
            a, t = actor[i], target[i]
            low, high = min(a, t), max(a, t)
            if a == low:
                f |= ACTOR_LOW
                flags[i] = f
            window = time_us[i] // window_us - lowest
            key = (low << (high_bits + window_bits)) | (high << window_bits) | window
            keys[i] = key
            count[h, key >> partition_shift] += 1


@numba.njit(parallel=True, cache=True)
def _scatter(
    keys: Any, bound: Any, cursor: Any, partition_shift: int, index_bits: int, words: Any
) -> None:
    """Each key's word (its bits below the partition's, then the event) to its partition,
    in event order within each partition."""
    low_mask = (np.int64(1) << partition_shift) - 1
    for h in numba.prange(bound.size - 1):
        for i in range(bound[h], bound[h + 1]):
            key = keys[i]
            if key < 0:
                continue
            p = key >> partition_shift
            at = cursor[h, p]
            cursor[h, p] = at + 1
            words[at] = ((key & low_mask) << index_bits) | i


@numba.njit(parallel=True, cache=True)
def _gather(
    words: Any, earned: Any, stated: Any, time_us: Any, flags: Any, index_bits: int,
    ordered: Any,
) -> None:  # fmt: skip
    """``ordered[q]``: the record of word ``q``'s event."""
    index_mask = (np.int64(1) << index_bits) - 1
    real = ordered.view(np.float64)
    for q in numba.prange(words.size):
        i = words[q] & index_mask
        real[q, REC_EARNED] = earned[i]
        real[q, REC_STATED] = stated[i]
        ordered[q, REC_TIME] = time_us[i]
        ordered[q, REC_FLAGS] = flags[i]


@numba.njit(parallel=True, cache=True)
def _sort_partitions(
    words: Any, scratch: Any, start: Any, sort_bits: int, index_bits: int, threads: int
) -> None:
    """Every partition sorted, partitions dealt round-robin to the threads (neighbouring
    partitions are of similar sizes; contiguous halves are not: lower people hold more)."""
    n_partitions = start.size - 1
    for h in numba.prange(threads):
        for p in range(h, n_partitions, threads):
            _sort_words(words, scratch, start[p], start[p + 1], sort_bits, index_bits)


@numba.njit(cache=True)
def _sort_words(
    words: Any, scratch: Any, begin: int, end: int, sort_bits: int, index_bits: int
) -> None:
    """Words ``begin .. end - 1`` sorted (stably on their key bits, so by whole word: they
    arrive in event order), through ``scratch``'s same places."""
    size = end - begin
    if size <= _SMALL:
        for q in range(begin + 1, end):
            word = words[q]
            r = q - 1
            while r >= begin and words[r] > word:
                words[r + 1] = words[r]
                r -= 1
            words[r + 1] = word
        return
    passes = (sort_bits + _DIGIT_BITS - 1) // _DIGIT_BITS
    digit = (sort_bits + passes - 1) // passes if passes else 0
    mask = (np.int64(1) << digit) - 1
    count = np.empty(mask + 1, np.int64)
    in_words = True
    for k in range(passes):
        src = words if in_words else scratch
        dst = scratch if in_words else words
        shift = index_bits + k * digit
        count[:] = 0
        for q in range(begin, end):
            count[(src[q] >> shift) & mask] += 1
        if count[(src[begin] >> shift) & mask] == size:
            continue  # one digit value: the pass would move nothing
        at = begin
        for d in range(mask + 1):
            at, count[d] = at + count[d], at
        for q in range(begin, end):
            d = (src[q] >> shift) & mask
            dst[count[d]] = src[q]
            count[d] += 1
        in_words = not in_words
    if not in_words:
        words[begin:end] = scratch[begin:end]
