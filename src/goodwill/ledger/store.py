"""Opening the store: an engine for a URL, tuned for the ledger, at the newest schema.

One writer at a time, on both backends, and readers never wait. SQLite is the embedded
default: it runs in WAL mode so readers never block the importer, and starts write
transactions with ``BEGIN IMMEDIATE`` so two writers queue rather than deadlock. PostgreSQL
(through psycopg 3, at its default READ COMMITTED isolation) serializes write transactions
the same way, with a transaction-level advisory lock: without it two imports that meet the
same new account both insert its identity and one fails on the unique key. Either way a
writer waits up to :data:`BUSY_TIMEOUT_MS` for the one before it, then gives up with
:class:`StoreBusyError`. Migrations run under the same lock, so processes that open a new
store at once migrate it once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from goodwill.errors import StoreError
from goodwill.ledger.encryption import encrypted_engine, wants_encryption
from goodwill.ledger.migrate import HEAD, current_revision, upgrade_to_head
from goodwill.ledger.private_files import PRIVATE_DIR, create_private

__all__ = [
    "BUSY_TIMEOUT_MS",
    "WRITE_LOCK_KEY",
    "Ledger",
    "StoreBusyError",
    "is_busy",
    "open_ledger",
]

#: How long a writer waits for the one before it (SQLite's busy_timeout, PostgreSQL's
#: lock_timeout for the write lock).
BUSY_TIMEOUT_MS = 30_000
#: The PostgreSQL advisory lock every write transaction holds: "goodwill" in ASCII.
WRITE_LOCK_KEY = 0x676F6F6477696C6C
_WRITE = "goodwill_write"
_PG_LOCK_NOT_AVAILABLE = "55P03"


class StoreBusyError(StoreError):
    """Another writer held the store for longer than :data:`BUSY_TIMEOUT_MS`, or held a
    lock the database refused at once: trying again once it has finished works (the web
    app answers 503 with ``Retry-After``). The message says how long goodwill waited."""


class Ledger:
    """An open store: its engine and the transactions the rest of goodwill uses."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def url(self) -> str:
        """The store's URL with any password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        """Whether the store is SQLite (bulk paths differ by backend)."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading, in its own transaction."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: committed on success, rolled back on any error.

        It starts once the store's write lock is free; after :data:`BUSY_TIMEOUT_MS` of
        waiting it raises :class:`StoreBusyError` instead.
        """
        with ExitStack() as stack:
            with _giving_up_when_busy(self.url):  # connecting may meet the lock too
                plain = stack.enter_context(self.engine.connect())
                conn = plain.execution_options(**{_WRITE: True})
                stack.enter_context(conn.begin())
            yield conn

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def is_busy(exc: DBAPIError) -> bool:
    """Whether a database error means "another writer holds the lock", not a fault."""
    code = getattr(exc.orig, "sqlstate", None)
    if code is not None:
        return bool(code == _PG_LOCK_NOT_AVAILABLE)
    name = getattr(exc.orig, "sqlite_errorname", "")
    return bool(name.startswith("SQLITE_BUSY") or "database is locked" in str(exc.orig))


@contextmanager
def _giving_up_when_busy(store: str) -> Iterator[None]:
    """Turn a lock refused inside the block into :class:`StoreBusyError`, timed."""
    started = time.monotonic()
    try:
        yield
    except DBAPIError as exc:
        if is_busy(exc):
            raise _busy_error(store, time.monotonic() - started) from exc
        raise


def _busy_error(store: str, waited_s: float) -> StoreBusyError:
    """Say how long goodwill actually waited: SQLite refuses some locks at once, whatever
    its busy timeout (a new store being switched to WAL while another program holds a
    lock on it), and "busy for over 30 s" would then send the user looking for an import
    that may not exist."""
    limit_s = BUSY_TIMEOUT_MS / 1000
    if waited_s >= limit_s / 2:
        return StoreBusyError(
            f"the store {store} is busy: another import or command is writing to it; "
            f"goodwill waited {waited_s:.2f} s (its limit is {limit_s:g} s) and gave up; "
            "try again when it has finished"
        )
    return StoreBusyError(
        f"the store {store} is busy: another program holds a lock on it that the database "
        f"would not wait for, so goodwill gave up after {waited_s:.2f} s; try again in a "
        "moment, and if it keeps failing, close whatever else has the store open (another "
        "goodwill, an sqlite3 shell, a backup or sync tool)"
    )


def _serialize_postgres_writes(engine: Engine) -> None:
    """Make every write transaction take the advisory write lock first (see the module)."""

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(_WRITE, False):
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


def _tune_sqlite(engine: Engine) -> None:
    """Install the connect and begin hooks that make SQLite behave as documented above."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin hook decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA cache_size = -65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _engine_for(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            f"store URL {url!r} is not a database URL: use e.g. sqlite:////path/to/goodwill.db "
            "or postgresql+psycopg://user@host/dbname"
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if not database or database == ":memory:":
            raise StoreError(
                f"store URL {url!r} names no file: the ledger must persist; "
                "use sqlite:////absolute/path/goodwill.db"
            )
        try:  # a new store is its owner's alone (see goodwill.ledger.private_files)
            Path(database).parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
            create_private(Path(database))
        except OSError as exc:
            raise StoreError(f"cannot create the folder for the store {database}: {exc}") from exc
        if wants_encryption(parsed):  # SQLCipher: see goodwill.ledger.encryption
            return encrypted_engine(parsed, _tune_sqlite)
        engine = create_engine(parsed)
        _tune_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            engine = create_engine(parsed, pool_pre_ping=True)
        except NoSuchModuleError as exc:
            raise StoreError(f"store URL {url!r}: {exc}; use postgresql+psycopg://") from exc
        _serialize_postgres_writes(engine)
        return engine
    raise StoreError(
        f"store URL {url!r}: goodwill stores its ledger in SQLite or PostgreSQL "
        "(sqlite:///... or postgresql+psycopg://...)"
    )


def open_ledger(url: str, *, migrate: bool = True) -> Ledger:
    """Open the store at ``url``, bringing its schema to the newest version when asked.

    Any failure to reach or read the database becomes a :class:`StoreError` that names the
    store and the cause.
    """
    engine = _engine_for(url)
    ledger = Ledger(engine)
    started = time.monotonic()
    try:
        if migrate and current_revision(engine) != HEAD:
            # Under the write lock: a second process opening a new store waits, then finds
            # it migrated (Alembic reads the revision again inside the transaction).
            upgrade_to_head(engine.execution_options(**{_WRITE: True}))
        elif not migrate:
            with engine.connect() as conn:
                inspect(conn).get_table_names()
    except DBAPIError as exc:
        engine.dispose()
        if is_busy(exc):
            raise _busy_error(ledger.url, time.monotonic() - started) from exc
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(
            f"cannot open the store {ledger.url}: {reason}; check the path or URL "
            "(--db or GOODWILL_DB) and that it is a goodwill database you can read and write"
        ) from exc
    return ledger
