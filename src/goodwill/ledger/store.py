"""Opening the store: an engine for a URL, tuned for the ledger, at the newest schema.

SQLite is the embedded default. It runs in WAL mode so readers never block the importer,
waits up to :data:`BUSY_TIMEOUT_MS` for a competing writer instead of failing at once, and
starts write transactions with ``BEGIN IMMEDIATE`` so two writers queue rather than
deadlock. PostgreSQL is used as it comes, through psycopg 3.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from goodwill.errors import StoreError
from goodwill.ledger.migrate import upgrade_to_head

__all__ = ["BUSY_TIMEOUT_MS", "Ledger", "open_ledger"]

BUSY_TIMEOUT_MS = 30_000
_WRITE = "goodwill_write"


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
        """One write transaction: committed on success, rolled back on any error."""
        with self.engine.connect() as plain:
            conn = plain.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
        try:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for the store {database}: {exc}") from exc
        engine = create_engine(parsed)
        _tune_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            return create_engine(parsed, pool_pre_ping=True)
        except NoSuchModuleError as exc:
            raise StoreError(f"store URL {url!r}: {exc}; use postgresql+psycopg://") from exc
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
    try:
        if migrate:
            upgrade_to_head(engine)
        else:
            with engine.connect() as conn:
                inspect(conn).get_table_names()
    except DBAPIError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(
            f"cannot open the store {ledger.url}: {reason}; check the path or URL "
            "(--db or GOODWILL_DB) and that it is a goodwill database you can read and write"
        ) from exc
    return ledger
