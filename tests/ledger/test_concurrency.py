"""Concurrency: imports and the web app on one store at once neither corrupt nor block each
other beyond the documented busy timeout (docs/ledger.md, "Several at once").

Writers queue: on SQLite behind ``BEGIN IMMEDIATE``, on PostgreSQL behind goodwill's
advisory lock; a writer that waits longer than ``BUSY_TIMEOUT_MS`` gives up with
:class:`StoreBusyError` (the web app's 503). Readers never wait.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from goodwill.ledger import open_ledger, store
from goodwill.ledger.migrate import head_revision
from goodwill.ledger.schema import events, settings
from goodwill.ledger.store import BUSY_TIMEOUT_MS, WRITE_LOCK_KEY, StoreBusyError
from goodwill.web.users import add_user
from tests.insights.conftest import DemoStore, demo  # noqa: F401  (the fixture, shared)
from tests.ledger.big_inputs import JsonlInput, write_jsonl
from tests.ledger.cli_process import Command, ForkServer
from tests.ledger.consistency import StoreCounts, store_counts, store_problems
from tests.ledger.web_server import served, sign_in
from tests.web.conftest import NAME, PASSWORD

IMPORT_EVENTS = 120_000  # long enough that pages are asked for while both imports run
AT = "2026-01-01"  # the demo world's year is 2025
#: A request still unanswered after this has hung: a write waits at most the busy timeout.
REQUEST_TIMEOUT_S = BUSY_TIMEOUT_MS / 1000 + 30
MAX_REQUESTS, MAX_SECONDS = 400, 240.0


@pytest.fixture(scope="module")
def two_inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[JsonlInput, JsonlInput]:
    """Two inputs with different events among the same 5,000 people."""
    folder = tmp_path_factory.mktemp("two-inputs")
    first, second = (
        write_jsonl(
            folder / f"{name}.jsonl", seed=seed, events=IMPORT_EVENTS, people=5_000, prefix=name
        )
        for seed, name in ((3, "first"), (4, "second"))
    )
    return first, second


def _import(url: str, data: JsonlInput) -> tuple[str, ...]:
    return ("--db", url, "import", "jsonl", str(data.path), "--json")


def _both_complete(commands: list[Command], inputs: tuple[JsonlInput, JsonlInput]) -> int:
    """Check each import exited 0 having added all of its events; the identities they added."""
    added = 0
    for command, data in zip(commands, inputs, strict=True):
        assert command.wait(timeout=300) == 0, command.stderr()
        summary = json.loads(command.stdout())
        assert (summary["read"], summary["added"], summary["present"]) == (data.events,) * 2 + (0,)
        added += summary["identities_added"]
    return added


def test_two_imports_into_a_new_store_at_once(
    store_url: str, two_inputs: tuple[JsonlInput, JsonlInput], goodwill_cli: ForkServer
) -> None:
    # Both create the schema, and both meet most of the same 5,000 new accounts.
    first, second = two_inputs
    commands = goodwill_cli.start(_import(store_url, first), _import(store_url, second))
    identities_added = _both_complete(commands, two_inputs)
    people = len(first.handles | second.handles)
    assert identities_added == people
    with open_ledger(store_url) as ledger:
        assert store_problems(ledger) == []
        assert store_counts(ledger) == StoreCounts(2 * IMPORT_EVENTS, people, people, 2)


def test_processes_opening_a_new_store_at_once_migrate_it_once(
    store_url: str, goodwill_cli: ForkServer
) -> None:
    commands = goodwill_cli.start(*[("--db", store_url, "init")] * 4)
    for command in commands:
        assert command.wait(timeout=300) == 0, command.stderr()
    with open_ledger(store_url, migrate=False) as ledger, ledger.read() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).all() == [
            (head_revision(),)
        ]


@contextmanager
def _write_lock_taken(url: str) -> Iterator[None]:
    """Another client holds the store's write lock until the block ends."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        importer = sqlite3.connect(str(parsed.database), isolation_level=None)
        importer.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            importer.execute("ROLLBACK")
            importer.close()
        return
    with psycopg.connect(
        host=str(parsed.query["host"]), user=parsed.username, dbname=parsed.database
    ) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        yield
        holder.rollback()


def test_a_writer_waits_the_busy_timeout_then_gives_up_while_readers_go_on(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 500)
    with open_ledger(store_url) as ledger:
        with _write_lock_taken(store_url):
            with ledger.read() as conn:
                assert conn.execute(select(events.c.id)).all() == []
            started = time.monotonic()
            with pytest.raises(StoreBusyError) as busy, ledger.write() as conn:
                conn.execute(settings.insert().values(key="never", value="written"))
            waited = time.monotonic() - started
            assert 0.45 <= waited < 30
            said = re.search(
                r"is busy: another import or command is writing to it; goodwill waited "
                r"(\d+\.\d\d) s \(its limit is 0\.5 s\) and gave up; try again",
                str(busy.value),
            )
            assert said, str(busy.value)
            assert 0.45 <= float(said[1]) <= waited
        with ledger.write() as conn:
            conn.execute(settings.insert().values(key="after", value="written"))
        with ledger.read() as conn:
            assert conn.execute(select(settings.c.key)).scalars().all() == ["after"]


@dataclass(frozen=True)
class _Answer:
    request: str
    status: int
    seconds: float
    retry_after: str | None
    while_importing: bool


def _browse(
    client: httpx.Client, token: str, keys: list[str], pages: list[str], imports: list[Command]
) -> list[_Answer]:
    """Pages (and, every seventh request from the fourth, an agenda item marked done: a write)
    until the imports have ended, bounded in count and time; a request that hangs raises.
    The write waits for the import holding the write lock, so pages come first: they must
    be answered while both imports run."""
    answers: list[_Answer] = []
    started, ended = time.monotonic(), 0.0
    to_mark = iter(keys)
    while len(answers) < MAX_REQUESTS and time.monotonic() - started < MAX_SECONDS:
        importing = any(command.running() for command in imports)
        ended = ended or (0.0 if importing else time.monotonic())
        if ended and time.monotonic() - ended > 1.0:
            break
        key = next(to_mark, None) if len(answers) % 7 == 3 else None
        if key is not None:
            request = client.build_request(
                "POST", "/agenda/done", data={"key": key, "at": AT}, headers={"X-CSRF-Token": token}
            )
        else:
            request = client.build_request(
                "GET", pages[len(answers) % len(pages)], params={"at": AT}
            )
        asked = time.monotonic()
        response = client.send(request)
        answers.append(
            _Answer(
                f"{request.method} {request.url.path}",
                response.status_code,
                time.monotonic() - asked,
                response.headers.get("retry-after"),
                importing,
            )
        )
    return answers


def test_two_imports_and_the_web_app_share_a_sqlite_store(
    demo: DemoStore,  # noqa: F811
    two_inputs: tuple[JsonlInput, JsonlInput],
    goodwill_cli: ForkServer,
    tmp_path: Path,
) -> None:
    url = demo.copy(tmp_path)
    with open_ledger(url) as ledger:
        add_user(ledger, NAME, PASSWORD)
        before = store_counts(ledger)
    with (
        served(url, tmp_path / "serve.log") as address,
        httpx.Client(base_url=address, timeout=REQUEST_TIMEOUT_S) as client,
    ):
        token = sign_in(client)
        keys = [
            item["key"] for item in client.get("/api/agenda", params={"at": AT}).json()["items"]
        ]
        found = client.get("/api/people", params={"at": AT}).json()["people"]
        pages = ["/", "/people", "/api/people", "/api/dashboard", "/api/agenda"]
        pages += [f"/people/{person['id']}" for person in found[:3]]
        imports = goodwill_cli.start(*(_import(url, data) for data in two_inputs))
        answers = _browse(client, token, keys[:4], pages, imports)
        identities_added = _both_complete(imports, two_inputs)
    wrong = [
        a for a in answers if a.status not in (200, 303) and not (a.status == 503 and a.retry_after)
    ]
    assert wrong == []
    assert max(a.seconds for a in answers) < BUSY_TIMEOUT_MS / 1000 + 15
    during = [a for a in answers if a.while_importing]
    assert len(during) >= 3, f"too few requests while the imports ran: {answers}"
    assert any(a.request.startswith("POST") for a in during), "no write while the imports ran"
    with open_ledger(url) as ledger:
        assert store_problems(ledger) == []
        counts = store_counts(ledger)
        with ledger.read() as conn:
            imported = conn.execute(
                text(
                    "SELECT COUNT(*) FROM events e JOIN imports m ON m.id = e.import_id "
                    "WHERE m.source = 'jsonl' AND m.path IN (:a, :b)"
                ),
                {"a": str(two_inputs[0].path.resolve()), "b": str(two_inputs[1].path.resolve())},
            ).scalar_one()
    assert imported == 2 * IMPORT_EVENTS
    assert (counts.identities, counts.people) == (
        before.identities + identities_added,
        before.people + identities_added,
    )
