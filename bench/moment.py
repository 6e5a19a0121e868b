"""The cost of one moment: what the web app computes once per store version and ``?at=``.

On the load benchmark's store (``bench/load_store.py``: 1M events, 10k people by default,
built once and cached), each part of a moment is timed as the app makes it
(``goodwill.web.cache.MomentReads``): the activity (one read of the events), the trust view
from the activity's interactions (no second read) with the owner's relationships, the
hygiene report over the activity, the text corpus; and, for comparison, the trust view
reading the events itself as the CLI does. Then the people search, cold (the per-identity
counts made) and warm (kept until the events change), over a few queries.

Each part runs ``--repeats`` times in this one process, fresh each time, and the median is
printed; the first round also pays for loading numba's cached kernels. Timings on a shared
machine are noisy: compare parts measured in the same run.

Run from the repository root::

    .venv/bin/python bench/moment.py
    .venv/bin/python bench/moment.py --events 100000 --people 2000 --repeats 3
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from goodwill.events import now_us
from goodwill.insights.activity import Activity, load_activity
from goodwill.insights.hygiene import Lookups, hygiene_report
from goodwill.insights.topics import load_corpus
from goodwill.ledger import open_ledger
from goodwill.ledger.queries import _ACTIVITY_KEPT, list_people
from goodwill.trust.policy import default_policy
from goodwill.trust.report import open_view
from load_store import cache_folder, load_store

SEARCHES = (None, "user12", "mastodon:@user3", "nobody-by-this-name")


def _median(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds (this process's, every thread): on a busy machine
    the CPU time moves less than the wall clock."""
    wall, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=None, help="where stores are kept")
    args = parser.parse_args()
    store = load_store(args.cache or cache_folder(), seed=args.seed, events=args.events,
                       people=args.people)  # fmt: skip
    policy, at = default_policy(), now_us()
    rows: list[tuple[str, tuple[float, float]]] = []
    with open_ledger(store.url) as ledger, ledger.read() as conn:
        kept: list[Activity] = []

        def activity() -> None:
            kept[:] = [load_activity(conn, until_us=at)]

        def view_shared() -> None:
            open_view(conn, policy, at_us=at, columns=kept[0].interactions()).relationships()

        def view_alone() -> None:
            open_view(conn, policy, at_us=at).relationships()

        rows.append(("activity (the one read of the events)", _median(activity, args.repeats)))
        rows.append(("trust view from the activity + relationships",
                     _median(view_shared, args.repeats)))  # fmt: skip
        rows.append(("hygiene report over the activity", _median(
            lambda: hygiene_report(kept[0], Lookups.of(conn)), args.repeats)))  # fmt: skip
        rows.append(("corpus", _median(lambda: load_corpus(conn, until_us=at), args.repeats)))
        rows.append(("(trust view reading the events itself + relationships)",
                     _median(view_alone, args.repeats)))  # fmt: skip

        def search_cold() -> None:
            _ACTIVITY_KEPT.clear()
            list_people(conn, search=None, limit=50)

        def searches_warm() -> None:
            for text in SEARCHES:
                list_people(conn, search=text, limit=50)

        rows.append(("people search, counts made (first after a change)",
                     _median(search_cold, args.repeats)))  # fmt: skip
        wall, cpu = _median(searches_warm, args.repeats)
        rows.append((f"people search, counts kept (per query, {len(SEARCHES)} queries)",
                     (wall / len(SEARCHES), cpu / len(SEARCHES))))  # fmt: skip
    print(f"Store: {store.path} ({args.events:,} events, {args.people:,} people); "
          f"median of {args.repeats}")  # fmt: skip
    print(f"  {'':<62} {'wall':>9}    {'CPU':>9}")
    for name, (wall, cpu) in rows:
        print(f"  {name:<62} {wall * 1000:9.1f} ms {cpu * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
