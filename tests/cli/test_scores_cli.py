"""``goodwill scores``: a scope's stored network scores as rows, highest first, with names,
on screen, as JSON and as a CSV file of every row (what a SQL reader of the old table got)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.events import from_time_us
from goodwill.ledger import open_ledger
from goodwill.ledger.people import identity_person
from goodwill.trust.network_scores import read_network_scores, write_scores
from goodwill.trust.report import parse_moment
from tests.trust.test_network_ledger import END, ME, history

runner = CliRunner()
PLOTTER = "email:plot@x.example"  # a name a spreadsheet would run as a formula


def cli(db: str, *args: str) -> str:
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def refreshed(tmp_path: Path) -> str:
    """The network tests' history, its owner, and one refresh as of their end."""
    db = f"sqlite:///{tmp_path / 'g.db'}"
    records = [*history(), {"identity": PLOTTER, "name": "=HYPERLINK(1)"}]
    path = tmp_path / "history.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    cli(db, "import", "jsonl", str(path))
    cli(db, "owner", ME)
    cli(db, "refresh", "--at", END)
    return db


def test_scores_list_the_highest_first_with_names(refreshed: str) -> None:
    listed = json.loads(cli(refreshed, "scores", "--limit", "2", "--json"))
    with open_ledger(refreshed) as ledger, ledger.read() as conn:
        stored = read_network_scores(conn, "owner")
    best = sorted(zip(stored.score.tolist(), stored.person_id.tolist(), strict=True))[::-1]
    assert listed["people"] == len(stored.person_id) >= 4
    assert listed["as_of"] == from_time_us(parse_moment(END)).isoformat()
    assert [(s["score"], s["person_id"]) for s in listed["scores"]] == best[:2]
    assert all(s["name"] for s in listed["scores"])
    screen = cli(refreshed, "scores")
    assert f"owner: {len(stored.person_id)} people scored" in screen
    assert listed["scores"][0]["name"] in screen


def test_the_csv_holds_every_row_and_no_formula(refreshed: str, tmp_path: Path) -> None:
    with open_ledger(refreshed) as ledger, ledger.write() as conn:
        plotter = identity_person(conn, PLOTTER)
        me = identity_person(conn, ME)
        write_scores(conn, "club", [me, plotter], [0.5, 0.25], [0.1, 0.9], [0.2, 1.0],
                     at_us=parse_moment(END), now_us=1, engine="spark")  # fmt: skip
    target = tmp_path / "club.csv"
    cli(refreshed, "scores", "--scope", "club", "--limit", "1", "--csv", str(target))
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    as_of = from_time_us(parse_moment(END)).isoformat()
    assert rows == [
        ["person_id", "name", "score", "normalized", "mass", "as_of"],
        [str(plotter), "'=HYPERLINK(1)", "0.9", "1.0", "0.25", as_of],
        [str(me), "'@me@a.example", "0.1", "0.2", "0.5", as_of],
    ]
    assert target.stat().st_mode & 0o077 == 0  # names of people: private to the user


def test_a_scope_with_no_scores_says_where_scores_come_from(refreshed: str) -> None:
    result = runner.invoke(app, ["--db", refreshed, "scores", "--scope", "nobody"])
    assert result.exit_code == 2
    assert "no network scores stored for scope 'nobody'" in result.stderr
