"""The ledger as Parquet files: what the Spark engine (or any dataframe tool) reads.

A cluster cannot read a SQLite file on someone's laptop, and a PostgreSQL server should not
serve hundreds of millions of rows to a hundred executors at once. So goodwill writes what
trust needs, once, as columnar files any Hadoop-compatible filesystem can hold::

    DIR/
      manifest.json            written last: its presence means the export is whole
      events/part-00000.parquet
      identities/part-00000.parquet
      people/part-00000.parquet

Each table is a folder, so Spark, DuckDB or pyarrow read it as one dataset, and a later
version may split it into several parts. ``events`` carries, besides the identity ids, the
person who holds each identity *now* (``actor_person``, ``target_person``): the same
mapping :func:`~goodwill.trust.loading.load_events` makes, fixed at export time, so the
engine needs no join against identities. What trust does not need stays in the ledger:
no texts, no display names, no profile attributes, and none of the owner's own notes.

Rows are streamed from the store in batches of :data:`BATCH_ROWS` (``yield_per``), each
written as one Parquet row group: memory stays flat however large the ledger is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no stubs
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from sqlalchemy import Connection, Select, select
from sqlalchemy.orm import aliased

from goodwill.errors import GoodwillError, SourceError
from goodwill.events import NOTE_KINDS, from_time_us
from goodwill.ledger.people import owner_person
from goodwill.ledger.schema import events, identities, people

__all__ = [
    "BATCH_ROWS",
    "EVENTS_SCHEMA",
    "FORMAT",
    "IDENTITIES_SCHEMA",
    "MANIFEST",
    "PEOPLE_SCHEMA",
    "SCHEMA_VERSION",
    "Manifest",
    "TableWriter",
    "export_parquet",
    "read_manifest",
    "write_manifest",
]

FORMAT = "goodwill-parquet"
# Raised whenever a column is added, renamed or changes meaning; readers refuse other versions.
SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
# Rows per batch read from the store and per Parquet row group: large enough for Parquet's
# compression and Spark's scans, small enough to keep the exporter's memory flat.
BATCH_ROWS = 100_000
PART = "part-00000.parquet"

EVENTS_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("source", pa.string()),
        ("kind", pa.string()),
        ("occurred_at_us", pa.int64()),
        ("actor_id", pa.int64()),
        ("actor_person", pa.int64()),
        ("target_id", pa.int64()),  # null: an event without a target (a post)
        ("target_person", pa.int64()),
        ("value", pa.float64()),  # null: the event has no value (only ratings have one)
    ]
)
IDENTITIES_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("network", pa.string()),
        ("account", pa.string()),
        ("person_id", pa.int64()),
    ]
)
PEOPLE_SCHEMA = pa.schema(
    [("id", pa.int64()), ("merged_into", pa.int64()), ("created_at_us", pa.int64())]
)


@dataclass(frozen=True, slots=True)
class Manifest:
    """What an export holds: events up to ``as_of_us``, the owner (whose seeds start the
    walk), and how many rows each table has."""

    as_of_us: int
    exported_at_us: int
    owner_person_id: int | None
    counts: dict[str, int] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    def to_json(self) -> str:
        """The manifest as the JSON text written to ``manifest.json``."""
        payload: dict[str, Any] = {"format": FORMAT, **asdict(self)}
        payload["as_of"] = from_time_us(self.as_of_us).isoformat()
        return json.dumps(payload, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str) -> Manifest:
        """Parse a manifest, refusing anything that is not a goodwill export of this version.

        >>> Manifest.from_json(Manifest(5, 6, None, {"events": 1}).to_json(), "m").counts
        {'events': 1}
        """
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceError(f"not JSON ({exc.msg} at line {exc.lineno})", path=where) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise SourceError(f"not a goodwill Parquet export (no format {FORMAT!r})", path=where)
        if data.get("schema_version") != SCHEMA_VERSION:
            raise SourceError(
                f"schema version {data.get('schema_version')!r}; this goodwill reads version "
                f"{SCHEMA_VERSION}: export again with this goodwill (goodwill export parquet)",
                path=where,
            )
        try:
            owner = data["owner_person_id"]
            return cls(
                as_of_us=int(data["as_of_us"]),
                exported_at_us=int(data["exported_at_us"]),
                owner_person_id=None if owner is None else int(owner),
                counts={str(k): int(v) for k, v in data["counts"].items()},
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SourceError(f"manifest field missing or malformed: {exc}", path=where) from None


class TableWriter:
    """Writes record batches of one table to ``DIR/<name>/part-00000.parquet``, one row
    group per batch, and counts the rows. Use as a context manager."""

    def __init__(self, directory: Path, name: str, schema: pa.Schema) -> None:
        self.path = directory / name / PART
        self.schema = schema
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None

    def __enter__(self) -> TableWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        return self

    def write_columns(self, columns: Sequence[Sequence[Any]]) -> None:
        """Append one batch given as columns (Python sequences or numpy arrays; ``None``
        or NaN for a null), in the schema's order."""
        arrays = [  # from_pandas: a NaN in a numpy column is a null, as in the store
            pa.array(column, type=f.type, from_pandas=True)
            for column, f in zip(columns, self.schema, strict=True)
        ]
        batch = pa.RecordBatch.from_arrays(arrays, schema=self.schema)
        if self._writer is None:
            raise GoodwillError(f"{self.path}: write_columns outside the writer's with block")
        self._writer.write_batch(batch)
        self.rows += batch.num_rows

    def __exit__(self, *exc: object) -> None:
        if self._writer is not None:
            self._writer.close()


def export_parquet(conn: Connection, directory: Path, *, at_us: int, now_us: int) -> Manifest:
    """Write the store's events up to ``at_us``, its identities and its people to
    ``directory`` (new or empty), then the manifest; returns the manifest."""
    _prepare(directory)
    counts = {
        "events": _stream(conn, _events_query(at_us), directory, "events", EVENTS_SCHEMA),
        "identities": _stream(
            conn,
            select(identities.c.id, identities.c.network, identities.c.account,
                   identities.c.person_id).order_by(identities.c.id),
            directory, "identities", IDENTITIES_SCHEMA,
        ),
        "people": _stream(
            conn,
            select(people.c.id, people.c.merged_into, people.c.created_at).order_by(people.c.id),
            directory, "people", PEOPLE_SCHEMA,
        ),
    }  # fmt: skip
    manifest = Manifest(at_us, now_us, owner_person(conn), counts)
    write_manifest(directory, manifest)
    return manifest


def write_manifest(directory: Path, manifest: Manifest) -> None:
    """Write ``manifest.json`` whole or not at all: the last step of an export."""
    part = directory / (MANIFEST + ".part")
    part.write_text(manifest.to_json(), encoding="utf-8")
    part.replace(directory / MANIFEST)


def read_manifest(directory: Path) -> Manifest:
    """The manifest of an export on this machine, or an error saying why it is not one."""
    path = directory / MANIFEST
    if not path.is_file():
        raise SourceError(
            "no manifest.json: not a goodwill Parquet export, or one that did not finish "
            "(run goodwill export parquet again into an empty folder)",
            path=directory,
        )
    return Manifest.from_json(path.read_text(encoding="utf-8"), str(path))


def _events_query(at_us: int) -> Select[Any]:
    actor = aliased(identities)
    target = aliased(identities)
    return (
        select(
            events.c.id, events.c.source, events.c.kind, events.c.occurred_at,
            events.c.actor_id, actor.c.person_id, events.c.target_id, target.c.person_id,
            events.c.value,
        )
        .join(actor, actor.c.id == events.c.actor_id)
        .outerjoin(target, target.c.id == events.c.target_id)
        .where(events.c.kind.not_in(sorted(NOTE_KINDS)), events.c.occurred_at <= at_us)
        .order_by(events.c.id)
    )  # fmt: skip


def _stream(
    conn: Connection, query: Select[Any], directory: Path, name: str, schema: pa.Schema
) -> int:
    with TableWriter(directory, name, schema) as writer:
        for batch in _batches(conn, query):
            writer.write_columns(batch)
    return writer.rows


def _batches(conn: Connection, query: Select[Any]) -> Iterator[list[tuple[Any, ...]]]:
    """The query's rows as columns, :data:`BATCH_ROWS` rows at a time."""
    result = conn.execution_options(yield_per=BATCH_ROWS).execute(query)
    for rows in result.partitions(BATCH_ROWS):
        yield list(zip(*rows, strict=True))


def _prepare(directory: Path) -> None:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise GoodwillError(
            f"{directory}: exists and is not an empty folder; export into a new folder "
            "(an export is never written over another)"
        )
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GoodwillError(f"{directory}: cannot create the folder: {exc.strerror}") from exc
