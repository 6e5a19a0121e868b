"""Done, snooze and dismiss on a copy of the demo world: items leave and come back, and
``--at`` replays what the owner had said by then."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodwill.errors import NotFoundError
from goodwill.insights import read_notes
from goodwill.insights.agenda import build_agenda, find_item
from goodwill.insights.agenda_notes import note_on_item
from goodwill.ledger import open_ledger
from goodwill.trust.report import parse_moment
from tests.insights.conftest import DemoStore

_DAY = 86_400 * 1_000_000


def test_done_snoozed_and_dismissed_items_leave_and_a_snooze_ends(
    tmp_path: Path, demo: DemoStore
) -> None:
    at = demo.at_us
    with open_ledger(demo.copy(tmp_path)) as ledger:
        with ledger.read() as conn:
            before = build_agenda(conn, at_us=at).items
        done, snoozed, dismissed = before[0], before[1], before[2]
        assert note_on_item(ledger, "done", done, time_us=at)
        assert not note_on_item(ledger, "done", done, time_us=at)  # once is enough
        assert note_on_item(ledger, "snooze", snoozed, time_us=at, until_us=at + 3 * _DAY)
        assert note_on_item(ledger, "dismiss", dismissed, time_us=at)
        with ledger.read() as conn:
            now = build_agenda(conn, at_us=at)
            back = build_agenda(conn, at_us=at + 4 * _DAY)
            earlier = build_agenda(conn, at_us=at - 1)
            notes = read_notes(conn, kinds=("done", "snooze", "dismiss"))
    keys = [i.key for i in now.items]
    assert done.key not in keys and snoozed.key not in keys and dismissed.key not in keys
    assert keys == [i.key for i in before if i.key not in {done.key, snoozed.key, dismissed.key}]
    # a snoozed item is still there, waiting; a done one is handled, like a reply would
    assert now.left_out[snoozed.key].startswith("snoozed until")
    assert done.key not in now.left_out or now.left_out[done.key].startswith("done")
    later = {i.key for i in back.items}
    assert snoozed.key in later and done.key not in later and dismissed.key not in later
    assert [i.key for i in earlier.items] == [i.key for i in before]  # notes after the moment
    assert {n.details["item"] for n in notes} == {done.key, snoozed.key, dismissed.key}
    assert {n.person for n in notes} == {done.person, snoozed.person, dismissed.person}


def test_a_done_thank_you_covers_what_came_before_and_a_new_share_is_a_new_item(
    tmp_path: Path, demo: DemoStore
) -> None:
    at = parse_moment(f"{demo.truth['year']}-12-10")
    with demo.ledger.read() as conn:
        still = {i.key for i in build_agenda(conn, at_us=demo.at_us, actions=["thank"]).items}
    with open_ledger(demo.copy(tmp_path)) as ledger:
        with ledger.read() as conn:
            thanks = build_agenda(conn, at_us=at, actions=["thank"]).items
        item = next(i for i in thanks if i.key in still)  # open until the year's end
        note_on_item(ledger, "done", item, time_us=at)
        with ledger.read() as conn:
            later = build_agenda(conn, at_us=demo.at_us, actions=["thank"]).items
    theirs = [i for i in later if i.person == item.person]
    assert item.key not in {i.key for i in later}
    assert all(set(i.about).isdisjoint(item.about) for i in theirs)


def test_unknown_or_closed_keys_are_clear_errors(tmp_path: Path, demo: DemoStore) -> None:
    with open_ledger(demo.copy(tmp_path)) as ledger:
        with ledger.read() as conn:
            item = build_agenda(conn, at_us=demo.at_us).items[0]
            assert find_item(conn, item.key, at_us=demo.at_us) == item
            with pytest.raises(NotFoundError, match="goodwill agenda lists"):
                find_item(conn, "reply:1", at_us=demo.at_us)
            with pytest.raises(NotFoundError, match="is not an agenda item key"):
                find_item(conn, "answer-bob", at_us=demo.at_us)
        note_on_item(ledger, "dismiss", item, time_us=demo.at_us)
        with ledger.read() as conn, pytest.raises(NotFoundError, match="already closed"):
            find_item(conn, item.key, at_us=demo.at_us)
