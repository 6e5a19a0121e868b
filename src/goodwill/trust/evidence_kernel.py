"""The compiled path from events to evidence, for tables of millions of events: what its
kernels share.

It computes exactly what :func:`~goodwill.trust.evidence.compute_evidence`'s numpy path
computes (to rounding: sums are taken in another order), without its sorts of the whole
row set (``np.unique`` three times) and its ``ufunc.at`` scatters, which cap that path at
about 0.2M events/s. The shape of the computation:

1. **weigh** (here, parallel): each event's earned and stated weight under the policy,
   decayed to the as-of date, the negative factor applied; which rows exist and count in
   standing;
2. **order** the events by *occasion*: the unordered pair of people and the saturation
   window (:mod:`goodwill.trust.occasion_keys` for evidence, 8-byte keys;
   :mod:`goodwill.trust.occasion_sort` for the kept pair state, whole records). Every
   evidence row of an event (both channels) falls in the event's occasion, and every
   saturation group (truster, trustee, sign, window) and every exchange lies inside one
   occasion;
3. **scan** the occasions once (:mod:`goodwill.trust.evidence_scan`,
   :mod:`goodwill.trust.pair_kernel`): per occasion, at most four saturation groups (two
   directions, two signs) and the exchange flags, then every row's contribution; per
   unordered pair (a run of occasions), the two ordered pairs' sums.

Kernels are compiled on first use and cached on disk (``cache=True``); numba is imported
only when a table is large enough to use this path (see ``compute_evidence``).
"""

from __future__ import annotations

import os
from typing import Any

# OpenMP's workers spin while they wait for work; on a machine whose cores are busy with
# other processes a spinning worker holds a core the one with work needs, and the kernels
# here ran four times slower (1M events: 0.83 s against 0.21 s). Waiting passively costs a
# wake-up per parallel region (microseconds). Read when the first parallel region starts,
# so it is set before numba's are compiled or run; a user's own setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numba
import numpy as np

__all__ = [
    "ACTOR_LOW",
    "EARNED_COL",
    "FLAGS_COL",
    "HAS_EARNED",
    "HAS_STATED",
    "HIGH_COL",
    "JUDGED_EARNED",
    "KEY_COL",
    "LASTING",
    "LOW_COL",
    "ROWS_COL",
    "ROW_BASE",
    "STATED_COL",
    "TIME_COL",
    "WIDTH",
    "run_end",
    "saturated_share",
    "weigh",
]

HAS_EARNED = 1
HAS_STATED = 2
JUDGED_EARNED = 4
ACTOR_LOW = 8  # the actor is the lower of the two people
LASTING = 16  # the event's kind is lasting: its rows do not decay
# the columns of a packed event record (int64; the two weights stored as float64 bits)
LOW_COL, KEY_COL, HIGH_COL, FLAGS_COL, TIME_COL, EARNED_COL, STATED_COL, ROWS_COL = range(8)
WIDTH = 8
ROW_BASE = 1 << 31  # both row numbers in one column: (earned + 1) * base + stated + 1
_LARGEST = 1.7976931348623157e308


@numba.njit(parallel=True, cache=True)
def weigh(
    actor: Any, target: Any, kind: Any, time_us: Any, value: Any,
    earns: Any, states: Any, scale: Any, lasting: Any, reaction: Any,
    at_us: int, reference_us: int, half_life_us: float, negative_factor: float,
    earned: Any, stated: Any, flags: Any,
) -> None:  # fmt: skip
    """Per event, into ``earned``, ``stated`` and ``flags``: the signed weight of its earned
    row and of its stated row, decayed from the event to ``reference_us``, and flags saying
    which rows exist (an event after ``at_us``, without a target or toward oneself has
    none), whether the earned row counts in standing and whether the kind is lasting.

    Outputs are the caller's (numpy allocates large arrays on huge pages; numba's own
    allocations fault in every 4 KiB page, which cost as much as the work here)."""
    for i in numba.prange(actor.size):
        earned[i] = stated[i] = 0.0
        flags[i] = 0
        if time_us[i] > at_us or target[i] < 0 or actor[i] == target[i]:
            continue
        k = kind[i]
        factor = 1.0
        if not np.isnan(scale[k]):
            factor = value[i] / scale[k]
            if np.isnan(factor):
                factor = 0.0
            elif np.isinf(factor):  # as np.nan_to_num does
                factor = _LARGEST if factor > 0 else -_LARGEST
        decay = 1.0 if lasting[k] else np.exp2(-(reference_us - time_us[i]) / half_life_us)
        weight_e = earns[k] * factor
        weight_s = states[k] * factor
        bits = LASTING if lasting[k] else 0
        if weight_e != 0.0:
            d = weight_e * decay
            earned[i] = d * negative_factor if d < 0 else d
            bits |= HAS_EARNED
            if not reaction[k]:
                bits |= JUDGED_EARNED
        if weight_s != 0.0:
            d = weight_s * decay
            stated[i] = d * negative_factor if d < 0 else d
            bits |= HAS_STATED
        flags[i] = bits if bits & (HAS_EARNED | HAS_STATED) else 0


@numba.njit(cache=True)
def saturated_share(total: float, strongest: float, ceiling: float) -> float:
    """:func:`~goodwill.trust.evidence.saturate` for one group, as a share of its total."""
    if total <= 0.0:
        return 0.0
    ratio = total / strongest if strongest > 0.0 else 0.0
    head = ceiling - 1.0
    if head <= 0.0:
        counted = strongest * min(ratio, 1.0)
    elif ratio <= 1.0:
        counted = strongest * ratio
    else:
        counted = strongest * (1.0 + head * -np.expm1(-(ratio - 1.0) / head))
    return counted / total


@numba.njit(cache=True)
def run_end(packed: Any, q: int, end: int) -> int:
    """Where the run of records about the same two people that starts at ``q`` ends."""
    low, high = packed[q, LOW_COL], packed[q, HIGH_COL]
    r = q + 1
    while r < end and packed[r, LOW_COL] == low and packed[r, HIGH_COL] == high:
        r += 1
    return r
