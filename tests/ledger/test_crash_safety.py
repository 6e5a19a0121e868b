"""Crash safety: ``goodwill import`` killed with SIGKILL, again and again, loses nothing and
half-applies nothing.

A large import (past the size at which a second process parses) first runs to the end in a
scratch store, to time how long it writes on this machine now. Then, on the real store, it
is killed over and over: at seeded moments spread across that writing time (one in each
sixth of it), and as it commits (see :mod:`tests.ledger.import_watch`). After every kill the
store passes the checks of :mod:`tests.ledger.consistency` and holds either all of the import
(events, identities, people, its ``imports`` row) or none of it. Then the import runs to the
end with exactly the expected counts, and once more adds nothing.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from goodwill.importing import run_import
from goodwill.ledger import open_ledger
from tests.ledger.big_inputs import JsonlInput, write_jsonl
from tests.ledger.cli_process import Command, ForkServer
from tests.ledger.consistency import StoreCounts, store_counts, store_problems
from tests.ledger.import_watch import ImportWatch, sibling_store, watch_store

SEED = 20_251_122
#: Messages of 60 to 110 words make the input (about 23 MB) pass reading.PARALLEL_MIN_BYTES
#: (16 MiB), so the import forks its reader as large ones do.
BIG_EVENTS, BIG_WORDS = 40_000, (60, 110)
WRITING_KILLS, COMMIT_KILLS = 6, 2
_POLL_S = 0.002
_WAIT_S = 120.0

Plan = tuple[str, float]  # ("writing", seconds after it took the write lock) or ("commit", 0)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[JsonlInput, JsonlInput]:
    """A small input imported first and the big one the kills land in; they share people."""
    folder = tmp_path_factory.mktemp("crash-inputs")
    base = write_jsonl(folder / "base.jsonl", seed=1, events=3_000, people=4_000, prefix="base")
    big = write_jsonl(
        folder / "big.jsonl", seed=2, events=BIG_EVENTS, people=6_000, prefix="big", words=BIG_WORDS
    )
    return base, big


def _until(condition: Callable[[], bool], command: Command) -> float | None:
    """Poll ``condition()`` while the command runs: when it came true, or None."""
    deadline = time.monotonic() + _WAIT_S
    while command.running() and time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(_POLL_S)
    return None


def _writing_seconds(cli: ForkServer, url: str, path: Path) -> float:
    """How long the import holds the write lock (commit included), from a full run into
    ``url``."""
    watch = watch_store(url)
    try:
        (command,) = cli.start(("--db", url, "import", "jsonl", str(path)))
        locked = _until(watch.writing, command)
        assert command.wait(timeout=_WAIT_S) == 0, command.stderr()
        ended = time.monotonic()
    finally:
        watch.close()
    assert locked is not None, "the timing run was not seen taking the write lock"
    return ended - locked


def _kill_plans(rng: random.Random, writing_s: float) -> list[Plan]:
    """One kill in each sixth of the first 80 % of the writing time, earliest first (the
    rest is the commit's, and a machine busier or idler than during the timing run shifts
    it), then kills as the commit starts."""
    sixths = [(n + rng.random()) / WRITING_KILLS for n in range(WRITING_KILLS)]
    return [("writing", 0.8 * f * writing_s) for f in sixths] + [("commit", 0.0)] * COMMIT_KILLS


def _kill_at(command: Command, watch: ImportWatch, plan: Plan) -> bool:
    """Kill the import at ``plan``; whether it was still running when killed."""
    moment, delay = plan
    if _until(watch.writing, command) is not None:
        if moment == "commit":
            _until(watch.committing, command)
        else:
            deadline = time.monotonic() + delay
            while command.running() and time.monotonic() < deadline:
                time.sleep(_POLL_S)
    return command.kill()


def _complete_imports_of(url: str, path: Path) -> int:
    with open_ledger(url) as ledger, ledger.read() as conn:
        query = text("SELECT COUNT(*) FROM imports WHERE path = :p AND status = 'complete'")
        return int(conn.execute(query, {"p": str(path.resolve())}).scalar_one())


def test_killed_imports_leave_all_or_nothing(
    store_url: str, inputs: tuple[JsonlInput, JsonlInput], goodwill_cli: ForkServer
) -> None:
    base, big = inputs
    writing_s = _writing_seconds(goodwill_cli, sibling_store(store_url, "timing"), big.path)
    with open_ledger(store_url) as ledger:
        run_import(ledger, "jsonl", base.path)
        before = store_counts(ledger)
    people = len(base.handles | big.handles)
    after = StoreCounts(before.events + big.events, people, people, before.imports + 1)
    import_big = ("--db", store_url, "import", "jsonl", str(big.path), "--json")
    watch = watch_store(store_url)
    outcomes: list[str] = []  # what each kill interrupted
    completed = 0
    try:
        for plan in _kill_plans(random.Random(SEED), writing_s):
            (command,) = goodwill_cli.start(import_big)
            killed_running = _kill_at(command, watch, plan)
            with open_ledger(store_url) as ledger, ledger.write():
                pass  # PostgreSQL ends a dead client's transaction (COMMIT sent or not) itself
            now_completed = _complete_imports_of(store_url, big.path)
            assert killed_running or now_completed > completed, command.stderr()
            interrupted = "a repeat" if completed else "the import"
            landed = "it completed" if now_completed > completed else "nothing of it landed"
            outcomes.append(f"{plan[0]} +{plan[1]:.2f} s: {interrupted}, {landed}")
            completed = now_completed
            with open_ledger(store_url) as ledger:
                assert store_problems(ledger) == [], outcomes
                counts = store_counts(ledger)
            expected = after if completed else before
            assert counts == expected._replace(imports=before.imports + completed), outcomes
    finally:
        watch.close()
    cut_short = [o for o in outcomes if o.endswith("the import, nothing of it landed")]
    assert len(cut_short) >= 4, f"too few kills interrupted the import: {outcomes}"
    (rerun,) = goodwill_cli.start(import_big)
    assert rerun.wait(timeout=_WAIT_S) == 0, rerun.stderr()
    summary = json.loads(rerun.stdout())
    assert summary["read"] == big.events
    assert (summary["added"], summary["present"]) == (
        (0, big.events) if completed else (big.events, 0)
    )
    with open_ledger(store_url) as ledger:
        assert store_problems(ledger) == []
        assert store_counts(ledger) == after._replace(imports=before.imports + completed + 1)
        again = run_import(ledger, "jsonl", big.path)
        assert (again.added, again.present, again.identities_added) == (0, big.events, 0)
