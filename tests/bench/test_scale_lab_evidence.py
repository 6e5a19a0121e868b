"""The scale bench's evidence parts on small sizes: the figures they promise, from real runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, inspect

from scale_lab import aggregation, refresh
from scale_lab.events import KIND_MIX, synthetic_events


def test_synthetic_events_are_seeded_power_law_and_mixed() -> None:
    first, again = synthetic_events(50_000, 3), synthetic_events(50_000, 3)
    assert np.array_equal(first.actor, again.actor) and np.array_equal(first.kind, again.kind)
    activity = np.sort(np.bincount(first.actor, minlength=first.n_people))[::-1]
    assert activity[: first.n_people // 100].sum() > 0.1 * len(first)  # a heavy head
    assert len(np.unique(first.kind)) == len(KIND_MIX)
    assert np.all(np.diff(first.time_us) >= 0)


def test_aggregation_reports_its_rate() -> None:
    found = aggregation.measure(30_000, 1, repeats=1)
    assert found["events"] == 30_000 and found["seconds"] > 0
    assert found["events_per_s"] == 30_000 / found["seconds"]
    assert 0 < found["pairs"] <= found["rows"] and "assess_s" in found


def test_refresh_builds_refreshes_in_full_then_absorbs_the_new_events(tmp_path: Path) -> None:
    found = refresh.measure(tmp_path, 1, base=20_000, new=500)
    assert (found["base_events"], found["new_events"]) == (20_000, 500)
    assert (found["mode"], found["absorbed"]) == ("incremental", 500)
    assert found["reached"] > 100
    for key in ("build_s", "full_recompute_s", "incremental_refresh_s"):
        assert found[key] > 0
    engine = create_engine(f"sqlite:///{tmp_path / 'scale.db'}")
    with engine.connect() as conn:  # the indexes the build set aside are back
        assert len(inspect(conn).get_indexes("events")) == 2
    engine.dispose()
