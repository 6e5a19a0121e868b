"""Trips: "you will be in their city". The owner records a trip; in the weeks before it and
while it lasts, the agenda lists the contacts who live there, strongest bond first.

A trip is a note (kind ``trip``, details ``city``, ``from`` and ``until`` as dates), so it
replays with ``--at`` like every other note. Where a contact lives comes from their
identities' attributes (``{"city": "Porto"}``, as an address book or LinkedIn gives it),
matched without regard to case or accents
(:func:`~goodwill.insights.agenda_base.address_book`). An item shows from ``lead_days`` before the
trip (``agenda.toml``) to its last day, scored ``gain(meeting) * stake``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy import Connection

from goodwill.errors import AlgorithmInputError
from goodwill.events import to_time_us
from goodwill.insights.agenda_base import US_PER_DAY, AgendaContext, AgendaItem, latest_rows
from goodwill.insights.notes import NewNote, read_notes, record_notes
from goodwill.ledger import Ledger

__all__ = ["Trip", "record_trip", "same_city", "trip_items", "trips"]


@dataclass(frozen=True, slots=True)
class Trip:
    """A trip the owner recorded: where, from which day to which day (both included)."""

    event_id: int
    city: str
    start: date
    end: date

    @property
    def shown(self) -> str:
        return f"{self.city}, {self.start:%d %b} to {self.end:%d %b %Y}"


def same_city(a: str, b: str) -> bool:
    """Whether two spellings name one city (case, accents and spacing aside).

    >>> same_city("Montréal", " montreal"), same_city("Porto", "Lisbon")
    (True, False)
    """
    return _fold(a) == _fold(b)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def record_trip(ledger: Ledger, city: str, start: date, end: date, *, time_us: int) -> bool:
    """Record a trip to ``city`` from ``start`` to ``end``; False if it was already there."""
    if not city.strip():
        raise AlgorithmInputError("a trip needs a city")
    if end < start:
        raise AlgorithmInputError(f"the trip ends ({end}) before it starts ({start})")
    details = {"city": city.strip(), "from": start.isoformat(), "until": end.isoformat()}
    key = f"trip:{_fold(city).replace(' ', '-')}:{start.isoformat()}:{end.isoformat()}"
    return record_notes(ledger, [NewNote("trip", key, time_us, details=details)]) == 1


def trips(conn: Connection, *, at_us: int) -> list[Trip]:
    """The trips recorded up to ``at_us``, oldest first."""
    found = []
    for note in read_notes(conn, until_us=at_us, kinds=("trip",)):
        try:
            start = date.fromisoformat(note.details["from"])
            end = date.fromisoformat(note.details["until"])
        except (KeyError, ValueError):
            continue  # a trip note this version cannot read names no usable dates
        found.append(Trip(note.event_id, note.details.get("city", ""), start, end))
    return found


def _first_instant(day: date) -> int:
    return to_time_us(datetime(day.year, day.month, day.day, tzinfo=UTC))


def trip_items(ctx: AgendaContext) -> list[AgendaItem]:
    """For each trip under way or within ``lead_days``, one item per contact in its city."""
    lead_us = int(ctx.settings.trip_lead_days * US_PER_DAY)
    current = [
        t
        for t in trips(ctx.conn, at_us=ctx.at_us)
        if _first_instant(t.start) - lead_us <= ctx.at_us < _first_instant(t.end + timedelta(1))
    ]
    if not current:
        return []
    a, owner = ctx.activity, ctx.owner
    between = np.flatnonzero(
        ((a.actor == owner) & (a.target >= 0)) | ((a.target == owner) & (a.actor != owner))
    )
    other = np.where(a.actor[between] == owner, a.target[between], a.actor[between])
    last_contact = latest_rows(other, between, a.time_us[between])
    items = []
    for trip in current:
        there = {p for p, d in ctx.contacts.items() if same_city(d.get("city", ""), trip.city)}
        for person in sorted(there - {owner}):
            last = last_contact.get(person)
            evidence = [trip.event_id] + ([] if last is None else [int(a.event_id[last])])
            items.append(
                AgendaItem(
                    key=f"trip:{trip.event_id}:{person}",
                    action="trip",
                    person=person,
                    name=ctx.name(person),
                    reason=f"you will be in their city: {trip.shown}",
                    suggestion=f"offer to meet in {trip.city} between {trip.start:%d %B} "
                    f"and {trip.end:%d %B}",
                    score=ctx.gain("meeting") * ctx.stake(person),
                    events=tuple(evidence),
                    time_us=_first_instant(trip.start),
                )
            )
    return items
