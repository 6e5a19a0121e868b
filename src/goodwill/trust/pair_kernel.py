"""Evidence per pair of people in a form that can be kept, added to and re-dated: the
compiled kernel behind :mod:`goodwill.trust.pair_state`.

``compute_evidence`` decays every row to one as-of date. A state that must move to any
later date keeps each saturation group's sums *at a reference date* instead, split by how
they decay:

* a group with only decaying rows scales as a whole: moving from the reference to ``at``
  multiplies its total, its strongest act, and so (saturation being homogeneous) what it
  counts for, by ``phi = 2^-((at - reference) / half-life)``. Its contributions are summed
  into the pair's *decaying* columns (``*_D``);
* a group with only lasting rows never changes: its contributions go to the *lasting*
  columns (``*_L``);
* a group with both (a follow and a like in the same week) saturates differently at every
  date: it is kept whole, as a *mixed* group, and evaluated at each date.

A pair's evidence at ``at`` is then ``phi * decaying + lasting + its mixed groups at at``.
Everything else a group's contribution depends on is fixed once its window's events are
known: the exchange bonus, and how personal each act was (how many people its actor
addressed in the window). So a window is the unit of update: new events in it change its
groups, nothing outside it.

Per unordered pair of people (``low < high``) and direction (0: low toward high, 1: high
toward low), the kernel returns the columns below: the evidence the *truster* (the
direction's first person) holds, and the *acts* of the direction's first person toward the
second, what :func:`~goodwill.trust.network_graph.investment` sums.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from goodwill.trust.evidence_kernel import (
    ACTOR_LOW,
    EARNED_COL,
    FLAGS_COL,
    HAS_EARNED,
    HAS_STATED,
    HIGH_COL,
    JUDGED_EARNED,
    KEY_COL,
    LASTING,
    LOW_COL,
    TIME_COL,
    run_end,
    saturated_share,
)  # fmt: skip

__all__ = ["FLOAT_COLUMNS", "INT_COLUMNS", "MIXED_FLOATS", "aggregate", "occasion_acts"]

# evidence r, s, judged r, judged s; acts: weighed, signed, sizes; each decaying and lasting
FLOAT_COLUMNS = ("r_d", "r_l", "s_d", "s_l", "rj_d", "rj_l", "sj_d", "sj_l",
                 "w_d", "w_l", "sg_d", "sg_l", "sz_d", "sz_l")  # fmt: skip
R_D, S_D, RJ_D, SJ_D, W_D, SG_D, SZ_D = 0, 2, 4, 6, 8, 10, 12  # +1: the lasting column
# the pair's first and last event and evidence rows; the acts' first positive act and rows
INT_COLUMNS = ("first", "last", "events", "since", "acts")
FIRST, LAST, EVENTS, SINCE, ACTS = range(5)
# a mixed group: per channel (earned, stated) its lasting and decaying sums, the strongest
# lasting and decaying act, the same for what counts in standing, the exchange bonus
# (plain and judged) and how personal the earned and the stated acts were
MIXED_FLOATS = ("le", "ls", "de", "ds", "lmax", "dmax", "lej", "dej", "lmaxj", "dmaxj",
                "bonus", "judged_bonus", "personal_e", "personal_s")  # fmt: skip
_NONE = np.iinfo(np.int64).max


@numba.njit(cache=True)
def occasion_acts(packed: Any, span: int) -> tuple[int, int, Any]:
    """Pairs, mixed groups, and per occasion and direction with a positive act, its actor
    and window (``actor * span + window``, in scan order): the breadth of each actor's
    attention per window is counted from these."""
    size = packed.shape[0]
    keys = np.empty(2 * size, np.int64)
    found = blocks = mixed = 0
    has = np.zeros((4, 2), np.bool_)  # per group: a lasting row, a decaying row
    q = 0
    while q < size:
        end = run_end(packed, q, size)
        blocks += 1
        low, high = packed[q, LOW_COL], packed[q, HIGH_COL]
        while q < end:
            stop = q + 1
            while stop < end and packed[stop, KEY_COL] == packed[q, KEY_COL]:
                stop += 1
            window = packed[q, KEY_COL] - high * span
            has[:, :] = False
            forward = backward = False
            for p in range(q, stop):
                f = packed[p, FLAGS_COL]
                actor_low = (f & ACTOR_LOW) != 0
                for channel in range(2):
                    if not f & (HAS_EARNED if channel == 0 else HAS_STATED):
                        continue
                    d = packed.view(np.float64)[p, EARNED_COL + channel]
                    higher = actor_low if channel == 0 else not actor_low
                    g = (2 if higher else 0) + (1 if d < 0 else 0)
                    has[g, 0 if f & LASTING else 1] = True
                    if d > 0:
                        forward |= actor_low
                        backward |= not actor_low
            for g in range(4):
                mixed += has[g, 0] and has[g, 1]
            if forward:
                keys[found] = low * span + window
                found += 1
            if backward:
                keys[found] = high * span + window
                found += 1
            q = stop
    return blocks, mixed, keys[:found]


@numba.njit(cache=True)
def aggregate(
    packed: Any, span: int, personal: Any, n_blocks: int, n_mixed: int,
    ceiling: float, bonus: float,
) -> tuple[Any, ...]:  # fmt: skip
    """Per pair of people (sorted by low, then high): both people, and per direction the
    float and int columns; and the mixed groups (floats; block, truster higher, negative,
    window from the lowest).

    ``personal`` holds, in :func:`occasion_acts`'s order, how personal each occasion's
    positive acts were (``min(1, K / breadth)``)."""
    people = np.empty((n_blocks, 2), np.int64)
    floats = np.zeros((n_blocks, 2, len(FLOAT_COLUMNS)))
    ints = np.zeros((n_blocks, 2, len(INT_COLUMNS)), np.int64)
    ints[:, :, FIRST] = _NONE
    ints[:, :, LAST] = -_NONE
    ints[:, :, SINCE] = _NONE
    mixed = np.empty((n_mixed, len(MIXED_FLOATS)))
    mixed_at = np.empty((n_mixed, 4), np.int64)
    sums = np.zeros((4, 10))  # le, ls, de, ds, lmax, dmax, lej, dej, lmaxj, dmaxj
    kinds = np.zeros((4, 2), np.bool_)  # per group: lasting rows, decaying rows
    sides = np.zeros((3, 2), np.bool_)  # positive acts: any, judged, strictly positive
    care = np.ones(2)
    item = n_found = 0
    q = block = 0
    while q < packed.shape[0]:
        end = run_end(packed, q, packed.shape[0])
        people[block, 0], people[block, 1] = packed[q, LOW_COL], packed[q, HIGH_COL]
        while q < end:
            stop = q + 1
            while stop < end and packed[stop, KEY_COL] == packed[q, KEY_COL]:
                stop += 1
            _occasion_sums(packed, q, stop, sums, kinds, sides, ints[block])
            care[:] = 1.0
            for side in range(2):
                if sides[2, side]:
                    care[side] = personal[item]
                    item += 1
            for g in range(4):
                if not (kinds[g, 0] or kinds[g, 1]):
                    continue
                higher, negative = g // 2, g % 2
                gain = 1.0 if negative else 1.0 + bonus * (sides[0, 0] and sides[0, 1])
                judged_gain = 1.0 if negative else 1.0 + bonus * (sides[1, 0] and sides[1, 1])
                if kinds[g, 0] and kinds[g, 1]:
                    row = mixed[n_found]
                    row[:10] = sums[g, :]
                    row[10], row[11] = gain, judged_gain
                    row[12], row[13] = care[1 - higher], care[higher]
                    mixed_at[n_found, 0], mixed_at[n_found, 1] = block, higher
                    mixed_at[n_found, 2] = negative
                    mixed_at[n_found, 3] = packed[q, KEY_COL] - people[block, 1] * span
                    n_found += 1
                else:
                    _add_group(floats[block], sums[g], higher, negative, 0 if kinds[g, 1] else 1,
                               gain, judged_gain, care, ceiling)  # fmt: skip
            q = stop
        block += 1
    return people, floats, ints, mixed, mixed_at


@numba.njit(cache=True)
def _occasion_sums(
    packed: Any, q: int, stop: int, sums: Any, kinds: Any, sides: Any, ints: Any
) -> None:
    """One occasion's groups: per channel its lasting and decaying sums and strongest acts
    (all and judged), which kinds of rows it holds, which sides acted positively; and the
    pair's and acts' times and counts (``ints``: the block's two directions)."""
    real = packed.view(np.float64)
    sums[:, :] = 0.0
    kinds[:, :] = False
    sides[:, :] = False
    for p in range(q, stop):
        f = packed[p, FLAGS_COL]
        actor_low = (f & ACTOR_LOW) != 0
        act_side = 0 if actor_low else 1
        time = packed[p, TIME_COL]
        lasting = (f & LASTING) != 0
        for channel in range(2):
            if not f & (HAS_EARNED if channel == 0 else HAS_STATED):
                continue
            d = real[p, EARNED_COL + channel]
            truster_side = 1 if (actor_low if channel == 0 else not actor_low) else 0
            g = truster_side * 2 + (1 if d < 0 else 0)
            judged = channel == 1 or (f & JUDGED_EARNED) != 0
            sums[g, (0 if lasting else 2) + channel] += abs(d)
            top = 4 if lasting else 5
            sums[g, top] = max(sums[g, top], abs(d))
            if judged:
                if channel == 0:
                    sums[g, 6 if lasting else 7] += abs(d)
                sums[g, top + 4] = max(sums[g, top + 4], abs(d))
            kinds[g, 0 if lasting else 1] = True
            if d >= 0:
                sides[0, act_side] = True
                sides[1, act_side] |= judged
            pair, acts = ints[truster_side], ints[act_side]
            pair[FIRST] = min(pair[FIRST], time)
            pair[LAST] = max(pair[LAST], time)
            pair[EVENTS] += 1
            acts[ACTS] += 1
            if d > 0:
                sides[2, act_side] = True
                acts[SINCE] = min(acts[SINCE], time)


@numba.njit(cache=True)
def _add_group(
    floats: Any, s: Any, higher: int, negative: int, lasting: int,
    gain: float, judged_gain: float, care: Any, ceiling: float,
) -> None:  # fmt: skip
    """A pure group's contributions (at the reference date) into its pair's columns."""
    total = s[0] + s[1] + s[2] + s[3]
    share = saturated_share(total, max(s[4], s[5]), ceiling) * gain
    judged_total = s[6] + s[7] + s[1] + s[3]
    judged_share = saturated_share(judged_total, max(s[8], s[9]), ceiling) * judged_gain
    pair = floats[higher]
    pair[(S_D if negative else R_D) + lasting] += total * share
    pair[(SJ_D if negative else RJ_D) + lasting] += judged_total * judged_share
    for channel in range(2):
        part = (s[channel] + s[2 + channel]) * share
        if part == 0.0:
            continue
        side = 1 - higher if channel == 0 else higher
        acts = floats[side]
        if negative:
            acts[SG_D + lasting] -= part
        else:
            acts[W_D + lasting] += part * care[side]
            acts[SG_D + lasting] += part * care[side]
        acts[SZ_D + lasting] += part
