"""Evidence per pair of people that can be updated window by window and read at any date.

:class:`PairState` holds, for every unordered pair of people who ever interacted (keyed by
person ids, so erasing a person erases their rows), the columns of
:mod:`goodwill.trust.pair_kernel` at a *reference date*: decaying sums, lasting sums and
mixed groups. Three operations make it incremental:

* :func:`aggregate_records` turns the records of some windows into a state (the kernel);
* :meth:`PairState.updated` replaces what some windows contributed by what they contribute
  now: sums are taken back and added again, first and last times only move outward (a
  window's records only grow), mixed groups of those windows are swapped. Pairs seen for
  the first time go to a small sorted *tail*, so an update writes what it touches and not
  every pair (the main part is updated in place, often in the state file's memory map);
* :func:`~goodwill.trust.pair_reading.read_at` reads every pair at any date: ``phi * decaying + lasting + mixed``.

:meth:`PairState.rebased` moves the reference date (a scalar multiple of the decaying
columns), so it can follow the present and never overflow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

from goodwill.trust.distinct import among
from goodwill.trust.evidence import EventTable
from goodwill.trust.evidence_fast import rule_columns, windows
from goodwill.trust.evidence_kernel import WIDTH, weigh
from goodwill.trust.network_graph import PERSONAL_LIMIT
from goodwill.trust.occasion_sort import pack_by_occasion
from goodwill.trust.pair_kernel import (
    ACTS,
    EVENTS,
    FIRST,
    FLOAT_COLUMNS,
    INT_COLUMNS,
    LAST,
    MIXED_FLOATS,
    SINCE,
    aggregate,
    occasion_acts,
)
from goodwill.trust.policy import Policy

__all__ = ["TAIL_SHARE", "US_PER_DAY", "PairColumns", "PairState", "aggregate_records", "pair_code"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
US_PER_DAY = 86_400 * 1_000_000
# The tail is merged into the main part once it holds this share of it: each merge rewrites
# every pair, so this many refreshes' worth of new pairs pay for one.
TAIL_SHARE = 0.125
_DECAYING = np.arange(0, len(FLOAT_COLUMNS), 2)  # every *_d column
_MIXED_DECAYING = np.array([MIXED_FLOATS.index(n) for n in ("de", "ds", "dmax", "dej", "dmaxj")])


def pair_code(low: Ints, high: Ints) -> Ints:
    """One sortable number per unordered pair of person ids (``low << 32 | high``)."""
    return np.asarray((low << 32) | high, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class PairColumns:
    """Per unordered pair (``code``, sorted) and direction: the kernel's float and int
    columns at the state's reference date."""

    code: Ints
    floats: Floats  # (pairs, 2, len(FLOAT_COLUMNS))
    ints: Ints  # (pairs, 2, len(INT_COLUMNS))

    @classmethod
    def empty(cls) -> PairColumns:
        """No pairs."""
        return cls(
            np.zeros(0, np.int64),
            np.zeros((0, 2, len(FLOAT_COLUMNS))),
            np.empty((0, 2, len(INT_COLUMNS)), np.int64),
        )

    def __len__(self) -> int:
        return len(self.code)

    def inserted(self, codes: Ints) -> PairColumns:
        """These columns with blank rows for ``codes`` (new, sorted), in order."""
        at = np.searchsorted(self.code, codes)
        return PairColumns(
            np.insert(self.code, at, codes),
            np.insert(self.floats, at, 0.0, axis=0),
            np.insert(self.ints, at, _blank_ints(), axis=0),
        )


@dataclass(frozen=True, slots=True)
class PairState:
    """Every pair's columns at ``reference_us``, in two sorted parts: ``main``, large and
    updated in place (it may be the state file's memory map), and ``tail``, the pairs new
    since ``main`` was last written whole, small enough to insert into; and the mixed
    groups (``mixed_key``: pair code, truster side, negative, window)."""

    main: PairColumns
    tail: PairColumns
    mixed: Floats  # (groups, len(MIXED_FLOATS))
    mixed_key: Ints  # (groups, 4)
    reference_us: int

    @classmethod
    def empty(cls, reference_us: int) -> PairState:
        """No pairs yet."""
        none = PairColumns.empty()
        return cls(none, none, np.zeros((0, len(MIXED_FLOATS))), np.zeros((0, 4), np.int64),
                   reference_us)  # fmt: skip

    def __len__(self) -> int:
        return len(self.main) + len(self.tail)

    def parts(self) -> tuple[PairColumns, PairColumns]:
        """The two sorted parts, main first."""
        return self.main, self.tail

    def updated(
        self, removed: PairState, added: PairState, windows: Ints, people: Ints | None = None
    ) -> PairState:
        """The state with what ``windows`` contributed (``removed``) replaced by what they
        contribute now (``added``: their records then, and since); all three at the same
        reference date, ``removed`` and ``added`` each one part. With ``people`` (sorted
        person ids), ``removed`` and ``added`` cover only the pairs with one of them
        (:meth:`touching`), and only those pairs' mixed groups of ``windows`` are swapped.
        The main part's arrays are changed in place; new pairs go to the tail, which is
        merged into the main part once it holds more than :data:`TAIL_SHARE` of it."""
        if not removed.reference_us == added.reference_us == self.reference_us:
            raise ValueError("states to combine must share their reference date")
        main, tail = self.main, self.tail
        new, gone = _changed(added.main, removed.main)
        in_main = among(main.code, new.code)
        fresh = new.code[~in_main & ~among(tail.code, new.code)]
        if len(fresh):
            tail = tail.inserted(fresh)
        else:  # the tail is replaced, not changed under those who hold it
            tail = PairColumns(tail.code, tail.floats.copy(), tail.ints.copy())
        for part in (main, tail):
            _apply(part, new, gone)
        kept = ~np.isin(self.mixed_key[:, 3], windows)
        if people is not None:
            kept |= ~_touches(self.mixed_key[:, 0], people)
        state = PairState(
            main,
            tail,
            np.concatenate([self.mixed[kept], added.mixed]),
            np.concatenate([self.mixed_key[kept], added.mixed_key]),
            self.reference_us,
        )
        return state.compacted() if len(tail) > TAIL_SHARE * max(len(main), 1) else state

    def touching(self, people: Ints) -> PairState:
        """The pairs (and mixed groups) with at least one of ``people`` (sorted person
        ids), in the main part: for a state of one part, as :func:`aggregate_records`
        gives."""
        keep = _touches(self.main.code, people)
        main = PairColumns(self.main.code[keep], self.main.floats[keep], self.main.ints[keep])
        mixed = _touches(self.mixed_key[:, 0], people)
        return PairState(main, self.tail, self.mixed[mixed], self.mixed_key[mixed],
                         self.reference_us)  # fmt: skip

    def compacted(self) -> PairState:
        """The tail merged into the main part (new arrays)."""
        if not len(self.tail):
            return self
        main = self.main.inserted(self.tail.code)
        at = np.searchsorted(main.code, self.tail.code)
        main.floats[at], main.ints[at] = self.tail.floats, self.tail.ints
        return PairState(main, PairColumns.empty(), self.mixed, self.mixed_key, self.reference_us)

    def rebased(self, reference_us: int, half_life_days: float) -> PairState:
        """The same state with its decaying sums taken to ``reference_us`` (in place)."""
        factor = np.exp2(-(reference_us - self.reference_us) / (half_life_days * US_PER_DAY))
        for part in self.parts():
            part.floats[:, :, _DECAYING] *= factor
        mixed = self.mixed.copy()
        mixed[:, _MIXED_DECAYING] *= factor
        return PairState(self.main, self.tail, mixed, self.mixed_key, reference_us)


def _changed(added: PairColumns, removed: PairColumns) -> tuple[PairColumns, PairColumns]:
    """``added`` and ``removed`` without the pairs they hold alike: most of a window's
    pairs are untouched by a batch, and taking a row back to add it again changes nothing,
    while every row changed is a random write into the main part (hundreds of thousands
    for a busy window's pairs, seconds on a memory map of 15 million)."""
    _, at_added, at_removed = np.intersect1d(added.code, removed.code, assume_unique=True,
                                             return_indices=True)  # fmt: skip
    same = (added.floats[at_added] == removed.floats[at_removed]).all(axis=(1, 2)) & (
        added.ints[at_added] == removed.ints[at_removed]
    ).all(axis=(1, 2))
    return _without(added, at_added[same]), _without(removed, at_removed[same])


def _without(columns: PairColumns, rows: Ints) -> PairColumns:
    keep = np.ones(len(columns), dtype=bool)
    keep[rows] = False
    return PairColumns(columns.code[keep], columns.floats[keep], columns.ints[keep])


def _apply(part: PairColumns, added: PairColumns, removed: PairColumns) -> None:
    """Into ``part`` (in place): ``added``'s sums and counts in, ``removed``'s out, for the
    pairs ``part`` holds; first, last and since only moving outward. Each row touched is
    read once and written once (added then taken back, in that order, so the sums round as
    one after the other would): a row's write lands at a random place of the state file's
    memory map, and a second pass over the same rows doubled that cost."""
    hold_added, hold_removed = among(part.code, added.code), among(part.code, removed.code)
    at_added = np.searchsorted(part.code, added.code[hold_added])
    at_removed = np.searchsorted(part.code, removed.code[hold_removed])
    rows = np.union1d(at_added, at_removed)
    if not len(rows):
        return
    floats, ints = np.array(part.floats[rows]), np.array(part.ints[rows])
    mine_added, mine_removed = np.searchsorted(rows, at_added), np.searchsorted(rows, at_removed)
    floats[mine_added] += added.floats[hold_added]
    floats[mine_removed] -= removed.floats[hold_removed]
    for column in (EVENTS, ACTS):
        ints[mine_added, :, column] += added.ints[hold_added][:, :, column]
        ints[mine_removed, :, column] -= removed.ints[hold_removed][:, :, column]
    for column, pick in ((FIRST, np.minimum), (LAST, np.maximum), (SINCE, np.minimum)):
        ints[mine_added, :, column] = pick(ints[mine_added, :, column],
                                           added.ints[hold_added][:, :, column])  # fmt: skip
    part.floats[rows], part.ints[rows] = floats, ints


def _touches(codes: Ints, people: Ints) -> npt.NDArray[np.bool_]:
    """Which pairs (by ``code``) have at least one of ``people`` (sorted person ids)."""
    low = codes >> 32
    return among(people, low) | among(people, codes - (low << 32))


def _blank_ints() -> Ints:
    """A pair-direction's int columns before any row: no first, last or since yet."""
    blank = np.zeros(len(INT_COLUMNS), np.int64)
    blank[[FIRST, SINCE]] = np.iinfo(np.int64).max
    blank[LAST] = -np.iinfo(np.int64).max
    return blank


def aggregate_records(
    table: EventTable, person: Ints, policy: Policy, reference_us: int, until_us: int
) -> PairState:
    """The state of the records in ``table`` (events over indices into ``person``, the
    person ids) at or before ``until_us``, decayed to ``reference_us``. Every window the
    records touch must be complete in ``table``: breadth and saturation are per window."""
    size = len(table)
    earned, stated, flags = np.empty(size), np.empty(size), np.empty(size, np.uint8)
    weigh(
        table.actor, table.target, table.kind, table.time_us, table.value,
        *rule_columns(table, policy),
        until_us, reference_us, policy.half_life_days * US_PER_DAY, policy.negative_factor,
        earned, stated, flags,
    )  # fmt: skip
    window_us, lowest, span = windows(table, policy)
    none = np.full(size, -1, np.int64)
    n_records = int(np.count_nonzero(flags))
    packed = np.empty((n_records, WIDTH), np.int64)
    pack_by_occasion(
        table.actor, table.target, table.time_us, window_us, lowest, span, earned, stated,
        flags, none, none, table.n_nodes, numba.get_num_threads(), np.empty_like(packed), packed,
    )  # fmt: skip
    n_blocks, n_mixed, keys = occasion_acts(packed, span)
    _, where, breadth = np.unique(keys, return_inverse=True, return_counts=True)
    personal = np.minimum(1.0, PERSONAL_LIMIT / breadth[where].astype(np.float64))
    people, floats, ints, mixed, mixed_at = aggregate(
        packed, span, personal, n_blocks, n_mixed, policy.ceiling, policy.reciprocity_bonus
    )
    code = pair_code(person[people[:, 0]], person[people[:, 1]])
    mixed_key = np.stack(
        [code[mixed_at[:, 0]], mixed_at[:, 1], mixed_at[:, 2], mixed_at[:, 3] + lowest], axis=1
    )
    return PairState(
        PairColumns(code, floats, ints),
        PairColumns.empty(),
        mixed,
        mixed_key.astype(np.int64),
        reference_us,
    )
