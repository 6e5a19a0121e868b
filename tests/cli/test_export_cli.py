"""``goodwill export vcard`` and ``goodwill merge --suggest`` as a user runs them.

The acceptance test: people merged across networks, exported as vCards, imported into a
fresh ledger, come out as the same people with the same names; imported into the ledger
they came from, they add nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.ledger import open_ledger
from goodwill.ledger.schema import person_merges

runner = CliRunner()

IDENTITIES = [
    ("mastodon:@ann@a.social", "Ann Lee", {"bio": "potter", "link:Site": "https://ann.example"}),
    ("x:@annlee", "Ann L", {"account_id": "42"}),
    ("bluesky:did:plc:ann", "ann", {"handle": "ann.bsky.social"}),
    ("email:ann@example.com", None, {}),
    ("linkedin:ann-lee", "Ann Lee, potter", {"email": "ann@example.com"}),
    ("x:id:77", None, {}),
    ("mastodon:@bob@b.social", "Bob", {"link:X": "https://x.com/bob"}),
    ("x:@bob", "Bob B", {}),
    ("crm:C-001", "Carol; the buyer", {}),
    ("email:carol@example.com", None, {}),
    ("tel:+351912345678", "Dan", {}),
]
MERGES = [  # person, other: one person across networks
    ("mastodon:@ann@a.social", "x:@annlee"),
    ("mastodon:@ann@a.social", "bluesky:did:plc:ann"),
    ("mastodon:@ann@a.social", "email:ann@example.com"),
    ("mastodon:@ann@a.social", "linkedin:ann-lee"),
    ("mastodon:@ann@a.social", "x:id:77"),
    ("crm:C-001", "email:carol@example.com"),
]


def invoke(db: str, *args: str) -> str:
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def people_of(db: str) -> set[tuple[str, frozenset[str]]]:
    """Each person as their name and the set of their handles."""
    listed = json.loads(invoke(db, "people", "--json", "--limit", "1000"))
    return {(p["name"], frozenset(p["identities"])) for p in listed}


def merge_count(db: str) -> int:
    with open_ledger(db) as ledger, ledger.read() as conn:
        return int(conn.execute(select(func.count()).select_from(person_merges)).scalar_one())


@pytest.fixture
def source_db(tmp_path: Path) -> str:
    """A ledger with people merged across networks, an owner, and one event."""
    db = f"sqlite:///{tmp_path / 'source.db'}"
    lines = [
        json.dumps({"identity": handle, "name": name, "attributes": attributes})
        for handle, name, attributes in IDENTITIES
    ]
    lines.append(
        json.dumps(
            {"time": 5, "kind": "reply", "actor": "x:@bob", "target": "x:@annlee", "id": "1"}
        )
    )
    path = tmp_path / "people.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    invoke(db, "import", "jsonl", str(path))
    for person, other in MERGES:
        invoke(db, "merge", person, other, "--reason", "test")
    invoke(db, "owner", "tel:+351912345678")
    return db


@pytest.mark.parametrize("version", ["4.0", "3.0"])
def test_exported_people_come_back_as_the_same_people(
    source_db: str, tmp_path: Path, version: str
) -> None:
    cards = tmp_path / "people.vcf"
    invoke(source_db, "export", "vcard", "--out", str(cards), "--version", version)
    text = cards.read_bytes().decode("utf-8")
    assert text.count("BEGIN:VCARD") == 5 and f"VERSION:{version}\r\n" in text
    assert "X-SOCIALPROFILE;TYPE=mastodon:https://a.social/@ann\r\n" in text
    assert "X-GOODWILL-HANDLE:crm:C-001\r\n" in text
    assert "https://x.com/bob" not in text.split("FN:Bob")[1].split("X-SOCIALPROFILE")[0]
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    invoke(fresh, "import", "vcard", str(cards))
    assert people_of(fresh) == people_of(source_db)
    before, merges = people_of(source_db), merge_count(source_db)
    summary = json.loads(invoke(source_db, "import", "vcard", str(cards), "--json"))
    assert summary["identities_added"] == 0
    assert people_of(source_db) == before and merge_count(source_db) == merges


def test_export_of_named_people_to_stdout(source_db: str) -> None:
    result = runner.invoke(app, ["--db", source_db, "export", "vcard", "x:@bob", "Carol"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("BEGIN:VCARD") == 2
    assert "FN:Carol\\; the buyer\n" in result.stdout  # the runner turns CRLF into LF
    assert "wrote 2 cards" in result.stderr


def test_export_refuses_a_version_it_cannot_write(source_db: str) -> None:
    result = runner.invoke(app, ["--db", source_db, "export", "vcard", "--version", "2.1"])
    assert result.exit_code == 2 and "goodwill writes vCard 4.0 or 3.0" in result.output


def test_merge_suggest_shows_candidates_with_evidence(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'g.db'}"
    path = tmp_path / "p.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"identity": h, "name": n, "attributes": a})
            for h, n, a in [
                ("email:ann@example.com", "Ann", {}),
                ("linkedin:ann-lee", "Ann Lee", {"email": "ann@example.com"}),
                ("x:@someone", "Ann", {}),
            ]
        )
        + "\n"
    )
    invoke(db, "import", "jsonl", str(path))
    table = invoke(db, "merge", "--suggest")
    assert "same email" in table and "goodwill merge 1 2" in table
    (found,) = json.loads(invoke(db, "merge", "--suggest", "--json"))
    assert (found["person"], found["other"], found["confidence"]) == (1, 2, 0.9)
    assert found["evidence"][0]["reason"] == "same email"
    assert "no likely merges" in invoke(db, "merge", "x:@someone", "--suggest")
    invoke(db, "merge", "1", "2")
    assert json.loads(invoke(db, "merge", "--suggest", "--json")) == []


def test_merge_without_two_people_or_suggest_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", f"sqlite:///{tmp_path / 'g.db'}", "merge", "1"])
    assert result.exit_code == 2 and "name PERSON and OTHER, or pass --suggest" in result.output
