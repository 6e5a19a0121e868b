"""Network trust's walk as DataFrame joins: :class:`goodwill.trust.network.NetworkTrust`
over Spark, step for step.

The mass vector is a table ``(node, mass)`` holding only the people the walk has reached;
each matrix product is a join of the edge table on its source and a sum grouped by its
target. One step, with ``C`` the matured row shares, ``W`` the capped warnings and ``p``
the seeds (the formulas are :mod:`goodwill.trust.network`'s)::

    pen      = W^T x                 join warnings on src, sum by dst
    kept     = max(x - pen, 0)       left join on node          -> truncated (cached)
    sums     = sum x, sum kept, sum (1 - C[i]) kept             one small aggregate
    x'       = (1 - r) C^T kept + (coefficient from the sums) p
                                     join shares on src, sum by dst, outer join the seeds
                                                                -> truncated

Each step's tables are materialised and their lineage cut
(:func:`~.session.truncate`), so step 20 costs what step 1 does. The edge tables are
cached once, partitioned by source, so the joins do not reshuffle them every step.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Mapping

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from goodwill.errors import AlgorithmInputError
from goodwill.trust.engines.spark.evidence import ratio
from goodwill.trust.engines.spark.session import fixed_plans, truncate
from goodwill.trust.network import RECEIVED_FLOOR, NetworkTrust

__all__ = ["SparkNetworkTrust", "seed_frame"]

# seeds per literal array in :func:`seed_frame`: keeps each expression small to plan
_SEEDS_PER_LITERAL = 1_000


class SparkNetworkTrust:
    """:class:`~goodwill.trust.network.NetworkTrust` on Spark: the same parameters (checked
    by the same code), the same steps, results as a DataFrame.

    Attributes after :meth:`fit`: ``scores_`` (``node``, ``mass``, ``penalty``, ``score``,
    ``normalized``: NetworkTrust's ``mass_``, ``penalty_``, ``scores_`` and
    ``normalized_``, for every node the walk reached), ``steps_`` and ``step_seconds_``
    (wall time of each step).
    """

    def __init__(
        self,
        steps: int | None = None,
        restart: float = 0.3,
        distrust_weight: float = 1.0,
        reserve: float = 20.0,
    ) -> None:
        self.params = NetworkTrust(steps, restart, distrust_weight, reserve)
        self.scores_: DataFrame | None = None
        self.steps_ = 0
        self.step_seconds_: list[float] = []

    def fit(self, edges: DataFrame, seeds: Mapping[int, float], n_nodes: int) -> SparkNetworkTrust:
        """Walk from ``seeds`` (node to weight, normalised here) over ``edges`` (``src``,
        ``dst``, ``trust``, ``distrust``, ``maturity``: :func:`~.graph.trust_edges`; a
        missing ``distrust`` or ``maturity`` column means none, or all of it).
        ``n_nodes`` sets the default number of steps, ``ceil(log2(n))``."""
        params = self.params
        spark = edges.sparkSession
        steps = (
            params.steps
            if params.steps is not None
            else max(1, math.ceil(math.log2(max(n_nodes, 2))))
        )
        prior = seed_frame(spark, seeds)
        shares, given, received = _shares(edges, params.reserve)
        warnings = _warnings(edges, params.distrust_weight)
        mass = prior.select("node", F.col("p").alias("mass"))
        self.step_seconds_ = []
        try:
            with fixed_plans(spark):
                for _ in range(steps):
                    started = time.perf_counter()
                    mass = self._step(mass, prior, shares, given, warnings)
                    self.step_seconds_.append(time.perf_counter() - started)
                self.scores_ = truncate(_results(mass, warnings, received))
        finally:
            for frame in (shares, given, received, warnings):
                if frame is not None:
                    frame.unpersist()
        self.steps_ = steps
        return self

    def _step(
        self,
        mass: DataFrame,
        prior: DataFrame,
        shares: DataFrame,
        given: DataFrame,
        warnings: DataFrame | None,
    ) -> DataFrame:
        """One step from ``mass`` to the next, materialised (see the module's docstring)."""
        restart = self.params.restart
        kept = truncate(_kept(mass, warnings))
        returned = F.col("kept") * (F.lit(1.0) - F.coalesce(F.col("given"), F.lit(0.0)))
        total = (
            kept.join(given, "node", "left")
            .agg(F.sum("mass").alias("mass"), F.sum("kept").alias("kept"),
                 F.sum(returned).alias("returned"))
            .first()
        )  # fmt: skip
        if total is None:  # an aggregate without grouping always has its one row
            raise AlgorithmInputError("Spark returned no total for a walk step")
        mass_sum, kept_sum = float(total["mass"] or 0.0), float(total["kept"] or 0.0)
        taken = mass_sum - kept_sum
        coefficient = (1.0 - restart) * float(total["returned"] or 0.0) + restart * kept_sum
        walked = (
            shares.join(kept.select(F.col("node").alias("src"), "kept"), "src")
            .groupBy(F.col("dst").alias("node"))
            .agg(F.sum(F.col("share") * F.col("kept")).alias("walked"))
        )
        return truncate(
            walked.join(prior, "node", "full_outer").select(
                "node",
                (
                    F.lit(1.0 - restart) * F.coalesce(F.col("walked"), F.lit(0.0))
                    + F.lit(coefficient + taken) * F.coalesce(F.col("p"), F.lit(0.0))
                ).alias("mass"),
            )
        )

    def results(self) -> DataFrame:
        """``scores_``, or an error if :meth:`fit` has not run."""
        if self.scores_ is None:
            raise AlgorithmInputError("SparkNetworkTrust has no results before fit()")
        return self.scores_


def seed_frame(spark: SparkSession, seeds: Mapping[int, float]) -> DataFrame:
    """Seeds as a table ``(node, p)`` with weights summing to 1, checked as
    :func:`goodwill.trust.network.seed_vector` checks them.

    Built from SQL literals, not ``createDataFrame``: a Python list becomes a table through
    Python workers on the executors, and this engine runs none (``docs/spark.md``)."""
    weights = {int(node): float(weight) for node, weight in seeds.items()}
    if any(not math.isfinite(w) or w < 0 for w in weights.values()):
        raise AlgorithmInputError("seed weights must be finite and >= 0")
    total = sum(weights.values())
    if total <= 0:
        raise AlgorithmInputError("no seed has a positive weight: trust has nowhere to start")
    rows = [
        F.struct(F.lit(node).cast("long").alias("node"), F.lit(weight / total).alias("p"))
        for node, weight in sorted(weights.items())
    ]
    parts = [
        spark.range(1).select(F.inline(F.array(*rows[start : start + _SEEDS_PER_LITERAL])))
        for start in range(0, len(rows), _SEEDS_PER_LITERAL)
    ]
    return functools.reduce(DataFrame.unionAll, parts)


def _shares(edges: DataFrame, reserve: float) -> tuple[DataFrame, DataFrame, DataFrame]:
    """The matured row shares ``C`` (``src``, ``dst``, ``share``), what each row gives away
    (``node``, ``given``) and what each node receives (``node``, ``received``), cached."""
    trusting = edges.where(F.col("trust") > 0)
    maturity = F.col("maturity") if "maturity" in edges.columns else F.lit(1.0)
    rows = trusting.groupBy("src").agg(F.sum("trust").alias("out"))
    inverse = ratio(F.lit(1.0), F.col("out") + F.lit(reserve))
    shares = (
        trusting.join(rows, "src")
        .select("src", "dst", (F.col("trust") * inverse * maturity).alias("share"))
        .where(F.col("share") > 0)
        .repartition("src")
        .cache()
    )
    given = shares.groupBy(F.col("src").alias("node")).agg(F.sum("share").alias("given")).cache()
    received = (
        trusting.groupBy(F.col("dst").alias("node")).agg(F.sum("trust").alias("received")).cache()
    )
    return shares, given, received


def _warnings(edges: DataFrame, weight: float) -> DataFrame | None:
    """``w W`` (``src``, ``dst``, ``warning``): each distruster's warnings, capped to one
    full distrust in all, cached; ``None`` when distrust does not count."""
    if weight <= 0 or "distrust" not in edges.columns:
        return None
    warning = edges.where(F.col("distrust") > 0)
    rows = warning.groupBy("src").agg(F.sum("distrust").alias("out"))
    capped = F.col("distrust") * (F.lit(1.0) / F.greatest(F.col("out"), F.lit(1.0)))
    return (
        warning.join(rows, "src")
        .select("src", "dst", (F.lit(weight) * capped).alias("warning"))
        .repartition("src")
        .cache()
    )


def _results(mass: DataFrame, warnings: DataFrame | None, received: DataFrame) -> DataFrame:
    """``(node, mass, penalty, score, normalized)`` after the last step: the last step's
    warnings taken once more, and the score per unit of trust received."""
    score = F.greatest(F.col("mass") - F.col("pen"), F.lit(0.0))
    floor = F.greatest(F.coalesce(F.col("received"), F.lit(0.0)), F.lit(RECEIVED_FLOOR))
    return (
        _kept(mass, warnings)
        .join(received, "node", "left")
        .select(
            "node",
            "mass",
            F.col("pen").alias("penalty"),
            score.alias("score"),
            (score / floor).alias("normalized"),
        )
    )


def _kept(mass: DataFrame, warnings: DataFrame | None) -> DataFrame:
    """``(node, mass, pen, kept)``: what the warnings take from each node, and what it may
    pass on after them."""
    if warnings is None:
        return mass.select("node", "mass", F.lit(0.0).alias("pen"), F.col("mass").alias("kept"))
    pen = (
        warnings.join(mass.select(F.col("node").alias("src"), "mass"), "src")
        .groupBy(F.col("dst").alias("node"))
        .agg(F.sum(F.col("warning") * F.col("mass")).alias("pen"))
    )
    pen_value = F.coalesce(F.col("pen"), F.lit(0.0))
    return mass.join(pen, "node", "left").select(
        "node",
        "mass",
        pen_value.alias("pen"),
        F.greatest(F.col("mass") - pen_value, F.lit(0.0)).alias("kept"),
    )
