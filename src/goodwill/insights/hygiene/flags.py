"""What every hygiene detector answers with, and what it may look up beyond the columns.

A :class:`Flag` names one person, the detector that flagged them, a confidence in [0, 1],
one readable reason and the ids of the events behind it, so the CLI, ``--json`` and the
agenda can all show the evidence through :func:`~goodwill.insights.citing.cite`.

Detectors read :class:`~goodwill.insights.activity.Activity` columns; the few things that
are not columns (what a message said, an account's handle and display name) come through
:class:`Lookups`, so the same detectors run over a ledger (:meth:`Lookups.of`) and over
bare columns with no text at all (:meth:`Lookups.none`), as the real-data benchmark does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Connection, select

from goodwill.insights.activity import event_texts, identity_handles
from goodwill.ledger.schema import identities

__all__ = ["DETECTORS", "Flag", "Lookups", "identity_names", "noisy_or"]

#: The detectors, in the order reports list them.
DETECTORS = ("pitch", "churn", "blast", "ring")

Lookup = Callable[[Iterable[int]], Mapping[int, str]]
_IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Flag:
    """One person flagged by one detector, with how sure it is and why.

    ``event_ids`` are the events a reader should see (for a blast, a few copies per
    campaign rather than every one); ``details`` holds the figures behind ``reason``.
    """

    person: int
    detector: str
    confidence: float
    reason: str
    event_ids: tuple[int, ...]
    details: Mapping[str, Any] = field(default_factory=dict)


def _nothing(_ids: Iterable[int]) -> Mapping[int, str]:
    return {}


@dataclass(frozen=True, slots=True)
class Lookups:
    """Where detectors read what is not in the columns: texts by event id, handles
    (``network:account``) and display names by identity id. Each returns only what it has."""

    texts: Lookup = _nothing
    handles: Lookup = _nothing
    names: Lookup = _nothing

    @property
    def has_texts(self) -> bool:
        """Whether texts can be read at all (bare edge lists have none)."""
        return self.texts is not _nothing

    @classmethod
    def of(cls, conn: Connection) -> Lookups:
        """Lookups that read the ledger behind ``conn`` (only while it is open)."""
        return cls(
            texts=lambda ids: event_texts(conn, ids),
            handles=lambda ids: identity_handles(conn, ids),
            names=lambda ids: identity_names(conn, ids),
        )

    @classmethod
    def none(cls) -> Lookups:
        """No texts, handles or names: detectors fall back on behaviour alone."""
        return cls()


def identity_names(conn: Connection, identity_ids: Iterable[int]) -> dict[int, str]:
    """The display name each identity goes by, where a source recorded one."""
    wanted = list(dict.fromkeys(int(i) for i in identity_ids if i >= 0))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        rows = conn.execute(
            select(identities.c.id, identities.c.display_name).where(
                identities.c.id.in_(wanted[start : start + _IN_CHUNK]),
                identities.c.display_name.is_not(None),
            )
        )
        found.update({int(i): str(n) for i, n in rows})
    return found


def noisy_or(weights: Iterable[float]) -> float:
    """The chance that at least one of several independent signals is right.

    Each signal alone says "this is noise" with its weight; together they say it with
    ``1 - prod(1 - w)``, so signals add up without ever passing 1.

    >>> round(noisy_or([0.5, 0.5]), 2), noisy_or([])
    (0.75, 0.0)
    """
    values = np.clip(np.fromiter(weights, dtype=np.float64), 0.0, 1.0)
    return float(1.0 - np.prod(1.0 - values)) if len(values) else 0.0
