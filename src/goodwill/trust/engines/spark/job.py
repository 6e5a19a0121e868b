"""One Spark run: a Parquet export in, network trust out as Parquet.

::

    export/events ──> interactions ──> evidence rows ──┬──> pair evidence (r, s) ──┐
                      (as of a moment)  (decay, windows, └──> investment (v) ───────┴──> trust edges
                                         exchange)                                        │
    manifest (owner) ──────────────────────────────────> seeds ──> walk steps ──> OUT/ scores

The scores table (``person_id``, ``mass``, ``score``, ``normalized``, ``penalty``,
``scope``, ``at_us``) holds everyone the walk reached and describes itself, so
:func:`~.readback.load_scores` needs nothing else to put it in a ledger.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from goodwill.errors import AlgorithmInputError, NotFoundError
from goodwill.export.parquet import Manifest
from goodwill.trust.engines.spark.evidence import evidence_rows, pair_evidence
from goodwill.trust.engines.spark.graph import investment, trust_edges
from goodwill.trust.engines.spark.inputs import count_people, interactions, read_manifest
from goodwill.trust.engines.spark.walk import SparkNetworkTrust
from goodwill.trust.network_report import OWNER_SEED_SHARE
from goodwill.trust.policy import Policy

__all__ = [
    "OWNER_SCOPE",
    "RunSummary",
    "TrustFrames",
    "owner_seeds",
    "release",
    "run",
    "trust_frames",
]

# The scope of the owner's personalized trust among the ledger's stored network scores.
OWNER_SCOPE = "owner"


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What a run did and how long it took (wall-clock seconds)."""

    scope: str
    at_us: int
    people: int
    edges: int
    scored: int
    steps: int
    output: str
    evidence_s: float
    walk_s: float
    step_s: list[float]


@dataclass(frozen=True, slots=True)
class TrustFrames:
    """The intermediate tables of a run: interactions, evidence rows, pair evidence and
    trust edges, and how many people take part."""

    events: DataFrame
    rows: DataFrame
    pairs: DataFrame
    edges: DataFrame
    people: int


def trust_frames(
    spark: SparkSession, export: str, manifest: Manifest, policy: Policy, at_us: int
) -> TrustFrames:
    """Evidence and the trust graph as of ``at_us`` from an export; the interactions, the
    rows and the edges are cached, as each is read more than once (:func:`release` frees
    them)."""
    events = interactions(spark, export, manifest, at_us).cache()
    people = count_people(events)
    rows = evidence_rows(events, policy, at_us).cache()
    pairs = pair_evidence(rows)
    edges = trust_edges(
        pairs, investment(rows), prior_weight=policy.prior_weight, at_us=at_us
    ).cache()
    return TrustFrames(events=events, rows=rows, pairs=pairs, edges=edges, people=people)


def release(frames: TrustFrames) -> None:
    """Free what :func:`trust_frames` cached."""
    for frame in (frames.events, frames.rows, frames.edges):
        frame.unpersist()


def owner_seeds(edges: DataFrame, owner: int) -> dict[int, float]:
    """The owner holds :data:`~goodwill.trust.network_report.OWNER_SEED_SHARE` of the seed
    mass and whom she vouches for share the rest by how much (``NetworkView.owner_seeds``)."""
    vouched = edges.where((F.col("src") == owner) & (F.col("trust") > 0)).select("dst", "trust")
    contacts = {int(row["dst"]): float(row["trust"]) for row in vouched.collect()}
    total = sum(contacts.values())
    seeds = {owner: OWNER_SEED_SHARE}
    for contact, trust in contacts.items():
        seeds[contact] = (1.0 - OWNER_SEED_SHARE) * trust / total
    return seeds


def run(
    spark: SparkSession,
    export: str,
    output: str,
    policy: Policy,
    *,
    at_us: int | None = None,
    seeds: Sequence[int] | None = None,
    scope: str = OWNER_SCOPE,
    model: SparkNetworkTrust | None = None,
) -> RunSummary:
    """Network trust from the export at ``export``, written to ``output`` (replaced).

    ``seeds`` (person ids, equal weights) or, by default, the owner's seeds as
    ``goodwill network`` uses them; ``at_us`` defaults to the export's as-of moment.
    """
    started = time.perf_counter()
    manifest = read_manifest(spark, export)
    moment = manifest.as_of_us if at_us is None else at_us
    frames = trust_frames(spark, export, manifest, policy, moment)
    try:
        edge_count = frames.edges.count()
        evidence_s = time.perf_counter() - started
        weights = _seeds(frames, manifest, seeds)
        walker = (model or SparkNetworkTrust()).fit(frames.edges, weights, frames.people)
        scores = walker.results().where(F.col("mass") > 0).select(
            F.col("node").alias("person_id"), "mass", "score", "normalized", "penalty",
            F.lit(scope).alias("scope"), F.lit(moment).alias("at_us"),
        )  # fmt: skip
        scores.write.mode("overwrite").parquet(output)
        scored = spark.read.parquet(output).count()
    finally:
        release(frames)
    return RunSummary(
        scope=scope,
        at_us=moment,
        people=frames.people,
        edges=edge_count,
        scored=scored,
        steps=walker.steps_,
        output=output,
        evidence_s=evidence_s,
        walk_s=time.perf_counter() - started - evidence_s,
        step_s=walker.step_seconds_,
    )


def _seeds(
    frames: TrustFrames, manifest: Manifest, seeds: Sequence[int] | None
) -> dict[int, float]:
    """The walk's seeds, each checked to have interactions (as ``PersonIndex.index`` does)."""
    if seeds is None:
        if manifest.owner_person_id is None:
            raise AlgorithmInputError(
                "the export has no owner, so there are no owner's seeds: record yours "
                "(goodwill owner HANDLE...) and export again, or name the seeds (--seeds)"
            )
        chosen = {manifest.owner_person_id: 1.0}
    else:
        chosen = {int(person): 1.0 for person in seeds}
    if not chosen:
        raise AlgorithmInputError("name at least one seed, or use the owner's")
    present = _present(frames.events, list(chosen))
    for person in chosen:
        if person not in present:
            raise NotFoundError(
                f"person {person} has no interactions with anyone in the export, so trust "
                "cannot start from them; choose other seeds"
            )
    if seeds is None:
        return owner_seeds(frames.edges, next(iter(chosen)))
    return chosen


def _present(events: DataFrame, people: list[int]) -> set[int]:
    """Which of ``people`` take part in any interaction (as either side)."""
    sides = events.select(F.explode(F.array("actor", "target")).alias("person"))
    found = sides.where(F.col("person").isin(people)).distinct().collect()
    return {int(row["person"]) for row in found}
