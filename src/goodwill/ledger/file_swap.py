"""Putting a new SQLite file in the place of a store's file, without a moment of a broken
store: what ``goodwill restore`` and ``goodwill encrypt`` end with.

The new file is complete and checked before this runs. Then:

1. the old store is locked exclusively, which fails while any other process has it open
   (an idle ``goodwill serve`` included: SQLite holds a shared lock for each open
   connection in WAL mode). Swapping a file under a process that has it open would leave
   that process reading, and writing, a deleted file; so nothing is changed and the user
   is told to stop it;
2. its write-ahead log is checkpointed into it and truncated, so no stale log can ever be
   applied to the new file; the lock is released and the ``-wal`` and ``-shm`` files go;
3. the new file is given mode 0600, renamed over the old one (atomic on one filesystem)
   and the folder synced.

An old store that cannot be read at all (damaged, or under another key) cannot be locked;
it is replaced all the same, since replacing it is what was asked.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from goodwill.errors import StoreError
from goodwill.ledger.encryption import cipher_errors, connect_file, is_encrypted_file
from goodwill.ledger.private_files import make_private

__all__ = ["replace_store_file"]

_LOCK_WAIT_S = 5.0


def replace_store_file(new: Path, store: Path, key: str | None) -> None:
    """Move the finished file ``new`` into ``store``'s place (see the module)."""
    if store.exists() and store.stat().st_size > 0:
        _checkpoint_alone(store, key)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    make_private(new).replace(store)  # the owner's alone, as a new store is
    folder = os.open(store.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _open(store: Path, key: str | None) -> Any:
    if is_encrypted_file(store):
        if key is None:
            return None  # cannot be read here: replaced as it is
        connection = connect_file(store, key)
        connection.execute(f"PRAGMA busy_timeout = {int(_LOCK_WAIT_S * 1000)}")
        return connection
    return sqlite3.connect(str(store), timeout=_LOCK_WAIT_S, isolation_level=None)


def _checkpoint_alone(store: Path, key: str | None) -> None:
    connection = _open(store, key)
    if connection is None:
        return
    errors: tuple[type[Exception], ...] = (sqlite3.Error, *cipher_errors())
    try:
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except errors as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(
                f"the store {store} is in use by another process (goodwill serve, an import?): "
                "stop it and try again; nothing was changed"
            ) from exc
        # Unreadable (damaged, or another key): it is replaced as it is.
    finally:
        connection.close()
