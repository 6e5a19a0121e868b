"""Starting Spark for goodwill, and keeping an iterative job's plan from growing.

A walk of ``k`` steps written naively as DataFrame operations builds a plan ``k`` joins
deep: Spark re-plans (and on a failure recomputes) everything from the first step, so each
step costs more than the last. :func:`truncate` materialises a step's result and cuts the
lineage there: a reliable checkpoint when the session has a checkpoint folder (on a
cluster, one on HDFS or object storage survives losing an executor), otherwise a local
checkpoint kept in the executors' memory (enough in local mode, and faster).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession

from goodwill.errors import GoodwillError

__all__ = ["fixed_plans", "java_missing", "spark_session", "truncate"]

# Shuffle partitions for local mode: Spark's default of 200 is meant for clusters and makes
# every small join on a laptop pay for 200 tasks.
LOCAL_SHUFFLE_PARTITIONS = 4


def java_missing() -> str | None:
    """Why Spark cannot start here (no Java runtime), or ``None`` when it can."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and os.access(Path(java_home) / "bin" / "java", os.X_OK):
        return None
    if shutil.which("java"):
        return None
    return (
        "Spark needs a Java runtime (17 or newer) and none was found: install Debian's "
        "openjdk-17-jre-headless (scripts/install-system-deps does it) or set JAVA_HOME"
    )


def spark_session(
    master: str | None = None,
    *,
    app_name: str = "goodwill",
    shuffle_partitions: int | None = None,
    checkpoint_dir: str | None = None,
) -> SparkSession:
    """A Spark session for goodwill's jobs (an existing one is reused, as Spark does).

    ``master`` ``None`` leaves the choice to ``spark-submit`` (or Spark's configuration);
    a ``local`` master gets :data:`LOCAL_SHUFFLE_PARTITIONS` unless told otherwise. The
    web UI and the console progress bars are off (a job run from the command line has
    nobody watching a UI, and its notes go to stderr), and Spark logs only errors.
    """
    reason = java_missing()
    if reason is not None:
        raise GoodwillError(reason)
    builder = (
        SparkSession.builder.appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")  # progress bars would garble stderr
    )
    if master is not None:
        builder = builder.master(master)
    if shuffle_partitions is None and master is not None and master.startswith("local"):
        shuffle_partitions = LOCAL_SHUFFLE_PARTITIONS
    if shuffle_partitions is not None:
        builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    if shuffle_partitions is not None:  # a reused session takes the setting too
        spark.conf.set("spark.sql.shuffle.partitions", str(shuffle_partitions))
    if checkpoint_dir is not None:
        spark.sparkContext.setCheckpointDir(checkpoint_dir)
    return spark


def truncate(frame: DataFrame) -> DataFrame:
    """``frame`` computed now, with its lineage cut (see the module's docstring)."""
    if frame.sparkSession.sparkContext.getCheckpointDir() is not None:
        return frame.checkpoint(eager=True)
    return frame.localCheckpoint(eager=True)


@contextmanager
def fixed_plans(spark: SparkSession) -> Iterator[None]:
    """Adaptive query execution off for the block, then as it was.

    AQE re-plans a query after each shuffle, one job per stage: worth it for a skewed
    join it can split, wasted on a walk step's small fixed-shape joins over tables cached
    once. A step ran about a third faster without it in local mode (Bitcoin OTC, five
    steps, measured on a loaded machine: 3.9-6.1 s against 6.9-9.4 s per step).
    """
    key = "spark.sql.adaptive.enabled"
    before = spark.conf.get(key)
    spark.conf.set(key, "false")
    try:
        yield
    finally:
        spark.conf.set(key, before or "true")
