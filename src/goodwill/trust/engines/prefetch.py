"""A software prefetch for numba kernels: ask the cache for memory a loop will read soon.

numba has no prefetch of its own; LLVM has one (``llvm.prefetch``), which becomes an x86
``prefetcht0``. The tiled kernel (:mod:`~goodwill.trust.engines.tiles`) reads its edges as
two long streams per thread, and on this project's machine the hardware prefetcher did not
keep ahead of them: asking for the edges a thousand ahead took about a quarter off the
1M-node graph's step (``docs/scale.md``).

A prefetch is only a hint: it never faults, so an address past an array's end (the last
chunks of a stream) is allowed and simply ignored by the CPU. numba's on-disk cache keys a
kernel on its own file only: after changing this one, delete the cached kernels of the
modules that use it (``__pycache__/tiles.*.nbi`` and ``.nbc``) or they keep the old code.
"""

from __future__ import annotations

from typing import Any

from llvmlite import ir  # type: ignore[import-untyped]  # llvmlite ships no stubs
from numba.core import cgutils, types
from numba.core.extending import intrinsic

__all__ = ["prefetch"]

_READ = 0  # llvm.prefetch's arguments: read (not write),
_KEEP = 3  # keep in every cache level (prefetcht0),
_DATA = 1  # data, not instructions


def _prefetch(typingctx: Any, array: Any, index: Any) -> tuple[Any, Any]:
    """``prefetch(array, index)`` inside a jitted function: fetch the cache line holding
    ``array[index]`` (a 1-d contiguous array), without reading it and without a bounds
    check."""
    signature = types.void(array, index)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        data = context.make_array(sig.args[0])(context, builder, args[0]).data
        byte = ir.IntType(8).as_pointer()
        address = builder.bitcast(builder.gep(data, [args[1]]), byte)  # not inbounds: a hint
        word = ir.IntType(32)
        hint = ir.FunctionType(ir.VoidType(), [byte, word, word, word])
        function = cgutils.get_or_insert_function(  # type: ignore[no-untyped-call]
            builder.module, hint, "llvm.prefetch.p0"
        )
        builder.call(function, [address, word(_READ), word(_KEEP), word(_DATA)])
        return context.get_dummy_value()

    return signature, codegen


# typed as Any: numba's own type for an intrinsic wants the typing context as an argument,
# which only numba's compiler passes
prefetch: Any = intrinsic(_prefetch)
