"""Imports: all or nothing, recorded, idempotent, with rejected records set aside on request."""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from goodwill.errors import SourceError, UnknownSourceError
from goodwill.importing import check_import, run_import
from goodwill.ledger import Ledger
from goodwill.ledger.queries import stats
from goodwill.ledger.schema import imports

ROWS = "1 2 1082040961\n1 2 1082040961\n3 4 1082155839\n5 2 1082414391\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_is_recorded_with_hash_counts_and_status(ledger: Ledger, tmp_path: Path) -> None:
    path = _write(tmp_path / "msgs.txt", ROWS)
    summary = run_import(ledger, "snap-temporal", path)
    assert (summary.events_read, summary.added, summary.present, summary.identities_added) == (
        4,
        4,
        0,
        5,
    )
    with ledger.read() as conn:
        row = conn.execute(select(imports)).one()
    assert row.status == "complete"
    assert row.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() == summary.sha256
    assert (row.records_read, row.events_added, row.events_present, row.rejected) == (4, 4, 0, 0)
    assert row.finished_at >= row.started_at


def test_gzip_copy_of_a_file_adds_nothing_new(ledger: Ledger, tmp_path: Path) -> None:
    run_import(ledger, "snap-temporal", _write(tmp_path / "msgs.txt", ROWS))
    packed = tmp_path / "msgs.txt.gz"
    packed.write_bytes(gzip.compress(ROWS.encode()))
    again = run_import(ledger, "snap-temporal", packed)
    assert (again.added, again.present) == (0, 4)


def test_bad_record_rolls_back_everything(ledger: Ledger, tmp_path: Path) -> None:
    run_import(ledger, "snap-temporal", _write(tmp_path / "good.txt", ROWS))
    with ledger.read() as conn:
        before = stats(conn)
    bad = _write(tmp_path / "bad.txt", "7 8 1082040961\n9 x 1082040962\n")
    with pytest.raises(SourceError, match=r"bad\.txt: line 2: SRC and TGT must be whole-number"):
        run_import(ledger, "snap-temporal", bad)
    with ledger.read() as conn:
        assert stats(conn) == before


def test_skip_bad_sets_records_aside_and_imports_the_rest(ledger: Ledger, tmp_path: Path) -> None:
    bad = _write(
        tmp_path / "bad.txt", "7 8 1082040961\n9 x 1082040962\nonly-one-field\n10 11 1082040963\n"
    )
    rejects = tmp_path / "rejects.txt"
    summary = run_import(ledger, "snap-temporal", bad, skip_bad=rejects)
    assert (summary.added, summary.rejected) == (2, 2)
    assert rejects.read_text() == "9 x 1082040962\nonly-one-field\n"
    reasons = (tmp_path / "rejects.txt.reasons").read_text().splitlines()
    assert [line.split("\t")[0] for line in reasons] == ["line 2", "line 3"]
    assert summary.rejects_path == rejects
    assert [r.location for r in summary.first_rejects] == ["line 2", "line 3"]


def test_a_failed_import_leaves_no_reject_files(ledger: Ledger, tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.txt", "9 x 1\n1 2 3\n")
    rejects = tmp_path / "rejects.txt"
    with pytest.raises(SourceError, match="kind"):
        run_import(ledger, "snap-temporal", bad, skip_bad=rejects, options={"kind": "wave"})
    assert not list(tmp_path.glob("rejects*"))


def test_checks_before_reading(tmp_path: Path, ledger: Ledger) -> None:
    with pytest.raises(
        UnknownSourceError,
        match="available: bluesky, bluesky-car, csv, jsonl, linkedin, mastodon, mastodon-archive, mbox",
    ):
        check_import("nope", tmp_path)
    with pytest.raises(SourceError, match="no such file"):
        check_import("csv", tmp_path / "missing.csv")
    # a device would be hashed for ever before the first record was read
    with pytest.raises(SourceError, match="not a regular file or folder"):
        check_import("csv", Path("/dev/zero"))
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(SourceError, match="not a regular file or folder"):
        run_import(ledger, "csv", fifo)
    with pytest.raises(SourceError, match="has no option 'colour'"):
        check_import("csv", tmp_path, {"colour": "red"})


def test_progress_is_reported_up_to_the_file_size(ledger: Ledger, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "msgs.txt", "".join(f"{n} {n + 1} {1_082_040_961 + n}\n" for n in range(2_500))
    )
    seen: list[tuple[int, int, int]] = []
    run_import(ledger, "snap-temporal", path, batch_size=1_000, progress=lambda *a: seen.append(a))
    assert [events for _, _, events in seen] == [1_000, 2_000, 2_500]
    assert seen[-1][:2] == (path.stat().st_size, path.stat().st_size)


def test_bad_options_fail_before_any_reading(tmp_path: Path) -> None:
    path = _write(tmp_path / "odd.txt", "1 2 1082040961\n")
    with pytest.raises(SourceError, match="option kind='wave' is not an event kind"):
        check_import("snap-temporal", path, {"kind": "wave"})
    with pytest.raises(SourceError, match="option network 'My Mail'"):
        check_import("csv", path, {"network": "My Mail"})
