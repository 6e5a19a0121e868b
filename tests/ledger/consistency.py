"""Is a store consistent? The checks the crash and concurrency tests run after every blow.

On SQLite: ``PRAGMA integrity_check`` (pages, b-trees, indexes against rows) and
``PRAGMA foreign_key_check``. On PostgreSQL, which enforces its constraints as it writes:
``amcheck``'s ``bt_index_check`` with ``heapallindexed`` on every index (each row is in its
indexes and each index is ordered). On both: no row points at a row that is not there
(including the events table's ids, which declare no foreign keys), every import is
complete, and every import's ``events_added`` is exactly the number of events that carry its
id, which is what "no import is half-applied" means for a store nobody has erased from.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from goodwill.ledger import Ledger

__all__ = ["StoreCounts", "store_counts", "store_problems"]

_DANGLING = {
    "events whose actor is no identity": "SELECT COUNT(*) FROM events e "
    "WHERE NOT EXISTS (SELECT 1 FROM identities i WHERE i.id = e.actor_id)",
    "events whose target is no identity": "SELECT COUNT(*) FROM events e WHERE e.target_id "
    "IS NOT NULL AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.id = e.target_id)",
    "events of no import": "SELECT COUNT(*) FROM events e "
    "WHERE NOT EXISTS (SELECT 1 FROM imports m WHERE m.id = e.import_id)",
    "identities of no person": "SELECT COUNT(*) FROM identities i "
    "WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.id = i.person_id)",
    "imports not complete": "SELECT COUNT(*) FROM imports WHERE status <> 'complete'",
}
_DISAGREEING = (
    "SELECT m.id, m.events_added, COUNT(e.id) FROM imports m "
    "LEFT JOIN events e ON e.import_id = m.id "
    "GROUP BY m.id, m.events_added HAVING COUNT(e.id) <> m.events_added"
)
_POSTGRES_INDEXES = (
    "SELECT c.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid "
    "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE a.amname = 'btree' AND n.nspname = 'public' ORDER BY c.relname"
)


class StoreCounts(NamedTuple):
    """Rows in the tables an import writes."""

    events: int
    identities: int
    people: int
    imports: int


def store_counts(ledger: Ledger) -> StoreCounts:
    """How many events, identities, people and imports the store holds."""
    with ledger.read() as conn:
        return StoreCounts(
            *(
                int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())
                for table in ("events", "identities", "people", "imports")
            )
        )


def store_problems(ledger: Ledger) -> list[str]:
    """Every inconsistency found, one line each; an empty list for a sound store."""
    if not ledger.is_sqlite:
        with ledger.write() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
    with ledger.read() as conn:
        problems = _sqlite_problems(conn) if ledger.is_sqlite else _postgres_problems(conn)
        for label, query in _DANGLING.items():
            found = int(conn.execute(text(query)).scalar_one())
            if found:
                problems.append(f"{found} {label}")
        for import_id, recorded, present in conn.execute(text(_DISAGREEING)):
            problems.append(f"import {import_id} recorded {recorded} events added, holds {present}")
    return problems


def _sqlite_problems(conn: Connection) -> list[str]:
    verdict = [str(v) for v in conn.exec_driver_sql("PRAGMA integrity_check").scalars()]
    problems = [] if verdict == ["ok"] else [f"integrity_check: {'; '.join(verdict[:5])}"]
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        problems.append(f"foreign_key_check: {len(broken)} rows, e.g. {tuple(broken[0])}")
    return problems


def _postgres_problems(conn: Connection) -> list[str]:
    problems = []
    for (index,) in conn.execute(text(_POSTGRES_INDEXES)).all():
        try:
            with conn.begin_nested():
                conn.execute(
                    text("SELECT bt_index_check(CAST(:i AS regclass), true)"), {"i": index}
                )
        except DBAPIError as exc:
            problems.append(f"index {index}: {str(exc.orig).strip().splitlines()[0]}")
    return problems
