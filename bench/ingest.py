"""Import speed: goodwill's importer beside baselines measured in the same run.

What it measures, for each input (Bitcoin OTC through ``snap-signed`` from ``../shared/data``;
a seeded synthetic CSV of ``--events`` events written by ``bench/synthetic.py``; and, written
by ``bench/exports.py``, an mbox of ``--mbox-messages`` messages through ``mbox`` and an X
archive of ``--x-tweets`` tweets through ``x-archive``) and each backend (SQLite, and
PostgreSQL on a throwaway cluster when a server is installed):

* **import**: the median of ``--repeats`` fresh imports (``run_import`` into an empty store):
  events/s (events read / seconds of the whole import: hashing, parsing, resolving
  identities, writing, commit), seconds, events added, identities added;
* **re-import**: the same input once more into the last of those stores, where every event
  is already present, and its events/s.

Two baselines make the figures ratios rather than absolute claims about the machine:

* **parse only**: iterating the source's records with no store at all;
* **SQLite ceiling**: the stdlib ``sqlite3`` driver ``executemany``-ing the same events, as
  tuples built beforehand (untimed, integer identity ids from a dict), into a fresh file with
  exactly the ledger's schema (made by ``open_ledger``), with goodwill's pragmas (WAL,
  ``synchronous=NORMAL``, its cache size), the writer's ``INSERT ... ON CONFLICT DO NOTHING``,
  batches of 10,000, one ``BEGIN IMMEDIATE`` transaction: as fast as any Python importer could
  write those rows into this schema. It writes no identity or person rows; goodwill must.

It prints figures only and asserts nothing. Run from the repository root::

    .venv/bin/python bench/ingest.py                              # 1,000,000 events, 3 repeats
    .venv/bin/python bench/ingest.py --events 50000 --repeats 1   # quick, about two minutes
    .venv/bin/python bench/ingest.py --no-postgres --json bench.json
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from rich.console import Console
from rich.table import Table

from exports import write_mbox, write_x_archive
from goodwill import ImportSummary, open_ledger, run_import
from goodwill.events import Event
from goodwill.ledger.writer import insert_events_sql
from goodwill.sources.registry import source_class
from synthetic import write_events_csv

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
OTC_FILE = "soc-sign-bitcoinotc.csv"
TARGET_EVENTS = 1_000_000
MBOX_MESSAGES = 50_000
X_TWEETS = 50_000
TARGET_RATE = 200_000  # events/s into SQLite for the 1M-event file (the target)
BATCH = 10_000
CACHE_PAGES = -65_536  # the ledger's own PRAGMA cache_size
INSERT_SQL = insert_events_sql("qmark")  # the very statement the SQLite writer runs

Row = tuple[object, ...]
#: A fresh, empty store for one import: yields its URL, removes it afterwards.
StoreFactory = Callable[[], AbstractContextManager[str]]


@dataclass(frozen=True)
class Input:
    """One file to import and the source that reads it."""

    label: str
    source: str
    path: Path


@dataclass(frozen=True)
class Backend:
    """A kind of store, and how to get an empty one."""

    name: str
    fresh: StoreFactory


@dataclass
class Baselines:
    """The in-run reference rates for one input."""

    input: str
    events: int
    parse_seconds: float
    parse_events_per_second: float
    ceiling_seconds: list[float] = field(default_factory=list)
    ceiling_events_per_second: float | None = None


@dataclass
class ImportFigures:
    """goodwill's import of one input into one backend."""

    input: str
    backend: str
    repeats: int
    events_read: int
    events_per_second: float
    seconds: float
    seconds_each: list[float]
    added: int
    identities_added: int
    reimport_events_per_second: float
    reimport_seconds: float
    reimport_present: int
    vs_parse: float | None = None
    vs_ceiling: float | None = None


# -- the inputs --------------------------------------------------------------------------


def generate_csv(folder: Path, events: int) -> tuple[Input, float]:
    """Write the synthetic CSV once for the whole run; returns it and how long that took."""
    started = time.perf_counter()
    path = write_events_csv(folder / f"synthetic-{events}.csv", events)
    return Input(f"synthetic {events:,}", "csv", path), time.perf_counter() - started


def generate_exports(folder: Path, messages: int, tweets: int) -> tuple[list[Input], float]:
    """Write the mbox and the X archive once for the whole run (a size of 0 leaves one out);
    returns them and how long that took."""
    started = time.perf_counter()
    inputs = []
    if messages:
        path = write_mbox(folder / f"mail-{messages}.mbox", messages)
        inputs.append(Input(f"mbox {messages:,} messages", "mbox", path))
    if tweets:
        path = write_x_archive(folder / f"x-archive-{tweets}.zip", tweets)
        inputs.append(Input(f"X archive {tweets:,} tweets", "x-archive", path))
    return inputs, time.perf_counter() - started


def otc_input(console: Console) -> Input | None:
    """Bitcoin OTC from the shared datasets, or None (said aloud) when they are absent."""
    path = SHARED_DATA / OTC_FILE
    if path.is_file():
        return Input("Bitcoin OTC", "snap-signed", path)
    console.print(f"[yellow]skipping Bitcoin OTC: {path} is absent[/]")
    return None


# -- the baselines -----------------------------------------------------------------------


def parse_only(inp: Input) -> tuple[int, float]:
    """Events the source yields and the seconds it takes, with no store."""
    source = source_class(inp.source)(None)
    gc.collect()
    started = time.perf_counter()
    events = sum(1 for record in source.records(inp.path) if type(record) is Event)
    return events, time.perf_counter() - started


def event_rows(inp: Input) -> list[Row]:
    """The input's events as the tuples the ledger stores, identity ids assigned by a dict."""
    ids: dict[str, int] = {}
    rows: list[Row] = []
    for record in source_class(inp.source)(None).records(inp.path):
        if type(record) is not Event:
            continue
        actor = ids.setdefault(record.actor, len(ids) + 1)
        target = None if record.target is None else ids.setdefault(record.target, len(ids) + 1)
        rows.append(
            (
                1,
                inp.source,
                record.external_id,
                record.kind,
                record.time_us,
                actor,
                target,
                record.value,
                record.text,
                record.answers,
            )
        )
    return rows


def sqlite_ceiling(rows: list[Row], folder: Path) -> float:
    """Seconds for raw ``sqlite3`` to write ``rows`` into a fresh file with the ledger's schema."""
    path = folder / "ceiling.db"
    open_ledger(f"sqlite:///{path}").close()  # the ledger's exact tables and indexes
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA cache_size = {CACHE_PAGES}")
        gc.collect()
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        for start in range(0, len(rows), BATCH):
            conn.executemany(INSERT_SQL, rows[start : start + BATCH])
        conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        conn.close()


def measure_baselines(inp: Input, repeats: int, console: Console) -> Baselines:
    """Parse-only rate, then the SQLite ceiling as the median of ``repeats`` fresh files."""
    events, seconds = parse_only(inp)
    base = Baselines(inp.label, events, seconds, per_second(events, seconds))
    console.print(
        f"  {inp.label}: parse only {seconds:.2f} s ({base.parse_events_per_second:,.0f} events/s)"
    )
    rows = event_rows(inp)
    for n in range(repeats):
        with tempfile.TemporaryDirectory(prefix="gw-ceiling-") as folder:
            base.ceiling_seconds.append(sqlite_ceiling(rows, Path(folder)))
        console.print(
            f"  {inp.label}: SQLite ceiling {n + 1}/{repeats} {base.ceiling_seconds[-1]:.2f} s"
        )
    del rows
    base.ceiling_events_per_second = per_second(events, statistics.median(base.ceiling_seconds))
    return base


def per_second(events: int, seconds: float) -> float:
    return events / seconds if seconds > 0 else 0.0


# -- the backends ------------------------------------------------------------------------


@contextmanager
def fresh_sqlite() -> Iterator[str]:
    """An empty SQLite store in its own temporary folder."""
    with tempfile.TemporaryDirectory(prefix="gw-sqlite-") as folder:
        yield f"sqlite:///{Path(folder) / 'goodwill.db'}"


@contextmanager
def postgres_backend(console: Console, wanted: bool) -> Iterator[Backend | None]:
    """One throwaway PostgreSQL cluster for the whole run (tests/pgserver.py), or None."""
    if not wanted:
        console.print("[yellow]skipping PostgreSQL: --no-postgres[/]")
        yield None
        return
    import psycopg

    pgserver = pgserver_module()
    bindir = pgserver.find_bindir()
    if bindir is None:
        console.print(
            "[yellow]skipping PostgreSQL: no server installed (apt-get install postgresql)[/]"
        )
        yield None
        return
    try:
        server = pgserver.start_postgres(bindir)
    except RuntimeError as exc:
        console.print(f"[yellow]skipping PostgreSQL: {exc}[/]")
        yield None
        return
    admin = f"host={server.socket_dir} user={server.user} dbname=postgres"
    numbers = iter(range(1, 1_000_000))

    @contextmanager
    def fresh() -> Iterator[str]:
        name = f"bench_{next(numbers)}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield server.url(name)
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    try:
        yield Backend("PostgreSQL", fresh)
    finally:
        server.stop()


def pgserver_module() -> ModuleType:
    """The tests' throwaway-cluster helper, tests/pgserver.py."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("tests.pgserver")


def postgres_version() -> str | None:
    """The installed server's version line, when there is one."""
    bindir = pgserver_module().find_bindir()
    if bindir is None:
        return None
    done = subprocess.run(
        [str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or None


# -- goodwill's imports ------------------------------------------------------------------


def timed_import(
    url: str, inp: Input, *, again: bool
) -> tuple[ImportSummary, ImportSummary | None]:
    """A fresh import into the store at ``url``, and optionally a second, all-present one."""
    ledger = open_ledger(url)
    try:
        gc.collect()
        first = run_import(ledger, inp.source, inp.path)
        second = run_import(ledger, inp.source, inp.path) if again else None
    finally:
        ledger.close()
    return first, second


def measure_imports(inp: Input, backend: Backend, repeats: int, console: Console) -> ImportFigures:
    """The median of ``repeats`` fresh imports, then one re-import into the last store."""
    summaries: list[ImportSummary] = []
    again: ImportSummary | None = None
    for n in range(repeats):
        with backend.fresh() as url:
            summary, second = timed_import(url, inp, again=n == repeats - 1)
        summaries.append(summary)
        again = second or again
        console.print(
            f"  {inp.label} -> {backend.name} {n + 1}/{repeats}: {summary.seconds:.2f} s"
            + (f", re-import {second.seconds:.2f} s" if second else "")
        )
    assert again is not None
    return ImportFigures(
        input=inp.label,
        backend=backend.name,
        repeats=repeats,
        events_read=summaries[0].events_read,
        events_per_second=statistics.median(s.events_per_second for s in summaries),
        seconds=statistics.median(s.seconds for s in summaries),
        seconds_each=[round(s.seconds, 3) for s in summaries],
        added=int(statistics.median(s.added for s in summaries)),
        identities_added=int(statistics.median(s.identities_added for s in summaries)),
        reimport_events_per_second=again.events_per_second,
        reimport_seconds=again.seconds,
        reimport_present=again.present,
    )


def add_ratios(figures: ImportFigures, base: Baselines) -> None:
    figures.vs_parse = (
        figures.events_per_second / base.parse_events_per_second
        if base.parse_events_per_second
        else None
    )
    if figures.backend == "SQLite" and base.ceiling_events_per_second:
        figures.vs_ceiling = figures.events_per_second / base.ceiling_events_per_second


# -- reporting ---------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "postgresql": postgres_version(),
    }


def ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def baseline_table(bases: list[Baselines]) -> Table:
    table = Table(title="Baselines (same run)")
    for name in (
        "input",
        "events",
        "parse only ev/s",
        "parse s",
        "SQLite ceiling ev/s",
        "ceiling s",
    ):
        table.add_column(name, justify="left" if name == "input" else "right", no_wrap=True)
    for b in bases:
        ceiling = statistics.median(b.ceiling_seconds) if b.ceiling_seconds else None
        table.add_row(
            b.input,
            f"{b.events:,}",
            f"{b.parse_events_per_second:,.0f}",
            f"{b.parse_seconds:.2f}",
            "-" if b.ceiling_events_per_second is None else f"{b.ceiling_events_per_second:,.0f}",
            "-" if ceiling is None else f"{ceiling:.2f}",
        )
    return table


def import_table(rows: list[ImportFigures], repeats: int) -> Table:
    table = Table(title=f"goodwill import (median of {repeats} fresh imports)")
    columns = (
        "input",
        "backend",
        "events/s",
        "seconds",
        "added",
        "identities",
        "re-import ev/s",
        "vs parse",
        "vs ceiling",
    )
    for name in columns:
        table.add_column(
            name, justify="left" if name in ("input", "backend") else "right", no_wrap=True
        )
    for r in rows:
        table.add_row(
            r.input,
            r.backend,
            f"{r.events_per_second:,.0f}",
            f"{r.seconds:.2f}",
            f"{r.added:,}",
            f"{r.identities_added:,}",
            f"{r.reimport_events_per_second:,.0f}",
            ratio(r.vs_parse),
            ratio(r.vs_ceiling),
        )
    return table


def target_verdict(
    rows: list[ImportFigures], bases: dict[str, Baselines], events: int
) -> dict[str, Any]:
    """The issue's target beside the SQLite figure for the synthetic file and its baselines."""
    measured = next(
        (r for r in rows if r.backend == "SQLite" and r.input.startswith("synthetic")), None
    )
    rate = measured.events_per_second if measured else None
    base = bases.get(measured.input) if measured else None
    return {
        "target_events_per_second": TARGET_RATE,
        "target_file_events": TARGET_EVENTS,
        "measured_file_events": events,
        "measured_events_per_second": rate,
        "met": None if rate is None else rate >= TARGET_RATE,
        "comparable": events == TARGET_EVENTS,
        "parse_events_per_second": base.parse_events_per_second if base else None,
        "ceiling_events_per_second": base.ceiling_events_per_second if base else None,
    }


def print_target(console: Console, verdict: dict[str, Any]) -> None:
    rate = verdict["measured_events_per_second"]
    console.print(
        f"Target (issue): >= {TARGET_RATE:,} events/s into SQLite for the "
        f"{TARGET_EVENTS:,}-event file."
    )
    if rate is None:
        console.print("  not measured (no SQLite row for the synthetic file)")
        return
    word = "[bold green]met[/]" if verdict["met"] else "[bold red]not met[/]"
    console.print(
        f"  measured: {rate:,.0f} events/s = {rate / TARGET_RATE:.2f}x of the target: {word}"
    )
    for name, key in (
        ("parse only", "parse_events_per_second"),
        ("SQLite ceiling", "ceiling_events_per_second"),
    ):
        if verdict[key]:
            console.print(
                f"  {name} in this run: {verdict[key]:,.0f} events/s "
                f"= {verdict[key] / TARGET_RATE:.2f}x of the target"
            )
    if not verdict["comparable"]:
        console.print(
            f"  (measured on {verdict['measured_file_events']:,} events, not "
            f"{TARGET_EVENTS:,}: indicative only)"
        )


# -- the run -----------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=TARGET_EVENTS, help="synthetic CSV size")
    parser.add_argument("--repeats", type=int, default=3, help="fresh imports per figure")
    parser.add_argument(
        "--mbox-messages", type=int, default=MBOX_MESSAGES, help="generated mbox size (0: none)"
    )
    parser.add_argument(
        "--x-tweets", type=int, default=X_TWEETS, help="generated X archive size (0: none)"
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write figures as JSON")
    args = parser.parse_args(argv)
    if args.events < 1 or args.repeats < 1:
        parser.error("--events and --repeats must be at least 1")
    if args.mbox_messages < 0 or args.x_tweets < 0:
        parser.error("--mbox-messages and --x-tweets must be at least 0")
    return args


def make_console() -> Console:
    """Rich output; wide enough for the tables even when written to a file."""
    return Console() if sys.stdout.isatty() else Console(width=132)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = make_console()
    started = time.perf_counter()
    info = machine()
    console.print(
        f"Machine: {info['cpus']} CPUs, Python {info['python']}, SQLite {info['sqlite']}, "
        f"{info['postgresql'] or 'no PostgreSQL server installed'}"
    )
    console.print(f"Platform: {info['platform']}")
    with (
        tempfile.TemporaryDirectory(prefix="gw-bench-") as folder,
        postgres_backend(console, not args.no_postgres) as postgres,
    ):
        synthetic, generation = generate_csv(Path(folder), args.events)
        size = synthetic.path.stat().st_size / 1e6
        console.print(f"Generated {args.events:,} events ({size:.0f} MB) in {generation:.1f} s")
        exports, export_seconds = generate_exports(Path(folder), args.mbox_messages, args.x_tweets)
        for made in exports:
            size = made.path.stat().st_size / 1e6
            console.print(f"Generated {made.label} ({size:.0f} MB)")
        console.print(f"  in {export_seconds:.1f} s")
        inputs = [i for i in (otc_input(console), synthetic, *exports) if i is not None]
        backends = [Backend("SQLite", fresh_sqlite), *([postgres] if postgres else [])]
        console.print("Baselines:")
        bases = {i.label: measure_baselines(i, args.repeats, console) for i in inputs}
        console.print("Imports:")
        rows = []
        for inp in inputs:
            for backend in backends:
                figures = measure_imports(inp, backend, args.repeats, console)
                add_ratios(figures, bases[inp.label])
                rows.append(figures)
    console.print()
    console.print(baseline_table(list(bases.values())))
    console.print(import_table(rows, args.repeats))
    console.print(
        "events/s = events read / seconds of the whole run_import (hash, parse, identities, "
        "write, commit).\nre-import: the same file again into the last store, every event "
        "already present.\nvs parse / vs ceiling: goodwill's events/s over that baseline's."
    )
    verdict = target_verdict(rows, bases, args.events)
    print_target(console, verdict)
    wall = time.perf_counter() - started
    console.print(f"Wall time: {wall:.0f} s")
    if args.json:
        report = {
            "machine": info,
            "events": args.events,
            "repeats": args.repeats,
            "generation_seconds": generation,
            "mbox_messages": args.mbox_messages,
            "x_tweets": args.x_tweets,
            "export_generation_seconds": export_seconds,
            "baselines": [asdict(b) for b in bases.values()],
            "imports": [asdict(r) for r in rows],
            "target": verdict,
            "wall_seconds": wall,
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        console.print(f"Figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
