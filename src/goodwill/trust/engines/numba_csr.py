"""The fast engine: a parallel kernel compiled by numba, for graphs of millions.

One step gathers, for every edge, the mass of its source. What this engine does, each
choice measured against its alternatives (``bench/scale.py`` prints the variants table;
``docs/scale.md`` has the figures):

* **cache-blocked tiles** (:mod:`~goodwill.trust.engines.tiles`, the default layout):
  ``Mᵀ`` cut into blocks of rows by segments of sources, so that each block reads the
  scores in order, segment by segment, and adds into row sums held in the core's L2, in
  one flat loop per tile whose edge streams it prefetches, instead of summing row by row
  and gathering every score from anywhere in the vector. The same sums in the same order
  as the row layout (``layout="rows"``: CSR, one row at a time), in about half its time
  per step on the 1M-node graph;
* **unsigned indices** (uint64 row pointers, uint32 columns): numba supports negative
  indices, so every access through a signed index carries the code that wraps it around;
  an unsigned index carries none, and the loop runs about four times faster for it (the
  largest single gain: a plain numba loop with signed indices is slower than scipy);
* **rows split across threads by edges, not rows** (``numba.prange`` over blocks holding
  equal numbers of edges): with a power-law in-degree, or people numbered by when they
  joined, equal row counts can leave one core with most of the work;
* **float32 weights, float64 sums**: a third fewer bytes per edge (4 for the weight, 4 for
  the column) while every product and every row's sum is carried in float64, so the mass
  keeps float64's precision where rows are long (within ``tolerance`` of float64, L1);
* **one pass per step**: the kernel adds the restart to the product and sums what the next
  step needs of the result (:meth:`~.base.Prepared.spread_sums`), so a step reads and
  writes the vector once, with no numpy or BLAS work on it between two products; its
  threads wait for work passively (``OMP_WAIT_POLICY``, see :mod:`goodwill.trust.engines`);
* **the nodes' own order, by default**: reordering nodes by how often they are gathered
  (``reorder=True``: out-degree, largest first, undone on output) did not make the row
  layout's step measurably faster on the power-law graphs here, and it doubles the
  preparation; it stays as an option.

Preparation (relabelling, transposing or tiling, narrowing the weights) is one parallel
counting sort, itself compiled. Kernels are cached on disk (``cache=True``): the first use
on a machine compiles them once (:func:`compile_seconds`), later processes load them.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

import numba
import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]  # scipy ships no stubs

from goodwill.trust.engines.base import Engine, Floats, NodeOrder, Prepared
from goodwill.trust.engines.tiles import (
    TILE_COLUMNS,
    TILE_ROWS,
    cap_rows,
    in_degrees,
    spread_tiles,
    tile,
)

__all__ = [
    "Numba64Engine",
    "NumbaEngine",
    "compile_seconds",
    "edge_blocks",
    "gather_order",
    "tile_blocks",
]

Ints = npt.NDArray[np.int64]


@numba.njit(parallel=True, cache=True, nogil=True)
def _relabel(positions: Any, indices: Any, out: Any) -> None:
    """``out[k] = positions[indices[k]]``: every column's new label, once."""
    for k in numba.prange(indices.size):
        out[k] = positions[indices[k]]


@numba.njit(parallel=True, cache=True, nogil=True)
def _transpose(
    parts: Any, nodes: Any, indptr: Any, columns: Any, data: Any, out_data: Any
) -> tuple[Any, Any]:
    """``Mᵀ`` in the new order as CSR: row ``c`` lists ``(new label of i, M[i, j])`` for
    every entry of ``M`` whose new column label (``columns``) is ``c``, by increasing new
    label, the weights cast into ``out_data``'s type as they are copied.

    A counting sort by row, in parallel: each part of the sources (``parts``: boundaries
    in the new order, about equal edges each) counts its entries per row, the counts become
    each part's own slots in every row (part 0's first, so columns stay sorted), and each
    part then scatters its entries into its slots."""
    one = np.uint64(1)  # uint64 + a plain int would be float64 in numba
    n = nodes.size
    counts = np.zeros((parts.size - 1, n), dtype=np.uint64)
    for part in numba.prange(parts.size - 1):
        mine = counts[part]  # one row of counts per part: 1-d, unsigned indexing below
        for new_source in range(parts[part], parts[part + 1]):
            source = nodes[new_source]
            for k in range(indptr[source], indptr[source + one]):
                mine[columns[k]] += one
    out_indptr = np.zeros(n + 1, dtype=np.uint64)
    for row in range(n):  # each part's counts become its first slot in the row
        slot = out_indptr[row]
        for part in range(parts.size - 1):
            count = counts[part, row]
            counts[part, row] = slot
            slot += count
        out_indptr[row + 1] = slot
    out_indices = np.empty(columns.size, dtype=np.uint32)
    for part in numba.prange(parts.size - 1):
        cursor = counts[part]
        for new_source in range(parts[part], parts[part + 1]):
            source = nodes[new_source]
            for k in range(indptr[source], indptr[source + one]):
                row = columns[k]
                slot = cursor[row]
                cursor[row] = slot + one
                out_indices[slot] = new_source
                out_data[slot] = data[k]
    return out_indptr, out_indices


@numba.njit(parallel=True, cache=True, nogil=True)
def _spread(
    bounds: Any,
    indptr: Any,
    indices: Any,
    data: Any,
    x: Any,
    out: Any,
    scale: float,
    base: Any,
    coef: float,
    weights: Any,
    sums: Any,
) -> None:
    """``out = scale * Mᵀ x + coef * base``, one block of rows (equal edges) per task, and
    each block's ``sum(out)`` and ``weights . out`` in ``sums`` (when ``weights`` is empty,
    only the first)."""
    weighed = weights.size > 0
    for block in numba.prange(bounds.size - 1):
        block_total = 0.0
        block_weighted = 0.0
        for row in range(bounds[block], bounds[block + 1]):
            total = 0.0
            for k in range(indptr[row], indptr[row + np.uint64(1)]):
                total += np.float64(data[k]) * x[indices[k]]
            value = scale * total + coef * base[row]
            out[row] = value
            block_total += value
            if weighed:
                block_weighted += weights[row] * value
        sums[block, 0] = block_total
        sums[block, 1] = block_weighted


def gather_order(matrix: csr_matrix) -> Ints:
    """Nodes by how many edges gather from them (their out-degree), most first; ties keep
    their order."""
    degree = np.diff(matrix.indptr)
    return np.argsort(-degree, kind="stable").astype(np.int64)


def edge_blocks(indptr: Ints, blocks: int) -> Ints:
    """Row boundaries of ``blocks`` consecutive runs of rows holding about equal numbers of
    edges (fewer runs when single rows are heavier than a share)."""
    wanted = np.linspace(0, int(indptr[-1]), blocks + 1)
    bounds = np.searchsorted(indptr, wanted, side="left").astype(np.int64)
    bounds[0], bounds[-1] = 0, indptr.size - 1
    fresh = np.ones(bounds.size, dtype=bool)
    fresh[1:] = bounds[1:] != bounds[:-1]
    return bounds[fresh]


def _unsigned(array: npt.NDArray[Any], dtype: type[np.unsignedinteger[Any]]) -> npt.NDArray[Any]:
    """``array`` as unsigned integers: a view when the width already matches (scipy's
    int32 or int64 indices), else a copy."""
    if array.dtype.itemsize == np.dtype(dtype).itemsize:
        return array.view(dtype)
    return array.astype(dtype)


def tile_blocks(columns: npt.NDArray[np.uint32], n: int, runs: int, most: int) -> tuple[Any, Any]:
    """The tiled layout's blocks of rows (about equal edges each, at most ``most`` rows) and
    ``runs`` runs of consecutive blocks holding about equal edges, one per task: blocks cut
    only for their rows (a long run of rows without edges) must not load one thread."""
    threads = numba.get_num_threads()
    ends = np.linspace(0, columns.size, threads + 1).astype(np.uint64)
    degrees = in_degrees(ends, columns, n)
    cumulative = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(degrees, out=cumulative[1:])
    # a tenth more blocks than the rows need (fewer then have to be cut for their rows), the
    # same number in every run
    per_run = max(1, -(-11 * n // (10 * most * runs)))
    bounds = cap_rows(edge_blocks(cumulative, runs * per_run), most)
    return bounds.astype(np.uint64), edge_blocks(cumulative[bounds], runs).astype(np.uint64)


class _Kernel(Prepared):
    """``Mᵀ`` in one of the two layouts: rows (CSR) or tiles (``tiles``: the most rows per
    block and the sources per segment, see :mod:`~goodwill.trust.engines.tiles`)."""

    def __init__(
        self,
        matrix: csr_matrix,
        order: NodeOrder,
        dtype: type[np.floating[Any]],
        blocks: int,
        tiles: tuple[int, int] | None,
    ) -> None:
        self.order = order
        n = int(matrix.shape[0])
        nodes = order.nodes if order.nodes is not None else np.arange(n, dtype=np.int64)
        indptr = _unsigned(matrix.indptr, np.uint64)
        # the sources in the new order, split into parts of about equal edges
        sources_indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.diff(matrix.indptr)[nodes], out=sources_indptr[1:])
        parts = edge_blocks(sources_indptr, numba.get_num_threads()).astype(np.uint64)
        self._data = np.empty(matrix.nnz, dtype=dtype)
        columns = _unsigned(matrix.indices, np.uint32)
        if order.positions is not None:  # each column's new label, read twice below
            labels = np.empty_like(columns)
            _relabel(order.positions.astype(np.uint32), columns, labels)
            columns = labels
        self._tiles = tiles
        if tiles is None:
            self._indptr, self._indices = _transpose(
                parts, nodes.astype(np.uint64), indptr, columns, matrix.data, self._data
            )
            self._bounds = edge_blocks(self._indptr.astype(np.int64), blocks).astype(np.uint64)
        else:
            self._bounds, self._runs = tile_blocks(columns, n, blocks, tiles[0])
            self._starts, self._packed = tile(
                parts, nodes.astype(np.uint64), indptr, columns, matrix.data,
                self._bounds.astype(np.int64), tiles[1], self._data,
            )  # fmt: skip
        self._zeros = np.zeros(n)
        self._none = np.zeros(0)

    def spread(
        self, x: Floats, scale: float = 1.0, base: Floats | None = None, coef: float = 0.0
    ) -> Floats:
        out, _, _ = self._run(x, scale, self._zeros if base is None else base, coef, self._none)
        return out

    def spread_sums(
        self, x: Floats, scale: float, base: Floats, coef: float, weights: Floats
    ) -> tuple[Floats, float, float]:
        return self._run(x, scale, base, coef, weights)

    def _run(
        self, x: Floats, scale: float, base: Floats, coef: float, weights: Floats
    ) -> tuple[Floats, float, float]:
        out = np.empty_like(self._zeros)
        sums = np.zeros((self._bounds.size - 1, 2))
        x, base, weights = (np.ascontiguousarray(v, dtype=np.float64) for v in (x, base, weights))
        if self._tiles is None:
            _spread(
                self._bounds, self._indptr, self._indices, self._data, x, out, float(scale),
                base, float(coef), weights, sums,
            )  # fmt: skip
        else:
            spread_tiles(
                self._runs, self._bounds, self._tiles[1], self._starts, self._packed, self._data, x, out,
                float(scale), base, float(coef), weights, sums,
            )  # fmt: skip
        total, weighted = sums.sum(axis=0)
        return out, float(total), float(weighted)


class NumbaEngine(Engine):
    """A parallel compiled kernel; ``float32`` weights unless told ``float64``.

    ``reorder`` places nodes by :func:`gather_order` (default: keep their own order);
    ``blocks_per_thread`` is how many runs of rows holding about equal edges each of numba's
    threads takes (a block of rows, or in tiles a run of blocks). ``layout`` is ``"tiles"`` (the default, cache-blocked: :mod:`.tiles`, blocks of
    at most ``tile_rows`` rows by segments of ``tile_columns`` sources, both at most
    65,536) or ``"rows"`` (CSR, one row's sum at a time): tiles ran faster on every graph
    of the bench, from a million edges to twenty million, and give the same sums
    (``docs/scale.md``).
    """

    name: ClassVar[str] = "numba"
    tolerance: ClassVar[float] = 1e-6
    layouts: ClassVar[tuple[str, ...]] = ("tiles", "rows")

    def __init__(
        self,
        dtype: str = "float32",
        *,
        reorder: bool = False,
        blocks_per_thread: int = 1,
        layout: str = "tiles",
        tile_rows: int = TILE_ROWS,
        tile_columns: int = TILE_COLUMNS,
    ) -> None:
        if dtype not in ("float32", "float64"):
            raise ValueError(f"dtype must be float32 or float64, not {dtype!r}")
        if layout not in self.layouts:
            raise ValueError(f"layout must be one of {', '.join(self.layouts)}, not {layout!r}")
        for name, size in (("tile_rows", tile_rows), ("tile_columns", tile_columns)):
            if not 1 <= size <= 65_536:
                raise ValueError(f"{name} must lie in [1, 65536] (16-bit offsets), not {size}")
        self.dtype: type[np.floating[Any]] = np.float32 if dtype == "float32" else np.float64
        self.reorder = reorder
        self.blocks_per_thread = blocks_per_thread
        self.layout = layout
        self.tile = (tile_rows, tile_columns)

    def prepare(self, *matrices: csr_matrix | None) -> tuple[Prepared | None, ...]:
        first = next((m for m in matrices if m is not None), None)
        if first is None:
            return tuple(None for _ in matrices)
        order = NodeOrder(gather_order(first) if self.reorder else None)
        blocks = max(1, numba.get_num_threads() * self.blocks_per_thread)
        tiles = self.tile if self.layout == "tiles" else None
        return tuple(
            None if m is None else _Kernel(csr_matrix(m), order, self.dtype, blocks, tiles)
            for m in matrices
        )


class Numba64Engine(NumbaEngine):
    """The same kernel with float64 weights: equal to the reference to rounding."""

    name: ClassVar[str] = "numba64"
    tolerance: ClassVar[float] = 1e-9

    def __init__(
        self, *, reorder: bool = False, blocks_per_thread: int = 1, layout: str = "tiles"
    ) -> None:
        super().__init__(
            "float64", reorder=reorder, blocks_per_thread=blocks_per_thread, layout=layout
        )


def compile_seconds() -> float:
    """Seconds to get the kernels ready in this process: compiling them the first time on a
    machine, loading them from numba's on-disk cache afterwards (0 once loaded here)."""
    start = time.perf_counter()
    tiny = csr_matrix(np.ones((2, 2)))
    for dtype in ("float32", "float64"):
        for layout in ("rows", "tiles"):
            (kernel,) = NumbaEngine(dtype, reorder=True, layout=layout).prepare(tiny)
            assert kernel is not None  # every kernel compiled or loaded
            kernel.spread_sums(np.ones(2), 0.5, np.ones(2), 0.5, np.ones(2))
    return time.perf_counter() - start
