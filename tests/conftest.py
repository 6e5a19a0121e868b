"""Fixtures: a fresh ledger on SQLite and on a real PostgreSQL server, and the shared data."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from goodwill.ledger import Ledger, open_ledger
from tests.pgserver import PgServer, find_bindir, start_postgres

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One PostgreSQL cluster for the whole run; absent only outside CI with no server."""
    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but no PostgreSQL server is installed: .ci/run installs it")
        pytest.skip("no PostgreSQL server installed (apt-get install postgresql); CI runs these")
    server = start_postgres(bindir)
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL for an empty store, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'goodwill.db'}"
    server: PgServer = request.getfixturevalue("pg_server")
    name = f"test_{os.getpid()}_{next(_database_numbers)}"
    with psycopg.connect(
        f"host={server.socket_dir} user={server.user} dbname=postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.url(name)


@pytest.fixture
def ledger(store_url: str) -> Iterator[Ledger]:
    """A fresh, migrated ledger on each backend, closed after the test."""
    with open_ledger(store_url) as opened:
        yield opened


@pytest.fixture
def shared_data() -> Path:
    """The real datasets in ../shared/data, or a skip that says why."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"the shared datasets are not at {SHARED_DATA} (CI has them)")
    return SHARED_DATA
