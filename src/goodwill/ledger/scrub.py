"""Making deleted rows' bytes go away, as far as each backend allows.

A ``DELETE`` only marks space free: the old rows stay in the file until something
overwrites them. After ``goodwill forget`` the store is therefore rewritten:

- **SQLite**: the forget transaction runs with ``PRAGMA secure_delete`` (freed space is
  zeroed as it is freed), then ``VACUUM`` rebuilds the file from the live rows only, and
  ``PRAGMA wal_checkpoint(TRUNCATE)`` copies the result into the database file and cuts
  the write-ahead log to nothing. Another process holding the store open can stop the
  checkpoint; the report says so, and closing it and running ``goodwill forget`` again (on
  anyone) finishes the job. The filesystem and the disk may still hold old blocks of the
  file (copy-on-write filesystems, SSD wear levelling, snapshots): only encrypting the store
  or the disk covers that.
- **PostgreSQL**: ``VACUUM (FULL, ANALYZE)`` rewrites each table the forget touched into
  new files (the old ones are emptied at once and removed at the next checkpoint) and
  replaces the planner's sampled values of their columns; ``VACUUM FULL`` of
  ``pg_statistic`` then drops the old samples, where the role may (a superuser). None of
  this reaches the write-ahead log, which holds the old rows until its segments are
  recycled, nor WAL archives, replicas or base backups, which keep them for as long as
  they are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError

from goodwill.errors import StoreError
from goodwill.ledger.store import Ledger

__all__ = ["ScrubReport", "scrub_store"]

_PG_LIMITS = (
    "PostgreSQL keeps the erased rows in its write-ahead log until its segments are "
    "recycled, and in any WAL archive, replica or base backup for as long as those are kept"
)
_PG_STATISTIC = (
    "only a superuser may rewrite pg_statistic: its old sampled values stay in that "
    "table's file until PostgreSQL vacuums it"
)
_DISK_LIMITS = (
    "the filesystem or disk may keep old blocks of the file (snapshots, copy-on-write, SSDs); "
    "an encrypted store or disk covers that"
)


@dataclass(frozen=True)
class ScrubReport:
    """What was done to make the erased bytes go away, and what is known to remain."""

    rewritten: tuple[str, ...]
    limits: list[str] = field(default_factory=list)


def scrub_store(ledger: Ledger, tables: Iterable[str]) -> ScrubReport:
    """Rewrite the store so the rows just deleted from ``tables`` leave its files."""
    if ledger.is_sqlite:
        return _scrub_sqlite(ledger)
    return _scrub_postgres(ledger, sorted(set(tables)))


def _scrub_sqlite(ledger: Ledger) -> ScrubReport:
    driver_error = ledger.engine.dialect.loaded_dbapi.Error
    raw = ledger.engine.raw_connection()
    try:
        # The hooks in goodwill.ledger.store leave the driver in autocommit mode, which
        # VACUUM needs: it cannot run inside a transaction.
        cursor = raw.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute("VACUUM")
        busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cursor.close()
    except driver_error as exc:
        raise StoreError(
            f"rewriting the store {ledger.url} failed ({exc}): what was erased is gone from "
            "its tables but its bytes may remain in the file; run goodwill forget --scrub-only "
            "once no other process uses the store"
        ) from exc
    finally:
        raw.close()
    limits = [_DISK_LIMITS]
    if busy:
        limits.insert(
            0,
            "another process has the store open, so its write-ahead log (the -wal file) "
            "still holds old pages; close it, then run goodwill forget --scrub-only",
        )
    return ScrubReport(("the whole file",), limits)


def _scrub_postgres(ledger: Ledger, tables: list[str]) -> ScrubReport:
    limits = [_PG_LIMITS]
    rewritten = []
    with ledger.engine.connect() as plain:
        conn = plain.execution_options(isolation_level="AUTOCOMMIT")
        for table in tables:
            try:
                conn.exec_driver_sql(f'VACUUM (FULL, ANALYZE) "{table}"')
                rewritten.append(table)
            except DBAPIError as exc:
                limits.append(f"VACUUM FULL {table} failed ({_reason(exc)}): its old rows remain")
        superuser = conn.exec_driver_sql(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).scalar()
        if superuser:  # others get a warning, not an error, and nothing done
            conn.exec_driver_sql("VACUUM FULL pg_catalog.pg_statistic")
        else:
            limits.append(_PG_STATISTIC)
        try:
            conn.exec_driver_sql("CHECKPOINT")
        except DBAPIError:
            limits.append("the old files are removed at the server's next checkpoint")
    return ScrubReport(tuple(rewritten), limits)


def _reason(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
