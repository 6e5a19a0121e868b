"""Per-iteration propagation time and peak memory, one fresh process per method and graph.

Every method walks the same graph from the same seeds for :data:`STEPS` steps and reports
the median of its step times (``per_iter_s``), beside what it spent before the first step
(building its own graph, laying the matrix out), and its peak memory (the child's own
high-water mark, see :mod:`scale_lab.child`): the interpreter, the libraries, the graph as
loaded and everything the method built, of which ``load_only`` is the floor.

* ``goodwill``: :class:`~goodwill.trust.network.NetworkTrust` as ``goodwill network`` runs
  it (``engine="auto"``), its own step timings, its kernels loaded first (importing numba
  and loading the cached kernels is ``kernel_load_s``, apart from ``prepare_s``);
  ``goodwill_reference`` forces the float64 scipy engine, and the L1 distance between the
  two mass vectors is reported;
* ``scipy64`` / ``scipy32``: personalized PageRank by power iteration over a prebuilt
  ``Pᵀ`` CSR matrix, float64 / float32 matrix and vector (the textbook way);
* ``sknetwork``: scikit-network's ``PageRank(solver="piteration")``, ``tol=0`` so it runs
  every step; per step = (fit with 20 steps - fit with 1) / 19, each the fastest of 3;
* ``igraph``: PRPACK (``personalized_pagerank(implementation="prpack")``), which solves
  to a tolerance instead of stepping: its per-step figure is the solve time over the
  :data:`PRPACK_STEPS` power steps the same tolerance (1e-10, L1) needs at damping 0.85;
  its graph build is reported apart;
* ``graphblas``: python-graphblas (SuiteSparse:GraphBLAS), ``plus_times`` mxv per step;
* ``networkx``: ``nx.pagerank`` as a user calls it, per step its whole call over its
  :data:`STEPS` steps: every call converts the graph of dicts to a scipy matrix and then
  runs scipy's product, so the conversion is what it costs (building the ``DiGraph`` is
  reported apart); only on the small graph.
"""

from __future__ import annotations

import contextlib
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median

import numpy as np
from scipy.sparse import csr_matrix, diags

from scale_lab import child
from scale_lab.child import Figures

__all__ = ["METHODS", "SMALL_ONLY", "STEPS", "kernel_seconds", "measure", "save_graph"]

STEPS = 20
DAMPING = 0.85
PRPACK_STEPS = math.ceil(math.log(1e-10) / math.log(DAMPING))  # 142
METHODS = (
    "goodwill",
    "goodwill_reference",
    "scipy32",
    "scipy64",
    "sknetwork",
    "igraph",
    "graphblas",
    "networkx",
    "load_only",
)
SMALL_ONLY = frozenset({"networkx"})


def save_graph(path: Path, trust: csr_matrix, seeds: np.ndarray) -> Path:
    """The graph as every child loads it (uncompressed, so loading is a read)."""
    np.savez(path, indptr=trust.indptr, indices=trust.indices, data=trust.data, seeds=seeds)
    return path


def _load(path: Path) -> tuple[csr_matrix, np.ndarray]:
    with np.load(path) as arrays:
        n = arrays["indptr"].size - 1
        trust = csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=(n, n))
        return trust, arrays["seeds"]


def _prior(n: int, seeds: np.ndarray) -> np.ndarray:
    prior = np.zeros(n)
    prior[seeds] = 1.0 / seeds.size
    return prior


def _walk_matrix(trust: csr_matrix) -> tuple[csr_matrix, np.ndarray]:
    """``Pᵀ`` as CSR (P row-stochastic) and the dangling rows' indicator."""
    totals = np.asarray(trust.sum(axis=1)).ravel()
    inverse = np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)
    return csr_matrix((diags(inverse) @ trust).T), (totals <= 0).astype(np.float64)


def _goodwill(engine: str) -> Callable[[csr_matrix, np.ndarray, Path], Figures]:
    def run(trust: csr_matrix, seeds: np.ndarray, result: Path) -> Figures:
        from goodwill.trust.engines import engine as chosen
        from goodwill.trust.network import NetworkTrust

        loaded = 0.0
        if chosen(engine, trust.nnz).name != "reference":  # numba: import and load kernels
            start = time.perf_counter()
            from goodwill.trust.engines.numba_csr import compile_seconds

            compile_seconds()
            loaded = time.perf_counter() - start
        start = time.perf_counter()
        model = NetworkTrust(steps=STEPS, engine=engine).fit(trust, seeds)
        fit = time.perf_counter() - start
        np.save(result, model.mass_)
        return {
            "per_iter_s": median(model.step_seconds_),
            "best_iter_s": min(model.step_seconds_),
            "prepare_s": model.prepare_seconds_,
            "fit_s": fit,
            "kernel_load_s": loaded,
            "engine": model.engine_,
        }

    return run


def _power(dtype: type) -> Callable[[csr_matrix, np.ndarray, Path], Figures]:
    def run(trust: csr_matrix, seeds: np.ndarray, result: Path) -> Figures:
        start = time.perf_counter()
        walk, dangling = _walk_matrix(trust)
        walk = walk.astype(dtype)
        prior, dangling = _prior(trust.shape[0], seeds).astype(dtype), dangling.astype(dtype)
        build = time.perf_counter() - start
        x, times = prior.copy(), []
        for _ in range(STEPS):
            start = time.perf_counter()
            to_seeds = DAMPING * float(dangling @ x) + (1 - DAMPING) * float(x.sum())
            x = DAMPING * (walk @ x) + dtype(to_seeds) * prior
            times.append(time.perf_counter() - start)
        np.save(result, x)
        return {"per_iter_s": median(times), "best_iter_s": min(times), "build_s": build}

    return run


def _difference(fit: Callable[[int], object], steps: int = STEPS, rounds: int = 3) -> Figures:
    """Per step from fits of one step and of ``steps`` steps, the fastest of ``rounds``
    each, taken in turns (what the two share, building the operator, cancels)."""
    one, many = math.inf, math.inf
    for _ in range(rounds):
        start = time.perf_counter()
        fit(1)
        one = min(one, time.perf_counter() - start)
        start = time.perf_counter()
        fit(steps)
        many = min(many, time.perf_counter() - start)
    per_step = max(0.0, many - one) / (steps - 1)
    return {"per_iter_s": per_step, "fit_s": many, "build_s": max(0.0, one - per_step)}


def _sknetwork(trust: csr_matrix, seeds: np.ndarray, result: Path) -> Figures:
    from sknetwork.ranking import PageRank

    prior = _prior(trust.shape[0], seeds)
    return _difference(
        lambda k: PageRank(DAMPING, solver="piteration", n_iter=k, tol=0.0).fit(trust, prior)
    )


def _networkx(trust: csr_matrix, seeds: np.ndarray, result: Path) -> Figures:
    import networkx as nx

    start = time.perf_counter()
    coo = trust.tocoo()
    graph = nx.DiGraph()
    graph.add_nodes_from(range(trust.shape[0]))
    graph.add_weighted_edges_from(
        zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)
    )
    del coo
    build = time.perf_counter() - start
    personal = {int(s): 1.0 for s in seeds}
    start = time.perf_counter()
    with contextlib.suppress(nx.PowerIterationFailedConvergence):  # tol=0: every step runs
        nx.pagerank(graph, DAMPING, personal, max_iter=STEPS, tol=0.0)
    call = time.perf_counter() - start
    return {"per_iter_s": call / STEPS, "call_s": call, "build_s": build}


def _igraph(trust: csr_matrix, seeds: np.ndarray, result: Path) -> Figures:
    import igraph

    start = time.perf_counter()
    coo = trust.tocoo()
    graph = igraph.Graph(n=trust.shape[0], edges=np.column_stack([coo.row, coo.col]), directed=True)
    weights = coo.data.tolist()
    del coo
    build = time.perf_counter() - start
    reset = _prior(trust.shape[0], seeds).tolist()
    start = time.perf_counter()
    graph.personalized_pagerank(
        reset=reset, weights=weights, damping=DAMPING, implementation="prpack"
    )
    solve = time.perf_counter() - start
    return {"per_iter_s": solve / PRPACK_STEPS, "solve_s": solve, "build_s": build}


def _graphblas(trust: csr_matrix, seeds: np.ndarray, result: Path) -> Figures:
    import graphblas as gb

    start = time.perf_counter()
    walk, dangling_dense = _walk_matrix(trust)
    matrix = gb.io.from_scipy_sparse(walk)
    prior = gb.Vector.from_dense(_prior(trust.shape[0], seeds))
    dangling = gb.Vector.from_dense(dangling_dense)
    build = time.perf_counter() - start
    x, times = prior.dup(), []
    for _ in range(STEPS):
        start = time.perf_counter()
        to_seeds = DAMPING * dangling.inner(x).new().get(0.0) + (1 - DAMPING) * x.reduce().get(0.0)
        spread = gb.semiring.plus_times(matrix @ x).new()
        x = (spread * DAMPING).new()
        x(gb.binary.plus) << prior * to_seeds
        times.append(time.perf_counter() - start)
    return {"per_iter_s": median(times), "best_iter_s": min(times), "build_s": build}


def _load_only(trust: csr_matrix, seeds: np.ndarray, result: Path) -> Figures:
    return {"per_iter_s": None}


RUNNERS: dict[str, Callable[[csr_matrix, np.ndarray, Path], Figures]] = {
    "goodwill": _goodwill("auto"),
    "goodwill_reference": _goodwill("reference"),
    "scipy32": _power(np.float32),
    "scipy64": _power(np.float64),
    "sknetwork": _sknetwork,
    "igraph": _igraph,
    "graphblas": _graphblas,
    "networkx": _networkx,
    "load_only": _load_only,
}


def measure(method: str, graph: Path, workdir: Path, timeout_s: float = 600.0) -> Figures:
    """One method on one saved graph, in a fresh process (:func:`scale_lab.child.run`)."""
    result = workdir / f"{method}.npy"
    return child.run("scale_lab.propagation", [method, str(graph), str(result)], timeout_s)


def kernel_seconds(cache: Path, timeout_s: float = 600.0) -> Figures:
    """The numba kernels' first-use cost: compiling them into an empty cache (``compile_s``)
    and, in a second fresh process, loading them from it (``cached_load_s``), beside the
    import of numba itself (``import_s``, in the second process)."""
    env = {"NUMBA_CACHE_DIR": str(cache)}
    first = child.run("scale_lab.propagation", ["compile"], timeout_s, env)
    again = child.run("scale_lab.propagation", ["compile"], timeout_s, env)
    return {
        "compile_s": first.get("seconds"),
        "cached_load_s": again.get("seconds"),
        "import_s": again.get("import_s"),
    }


def _child(argv: list[str]) -> None:
    if argv == ["compile"]:
        start = time.perf_counter()
        from goodwill.trust.engines.numba_csr import compile_seconds  # imports numba

        imported = time.perf_counter() - start
        child.report({"seconds": compile_seconds(), "import_s": imported})
        return
    method, graph, result = argv
    trust, seeds = _load(Path(graph))
    child.report(RUNNERS[method](trust, seeds, Path(result)))


if __name__ == "__main__":
    _child(sys.argv[1:])
