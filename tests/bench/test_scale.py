"""The scale bench's parts: its graphs, its bound, its fit of cost against edges, the
pipeline on a small graph, and a quick run of ``bench/scale.py`` that writes the issue's
JSON shape."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import scale as driver
from scale_lab import bound, graphs, pipeline, propagation, targets


def test_power_law_graphs_have_exactly_the_edges_asked_distinct_and_seeded() -> None:
    trust = graphs.power_law(5000, 60_000, seed=3)
    assert trust.shape == (5000, 5000) and trust.nnz == 60_000
    coo = trust.tocoo()
    assert not (coo.row == coo.col).any()
    assert np.unique(coo.row * 5000 + coo.col, return_counts=True)[1].max() == 1
    assert trust.data.min() >= 0.05 and trust.data.max() <= 1.0
    in_degree = np.bincount(trust.indices, minlength=5000)
    assert in_degree.max() > 20 * np.median(in_degree)  # hubs: a heavy tail
    again = graphs.power_law(5000, 60_000, seed=3)
    assert (again != trust).nnz == 0
    assert (graphs.power_law(5000, 60_000, seed=4) != trust).nnz > 0


def test_higgs_is_every_distinct_pair_without_self_loops(shared_data: Path) -> None:
    trust = graphs.higgs(shared_data)
    assert trust.shape == (304_691, 304_691)  # the data README's distinct users
    coo = trust.tocoo()
    assert not (coo.row == coo.col).any()
    # one act weighs 0.5, repeated acts approach 1
    assert set(np.unique(np.round(trust.data, 6))) >= {0.5, 0.75}
    assert trust.data.max() <= 1.0
    seeds = graphs.top_seeds(trust)
    assert seeds.size == graphs.SEED_COUNT
    degree = np.diff(trust.indptr)
    assert degree[seeds].min() >= np.sort(degree)[-graphs.SEED_COUNT]


def test_the_bound_is_the_larger_of_streaming_and_gathering() -> None:
    assert bound.bytes_per_step(10, 100) == 100 * 8 + 10 * 24
    found = bound.measure(50_000, 400_000, bandwidth=1e10)
    assert found.stream_s == pytest.approx(bound.bytes_per_step(50_000, 400_000) / 1e10)
    assert 0 < found.gather_s_per_element < 1e-6
    assert found.gather_s == pytest.approx(400_000 * found.gather_s_per_element)
    assert found.per_step_s == max(found.stream_s, found.gather_s)


def test_cost_exponent_recovers_a_power_law_and_needs_two_sizes() -> None:
    assert targets.cost_exponent([(10**6, 2.0), (10**7, 20.0)]) == pytest.approx(1.0)
    slope = targets.cost_exponent([(10**5, 1.0), (10**6, 10**1.2), (10**7, 10**2.4)])
    assert slope == pytest.approx(1.2)
    assert targets.cost_exponent([(10**6, 1.0), (10**6, 2.0)]) is None
    assert targets.cost_exponent([(10**6, 1.0), (10**7, None)]) is None  # type: ignore[list-item]


def test_pipeline_imports_the_edges_and_ranks_from_the_seeds(tmp_path: Path) -> None:
    trust = graphs.power_law(300, 2000, seed=2)
    saved = propagation.save_graph(tmp_path / "g.npz", trust, graphs.top_seeds(trust, 5))
    events, handles = pipeline.write_events(saved, tmp_path / "events.csv")
    assert events == 2000 and len(handles) == 5
    lines = (tmp_path / "events.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id,time,kind,actor,target" and len(lines) == 2001
    times = [line.split(",")[1] for line in lines[1:]]
    assert times == sorted(times) and times[0].startswith("2024-")
    found = pipeline.measure(saved, tmp_path / "run")
    assert "error" not in found, found
    assert found["added"] == 2000 and found["ranked"] == 20
    assert found["pipeline_s"] >= found["walk_s"] > 0 and found["peak_rss_mb"] > 50


def test_a_quick_run_writes_the_issue_shape(tmp_path: Path) -> None:
    out = tmp_path / "scale.json"
    driver.main(
        [
            "--quick", "--json", str(out),
            "--methods", "goodwill,goodwill_reference,scipy32,load_only",
            "--skip", "kernel,variants,pipeline,spark,aggregation,refresh",
        ]
    )  # fmt: skip
    results = json.loads(out.read_text(encoding="utf-8"))
    assert {"graphs", "aggregation_events_per_s", "incremental_refresh_s"} <= set(results)
    assert list(results["graphs"]) == ["synthetic-100k"]
    graph = results["graphs"]["synthetic-100k"]
    assert graph["edges"] == 2_000_000 and graph["bound_per_iter_s"] > 0
    methods = graph["methods"]
    assert list(methods) == ["goodwill", "goodwill_reference", "scipy32", "load_only"]
    for name in ("goodwill", "goodwill_reference", "scipy32"):
        assert methods[name]["per_iter_s"] > 0, methods[name]
        assert methods[name]["peak_rss_mb"] > methods["load_only"]["peak_rss_mb"] * 0.9
    assert methods["goodwill"]["engine"] == "numba"
    assert methods["goodwill_reference"]["engine"] == "reference"
    assert 0 < methods["goodwill"]["l1_vs_float64"] <= 1e-6
    assert results["aggregation_events_per_s"] is None  # skipped
    met = {t["what"].split(":")[0]: t["met"] for t in results["targets"]}
    assert "synthetic-100k" in met
    assert all(t["met"] in (True, False, None) for t in results["targets"])
    assert math.isnan(results["cost_exponent"]["goodwill"] or math.nan)  # one size only
