"""MinHash signatures in one compiled pass over the texts' bytes.

The numpy way (every 5-gram as an array, every hash of every 5-gram as a matrix, then a
scattered minimum per text) wrote and reread about 128 x 8 bytes per character of text:
on the load benchmark's store (281k texts in sittings, 10.7M shingles) it took about 20
of the hygiene report's 30 seconds. Here each shingle is read straight from the bytes,
hashed by each of the 128 functions and folded into its text's row at once, so nothing
bigger than the signatures themselves is ever made. The arithmetic is the same unsigned
64-bit multiply-shift, wrapping as numpy's does, so the signatures are equal bit for bit.

Compiled on first use and cached on disk (``cache=True``), as ``goodwill.trust``'s kernels.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

__all__ = ["minhash_rows"]


@numba.njit(parallel=True, cache=True)
def minhash_rows(
    data: Any, starts: Any, lengths: Any, width: int, multipliers: Any, adders: Any, out: Any
) -> None:
    """Fill ``out[t]`` with the minimum over text ``t``'s ``width``-byte shingles of the top
    32 bits of ``multipliers * shingle + adders`` (mod 2**64). ``data`` holds every text's
    UTF-8 bytes, text ``t`` at ``starts[t]`` for ``lengths[t]`` bytes; rows of texts shorter
    than a shingle are left as the caller filled them."""
    hashes = multipliers.shape[0]
    shift = np.uint64(32)
    for t in numba.prange(starts.shape[0]):
        row = out[t]
        first = starts[t]
        for k in range(first, first + lengths[t] - width + 1):
            value = np.uint64(0)
            for b in range(width):
                value = (value << np.uint64(8)) | np.uint64(data[k + b])
            for j in range(hashes):
                hashed = np.uint32((value * multipliers[j] + adders[j]) >> shift)
                row[j] = min(row[j], hashed)
