"""The owner's notes: what she did about an agenda item, her trips, results, circle pins.

A note is an event of one of :data:`~goodwill.events.NOTE_KINDS`, written by the owner's
identity about a person's (or about nobody, for a trip), under the source ``goodwill``.
Keeping notes in the ledger rather than beside it means they replay with ``--at`` (the
agenda of June does not know what was done in July), travel with a backup, and are
written by the same all-or-nothing import as everything else. A note's key is its
``external_id``: writing the same note twice adds nothing.

A note's details are a small JSON object of strings in the event's text, e.g.
``{"item": "unanswered:812"}`` for a done agenda item or ``{"city": "Porto", "until":
"2025-06-04"}`` for a trip.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, select
from sqlalchemy.orm import aliased

from goodwill.errors import StoreError
from goodwill.events import NOTE_KINDS, Event, Record
from goodwill.importing import import_records
from goodwill.ledger import Ledger
from goodwill.ledger.people import current_person, require_owner
from goodwill.ledger.schema import events, identities
from goodwill.reading import RecordStream

__all__ = ["NOTE_SOURCE", "NewNote", "Note", "read_notes", "record_notes"]

#: The source name of everything goodwill itself writes for the owner.
NOTE_SOURCE = "goodwill"


@dataclass(frozen=True, slots=True)
class NewNote:
    """A note to write: ``key`` is unique per note (the same key again adds nothing)."""

    kind: str
    key: str
    time_us: int
    person: int | None = None
    details: Mapping[str, str] = field(default_factory=dict)
    value: float | None = None


@dataclass(frozen=True, slots=True)
class Note:
    """A note read back, with the person it is about as of now (merges applied)."""

    event_id: int
    kind: str
    key: str
    time_us: int
    person: int | None
    details: dict[str, str]
    value: float | None


def record_notes(ledger: Ledger, notes: list[NewNote]) -> int:
    """Write ``notes`` in one transaction; returns how many were new."""
    for note in notes:
        if note.kind not in NOTE_KINDS:
            raise ValueError(f"{note.kind!r} is not a note kind ({', '.join(sorted(NOTE_KINDS))})")
    with ledger.read() as conn:
        mine = _first_handle(conn, require_owner(conn))
        theirs = {
            p: _first_handle(conn, p) for p in {n.person for n in notes if n.person is not None}
        }
    records: list[Record] = [
        Event(
            note.kind,
            mine,
            None if note.person is None else theirs[note.person],
            time_us=note.time_us,
            external_id=note.key,
            value=note.value,
            text=json.dumps(dict(note.details), sort_keys=True, ensure_ascii=False),
        )
        for note in notes
    ]
    digest = hashlib.sha256("\n".join(n.key for n in notes).encode()).hexdigest()

    @contextmanager
    def stream() -> Iterator[RecordStream]:
        yield RecordStream(iter(records), lambda: 0)

    kinds = ", ".join(sorted({n.kind for n in notes}))
    summary = import_records(
        ledger,
        NOTE_SOURCE,
        stream,
        where=Path(NOTE_SOURCE),
        recorded_path=f"notes: {kinds}",
        sha256=digest,
    )
    return summary.added


def read_notes(
    conn: Connection, *, until_us: int | None = None, kinds: tuple[str, ...] = ()
) -> list[Note]:
    """The owner's notes (of ``kinds``, or all) up to ``until_us``, oldest first."""
    target = aliased(identities)
    query = (
        select(
            events.c.id,
            events.c.kind,
            events.c.external_id,
            events.c.occurred_at,
            target.c.person_id,
            events.c.text,
            events.c.value,
        )
        .outerjoin(target, target.c.id == events.c.target_id)
        .where(events.c.source == NOTE_SOURCE, events.c.kind.in_(kinds or tuple(NOTE_KINDS)))
        .order_by(events.c.occurred_at, events.c.id)
    )
    if until_us is not None:
        query = query.where(events.c.occurred_at <= until_us)
    notes = []
    for event_id, kind, key, when, person, text, value in conn.execute(query):
        details = json.loads(text) if text else {}
        notes.append(
            Note(
                int(event_id),
                str(kind),
                str(key),
                int(when),
                None if person is None else current_person(conn, int(person)),
                {str(k): str(v) for k, v in details.items()},
                value,
            )
        )
    return notes


def _first_handle(conn: Connection, person: int) -> str:
    """The person's oldest identity: notes need one to name them by."""
    row = conn.execute(
        select(identities.c.network, identities.c.account)
        .where(identities.c.person_id == person)
        .order_by(identities.c.id)
        .limit(1)
    ).first()
    if row is None:
        raise StoreError(f"person {person} has no identity to attach a note to")
    return f"{row.network}:{row.account}"
