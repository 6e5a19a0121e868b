"""Small hand-built histories for the advocates, outcomes and brand tests: each edge case
written as the events a source would yield, imported through the ``jsonl`` source."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from goodwill.events import now_us, to_time_us
from goodwill.importing import run_import
from goodwill.ledger import Ledger, open_ledger
from goodwill.ledger.people import identity_person, merge_people, set_owner

ME = "mastodon:@me@a.example"
START = datetime(2024, 1, 1, 9, tzinfo=UTC)


def moment(days: float = 0, hours: float = 0) -> str:
    """An ISO time ``days`` and ``hours`` after :data:`START`."""
    return (START + timedelta(days=days, hours=hours)).isoformat().replace("+00:00", "Z")


def at_us(days: float) -> int:
    """The ledger time ``days`` after :data:`START`."""
    return to_time_us(START + timedelta(days=days))


class History:
    """Events being written: ``add`` returns the event's id, for ``answers``."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def add(self, kind: str, actor: str, target: str | None, when: str, **more: Any) -> str:
        event_id = f"e{len(self.events)}"
        record = {"id": event_id, "time": when, "kind": kind, "actor": actor}
        if target is not None:
            record["target"] = target
        self.events.append(record | {k: v for k, v in more.items() if v is not None})
        return event_id


@contextmanager
def store(
    folder: Path, history: History, owner: tuple[str, ...] = (ME,), same: tuple[str, ...] = ()
) -> Iterator[Ledger]:
    """A fresh store holding ``history``, with ``owner``'s identities recorded as its owner
    and the identities in ``same`` merged into one person."""
    path = folder / "history.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in history.events), encoding="utf-8")
    with open_ledger(f"sqlite:///{folder / 'hand.db'}") as ledger:
        run_import(ledger, "jsonl", path)
        with ledger.write() as conn:
            set_owner(conn, list(owner), now_us=now_us())
            for handle in same[1:]:
                first, other = identity_person(conn, same[0]), identity_person(conn, handle)
                merge_people(conn, first, other, reason="the same person", now_us=now_us())
        yield ledger


def person(ledger: Ledger, handle: str) -> int:
    """The person id of ``handle``."""
    with ledger.read() as conn:
        return identity_person(conn, handle)
