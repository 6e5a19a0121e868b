"""The acceptance figures, on the real SNAP datasets, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodwill.errors import SourceError
from goodwill.importing import run_import
from goodwill.ledger import Ledger
from goodwill.ledger.queries import stats

DATASETS = [
    ("snap-signed", "soc-sign-bitcoinotc.csv", 35_592, 5_881),
    ("snap-signed", "soc-sign-bitcoinalpha.csv", 24_186, 3_783),
    ("snap-temporal", "CollegeMsg.txt", 59_835, 1_899),
]


@pytest.mark.parametrize(("source", "name", "events", "identities"), DATASETS)
def test_dataset_imports_exactly_once(
    ledger: Ledger, shared_data: Path, source: str, name: str, events: int, identities: int
) -> None:
    first = run_import(ledger, source, shared_data / name)
    assert (first.added, first.present, first.identities_added) == (events, 0, identities)
    again = run_import(ledger, source, shared_data / name)
    assert (again.added, again.present, again.identities_added) == (0, events, 0)
    with ledger.read() as conn:
        figures = stats(conn)
    assert figures["events"] == events
    assert figures["identities"] == identities
    assert figures["by_source"] == {source: events}


def test_broken_line_leaves_store_unchanged(
    ledger: Ledger, shared_data: Path, tmp_path: Path
) -> None:
    run_import(ledger, "snap-temporal", shared_data / "CollegeMsg.txt")
    with ledger.read() as conn:
        before = stats(conn)
    lines = (shared_data / "soc-sign-bitcoinotc.csv").read_text().splitlines(keepends=True)
    lines[16] = lines[16].replace(",", ";", 1)
    broken = tmp_path / "soc-sign-bitcoinotc.csv"
    broken.write_text("".join(lines))
    with pytest.raises(SourceError, match="line 17"):
        run_import(ledger, "snap-signed", broken)
    with ledger.read() as conn:
        assert stats(conn) == before
