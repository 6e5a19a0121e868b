"""The command line as a user meets it: real processes for exit codes, the runner for output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.ledger.migrate import HEAD

runner = CliRunner()
MESSAGES = "1 2 1082040961\n2 1 1082040999\n1 3 1082041000\n3 1 1082041005\n1 2 1082042000\n"


def goodwill(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed command in a real process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "goodwill", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


def invoke(db: str, *args: str) -> str:
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'g.db'}"


@pytest.fixture
def messages(tmp_path: Path) -> Path:
    path = tmp_path / "college.txt"
    path.write_text(MESSAGES)
    return path


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            ["import", "nosuch", "x.csv"],
            "unknown source 'nosuch'; available: bluesky, bluesky-car, csv",
        ),
        (["import", "csv", "missing.csv"], "missing.csv: no such file or folder"),
        (["import", "csv", "x.csv", "--option", "oops"], "write it as key=value"),
        (["show", "nobody"], "nobody matches 'nobody'"),
        (["import", "missing.csv"], "missing.csv: no such file or folder"),
        (["unmerge", "12"], "no merge with id 12"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(tmp_path: Path, args: list[str], needle: str) -> None:
    result = goodwill("--db", f"sqlite:///{tmp_path / 'g.db'}", *args)
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_an_unreadable_database_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"\x00garbage" * 512)
    result = goodwill("stats", env={"GOODWILL_DB": f"sqlite:///{bogus}"})
    assert result.returncode == 2
    assert result.stderr.startswith("goodwill: error: cannot open the store")
    assert "Traceback" not in result.stderr


def test_import_stats_and_a_second_import(db: str, messages: Path) -> None:
    first = json.loads(invoke(db, "import", "snap-temporal", str(messages), "--json"))
    assert (first["read"], first["added"], first["present"], first["identities_added"]) == (
        5,
        5,
        0,
        3,
    )
    again = json.loads(invoke(db, "import", "snap-temporal", str(messages), "--json"))
    assert (again["added"], again["present"]) == (0, 5)
    figures = json.loads(invoke(db, "stats", "--json"))
    assert figures["events"] == 5 and figures["identities"] == 3 and figures["imports"] == 2
    assert figures["by_kind"] == {"message": 5} and figures["by_source"] == {"snap-temporal": 5}


def test_import_without_a_source_recognises_the_file(db: str, messages: Path) -> None:
    result = runner.invoke(app, ["--db", db, "import", str(messages), "--json"])
    assert result.exit_code == 0, result.output
    assert "reading college.txt as snap-temporal" in result.stderr
    assert json.loads(result.stdout)["source"] == "snap-temporal"


def test_import_prints_a_summary(db: str, messages: Path) -> None:
    text = invoke(db, "import", "snap-temporal", str(messages))
    assert "read 5 events" in text and "added 5" in text and "already present 0" in text


def test_skip_bad_reports_rejected_records(db: str, tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_text("1 2 1082040961\nbroken\n")
    text = invoke(db, "import", "snap-temporal", str(path), "--skip-bad", str(tmp_path / "rej.txt"))
    assert "rejected 1" in text and "line 2:" in text
    assert (tmp_path / "rej.txt").read_text() == "broken\n"


def test_people_show_merge_and_unmerge(db: str, messages: Path) -> None:
    invoke(db, "import", "snap-temporal", str(messages))
    listed = json.loads(invoke(db, "people", "--json"))
    assert listed[0]["identities"] == ["college:1"]  # the busiest first
    assert listed[0]["events"] == 5
    shown = json.loads(invoke(db, "show", "college:1", "--json"))
    assert len(shown["timeline"]) == 5
    assert shown["timeline"][0]["time"] == "2004-04-15T15:13:20+00:00"
    merged = invoke(db, "merge", "college:2", "college:3", "--reason", "same student")
    assert "goodwill unmerge 1" in merged
    shown = json.loads(invoke(db, "show", "college:2", "--json"))
    assert {i["handle"] for i in shown["identities"]} == {"college:2", "college:3"}
    assert shown["merges"][0]["reason"] == "same student"
    invoke(db, "unmerge", "1")
    shown = json.loads(invoke(db, "show", "college:2", "--json"))
    assert [i["handle"] for i in shown["identities"]] == ["college:2"]


def test_people_search(db: str, messages: Path) -> None:
    invoke(db, "import", "snap-temporal", str(messages))
    found = json.loads(invoke(db, "people", "--search", "college:3", "--json"))
    assert [p["identities"] for p in found] == [["college:3"]]


def test_owner_is_recorded(db: str, messages: Path) -> None:
    invoke(db, "import", "snap-temporal", str(messages))
    assert "no owner recorded yet" in invoke(db, "owner")
    assert "owner: person 1 (college:1)" in invoke(db, "owner", "college:1")


def test_sources_lists_every_source_with_a_description() -> None:
    listing = json.loads(runner.invoke(app, ["sources", "--json"]).stdout)
    assert sorted(listing) == [
        "bluesky",
        "bluesky-car",
        "csv",
        "jsonl",
        "linkedin",
        "mastodon",
        "mastodon-archive",
        "mbox",
        "snap-signed",
        "snap-temporal",
        "vcard",
        "x-archive",
    ]
    assert all(entry["description"] for entry in listing.values())
    assert "network" in listing["snap-signed"]["options"]


def test_init_reports_the_schema(db: str) -> None:
    assert f"schema {HEAD}" in invoke(db, "init")  # the newest migration


def test_acceptance_bitcoin_otc_and_a_broken_line_17(tmp_path: Path, shared_data: Path) -> None:
    db = f"sqlite:///{tmp_path / 'g.db'}"
    otc = shared_data / "soc-sign-bitcoinotc.csv"
    assert goodwill("--db", db, "import", "snap-signed", str(otc)).returncode == 0
    assert "added 0 ·" in goodwill("--db", db, "import", "snap-signed", str(otc)).stdout
    before = json.loads(goodwill("--db", db, "stats", "--json").stdout)
    assert (before["events"], before["identities"]) == (35_592, 5_881)
    lines = otc.read_text().splitlines(keepends=True)
    lines[16] = lines[16].replace(",", " ", 1)
    broken = tmp_path / "soc-sign-bitcoinotc.csv"
    broken.write_text("".join(lines))
    result = goodwill("--db", db, "import", "snap-signed", str(broken))
    assert result.returncode == 2
    assert "line 17" in result.stderr and "Traceback" not in result.stderr
    assert json.loads(goodwill("--db", db, "stats", "--json").stdout) == before
