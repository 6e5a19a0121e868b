"""The ``imports`` table: one row per import, written inside the import's own transaction,
so a failed import leaves no trace and a completed one records what it did."""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlalchemy import Connection, insert, update

from goodwill.ledger.schema import imports
from goodwill.ledger.writer import WriteCounts

__all__ = ["begin_import", "finish_import"]


def begin_import(
    conn: Connection,
    *,
    source: str,
    path: str,
    sha256: str,
    options: Mapping[str, str] | None,
    now_us: int,
) -> int:
    """Record an import that is starting; returns its id for the events it adds."""
    return int(
        conn.execute(
            insert(imports).returning(imports.c.id),
            {
                "source": source,
                "path": path,
                "sha256": sha256,
                "options": json.dumps(dict(options or {}), sort_keys=True),
                "status": "running",
                "started_at": now_us,
                "records_read": 0,
                "events_added": 0,
                "events_present": 0,
                "rejected": 0,
                "identities_added": 0,
            },
        ).scalar_one()
    )


def finish_import(
    conn: Connection,
    import_id: int,
    *,
    counts: WriteCounts,
    rejected: int,
    events_read: int,
    now_us: int,
) -> None:
    """Record that an import completed, with what it read, added and set aside."""
    conn.execute(
        update(imports)
        .where(imports.c.id == import_id)
        .values(
            status="complete",
            finished_at=now_us,
            records_read=events_read + rejected,
            events_added=counts.events_added,
            events_present=counts.events_present,
            rejected=rejected,
            identities_added=counts.identities_added,
        )
    )
