"""Reading in a second process gives exactly what reading here gives, errors included."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from goodwill.errors import SourceError
from goodwill.importing import run_import
from goodwill.ledger import Ledger, open_ledger
from goodwill.ledger.queries import stats
from goodwill.ledger.schema import events, identities
from goodwill.reading import open_records


def _messages(path: Path, rows: int, broken_at: int | None = None) -> Path:
    lines = [f"{n % 301} {n % 211 + 1} {1_082_040_961 + n // 3}" for n in range(rows)]
    if broken_at is not None:
        lines[broken_at - 1] = "not a row"
    path.write_text("\n".join(lines) + "\n")
    return path


def _contents(url: str) -> list[tuple[object, ...]]:
    with open_ledger(url) as ledger, ledger.read() as conn:
        rows = conn.execute(
            select(events.c.external_id, events.c.kind, events.c.occurred_at, identities.c.account)
            .join(identities, identities.c.id == events.c.actor_id)
            .order_by(events.c.id)
        ).all()
    return [tuple(r) for r in rows]


def test_second_process_imports_the_same_ledger(tmp_path: Path) -> None:
    path = _messages(tmp_path / "msgs.txt", 30_000)
    here, there = f"sqlite:///{tmp_path / 'here.db'}", f"sqlite:///{tmp_path / 'there.db'}"
    with open_ledger(here) as ledger:
        serial = run_import(ledger, "snap-temporal", path, parallel=False)
    seen: list[int] = []
    with open_ledger(there) as ledger:
        parallel = run_import(
            ledger,
            "snap-temporal",
            path,
            parallel=True,
            progress=lambda done, *_: seen.append(done),
        )
    assert (parallel.added, parallel.identities_added) == (serial.added, serial.identities_added)
    assert _contents(here) == _contents(there)
    assert seen[-1] == path.stat().st_size


def test_a_bad_line_read_in_the_second_process_stops_the_import(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = _messages(tmp_path / "msgs.txt", 20_000, broken_at=17_001)
    with pytest.raises(
        SourceError, match=r"msgs\.txt: line 17001: SRC and TGT must be whole-number"
    ):
        run_import(ledger, "snap-temporal", path, parallel=True)
    with ledger.read() as conn:
        assert stats(conn)["events"] == 0


def test_skip_bad_works_across_processes(ledger: Ledger, tmp_path: Path) -> None:
    path = _messages(tmp_path / "msgs.txt", 9_000, broken_at=5)
    summary = run_import(
        ledger, "snap-temporal", path, parallel=True, skip_bad=tmp_path / "rej.txt"
    )
    assert (summary.rejected, summary.events_read) == (1, 8_999)
    assert (tmp_path / "rej.txt").read_text() == "not a row\n"


def test_records_and_identities_cross_intact(tmp_path: Path) -> None:
    path = tmp_path / "people.jsonl"
    path.write_text(
        '{"identity": "email:ann@example.com", "name": "Ann", "attributes": {"city": "Porto"}}\n'
        '{"time": 5, "kind": "thanks", "actor": "email:ann@example.com", "target": "x:@b", "id": "t1", "value": 2, "text": "ta", "answers": "p1"}\n'
        "not json\n"
    )
    with open_records("jsonl", None, path, parallel=False) as stream:
        here = list(stream)
    with open_records("jsonl", None, path, parallel=True) as stream:
        there = list(stream)
        assert stream.bytes_read() == path.stat().st_size
    assert here == there
    assert [type(r).__name__ for r in there] == ["Identity", "Event", "Rejected"]
