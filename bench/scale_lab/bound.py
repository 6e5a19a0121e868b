"""The memory-bandwidth bound on one propagation step, measured in the same run.

One step must read every edge's source index and weight, gather the score of its source,
and write every node's new score. Its floor on this machine is the larger of

* **streaming**: the bytes one step touches divided by the bandwidth of a STREAM-like
  triad (``a = b + s c`` over arrays far larger than the caches, both cores; McCalpin's
  STREAM counts 3 words per element, so does this);
* **gathering**: the number of edges times the cost of one random gather from a table the
  size of the score vector (float64, ``n`` entries, both cores, random uint32 indices read
  in sequence like an edge list's).

Bytes per step: 4 per edge for the index and 4 for the weight (float32, what the fast
engine stores), and per node 8 for the row pointer, 8 for reading the seed vector's entry
and 8 for writing the new score. The gathered scores are the second term's, not the
first's. Every figure is the best of a few repeats, as STREAM reports.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

__all__ = ["Bound", "bytes_per_step", "gather_seconds", "measure", "triad_bandwidth"]

TRIAD_ELEMENTS = 20_000_000  # 3 arrays of 160 MB: five times the last-level cache
REPEATS = 5
BYTES_PER_EDGE = 4 + 4
BYTES_PER_NODE = 8 + 8 + 8


@numba.njit(parallel=True, cache=True)
def _triad(a: Any, b: Any, c: Any, scalar: float) -> None:
    for i in numba.prange(a.size):
        a[i] = b[i] + scalar * c[i]


@numba.njit(parallel=True, cache=True)
def _gather(table: Any, index: Any, parts: Any) -> None:
    chunk = (index.size + parts.size - 1) // parts.size
    for part in numba.prange(parts.size):
        total = 0.0
        start, stop = np.uint64(part * chunk), np.uint64(min(index.size, (part + 1) * chunk))
        for k in range(start, stop):
            total += table[index[k]]
        parts[part] = total


def _best(run: Callable[[], None]) -> float:
    run()  # compile or load, and warm the caches
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def triad_bandwidth(elements: int = TRIAD_ELEMENTS) -> float:
    """Bytes per second of ``a = b + s c`` on float64 arrays, all threads."""
    a, b, c = np.zeros(elements), np.ones(elements), np.full(elements, 2.0)
    seconds = _best(lambda: _triad(a, b, c, 3.0))
    return 3 * 8 * elements / seconds


def gather_seconds(table_size: int, gathers: int, seed: int = 1) -> float:
    """Seconds per element of summing ``table[index[k]]`` over random uint32 indices into a
    float64 table of ``table_size`` entries, all threads."""
    rng = np.random.default_rng(seed)
    table = rng.random(table_size)
    # unsigned, as the kernel's: numba wraps signed indices around, which costs per access
    index = rng.integers(0, table_size, gathers, dtype=np.uint32)
    parts = np.zeros(numba.get_num_threads())
    return _best(lambda: _gather(table, index, parts)) / gathers


def bytes_per_step(nodes: int, edges: int) -> int:
    """What one step must stream through memory (see the module's docstring)."""
    return BYTES_PER_EDGE * edges + BYTES_PER_NODE * nodes


@dataclass(frozen=True)
class Bound:
    """A graph's floor per step and what it is made of."""

    triad_bytes_per_s: float
    gather_s_per_element: float
    stream_s: float
    gather_s: float

    @property
    def per_step_s(self) -> float:
        """The larger of the two floors: what ``bound_per_iter_s`` reports."""
        return max(self.stream_s, self.gather_s)


def measure(nodes: int, edges: int, bandwidth: float | None = None, seed: int = 1) -> Bound:
    """The bound for a graph of ``nodes`` and ``edges`` (``bandwidth`` measured once per run
    can be passed in; the gather is measured on this graph's table size)."""
    triad = triad_bandwidth() if bandwidth is None else bandwidth
    per_element = gather_seconds(nodes, min(edges, 20_000_000), seed)
    return Bound(triad, per_element, bytes_per_step(nodes, edges) / triad, edges * per_element)
