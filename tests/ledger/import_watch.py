"""Watching an import from outside its process: when it writes, when it commits.

The crash test aims its kills with these. An import's writes are invisible to others until it
commits, so the signs are the store's own: on SQLite, that someone holds the write lock (a
``BEGIN IMMEDIATE`` with no wait fails) and, later, that the write-ahead log changes (the
importer's pages stay in its 64 MB cache until COMMIT writes them there); on PostgreSQL,
that a backend holds goodwill's advisory write lock and, later, that its last statement is
``finish_import``'s ``UPDATE imports``, the one just before COMMIT.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Protocol

import psycopg
from sqlalchemy.engine import make_url

__all__ = ["ImportWatch", "PostgresWatch", "SqliteWatch", "sibling_store", "watch_store"]


class ImportWatch(Protocol):
    def writing(self) -> bool: ...
    def committing(self) -> bool: ...
    def close(self) -> None: ...


class SqliteWatch:
    """Signs of an import in a SQLite store."""

    def __init__(self, url: str) -> None:
        self.path = Path(str(make_url(url).database))
        self._wal = self.path.with_name(self.path.name + "-wal")
        self._before: tuple[int, int] | None = None

    def writing(self) -> bool:
        """Whether someone holds the write lock (noting the log as it is then). Not before
        the write-ahead log exists, that is before an importer has opened the store: a probe
        then would create the file, and its lock could meet the importer switching a new
        store to WAL, which SQLite refuses at once instead of waiting (a CI run saw the
        timing import fail as busy)."""
        if not self._wal.exists():
            return False
        probe = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
        except sqlite3.OperationalError:
            self._before = self._wal_state()
            return True
        finally:
            probe.close()
        return False

    def committing(self) -> bool:
        """Whether the log has changed since :meth:`writing` last saw the lock taken."""
        return self._wal_state() != self._before

    def _wal_state(self) -> tuple[int, int]:
        try:
            stat = self._wal.stat()
        except FileNotFoundError:
            return (0, 0)
        return (stat.st_size, stat.st_mtime_ns)

    def close(self) -> None:
        pass


def _connect(url: str, database: str | None = None) -> psycopg.Connection[tuple[object, ...]]:
    parsed = make_url(url)
    return psycopg.connect(
        host=str(parsed.query["host"]),
        user=parsed.username,
        dbname=database or parsed.database,
        autocommit=True,  # pg_stat views hold still for a whole transaction
    )


class PostgresWatch:
    """Signs of an import in a PostgreSQL store."""

    def __init__(self, url: str) -> None:
        self._conn = _connect(url)

    def _another(self, condition: str) -> bool:
        query = (
            "SELECT COUNT(*) FROM pg_stat_activity a WHERE a.datname = current_database() "
            f"AND a.pid <> pg_backend_pid() AND a.xact_start IS NOT NULL AND {condition}"
        )
        row = self._conn.execute(query).fetchone()
        return bool(row and row[0])

    def writing(self) -> bool:
        """Whether another backend holds an advisory lock (goodwill's write lock)."""
        return self._another(
            "EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid "
            "AND l.locktype = 'advisory' AND l.granted)"
        )

    def committing(self) -> bool:
        """Whether another backend's transaction has come to its last statement."""
        return self._another("a.query LIKE 'UPDATE imports%'")

    def close(self) -> None:
        self._conn.close()


def watch_store(url: str) -> ImportWatch:
    """The watch for the store at ``url``'s backend."""
    return SqliteWatch(url) if make_url(url).get_backend_name() == "sqlite" else PostgresWatch(url)


def sibling_store(url: str, name: str) -> str:
    """An empty store beside the one at ``url``: a file in its folder, or a database on its
    server."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///{Path(str(parsed.database)).with_name(name + '.db')}"
    database = f"{parsed.database}_{name}"
    with _connect(url, "postgres") as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    return parsed.set(database=database).render_as_string(hide_password=False)
