"""``goodwill export parquet`` and ``goodwill spark load`` on SQLite and PostgreSQL, with
no Spark: the export is read back with pyarrow, and a scores folder is written with it."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.errors import SourceError
from goodwill.export import parquet
from goodwill.ledger import open_ledger
from goodwill.ledger.people import identity_person
from goodwill.trust.network_scores import person_scores, read_network_scores
from tests.trust.test_network_ledger import END, ME, SPAM, history

runner = CliRunner()


def cli(db: str, *args: str) -> str:
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def store(store_url: str, tmp_path: Path) -> str:
    """The network tests' hand-made history, its owner, a post and one of the owner's notes."""
    events = [
        *history(),
        {"id": "post", "time": "2024-03-01T09:00:00Z", "kind": "post", "actor": ME,
         "text": "hello"},
    ]  # fmt: skip
    path = tmp_path / "history.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in events) + "\n")
    cli(store_url, "import", "jsonl", str(path))
    cli(store_url, "owner", ME)
    cli(store_url, "outcome", "@ana@a.example", "deal", "--on", "2024-04-01")
    return store_url


def test_the_export_holds_every_interaction_in_batches_and_no_text_or_note(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parquet, "BATCH_ROWS", 7)  # several batches, one row group each
    folder = tmp_path / "export"
    cli(store, "export", "parquet", str(folder), "--at", END)
    manifest = parquet.read_manifest(folder)
    with open_ledger(store) as ledger, ledger.read() as conn:
        me = identity_person(conn, ME)
    assert manifest.owner_person_id == me
    assert manifest.counts == {"events": len(history()) + 1, "identities": 6, "people": 6}
    events_file = pq.ParquetFile(folder / "events" / parquet.PART)
    assert events_file.metadata.num_row_groups == -(-manifest.counts["events"] // 7)
    events = events_file.read()
    assert events.schema.equals(parquet.EVENTS_SCHEMA)
    assert "outcome" not in events.column("kind").to_pylist()  # the owner's notes stay home
    assert "text" not in events.schema.names  # so do the texts
    post = events.filter(pc.equal(events.column("kind"), "post")).to_pylist()
    assert post == [{**post[0], "target_id": None, "target_person": None, "value": None}]
    assert post[0]["actor_person"] == me
    assert sorted(events.column("id").to_pylist()) == events.column("id").to_pylist()
    identities = pq.read_table(folder / "identities").to_pylist()
    assert {i["account"] for i in identities} >= {"@me@a.example", "@spam@a.example"}
    assert pq.read_table(folder / "people").num_rows == 6


def test_an_export_as_of_a_date_leaves_later_events_out(store: str, tmp_path: Path) -> None:
    cli(store, "export", "parquet", str(tmp_path / "early"), "--at", "2024-02-01T12:00:00")
    events = pq.read_table(tmp_path / "early" / "events")
    latest = max(events.column("occurred_at_us").to_pylist())
    assert latest <= parquet.read_manifest(tmp_path / "early").as_of_us
    assert 0 < events.num_rows < len(history())
    result = runner.invoke(app, ["--db", store, "export", "parquet", str(tmp_path / "early")])
    assert result.exit_code == 2 and "not an empty folder" in result.stderr


def test_a_folder_without_its_manifest_is_no_export(tmp_path: Path) -> None:
    (tmp_path / "events").mkdir()
    with pytest.raises(SourceError, match="did not finish"):
        parquet.read_manifest(tmp_path)
    (tmp_path / parquet.MANIFEST).write_text('{"format": "goodwill-parquet", "schema_version": 9}')
    with pytest.raises(SourceError, match="schema version 9"):
        parquet.read_manifest(tmp_path)


def _scores_folder(folder: Path, rows: list[tuple[int, float, str, int]]) -> Path:
    """A scores folder as a Spark run writes it (person, mass, scope, at)."""
    folder.mkdir()
    table = pa.table(
        {
            "person_id": pa.array([r[0] for r in rows], pa.int64()),
            "mass": [r[1] for r in rows],
            "score": [r[1] / 2 for r in rows],
            "normalized": [r[1] * 3 for r in rows],
            "penalty": [0.0] * len(rows),
            "scope": [r[2] for r in rows],
            "at_us": pa.array([r[3] for r in rows], pa.int64()),
        }
    )
    pq.write_table(table, folder / "part-00000.parquet")
    (folder / "_SUCCESS").write_text("")  # Spark's marker: not a data file
    return folder


def test_spark_load_replaces_the_scope_and_refuses_what_does_not_fit(
    store: str, tmp_path: Path
) -> None:
    with open_ledger(store) as ledger, ledger.read() as conn:
        me, spam = identity_person(conn, ME), identity_person(conn, SPAM)
    first = _scores_folder(tmp_path / "first", [(me, 0.5, "owner", 10), (spam, 0.1, "owner", 10)])
    assert "loaded 2 scores" in cli(store, "spark", "load", str(first))
    second = _scores_folder(tmp_path / "second", [(spam, 0.25, "owner", 20)])
    cli(store, "spark", "load", str(second))
    stranger = _scores_folder(
        tmp_path / "stranger", [(me, 0.9, "owner", 30), (99_999, 1.0, "owner", 30)]
    )
    mixed = _scores_folder(tmp_path / "mixed", [(me, 0.9, "owner", 30), (spam, 0.1, "other", 30)])
    for folder, reason in ((stranger, "not in this store"), (mixed, "more than one scope")):
        result = runner.invoke(app, ["--db", store, "spark", "load", str(folder)])
        assert result.exit_code == 2 and reason in result.stderr
    result = runner.invoke(app, ["--db", store, "spark", "load", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "no such folder" in result.stderr
    with open_ledger(store) as ledger, ledger.read() as conn:
        stored = read_network_scores(conn, "owner")
        kept = person_scores(conn, spam)
    # the second load replaced the first; the refused ones nothing
    assert stored.person_id.tolist() == [spam] and stored.at_us == 20
    assert (stored.mass.tolist(), stored.score.tolist(), stored.normalized.tolist()) == (
        [0.25], [0.125], [0.75]
    )  # fmt: skip
    assert [(s.scope, s.engine) for s in kept] == [("owner", "spark")]


def test_every_scores_column_is_required(store: str, tmp_path: Path) -> None:
    folder = tmp_path / "thin"
    folder.mkdir()
    pq.write_table(pa.table({"person_id": [1], "mass": [0.5]}), folder / "part.parquet")
    result = runner.invoke(app, ["--db", store, "spark", "load", str(folder)])
    assert result.exit_code == 2 and "no column score, normalized, scope, at_us" in result.stderr
