"""Done, snoozed, dismissed: the owner's word on agenda items, kept as notes in the ledger.

A note names its item by key (``{"item": "reply:812"}``) and the person it is about, so
the agenda as of any moment leaves out what was done or dismissed by then and what is
snoozed past it (``--at`` replays: a note after the moment does not count). A done or
dismissed item also marks its person's open messages or gifts *before the note* as
handled, like a reply or a thank-you would: what arrives afterwards makes a new item
under a new key, while a snoozed item keeps its key and stays away until its date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection

from goodwill.events import from_time_us, to_time_us
from goodwill.insights.agenda_base import AgendaItem
from goodwill.insights.notes import NewNote, read_notes, record_notes
from goodwill.ledger import Ledger

__all__ = ["ITEM_NOTES", "ItemNotes", "item_notes", "note_on_item"]

#: The note kinds that act on agenda items.
ITEM_NOTES = ("done", "snooze", "dismiss")


@dataclass(slots=True)
class ItemNotes:
    """What the owner's notes say as of one moment."""

    #: item key -> why it is left out ("done 2026-01-03", "snoozed until 2026-02-01")
    hidden: dict[str, str] = field(default_factory=dict)
    #: (action, person) -> the latest done or dismiss note on that person's item of that action
    handled: dict[tuple[str, int], int] = field(default_factory=dict)


def item_notes(conn: Connection, *, at_us: int) -> ItemNotes:
    """Read the done, snooze and dismiss notes written up to ``at_us``."""
    state = ItemNotes()
    snoozed: dict[str, int] = {}
    for note in read_notes(conn, until_us=at_us, kinds=ITEM_NOTES):
        key = note.details.get("item")
        if not key:
            continue
        if note.kind == "snooze":
            snoozed[key] = to_time_us(datetime.fromisoformat(note.details["until"]))
            continue
        state.hidden[key] = f"{note.kind} {from_time_us(note.time_us):%Y-%m-%d}"
        if note.person is not None:
            slot = (key.split(":", 1)[0], note.person)
            state.handled[slot] = max(state.handled.get(slot, -1), note.time_us)
    for key, until in snoozed.items():
        if until > at_us and key not in state.hidden:
            state.hidden[key] = f"snoozed until {from_time_us(until):%Y-%m-%d}"
    return state


def note_on_item(
    ledger: Ledger, kind: str, item: AgendaItem, *, time_us: int, until_us: int | None = None
) -> bool:
    """Record that ``item`` was done, dismissed, or snoozed until ``until_us``; returns
    False when the same note was already there."""
    if kind not in ITEM_NOTES:
        raise ValueError(f"{kind!r} is not one of {', '.join(ITEM_NOTES)}")
    details = {"item": item.key, "action": item.action}
    key = f"{kind}:{item.key}"
    if kind == "snooze":
        if until_us is None:
            raise ValueError("a snooze needs the moment it ends")
        details["until"] = from_time_us(until_us).isoformat()
        key = f"{key}:{until_us}"
    note = NewNote(kind, key, time_us, person=item.person, details=details)
    return record_notes(ledger, [note]) == 1
