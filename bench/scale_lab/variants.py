"""The numba kernel's design choices side by side, on one graph, in one fresh process: how
the fast engine's defaults were chosen, and how to check them again on another machine.

Each variant is :class:`~goodwill.trust.engines.numba_csr.NumbaEngine` with one setting
changed: layout (cache-blocked tiles, the default, or CSR rows), tile shape (rows per
block by sources per segment), node order (by out-degree, the gather frequency, or the
nodes' own), weight width (float32 or float64), blocks per thread and scheduling (static:
each thread one run of blocks; dynamic: threads take blocks as they finish, which matters
when other processes share the cores). Variants run in turns, :data:`ROUNDS` rounds of
:data:`REPEATS` products each, and report the fastest and the median product and the
preparation time, so a noisy machine shows as a gap between the two.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from statistics import median
from typing import Any

import numba
import numpy as np
from scipy.sparse import csr_matrix, diags

from scale_lab import child
from scale_lab.child import Figures

__all__ = ["VARIANTS", "measure"]

ROUNDS = 3
REPEATS = 7
# name -> (NumbaEngine's settings, numba chunk size: 0 static, 1 dynamic)
VARIANTS: dict[str, tuple[dict[str, Any], int]] = {
    "default (tiles 32768x65536, own order, float32)": ({}, 0),
    "tiles 16384x65536": ({"tile_rows": 16_384}, 0),
    "tiles 32768x32768": ({"tile_columns": 32_768}, 0),
    "tiles, float64 weights": ({"dtype": "float64"}, 0),
    "tiles, reordered by out-degree": ({"reorder": True}, 0),
    "rows (CSR, 1 block/thread)": ({"layout": "rows"}, 0),
    "rows, float64 weights": ({"layout": "rows", "dtype": "float64"}, 0),
    "rows, reordered by out-degree": ({"layout": "rows", "reorder": True}, 0),
    "rows, 8 blocks/thread, dynamic": ({"layout": "rows", "blocks_per_thread": 8}, 1),
    "rows, 64 blocks/thread, dynamic": ({"layout": "rows", "blocks_per_thread": 64}, 1),
}


def _shares(trust: csr_matrix) -> csr_matrix:
    totals = np.asarray(trust.sum(axis=1)).ravel()
    return csr_matrix(diags(1.0 / (totals + 20.0)) @ trust)


def _run(graph: Path) -> Figures:
    from goodwill.trust.engines.numba_csr import NumbaEngine
    from goodwill.trust.engines.reference import ReferenceEngine

    with np.load(graph) as arrays:
        n = arrays["indptr"].size - 1
        trust = csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=(n, n))
    shares = _shares(trust)
    x = np.random.default_rng(0).random(n)
    base = np.zeros(n)
    engines: dict[str, tuple[Any, int]] = {"reference (scipy, float64)": (ReferenceEngine(), 0)}
    for name, (settings, chunk) in VARIANTS.items():
        engines[name] = (NumbaEngine(**settings), chunk)
    ready: dict[str, tuple[Any, Any, Any, float]] = {}
    for name, (engine, _) in engines.items():
        engine.prepare(shares)  # compile or load, then time a second preparation
        start = time.perf_counter()
        (prepared,) = engine.prepare(shares)
        ready[name] = (
            prepared,
            prepared.order.inward(x),
            prepared.order.inward(base),
            time.perf_counter() - start,
        )
    times: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(ROUNDS):
        for name, (prepared, xs, bases, _) in ready.items():
            with numba.parallel_chunksize(engines[name][1]):
                prepared.spread(xs, 0.7, bases, 0.1)
                for _ in range(REPEATS):
                    start = time.perf_counter()
                    prepared.spread(xs, 0.7, bases, 0.1)
                    times[name].append(time.perf_counter() - start)
    return {
        name: {
            "best_s": min(times[name]),
            "median_s": median(times[name]),
            "prepare_s": ready[name][3],
        }
        for name in engines
    }


def measure(graph: Path, timeout_s: float = 600.0) -> Figures:
    """Every variant's product on a saved graph, in a fresh process."""
    return child.run("scale_lab.variants", [str(graph)], timeout_s)


if __name__ == "__main__":
    child.report(_run(Path(sys.argv[1])))
