"""``goodwill demo`` end to end: the world is generated, imported and summarised truthfully."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.ledger import open_ledger
from goodwill.ledger.queries import reciprocal_contacts, stats

runner = CliRunner()


def test_demo_imports_the_world_and_names_its_strongest_relationships(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = runner.invoke(app, ["--db", url, "demo", "--folder", str(tmp_path / "world")])
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "world" / "events.jsonl").read_text().splitlines()
    event_lines = [line for line in lines if '"identity"' not in line]
    truth = json.loads((tmp_path / "world" / "truth.json").read_text())
    with open_ledger(url) as ledger, ledger.read() as conn:
        figures = stats(conn)
        strongest = reciprocal_contacts(conn, limit=5)
    assert figures["events"] == len(event_lines)
    assert f"{figures['events']:,} events" in result.stdout
    assert "Strongest relationships" in result.stdout
    # Sustained two-way exchange is what the demo's colleagues have and nobody else does.
    colleagues = {p["name"] for p in truth["people"] if p["role"] == "colleague"}
    assert {row["name"] for row in strongest} <= colleagues
    assert strongest[0]["name"] in result.stdout
    # and the year's end in stages: the old friends and finished customers have gone quiet
    year_end = " ".join(result.stdout.split()).split("relationships at the end of the year:")[1]
    stages_line = year_end.split("Most trusted")[0]
    assert "maintaining" in stages_line and "cooling" in stages_line


def test_demo_again_into_the_same_store_adds_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    folder = str(tmp_path / "world")
    assert runner.invoke(app, ["--db", url, "demo", "--folder", folder]).exit_code == 0
    again = runner.invoke(app, ["--db", url, "demo", "--folder", folder])
    assert again.exit_code == 0
    assert "added 0 ·" in again.stdout
