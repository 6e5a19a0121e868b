"""Hygiene on real data: churn, blasts and rings over the Higgs Twitter activity.

SNAP's ``higgs-activity_time.txt.gz`` is a week of retweets (RT), mentions (MT) and
replies (RE) around the Higgs boson announcement in July 2012: 563,069 rows of
``userA userB timestamp code``, no text, no follows, no owner. What each detector can see:

- churn: nothing. There are no follows or unfollows in the file, so it must find none
  (a check that it does not invent churn from other kinds).
- blasts: bursts only. Without text, a blast is one account addressing (mention or reply)
  many distinct accounts in one sitting; copy-paste cannot be confirmed, so confidence is
  halved (``textless_factor``), and a live thread with many people looks the same.
- rings: fully. Retweets are boosts and mentions/replies are conversation, so reciprocal
  retweet groups whose traffic stays inside and is mostly retweets are what it looks for.

The columns are built straight from the file with numpy (no ledger import), so a run
takes seconds.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from goodwill.insights.activity import Activity, Ints
from goodwill.insights.hygiene import (
    Flag,
    Lookups,
    detect_blasts,
    detect_churn,
    detect_rings,
    load_settings,
)
from goodwill.insights.hygiene.edges import edge_activity

FILE = "higgs-activity_time.txt.gz"
KINDS = ("share", "mention", "reply")  # RT, MT, RE in this order
_CODES = (b"RT", b"MT", b"RE")


def load_higgs(path: Path, *, limit: int | None = None) -> tuple[Activity, Ints]:
    """The file's rows (the first ``limit`` if given) as Activity columns, and the user
    ids behind the account numbers. Self-interactions (userA = userB) are kept: the
    detectors ignore them."""
    with gzip.open(path, "rb") as stream:
        lines = stream.readlines() if limit is None else [stream.readline() for _ in range(limit)]
    tokens = b" ".join(line for line in lines if line.strip()).split()
    if len(tokens) % 4:
        raise ValueError(f"{path}: expected 4 fields per line (userA userB timestamp code)")
    columns = np.array(tokens, dtype=object).reshape(-1, 4)
    codes = np.array(columns[:, 3], dtype="S2")
    kind = np.full(len(codes), -1, dtype=np.int64)
    for index, code in enumerate(_CODES):
        kind[codes == code] = index
    if (kind < 0).any():
        raise ValueError(f"{path}: unknown interaction codes {set(codes[kind < 0].tolist())}")
    return edge_activity(
        np.array(columns[:, 0], dtype="S12").astype(np.int64),
        np.array(columns[:, 1], dtype="S12").astype(np.int64),
        np.array(columns[:, 2], dtype="S12").astype(np.int64) * 1_000_000,
        kind,
        KINDS,
    )


def measure_real(data_dir: Path, *, limit: int | None = None) -> dict[str, dict[str, float]]:
    """Counts and seconds per detector (no ground truth: see the module docstring)."""
    results, _flags = run_detectors(Path(data_dir) / FILE, limit=limit)
    return results


def run_detectors(
    path: Path, *, limit: int | None = None
) -> tuple[dict[str, dict[str, float]], dict[str, list[Flag]]]:
    """Figures per detector, and the flags themselves (for looking at examples)."""
    settings = load_settings()
    started = time.perf_counter()
    activity, _ids = load_higgs(path, limit=limit)
    loaded = round(time.perf_counter() - started, 2)
    runs: dict[str, Callable[[], list[Flag]]] = {
        "higgs-churn": lambda: detect_churn(activity, settings.churn),
        "higgs-blast": lambda: detect_blasts(activity, Lookups.none(), settings.blasts),
        "higgs-ring": lambda: detect_rings(activity, settings.rings),
    }
    results: dict[str, dict[str, float]] = {}
    flags: dict[str, list[Flag]] = {}
    for name, run in runs.items():
        began = time.perf_counter()
        flags[name] = run()
        results[name] = {
            "rows": float(len(activity)),
            "flagged": float(len(flags[name])),
            "confident": float(sum(f.confidence >= settings.min_confidence for f in flags[name])),
            "load_s": loaded,
            "detect_s": round(time.perf_counter() - began, 2),
        }
    results["higgs-blast"]["bursts"] = float(
        sum(len(f.details["campaigns"]) for f in flags["higgs-blast"])
    )
    results["higgs-ring"]["groups"] = float(
        len({tuple(f.details["group"]) for f in flags["higgs-ring"]})
    )
    return results, flags
