"""Propagation engines: one seam (:class:`Engine`), a reference and a fast implementation.

====================  =========================================================  ==========
name                  what it is                                                 vs float64
====================  =========================================================  ==========
``reference``         scipy CSR, float64, nodes in their own order: the          (itself)
                      definition
``numba``             parallel compiled kernel, cache-blocked tiles of rows by   L1 ≤ 1e-6
                      sources, float32 weights, float64 sums, split by edges
``numba64``           the same kernel with float64 weights                       L1 ≤ 1e-9
``auto``              ``numba`` from :data:`AUTO_MIN_EDGES` edges, ``reference``
                      below
====================  =========================================================  ==========

:func:`engine` turns a name into an engine. numba is imported only when a numba engine is
asked for, so reading the ledger or drawing a page never pays for it.
"""

from __future__ import annotations

import os

from goodwill.errors import AlgorithmInputError
from goodwill.trust.engines.base import Engine, NodeOrder, Prepared
from goodwill.trust.engines.reference import ReferenceEngine

__all__ = ["AUTO_MIN_EDGES", "ENGINES", "Engine", "NodeOrder", "Prepared", "engine"]

# Threads that wait for work by spinning (OpenMP's default, which numba's kernels run on)
# take a core from whatever else wants it between two steps; on a machine shared with
# other work that left a 1.3 ms step on the Higgs graph at 8 ms and slowed the 1M-node
# graph's by a fifth. Waiting passively costs a wake-up of microseconds per step. Set here,
# before any parallel kernel starts OpenMP; a value the user set is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

ENGINES = ("auto", "reference", "numba", "numba64")
# From this many edges ``auto`` picks the numba engine. Below it a whole walk on the
# reference takes a few tens of milliseconds (20 steps at about 1.5 ns per edge), less than
# a fresh process spends importing numba and loading its cached kernels (about 0.5 s, see
# docs/scale.md), so only a long-running process that fits many small graphs would gain.
AUTO_MIN_EDGES = 1_000_000


def engine(name: str | Engine = "auto", edges: int = 0) -> Engine:
    """The engine called ``name`` (an :class:`Engine` is returned as it is); ``auto``
    chooses by the number of ``edges`` the walk will spread over.

    >>> engine("auto", edges=10).name, engine("numba").name
    ('reference', 'numba')
    """
    if isinstance(name, Engine):
        return name
    if name == "auto":
        name = "numba" if edges >= AUTO_MIN_EDGES else "reference"
    if name == "reference":
        return ReferenceEngine()
    if name in ("numba", "numba64"):
        from goodwill.trust.engines.numba_csr import Numba64Engine, NumbaEngine

        return NumbaEngine() if name == "numba" else Numba64Engine()
    raise AlgorithmInputError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
