"""Running the Spark engine: the one function behind ``goodwill spark run`` and the module
entry point that ``spark-submit`` (or ``python -m goodwill.trust.engines.spark``) runs.

Under ``spark-submit`` the master, the executors and their memory come from
``spark-submit``'s own options; elsewhere ``--master`` says where to run (``local[*]``
when nothing does). Either way a session that existed before the run (a notebook's, a
test's) is reused and left running; one the run started is stopped at its end.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from pyspark.sql import SparkSession

from goodwill.errors import AlgorithmInputError, GoodwillError
from goodwill.events import now_us
from goodwill.ledger import open_ledger
from goodwill.trust.engines.spark.job import OWNER_SCOPE, RunSummary, run
from goodwill.trust.engines.spark.readback import LoadedScores, load_scores
from goodwill.trust.engines.spark.session import spark_session
from goodwill.trust.engines.spark.walk import SparkNetworkTrust
from goodwill.trust.policy import load_policy

__all__ = ["RunRequest", "default_output", "execute", "main", "parse_seeds"]

# what a run outside spark-submit uses when no master is named: every core of this machine
LOCAL_MASTER = "local[*]"


@dataclass(frozen=True, slots=True)
class RunRequest:
    """Everything a run needs; ``None`` means the default described on each option."""

    export: str
    output: str | None = None
    master: str | None = None
    into: str | None = None
    at_us: int | None = None
    seeds: list[int] | None = None
    scope: str = OWNER_SCOPE
    policy: str | None = None
    steps: int | None = None
    checkpoint_dir: str | None = None
    shuffle_partitions: int | None = None


def default_output(export: str) -> str:
    """Where a run writes its scores unless told: ``scores`` inside the export's folder."""
    return f"{export.rstrip('/')}/scores"


def parse_seeds(text: str | None) -> list[int] | None:
    """``"12,45"`` as person ids; ``None`` or ``"owner"`` for the owner's seeds.

    >>> parse_seeds("12, 45"), parse_seeds("owner")
    ([12, 45], None)
    """
    if text is None or text.strip().lower() == OWNER_SCOPE:
        return None
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise AlgorithmInputError(
            f"--seeds {text!r}: give person ids separated by commas (the export holds ids, "
            "not names; goodwill people shows them), or 'owner'"
        ) from None


def execute(request: RunRequest) -> tuple[RunSummary, LoadedScores | None]:
    """Run the engine on ``request.export``; load the scores into ``request.into`` if set."""
    policy = load_policy(request.policy)  # a bad policy fails before Spark starts
    output = request.output or default_output(request.export)
    if request.into is not None and "://" in output and not output.startswith("file://"):
        raise AlgorithmInputError(
            f"--into reads the scores back from this machine, and {output} is not on it: "
            "copy the folder here and run goodwill spark load"
        )
    existing = SparkSession.getActiveSession()
    master = request.master
    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:  # not under spark-submit
        master = LOCAL_MASTER
    spark = spark_session(
        master,
        shuffle_partitions=request.shuffle_partitions,
        checkpoint_dir=request.checkpoint_dir,
    )
    try:
        summary = run(
            spark,
            request.export,
            output,
            policy,
            at_us=request.at_us,
            seeds=request.seeds,
            scope=request.scope,
            model=SparkNetworkTrust(steps=request.steps),
        )
    finally:
        if existing is None:
            spark.stop()
    loaded = None
    if request.into is not None:
        with open_ledger(request.into) as ledger, ledger.write() as conn:
            loaded = load_scores(conn, Path(output.removeprefix("file://")), now_us=now_us())
    return summary, loaded


def main(argv: Sequence[str] | None = None) -> int:
    """The ``spark-submit`` entry point: parse the options, run, print a JSON summary."""
    parser = argparse.ArgumentParser(
        prog="goodwill.trust.engines.spark",
        description="goodwill's network trust on Spark, from a goodwill export parquet folder.",
    )
    parser.add_argument("export", help="the export's folder (any Hadoop path)")
    parser.add_argument("--out", help="where to write the scores (default: EXPORT/scores)")
    parser.add_argument("--master", help="Spark master (default: spark-submit's, else local[*])")
    parser.add_argument("--into", help="a store URL to load the scores into")
    parser.add_argument("--at-us", type=int, help="as of this moment, µs (default: the export's)")
    parser.add_argument("--seeds", help="person ids separated by commas (default: the owner's)")
    parser.add_argument("--scope", default=OWNER_SCOPE, help="the scores' scope in the ledger")
    parser.add_argument("--policy", help="a policy TOML file (default: goodwill's)")
    parser.add_argument("--steps", type=int, help="walk steps (default: ceil(log2 people))")
    parser.add_argument("--checkpoint-dir", help="reliable checkpoints here (HDFS, S3...)")
    parser.add_argument("--shuffle-partitions", type=int, help="spark.sql.shuffle.partitions")
    options = parser.parse_args(argv)
    try:
        summary, loaded = execute(
            RunRequest(
                export=options.export,
                output=options.out,
                master=options.master,
                into=options.into,
                at_us=options.at_us,
                seeds=parse_seeds(options.seeds),
                scope=options.scope,
                policy=options.policy,
                steps=options.steps,
                checkpoint_dir=options.checkpoint_dir,
                shuffle_partitions=options.shuffle_partitions,
            )
        )
    except GoodwillError as exc:
        print(f"goodwill: error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({**asdict(summary), "loaded": None if loaded is None else asdict(loaded)}))
    return 0
