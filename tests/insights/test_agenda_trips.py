"""Trips: in the weeks before a recorded trip, the contacts who live there, strongest first."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from goodwill.errors import AlgorithmInputError
from goodwill.insights import cite
from goodwill.insights.agenda import build_agenda
from goodwill.insights.agenda_base import AgendaItem
from goodwill.insights.trips import record_trip, trips
from goodwill.ledger import Ledger
from tests.insights.agenda_ledger import MY_MAIL, Book, day, ledger_of, person_of

OLA, PIA, RUI, ZOE = (
    "email:ola@o.example",
    "linkedin:pia",
    "email:rui@r.example",
    "email:zoe@z.example",
)


def _book() -> Book:
    book = Book()
    book.contact(OLA, "Ola Nowak", city="Porto", company="Nowak & Co")
    book.contact(PIA, "Pia Lind", city=" porto")
    book.contact(RUI, "Rui Sá", city="Lisbon")
    book.contact(ZOE, "Zoe Tremblay", city="Montréal")
    for week in range(-8, 0):
        opened = book.add("email", OLA, MY_MAIL, week * 7, text="Lunch?")
        book.add("email", MY_MAIL, OLA, week * 7 + 0.1, text="Sure", answers=opened)
    book.add("email", RUI, MY_MAIL, -3, text="Hello from Lisbon")
    book.add("email", MY_MAIL, RUI, -2, text="Hi Rui")
    return book


def _trip_items(ledger: Ledger, days: float) -> list[AgendaItem]:
    with ledger.read() as conn:
        return build_agenda(conn, at_us=day(days), actions=["trip"]).items


def test_contacts_in_the_city_show_from_weeks_before_until_the_last_day(tmp_path: Path) -> None:
    with ledger_of(tmp_path, _book()) as ledger:
        assert record_trip(ledger, "Porto", date(2025, 3, 21), date(2025, 3, 26), time_us=day(0))
        assert not record_trip(
            ledger, "Porto", date(2025, 3, 21), date(2025, 3, 26), time_us=day(0)
        )
        assert record_trip(ledger, "Montreal", date(2025, 4, 30), date(2025, 5, 2), time_us=day(0))
        ola, pia, zoe = (person_of(ledger, h) for h in (OLA, PIA, ZOE))
        assert _trip_items(ledger, -1) == []  # the trip was not recorded yet
        porto = _trip_items(ledger, 0)
        assert [i.person for i in porto] == [ola, pia]  # the stronger bond first
        assert porto[0].score > porto[1].score
        assert "Porto" in porto[0].reason and porto[0].suggestion.startswith("offer to meet")
        assert [i.person for i in _trip_items(ledger, 25.5)] == [ola, pia]  # its last day
        assert [i.person for i in _trip_items(ledger, 40)] == [zoe]  # Porto is over
        with ledger.read() as conn:
            recorded = trips(conn, at_us=day(1))
            kinds = [c.kind for c in cite(conn, porto[0].events)]
    assert [(t.city, t.start) for t in recorded] == [
        ("Porto", date(2025, 3, 21)),
        ("Montreal", date(2025, 4, 30)),
    ]
    assert kinds == ["email", "trip"]  # the last contact with Ola, and the trip itself


def test_a_trip_must_end_after_it_starts(tmp_path: Path) -> None:
    with ledger_of(tmp_path, _book()) as ledger:
        with pytest.raises(AlgorithmInputError, match="ends"):
            record_trip(ledger, "Porto", date(2025, 3, 26), date(2025, 3, 21), time_us=day(0))
        with pytest.raises(AlgorithmInputError, match="city"):
            record_trip(ledger, "  ", date(2025, 3, 21), date(2025, 3, 26), time_us=day(0))


def test_an_owner_with_no_history_yet_still_sees_her_contacts_for_a_trip(tmp_path: Path) -> None:
    book = Book()
    book.contact(OLA, "Ola Nowak", city="Porto")
    with ledger_of(tmp_path, book) as ledger:
        assert _trip_items(ledger, 0) == []  # nothing to do, and no error
        record_trip(ledger, "Porto", date(2025, 3, 21), date(2025, 3, 26), time_us=day(0))
        assert [i.name for i in _trip_items(ledger, 1)] == ["Ola Nowak"]
