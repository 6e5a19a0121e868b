"""Reading a goodwill Parquet export (:mod:`goodwill.export.parquet`) into Spark.

Paths are Hadoop paths (a local folder, ``hdfs://...``, ``s3a://...``), so the manifest is
read through Spark too, not with ``open``. :func:`interactions` keeps exactly the events
:func:`~goodwill.trust.loading.load_events` keeps for the numpy engine: those with a
target, of a kind that is an interaction (not one of the owner's notes), at or before the
as-of moment, with both sides as the people who held the identities when exported.
"""

from __future__ import annotations

from pyspark.errors import AnalysisException
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from goodwill.errors import AlgorithmInputError, SourceError
from goodwill.events import KINDS, NOTE_KINDS, from_time_us
from goodwill.export.parquet import MANIFEST, Manifest

__all__ = ["INTERACTION_KINDS", "count_people", "interactions", "read_manifest", "table_path"]

# the kinds the numpy engine loads (goodwill.trust.loading): every kind but the owner's notes
INTERACTION_KINDS = tuple(sorted(KINDS - NOTE_KINDS))


def table_path(export: str, table: str) -> str:
    """Where one table of an export lives."""
    return f"{export.rstrip('/')}/{table}"


def read_manifest(spark: SparkSession, export: str) -> Manifest:
    """The export's manifest, read through Spark so any Hadoop filesystem works."""
    path = table_path(export, MANIFEST)
    try:
        lines = [row.value for row in spark.read.text(path).collect()]
    except AnalysisException as exc:
        if exc.getCondition() == "PATH_NOT_FOUND":
            raise SourceError(
                "no manifest.json: not a goodwill Parquet export, or one that did not finish "
                "(run goodwill export parquet again into an empty folder)",
                path=export,
            ) from None
        raise
    return Manifest.from_json("\n".join(lines), path)


def interactions(spark: SparkSession, export: str, manifest: Manifest, at_us: int) -> DataFrame:
    """The export's interactions up to ``at_us``: ``event_id``, ``actor``, ``target`` (person
    ids), ``kind``, ``t`` (microseconds) and ``value``."""
    if at_us > manifest.as_of_us:
        held, asked = from_time_us(manifest.as_of_us), from_time_us(at_us)
        raise AlgorithmInputError(
            f"the export holds events up to {held.isoformat()} and trust was asked as of "
            f"{asked.isoformat()}: export again with a later --at, or ask for an earlier moment"
        )
    events = spark.read.parquet(table_path(export, "events"))
    return events.where(
        F.col("target_person").isNotNull()
        & F.col("kind").isin(list(INTERACTION_KINDS))
        & (F.col("occurred_at_us") <= F.lit(at_us))
    ).select(
        F.col("id").alias("event_id"),
        F.col("actor_person").alias("actor"),
        F.col("target_person").alias("target"),
        F.col("kind"),
        F.col("occurred_at_us").alias("t"),
        F.col("value"),
    )


def count_people(events: DataFrame) -> int:
    """How many people take part in ``events`` (as actor or target): the numpy engine's
    ``n_nodes``, which sets the walk's default number of steps."""
    sides: list[Column] = [F.col("actor"), F.col("target")]
    people = events.select(F.explode(F.array(*sides)).alias("person")).distinct()
    return int(people.count())
