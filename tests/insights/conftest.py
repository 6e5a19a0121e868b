"""Demo worlds in stores, made once per test run: the ground truth insights are checked on.

``demo`` is the README's world (seed 7, scale 1); ``other_world`` is generated under another
seed with twice the people, so a detector tuned to one world shows it on the other.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from goodwill.demo import InstalledDemo, install_demo
from goodwill.ledger import Ledger, open_ledger
from goodwill.ledger.private_files import create_private


@dataclass(frozen=True)
class DemoStore:
    """A ledger holding a demo world, and that world's truth."""

    ledger: Ledger
    installed: InstalledDemo

    @property
    def truth(self) -> dict:
        return self.installed.truth

    @property
    def at_us(self) -> int:
        return self.installed.year_end_us

    def copy(self, folder: Path) -> str:
        """A URL for a copy of this store, for a test that writes (SQLite's backup API
        includes what still sits in the write-ahead log)."""
        source = sqlite3.connect(self.ledger.url.removeprefix("sqlite:///"))
        # private, as goodwill makes its stores: the CLI warns about any other
        target = sqlite3.connect(create_private(folder / "copy.db"))
        with target:
            source.backup(target)
        source.close()
        target.close()
        return f"sqlite:///{folder / 'copy.db'}"

    def handles_of_role(self, role: str) -> set[str]:
        """Every identity of the people with ``role``."""
        return {h for p in self.truth["people"] if p["role"] == role for h in p["identities"]}


def _install(folder: Path, seed: int, scale: int) -> Iterator[DemoStore]:
    with open_ledger(f"sqlite:///{folder / 'demo.db'}") as ledger:
        yield DemoStore(ledger, install_demo(ledger, folder, seed=seed, scale=scale))


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    """The README's demo world (seed 7), shared by every test that only reads it."""
    yield from _install(tmp_path_factory.mktemp("demo"), 7, 1)


@pytest.fixture(scope="session")
def other_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    """A second world: another seed, twice the people."""
    yield from _install(tmp_path_factory.mktemp("other-world"), 23, 2)
