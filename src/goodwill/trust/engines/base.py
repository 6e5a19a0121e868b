"""The seam every propagation step goes through: an engine prepares a walk's matrices once
and then applies their transposed products many times.

A walk over ``n`` people spends nearly all its time in one operation, ``Mᵀ x``: every
person's new mass gathered from the people who vouch for them. How fast that runs depends
on how the matrix sits in memory (which order the nodes are in, how wide the weights are,
how the rows are split across cores), and none of that changes between steps. So an
:class:`Engine` turns the matrices into :class:`Prepared` operators once, in a node order of
its choosing (:class:`NodeOrder`), and the walk keeps its vectors in that order until the
end: only the seeds go in and only the results come out through the order.

Every operator of one :meth:`Engine.prepare` call shares one order, so a walk can mix them
(network trust subtracts the warnings before it spreads the rest).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]  # scipy ships no stubs

__all__ = ["Engine", "Floats", "NodeOrder", "Prepared", "dot"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def dot(a: Floats, b: Floats) -> float:
    """``a . b`` in numpy's own loop rather than BLAS. numpy hands a product of two vectors
    to OpenBLAS, whose threads then spin for the cores between a walk's steps, against the
    engine's threads and everything else: on this project's 2-core machine that made a
    1.3 ms step on the Higgs graph take 8 ms."""
    return float(np.einsum("i,i->", a, b))


class NodeOrder:
    """Where each node sits in an engine's vectors: ``nodes[k]`` is the node at position
    ``k`` (``None``: the nodes' own order)."""

    def __init__(self, nodes: Ints | None) -> None:
        self.nodes = nodes
        self._positions: Ints | None = None
        if nodes is not None:
            positions = np.empty_like(nodes)
            positions[nodes] = np.arange(nodes.size, dtype=nodes.dtype)
            self._positions = positions

    @property
    def positions(self) -> Ints | None:
        """``positions[node]``: where ``node`` sits (the inverse of ``nodes``)."""
        return self._positions

    def inward(self, vector: Floats) -> Floats:
        """A vector indexed by node, rearranged into the engine's order (float64)."""
        values = np.asarray(vector, dtype=np.float64)
        return values.copy() if self.nodes is None else values[self.nodes]

    def outward(self, vector: Floats) -> Floats:
        """A vector in the engine's order, back to one indexed by node."""
        values = np.asarray(vector, dtype=np.float64)
        return values if self._positions is None else values[self._positions]


class Prepared(ABC):
    """A square matrix ``M`` made ready for ``Mᵀ x`` in its engine's node order."""

    order: NodeOrder

    @abstractmethod
    def spread(
        self, x: Floats, scale: float = 1.0, base: Floats | None = None, coef: float = 0.0
    ) -> Floats:
        """``scale * Mᵀ x + coef * base`` (``base`` omitted: no second term), every vector
        in the engine's order. A walk's step adds its restart to the spread in the same
        pass, which is why the product takes it."""

    def spread_sums(
        self, x: Floats, scale: float, base: Floats, coef: float, weights: Floats
    ) -> tuple[Floats, float, float]:
        """:meth:`spread`, with the two sums the next step needs of its result ``y``:
        ``sum(y)`` and ``weights . y``. An engine may take them in the same pass (the numba
        kernel does: the step then does no other work on the vector between products)."""
        out = self.spread(x, scale, base, coef)
        return out, float(out.sum()), dot(weights, out)


class Engine(ABC):
    """Prepares matrices for a walk; see the module's docstring.

    Results agree with the ``reference`` engine's (float64, scipy) to the engine's
    ``tolerance``: the largest L1 distance between two walks' mass vectors (each summing to
    at most 1) that the contract test (``tests/trust/test_engines.py``) allows.
    """

    name: ClassVar[str]
    tolerance: ClassVar[float]

    @abstractmethod
    def prepare(self, *matrices: csr_matrix | None) -> tuple[Prepared | None, ...]:
        """Each matrix (n x n, all the same n) ready for :meth:`Prepared.spread`, in one
        shared node order chosen from the first; ``None`` stays ``None``."""
