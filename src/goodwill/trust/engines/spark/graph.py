"""Who vouches for whom, as DataFrame jobs: :mod:`goodwill.trust.network_graph` over Spark.

From the evidence rows (:func:`~.evidence.evidence_rows`) to one edge table with the three
matrices' entries side by side (``src``, ``dst``, ``trust``, ``distrust``, ``maturity``):
each act is thinned by how many people its actor addressed that week (``min(1, K / b)``),
an answer counts in proportion to how personal and lasting what it answers was, and the
pair's net leaning splits into a vouch or a warning, exactly as the numpy module documents.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from goodwill.trust.engines.spark.evidence import US_PER_DAY, ratio
from goodwill.trust.network_graph import MATURITY_DAYS, PERSONAL_LIMIT

__all__ = ["investment", "trust_edges"]


def investment(rows: DataFrame, personal_limit: float = PERSONAL_LIMIT) -> DataFrame:
    """What each person did for and said about each other: ``actor``, ``target``,
    ``weighed`` (v, answers scaled), ``answer`` and ``since_us`` (the first positive act);
    only pairs with ``weighed`` > 0, as :func:`goodwill.trust.network_graph.investment`."""
    c = F.col("contribution")
    breadth = (
        rows.where(c > 0)
        .select("actor", "window", "target")
        .distinct()
        .groupBy("actor", "window")
        .agg(F.count(F.lit(1)).alias("breadth"))
    )
    personal = F.least(
        F.lit(1.0), F.lit(float(personal_limit)) / F.coalesce(F.col("breadth"), F.lit(1))
    )
    acts = (
        rows.join(breadth, ["actor", "window"], "left")
        .withColumn("personal", personal)
        .groupBy("actor", "target")
        .agg(
            F.sum(F.greatest(c, F.lit(0.0)) * F.col("personal")).alias("weighed"),
            F.sum(F.when(c > 0, c * F.col("personal")).otherwise(c)).alias("signed"),
            F.sum(F.abs(c)).alias("sizes"),
            F.min(F.when(c > 0, F.col("t"))).alias("since_us"),
        )
        .withColumn(
            "lasting",
            F.least(F.greatest(ratio(F.col("signed"), F.col("sizes")), F.lit(0.0)), F.lit(1.0)),
        )
    )
    reverse = acts.select(
        F.col("target").alias("actor"), F.col("actor").alias("target"), "lasting"
    ).withColumnRenamed("lasting", "their_lasting")
    answer = F.coalesce(F.col("their_lasting"), F.lit(1.0))
    return (
        acts.join(reverse, ["actor", "target"], "left")
        .where(F.col("weighed") > 0)
        .select(
            "actor",
            "target",
            (F.col("weighed") * answer).alias("weighed"),
            answer.alias("answer"),
            "since_us",
        )
    )


def trust_edges(
    pairs: DataFrame,
    invested: DataFrame,
    *,
    prior_weight: float,
    at_us: int,
    maturity_days: float = MATURITY_DAYS,
) -> DataFrame:
    """The trust graph as one edge table: ``src``, ``dst``, ``trust``, ``distrust`` and
    ``maturity``, from :func:`~.evidence.pair_evidence` and :func:`investment`; an edge
    appears where it vouches or warns (as the numpy matrices keep only positive entries)."""
    against = pairs.select(F.col("truster").alias("src"), F.col("trustee").alias("dst"), "negative")
    vouched = invested.select(
        F.col("actor").alias("src"), F.col("target").alias("dst"), "weighed", "since_us"
    )
    v = F.coalesce(F.col("weighed"), F.lit(0.0))
    s = F.coalesce(F.col("negative"), F.lit(0.0))
    total = v + s + F.lit(prior_weight)
    trust = F.greatest(v - s, F.lit(0.0)) / total
    span_us = maturity_days * US_PER_DAY
    age = F.coalesce(F.lit(at_us) - F.col("since_us"), F.lit(0)).cast("double")
    matured = (
        F.least(F.greatest(age / F.lit(span_us), F.lit(0.0)), F.lit(1.0))
        if span_us > 0
        else F.lit(1.0)
    )
    return (
        against.join(vouched, ["src", "dst"], "full_outer")
        .select(
            "src",
            "dst",
            trust.alias("trust"),
            (F.greatest(s - v, F.lit(0.0)) / total).alias("distrust"),
            F.when(trust > 0, matured).otherwise(F.lit(0.0)).alias("maturity"),
        )
        .where((F.col("trust") > 0) | (F.col("distrust") > 0))
    )
