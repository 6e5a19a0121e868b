"""``goodwill restore FILE``: a backup back into a store, checked first, all or nothing.

Before anything is touched the backup is read into a temporary folder and refused, with
the reason, if any check fails: it is a tar with ``manifest.json`` and the payload; the
manifest's format and version are known; its schema revision is one this goodwill has
(a backup from a newer goodwill is refused: upgrade first); the payload's size and SHA-256
match the manifest's; SQLite's ``integrity_check`` passes; its revision and row counts are
the manifest's. A backup at an older revision is then migrated to the newest, in the
temporary copy.

Only then is the store replaced:

- **SQLite**: the checked file takes the store file's place (see
  :mod:`goodwill.ledger.file_swap`, which refuses while another process has the store
  open). A plain backup restored into an encrypted store is encrypted first, under the
  store's key; an encrypted backup stays encrypted, so the store is encrypted afterwards;
- **PostgreSQL**: every table is emptied and filled from the backup in one transaction,
  so a failure half-way leaves the store as it was.

A backup holds what the store held when it was made, so before the copy replaces the store
the people forgotten in the store are forgotten in the copy too
(:mod:`goodwill.ledger.restore_forgets`), unless ``allow_resurrect``; and the web app's
open sessions are dropped from it (a restore signs everyone out).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from goodwill.errors import StoreError
from goodwill.ledger.backup import FORMAT, MANIFEST, PAYLOAD, VERSION, Manifest
from goodwill.ledger.encrypt_store import encrypt_copy
from goodwill.ledger.encryption import (
    cipher_errors,
    connect_file,
    key_help,
    store_key,
    wants_encryption,
)
from goodwill.ledger.file_swap import replace_store_file
from goodwill.ledger.migrate import HEAD, alembic_config
from goodwill.ledger.restore_forgets import (
    Reapplied,
    end_web_sessions,
    held_forgets,
    reapply_forgets,
)
from goodwill.ledger.snapshot import copy_store
from goodwill.ledger.store import open_ledger

__all__ = ["RestoreReport", "read_backup", "restore_backup"]

_MANIFEST_LIMIT = 1 << 20


@dataclass(frozen=True)
class RestoreReport:
    """What was restored, into what."""

    manifest: Manifest
    store: str
    migrated_from: str | None  # the backup's revision when it was older than the newest
    encrypted: bool  # whether the store is encrypted now (SQLite)
    reapplied: Reapplied | None  # the store's forgets applied; None with allow_resurrect


def _known_revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config()).walk_revisions()
    return [s.revision for s in scripts]


def _refuse(path: Path, reason: str) -> StoreError:
    return StoreError(f"{path}: {reason}; nothing was restored")


def read_backup(path: Path, work: Path) -> tuple[Manifest, Path]:
    """Check the backup at ``path`` and extract its payload into ``work`` (see the module)."""
    try:
        with tarfile.open(path, "r:") as tar:
            members = tar.getmembers()
            if [m.name for m in members] != [MANIFEST, PAYLOAD] or not all(
                m.isfile() for m in members
            ):
                raise _refuse(path, f"not a goodwill backup (expected {MANIFEST} and {PAYLOAD})")
            if members[0].size > _MANIFEST_LIMIT:
                raise _refuse(path, f"its {MANIFEST} is too large to be one")
            manifest = _manifest(path, _read(tar, members[0]))
            payload = work / PAYLOAD
            digest = _extract(tar, members[1], payload)
    except (OSError, tarfile.TarError) as exc:
        raise _refuse(path, f"not a readable goodwill backup ({exc})") from exc
    size = payload.stat().st_size
    if (size, digest) != (manifest.payload_bytes, manifest.payload_sha256):
        raise _refuse(
            path,
            f"the backup is damaged: its database has {size:,} bytes with SHA-256 {digest}, "
            f"the manifest says {manifest.payload_bytes:,} bytes with {manifest.payload_sha256}",
        )
    return manifest, payload


def _read(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    handle = tar.extractfile(member)
    assert handle is not None
    return handle.read()


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    handle = tar.extractfile(member)
    assert handle is not None
    with target.open("wb") as out:
        while block := handle.read(1 << 20):
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def _manifest(path: Path, content: bytes) -> Manifest:
    try:
        data: Any = json.loads(content)
        names = {f.name for f in fields(Manifest)}
        if not isinstance(data, dict) or set(data) != names:
            raise ValueError("unexpected fields")
        manifest = Manifest(**data)
    except (ValueError, TypeError) as exc:
        raise _refuse(path, f"its {MANIFEST} cannot be read ({exc})") from exc
    if manifest.format != FORMAT or manifest.version != VERSION:
        raise _refuse(
            path, f"it is {manifest.format} version {manifest.version}, not {FORMAT} {VERSION}"
        )
    if manifest.schema not in _known_revisions():
        raise _refuse(
            path,
            f"it was made by a newer goodwill (schema {manifest.schema}; this one knows up to "
            f"{HEAD}): upgrade goodwill, then restore",
        )
    return manifest


def _driver_errors() -> tuple[type[Exception], ...]:
    return (sqlite3.Error, *cipher_errors())


def _check_payload(path: Path, manifest: Manifest, payload: Path, key: str | None) -> None:
    """SQLite's own check of the payload, and its revision and row counts against the manifest."""
    connection = connect_file(payload, key) if key is not None else sqlite3.connect(str(payload))
    try:
        verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        counts = {
            name: int(connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0])
            for name in manifest.tables
        }
    except _driver_errors() as exc:
        if key is not None and "not a database" in str(exc):
            raise _refuse(path, f"the backup is encrypted under another key: {key_help()}") from exc
        raise _refuse(path, f"its database cannot be read ({exc})") from exc
    finally:
        connection.close()
    if verdict != "ok":
        raise _refuse(path, f"its database fails SQLite's integrity check ({verdict})")
    if revision is None or revision[0] != manifest.schema or counts != manifest.tables:
        raise _refuse(path, "its database does not hold what its manifest describes")


def restore_backup(path: Path, url: str, *, allow_resurrect: bool = False) -> RestoreReport:
    """Restore the backup at ``path`` into the store at ``url`` (see the module); with
    ``allow_resurrect`` the people forgotten since the backup was made come back."""
    parsed = make_url(url)
    sqlite_target = parsed.get_backend_name() == "sqlite"
    store = Path(parsed.database or "") if sqlite_target else None
    place = store.parent if store is not None else None
    if place is not None:
        place.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".goodwill-restore-", dir=place))
    try:
        manifest, payload = read_backup(path, work)
        held = None if allow_resurrect else held_forgets(url, path)
        key = store_key()
        if manifest.encrypted and not key:
            raise _refuse(path, f"the backup is encrypted and no key was given: {key_help()}")
        _check_payload(path, manifest, payload, key if manifest.encrypted else None)
        encrypted = manifest.encrypted
        if store is not None and not encrypted and wants_encryption(parsed):
            if not key:
                raise _refuse(path, f"the store is encrypted and no key was given: {key_help()}")
            encrypted_payload = work / "encrypted.db"
            encrypt_copy(payload, encrypted_payload, key)
            payload, encrypted = encrypted_payload, True
        payload_url = f"{'sqlite+pysqlcipher' if encrypted else 'sqlite'}:///{payload}"
        with open_ledger(payload_url) as checked:  # migrates an older backup to the newest
            reapplied = reapply_forgets(held, checked, path) if held else None
            with checked.write() as conn:
                end_web_sessions(conn)
            if store is None:
                with open_ledger(url) as target, checked.read() as source, target.write() as conn:
                    copy_store(source, conn)
            else:  # the file must hold everything by itself before it is moved
                with checked.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        if store is not None:
            replace_store_file(payload, store, key)
        return RestoreReport(
            manifest=manifest,
            store=make_url(url).render_as_string(hide_password=True),
            migrated_from=manifest.schema if manifest.schema != HEAD else None,
            encrypted=encrypted,
            reapplied=None if allow_resurrect else (reapplied or Reapplied()),
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
