"""Hygiene over real data: a slice of the Higgs Twitter activity (no text, no follows)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from goodwill.insights.hygiene import (
    Lookups,
    detect_blasts,
    detect_churn,
    detect_rings,
    load_settings,
)

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from insight_checks import higgs  # noqa: E402

SLICE = 100_000


def test_a_slice_of_higgs_runs_in_seconds_and_sees_only_what_it_can(shared_data: Path) -> None:
    settings = load_settings()
    started = time.perf_counter()
    activity, ids = higgs.load_higgs(shared_data / higgs.FILE, limit=SLICE)
    assert len(activity) == SLICE
    # the file's first row: 223789 mentions 213163 at 1341100972
    first = int(np.flatnonzero(activity.event_id == 0)[0])
    assert (ids[activity.actor[first]], ids[activity.target[first]]) == (223789, 213163)
    assert activity.kind_name(first) == "mention" and activity.time_us[first] == 1341100972 * 10**6
    assert (np.diff(activity.time_us) >= 0).all()
    # no follows in the data: churn must not be invented from other kinds
    assert detect_churn(activity, settings.churn) == []
    bursts = detect_blasts(activity, Lookups.none(), settings.blasts)
    assert bursts, "a day of a trending topic has accounts addressing many people at once"
    for flag in bursts:
        assert flag.details["textless"] and flag.confidence <= settings.blasts.textless_factor
        assert all(
            c["recipients"] >= settings.blasts.min_recipients for c in flag.details["campaigns"]
        )
        rows = activity.row_of(flag.event_ids)
        assert (activity.actor[rows] == flag.person).all()
    rings = detect_rings(activity, settings.rings)
    assert all(len(f.details["group"]) >= settings.rings.min_group for f in rings)
    assert time.perf_counter() - started < 20


def test_measure_real_reports_counts_and_times(shared_data: Path) -> None:
    figures = higgs.measure_real(shared_data, limit=SLICE)
    assert set(figures) == {"higgs-churn", "higgs-blast", "higgs-ring"}
    assert figures["higgs-churn"]["flagged"] == 0
    assert figures["higgs-blast"]["bursts"] >= figures["higgs-blast"]["flagged"] > 0
    assert all(f["rows"] == SLICE and f["detect_s"] >= 0 for f in figures.values())
