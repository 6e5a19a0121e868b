"""``within_reach``: the records a batch's pairs need, and no fewer."""

from __future__ import annotations

import numpy as np

from goodwill.trust.loading import TABLE_KINDS
from goodwill.trust.pair_state import US_PER_DAY, PairState
from goodwill.trust.policy import default_policy
from goodwill.trust.state_files import RECORD, Records
from goodwill.trust.state_ledger import aggregate, within_reach

CODE = {kind: code for code, kind in enumerate(TABLE_KINDS)}
POLICY = default_policy()
WEEK_US = int(POLICY.window_days * US_PER_DAY)
WEEK = 2900 * WEEK_US  # one saturation window's first microsecond
X, A = 200, 100


def _acts(rows: list[tuple[object, ...]], kind: str, actor: int, targets: range) -> None:
    for minute, target in enumerate(targets, start=1):
        rows.append((len(rows) + 1, actor, target, actor, target, CODE[kind],
                     WEEK + minute * 60_000_000, np.nan))  # fmt: skip


def _week() -> tuple[Records, Records]:
    """A week where X replies to 60 people and introduces A; A replies to 55 people and to
    X; then a batch in which A replies to 5 more (A's attention passes the personal limit
    of 50, so what A earned from X counts for less, mixed with what X stated of A, which
    counts as personally as X's 60 acts that week allow)."""
    rows: list[tuple[object, ...]] = []
    _acts(rows, "reply", X, range(201, 261))
    _acts(rows, "introduction", X, range(A, A + 1))
    _acts(rows, "reply", A, range(300, 355))
    _acts(rows, "reply", A, range(X, X + 1))
    first_new = len(rows)
    _acts(rows, "reply", A, range(400, 405))
    records = np.array(rows, dtype=RECORD)
    return records, records[first_new:]


def _pairs(records: Records, reached: np.ndarray) -> PairState:
    end = WEEK + WEEK_US
    return aggregate(records, POLICY, reference_us=end, until_us=end).touching(reached)


def test_the_records_in_reach_give_the_reached_pairs_exactly() -> None:
    records, new = _week()
    reached, needed = within_reach(records, new)
    assert reached.tolist() == [A, 400, 401, 402, 403, 404]
    assert needed.all()  # here every record is one of A's or of a counterpart's (X's)
    full, part = _pairs(records, reached), _pairs(records[needed], reached)
    assert np.array_equal(part.main.code, full.main.code)
    assert np.array_equal(part.main.floats, full.main.floats)
    assert np.array_equal(part.main.ints, full.main.ints)
    # without X's other records, X's breadth reads 1, not 61, and X's trust in A is wrong
    own = np.isin(records["actor"], reached) | np.isin(records["target"], reached)
    short = _pairs(records[own], reached)
    assert np.array_equal(short.main.code, full.main.code)
    assert not np.allclose(short.main.floats, full.main.floats)


def test_records_out_of_reach_are_left_out() -> None:
    records, new = _week()
    rows = [tuple(r) for r in records.tolist()]
    _acts(rows, "reply", 500, range(501, 520))  # people with nothing to do with A or X
    records = np.array(rows, dtype=RECORD)
    reached, needed = within_reach(records, new)
    assert not needed[records["actor"] == 500].any()
    assert needed[records["actor"] != 500].all()
    full, part = _pairs(records, reached), _pairs(records[needed], reached)
    assert np.array_equal(part.main.floats, full.main.floats)
