"""Scale commands: ``goodwill export parquet``, ``goodwill spark run`` and ``spark load``.

Spark is imported only when ``spark run`` runs, so every other command starts as fast as
before and works where pyspark is not installed.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from goodwill.cli.app import app, err, open_store, out
from goodwill.cli.export_commands import export_app
from goodwill.cli.trust_commands import AtOption, JsonFlag, PolicyOption
from goodwill.errors import GoodwillError
from goodwill.events import from_time_us, now_us
from goodwill.export.parquet import export_parquet
from goodwill.trust.report import parse_moment

spark_app = typer.Typer(
    help="Network trust on Apache Spark, from a goodwill export parquet folder (docs/spark.md).",
    no_args_is_help=True,
)
app.add_typer(spark_app, name="spark")


@export_app.command("parquet")
def parquet(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="A new (or empty) folder to write into.")],
    at: AtOption = None,
) -> None:
    """Write the ledger's events, identities and people as Parquet, with a manifest.

    What the Spark engine reads (goodwill spark run); no texts, display names or notes."""
    moment = parse_moment(at)
    with open_store(ctx).read() as conn:
        manifest = export_parquet(conn, folder, at_us=moment, now_us=now_us())
    counts = manifest.counts
    out.print(
        f"exported {counts['events']:,} events, {counts['identities']:,} identities and "
        f"{counts['people']:,} people as of {from_time_us(moment).isoformat()[:16]} to {folder}",
        highlight=False,
    )


@spark_app.command("run")
def spark_run(
    export: Annotated[str, typer.Argument(help="The export's folder (any Hadoop path).")],
    master: Annotated[
        str, typer.Option("--master", help="Where Spark runs: local[N], spark://..., yarn...")
    ] = "local[2]",
    into: Annotated[
        str | None,
        typer.Option("--into", help="A store URL to load the scores into."),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("--out", help="Where the scores go (replaced). Default: EXPORT/scores."),
    ] = None,
    seeds: Annotated[
        str,
        typer.Option("--seeds", help="'owner' (the export's owner and whom she trusts) or ids."),
    ] = "owner",
    scope: Annotated[
        str,
        typer.Option("--scope", help="The scores' scope in the store (goodwill scores --scope)."),
    ] = "owner",
    steps: Annotated[
        int | None, typer.Option("--steps", help="Walk steps. Default: ceil(log2 people).")
    ] = None,
    checkpoint_dir: Annotated[
        str | None,
        typer.Option("--checkpoint-dir", help="Reliable checkpoints (a cluster's HDFS or S3)."),
    ] = None,
    at: AtOption = None,
    policy: PolicyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Evidence, trust graph and network trust as Spark jobs over a Parquet export."""
    try:
        from goodwill.trust.engines.spark.entry import RunRequest, execute, parse_seeds
    except ImportError as exc:
        raise GoodwillError(
            f"the Spark engine needs pyspark ({exc}): pip install 'goodwill[spark]'"
        ) from None
    summary, loaded = execute(
        RunRequest(
            export=export,
            output=output,
            master=master,
            into=into,
            at_us=None if at is None else parse_moment(at),
            seeds=parse_seeds(seeds),
            scope=scope,
            policy=policy,
            steps=steps,
            checkpoint_dir=checkpoint_dir,
        )
    )
    if as_json:
        payload = {**asdict(summary), "loaded": None if loaded is None else asdict(loaded)}
        out.print_json(json.dumps(payload))
        return
    per_step = sum(summary.step_s) / max(len(summary.step_s), 1)
    out.print(
        f"network trust for {summary.people:,} people over {summary.edges:,} edges: "
        f"{summary.scored:,} reached in {summary.steps} steps; evidence and graph "
        f"{summary.evidence_s:.1f} s, walk {summary.walk_s:.1f} s ({per_step:.2f} s per step); "
        f"scores in {summary.output}",
        highlight=False,
    )
    if loaded is not None:
        err.print(f"loaded {loaded.rows:,} scores into {into} (scope {loaded.scope!r})")


@spark_app.command("load")
def spark_load(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="The scores folder a run wrote.")],
) -> None:
    """Put a run's scores (from a cluster, copied here) into this store's network scores."""
    from goodwill.trust.engines.spark.readback import load_scores

    with open_store(ctx).write() as conn:
        loaded = load_scores(conn, folder, now_us=now_us())
    out.print(
        f"loaded {loaded.rows:,} scores (scope {loaded.scope!r}, as of "
        f"{from_time_us(loaded.at_us).isoformat()[:16]})",
        highlight=False,
    )


@app.command("refresh")
def refresh_command(
    ctx: typer.Context,
    at: AtOption = None,
    policy: PolicyOption = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Rebuild the trust state from every event.")
    ] = False,
    state: Annotated[
        Path | None,
        typer.Option("--state", help="Where the trust state lives. Default: beside the store."),
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="Propagation engine: auto, reference, numba...")
    ] = "auto",
    warm: Annotated[
        bool,
        typer.Option(
            "--warm",
            help="Walk network trust to its fixed point from the last refresh's scores "
            "(fewer steps) instead of a fixed number of steps from the seeds.",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Absorb the events added since the last refresh and recompute the owner's network
    trust into the store (docs/trust.md, "Refreshing at scale")."""
    from goodwill.trust.policy import load_policy
    from goodwill.trust.refresh import refresh
    from goodwill.trust.state_files import keeps_state, state_location

    ledger = open_store(ctx)
    encrypted = not keeps_state(state_location(ledger.url))
    if encrypted and state is not None:
        raise GoodwillError(
            "the store is encrypted, so no trust state is kept beside it (its files would be "
            "plaintext): drop --state"
        )
    report = refresh(
        ledger, load_policy(policy), at_us=parse_moment(at), rebuild=rebuild,
        engine=engine, location=state, warm=warm,
    )  # fmt: skip
    if as_json:
        out.print_json(json.dumps(asdict(report)))
        return
    how = {"incremental": "absorbed", "built": "built from", "recomputed": "recomputed with"}
    why = f" ({report.reason})" if report.reason else ""
    reached = (
        f"network trust reached {report.reached:,}"
        if report.engine
        else "no network trust (the owner has no interactions yet: goodwill owner HANDLE...)"
    )
    out.print(
        f"{how[report.mode]} {report.absorbed:,} interactions in {report.windows:,} windows"
        f"{why}: {report.pairs:,} pairs among {report.people:,} people; {reached}; as of "
        f"{from_time_us(report.at_us).isoformat()[:16]}, {report.seconds['total']:.2f} s",
        highlight=False,
    )
    if report.pending:
        err.print(f"{report.pending:,} interactions dated later wait for a later refresh")
    if encrypted:
        err.print(
            "the store is encrypted: no trust state is kept beside it (it would be "
            "plaintext), so every refresh recomputes from the whole ledger",
            highlight=False,
        )
