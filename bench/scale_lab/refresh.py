"""Incremental refresh at scale: absorbing new events into a ledger of millions.

``measure(workdir, seed)`` builds a SQLite ledger of :data:`BASE_EVENTS` seeded synthetic
events (``scale_lab.events``, one person per 20 events) with the ledger's bulk writer
(``build_s``; see :func:`build_ledger`), records the most active person as the owner, and runs ``goodwill
refresh --rebuild`` as of the last event: every event read and aggregated, the trust graph
built, the owner's network trust walked and written (``full_recompute_s``). It then appends
the next :data:`NEW_EVENTS` events (the same draw continued: the current week, a few new
pairs), waits for the files the full refresh wrote to reach the disk (``os.sync``: several
gigabytes of state, whose writeback would otherwise run during the next refresh, which a
steady stream of refreshes does not meet) and runs ``goodwill refresh`` as of the newest
(``incremental_refresh_s``), with the
parts of both (``full_parts``, ``incremental_parts``: evidence, network, writing the
scores, saving the state).

Both refreshes walk network trust warm (to its fixed point, from the last scores: ``goodwill
refresh --warm``) unless ``--exact`` asks for the walk of fixed steps from the seeds.

Run on its own: ``python bench/scale_lab/refresh.py [--events N] [--new N] [--workdir DIR]
[--exact]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):  # run as a script: make ``scale_lab`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from goodwill.ledger import Ledger, open_ledger
from goodwill.ledger.imports import begin_import
from goodwill.ledger.people import set_owner
from goodwill.ledger.schema import events, identities, people
from goodwill.ledger.writer import EVENT_COLUMNS, bulk_insert
from goodwill.trust.policy import default_policy
from goodwill.trust.refresh import refresh
from scale_lab.events import TABLE_KINDS, SyntheticEvents, synthetic_events

__all__ = ["BASE_EVENTS", "NEW_EVENTS", "build_ledger", "measure"]

BASE_EVENTS = 20_000_000
NEW_EVENTS = 10_000
_CHUNK = 500_000  # events per write transaction


def _handle(person: int) -> str:
    return f"x:@u{person}"


def build_ledger(ledger: Ledger, drawn: SyntheticEvents, start: int, stop: int) -> None:
    """Events ``start .. stop - 1`` of ``drawn`` into ``ledger`` (person ``i`` is identity
    and person ``i + 1``), creating everyone on the first call.

    The first call loads the events without the events table's two secondary indexes and
    creates them afterwards, from the schema's own definitions (one sort each instead of a
    random B-tree insert per event: minutes instead of most of an hour for 20M events);
    external ids are zero-padded, so the unique key grows at its end."""
    first_load = start == 0
    with ledger.write() as conn:
        if first_load:
            for index in events.indexes:
                index.drop(conn)
            names = [(i + 1, f"u{i}", 0) for i in range(drawn.n_people)]
            bulk_insert(conn, people, ("id", "display_name", "created_at"), names)
            accounts = [(i + 1, "x", f"@u{i}", i + 1, 0) for i in range(drawn.n_people)]
            columns = ("id", "network", "account", "person_id", "created_at")
            bulk_insert(conn, identities, columns, accounts)
        import_id = begin_import(conn, source="bench", path=f"synthetic {start}..{stop}",
                                 sha256="0" * 64, options=None, now_us=0)  # fmt: skip
    kinds = np.array(TABLE_KINDS, dtype=object)
    for first in range(start, stop, _CHUNK):
        part = slice(first, min(first + _CHUNK, stop))
        value = drawn.value[part]
        rows = list(
            zip(
                [import_id] * len(value),
                ["bench"] * len(value),
                [f"e{i:010d}" for i in range(part.start, part.stop)],
                kinds[drawn.kind[part]].tolist(),
                drawn.time_us[part].tolist(),
                (drawn.actor[part] + 1).tolist(),
                (drawn.target[part] + 1).tolist(),
                [None if np.isnan(v) else float(v) for v in value],
                [None] * len(value),
                [None] * len(value),
                strict=True,
            )
        )
        with ledger.write() as conn:
            bulk_insert(conn, events, EVENT_COLUMNS, rows)
    if first_load:
        with ledger.write() as conn:
            for index in events.indexes:
                index.create(conn)


def measure(
    workdir: Path, seed: int, *, base: int = BASE_EVENTS, new: int = NEW_EVENTS, warm: bool = True
) -> dict[str, Any]:
    """Build, refresh in full, append ``new`` events, refresh incrementally; the figures.
    ``warm`` (the default) walks network trust to its fixed point from the last scores
    (``goodwill refresh --warm``), both times; else the walk of fixed steps."""
    drawn = synthetic_events(base + new, seed, people=max(64, (base + new) // 20))
    url = f"sqlite:///{workdir / 'scale.db'}"
    policy = default_policy()
    figures: dict[str, Any] = {"base_events": base, "new_events": new, "people": drawn.n_people}
    with open_ledger(url) as ledger:
        started = time.perf_counter()
        build_ledger(ledger, drawn, 0, base)
        figures["build_s"] = time.perf_counter() - started
        owner = int(np.bincount(drawn.actor[:base]).argmax())
        with ledger.write() as conn:
            set_owner(conn, [_handle(owner)], now_us=0)
        at_us = int(drawn.time_us[base - 1])
        started = time.perf_counter()
        full = refresh(ledger, policy, at_us=at_us, rebuild=True, warm=warm)
        figures["full_recompute_s"] = time.perf_counter() - started
        figures["full_parts"] = full.seconds
        build_ledger(ledger, drawn, base, base + new)
        # the full build leaves gigabytes of state files to write back: the incremental
        # refresh is measured once they are on disk, as in steady operation
        started = time.perf_counter()
        os.sync()
        figures["sync_s"] = time.perf_counter() - started
        at_us = int(drawn.time_us[-1])
        started = time.perf_counter()
        step = refresh(ledger, policy, at_us=at_us, warm=warm)
        figures["incremental_refresh_s"] = time.perf_counter() - started
        figures["incremental_parts"] = step.seconds
    figures.update(
        mode=step.mode, absorbed=step.absorbed, windows=step.windows, pairs=step.pairs,
        reached=step.reached, engine=step.engine, walk="warm" if warm else "exact",
        full_steps=full.steps, steps=step.steps,
    )  # fmt: skip
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=BASE_EVENTS)
    parser.add_argument("--new", type=int, default=NEW_EVENTS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--exact", action="store_true",
                        help="walk a fixed number of steps from the seeds, not warm")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        found = measure(Path(folder), args.seed, base=args.events, new=args.new,
                        warm=not args.exact)  # fmt: skip
    print(json.dumps(found), flush=True)


if __name__ == "__main__":
    main()
