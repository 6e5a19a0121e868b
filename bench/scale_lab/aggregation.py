"""Evidence aggregation at scale: events per second from events to pairwise evidence.

``measure(events, seed)`` draws ``events`` seeded synthetic events (``scale_lab.events``:
power-law actors, circles, the realistic mix of kinds; one person per 20 events), runs the
compiled path of :func:`goodwill.trust.evidence.compute_evidence` once to load its
kernels, then times it (best of ``repeats``, wall clock) as of the last event; it covers
the events as columns in memory (an :class:`~goodwill.trust.evidence.EventTable`) to the
whole :class:`~goodwill.trust.evidence.Evidence` (rows and pairs), not reading the ledger.
With the fastest timed run go its CPU seconds in user and kernel mode (``user_s``, ``sys_s``, both
threads): the kernel's share is mostly first touches of freshly allocated memory, which a
virtual machine can make dear. Beside the rate it reports, from the same process just before, a STREAM-like triad's bandwidth and a
random gather's cost per element, so that a figure taken on a busy machine can be read
against what the memory gave at the time; and ``assess_s``, the whole of
:func:`~goodwill.trust.model.assess` (evidence, standing, opinions), for tables up to
:data:`ASSESS_UP_TO` events.

Run on its own: ``python bench/scale_lab/aggregation.py [--events 1000000 10000000 ...]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):  # run as a script: make ``scale_lab`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from goodwill.trust.evidence import compute_evidence
from goodwill.trust.model import assess
from goodwill.trust.policy import default_policy
from scale_lab.events import synthetic_events

__all__ = ["ASSESS_UP_TO", "calibrate", "measure"]

ASSESS_UP_TO = 2_000_000
SIZES = (1_000_000, 10_000_000, 20_000_000)


def calibrate(size: int = 20_000_000) -> dict[str, float]:
    """The memory as it is now: a triad's GB/s and a random gather's ns per element (a
    table of a million float64, as a score vector), numpy, best of three."""
    rng = np.random.default_rng(0)
    a, b = rng.random(size), rng.random(size)
    index = rng.integers(0, 1_000_000, size)
    table = rng.random(1_000_000)
    triad, gather = [], []
    for _ in range(3):
        started = time.perf_counter()
        np.add(a, 2.5 * b)
        triad.append(3 * 8 * size / (time.perf_counter() - started) / 1e9)
        started = time.perf_counter()
        table.take(index)
        gather.append((time.perf_counter() - started) / size * 1e9)
    return {"triad_gb_s": max(triad), "gather_ns": min(gather)}


def measure(events: int, seed: int, repeats: int = 2) -> dict[str, Any]:
    """Events per second of the events-to-evidence step on ``events`` synthetic events."""
    table = synthetic_events(events, seed).table()
    policy = default_policy()
    at_us = int(table.time_us.max())
    started = time.perf_counter()
    compute_evidence(table, policy, at_us, fast=True)
    first = time.perf_counter() - started
    figures: dict[str, Any] = {**calibrate(), "events": events, "first_call_s": first}
    runs = []  # (wall, user, sys) seconds of each timed run
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        evidence = compute_evidence(table, policy, at_us, fast=True)
        took = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        runs.append((took, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime))
    fastest = min(runs)
    best = min(first, fastest[0])
    figures.update(
        seconds=best,
        user_s=fastest[1],
        sys_s=fastest[2],
        events_per_s=events / best,
        rows=len(evidence.row_truster),
        pairs=len(evidence.truster),
        people=table.n_nodes,
    )
    del evidence
    if events <= ASSESS_UP_TO:
        started = time.perf_counter()
        assess(table, policy, at_us)
        figures["assess_s"] = time.perf_counter() - started
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for events in args.events:
        print(json.dumps(measure(events, args.seed)), flush=True)


if __name__ == "__main__":
    main()
