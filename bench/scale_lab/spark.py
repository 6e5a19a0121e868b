"""Spark's propagation step in local mode, beside the numpy engine on the same graph.

:func:`measure` hands a trust matrix to :class:`goodwill.trust.engines.spark.walk.SparkNetworkTrust`
as an edge table (written once as Parquet, as a cluster would read it), walks from the
seeds for a few steps in ``local[2]`` and reports the median wall time of a step, how long
Spark took to start, and the largest difference of its masses from the numpy reference
engine's after the same steps. Spark runs on this machine's two cores beside the bench
itself: its figure says what a step costs in DataFrame joins, not what a cluster does.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from pyspark.sql import SparkSession
from scipy.sparse import csr_matrix

from goodwill.trust.engines.spark.session import spark_session
from goodwill.trust.engines.spark.walk import SparkNetworkTrust
from goodwill.trust.network import NetworkTrust

__all__ = ["MASTER", "measure"]

MASTER = "local[2]"


def measure(adjacency: csr_matrix, seeds: np.ndarray, iterations: int) -> dict[str, Any]:
    """Per-step time of the Spark walk over ``adjacency`` from ``seeds`` (node indices),
    Spark's start-up time, and the largest absolute difference from the numpy reference
    engine's masses (whose own step time is ``numpy_per_iter_s``)."""
    n = int(adjacency.shape[0])
    existing = SparkSession.getActiveSession()
    started = time.perf_counter()
    spark = spark_session(MASTER)
    startup_s = time.perf_counter() - started
    try:
        with tempfile.TemporaryDirectory(prefix="goodwill-spark-bench-") as folder:
            edges_path = _write_edges(adjacency, Path(folder) / "edges")
            edges = spark.read.parquet(str(edges_path)).cache()
            edge_count = edges.count()
            walker = SparkNetworkTrust(steps=iterations).fit(edges, {int(s): 1.0 for s in seeds}, n)
            rows = walker.results().select("node", "mass").collect()
            edges.unpersist()
    finally:
        if existing is None:
            spark.stop()
    mass = np.zeros(n)
    for row in rows:
        mass[row["node"]] = row["mass"]
    reference = NetworkTrust(steps=iterations, engine="reference").fit(adjacency, seeds)
    return {
        "per_iter_s": statistics.median(walker.step_seconds_),
        "step_s": walker.step_seconds_,
        "startup_s": startup_s,
        "max_abs_diff": float(np.abs(mass - reference.mass_).max()),
        "numpy_per_iter_s": statistics.median(reference.step_seconds_),
        "edges": edge_count,
        "master": MASTER,
    }


def _write_edges(adjacency: csr_matrix, folder: Path) -> Path:
    """The matrix's entries as a Parquet edge table ``(src, dst, trust)``."""
    coo = adjacency.tocoo()
    folder.mkdir(parents=True)
    table = pa.table(
        {
            "src": pa.array(coo.row.astype(np.int64)),
            "dst": pa.array(coo.col.astype(np.int64)),
            "trust": pa.array(coo.data.astype(np.float64)),
        }
    )
    pq.write_table(table, folder / "part-00000.parquet")
    return folder
