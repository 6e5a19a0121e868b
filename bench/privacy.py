"""What the privacy features cost: encryption at rest, the forgotten filter on imports,
forgetting a person, backup and restore.

On a seeded synthetic CSV of ``--events`` events (``bench/synthetic.py``), on SQLite, each
figure is the median of ``--repeats`` runs, and every comparison is between two runs of
the same machine and moment:

* **import, plain / encrypted**: ``run_import`` into a fresh plain store and into a fresh
  SQLCipher store (raw key, so no key derivation), events/s, and the ratio of their times
  (after one unmeasured import, and with the runs of each kind interleaved);
* **import with someone forgotten**: the same import into a fresh store where one person
  has been forgotten, so every event passes the filter (digest look-ups and redaction of
  text and ids), against the plain import;
* **forget**: forgetting the most active person of the imported store (erase, redact
  every other event's text and ids, VACUUM, WAL truncate), seconds;
* **backup / restore**: ``write_backup`` and ``restore_backup`` of that store, seconds and
  MB/s of the payload.

It prints figures only and asserts nothing. Run from the repository root::

    .venv/bin/python bench/privacy.py                           # 100,000 events, 3 repeats
    .venv/bin/python bench/privacy.py --events 20000 --repeats 1
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from goodwill import open_ledger, run_import
from goodwill.ledger.backup import write_backup
from goodwill.ledger.encryption import KEY_ENV, new_key
from goodwill.ledger.forget import forget_people
from goodwill.ledger.people import identity_person
from goodwill.ledger.restore import restore_backup
from synthetic import write_events_csv

console = Console()


def _import_seconds(url: str, data: Path) -> float:
    with open_ledger(url) as ledger:
        started = time.perf_counter()
        run_import(ledger, "csv", data)
        return time.perf_counter() - started


def _seed_forgotten(url: str, folder: Path) -> None:
    """A store in which one person, absent from the data, has been forgotten."""
    tiny = folder / "tiny.csv"
    tiny.write_text(
        "time,kind,actor,target,id,text\n"
        "2024-01-01T00:00:00Z,message,email:gone@away.example,email:x@y.example,t1,hi\n",
        encoding="utf-8",
    )
    with open_ledger(url) as ledger:
        run_import(ledger, "csv", tiny)
        with ledger.read() as conn:
            person = identity_person(conn, "email:gone@away.example")
        forget_people(ledger, [person])


@dataclass(frozen=True)
class Figures:
    """Seconds of each measure (imports: the median of the repeats), and what they moved."""

    events: int
    repeats: int
    plain: float
    encrypted: float
    filtered: float
    forget: float
    forgotten_events: int
    backup: float
    restore: float
    store_bytes: int
    backup_bytes: int


def measure(events: int, repeats: int) -> Figures:
    """Run every measure on a fresh synthetic CSV of ``events`` events (a store key must be
    in ``GOODWILL_STORE_KEY``)."""
    with tempfile.TemporaryDirectory(prefix="gw-privacy-bench-") as temp:
        folder = Path(temp)
        data = write_events_csv(folder / "events.csv", events, identities=max(events // 10, 10))

        def fresh(kind: str, i: int) -> str:
            scheme = "sqlite+pysqlcipher" if kind == "encrypted" else "sqlite"
            return f"{scheme}:///{folder / f'{kind}-{i}.db'}"

        def filtered(i: int) -> float:
            url = fresh("forgotten", i)
            _seed_forgotten(url, folder)
            return _import_seconds(url, data)

        _import_seconds(fresh("warm-up", 0), data)  # imports, caches: not measured
        runs: dict[str, list[float]] = {"plain": [], "encrypted": [], "filtered": []}
        for i in range(repeats):  # interleaved, so a busy moment hits all three
            runs["plain"].append(_import_seconds(fresh("plain", i), data))
            runs["encrypted"].append(_import_seconds(fresh("encrypted", i), data))
            runs["filtered"].append(filtered(i))
        plain, encrypted, with_filter = (statistics.median(runs[k]) for k in runs)

        store = fresh("plain", 0)
        with open_ledger(store) as ledger:
            size = Path(store.removeprefix("sqlite:///")).stat().st_size
            with ledger.read() as conn:
                person = conn.exec_driver_sql(
                    "SELECT i.person_id FROM events e JOIN identities i ON i.id = e.actor_id "
                    "GROUP BY i.person_id ORDER BY COUNT(*) DESC LIMIT 1"
                ).scalar_one()
            started = time.perf_counter()
            report = forget_people(ledger, [int(person)])
            forgetting = time.perf_counter() - started
            started = time.perf_counter()
            manifest = write_backup(ledger, folder / "store.backup")
            backing_up = time.perf_counter() - started
        started = time.perf_counter()
        restore_backup(folder / "store.backup", f"sqlite:///{folder / 'restored.db'}")
        restoring = time.perf_counter() - started
    return Figures(
        events, repeats, plain, encrypted, with_filter, forgetting, report.events,
        backing_up, restoring, size, manifest.payload_bytes,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault(KEY_ENV, new_key())
    f = measure(args.events, args.repeats)
    table = Table("measure", "seconds", "rate", "time vs plain import", title="privacy costs")
    table.add_row("import, plain", f"{f.plain:.2f}", f"{f.events / f.plain:,.0f} events/s", "1.00x")
    for label, seconds in (("import, encrypted", f.encrypted), ("import, 1 forgotten", f.filtered)):
        table.add_row(
            label,
            f"{seconds:.2f}",
            f"{f.events / seconds:,.0f} events/s",
            f"{seconds / f.plain:.2f}x",
        )
    table.add_row(
        f"forget 1 person ({f.forgotten_events:,} events)",
        f"{f.forget:.2f}",
        f"{f.store_bytes / f.forget / 1e6:.1f} MB/s of store",
        "",
    )
    megabytes = f.backup_bytes / 1e6
    table.add_row("backup", f"{f.backup:.2f}", f"{megabytes / f.backup:.1f} MB/s", "")
    table.add_row("restore", f"{f.restore:.2f}", f"{megabytes / f.restore:.1f} MB/s", "")
    console.print(table)
    console.print(
        f"{f.events:,} synthetic events, {f.repeats} repeats (median), "
        f"store {megabytes:.1f} MB; SQLite"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
