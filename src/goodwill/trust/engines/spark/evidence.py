"""From events to evidence as DataFrame jobs: :mod:`goodwill.trust.evidence` over Spark.

The same four steps, with the same numbers read from the same :class:`~goodwill.trust.policy.Policy`:
each interaction gives an *earned* and a *stated* row (``weight`` = the kind's ``earns`` or
``states`` times the value factor), each row is **decayed** by its age (kinds marked
lasting do not decay) and **weighted** by the negative factor if it is negative, then
**saturated** in its (truster, trustee, sign, week) window and **boosted** when its week
was an exchange. Where numpy sorts and takes segment sums, Spark uses window functions:
one over each unordered pair's week (did both sides act positively toward the other?)
and, inside it, one over the saturation window, which Spark computes without a second
shuffle because its partition keys extend the first's.

The rule table becomes map literals (``kind -> weight``), so the executors need nothing
of goodwill's code: no Python runs on them.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from goodwill.trust.engines.spark.inputs import INTERACTION_KINDS
from goodwill.trust.evidence import EARNED, STATED
from goodwill.trust.policy import Policy

__all__ = ["US_PER_DAY", "evidence_rows", "pair_evidence", "ratio", "saturated"]

US_PER_DAY = 86_400 * 1_000_000


def ratio(numerator: Column, denominator: Column) -> Column:
    """``numerator / denominator`` where the denominator is positive, else 0 (never a
    division by zero, which Spark's ANSI mode treats as an error)."""
    return F.when(denominator > 0, numerator / denominator).otherwise(F.lit(0.0))


def saturated(total: Column, strongest: Column, ceiling: float) -> Column:
    """:func:`goodwill.trust.evidence.saturate` as a column expression."""
    share = ratio(total, strongest)
    head = ceiling - 1.0
    if head <= 0:
        return strongest * F.least(share, F.lit(1.0))
    tail = F.lit(1.0) + F.lit(head) * -F.expm1(-(share - F.lit(1.0)) / F.lit(head))
    return strongest * F.when(share <= 1.0, share).otherwise(tail)


def evidence_rows(events: DataFrame, policy: Policy, at_us: int) -> DataFrame:
    """One row per event and channel with any weight: ``truster``, ``trustee``,
    ``channel``, ``event_id``, ``t``, ``window``, ``decayed`` and ``contribution`` (what the
    row adds to its pair's evidence, signed), from :func:`~.inputs.interactions`."""
    scale = _rule(policy, "value_scale")
    value_factor = F.when(scale.isNull(), F.lit(1.0)).otherwise(
        F.nanvl(F.coalesce(F.col("value") / scale, F.lit(0.0)), F.lit(0.0))
    )
    earned = F.coalesce(_rule(policy, "earns"), F.lit(0.0)) * value_factor
    stated = F.coalesce(_rule(policy, "states"), F.lit(0.0)) * value_factor
    rows = events.where(F.col("actor") != F.col("target")).select(
        "event_id",
        "t",
        F.coalesce(_rule(policy, "lasting"), F.lit(False)).alias("lasting"),
        F.inline(
            F.array(
                _channel(F.col("target"), F.col("actor"), EARNED, earned),
                _channel(F.col("actor"), F.col("target"), STATED, stated),
            )
        ),
    )
    rows = rows.where(F.col("weight") != 0)
    age = F.when(F.col("lasting"), F.lit(0)).otherwise(F.lit(at_us) - F.col("t"))
    half_life = F.lit(policy.half_life_days * US_PER_DAY)
    decayed = F.col("weight") * F.pow(F.lit(2.0), -age.cast("double") / half_life)
    window_us = F.lit(int(policy.window_days * US_PER_DAY))
    rows = rows.select(
        "truster", "trustee", "channel", "event_id", "t",
        F.when(decayed < 0, decayed * F.lit(policy.negative_factor))
        .otherwise(decayed).alias("decayed"),
        # floor division, exact: t less its remainder is a multiple of the window
        ((F.col("t") - F.pmod(F.col("t"), window_us)) / window_us).cast("long").alias("window"),
    )  # fmt: skip
    return _contributions(rows, policy)


def pair_evidence(rows: DataFrame) -> DataFrame:
    """Every ordered pair's evidence: ``truster``, ``trustee``, ``positive`` (r),
    ``negative`` (s, as a positive number), ``events``, ``first_us`` and ``last_us``."""
    c = F.col("contribution")
    return rows.groupBy("truster", "trustee").agg(
        F.sum(F.when(c > 0, c).otherwise(F.lit(0.0))).alias("positive"),
        F.sum(F.when(c < 0, -c).otherwise(F.lit(0.0))).alias("negative"),
        F.count(F.lit(1)).alias("events"),
        F.min("t").alias("first_us"),
        F.max("t").alias("last_us"),
    )


def _contributions(rows: DataFrame, policy: Policy) -> DataFrame:
    """Each row's contribution: decayed, scaled by its window's saturation and exchange."""
    earned = F.col("channel") == EARNED
    actor = F.when(earned, F.col("trustee")).otherwise(F.col("truster"))
    target = F.when(earned, F.col("truster")).otherwise(F.col("trustee"))
    rows = rows.withColumns(
        {
            "actor": actor,
            "target": target,
            "low": F.least(actor, target),
            "high": F.greatest(actor, target),
            "negative": F.col("decayed") < 0,
            "size": F.abs(F.col("decayed")),
        }
    )
    occasion = Window.partitionBy("low", "high", "window")  # one unordered pair, one week
    group = Window.partitionBy("low", "high", "window", "truster", "negative")  # one window
    positive = ~F.col("negative")
    rows = rows.withColumns(
        {
            "total": F.sum("size").over(group),
            "strongest": F.max("size").over(group),
            "forward": _any(positive & (F.col("actor") < F.col("target"))).over(occasion),
            "backward": _any(positive & (F.col("actor") > F.col("target"))).over(occasion),
        }
    )
    total = F.col("total")
    factor = ratio(saturated(total, F.col("strongest"), policy.ceiling), total)
    if policy.reciprocity_bonus:
        both = positive & (F.col("forward") > 0) & (F.col("backward") > 0)
        exchange = F.when(both, 1.0).otherwise(0.0)
        factor = factor * (F.lit(1.0) + F.lit(policy.reciprocity_bonus) * exchange)
    return rows.select(
        "truster", "trustee", "actor", "target", "channel", "event_id", "t", "window",
        "decayed", (F.col("decayed") * factor).alias("contribution"),
    )  # fmt: skip


def _any(condition: Column) -> Column:
    """1 if ``condition`` holds for any row of the window, else 0 (as a max over it)."""
    return F.max(F.when(condition, F.lit(1)).otherwise(F.lit(0)))


def _channel(truster: Column, trustee: Column, channel: int, weight: Column) -> Column:
    return F.struct(
        truster.alias("truster"),
        trustee.alias("trustee"),
        F.lit(channel).alias("channel"),
        weight.alias("weight"),
    )


def _rule(policy: Policy, setting: str) -> Column:
    """One setting of every kind's rule, looked up by the row's ``kind`` (null for a kind
    whose setting is unset, as for a value scale)."""
    entries: list[Column] = []
    for kind in INTERACTION_KINDS:
        value = getattr(policy.rule(kind), setting)
        literal = F.lit(value) if value is not None else F.lit(None).cast("double")
        entries += [F.lit(kind), literal]
    return F.create_map(*entries)[F.col("kind")]
