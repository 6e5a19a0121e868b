"""Trust history (the person page's chart): how far its expected trust is from the exact
figure, and what it costs, against assessing everyone's trust at every date.

Two stores: the demo world (seed 7), every relationship of its owner; Bitcoin OTC from
``../shared/data`` (skipped when absent), ``--otc-pairs`` contacts of its most active
account, as the web benchmark makes that account the owner. For each pair the history at
the chart's dates (:func:`goodwill.trust.history.chart_times`) is computed as the page does
(base rate exact at :func:`~goodwill.trust.history.anchors_for` dates, or at ``--anchors``,
interpolated between) and exactly (an anchor at every date: what a full assessment per date
gives). Belief, disbelief and uncertainty are exact either way; the table shows the largest
gap in expected trust per pair (median, 90th percentile, largest) and the median time of
each way. Timings on a shared machine are noisy: the ratio in one run is what counts.

Run from the repository root::

    .venv/bin/python bench/trust_history.py
    .venv/bin/python bench/trust_history.py --anchors 4 --anchors 8 --anchors 16 --no-otc
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from goodwill.demo import install_demo
from goodwill.importing import run_import
from goodwill.ledger import open_ledger
from goodwill.ledger.people import require_owner
from goodwill.trust.evidence import EventTable
from goodwill.trust.history import anchors_for, chart_times, pair_history
from goodwill.trust.loading import load_events
from goodwill.trust.model import assess
from goodwill.trust.policy import Policy, default_policy
from goodwill.trust.report import open_view

OTC = Path(__file__).resolve().parents[2] / "shared" / "data" / "soc-sign-bitcoinotc.csv"
_DAY_US = 86_400 * 1_000_000


@dataclass
class Gaps:
    """Per anchor count (0: the page's own count), each pair's largest gap and time."""

    gaps: dict[int, list[float]] = field(default_factory=dict)
    spent: dict[int, list[float]] = field(default_factory=dict)
    exact_spent: list[float] = field(default_factory=list)
    dates: list[int] = field(default_factory=list)


def measure(
    table: EventTable, policy: Policy, at_us: int, center: int, others: list[int],
    counts: list[int],
) -> Gaps:  # fmt: skip
    """Histories between ``center`` and each of ``others`` (dense indices) as of ``at_us``."""
    found = Gaps()
    snapshot = assess(table, policy, at_us)  # what a page has at hand already
    for other in others:
        times = chart_times(table, center, other, at_us)
        if not len(times):
            continue
        started = time.perf_counter()
        exact = pair_history(table, policy, center, other, times, anchors=len(times))
        found.exact_spent.append(time.perf_counter() - started)
        found.dates.append(len(times))
        for count in counts:
            started = time.perf_counter()
            history = pair_history(
                table, policy, center, other, times,
                anchors=count or anchors_for(len(table)), snapshot=snapshot,
            )  # fmt: skip
            found.spent.setdefault(count, []).append(time.perf_counter() - started)
            gap = max(
                np.abs(history.forward.expected - exact.forward.expected).max(),
                np.abs(history.backward.expected - exact.backward.expected).max(),
            )
            found.gaps.setdefault(count, []).append(float(gap))
    return found


def demo(counts: list[int]) -> tuple[Gaps, int]:
    """Every relationship of the demo world's owner; and the store's event count."""
    policy = default_policy()
    with (
        tempfile.TemporaryDirectory() as folder,
        open_ledger(f"sqlite:///{Path(folder) / 'demo.db'}") as ledger,
    ):
        at_us = install_demo(ledger, Path(folder), seed=7, scale=1).year_end_us
        with ledger.read() as conn:
            view = open_view(conn, policy, at_us=at_us)
            owner = view.index.index(require_owner(conn))
            others = [view.index.index(r.person) for r in view.relationships()]
    return measure(view.table, policy, at_us, owner, others, counts), len(view.table)


def otc(counts: list[int], pairs: int) -> tuple[Gaps, int]:
    """``pairs`` contacts (evenly picked) of Bitcoin OTC's most active account."""
    policy = default_policy()
    with (
        tempfile.TemporaryDirectory() as folder,
        open_ledger(f"sqlite:///{Path(folder) / 'otc.db'}") as ledger,
    ):
        run_import(ledger, "snap-signed", OTC)
        with ledger.read() as conn:
            table, _ = load_events(conn)
    at_us = int(table.time_us.max()) + _DAY_US
    activity = np.bincount(np.concatenate([table.actor, table.target]), minlength=table.n_nodes)
    center = int(np.argmax(activity))
    mine = (table.actor == center) | (table.target == center)
    contacts = np.unique(np.where(table.actor[mine] == center, table.target[mine],
                                  table.actor[mine]))  # fmt: skip
    picked = contacts[np.linspace(0, len(contacts) - 1, min(pairs, len(contacts))).astype(int)]
    return measure(table, policy, at_us, center, picked.tolist(), counts), len(table)


def rows(name: str, found: Gaps, events: int, table: Table) -> None:
    exact_ms = float(np.median(found.exact_spent)) * 1000
    for count, gaps in found.gaps.items():
        values = np.array(gaps)
        ms = float(np.median(found.spent[count])) * 1000
        table.add_row(
            name, str(count or f"{anchors_for(events)} (page)"), str(len(values)),
            str(int(np.median(found.dates))), f"{np.median(values):.4f}",
            f"{np.quantile(values, 0.9):.4f}", f"{values.max():.4f}", f"{ms:.1f}",
            f"{exact_ms:.1f}", f"{exact_ms / ms:.1f}x",
        )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--anchors", type=int, action="append",
                        help="anchor counts to compare (default: the page's own)")  # fmt: skip
    parser.add_argument("--otc-pairs", type=int, default=30)
    parser.add_argument("--no-otc", action="store_true")
    args = parser.parse_args()
    counts = args.anchors or [0]
    table = Table(
        "store", "anchors", "pairs", "dates", "gap median", "gap p90", "gap max",
        "ms", "exact ms", "speed-up",
        title="Trust history: expected trust vs exact (largest gap per pair; median times)",
    )  # fmt: skip
    found, events = demo(counts)
    rows("demo (seed 7)", found, events, table)
    if not args.no_otc and OTC.is_file():
        found, events = otc(counts, args.otc_pairs)
        rows("Bitcoin OTC", found, events, table)
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
