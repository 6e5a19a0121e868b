"""Small hand-built ledgers for the agenda's edge cases: events written as the ``jsonl``
source reads them, imported, and the owner recorded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from goodwill.events import now_us, to_time_us
from goodwill.importing import run_import
from goodwill.ledger import Ledger, open_ledger
from goodwill.ledger.people import identity_person, set_owner
from goodwill.ledger.schema import events

ME = "mastodon:@me@example.social"
MY_MAIL = "email:me@example.com"
DAY0 = datetime(2025, 3, 1, 10, tzinfo=UTC)


def day(days: float) -> int:
    """Microseconds at ``days`` after :data:`DAY0`."""
    return to_time_us(DAY0 + timedelta(days=days))


class Book:
    """Identities and events being written; :meth:`add` returns the event's id."""

    def __init__(self) -> None:
        self.lines: list[dict[str, Any]] = [
            {"identity": ME, "name": "Me"},
            {"identity": MY_MAIL, "name": "Me"},
        ]
        self.count = 0

    def contact(self, handle: str, name: str, **attributes: str) -> None:
        """An address-book entry: a name and attributes such as ``city``."""
        self.lines.insert(2, {"identity": handle, "name": name, "attributes": attributes})

    def add(self, kind: str, actor: str, target: str | None, days: float, **more: Any) -> str:
        self.count += 1
        event_id = f"h{self.count}"
        when = (DAY0 + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        record = {"id": event_id, "time": when, "kind": kind, "actor": actor}
        if target is not None:
            record["target"] = target
        record.update({k: v for k, v in more.items() if v is not None})
        self.lines.append(record)
        return event_id


@contextmanager
def ledger_of(folder: Path, book: Book) -> Iterator[Ledger]:
    """A fresh store holding ``book``, owned by :data:`ME` and :data:`MY_MAIL`."""
    path = folder / "book.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in book.lines), encoding="utf-8")
    with open_ledger(f"sqlite:///{folder / 'book.db'}") as ledger:
        run_import(ledger, "jsonl", path)
        with ledger.write() as conn:
            set_owner(conn, [ME, MY_MAIL], now_us=now_us())
        yield ledger


def person_of(ledger: Ledger, handle: str) -> int:
    with ledger.read() as conn:
        return identity_person(conn, handle)


def event_of(ledger: Ledger, external_id: str) -> int:
    """The ledger id of the event written as ``external_id``."""
    with ledger.read() as conn:
        return int(
            conn.execute(
                select(events.c.id).where(events.c.external_id == external_id)
            ).scalar_one()
        )
