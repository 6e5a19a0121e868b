"""The reference engine: scipy's CSR product in float64, the nodes in their own order.

It is the definition every other engine is checked against (``tests/trust/test_engines.py``)
and what ``auto`` uses on graphs too small for preparing a faster layout to pay back.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]  # scipy ships no stubs

from goodwill.trust.engines.base import Engine, Floats, NodeOrder, Prepared

__all__ = ["ReferenceEngine"]


class _Transposed(Prepared):
    def __init__(self, matrix: csr_matrix, order: NodeOrder) -> None:
        self.order = order
        self._forward = csr_matrix(matrix.T, dtype=np.float64)  # Mᵀ as CSR: rows gather

    def spread(
        self, x: Floats, scale: float = 1.0, base: Floats | None = None, coef: float = 0.0
    ) -> Floats:
        out = np.asarray(self._forward @ x, dtype=np.float64)
        if scale != 1.0:
            out *= scale
        if base is not None and coef != 0.0:
            out += coef * base
        return out


class ReferenceEngine(Engine):
    """scipy CSR, float64: the definition."""

    name: ClassVar[str] = "reference"
    tolerance: ClassVar[float] = 0.0

    def prepare(self, *matrices: csr_matrix | None) -> tuple[Prepared | None, ...]:
        order = NodeOrder(None)
        return tuple(None if m is None else _Transposed(m, order) for m in matrices)
