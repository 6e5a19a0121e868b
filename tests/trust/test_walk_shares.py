"""The walk's shares in one pass equal scipy's, and bad weights are refused as before."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix, random_array  # type: ignore[import-untyped]

from goodwill.errors import AlgorithmInputError
from goodwill.trust.network import NetworkTrust, row_shares
from goodwill.trust.walk_shares import matured_shares


def _graph(seed: int, n: int = 300) -> csr_matrix:
    rng = np.random.default_rng(seed)
    trust = csr_matrix(random_array((n, n), density=0.03, rng=rng, format="csr"))
    trust.data *= 5.0
    silent = rng.random(n) < 0.1  # people who vouch for nobody
    trust.data[np.repeat(silent, np.diff(trust.indptr))] = 0.0
    trust.eliminate_zeros()
    return trust


@pytest.mark.parametrize("reserve", [0.0, 2.5])
def test_shares_equal_scipys_with_and_without_maturity(reserve: float) -> None:
    trust = _graph(1)
    assert (np.diff(trust.indptr) == 0).any()  # rows with no vouch: they keep everything
    maturity = np.random.default_rng(2).random(trust.nnz)
    maturity[::7] = 0.0
    expected = row_shares(trust, reserve)
    for given in (None, maturity):
        data, returned = matured_shares(trust.indptr, trust.data, given, reserve)
        want = expected.data if given is None else expected.data * given
        assert np.allclose(data, want, rtol=1e-15, atol=0)
        kept = 1.0 - np.add.reduceat(np.append(want, 0.0), trust.indptr[:-1])
        kept[np.diff(trust.indptr) == 0] = 1.0
        assert np.allclose(returned, kept, rtol=0, atol=1e-15)


def test_the_walk_gives_the_same_mass_by_either_path() -> None:
    """Maturity on trust's own entries takes the compiled pass; the same maturity laid out
    on other entries (one more explicit zero) takes scipy's product: the same walk."""
    trust = _graph(3)
    maturity = csr_matrix((np.random.default_rng(4).random(trust.nnz), trust.indices,
                           trust.indptr), shape=trust.shape)  # fmt: skip
    elsewhere = maturity.tolil()
    free = next((i, j) for i in range(300) for j in range(300) if trust[i, j] == 0)
    elsewhere[free] = 0.5  # an entry trust lacks: a different layout, same product
    fast = NetworkTrust(engine="reference").fit(trust, [0, 1, 2], maturity=maturity)
    slow = NetworkTrust(engine="reference").fit(trust, [0, 1, 2], maturity=csr_matrix(elsewhere))
    assert np.abs(fast.mass_ - slow.mass_).sum() < 1e-12
    assert abs(fast.mass_.sum() - 1.0) < 1e-12


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("negative", "must hold weights >= 0"),
        ("nan", "must hold finite weights"),
        ("maturity", r"maturity must lie in \[0, 1\]"),
    ],
)
def test_bad_weights_are_refused_with_what_to_do(change: str, message: str) -> None:
    trust = _graph(5)
    maturity = csr_matrix((np.full(trust.nnz, 0.5), trust.indices, trust.indptr),
                          shape=trust.shape)  # fmt: skip
    if change == "negative":
        trust.data[10] = -1.0
    elif change == "nan":
        trust.data[10] = np.nan
    else:
        maturity.data[10] = 1.5
    with pytest.raises(AlgorithmInputError, match=message):
        NetworkTrust().fit(trust, [0], maturity=maturity)
