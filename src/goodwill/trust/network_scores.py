"""Network trust as last computed, in the ledger's ``network_scores`` table.

One row per person reached (``mass_ > 0``) and scope, replaced as a whole in the caller's
write transaction: readers see the previous scores or the new ones, never a mix. Written
with the ledger's bulk path (COPY on PostgreSQL), since a community's scope holds a row for
nearly everyone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, delete, select

from goodwill.ledger.schema import network_scores
from goodwill.ledger.writer import bulk_insert
from goodwill.trust.network import NetworkTrust

__all__ = ["StoredScores", "read_network_scores", "write_network_scores"]

_COLUMNS = ("scope", "person_id", "mass", "score", "normalized", "at_us", "computed_at", "engine")


@dataclass(frozen=True, slots=True)
class StoredScores:
    """A scope's scores as stored, sorted by person id."""

    person_id: npt.NDArray[np.int64]
    mass: npt.NDArray[np.float64]
    score: npt.NDArray[np.float64]
    normalized: npt.NDArray[np.float64]
    at_us: int | None


def write_network_scores(
    conn: Connection,
    scope: str,
    person_ids: npt.NDArray[np.int64],
    model: NetworkTrust,
    *,
    at_us: int,
    now_us: int,
) -> int:
    """Replace ``scope``'s rows with ``model``'s scores (``person_ids[i]`` is node ``i``);
    returns how many people were reached and written."""
    conn.execute(delete(network_scores).where(network_scores.c.scope == scope))
    reached = np.flatnonzero(model.mass_ > 0)
    engine = model.engine_ or "reference"
    rows = list(
        zip(
            [scope] * len(reached),
            person_ids[reached].tolist(),
            model.mass_[reached].tolist(),
            model.scores_[reached].tolist(),
            model.normalized_[reached].tolist(),
            [at_us] * len(reached),
            [now_us] * len(reached),
            [engine] * len(reached),
            strict=True,
        )
    )
    bulk_insert(conn, network_scores, _COLUMNS, rows)
    return len(reached)


def read_network_scores(conn: Connection, scope: str) -> StoredScores:
    """``scope``'s stored scores (empty if none)."""
    table = network_scores
    rows = conn.execute(
        select(table.c.person_id, table.c.mass, table.c.score, table.c.normalized, table.c.at_us)
        .where(table.c.scope == scope)
        .order_by(table.c.person_id)
    ).all()
    return StoredScores(
        np.asarray([r[0] for r in rows], dtype=np.int64),
        np.asarray([r[1] for r in rows], dtype=np.float64),
        np.asarray([r[2] for r in rows], dtype=np.float64),
        np.asarray([r[3] for r in rows], dtype=np.float64),
        int(rows[0][4]) if rows else None,
    )
