"""Keys for records that carry no id of their own, so a repeated import still adds nothing.

A key is built from the record's content. Two records with identical content are told
apart by their order among the records sharing their timestamp: the second gets ``#1``, the
third ``#2``. Only the current timestamp's keys are remembered, so memory stays flat; in a
time-sorted file (as SNAP's temporal files are) that numbers every repeat exactly.

>>> keys = RepeatKeys()
>>> [keys.key("100", "a>b@100"), keys.key("100", "a>b@100"), keys.key("101", "a>b@101")]
['a>b@100', 'a>b@100#1', 'a>b@101']
"""

from __future__ import annotations

import hashlib

from goodwill.sources.fields import MAX_KEY

__all__ = ["RepeatKeys", "content_key", "fitted_key"]

_REPEAT_ROOM = 16  # for the ``#N`` a repeat adds


class RepeatKeys:
    """Numbers repeats of identical content within a run of equal timestamps."""

    def __init__(self) -> None:
        self._time: str | None = None
        self._seen: dict[str, int] = {}

    def key(self, time: str, content: str) -> str:
        """The key for ``content`` at ``time``, suffixed when the same content came before."""
        if time != self._time:
            self._time = time
            self._seen.clear()
        repeats = self._seen.get(content, 0)
        self._seen[content] = repeats + 1
        return f"{content}#{repeats}" if repeats else content


def content_key(*fields: str) -> str:
    """A short, stable digest of a record's fields, for sources whose records have no id.

    >>> content_key("2024-01-01T00:00:00Z", "reply", "x:@a", "x:@b", "hi")
    'h:020d46a6630c8326eaf9023a'
    """
    # surrogatepass: a lone surrogate (JSON can write one) is content too, not an error
    digest = hashlib.blake2b("\x1f".join(fields).encode("utf-8", "surrogatepass"), digest_size=12)
    return "h:" + digest.hexdigest()


def fitted_key(content: str) -> str:
    """``content`` itself as a key when it fits the ledger's column (with room for a
    repeat's ``#N``), else its digest: a forged row with a 5,000-digit node id still gets a key.

    >>> fitted_key("otc:1>2@1289241911"), fitted_key("9" * 600)
    ('otc:1>2@1289241911', 'h:94eabee3c67ff93c179bce98')
    """
    return content if len(content) <= MAX_KEY - _REPEAT_ROOM else content_key(content)
