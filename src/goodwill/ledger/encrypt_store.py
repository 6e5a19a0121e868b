"""``goodwill encrypt``: create an encrypted store, or encrypt a plain one in place.

A plain store is copied into a new SQLCipher file with ``sqlcipher_export`` while it is
held exclusively (no other process may have it open, so the copy is complete), the copy is
checked under the key, and it replaces the plain file (:mod:`goodwill.ledger.file_swap`).
The plain file's blocks may survive on the disk after the rename, as after any delete:
encrypting a store that already holds data protects what is written from then on and the
file's future copies, not the disk's past.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from goodwill.errors import StoreError
from goodwill.ledger.encryption import (
    ENCRYPTED_DRIVER,
    cipher_errors,
    connect_file,
    is_encrypted_file,
    key_help,
    store_key,
)
from goodwill.ledger.file_swap import replace_store_file
from goodwill.ledger.store import open_ledger

__all__ = ["encrypt_copy", "encrypt_store"]


def encrypt_copy(plain: Path, target: Path, key: str) -> None:
    """Write the plain SQLite database ``plain`` into a new SQLCipher file ``target``."""
    source = connect_file(plain, None)
    try:
        source.execute("PRAGMA busy_timeout = 5000")
        source.execute("PRAGMA locking_mode = EXCLUSIVE")
        source.execute("BEGIN EXCLUSIVE")
        source.execute("COMMIT")
        source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        source.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(target), key))
        source.execute("SELECT sqlcipher_export('encrypted')")
        source.execute("DETACH DATABASE encrypted")
    except cipher_errors() as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(
                f"the store {plain} is in use by another process (goodwill serve, an import?): "
                "stop it and try again; nothing was changed"
            ) from exc
        raise StoreError(f"cannot encrypt {plain}: {exc}; nothing was changed") from exc
    finally:
        source.close()


def encrypt_store(url: str) -> str:
    """Make the SQLite store at ``url`` an encrypted one under the store key (see
    :func:`~goodwill.ledger.encryption.store_key`); returns what was done: ``created``,
    ``encrypted`` (converted in place) or ``already encrypted``."""
    key = store_key()
    if not key:
        raise StoreError(f"no key to encrypt the store with: {key_help()}")
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise StoreError(
            f"store URL {parsed.render_as_string(hide_password=True)!r}: goodwill encrypts "
            "SQLite stores; for PostgreSQL, encrypt the server's disk and use TLS"
        )
    path = Path(parsed.database)
    encrypted_url = f"{ENCRYPTED_DRIVER}:///{path}"
    if not path.exists() or path.stat().st_size == 0:
        open_ledger(encrypted_url).close()
        return "created"
    if is_encrypted_file(path):
        open_ledger(encrypted_url).close()  # checks the key
        return "already encrypted"
    open_ledger(f"sqlite:///{path}").close()  # the newest schema first
    part = path.with_name(path.name + ".encrypting")
    part.unlink(missing_ok=True)
    try:
        encrypt_copy(path, part, key)
        with open_ledger(f"{ENCRYPTED_DRIVER}:///{part}") as copy, copy.read() as conn:
            verdict = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
        if verdict != "ok":
            raise StoreError(f"the encrypted copy of {path} fails its integrity check ({verdict})")
        replace_store_file(part, path, key)
    finally:
        for leftover in (part, Path(f"{part}-wal"), Path(f"{part}-shm")):
            leftover.unlink(missing_ok=True)
    return "encrypted"
