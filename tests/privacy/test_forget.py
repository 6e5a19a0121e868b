"""``goodwill forget``: a forgotten person leaves no byte in the store's files, stays
forgotten when the same file is imported again, and is redacted from others' messages."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from goodwill.errors import NotFoundError, StoreError
from goodwill.importing import run_import
from goodwill.insights.circle_pins import record_pin
from goodwill.ledger import Ledger, open_ledger
from goodwill.ledger.forget import forget_people
from goodwill.ledger.people import identity_person, merge_people, owner_person, set_owner
from goodwill.ledger.redaction import REDACTED
from goodwill.ledger.schema import events, forgotten, people, person_merges
from goodwill.trust.network_scores import person_scores, write_scores
from tests.pgserver import PgServer
from tests.privacy.conftest import DemoWorld, Victim


def store_bytes(url: str) -> bytes:
    """Everything on disk for a SQLite store: the file, its write-ahead log and index."""
    path = Path(url.removeprefix("sqlite:///"))
    parts = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    return b"".join(p.read_bytes() for p in parts if p.exists())


def leftovers(data: bytes, victim: Victim) -> list[bytes]:
    return [trace for trace in victim.traces() if trace in data]


def victim_ids(ledger: Ledger, victim: Victim) -> list[int]:
    with ledger.read() as conn:
        return sorted({identity_person(conn, h) for h in victim.handles})


def pin_and_score(ledger: Ledger, person: int) -> None:
    """A note about them and a derived score for them (beside someone else's, which stays),
    both of which must go."""
    record_pin(ledger, person, "friend", time_us=1_767_225_600_000_000)
    with ledger.write() as conn:
        owner = owner_person(conn)
        assert owner is not None
        write_scores(conn, "owner", [person, owner], [0.1, 0.4], [0.2, 0.5], [0.3, 0.6],
                     at_us=1, now_us=1, engine="numpy")  # fmt: skip


def test_no_trace_of_a_forgotten_person_remains_in_the_sqlite_files(
    demo_world: DemoWorld, demo_url: str, victim: Victim
) -> None:
    with open_ledger(demo_url) as ledger:
        chosen = victim_ids(ledger, victim)
        pin_and_score(ledger, chosen[0])
        before = leftovers(store_bytes(demo_url), victim)  # the test can fail:
        assert {victim.name.encode(), victim.text.encode()} < set(before)
        assert all(h.partition(":")[2].encode() in before for h in victim.handles)

        report = forget_people(ledger, chosen)

        assert report.notes == 1
        assert report.derived["network_score_blocks"] == 1
        assert report.redacted >= victim.mentions
        assert leftovers(store_bytes(demo_url), victim) == []
        with ledger.read() as conn:
            redacted = conn.execute(
                select(func.count()).where(events.c.text.contains(REDACTED))
            ).scalar_one()
            assert redacted >= victim.mentions
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            for handle in victim.handles:
                with pytest.raises(NotFoundError):
                    identity_person(conn, handle)
            assert person_scores(conn, chosen[0]) == []
            owner = owner_person(conn)
            assert owner is not None
            assert [s.score for s in person_scores(conn, owner)] == [0.5]

        again = run_import(ledger, "jsonl", demo_world.events_path)
        assert (again.added, again.identities_added) == (0, 0)
        assert again.present == again.events_read - report.events + report.notes
        assert again.forgotten == report.events - report.notes
    assert leftovers(store_bytes(demo_url), victim) == []


def _write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_a_later_import_skips_them_and_redacts_them_from_others(
    demo_url: str, victim: Victim, tmp_path: Path
) -> None:
    handle = victim.handles[0]
    account = handle.partition(":")[2]
    later = _write_jsonl(
        tmp_path / "later.jsonl",
        [
            {"identity": handle, "name": victim.name},
            {"id": "l-1", "time": 1767225600, "kind": "message", "actor": handle,
             "target": "email:someone@else.example", "text": "still here"},
            {"id": "l-2", "time": 1767225601, "kind": "reply",
             "actor": "email:someone@else.example", "target": handle, "text": "hello"},
            {"id": f"thread/{account}/3", "time": 1767225602, "kind": "post",
             "actor": "email:someone@else.example",
             "text": f"Ask {victim.name.upper()} ({account}) about it", "answers": f"re:{account}"},
        ],
    )  # fmt: skip
    with open_ledger(demo_url) as ledger:
        forget_people(ledger, victim_ids(ledger, victim))
        first = run_import(ledger, "jsonl", later)
        second = run_import(ledger, "jsonl", later)
        with ledger.read() as conn:
            stored = conn.execute(
                select(events.c.external_id, events.c.text, events.c.answers).where(
                    events.c.import_id == first.import_id
                )
            ).one()
    assert (first.added, first.identities_added, second.added) == (1, 1, 0)
    assert stored.text == f"Ask {REDACTED} ({REDACTED}) about it"
    assert stored.external_id.startswith("forgotten:")
    assert stored.answers.startswith("forgotten:")
    assert leftovers(store_bytes(demo_url), victim) == []


def test_the_owner_cannot_be_forgotten(demo_url: str) -> None:
    with open_ledger(demo_url) as ledger:
        with ledger.read() as conn:
            owner = owner_person(conn)
        assert owner is not None
        with pytest.raises(StoreError, match="owner"):
            forget_people(ledger, [owner])


LITTLE_WORLD: list[dict[str, object]] = [
    {"identity": "mastodon:@me@home.social", "name": "Me"},
    {"identity": "mastodon:@zorya@far.social", "name": "Zorya Quell"},
    {"identity": "email:zq@quell.example", "name": "Zorya Quell"},
    {"id": "w-1", "time": 1735689600, "kind": "reply", "actor": "mastodon:@zorya@far.social",
     "target": "mastodon:@me@home.social", "text": "Zorya's unmistakable plum pudding recipe"},
    {"id": "w-2", "time": 1735689700, "kind": "email", "actor": "mastodon:@me@home.social",
     "target": "email:zq@quell.example", "text": "see you Tuesday"},
    {"id": "w-3", "time": 1735689800, "kind": "post", "actor": "mastodon:@bo@near.social",
     "text": "Thanks @zorya@far.social and zorya quell for the help"},
    {"id": "w-4", "time": 1735689900, "kind": "reply", "actor": "mastodon:@bo@near.social",
     "target": "mastodon:@me@home.social", "text": "agreed"},
]  # fmt: skip


def test_merged_people_go_with_their_merges_on_each_backend(ledger: Ledger, tmp_path: Path) -> None:
    run_import(ledger, "jsonl", _write_jsonl(tmp_path / "w.jsonl", LITTLE_WORLD))
    with ledger.write() as conn:
        set_owner(conn, ["mastodon:@me@home.social"], now_us=1)
        zorya = identity_person(conn, "mastodon:@zorya@far.social")
        other = identity_person(conn, "email:zq@quell.example")
        merge_people(conn, zorya, other, reason="same person", now_us=2)
    report = forget_people(ledger, [other])  # the merged-away id resolves to the survivor
    assert (report.people, report.identities, report.events, report.merges) == (2, 2, 2, 1)
    with ledger.read() as conn:
        assert conn.execute(select(func.count()).select_from(person_merges)).scalar_one() == 0
        names = set(conn.execute(select(people.c.display_name)).scalars())
        texts = set(conn.execute(select(events.c.text)).scalars())
        kinds = set(conn.execute(select(forgotten.c.kind)).scalars())
    assert "Zorya Quell" not in names
    assert texts == {"Thanks @[forgotten] and [forgotten] for the help", "agreed"}
    assert kinds == {"identity", "term", "lead"}


def _database_files(server: PgServer, url: str) -> bytes:
    """Every file PostgreSQL keeps for one database (its tables, indexes, TOAST, and the
    catalog's per-database tables such as pg_statistic); not the write-ahead log."""
    name = make_url(url).database
    with psycopg.connect(
        f"host={server.socket_dir} user={server.user} dbname={name}", autocommit=True
    ) as conn:
        oid = conn.execute("SELECT oid FROM pg_database WHERE datname = %s", (name,)).fetchone()
    assert oid is not None
    folder = server.root / "data" / "base" / str(oid[0])
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())


def test_postgres_table_files_hold_no_trace_after_vacuum_full(
    pg_server: PgServer, pg_url: str, demo_world: DemoWorld, victim: Victim
) -> None:
    with open_ledger(pg_url) as ledger:
        run_import(ledger, "jsonl", demo_world.events_path)
        with ledger.write() as conn:
            set_owner(conn, demo_world.installed.truth["owner_identities"], now_us=1)
        with ledger.engine.connect() as plain:  # sampled values in pg_statistic must go too
            plain.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
            plain.exec_driver_sql("CHECKPOINT")
        assert victim.text.encode() in _database_files(pg_server, pg_url)
        report = forget_people(ledger, victim_ids(ledger, victim))
        assert "events" in report.scrub.rewritten
    assert leftovers(_database_files(pg_server, pg_url), victim) == []
