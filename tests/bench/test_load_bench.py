"""``bench/load.py``: a short run on a small synthetic store over a real ``goodwill serve``
process, which builds the store once, finds it in the cache the second time, writes the
promised figures, and leaves the cached store as it was built (the run writes to a copy)."""

from __future__ import annotations

import json
from pathlib import Path

import load as bench
from load_store import load_store
from load_traffic import MIX

SMALL = ["--events", "3000", "--people", "150", "--seed", "5"]


def test_a_store_is_built_once_and_then_found(tmp_path: Path) -> None:
    built = load_store(tmp_path, seed=5, events=3000, people=150)
    assert not built.cached and built.import_seconds > 0
    assert built.owner_handles and built.path.is_file()
    again = load_store(tmp_path, seed=5, events=3000, people=150)
    assert again.cached and again.path == built.path and again.owner == built.owner
    assert [p.name for p in tmp_path.iterdir()] == [built.path.name]  # no work left behind
    other = load_store(tmp_path, seed=6, events=3000, people=150)
    assert other.path != built.path and not other.cached


def test_a_short_run_writes_every_page_and_no_errors(tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    argv = [*SMALL, "--cache", str(tmp_path / "cache"), "--users", "4", "--requests", "60",
            "--seconds", "60", "--think", "0.05", "--at", "2025-01-01", "--json", str(out)]  # fmt: skip
    cached = load_store(tmp_path / "cache", seed=5, events=3000, people=150)
    before = cached.path.read_bytes()
    assert bench.main(argv) == 0
    assert cached.path.read_bytes() == before  # the pin went to the run's copy
    report = json.loads(out.read_text(encoding="utf-8"))
    overall = report["overall"]
    assert overall["requests"] == 60 and overall["errors"] == 0, report["first_errors"]
    assert sum(p["requests"] for p in report["pages"].values()) == 60
    assert set(report["pages"]) <= {label for label, _, _ in MIX}
    assert set(report["cold_ms"]) == {label for label, _, _ in MIX}  # the warm-up: each once
    assert report["cold_errors"] == []
    assert report["first_request_ms"] > 0
    # a pin through the form, then the writer's next dashboard, answered
    assert report["after_write_ms"] > 0
    for figures in [*report["pages"].values(), overall]:
        assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"] <= figures["max_ms"]
    assert report["sign_in_ms"]["requests"] == 4
    assert report["target_met"] == (overall["p95_ms"] < bench.TARGET_P95_MS)
