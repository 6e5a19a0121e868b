"""``distinct`` gives what ``np.unique`` gives, on any integer or float array."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from goodwill.trust.distinct import distinct

_INTS = arrays(np.int64, st.integers(0, 300), elements=st.integers(-(2**62), 2**62))
_FEW = arrays(np.int64, st.integers(0, 300), elements=st.integers(-3, 3))
_FLOATS = arrays(np.float64, st.integers(0, 100), elements=st.floats(-1e9, 1e9))


@given(st.one_of(_INTS, _FEW, _FLOATS))
def test_distinct_equals_numpys_unique(values: np.ndarray) -> None:
    got = distinct(values)
    assert got.dtype == values.dtype
    np.testing.assert_array_equal(got, np.unique(values))


def test_distinct_leaves_its_input_alone() -> None:
    values = np.array([5, 1, 5, 0])
    distinct(values)
    assert values.tolist() == [5, 1, 5, 0]
