"""Near-duplicate texts without comparing every pair: shingles, MinHash and LSH bands.

A blast is one text pasted to many people with small changes (a greeting, the recipient's
handle, a tracking code, an emoji). :func:`normalise` removes what changes from copy to
copy; the text's character 5-grams (shingles) then say how much two texts share, as the
Jaccard similarity of their shingle sets. MinHash estimates that similarity from 128
small numbers per text, and banding those numbers (16 bands of 8) puts texts that share
~70% or more of their shingles in a common bucket with high probability, so candidate
pairs come from buckets in linear time and only they are checked.

>>> normalise("@ann Hi Ann!! 🚀 50% off → https://x.example/o?ref=1")
'hi ann 50 off url'
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix  # type: ignore[import-untyped]  # scipy ships no stubs
from scipy.sparse.csgraph import (  # type: ignore[import-untyped]  # scipy ships no stubs
    connected_components,
)

from goodwill.insights.activity import Ints

__all__ = ["HASHES", "near_duplicate_groups", "normalise", "normalise_all", "signatures"]

HASHES = 128  # MinHash values per text: similarity estimates within about ±0.04
_BANDS = 16  # 16 bands of 8 rows: texts above ~0.7 similarity meet in some band
_ROWS = HASHES // _BANDS
_SHINGLE = 5  # characters: long enough to carry words, short enough for short texts
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_MENTION = re.compile(r"(?<![\w@])@[\w.-]+(?:@[\w.-]+)?")
_NOT_WORD = re.compile(r"[^\w]+|_")
_SEED = 20_250_101
_SEPARATOR = "\x1e"


def normalise(text: str) -> str:
    """``text`` without what differs between copies of one message: case, accents, links
    (each becomes ``url``), @-mentions, emoji, punctuation and spacing."""
    text = _URL.sub(" url ", text)
    text = _MENTION.sub(" ", text)
    folded = unicodedata.normalize("NFKD", text.lower())
    # ASCII holds no combining marks: most texts skip the walk over their characters
    plain = (
        folded
        if folded.isascii()
        else "".join(ch for ch in folded if not unicodedata.combining(ch))
    )
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def normalise_all(texts: list[str]) -> list[str]:
    """:func:`normalise` of each text, in a few passes over all of them joined rather than
    several calls per text: a blast detector normalises hundreds of thousands of texts.

    The texts are joined by a record separator (first turned into a space inside a text,
    which ``normalise`` would do anyway): Python's patterns count it as a space, so no
    link or mention runs across it, and it is a starter with no decomposition, so NFKD
    never moves a mark across it either.
    """
    if not texts:
        return []
    joined = _SEPARATOR.join(t.replace(_SEPARATOR, " ") for t in texts)
    joined = _MENTION.sub(" ", _URL.sub(" url ", joined))
    folded = unicodedata.normalize("NFKD", joined.lower()).split(_SEPARATOR)
    return [
        " ".join(
            _NOT_WORD.sub(
                " ",
                part
                if part.isascii()
                else "".join(ch for ch in part if not unicodedata.combining(ch)),
            ).split()
        )
        for part in folded
    ]


def signatures(texts: list[str]) -> npt.NDArray[np.uint32]:
    """A MinHash signature (``HASHES`` values) per text; texts shorter than a shingle get
    all-maximum signatures, which match nothing by construction.

    A text's shingles are its UTF-8 bytes read ``_SHINGLE`` at a time as one big-endian
    number; each of the ``HASHES`` functions is the top 32 bits of ``a * x + b`` (mod
    2**64) with seeded odd ``a`` and any ``b``. The compiled pass
    (:func:`~goodwill.insights.hygiene.minhash_kernel.minhash_rows`) does all of it
    without materialising a shingle.
    """
    from goodwill.insights.hygiene.minhash_kernel import minhash_rows  # numba: on first use

    rng = np.random.default_rng(_SEED)
    multipliers = rng.integers(1, 2**63, size=HASHES, dtype=np.uint64) | np.uint64(1)
    adders = rng.integers(0, 2**63, size=HASHES, dtype=np.uint64)
    encoded = [t.encode("utf-8") for t in texts]
    lengths = np.array([len(b) for b in encoded], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    result = np.full((len(texts), HASHES), np.iinfo(np.uint32).max, dtype=np.uint32)
    if len(texts):
        minhash_rows(data, starts, lengths, _SHINGLE, multipliers, adders, result)
    return result


def near_duplicate_groups(texts: list[str], scope: Ints, min_similarity: float) -> Ints:
    """A group label per text: texts in one ``scope`` (e.g. one sender's sitting) whose
    estimated similarity is at least ``min_similarity`` share a label, directly or through
    a chain of such texts. Every text that matches none is alone in its group."""
    count = len(texts)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    distinct: dict[str, int] = {}  # each text's first copy: sorting strings costs more
    inverse = np.array([distinct.setdefault(t, len(distinct)) for t in texts], dtype=np.int64)
    signs = signatures(list(distinct))[inverse]
    left: list[Ints] = []
    right: list[Ints] = []
    for band in range(_BANDS):
        block = np.ascontiguousarray(signs[:, band * _ROWS : (band + 1) * _ROWS])
        keys = np.column_stack([scope.astype(np.uint32), block]).view(
            np.dtype((np.void, 4 * (_ROWS + 1)))
        )[:, 0]
        _, first, bucket = np.unique(keys, return_index=True, return_inverse=True)
        anchor = first[bucket.ravel()]
        pairs = np.flatnonzero(anchor != np.arange(count))
        left.append(anchor[pairs])
        right.append(pairs)
    a, b = np.concatenate(left), np.concatenate(right)
    if len(a):
        keep = (signs[a] == signs[b]).mean(axis=1) >= min_similarity
        a, b = a[keep], b[keep]
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(count, count))
    labels: Ints = connected_components(graph, directed=False)[1].astype(np.int64)
    return labels
