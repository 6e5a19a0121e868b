"""The demo world in a store, copied per test, and the person the privacy tests forget.

The world is generated and imported once per run; each test gets its own copy of the
store file. The victim is chosen from the world itself, not named here, by what makes
"no trace remains" a strong claim: a person whose name other people wrote in their own
messages (so redaction has work to do), who wrote something nobody else wrote (a text
that must vanish), and whose name and accounts appear in no one else's name or account
(so any byte left is theirs). Everyone sharing their display name is the same person on
another network; the tests merge them first, so the merge records must go too.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from goodwill.demo import InstalledDemo, install_demo
from goodwill.ledger import open_ledger
from goodwill.ledger.people import owner_person
from goodwill.ledger.private_files import make_private
from goodwill.ledger.schema import identities, people
from tests.pgserver import PgServer

_databases = itertools.count(1)


@dataclass(frozen=True)
class DemoWorld:
    """The demo world's files and a closed store file holding it."""

    installed: InstalledDemo
    store: Path

    @property
    def events_path(self) -> Path:
        return self.installed.world.events_path

    def copy(self, folder: Path) -> str:
        """A URL for a fresh copy of the store in ``folder``."""
        target = folder / "goodwill.db"
        shutil.copyfile(self.store, target)
        make_private(target)  # as goodwill makes its stores: the CLI warns about any other
        return f"sqlite:///{target}"


@dataclass(frozen=True)
class Victim:
    """The person to forget: every person row with their name, and what must vanish."""

    name: str
    people: tuple[int, ...]
    handles: tuple[str, ...]
    text: str  # something only they wrote
    mentions: int  # other people's events whose text names them

    def traces(self) -> list[bytes]:
        """Byte strings none of which may remain anywhere in the store's files."""
        accounts = [h.partition(":")[2] for h in self.handles]
        return [s.encode("utf-8") for s in (self.name, self.text, *self.handles, *accounts)]


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    folder = tmp_path_factory.mktemp("privacy-demo")
    store = folder / "demo.db"
    with open_ledger(f"sqlite:///{store}") as ledger:
        installed = install_demo(ledger, folder / "files", seed=7)
    return DemoWorld(installed, store)


@pytest.fixture
def demo_url(demo_world: DemoWorld, tmp_path: Path) -> str:
    return demo_world.copy(tmp_path)


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """A URL for a new, empty PostgreSQL database."""
    name = f"privacy_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(
        f"host={pg_server.socket_dir} user={pg_server.user} dbname=postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_server.url(name)


@pytest.fixture(scope="session")
def victim(demo_world: DemoWorld) -> Victim:
    records = [
        json.loads(line) for line in demo_world.events_path.read_text(encoding="utf-8").splitlines()
    ]
    events = [r for r in records if "kind" in r]
    texts = Counter(e["text"] for e in events if e.get("text"))
    with open_ledger(f"sqlite:///{demo_world.store}") as ledger, ledger.read() as conn:
        owner = owner_person(conn)
        names = {
            int(p): str(n) for p, n in conn.execute(select(people.c.id, people.c.display_name))
        }
        held = conn.execute(
            select(identities.c.person_id, identities.c.network, identities.c.account)
        ).all()
    handles_of: dict[int, list[str]] = {}
    for person, network, account in held:
        handles_of.setdefault(int(person), []).append(f"{network}:{account}")
    for name in sorted(set(names.values())):
        group = tuple(p for p, n in names.items() if n == name)
        if owner in group or len(name.split()) < 2:
            continue
        mine = {h for p in group for h in handles_of.get(p, [])}
        others = [n for p, n in names.items() if p not in group]
        other_handles = [h for p, hs in handles_of.items() if p not in group for h in hs]
        accounts = [h.partition(":")[2] for h in mine]
        if any(name in n for n in others) or any(a in h for a in accounts for h in other_handles):
            continue
        theirs = [e for e in events if e["actor"] in mine or e.get("target") in mine]
        own_ids = {e["id"] for e in theirs}
        mentions = sum(
            1 for e in events if e["id"] not in own_ids and name in (e.get("text") or "")
        )
        unique = [
            e["text"]
            for e in theirs
            if e["actor"] in mine
            and e.get("text")
            and texts[e["text"]] == 1
            and len(e["text"]) >= 25
            and not any(e["text"] in t for t in texts if t != e["text"])
        ]
        if mentions and unique:
            return Victim(name, group, tuple(sorted(mine)), unique[0], mentions)
    raise AssertionError("the demo world has nobody who fits the privacy tests")
