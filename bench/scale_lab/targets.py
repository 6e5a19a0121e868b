"""Issue #8's targets, checked against one run's results (reported, never asserted).

Ratios are taken within the run, so a busy machine moves both sides of each. Per-graph
targets are read on ``synthetic-1m`` (the issue's size), or on the largest graph measured
when it was not (``--quick``), and say which.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["BOUND_FACTOR", "Target", "check", "cost_exponent"]

BOUND_FACTOR = 1.3  # goodwill's step within this factor of the bound
SCIPY_FACTOR = 2.0  # and at least this much faster than scipy's float32 CSR
FLOAT32_L1 = 1e-6
AGGREGATION_TARGET = 10e6  # events per second
PEAK_MB = 1.5 * 1024
EXPONENT_LIMIT = 1.15  # "linear in edges": cost ~ edges^b with b at most this
REFRESH_TARGET_S = 2.0
SPARK_DIFF = 1e-9
RUN_LIMIT_S = 15 * 60
PREFERRED = "synthetic-1m"


@dataclass(frozen=True)
class Target:
    what: str
    measured: str
    met: bool | None  # None: not measured in this run


def cost_exponent(points: list[tuple[int, float]]) -> float | None:
    """``b`` in ``cost ~ edges^b``, least squares on logs (``None`` under two sizes)."""
    usable = [(e, t) for e, t in points if e > 0 and t and t > 0]
    if len({e for e, _ in usable}) < 2:
        return None
    xs = [math.log(e) for e, _ in usable]
    ys = [math.log(t) for _, t in usable]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def _figure(results: dict[str, Any], graph: str, method: str, key: str) -> float | None:
    value = results["graphs"].get(graph, {}).get("methods", {}).get(method, {}).get(key)
    return None if value is None else float(value)


def _graph(results: dict[str, Any]) -> str | None:
    graphs = results["graphs"]
    if PREFERRED in graphs:
        return PREFERRED
    synthetic = [g for g in graphs if g.startswith("synthetic")]
    return max(synthetic or graphs, key=lambda g: graphs[g].get("edges", 0), default=None)


def _compare(what: str, value: float | None, limit: float, text: str, below: bool) -> Target:
    if value is None or math.isnan(value):
        return Target(what, "not measured", None)
    return Target(what, text, value <= limit if below else value >= limit)


def check(results: dict[str, Any], seconds: float) -> list[Target]:
    """Every target with what this run measured."""
    graph = _graph(results)
    found: list[Target] = []
    if graph is not None:
        ours = _figure(results, graph, "goodwill", "per_iter_s")
        bound = results["graphs"][graph].get("bound_per_iter_s")
        scipy = _figure(results, graph, "scipy32", "per_iter_s")
        ratio = ours / bound if ours and bound else None
        found.append(
            _compare(
                f"{graph}: goodwill step <= {BOUND_FACTOR}x the bound",
                ratio,
                BOUND_FACTOR,
                f"{ratio:.2f}x ({1e3 * (ours or 0):.1f} ms vs {1e3 * (bound or 0):.1f} ms)",
                below=True,
            )
        )
        speedup = scipy / ours if scipy and ours else None
        found.append(
            _compare(
                f"{graph}: goodwill >= {SCIPY_FACTOR:g}x faster than scipy float32",
                speedup,
                SCIPY_FACTOR,
                f"{speedup:.2f}x" if speedup else "",
                below=False,
            )
        )
        l1 = _figure(results, graph, "goodwill", "l1_vs_float64")
        found.append(
            _compare(
                f"{graph}: float32 within {FLOAT32_L1:g} (L1) of float64",
                l1,
                FLOAT32_L1,
                f"{l1:.2g}" if l1 is not None else "",
                below=True,
            )
        )
        peak = _figure(results, graph, "goodwill", "peak_rss_mb")
        found.append(
            _compare(
                f"{graph}: goodwill's peak memory < {PEAK_MB / 1024:g} GB",
                peak,
                PEAK_MB,
                f"{peak:.0f} MB" if peak else "",
                below=True,
            )
        )
    exponent = results.get("cost_exponent", {}).get("goodwill")
    found.append(
        _compare(
            f"cost linear in edges (fitted exponent <= {EXPONENT_LIMIT})",
            exponent,
            EXPONENT_LIMIT,
            f"{exponent:.2f}" if exponent is not None else "",
            below=True,
        )
    )
    rate = results.get("aggregation_events_per_s")
    found.append(
        _compare(
            f"evidence aggregation >= {AGGREGATION_TARGET / 1e6:g}M events/s",
            rate,
            AGGREGATION_TARGET,
            f"{(rate or 0) / 1e6:.1f}M/s",
            below=False,
        )
    )
    refresh = results.get("incremental_refresh_s")
    found.append(
        _compare(
            f"10k new events into 20M refreshed in < {REFRESH_TARGET_S:g} s",
            refresh,
            REFRESH_TARGET_S,
            f"{refresh:.2f} s" if refresh is not None else "",
            below=True,
        )
    )
    spark = results.get("spark") or {}
    diff = spark.get("max_abs_diff")
    per_iter = spark.get("per_iter_s")
    found.append(
        _compare(
            f"Spark equal to the numpy engine (largest difference <= {SPARK_DIFF:g})",
            diff,
            SPARK_DIFF,
            f"{diff:.2g}, {per_iter:.2f} s per step" if diff is not None and per_iter else "",
            below=True,
        )
    )
    found.append(
        Target(
            f"whole run < {RUN_LIMIT_S // 60} min", f"{seconds / 60:.1f} min", seconds < RUN_LIMIT_S
        )
    )
    return found
