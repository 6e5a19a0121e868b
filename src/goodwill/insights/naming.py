"""People as a reader knows them: display names for the person ids an insight answers in.

Insights compute over person ids; every report shows names. One small read, shared by the
advocates, outcomes and brand reports, so each shows people the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select

from goodwill.errors import StoreError
from goodwill.ledger.people import owner_person
from goodwill.ledger.schema import people

__all__ = ["person_names", "require_owner"]

_IN_CHUNK = 500


def person_names(conn: Connection, person_ids: Iterable[int]) -> dict[int, str]:
    """The display name of each person id (ids not in the store are left out)."""
    wanted = list(dict.fromkeys(int(i) for i in person_ids))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        rows = conn.execute(
            select(people.c.id, people.c.display_name).where(
                people.c.id.in_(wanted[start : start + _IN_CHUNK])
            )
        )
        found.update({int(i): str(n) for i, n in rows})
    return found


def require_owner(conn: Connection) -> int:
    """The store owner's person id; insights about "her" need to know who she is."""
    owner = owner_person(conn)
    if owner is None:
        raise StoreError(
            "the store has no owner yet; goodwill owner HANDLE... records your identities"
        )
    return owner
