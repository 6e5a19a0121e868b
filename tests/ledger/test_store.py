"""Opening stores: URLs, SQLite tuning, clear errors, and a schema that matches its migrations."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from goodwill.errors import StoreError
from goodwill.ledger import Ledger, open_ledger, resolve_url
from goodwill.ledger.migrate import current_revision, head_revision
from goodwill.ledger.schema import metadata
from goodwill.ledger.store import BUSY_TIMEOUT_MS, StoreBusyError


def test_fresh_store_is_at_the_newest_schema(ledger: Ledger) -> None:
    assert current_revision(ledger.engine) == head_revision()


def test_migrations_build_exactly_the_declared_schema(ledger: Ledger) -> None:
    with ledger.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    with open_ledger(f"sqlite:///{tmp_path / 'g.db'}") as ledger, ledger.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000


def test_a_lock_refused_at_once_is_reported_as_such_not_as_a_long_wait(tmp_path: Path) -> None:
    # Another program has just made the file and holds its write lock, the file still in
    # SQLite's default rollback-journal mode: switching it to WAL is refused at once,
    # whatever the busy timeout, so goodwill must not claim it waited its 30 s.
    store = tmp_path / "new.db"
    other = sqlite3.connect(store, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with pytest.raises(StoreBusyError) as refused:
            open_ledger(f"sqlite:///{store}")
        waited = time.monotonic() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    message = str(refused.value)
    said = re.search(r"would not wait for, so goodwill gave up after (\d+\.\d\d) s; ", message)
    assert said, message
    assert float(said[1]) <= waited < BUSY_TIMEOUT_MS / 1000 / 2
    assert f"{BUSY_TIMEOUT_MS / 1000:g} s" not in message
    assert "close whatever else has the store open" in message
    with open_ledger(f"sqlite:///{store}") as ledger:  # once the other lets go, it opens
        assert current_revision(ledger.engine) == head_revision()


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    with open_ledger(url) as ledger, ledger.write() as conn:
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('probe', 'kept')"))
    with open_ledger(url) as ledger, ledger.read() as conn:
        assert (
            conn.execute(text("SELECT value FROM settings WHERE key = 'probe'")).scalar() == "kept"
        )


def test_store_folder_is_created(tmp_path: Path) -> None:
    with open_ledger(f"sqlite:///{tmp_path / 'deep' / 'er' / 'g.db'}"):
        pass
    assert (tmp_path / "deep" / "er" / "g.db").exists()


def test_a_file_that_is_not_a_database_is_one_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are not the bytes of a database\n" * 100)
    with pytest.raises(
        StoreError, match=r"cannot open the store .*notes\.db: file is not a database"
    ):
        open_ledger(f"sqlite:///{bogus}")


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("not a url", "is not a database URL"),
        ("sqlite://", "names no file"),
        ("mysql://localhost/goodwill", "SQLite or PostgreSQL"),
    ],
)
def test_unusable_urls_are_refused_with_a_hint(url: str, needle: str) -> None:
    with pytest.raises(StoreError, match=needle):
        open_ledger(url)


def test_url_comes_from_flag_then_environment_then_default() -> None:
    env = {"GOODWILL_DB": "sqlite:////env.db"}
    assert resolve_url("sqlite:////flag.db", env) == "sqlite:////flag.db"
    assert resolve_url(None, env) == "sqlite:////env.db"
    assert resolve_url(None, {}).startswith("sqlite:///")


def test_write_transaction_rolls_back_on_error(ledger: Ledger) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), ledger.write() as conn:
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('half', 'done')"))
        raise Boom
    with ledger.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM settings")).scalar() == 0


def test_head_constant_matches_the_migration_scripts() -> None:
    from goodwill.ledger.migrate import HEAD

    assert head_revision() == HEAD
