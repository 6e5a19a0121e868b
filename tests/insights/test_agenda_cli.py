"""goodwill agenda, done, snooze, dismiss and trip as a user meets them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from goodwill.cli import app
from tests.insights.agenda_ledger import Book, ledger_of
from tests.insights.conftest import DemoStore

runner = CliRunner()
END = "2026-01-01"


def _run(db: str, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == code, result.output
    return result.output


def _agenda(db: str, *args: str) -> dict:
    return json.loads(_run(db, "agenda", "--json", "--at", END, *args))


def test_agenda_as_json_and_as_a_table(tmp_path: Path, demo: DemoStore) -> None:
    db = demo.copy(tmp_path)
    found = _agenda(db, "--top", "5")
    assert found["at"].startswith(END) and len(found["items"]) == 5 and found["more"] > 0
    first = found["items"][0]
    assert {"key", "action", "person", "name", "reason", "suggestion", "score"} <= first.keys()
    assert first["events"] and {e["event_id"] for e in first["events"]} >= set(first["about"])
    assert all(e["time"] < END for i in found["items"] for e in i["events"])
    text = _run(db, "agenda", "--at", END, "--top", "3")
    assert first["key"] in text and "score" in text
    explained = _run(db, "agenda", "--at", END, "--top", "1", "--explain")
    assert first["events"][-1]["kind"] in explained and "why:" in explained
    replies = _agenda(db, "--kind", "reply", "--top", "50")["items"]
    assert replies and {i["action"] for i in replies} == {"reply"}
    _run(db, "agenda", "--kind", "lunch", code=2)


def test_done_snooze_and_dismiss_from_the_command_line(tmp_path: Path, demo: DemoStore) -> None:
    db, note = demo.copy(tmp_path), "2026-01-02"
    keys = [i["key"] for i in _agenda(db, "--top", "3")["items"]]
    assert "done" in _run(db, "done", keys[0], "--at", note)
    assert "already closed" in _run(db, "done", keys[0], "--at", note)
    snoozed = json.loads(_run(db, "snooze", keys[1], "--days", "3", "--at", note, "--json"))
    assert snoozed["recorded"] and snoozed["until"].startswith("2026-01-05")
    assert "dismissed" in _run(db, "dismiss", keys[2], "--at", note)
    after = json.loads(_run(db, "agenda", "--json", "--at", note, "--top", "100"))
    assert not {i["key"] for i in after["items"]} & set(keys)
    back = json.loads(_run(db, "agenda", "--json", "--at", "2026-01-06", "--top", "100"))
    assert keys[1] in {i["key"] for i in back["items"]}
    replayed = _agenda(db, "--top", "3")  # as of the year's end, before the notes
    assert [i["key"] for i in replayed["items"]] == keys
    _run(db, "snooze", keys[1], "--at", note, code=2)  # neither --until nor --days


def test_an_unknown_key_says_how_to_see_the_keys(tmp_path: Path, demo: DemoStore) -> None:
    result = runner.invoke(app, ["--db", demo.copy(tmp_path), "done", "reply:1", "--at", END])
    assert result.exit_code == 2
    assert "goodwill agenda lists" in result.output
    result = runner.invoke(app, ["--db", demo.copy(tmp_path), "dismiss", "nonsense"])
    assert result.exit_code == 2 and "not an agenda item key" in result.output


def test_trip_records_the_trip_and_names_who_lives_there(tmp_path: Path) -> None:
    book = Book()
    book.contact("email:ola@o.example", "Ola Nowak", city="Porto")
    book.add("email", "email:ola@o.example", "email:me@example.com", 0, text="Hi")
    with ledger_of(tmp_path, book) as ledger:
        db = ledger.url
    text = _run(db, "trip", "Porto", "2025-04-10", "2025-04-12", "--at", "2025-03-02")
    assert "trip to Porto" in text and "Ola Nowak" in text
    again = json.loads(
        _run(db, "trip", "porto", "2025-04-10", "2025-04-12", "--at", "2025-03-02", "--json")
    )
    assert not again["recorded"] and [c["name"] for c in again["contacts"]] == ["Ola Nowak"]
    assert again["on_agenda_from"].startswith("2025-03-13")
    items = json.loads(_run(db, "agenda", "--json", "--at", "2025-03-20", "--kind", "trip"))
    assert [i["name"] for i in items["items"]] == ["Ola Nowak"]
    _run(db, "trip", "Porto", "2025-04-12", "2025-04-10", code=2)
    _run(db, "trip", "Porto", "April", "2025-04-10", code=2)
