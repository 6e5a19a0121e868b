"""The engines' contract: every algorithm that runs on the engines gives the same results on
every engine, on the same graphs (small hand-built ones, a random power-law one, Bitcoin
OTC's real trust graph): float64 engines within 1e-9 of the reference, float32 weights
within the engine's documented tolerance (L1 distance of the mass vectors)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from goodwill.errors import AlgorithmInputError
from goodwill.trust.engines import AUTO_MIN_EDGES, ENGINES, Engine, engine
from goodwill.trust.engines.numba_csr import NumbaEngine, edge_blocks, gather_order, tile_blocks
from goodwill.trust.engines.pagerank import pagerank
from goodwill.trust.engines.tiles import cap_rows
from goodwill.trust.model import assess
from goodwill.trust.network import NetworkTrust
from goodwill.trust.network_graph import trust_graph
from goodwill.trust.policy import default_policy
from tests.trust.events import DAY_US, table

FIXED = [name for name in ENGINES if name != "auto"]
# every engine, and the kernel in its other layouts (rows; nodes reordered; tiles small
# enough that these graphs span many blocks and segments), against the reference
CANDIDATES: dict[str, Engine] = {
    **{name: engine(name) for name in FIXED if name != "reference"},
    "numba rows": NumbaEngine("float32", layout="rows"),
    "numba reordered, small tiles": NumbaEngine(
        "float32", reorder=True, blocks_per_thread=4, tile_rows=256, tile_columns=512
    ),
    "numba64 reordered rows": NumbaEngine(
        "float64", reorder=True, blocks_per_thread=8, layout="rows"
    ),
}


@dataclass(frozen=True)
class Graph:
    trust: csr_matrix
    distrust: csr_matrix | None
    maturity: csr_matrix | None
    seeds: np.ndarray


def matrix(edges: list[tuple[int, int, float]], n: int) -> csr_matrix:
    rows, cols, weights = zip(*edges, strict=True)
    return csr_matrix((weights, (rows, cols)), shape=(n, n))


def hand_built() -> Graph:
    """Six people: a chain, a cycle, someone who vouches for nobody (5), someone nobody
    vouches for (4), distrust from 1 of 3 and from 4 of 2, one young vouch."""
    trust = matrix(
        [(0, 1, 0.9), (1, 2, 0.5), (2, 0, 0.3), (2, 3, 0.8), (3, 5, 0.4), (4, 1, 0.7)], 6
    )
    distrust = matrix([(1, 3, 0.6), (4, 2, 0.9)], 6)
    maturity = matrix(
        [(0, 1, 1.0), (1, 2, 0.25), (2, 0, 1.0), (2, 3, 0.5), (3, 5, 1.0), (4, 1, 1.0)], 6
    )
    return Graph(trust, distrust, maturity, np.array([0, 4]))


def power_law(n: int = 3000, m: int = 40_000, seed: int = 5) -> Graph:
    """A random graph with power-law degrees (heavy hubs, like a follower graph), some
    distrust and random maturity, node ids shuffled."""
    rng = np.random.default_rng(seed)
    shuffle = rng.permutation(n)
    src = shuffle[np.minimum((n * rng.random(m) ** 2).astype(int), n - 1)]
    dst = shuffle[np.minimum((n * rng.random(m) ** 3).astype(int), n - 1)]
    keep = src != dst
    trust = csr_matrix((rng.uniform(0.05, 1, keep.sum()), (src[keep], dst[keep])), shape=(n, n))
    trust.sum_duplicates()
    trust.data = np.minimum(trust.data, 0.99)
    maturity = trust.copy()
    maturity.data = rng.uniform(0, 1, maturity.nnz)
    bad = rng.integers(0, n, (2, 500))
    distrust = csr_matrix((rng.uniform(0.1, 1, 500), (bad[0], bad[1])), shape=(n, n))
    distrust.sum_duplicates()
    return Graph(trust, distrust, maturity, rng.choice(n, 10, replace=False))


def bitcoin_otc(data: Path) -> Graph:
    """Bitcoin OTC's ratings through goodwill's evidence and trust graph, as of the last one."""
    rows = np.loadtxt(data / "soc-sign-bitcoinotc.csv", delimiter=",")
    ids, dense = np.unique(rows[:, :2].astype(np.int64), return_inverse=True)
    dense = dense.reshape(-1, 2)
    days = (rows[:, 3] - rows[:, 3].min()) / 86_400
    events = table(
        [(int(a), int(b), "rating", float(d), float(v)) for (a, b), d, v in zip(dense, days, rows[:, 2], strict=True)],
        ids.size,
    )  # fmt: skip
    graph = trust_graph(assess(events, default_policy(), round(days.max() * DAY_US) + 1), events)
    seeds = np.argsort(-np.diff(graph.trust.indptr), kind="stable")[:20]
    return Graph(graph.trust, graph.distrust, graph.maturity, seeds)


Algorithm = Callable[[Graph, str | Engine], np.ndarray]


def network(distrust: bool, maturity: bool) -> Algorithm:
    def run(graph: Graph, runner: str | Engine) -> np.ndarray:
        model = NetworkTrust(steps=12, engine=runner).fit(
            graph.trust,
            graph.seeds,
            graph.distrust if distrust else None,
            maturity=graph.maturity if maturity else None,
        )
        assert model.engine_ == engine(runner).name
        assert model.mass_.sum() == pytest.approx(1.0, abs=1e-6)
        return np.concatenate([model.mass_, model.scores_, model.penalty_])

    return run


def personalized_pagerank(graph: Graph, runner: str | Engine) -> np.ndarray:
    prior = np.zeros(graph.trust.shape[0])
    prior[graph.seeds] = 1.0
    return pagerank(graph.trust, prior, steps=25, runner=runner)


ALGORITHMS: dict[str, Algorithm] = {
    "network": network(distrust=False, maturity=False),
    "network+distrust": network(distrust=True, maturity=False),
    "network+maturity": network(distrust=False, maturity=True),
    "network+both": network(distrust=True, maturity=True),
    "pagerank": personalized_pagerank,
}


def agree(graph: Graph, algorithm: Algorithm) -> None:
    expected = algorithm(graph, "reference")
    assert np.abs(expected).sum() > 0.5  # the walk went somewhere
    for name, candidate in CANDIDATES.items():
        found = algorithm(graph, candidate)
        distance = float(np.abs(found - expected).sum())
        assert distance <= candidate.tolerance, f"{name}: L1 {distance:.3g}"
        if candidate.tolerance > 1e-9 and graph.trust.nnz > 1000:
            assert distance > 0  # float32 weights really are float32


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_engine_agrees_on_a_hand_built_graph(algorithm: str) -> None:
    agree(hand_built(), ALGORITHMS[algorithm])


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_engine_agrees_on_a_power_law_graph(algorithm: str) -> None:
    agree(power_law(), ALGORITHMS[algorithm])


def test_every_engine_agrees_on_bitcoin_otc(shared_data: Path) -> None:
    graph = bitcoin_otc(shared_data)
    assert graph.trust.nnz > 25_000 and graph.distrust is not None and graph.distrust.nnz > 3000
    for algorithm in ALGORITHMS.values():
        agree(graph, algorithm)


def test_the_hand_built_walk_is_the_documented_one_step_by_step() -> None:
    """One step written out from network.py's formula, on the reference engine and the
    kernel: the seam changes how the product runs, not what is computed."""
    graph = hand_built()
    reserve, restart = 20.0, 0.3
    shares = graph.trust.multiply(1 / (graph.trust.sum(axis=1).A.ravel() + reserve)[:, None])
    p = np.zeros(6)
    p[graph.seeds] = 0.5
    x = p.copy()  # x0 = p
    step = (1 - restart) * (shares.T @ x + (1 - shares.sum(axis=1).A.ravel()) @ x * p)
    step += restart * x.sum() * p
    for name in FIXED:
        model = NetworkTrust(steps=1, restart=restart, reserve=reserve, engine=name)
        found = model.fit(graph.trust, graph.seeds).mass_
        assert np.abs(found - step).sum() <= max(engine(name).tolerance, 1e-12)


def test_the_kernel_reorders_by_gathers_and_splits_rows_by_edges() -> None:
    graph = power_law()
    order = gather_order(graph.trust)
    assert sorted(order.tolist()) == list(range(graph.trust.shape[0]))
    degree = np.diff(graph.trust.indptr)[order]
    assert (np.diff(degree) <= 0).all()
    indptr = np.array([0, 1000, 1001, 1002, 1500, 2000, 2000, 3000])
    bounds = edge_blocks(indptr, 3)
    assert bounds[0] == 0 and bounds[-1] == 7 and (np.diff(bounds) > 0).all()
    per_block = np.diff(indptr[bounds])
    assert per_block.max() <= 1000 + 1000  # no block holds more than a share plus one row
    # the node order is only a layout: the prepared product is the same in either
    (reordered,) = NumbaEngine("float64", reorder=True).prepare(graph.trust)
    (plain,) = NumbaEngine("float64").prepare(graph.trust)
    assert reordered is not None and plain is not None
    assert reordered.order.nodes is not None and plain.order.nodes is None
    x = np.random.default_rng(1).random(graph.trust.shape[0])
    through_order = reordered.order.outward(reordered.spread(reordered.order.inward(x)))
    np.testing.assert_allclose(through_order, graph.trust.T @ x, rtol=1e-12)
    np.testing.assert_allclose(plain.spread(x), graph.trust.T @ x, rtol=1e-12)


def test_tiles_give_the_row_layouts_sums_to_the_bit() -> None:
    """The tiled layout adds each row's edges in the row layout's order (by source), so its
    products are equal, not close, whatever the tiles' shape, the node order, the weights'
    width or the number of segments."""
    graph = power_law()
    wide = power_law(n=140_000, m=400_000, seed=9)  # three segments of the default width
    for trust, shapes in (
        (graph.trust, [(1, 1), (7, 100), (256, 512), (65_536, 65_536)]),
        (wide.trust, [(32_768, 65_536), (5_000, 30_000)]),
    ):
        x = np.random.default_rng(2).random(trust.shape[0])
        for dtype in ("float32", "float64"):
            for reorder in (False, True):
                (rows,) = NumbaEngine(dtype, reorder=reorder, layout="rows").prepare(trust)
                assert rows is not None
                inward = rows.order.inward(x)
                expected = rows.spread(inward, 0.7, inward, 0.2)
                for tile_rows, tile_columns in shapes:
                    tiled = NumbaEngine(
                        dtype, reorder=reorder, tile_rows=tile_rows, tile_columns=tile_columns
                    )
                    (prepared,) = tiled.prepare(trust)
                    assert prepared is not None
                    found, total, weighted = prepared.spread_sums(inward, 0.7, inward, 0.2, x)
                    assert np.array_equal(found, expected), (dtype, reorder, tile_rows)
                    assert total == pytest.approx(expected.sum(), rel=1e-12)
                    assert weighted == pytest.approx(x @ expected, rel=1e-12)
        np.testing.assert_allclose(
            NumbaEngine("float64").prepare(trust)[0].spread(x), trust.T @ x, rtol=1e-12
        )


def test_tile_blocks_hold_at_most_their_rows_even_across_rows_without_edges() -> None:
    bounds = cap_rows(np.array([0, 3, 100_000, 100_001]), 32_768)
    assert bounds[0] == 0 and bounds[-1] == 100_001 and 3 in bounds and 100_000 in bounds
    assert np.diff(bounds).max() <= 32_768 and (np.diff(bounds) > 0).all()
    # a graph whose second half has no edges at all: one edge-balanced block would hold it
    half = 80_000
    rng = np.random.default_rng(3)
    src, dst = rng.integers(0, 2 * half, (2, 50_000)) % half
    trust = csr_matrix((np.ones(src.size), (src, dst)), shape=(2 * half, 2 * half))
    (prepared,) = NumbaEngine("float64", tile_rows=10_000).prepare(trust)
    assert prepared is not None
    x = rng.random(2 * half)
    np.testing.assert_allclose(prepared.spread(x), trust.T @ x, rtol=1e-12)
    assert np.array_equal(prepared.spread(x)[half:], np.zeros(half))
    # the blocks cut only for their rows hold no edges: each task's run still gets half
    columns = trust.tocsr().indices.astype(np.uint32)
    bounds, runs = tile_blocks(columns, 2 * half, 2, 10_000)
    assert np.diff(bounds.astype(np.int64)).max() <= 10_000 and bounds[-1] == 2 * half
    before = np.searchsorted(np.sort(columns), bounds[runs.astype(np.int64)].astype(np.int64))
    assert runs.size == 3 and abs(before[1] - columns.size / 2) <= 0.05 * columns.size


def test_auto_chooses_by_edges_and_unknown_engines_are_refused() -> None:
    assert engine("auto", AUTO_MIN_EDGES - 1).name == "reference"
    assert engine("auto", AUTO_MIN_EDGES).name == "numba"
    small = hand_built()
    assert NetworkTrust().fit(small.trust, small.seeds).engine_ == "reference"
    with pytest.raises(AlgorithmInputError, match="unknown engine 'gpu'"):
        NetworkTrust(engine="gpu")
    with pytest.raises(AlgorithmInputError, match="choose one of auto, reference"):
        engine("gpu")
    with pytest.raises(ValueError, match="float32 or float64"):
        NumbaEngine("float16")
    with pytest.raises(ValueError, match="layout must be one of tiles, rows, not 'ell'"):
        NumbaEngine(layout="ell")
    with pytest.raises(ValueError, match=r"tile_columns must lie in \[1, 65536\]"):
        NumbaEngine(tile_columns=65_537)


def test_an_empty_graph_and_a_graph_without_edges_run_on_the_kernel() -> None:
    empty = csr_matrix((3, 3))
    for name in FIXED:
        model = NetworkTrust(steps=3, engine=name).fit(empty, np.array([1]))
        assert model.mass_.tolist() == [0.0, 1.0, 0.0]
