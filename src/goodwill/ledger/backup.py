"""``goodwill backup FILE``: a consistent snapshot of the store in one file, with a manifest.

A backup is an uncompressed tar of two members: ``manifest.json`` first, then
``goodwill.db``, a complete SQLite database holding the store (the payload). The manifest
carries the payload's SHA-256 and size, the schema revision, the backend it came from,
whether the payload is encrypted, and the rows per table; :mod:`goodwill.ledger.restore`
checks all of them before it touches a store.

Why the payload is a SQLite file for both backends:

- a **SQLite** store is copied with SQLite's online backup API, page by page, in one read
  transaction: a consistent snapshot while imports and the web app keep running. An
  encrypted store (SQLCipher) is copied the same way into a file under the same key, so
  its backup is encrypted too;
- a **PostgreSQL** store is copied table by table, inside one ``REPEATABLE READ
  READ ONLY`` transaction (one consistent snapshot), into a fresh SQLite file at the same
  schema revision. Shelling out to ``pg_dump`` instead would need a client whose version
  matches the server's and would give a dump only PostgreSQL can load; this file restores
  into either backend, can be checked with ``PRAGMA integrity_check`` before anything is
  replaced, and is read by any SQLite tool. Such a backup is not encrypted: keep it as
  carefully as the server's own backups.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import Engine

from goodwill.errors import StoreError
from goodwill.events import from_time_us, now_us
from goodwill.ledger.encryption import connect_file
from goodwill.ledger.migrate import current_revision
from goodwill.ledger.private_files import make_private
from goodwill.ledger.snapshot import copy_store
from goodwill.ledger.store import Ledger, open_ledger

__all__ = ["FORMAT", "MANIFEST", "PAYLOAD", "VERSION", "Manifest", "file_sha256", "write_backup"]

FORMAT = "goodwill.backup"
VERSION = 1
MANIFEST = "manifest.json"
PAYLOAD = "goodwill.db"


@dataclass(frozen=True)
class Manifest:
    """What a backup says about itself (``manifest.json``)."""

    format: str
    version: int
    created_at: str
    schema: str
    backend: str  # where it came from: "sqlite" or "postgresql"
    encrypted: bool
    payload: str
    payload_bytes: int
    payload_sha256: str
    tables: dict[str, int]

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode("utf-8")


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def write_backup(ledger: Ledger, path: Path) -> Manifest:
    """Write a backup of ``ledger`` to ``path`` (whole, or not at all); returns its manifest."""
    path = path.resolve()
    if path.is_dir():
        raise StoreError(
            f"{path} is a folder: name the backup file to write, e.g. {path}/goodwill.backup"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    except OSError as exc:
        raise StoreError(f"{path}: cannot write the backup there: {exc}") from exc
    try:
        payload = work / PAYLOAD
        encrypted = _snapshot(ledger, payload)
        tables = _row_counts(payload, ledger.engine if encrypted else None)
        manifest = Manifest(
            format=FORMAT,
            version=VERSION,
            created_at=from_time_us(now_us()).isoformat(),
            schema=str(current_revision(ledger.engine)),
            backend=ledger.engine.dialect.name,
            encrypted=encrypted,
            payload=PAYLOAD,
            payload_bytes=payload.stat().st_size,
            payload_sha256=file_sha256(payload),
            tables=tables,
        )
        part = work / "backup.tar"
        with tarfile.open(part, "w", format=tarfile.PAX_FORMAT) as tar:
            content = manifest.to_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(content)
            info.mtime = int(now_us() // 1_000_000)
            tar.addfile(info, io.BytesIO(content))
            tar.add(payload, arcname=PAYLOAD)
        make_private(part).replace(path)  # a backup is the store: its owner's alone
    except OSError as exc:
        raise StoreError(f"{path}: cannot write the backup: {exc}") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return manifest


def _snapshot(ledger: Ledger, payload: Path) -> bool:
    """Copy the store into the SQLite file ``payload``; returns whether it is encrypted."""
    if not ledger.is_sqlite:
        _snapshot_postgres(ledger, payload)
        return False
    key = ledger.engine.url.password
    encrypted = key is not None
    raw = ledger.engine.raw_connection()
    try:
        target = connect_file(payload, str(key)) if encrypted else sqlite3.connect(str(payload))
        try:
            raw.driver_connection.backup(target)  # type: ignore[union-attr]
        finally:
            target.close()
    finally:
        raw.close()
    return encrypted


def _snapshot_postgres(ledger: Ledger, payload: Path) -> None:
    with open_ledger(f"sqlite:///{payload}") as copy:
        with ledger.engine.connect() as plain, copy.write() as target:
            source = plain.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            with source.begin():
                copy_store(source, target)
        raw = copy.engine.raw_connection()
        try:  # the payload must be one self-contained file: no write-ahead log beside it
            raw.driver_connection.execute("PRAGMA journal_mode = DELETE")  # type: ignore[union-attr]
        finally:
            raw.close()


def _row_counts(payload: Path, encrypted_from: Engine | None) -> dict[str, int]:
    """Rows per table of the payload, read from the file itself."""
    if encrypted_from is not None:
        connection = connect_file(payload, str(encrypted_from.url.password))
    else:
        connection = sqlite3.connect(str(payload))
    try:
        names = [
            r[0]
            for r in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            n: int(connection.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0]) for n in names
        }
    finally:
        connection.close()
