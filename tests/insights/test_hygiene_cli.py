"""``goodwill hygiene`` on the demo world and on a small history with the owner's blast."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from goodwill.cli import app
from tests.insights.conftest import DemoStore
from tests.insights.hygiene_history import ME, History

runner = CliRunner()


def _run(db: str, *args: str) -> str:
    result = runner.invoke(app, ["--db", db, "hygiene", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_groups_flags_by_detector_with_their_evidence(demo: DemoStore) -> None:
    at = demo.installed.year_end
    found = json.loads(_run(demo.ledger.url, "--at", at, "--json", "--top", "50"))
    assert found["at"].startswith(at) and found["min_confidence"] == 0.5
    assert set(found["flags"]) == {"pitch", "churn", "blast", "ring"}
    pitchers = demo.handles_of_role("pitcher")
    assert len(found["flags"]["pitch"]) == 30
    for flag in found["flags"]["pitch"]:
        assert [e["event_id"] for e in flag["evidence"]] == sorted(
            flag["event_ids"],
            key=lambda i: next(e["time"] for e in flag["evidence"] if e["event_id"] == i),
        )
        assert flag["evidence"][0]["actor"] in pitchers and flag["name"]
    assert found["own"] == []


def test_kind_top_and_min_confidence_narrow_the_list(demo: DemoStore) -> None:
    at = demo.installed.year_end
    only = json.loads(_run(demo.ledger.url, "--at", at, "--json", "--kind", "ring", "--top", "3"))
    assert list(only["flags"]) == ["ring"] and len(only["flags"]["ring"]) == 3
    strict = json.loads(_run(demo.ledger.url, "--at", at, "--json", "--min-confidence", "0.99"))
    assert all(f["confidence"] >= 0.99 for flags in strict["flags"].values() for f in flags)
    assert len(strict["flags"]["churn"]) < 25
    text = _run(demo.ledger.url, "--at", at, "--kind", "churn", "--top", "2")
    assert "Churners" in text and "after you followed back" in text and "follow" in text
    assert "Your own outgoing" not in text  # blasts did not run: nothing to say about hers
    text = _run(demo.ledger.url, "--at", at, "--kind", "blast")
    assert "Your own outgoing activity" in text and "nothing you sent looks like a blast" in text


def test_a_wrong_kind_or_date_is_refused_with_what_to_do(demo: DemoStore) -> None:
    wrong = runner.invoke(app, ["--db", demo.ledger.url, "hygiene", "--kind", "spam"])
    assert wrong.exit_code == 2 and "pitch, churn, blast, ring" in wrong.output
    date = runner.invoke(app, ["--db", demo.ledger.url, "hygiene", "--at", "June"])
    assert date.exit_code == 2 and "YYYY-MM-DD" in date.stderr


def test_the_owner_sees_her_own_blast_apart(tmp_path: Path) -> None:
    history = History()
    for i in range(7):
        text = f"Hi friend {i}, my new course on pricing opens Monday, here is the link https://me.example/c"
        history.add("message", ME, f"x:@c{i}", 3, i, text=text)
    with history.store(tmp_path) as store:
        found = json.loads(_run(store.url, "--at", "2025-01-01", "--json"))
        text = _run(store.url, "--at", "2025-01-01")
    [own] = found["own"]
    assert own["detector"] == "blast" and own["details"]["recipients"] == 7
    assert len(own["evidence"]) == 3 and all(e["actor"] == ME for e in own["evidence"])
    assert all(flags == [] for flags in found["flags"].values())
    assert "you sent near-identical text to 7 people in 6 minutes" in text
