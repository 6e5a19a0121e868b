"""Encryption at rest for the SQLite store: SQLCipher, with the key kept outside the file.

An encrypted store is an ordinary goodwill store in a SQLCipher 4 file (AES-256 pages with
an HMAC each; the sqlcipher3 binding, SQLAlchemy's ``sqlite+pysqlcipher`` dialect). It is
opened by either URL:

- ``sqlite+pysqlcipher:////path/goodwill.db``: always encrypted (a new file is created
  encrypted);
- ``sqlite:////path/goodwill.db``, the usual one, for a file that exists and is not plain
  SQLite: a plain SQLite file starts with ``SQLite format 3``, an encrypted one with random
  bytes, so ``goodwill encrypt`` can convert the default store in place and every command
  keeps working.

The key is never part of the store or of a URL the user types: it comes from the
environment variable ``GOODWILL_STORE_KEY`` or, without it, from the OS keyring (service
``goodwill``, user ``store-key``). A passphrase goes through SQLCipher's key derivation
(PBKDF2-HMAC-SHA512, 256,000 iterations: about 0.2 s per new connection, pooled after);
a key written ``x'<64 hex digits>'`` is a raw 256-bit key and skips it, which is what
``goodwill encrypt`` generates when it keeps the key in the keyring.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from goodwill.errors import StoreError

__all__ = [
    "ENCRYPTED_DRIVER",
    "KEYRING_SERVICE",
    "KEYRING_USER",
    "KEY_ENV",
    "cipher_errors",
    "connect_file",
    "encrypted_engine",
    "is_encrypted_file",
    "key_help",
    "new_key",
    "save_key",
    "store_key",
    "wants_encryption",
]

ENCRYPTED_DRIVER = "sqlite+pysqlcipher"
KEY_ENV = "GOODWILL_STORE_KEY"
KEYRING_SERVICE = "goodwill"
KEYRING_USER = "store-key"
_PLAIN_HEADER = b"SQLite format 3\x00"
#: SQLCipher logs a wrong key to stderr itself; goodwill says it once, in its own words.
_QUIET = "PRAGMA cipher_log_level = NONE"


def key_help() -> str:
    """Where the key is looked for, as every message about a missing or wrong key says."""
    return (
        f"set {KEY_ENV} to the store's key, or keep it in the OS keyring "
        f"(service {KEYRING_SERVICE!r}, user {KEYRING_USER!r})"
    )


def is_encrypted_file(path: Path) -> bool:
    """Whether ``path`` is a non-empty file that is not plain SQLite (so, SQLCipher's)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_PLAIN_HEADER))
    except OSError:
        return False
    return bool(head) and head != _PLAIN_HEADER


def wants_encryption(url: URL) -> bool:
    """Whether a SQLite store URL is to be opened through SQLCipher (see the module)."""
    if url.drivername == ENCRYPTED_DRIVER:
        return True
    return url.get_backend_name() == "sqlite" and is_encrypted_file(Path(url.database or ""))


def store_key(environ: Mapping[str, str] | None = None) -> str | None:
    """The store key from ``GOODWILL_STORE_KEY``, else the OS keyring, else ``None``."""
    env = os.environ if environ is None else environ
    if env.get(KEY_ENV):
        return env[KEY_ENV]
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
    except KeyringError:
        return None


def new_key() -> str:
    """A random raw 256-bit key in SQLCipher's ``x'...'`` form."""
    return f"x'{secrets.token_hex(32)}'"


def save_key(key: str) -> None:
    """Keep ``key`` in the OS keyring, or say why it cannot be kept there."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError as exc:
        raise StoreError(
            f"no keyring support is installed (pip install 'goodwill[encryption]'); set {KEY_ENV}"
        ) from exc
    try:
        keyring.set_password(KEYRING_SERVICE, KEYRING_USER, key)
    except KeyringError as exc:
        raise StoreError(
            f"the OS keyring cannot keep the key ({exc}); set {KEY_ENV} to a passphrase "
            "of your own instead, and keep it safe"
        ) from exc


def _driver() -> Any:
    try:
        import sqlcipher3  # type: ignore[import-untyped]
    except ImportError as exc:
        raise StoreError(
            "this store is encrypted and SQLCipher is not installed: "
            "pip install 'goodwill[encryption]' (sqlcipher3-binary)"
        ) from exc
    return sqlcipher3


def cipher_errors() -> tuple[type[Exception], ...]:
    """The SQLCipher driver's error class, when it is installed (for raw connections)."""
    try:
        import sqlcipher3
    except ImportError:
        return ()
    return (sqlcipher3.Error,)


def connect_file(path: Path, key: str | None) -> Any:
    """A raw SQLCipher connection to ``path`` under ``key`` (for backups and conversions);
    without a key SQLCipher reads and writes plain SQLite."""
    connection = _driver().connect(str(path), isolation_level=None)
    connection.execute(_QUIET)
    if key is not None:
        connection.execute(f"PRAGMA key = {_quoted(key)}")
    return connection


def _quoted(key: str) -> str:
    return '"' + key.replace('"', '""') + '"'


def encrypted_engine(url: URL, tune: Callable[[Engine], None]) -> Engine:
    """An engine on the SQLCipher file of ``url``, tuned by ``tune``, its key checked."""
    key = store_key()
    path = url.database or ""
    if not key:
        if url.drivername == ENCRYPTED_DRIVER:
            raise StoreError(f"the store {path} is encrypted and no key was given: {key_help()}")
        raise StoreError(  # not plain SQLite: encrypted, or not a database at all
            f"cannot open the store {path}: file is not a database, or it is encrypted and no "
            f"key was given: {key_help()}; else check the path or URL (--db or GOODWILL_DB)"
        )
    keyed = url.set(drivername=ENCRYPTED_DRIVER, password=key)
    engine = create_engine(keyed, module=_driver(), poolclass=QueuePool)

    @event.listens_for(engine, "connect")
    def _quiet(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(_QUIET)

    tune(engine)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
    except DBAPIError as exc:
        engine.dispose()
        if "not a database" in str(exc.orig):
            raise StoreError(
                f"cannot open the encrypted store {path}: the key is wrong, or the file is not "
                f"a goodwill store; {key_help()}"
            ) from exc
        raise
    return engine
