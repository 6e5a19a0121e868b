"""The load benchmark's store: a seeded synthetic history of ``events`` events among
``people`` people, imported as a user would, with its most active person as the owner and
a user to sign in as; built once per (seed, size) and kept in a cache folder.

The events are :mod:`synthetic`'s CSV (likes, replies, messages and the rest between a
heavy-tailed population, over the year 2024), imported through the ``csv`` source by
:func:`goodwill.importing.run_import`, the path ``goodwill import`` takes (a second
process parses while the first writes). Each of the ``people`` handles becomes one person.
The owner is the person :func:`goodwill.ledger.queries.list_people` ranks first (the most
events, either way), as ``bench/web.py`` chooses Bitcoin OTC's.

A store is cached as ``load-s{seed}-e{events}-p{people}-v{GENERATION}.db``: built under a
temporary name and renamed when complete, so an interrupted build is never reused.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from goodwill.events import now_us
from goodwill.importing import run_import
from goodwill.ledger import open_ledger
from goodwill.ledger.people import set_owner
from goodwill.ledger.queries import list_people, person_identities
from goodwill.web.users import add_user
from synthetic import write_events_csv

__all__ = ["GENERATION", "NAME", "PASSWORD", "BuiltStore", "cache_folder", "load_store"]

NAME, PASSWORD = "bench", "a long bench password"
#: Part of the cache key: raise it when what a store holds for a given seed changes.
GENERATION = 1


@dataclass(frozen=True)
class BuiltStore:
    """A store ready to serve, and what it took to make (0 s when it came from the cache)."""

    url: str
    path: Path
    events: int
    people: int
    owner: int
    owner_handles: tuple[str, ...]
    cached: bool
    generate_seconds: float = 0.0
    import_seconds: float = 0.0
    owner_seconds: float = 0.0


def cache_folder() -> Path:
    """``$GOODWILL_BENCH_CACHE``, else ``$XDG_CACHE_HOME/goodwill-bench``, else
    ``~/.cache/goodwill-bench``."""
    if chosen := os.environ.get("GOODWILL_BENCH_CACHE"):
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "goodwill-bench"


def _owner_of(url: str) -> tuple[int, tuple[str, ...]]:
    with open_ledger(url) as ledger, ledger.read() as conn:
        for row in list_people(conn, limit=1):
            handles = tuple(f"{i.network}:{i.account}" for i in person_identities(conn, row.id))
            return row.id, handles
    raise RuntimeError(f"{url} holds nobody")


def load_store(folder: Path, *, seed: int, events: int, people: int) -> BuiltStore:
    """The cached store for these figures in ``folder``, built first if it is not there."""
    path = folder / f"load-s{seed}-e{events}-p{people}-v{GENERATION}.db"
    if path.is_file():
        url = f"sqlite:///{path}"
        owner, handles = _owner_of(url)
        return BuiltStore(url, path, events, people, owner, handles, cached=True)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gw-load-", dir=folder) as work:
        building = Path(work) / "store.db"
        url = f"sqlite:///{building}"
        started = time.perf_counter()
        csv_path = write_events_csv(Path(work) / "events.csv", events, identities=people,
                                    seed=seed)  # fmt: skip
        generated = time.perf_counter()
        with open_ledger(url) as ledger:
            run_import(ledger, "csv", csv_path)
        imported = time.perf_counter()
        owner, handles = _owner_of(url)
        with open_ledger(url) as ledger:
            with ledger.write() as conn:
                set_owner(conn, list(handles), now_us=now_us())
            add_user(ledger, NAME, PASSWORD)
        owned = time.perf_counter()
        csv_path.unlink()
        for leftover in ("-wal", "-shm"):
            if Path(f"{building}{leftover}").exists():
                raise RuntimeError(f"{building} was not closed cleanly ({leftover} is left)")
        building.rename(path)
    return BuiltStore(
        f"sqlite:///{path}", path, events, people, owner, handles, cached=False,
        generate_seconds=generated - started, import_seconds=imported - generated,
        owner_seconds=owned - imported,
    )  # fmt: skip
