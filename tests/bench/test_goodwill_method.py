"""goodwill under the harness: its fast leave-one-out equals recomputing without the edge."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from goodwill.trust.model import assess
from quality.data import load_signed
from quality.goodwill_method import GoodwillSigned, rating_table


def exact_leave_one_out(method: GoodwillSigned, graph, edges: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Hide each edge, assess the rest from scratch, and read the hidden pair's trust."""
    predictions = []
    full = rating_table(graph)
    at = int(full.time_us.max())
    for edge in edges:
        keep = np.arange(graph.n_edges) != edge
        snapshot = assess(rating_table(graph.edges(keep)), method.policy, at)
        expected = snapshot.expected(graph.src[edge : edge + 1], graph.dst[edge : edge + 1])
        predictions.append(2.0 * expected[0] - 1.0)
    return np.array(predictions)


def test_fast_leave_one_out_tracks_exact_recomputation(shared_data: Path) -> None:
    graph = load_signed("bitcoin-alpha", shared_data)
    method = GoodwillSigned()
    sample = np.random.default_rng(3).choice(graph.n_edges, size=60, replace=False)
    fast = method.leave_one_out(graph)[sample]
    exact = exact_leave_one_out(method, graph, sample)
    # pairwise evidence is exact; holding credibility fixed moves a prediction very little
    assert np.abs(fast - exact).max() < 0.005  # measured: 0.0007 on Alpha, 0.0022 on OTC
    assert np.corrcoef(fast, exact)[0, 1] > 0.999
