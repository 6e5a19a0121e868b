"""The scale bench's tables, as rich tables for a terminal or Markdown for the docs."""

from __future__ import annotations

from typing import Any

from scale_lab.targets import Target

__all__ = ["graph_rows", "markdown", "summary_rows", "target_rows", "variant_rows"]

Row = list[str]
GRAPH_HEADER = ["method", "per step", "x bound", "x goodwill", "peak RSS", "before the steps"]
_BEFORE = ("prepare_s", "build_s")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{1e3 * value:.1f} ms"


def _ratio(value: float | None, base: float | None) -> str:
    return "-" if value is None or not base else f"{value / base:.2f}"


def graph_rows(graph: dict[str, Any]) -> list[Row]:
    """One row per method: its step, against the bound and goodwill's, memory, set-up."""
    bound = graph.get("bound_per_iter_s")
    ours = graph["methods"].get("goodwill", {}).get("per_iter_s")
    rows: list[Row] = [["bound", _ms(bound), "1.00", _ratio(bound, ours), "-", "-"]]
    for method, found in graph["methods"].items():
        per_step = found.get("per_iter_s")
        before = next((found[k] for k in _BEFORE if found.get(k) is not None), None)
        peak = found.get("peak_rss_mb")
        rows.append(
            [
                method,
                found.get("error", "")[:40]
                if per_step is None and "error" in found
                else _ms(per_step),
                _ratio(per_step, bound),
                _ratio(per_step, ours),
                "-" if peak is None else f"{peak:.0f} MB",
                "-" if before is None else f"{before:.2f} s",
            ]
        )
    return rows


VARIANT_HEADER = ["variant", "fastest product", "median product", "preparation"]


def variant_rows(found: dict[str, Any]) -> list[Row]:
    """One row per kernel variant (``scale_lab.variants``)."""
    if "error" in found:
        return [["(failed)", found["error"][:60], "-", "-"]]
    return [
        [name, _ms(v["best_s"]), _ms(v["median_s"]), f"{v['prepare_s']:.2f} s"]
        for name, v in found.items()
        if isinstance(v, dict)
    ]


def _number(value: float | None, unit: str = "", digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}g}{unit}"


def summary_rows(results: dict[str, Any]) -> list[Row]:
    """The run's other figures: compile time, pipeline, aggregation, refresh, Spark, fit."""
    kernel = results.get("kernel") or {}
    pipeline = results.get("pipeline") or {}
    spark = results.get("spark") or {}
    exponents = results.get("cost_exponent") or {}
    return [
        ["numba kernels: compile (empty cache)", _number(kernel.get("compile_s"), " s")],
        ["numba kernels: load from cache", _number(kernel.get("cached_load_s"), " s")],
        ["importing numba (goodwill's numba engine)", _number(kernel.get("import_s"), " s")],
        ["memory bandwidth (triad, both cores)", _number(results.get("triad_gb_per_s"), " GB/s")],
        [
            "import into SQLite (synthetic-100k edges as events)",
            f"{_number(pipeline.get('import_s'), ' s')} "
            f"({_number(pipeline.get('import_events_per_s'), ' events/s', 4)})",
        ],
        [
            "ledger -> network trust (load + assess, trust graph, walk)",
            f"{_number(pipeline.get('pipeline_s'), ' s')} ({_number(pipeline.get('view_s'), ' s')}"
            f", {_number(pipeline.get('graph_s'), ' s')}, {_number(pipeline.get('walk_s'), ' s')})",
        ],
        ["evidence aggregation", _number(results.get("aggregation_events_per_s"), " events/s", 4)],
        ["incremental refresh", _number(results.get("incremental_refresh_s"), " s")],
        [
            "Spark (local[2]) per step, largest difference from numpy",
            f"{_number(spark.get('per_iter_s'), ' s')}, {_number(spark.get('max_abs_diff'))}",
        ],
        *[
            [f"cost ~ edges^b, {method}", _number(value)]
            for method, value in exponents.items()
            if value is not None
        ],
    ]


def target_rows(targets: list[Target]) -> list[Row]:
    mark = {True: "✓", False: "✗", None: "-"}
    return [[t.what, t.measured, mark[t.met]] for t in targets]


def markdown(header: Row, rows: list[Row]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
