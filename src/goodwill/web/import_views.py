"""What the imports page reads from the store: the history of imports, and the accounts
to offer when the store has no owner yet."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy import Connection, select

from goodwill.events import from_time_us
from goodwill.insights.notes import NOTE_SOURCE
from goodwill.ledger.people import owner_person
from goodwill.ledger.queries import PersonRow, list_people, person_names
from goodwill.ledger.schema import imports
from goodwill.web.models import ImportOut

__all__ = ["HISTORY_SHOWN", "OWNER_CHOICES", "OwnerState", "import_history", "owner_state"]

#: Imports listed, newest first: a few years of weekly imports.
HISTORY_SHOWN = 200
#: People offered at once in "which of these accounts are you?": the owner of an export
#: is among its most active accounts, so the first screen usually holds every one of hers.
OWNER_CHOICES = 12


def import_history(conn: Connection, *, limit: int = HISTORY_SHOWN) -> list[ImportOut]:
    """The imports of files and syncs the store records, newest first.

    A failed import leaves no row: it was rolled back with everything it wrote. The notes
    goodwill writes for the owner (an agenda item done, a pin) are stored as small imports
    of their own; they are left out, or every click on the dashboard would be a line here.
    """
    query = select(imports).where(imports.c.source != NOTE_SOURCE)
    rows = conn.execute(query.order_by(imports.c.id.desc()).limit(limit)).all()
    return [
        ImportOut(
            id=r.id,
            source=r.source,
            file=PurePath(r.path).name or r.path,
            status=r.status,
            started=from_time_us(r.started_at).isoformat(),
            finished=None if r.finished_at is None else from_time_us(r.finished_at).isoformat(),
            records_read=r.records_read,
            events_added=r.events_added,
            events_present=r.events_present,
            rejected=r.rejected,
            identities_added=r.identities_added,
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class OwnerState:
    """Who the owner is, or, when nobody is yet, the accounts to choose her from."""

    owner: int | None
    owner_name: str | None
    choices: list[PersonRow]

    @property
    def needed(self) -> bool:
        """Whether the store still needs to be told who its owner is."""
        return self.owner is None


def owner_state(conn: Connection, query: str | None) -> OwnerState:
    """The owner, or the people matching ``query`` (most active first) to pick her from."""
    owner = owner_person(conn)
    if owner is not None:
        return OwnerState(owner, person_names(conn, [owner]).get(owner), [])
    choices = list_people(conn, search=(query or "").strip() or None, limit=OWNER_CHOICES)
    return OwnerState(None, None, choices)
