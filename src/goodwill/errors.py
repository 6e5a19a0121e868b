"""goodwill's errors: one root, a few kinds, each carrying what a user needs to act.

::

    GoodwillError                 anything goodwill itself reports
    ├── SourceError               an input cannot be read (file, record, reason)
    │   └── UnknownSourceError    no source is registered under that name
    ├── StoreError                the store cannot be opened, migrated or written
    │   └── NotFoundError         a person, identity or record named by the user is absent
    └── AlgorithmInputError       an algorithm was given parameters or data it cannot use

The CLI maps every ``GoodwillError`` to one line on stderr and exit code 2; nothing else
catches a bare ``Exception``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AlgorithmInputError",
    "GoodwillError",
    "NotFoundError",
    "SourceError",
    "StoreError",
    "UnknownSourceError",
]


class GoodwillError(Exception):
    """Root of every error goodwill raises on purpose."""


class SourceError(GoodwillError):
    """An input that cannot be read: names the file, the place in it and the reason.

    >>> str(SourceError("line 17: expected 4 fields, found 3", path=Path("otc.csv")))
    'otc.csv: line 17: expected 4 fields, found 3'
    """

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.detail = message
        super().__init__(f"{self.path}: {message}" if self.path is not None else message)


class UnknownSourceError(SourceError):
    """No source is registered under the requested name."""


class StoreError(GoodwillError):
    """The store cannot be opened, migrated or written as asked."""


class NotFoundError(StoreError):
    """A person, identity or record the user named is not in the store."""


class AlgorithmInputError(GoodwillError, ValueError):
    """An algorithm was given parameters or data it cannot work with."""
