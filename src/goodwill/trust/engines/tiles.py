"""The kernel's cache-blocked layout: ``Mᵀ`` cut into tiles of rows by sources, so that a
step gathers from a slice of the score vector that sits in the core's own cache.

**Why.** The row layout (:mod:`~goodwill.trust.engines.numba_csr`, ``layout="rows"``)
sums one row at a time: its loop ends every twenty edges on average at a branch the CPU
cannot predict (row lengths follow a power law), each row's additions form one chain, and
every edge gathers one score from anywhere in the vector (8 MB for a million people: in
the shared L3, not in a core's 1 MB L2). It ran 1.5 times the bound, the loop alone
without the gathers 1.2 times (``docs/scale.md``). Here the rows are cut into *blocks* (at
most :data:`TILE_ROWS` rows, about equal edges each, whose sums sit in L2) and the sources
into *segments* of :data:`TILE_COLUMNS` consecutive nodes; a *tile* is one block's edges
from one segment, ordered by source. A step runs each block's tiles segment by segment,
one flat loop per tile: it reads the scores in increasing order and adds each edge into
its row's sum in L2, with no branch per row and no chain. The edges themselves are two
long streams per thread, which the kernel asks for a thousand edges ahead
(:mod:`~goodwill.trust.engines.prefetch`).

**The same sums.** A row's edges are still added in increasing source order (segment by
segment, and by source within a tile), so every row's sum is the row layout's to the bit.

**Compact edges.** Within a tile a row and a source are each less than 65,536 apart from
the tile's first, so one ``uint32`` holds both offsets (row in the high half): 4 bytes per
edge for the index, as the row layout's ``uint32`` column, and no row pointers.
"""

from __future__ import annotations

import itertools
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from goodwill.trust.engines.prefetch import prefetch

__all__ = ["TILE_COLUMNS", "TILE_ROWS", "cap_rows", "in_degrees", "spread_tiles", "tile"]

# A block's row sums (8 bytes each) and a segment's scores stay within a 1 MB L2 with room
# for the edges streaming through: 256 KB and 512 KB. Both at most 65,536 (16-bit offsets).
TILE_ROWS = 32_768
TILE_COLUMNS = 65_536
_HALF = np.uint32(16)
_LOW = np.uint32(0xFFFF)
# The edges are read in chunks of one cache line of offsets (16 x 4 bytes), each chunk
# asking for the edges _AHEAD further on (4 KB of offsets): the hardware prefetcher alone
# left the step waiting on these two streams (see .prefetch).
_CHUNK = np.uint64(16)
_HALF_CHUNK = np.uint64(8)
_AHEAD = np.uint64(1024)

Ints = npt.NDArray[np.int64]


@numba.njit(parallel=True, cache=True, nogil=True)
def in_degrees(parts: Any, columns: Any, n: int) -> Any:
    """How many entries each column of ``M`` holds (the rows of ``Mᵀ``), counted by
    ``parts`` (boundaries into ``columns``) in parallel."""
    one = np.uint64(1)
    counts = np.zeros((parts.size - 1, n), dtype=np.uint64)
    for part in numba.prange(parts.size - 1):
        mine = counts[part]
        for k in range(parts[part], parts[part + 1]):
            mine[columns[k]] += one
    total = np.zeros(n, dtype=np.int64)
    for part in range(parts.size - 1):
        total += counts[part].astype(np.int64)
    return total


def cap_rows(bounds: Ints, most: int) -> Ints:
    """Row boundaries with every block of more than ``most`` rows cut into equal pieces:
    a run of rows without edges cannot be split by edge counts, and a block's offsets must
    fit 16 bits."""
    pieces = [np.array([0], dtype=np.int64)]
    for first, last in itertools.pairwise(bounds.tolist()):
        count = -(-(last - first) // most)
        pieces.append(np.linspace(first, last, count + 1).round().astype(np.int64)[1:])
    return np.concatenate(pieces)


@numba.njit(parallel=True, cache=True, nogil=True)
def _place(
    parts: Any,
    nodes: Any,
    indptr: Any,
    columns: Any,
    data: Any,
    block_of: Any,
    row_bounds: Any,
    width: int,
    packed: Any,
    out_data: Any,
) -> Any:
    """The tiles of ``Mᵀ`` (see the module's docstring): ``packed`` and ``out_data`` filled
    tile after tile, and each tile's first entry returned (one more at the end).

    A counting sort by tile, in parallel: each part of the sources (``parts``: boundaries in
    the new order, about equal edges each) counts its entries per tile, part 0's slots come
    first in every tile, and each part then writes its entries in source order, so a tile
    lists its entries by increasing source."""
    one = np.uint64(1)  # uint64 mixed with a plain int would be float64 in numba
    wide = np.uint64(width)
    segments = np.uint64((nodes.size + width - 1) // width)
    tiles = (row_bounds.size - 1) * ((nodes.size + width - 1) // width)
    counts = np.zeros((parts.size - 1, tiles), dtype=np.uint64)
    for part in numba.prange(parts.size - 1):
        mine = counts[part]
        for new_source in range(parts[part], parts[part + 1]):
            source = nodes[new_source]
            segment = new_source // wide
            for k in range(indptr[source], indptr[source + one]):
                mine[np.uint64(block_of[columns[k]]) * segments + segment] += one
    starts = np.zeros(tiles + 1, dtype=np.uint64)
    slot = np.uint64(0)
    for t in range(tiles):  # each part's count becomes its first slot in the tile
        starts[t] = slot
        for part in range(parts.size - 1):
            count = counts[part, t]
            counts[part, t] = slot
            slot += count
    starts[tiles] = slot
    for part in numba.prange(parts.size - 1):
        cursor = counts[part]
        for new_source in range(parts[part], parts[part + 1]):
            source = nodes[new_source]
            segment = new_source // wide
            offset = np.uint32(new_source - segment * wide)
            for k in range(indptr[source], indptr[source + one]):
                row = columns[k]
                block = block_of[row]
                where = np.uint64(block) * segments + segment
                at = cursor[where]
                cursor[where] = at + one
                packed[at] = (np.uint32(row - row_bounds[block]) << _HALF) | offset
                out_data[at] = data[k]
    return starts


def tile(
    parts: npt.NDArray[np.uint64],
    nodes: npt.NDArray[np.uint64],
    indptr: npt.NDArray[np.uint64],
    columns: npt.NDArray[np.uint32],
    data: npt.NDArray[np.floating[Any]],
    row_bounds: Ints,
    width: int,
    out_data: npt.NDArray[np.floating[Any]],
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]:
    """``Mᵀ`` in tiles: each tile's first entry and the packed offsets, the weights cast into
    ``out_data``. ``M`` is CSR (``indptr``, ``columns`` already in the new labels, ``data``),
    ``nodes[k]`` the old label of new node ``k``; ``row_bounds`` the blocks (at most 65,536
    rows each), ``width`` the segment's (at most 65,536)."""
    block_of = np.repeat(np.arange(row_bounds.size - 1, dtype=np.uint32), np.diff(row_bounds))
    packed = np.empty(columns.size, dtype=np.uint32)
    starts = _place(
        parts, nodes, indptr, columns, data, block_of, row_bounds.astype(np.uint32), width,
        packed, out_data,
    )  # fmt: skip
    return starts, packed


@numba.njit(parallel=True, cache=True, nogil=True)
def spread_tiles(
    runs: Any,
    row_bounds: Any,
    width: int,
    starts: Any,
    packed: Any,
    data: Any,
    x: Any,
    out: Any,
    scale: float,
    base: Any,
    coef: float,
    weights: Any,
    sums: Any,
) -> None:
    """``out = scale * Mᵀ x + coef * base`` block by block, each task one run of blocks
    (``runs``: boundaries among the blocks, about equal edges each), each block's
    ``sum(out)`` and ``weights . out`` in ``sums`` (when ``weights`` is empty, only the
    first). A block's rows gather their sums in ``out`` itself, segment by segment."""
    for run in numba.prange(runs.size - 1):
        for block in range(runs[run], runs[run + 1]):
            _spread_block(
                block, row_bounds, width, starts, packed, data, x, out, scale, base, coef,
                weights, sums,
            )  # fmt: skip


@numba.njit(cache=True, nogil=True, inline="always")
def _spread_block(
    block: int,
    row_bounds: Any,
    width: int,
    starts: Any,
    packed: Any,
    data: Any,
    x: Any,
    out: Any,
    scale: float,
    base: Any,
    coef: float,
    weights: Any,
    sums: Any,
) -> None:
    """One block of :func:`spread_tiles`."""
    weighed = weights.size > 0
    n = x.size
    segments = (n + width - 1) // width
    first, last = row_bounds[block], row_bounds[block + 1]
    rows = out[first:last]
    rows[:] = 0.0
    for segment in range(segments):
        scores = x[segment * width : min(n, (segment + 1) * width)]
        t = block * segments + segment
        k, stop = starts[t], starts[t + 1]
        while k + _CHUNK <= stop:  # a cache line of offsets at a time, asking ahead
            prefetch(packed, k + _AHEAD)
            prefetch(data, k + _AHEAD)
            prefetch(data, k + _AHEAD + _HALF_CHUNK)  # float64 weights: a second line
            for e in range(k, k + _CHUNK):
                p = packed[e]
                rows[p >> _HALF] += np.float64(data[e]) * scores[p & _LOW]
            k += _CHUNK
        for e in range(k, stop):
            p = packed[e]
            rows[p >> _HALF] += np.float64(data[e]) * scores[p & _LOW]
    block_total = 0.0
    block_weighted = 0.0
    for row in range(first, last):
        value = scale * out[row] + coef * base[row]
        out[row] = value
        block_total += value
        if weighed:
            block_weighted += weights[row] * value
    sums[block, 0] = block_total
    sums[block, 1] = block_weighted
