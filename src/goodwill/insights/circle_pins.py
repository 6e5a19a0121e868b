"""Pins: the owner's own word on someone's circle, whatever the evidence says.

``goodwill pin PERSON LEVEL`` records a ``pin`` note (:mod:`goodwill.insights.notes`) whose
details name the level: a circle, or ``none`` to keep the person out of every circle.
``goodwill unpin`` records a pin to :data:`UNPINNED` (``evidence``), which hands the person
back to the figures. Pins are notes, so they replay with ``--at``: the latest pin recorded
up to the moment asked wins, and a pin recorded later is not yet known.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from goodwill.errors import AlgorithmInputError
from goodwill.events import from_time_us
from goodwill.insights.circle_rules import TIERS
from goodwill.insights.notes import NewNote, read_notes, record_notes
from goodwill.ledger import Ledger
from goodwill.ledger.people import owner_person

__all__ = ["PIN_LEVELS", "UNPINNED", "Pin", "latest_pins", "record_pin"]

#: What a pin may name: a circle, or ``none`` to keep a person out of all of them.
PIN_LEVELS = (*TIERS, "none")
#: The level an unpin records: back to what the evidence says.
UNPINNED = "evidence"


@dataclass(frozen=True, slots=True)
class Pin:
    """The owner's latest pin of one person, up to the moment asked."""

    level: str  # a circle or "none"
    time_us: int
    event_id: int

    @property
    def date(self) -> str:
        """The day the pin was recorded, as YYYY-MM-DD."""
        return f"{from_time_us(self.time_us):%Y-%m-%d}"


def latest_pins(conn: Connection, at_us: int) -> dict[int, Pin]:
    """Each person's latest pin up to ``at_us``; unpinned people are left out."""
    pins: dict[int, Pin] = {}
    for note in read_notes(conn, until_us=at_us, kinds=("pin",)):
        if note.person is None:
            continue
        level = note.details.get("level", UNPINNED)
        if level in PIN_LEVELS:
            pins[note.person] = Pin(level, note.time_us, note.event_id)
        else:
            pins.pop(note.person, None)
    return pins


def record_pin(ledger: Ledger, person: int, level: str, *, time_us: int) -> bool:
    """Pin ``person`` to ``level`` (a circle, ``none``, or :data:`UNPINNED`) as of
    ``time_us``; False if the very same pin was already recorded."""
    if level not in (*PIN_LEVELS, UNPINNED):
        raise AlgorithmInputError(f"cannot pin to {level!r}: choose one of {', '.join(PIN_LEVELS)}")
    with ledger.read() as conn:
        if person == owner_person(conn):
            raise AlgorithmInputError("the owner is not in her own circles: pin someone else")
    note = NewNote("pin", f"pin:{person}:{level}:{time_us}", time_us, person, {"level": level})
    return record_notes(ledger, [note]) == 1
