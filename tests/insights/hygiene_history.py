"""Small hand-made histories for the hygiene tests: events written as JSON lines and
imported through the ``jsonl`` source, as a user's own file would be."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from goodwill.events import now_us, to_time_us
from goodwill.importing import run_import
from goodwill.insights import Activity, load_activity
from goodwill.ledger import open_ledger
from goodwill.ledger.people import identity_person, set_owner

ME = "x:@me"
MY_EMAIL = "email:me@studio.example"
START = datetime(2024, 1, 1, tzinfo=UTC)


def moment(days: float = 0, minutes: float = 0) -> str:
    """An ISO time ``days`` and ``minutes`` after the start of 2024."""
    return (START + timedelta(days=days, minutes=minutes)).isoformat()


def at_us(days: float) -> int:
    return to_time_us(START + timedelta(days=days))


@dataclass
class History:
    """Events in the making; :meth:`store` writes, imports and opens them."""

    events: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self, kind: str, actor: str, target: str | None, days: float, minutes: float = 0,
        **extra: Any,
    ) -> str:  # fmt: skip
        event_id = f"e{len(self.events)}"
        record = {"id": event_id, "time": moment(days, minutes), "kind": kind, "actor": actor}
        if target is not None:
            record["target"] = target
        self.events.append(record | extra)
        return event_id

    @contextmanager
    def store(self, folder: Path, until_days: float = 400) -> Iterator[Store]:
        path = folder / "history.jsonl"
        hello = {"id": "hello", "time": moment(-1), "kind": "post", "actor": ME, "text": "hello"}
        lines = [hello, *self.events]
        path.write_text("".join(json.dumps(e) + "\n" for e in lines), encoding="utf-8")
        mine = [ME] + [MY_EMAIL] * any(MY_EMAIL in e.values() for e in self.events)
        url = f"sqlite:///{folder / 'history.db'}"
        with open_ledger(url) as ledger:
            run_import(ledger, "jsonl", path)
            with ledger.write() as conn:
                set_owner(conn, mine, now_us=now_us())
            with ledger.read() as conn:
                yield Store(url, conn, load_activity(conn, until_us=at_us(until_days)))


@dataclass
class Store:
    url: str
    conn: Connection
    activity: Activity

    def person(self, handle: str) -> int:
        return identity_person(self.conn, handle)
