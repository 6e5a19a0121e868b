"""The whole way from a ledger to network trust, on a graph imported into SQLite.

Every edge of a saved graph becomes one reply event (``x:@u<source>`` replied to
``x:@u<target>``, at a seeded time in 2024) in a CSV file in goodwill's generic format,
imported with ``goodwill import csv``'s own code (:func:`goodwill.importing.run_import`)
into a fresh SQLite ledger; then network trust is computed the way ``goodwill network
--seeds ...`` computes it: events loaded and assessed as of the end of the year
(:func:`~goodwill.trust.network_report.open_network`: evidence, standing, opinions, the
trust graph) and the walk from the graph's seeds (:meth:`NetworkView.ranking`).

``pipeline_s`` is ledger to network trust (the import is ``import_s``, apart), split into
``view_s`` (loading and assessing), ``graph_s`` (the trust graph) and ``walk_s``.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from scale_lab import child
from scale_lab.child import Figures

__all__ = ["measure"]

_YEAR_START = datetime(2024, 1, 1, tzinfo=UTC).timestamp()
_YEAR_S = 365 * 86_400


def _handle(node: int) -> str:
    return f"x:@u{node}"


def write_events(graph: Path, path: Path, seed: int = 1) -> tuple[int, list[str]]:
    """The graph's edges as reply events in time order; the events written and the seeds'
    handles."""
    with np.load(graph) as arrays:
        indptr, indices, seeds = arrays["indptr"], arrays["indices"], arrays["seeds"]
    source = np.repeat(np.arange(indptr.size - 1), np.diff(indptr))
    rng = np.random.default_rng(seed)
    seconds = np.sort(_YEAR_START + rng.uniform(0, _YEAR_S, source.size))
    order = rng.permutation(source.size)  # which edge happens when
    with path.open("w", encoding="utf-8") as out:
        out.write("id,time,kind,actor,target\n")
        for start in range(0, source.size, 100_000):
            chunk = slice(start, start + 100_000)
            stamps = np.datetime_as_string(
                (seconds[chunk] * 1e6).astype("datetime64[us]"), unit="us"
            )
            rows = [
                f"e{start + k},{stamp}Z,reply,{_handle(a)},{_handle(b)}\n"
                for k, (stamp, a, b) in enumerate(
                    zip(
                        stamps,
                        source[order[chunk]].tolist(),
                        indices[order[chunk]].tolist(),
                        strict=True,
                    )
                )
            ]
            out.writelines(rows)
    return int(source.size), [_handle(int(s)) for s in seeds]


def _run(graph: Path, workdir: Path) -> Figures:
    from goodwill.importing import run_import
    from goodwill.ledger import open_ledger
    from goodwill.ledger.queries import find_person
    from goodwill.trust.network_report import NetworkView
    from goodwill.trust.policy import default_policy
    from goodwill.trust.report import open_view

    start = time.perf_counter()
    events, seed_handles = write_events(graph, workdir / "events.csv")
    write = time.perf_counter() - start
    url = f"sqlite:///{workdir / 'ledger.db'}"
    with open_ledger(url) as ledger:
        start = time.perf_counter()
        summary = run_import(ledger, "csv", workdir / "events.csv")
        imported = time.perf_counter() - start
        at_us = int((_YEAR_START + _YEAR_S) * 1_000_000)
        with ledger.read() as conn:
            start = time.perf_counter()
            view = open_view(conn, default_policy(), at_us=at_us)
            viewed = time.perf_counter()
            network = NetworkView(conn, view)
            graphed = time.perf_counter()
            seeds = [find_person(conn, handle) for handle in seed_handles]
            rows = network.ranking(seeds, top=20)
            walked = time.perf_counter()
    return {
        "events": events,
        "added": summary.added,
        "write_csv_s": write,
        "import_s": imported,
        "import_events_per_s": events / imported,
        "pipeline_s": walked - start,
        "view_s": viewed - start,
        "graph_s": graphed - viewed,
        "walk_s": walked - graphed,
        "ranked": len(rows),
    }


def measure(graph: Path, workdir: Path, timeout_s: float = 900.0) -> Figures:
    """The pipeline on a saved graph, in a fresh process."""
    workdir.mkdir(parents=True, exist_ok=True)
    return child.run("scale_lab.pipeline", [str(graph), str(workdir)], timeout_s)


if __name__ == "__main__":
    child.report(_run(Path(sys.argv[1]), Path(sys.argv[2])))
