"""Small event tables for trust tests, written as plain rows (plain functions, no fixtures)."""

from __future__ import annotations

import numpy as np

from goodwill.events import KINDS
from goodwill.trust.evidence import EventTable

KIND_NAMES = tuple(sorted(KINDS))
DAY_US = 86_400 * 1_000_000


def table(rows: list[tuple[int, int, str, float, float | None]], n_nodes: int) -> EventTable:
    """An event table from ``(actor, target, kind, day, value)`` rows (day may be fractional)."""
    code = {kind: i for i, kind in enumerate(KIND_NAMES)}
    return EventTable(
        actor=np.array([r[0] for r in rows], dtype=np.int64),
        target=np.array([r[1] for r in rows], dtype=np.int64),
        kind=np.array([code[r[2]] for r in rows], dtype=np.int64),
        time_us=np.array([round(r[3] * DAY_US) for r in rows], dtype=np.int64),
        value=np.array([np.nan if r[4] is None else r[4] for r in rows], dtype=np.float64),
        event_id=np.arange(1, len(rows) + 1, dtype=np.int64),
        kinds=KIND_NAMES,
        n_nodes=n_nodes,
    )


def at_day(day: float) -> int:
    """Microseconds for a day number."""
    return round(day * DAY_US)
