"""Network trust as last computed, kept in the ledger's ``network_score_blocks`` table.

A scope's scores are replaced as a whole in the caller's write transaction: readers see the
previous scores or the new ones, never a mix. They are stored as columnar blocks of up to
65,536 people sorted by id, each array one little-endian binary value (person ids as int64;
mass, score and normalized as float64): the byte format and why are in
:mod:`goodwill.ledger.score_blocks`, which this module fronts for the trust layer and its
readers (the Spark read-back, the personal data export, ``goodwill scores``).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from goodwill.ledger.score_blocks import (
    PersonScore,
    StoredScores,
    person_scores,
    read_scores,
    remove_people,
    write_scores,
)
from goodwill.trust.network import NetworkTrust

__all__ = [
    "PersonScore",
    "StoredScores",
    "person_scores",
    "read_network_scores",
    "remove_people",
    "write_network_scores",
    "write_scores",
]


def write_network_scores(
    conn: Connection,
    scope: str,
    person_ids: npt.NDArray[np.int64],
    model: NetworkTrust,
    *,
    at_us: int,
    now_us: int,
) -> int:
    """Replace ``scope``'s scores with ``model``'s (``person_ids[i]`` is node ``i``), for the
    people it reached; returns how many were reached and written."""
    reached = np.flatnonzero(model.mass_ > 0)
    return write_scores(
        conn,
        scope,
        person_ids[reached],
        model.mass_[reached],
        model.scores_[reached],
        model.normalized_[reached],
        at_us=at_us,
        now_us=now_us,
        engine=model.engine_ or "reference",
    )


def read_network_scores(conn: Connection, scope: str) -> StoredScores:
    """``scope``'s stored scores, sorted by person id (empty if none)."""
    return read_scores(conn, scope)
