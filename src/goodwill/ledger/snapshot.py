"""Copying a whole store, table by table, from one connection to another on any backends.

Backups of a PostgreSQL store and restores into one go through here (SQLite to SQLite is a
file copy, see :mod:`goodwill.ledger.backup`). Both sides must be at the same schema
revision; the caller migrates first. Rows are streamed in batches and written with the
writer's bulk insert (COPY on PostgreSQL), so a store of millions of events is never held
in memory. A column that points into its own table (``people.merged_into``) is filled in
after the rows exist, as PostgreSQL checks each foreign key as it goes. Afterwards each
PostgreSQL id sequence continues after the largest id copied.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, bindparam, delete, func, select, text, update

from goodwill.ledger.schema import metadata
from goodwill.ledger.writer import bulk_insert

__all__ = ["copy_store", "row_counts"]

_BATCH = 10_000


def row_counts(conn: Connection) -> dict[str, int]:
    """Rows per table of the schema."""
    return {
        t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
        for t in metadata.sorted_tables
    }


def copy_store(source: Connection, target: Connection) -> dict[str, int]:
    """Replace every table's rows in ``target`` (inside its transaction) by ``source``'s;
    returns the rows copied per table."""
    for table in reversed(metadata.sorted_tables):
        target.execute(delete(table))
    copied = {table.name: _copy_table(source, target, table) for table in metadata.sorted_tables}
    if target.dialect.name == "postgresql":
        _continue_sequences(target)
    return copied


def _self_references(table: Table) -> list[str]:
    return [c.name for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)]


def _copy_table(source: Connection, target: Connection, table: Table) -> int:
    columns = [c.name for c in table.columns]
    later = _self_references(table)
    held = [columns.index(name) for name in later]
    pointers: list[dict[str, object]] = []
    keys = list(table.primary_key.columns)
    key_at = columns.index(keys[0].name)  # a table pointing into itself has a one-column key
    result = source.execution_options(stream_results=True, yield_per=_BATCH).execute(
        select(table).order_by(*keys)
    )
    count = 0
    for batch in result.partitions(_BATCH):
        rows = []
        for row in batch:
            values = list(row)
            for position in held:
                if values[position] is not None:
                    pointers.append(
                        {
                            "key": values[key_at],
                            "column": columns[position],
                            "value": values[position],
                        }
                    )
                    values[position] = None
            rows.append(tuple(values))
        bulk_insert(target, table, columns, rows)
        count += len(rows)
    for name in later:
        chosen = [
            {"row_key": p["key"], "row_value": p["value"]} for p in pointers if p["column"] == name
        ]
        if chosen:
            target.execute(
                update(table)
                .where(keys[0] == bindparam("row_key"))
                .values({name: bindparam("row_value")}),
                chosen,
            )
    return count


def _continue_sequences(conn: Connection) -> None:
    """Make each serial id sequence continue after the largest id now in its table."""
    for table in metadata.sorted_tables:
        if "id" not in table.columns or len(table.primary_key.columns) != 1:
            continue
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
        ).scalar()
        if sequence is None:
            continue
        conn.execute(
            text(
                f"SELECT setval(:seq, COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            ),
            {"seq": sequence},
        )
