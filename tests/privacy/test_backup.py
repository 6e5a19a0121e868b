"""``goodwill backup`` / ``restore``: identical content after a round trip on and between
both backends; a damaged, foreign or newer backup is refused and the store left as it was."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import tarfile
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select

from goodwill.errors import StoreError
from goodwill.importing import run_import
from goodwill.ledger import open_ledger
from goodwill.ledger.backup import MANIFEST, PAYLOAD, write_backup
from goodwill.ledger.migrate import HEAD, alembic_config
from goodwill.ledger.restore import restore_backup
from goodwill.ledger.schema import events, metadata
from tests.privacy.conftest import DemoWorld


def content(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order."""
    with open_ledger(url) as ledger, ledger.read() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in metadata.sorted_tables
        }


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_sqlite_round_trip_gives_identical_content(demo_url: str, tmp_path: Path) -> None:
    with open_ledger(demo_url) as ledger:
        manifest = write_backup(ledger, tmp_path / "one.backup")
    assert (manifest.schema, manifest.backend, manifest.encrypted) == (HEAD, "sqlite", False)
    assert manifest.tables["events"] > 9000
    other = f"sqlite:///{tmp_path / 'other' / 'goodwill.db'}"
    report = restore_backup(tmp_path / "one.backup", other)
    assert report.migrated_from is None
    assert content(other) == content(demo_url)
    assert sorted(p.name for p in (tmp_path / "other").iterdir()) == ["goodwill.db"]


def test_a_flipped_byte_is_refused_and_the_store_is_untouched(
    demo_url: str, tmp_path: Path
) -> None:
    backup = tmp_path / "one.backup"
    with open_ledger(demo_url) as ledger:
        write_backup(ledger, backup)
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x01  # inside the database
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(bytes(data))
    target = tmp_path / "target"
    target.mkdir()
    store = f"sqlite:///{target / 'goodwill.db'}"
    with open_ledger(store):
        pass
    before = digest(target / "goodwill.db")
    with pytest.raises(StoreError, match=r"damaged.*SHA-256.*nothing was restored"):
        restore_backup(damaged, store)
    assert digest(target / "goodwill.db") == before
    assert sorted(p.name for p in target.iterdir()) == ["goodwill.db"]  # no temporary left


def _rewrite_manifest(backup: Path, out: Path, **changes: Any) -> None:
    with tarfile.open(backup) as tar:
        manifest = json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]
        payload = tar.extractfile(PAYLOAD).read()  # type: ignore[union-attr]
    manifest.update(changes)
    with tarfile.open(out, "w") as tar:
        for name, body in ((MANIFEST, json.dumps(manifest).encode()), (PAYLOAD, payload)):
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))


def test_a_backup_from_a_newer_goodwill_or_of_another_kind_is_refused(
    demo_url: str, tmp_path: Path
) -> None:
    backup = tmp_path / "one.backup"
    with open_ledger(demo_url) as ledger:
        write_backup(ledger, backup)
    newer, foreign = tmp_path / "newer.backup", tmp_path / "foreign.backup"
    _rewrite_manifest(backup, newer, schema="9999")
    _rewrite_manifest(backup, foreign, format="something.else")
    before = digest(Path(demo_url.removeprefix("sqlite:///")))
    with pytest.raises(StoreError, match=r"newer goodwill .*schema 9999.*upgrade goodwill"):
        restore_backup(newer, demo_url)
    with pytest.raises(StoreError, match=r"not goodwill\.backup"):
        restore_backup(foreign, demo_url)
    with pytest.raises(StoreError, match="not a readable goodwill backup"):
        restore_backup(Path(demo_url.removeprefix("sqlite:///")), demo_url)
    assert digest(Path(demo_url.removeprefix("sqlite:///"))) == before


def test_a_store_in_use_by_another_connection_is_not_replaced(
    demo_url: str, tmp_path: Path
) -> None:
    backup = tmp_path / "one.backup"
    with open_ledger(demo_url) as ledger:
        write_backup(ledger, backup)
    target = tmp_path / "busy.db"
    url = f"sqlite:///{target}"
    with open_ledger(url):
        pass
    holder = sqlite3.connect(target)  # as an idle web server would hold it
    holder.execute("SELECT 1 FROM events LIMIT 1").fetchall()
    try:
        with pytest.raises(StoreError, match="in use by another process"):
            restore_backup(backup, url)
    finally:
        holder.close()
    assert content(url)["events"] == []


OLD_TABLES = ("alembic_version", "events", "identities", "imports", "network_scores", "people",
              "person_merges", "settings", "web_users")  # fmt: skip


def test_an_older_backup_is_migrated_to_the_newest_schema(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    with open_ledger(f"sqlite:///{old}") as ledger, ledger.engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
    backup = tmp_path / "old.backup"
    with tarfile.open(backup, "w") as tar:
        body = old.read_bytes()
        manifest = {
            "format": "goodwill.backup", "version": 1, "created_at": "2026-01-01T00:00:00+00:00",
            "schema": "0003", "backend": "sqlite", "encrypted": False, "payload": PAYLOAD,
            "payload_bytes": len(body), "payload_sha256": hashlib.sha256(body).hexdigest(),
            "tables": dict.fromkeys(OLD_TABLES, 0) | {"alembic_version": 1},
        }  # fmt: skip
        for name, data in ((MANIFEST, json.dumps(manifest).encode()), (PAYLOAD, body)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    target = f"sqlite:///{tmp_path / 'new.db'}"
    assert restore_backup(backup, target).migrated_from == "0003"
    assert set(content(target)) == {t.name for t in metadata.sorted_tables}


def test_backups_cross_between_sqlite_and_postgresql(
    demo_world: DemoWorld, demo_url: str, pg_url: str, tmp_path: Path
) -> None:
    with open_ledger(demo_url) as ledger:
        write_backup(ledger, tmp_path / "from-sqlite.backup")
    restore_backup(tmp_path / "from-sqlite.backup", pg_url)
    expected = content(demo_url)
    assert content(pg_url) == expected
    with open_ledger(pg_url) as ledger:
        manifest = write_backup(ledger, tmp_path / "from-postgres.backup")
    assert manifest.backend == "postgresql"
    back = f"sqlite:///{tmp_path / 'back.db'}"
    restore_backup(tmp_path / "from-postgres.backup", back)
    assert content(back) == expected
    one = tmp_path / "one.jsonl"
    one.write_text(
        '{"id": "after-restore", "time": 1767225600, "kind": "reply", '
        '"actor": "email:new@x.example", "target": "email:other@x.example"}\n',
        encoding="utf-8",
    )
    with open_ledger(pg_url) as ledger:  # ids keep counting after the restored ones
        run_import(ledger, "jsonl", one)
        with ledger.read() as conn:
            new_id = conn.execute(
                select(events.c.id).where(events.c.external_id == "after-restore")
            ).scalar_one()
    assert new_id > max(r[0] for r in expected["events"])
