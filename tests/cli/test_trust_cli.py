"""The trust commands on real data (Bitcoin OTC) and on a small hand-made history."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tests.cli.test_cli import goodwill, invoke

HISTORY = "\n".join(
    json.dumps(event)
    for event in [
        *(
            {"id": f"r{w}", "time": f"2024-0{1 + w // 4}-{1 + 7 * (w % 4):02d}T10:00:00Z",
             "kind": "reply", "actor": "mastodon:@ana@a.example", "target": "mastodon:@me@a.example"}
            for w in range(12)
        ),
        *(
            {"id": f"m{w}", "time": f"2024-0{1 + w // 4}-{2 + 7 * (w % 4):02d}T10:00:00Z",
             "kind": "message", "actor": "mastodon:@me@a.example", "target": "mastodon:@ana@a.example"}
            for w in range(12)
        ),
        {"id": "p1", "time": "2024-05-01T09:00:00Z", "kind": "message",
         "actor": "mastodon:@sales@b.example", "target": "mastodon:@me@a.example",
         "text": "Book a demo today"},
        {"id": "b1", "time": "2024-05-02T09:00:00Z", "kind": "block",
         "actor": "mastodon:@me@a.example", "target": "mastodon:@sales@b.example"},
    ]
)  # fmt: skip


@pytest.fixture
def history(tmp_path: Path) -> str:
    path = tmp_path / "history.jsonl"
    path.write_text(HISTORY + "\n")
    db = f"sqlite:///{tmp_path / 'h.db'}"
    invoke(db, "import", "jsonl", str(path))
    invoke(db, "owner", "mastodon:@me@a.example")
    return db


def test_why_lists_events_that_sum_to_the_evidence(history: str) -> None:
    found = json.loads(invoke(history, "why", "mastodon:@me@a.example", "mastodon:@ana@a.example",
                              "--at", "2024-04-01", "--json"))  # fmt: skip
    assert found["truster_name"] and found["at"].startswith("2024-04-01")
    # my trust in Ana is earned by what Ana did for me: her replies, not my messages
    assert {(c["kind"], c["channel"]) for c in found["contributions"]} == {("reply", "earned")}
    # nothing after --at counts: 12 replies by Ana up to 22 March, none of April's
    assert sum(c["kind"] == "reply" for c in found["contributions"]) == 12
    assert math.fsum(c["contribution"] for c in found["contributions"]) == pytest.approx(
        found["positive"] - found["negative"], rel=1e-12
    )
    assert found["expected"] > 0.8


def test_relationships_show_stage_and_trust(history: str) -> None:
    rows = json.loads(invoke(history, "relationships", "--at", "2024-04-01", "--json"))
    by_name = {r["name"]: r for r in rows["relationships"]}
    assert by_name["@ana@a.example"]["stage"] == "maintaining"
    assert by_name["@ana@a.example"]["trust"] > 0.8
    later = json.loads(invoke(history, "relationships", "--at", "2024-09-01", "--json"))
    by_name = {r["name"]: r for r in later["relationships"]}
    assert by_name["@ana@a.example"]["stage"] == "cooling"
    assert by_name["@sales@b.example"]["stage"] == "establishing"
    assert by_name["@sales@b.example"]["trust"] < 0.5  # the owner blocked them
    cooling = json.loads(invoke(history, "relationships", "--stage", "cooling", "--at",
                                "2024-09-01", "--json"))  # fmt: skip
    assert [r["name"] for r in cooling["relationships"]] == ["@ana@a.example"]


def test_trust_lists_both_directions(history: str) -> None:
    shown = json.loads(invoke(history, "trust", "ana", "--json", "--at", "2024-04-01"))
    assert [r["name"] for r in shown["trusts"]] == ["@me@a.example"]
    assert [r["name"] for r in shown["trusted_by"]] == ["@me@a.example"]
    table = invoke(history, "trust", "ana", "--at", "2024-04-01")
    assert "whom @ana@a.example trusts" in table and "who trusts" in table


def test_policy_file_changes_the_figures(history: str, tmp_path: Path) -> None:
    own = tmp_path / "strict.toml"
    own.write_text("[kinds.reply]\nearns = 0.0\n[kinds.message]\nearns = 0.0\n")
    found = json.loads(invoke(history, "why", "me", "ana", "--json", "--policy", str(own),
                              "--at", "2024-04-01"))  # fmt: skip
    assert found["contributions"] == []
    assert found["expected"] == pytest.approx(found["base_rate"])
    shown = json.loads(invoke(history, "policy", "--json", "--policy", str(own)))
    assert shown["kinds"]["reply"]["earns"] == 0.0 and shown["source"] == str(own)


def test_mistakes_are_one_line_errors(history: str, tmp_path: Path) -> None:
    bad_date = goodwill("--db", history, "trust", "ana", "--at", "last tuesday")
    assert bad_date.returncode == 2
    assert "--at 'last tuesday' is not a date" in bad_date.stderr
    typo = tmp_path / "typo.toml"
    typo.write_text("[decay]\nhalflife = 3\n")
    bad_policy = goodwill("--db", history, "standing", "--policy", str(typo))
    assert bad_policy.returncode == 2
    assert "has no setting 'halflife'" in bad_policy.stderr
    nobody = goodwill("--db", history, "trust", "ana", "--at", "2023-01-01")
    assert nobody.returncode == 2
    assert "no interactions" in nobody.stderr


def test_standing_on_bitcoin_otc_puts_known_fraudsters_last(
    shared_data: Path, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'otc.db'}"
    invoke(db, "import", "snap-signed", str(shared_data / "soc-sign-bitcoinotc.csv"))
    lowest = json.loads(invoke(db, "standing", "--lowest", "--top", "30", "--json"))["standing"]
    labels = dict(line.split(",") for line in (shared_data / "otc_gt.csv").read_text().split())
    accounts = [row["name"] for row in lowest]
    labelled = [labels[a] for a in accounts if a in labels]
    assert len(labelled) >= 10
    assert all(label == "-1" for label in labelled)  # every labelled one is a fraudster
    assert all(row["standing"] < 0 for row in lowest)
