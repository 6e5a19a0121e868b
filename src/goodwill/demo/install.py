"""Putting a demo world into a store: generate it, import it, record its owner.

The ``demo`` command, the insight tests and the benchmarks all need the same thing: a
ledger holding one simulated year and the truth to check features against. Doing it in one
place keeps them looking at the same world.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from goodwill.demo.world import DemoWorld, generate
from goodwill.events import now_us, to_time_us
from goodwill.importing import ImportSummary, Progress, run_import
from goodwill.ledger import Ledger
from goodwill.ledger.people import set_owner

__all__ = ["InstalledDemo", "install_demo"]


@dataclass(frozen=True, slots=True)
class InstalledDemo:
    """A demo world in a store: its files, its truth and the import that brought it in."""

    world: DemoWorld
    truth: dict[str, Any]
    summary: ImportSummary

    @property
    def year_end(self) -> str:
        """The first day after the simulated year, as ``--at`` takes it."""
        return f"{self.truth['year'] + 1}-01-01"

    @property
    def year_end_us(self) -> int:
        """The first instant after the simulated year, in the ledger's unit."""
        return to_time_us(datetime(self.truth["year"] + 1, 1, 1, tzinfo=UTC))


def install_demo(
    ledger: Ledger,
    folder: Path,
    *,
    seed: int = 7,
    scale: int = 1,
    progress: Progress | None = None,
) -> InstalledDemo:
    """Write the world for ``seed`` and ``scale`` into ``folder``, import it into ``ledger``
    and record the world's owner as the store's owner. A second call adds nothing."""
    world = generate(folder, seed=seed, scale=scale)
    summary = run_import(ledger, "jsonl", world.events_path, progress=progress)
    truth = json.loads(world.truth_path.read_text(encoding="utf-8"))
    with ledger.write() as conn:
        set_owner(conn, truth["owner_identities"], now_us=now_us())
    return InstalledDemo(world, truth, summary)
