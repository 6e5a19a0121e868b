"""The graphs the scale bench propagates over: seeded synthetic power-law graphs and the
Higgs Twitter activity graph, each as a row-stochastic-ready trust matrix (n x n CSR, weights
in (0, 1]) with a seed set.

**Synthetic graphs** are Chung-Lu-like: each edge draws its source and its target
independently with probability proportional to a node's weight ``w_i ~ (i + 1)^-b``, which
gives power-law out- and in-degrees (tail exponent ``1 + 1 / b``: about 2.5 for targets, 3
for sources, as in follower graphs, where a few accounts are followed by very many and
nobody follows very many). Indices are drawn in closed form (``floor(n u^k)`` with
``u`` uniform has density ``~ i^(1/k - 1)``), so 20M edges take seconds, not a Python
loop; node ids are then shuffled, so that nothing about the order helps an engine that does
not reorder, and repeated pairs and self-loops are dropped before exactly ``n_edges`` are
kept. A node's out- and in-weight come from the same rank, so accounts that vouch much are
vouched for much, as in real social graphs. The same seed always gives the same graph.

**Higgs** is SNAP's higgs-twitter activity (retweets, mentions, replies in the week of the
Higgs boson announcement): who acted toward whom, each distinct pair once, weighted by
``1 - 2^-count`` (one act 0.5, several approaching 1), self-loops dropped.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

__all__ = [
    "GRAPHS",
    "HIGGS_FILE",
    "SCALING",
    "SEED_COUNT",
    "SYNTHETIC",
    "ScaleGraph",
    "higgs",
    "load",
    "power_law",
]

HIGGS_FILE = "higgs-activity_time.txt.gz"
# name -> (nodes, edges); the two sizes
SYNTHETIC = {"synthetic-100k": (100_000, 2_000_000), "synthetic-1m": (1_000_000, 20_000_000)}
GRAPHS = (*SYNTHETIC, "higgs")
# a size between the two, the same family: a third point for fitting cost against edges
SCALING = {"synthetic-300k": (300_000, 6_000_000)}
# how many seeds a walk starts from: a community's handful of trusted accounts
SEED_COUNT = 20
_SOURCE_EXPONENT = 0.5  # b for sources: out-degree tail ~ 3
_TARGET_EXPONENT = 2 / 3  # b for targets: in-degree tail ~ 2.5
_OVERDRAW = 1.08  # repeated pairs among hubs: draw a few more than needed


@dataclass(frozen=True)
class ScaleGraph:
    """A trust matrix and the seeds a walk starts from."""

    name: str
    trust: csr_matrix
    seeds: np.ndarray

    @property
    def n_nodes(self) -> int:
        return int(self.trust.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.trust.nnz)


def _ranks(rng: np.random.Generator, n_nodes: int, count: int, exponent: float) -> np.ndarray:
    """``count`` node ranks drawn with probability ``~ (rank + 1)^-exponent``."""
    power = 1.0 / (1.0 - exponent)
    drawn = np.floor(n_nodes * rng.random(count) ** power).astype(np.int64)
    return np.minimum(drawn, n_nodes - 1)


def power_law(n_nodes: int, n_edges: int, seed: int = 1) -> csr_matrix:
    """A seeded power-law trust matrix with exactly ``n_edges`` distinct, non-loop edges."""
    rng = np.random.default_rng(seed)
    shuffle = rng.permutation(n_nodes)  # rank -> node id: no order for free
    codes = np.zeros(0, dtype=np.int64)
    draw = int(n_edges * _OVERDRAW)
    while codes.size < n_edges:
        src = shuffle[_ranks(rng, n_nodes, draw, _SOURCE_EXPONENT)]
        dst = shuffle[_ranks(rng, n_nodes, draw, _TARGET_EXPONENT)]
        fresh = src * n_nodes + dst
        codes = _distinct(np.concatenate([codes, fresh[src != dst]]))
        draw = int((n_edges - codes.size) * 1.5) + 1000
    keep = np.sort(rng.choice(codes.size, n_edges, replace=False))
    codes = codes[keep]  # still sorted by (row, column): CSR order
    weights = rng.uniform(0.05, 1.0, n_edges)
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(codes // n_nodes, minlength=n_nodes), out=indptr[1:])
    indices = (codes % n_nodes).astype(np.int32)
    return csr_matrix((weights, indices, indptr), shape=(n_nodes, n_nodes))


def _distinct(codes: np.ndarray) -> np.ndarray:
    """The sorted distinct values of ``codes``: sort and compare neighbours, because
    ``np.unique`` without ``return_inverse`` takes a hashing path in numpy 2.4 that is about
    100 times slower than sorting at these sizes (33 s against 0.3 s for 21M integers)."""
    ordered = np.sort(codes)
    fresh = np.ones(ordered.size, dtype=bool)
    fresh[1:] = ordered[1:] != ordered[:-1]
    return ordered[fresh]


def higgs(data_dir: Path) -> csr_matrix:
    """The Higgs activity graph: one edge per distinct ordered pair, ``1 - 2^-acts``."""
    path = data_dir / HIGGS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: the Higgs figures need SNAP's file there")
    with gzip.open(path, "rb") as handle:
        columns = np.loadtxt(handle, dtype=np.int64, usecols=(0, 1))
    src, dst = columns[:, 0], columns[:, 1]
    ids, dense = np.unique(np.concatenate([src, dst]), return_inverse=True)
    n = ids.size
    src, dst = dense[: src.size], dense[src.size :]
    keep = src != dst
    codes, counts = np.unique(src[keep] * n + dst[keep], return_counts=True)
    weights = 1.0 - 0.5**counts
    return csr_matrix((weights, (codes // n, codes % n)), shape=(n, n))


def top_seeds(trust: csr_matrix, count: int = SEED_COUNT) -> np.ndarray:
    """The ``count`` accounts that vouch for the most others: a community's known core."""
    degree = np.diff(trust.indptr)
    return np.sort(np.argsort(-degree, kind="stable")[:count])


def load(name: str, data_dir: Path, seed: int = 1) -> ScaleGraph:
    """One of :data:`GRAPHS` by name."""
    sizes = {**SYNTHETIC, **SCALING}
    if name in sizes:
        trust = power_law(*sizes[name], seed=seed)
    elif name == "higgs":
        trust = higgs(data_dir)
    else:
        raise ValueError(f"unknown graph {name!r}: expected one of {', '.join(GRAPHS)}")
    return ScaleGraph(name, trust, top_seeds(trust))
