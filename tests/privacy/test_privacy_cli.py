"""The privacy commands as a user runs them: export person, forget (with its prompt),
backup and restore."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.insights.circle_pins import record_pin
from goodwill.ledger import open_ledger
from goodwill.ledger.people import identity_person
from tests.privacy.conftest import DemoWorld, Victim
from tests.privacy.test_backup import content
from tests.privacy.test_forget import leftovers, pin_and_score, store_bytes

runner = CliRunner()


def _their_events(world: DemoWorld, victim: Victim) -> set[str]:
    records = [json.loads(line) for line in world.events_path.read_text().splitlines()]
    return {
        r["id"]
        for r in records
        if "kind" in r and (r["actor"] in victim.handles or r.get("target") in victim.handles)
    }


def test_export_person_holds_everything_about_them(
    demo_world: DemoWorld, demo_url: str, victim: Victim, tmp_path: Path
) -> None:
    with open_ledger(demo_url) as ledger:
        with ledger.read() as conn:
            person = identity_person(conn, victim.handles[0])
        pin_and_score(ledger, person)
        record_pin(ledger, person, "endorsed", time_us=1_767_225_700_000_000)
    out = tmp_path / "them.json"
    result = runner.invoke(
        app,
        ["--db", demo_url, "export", "person", victim.handles[0], "--out", str(out),
         "--at", "2026-01-02"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert (document["format"], document["version"]) == ("goodwill.person", 1)
    assert document["person"]["name"] == victim.name
    assert {i["handle"] for i in document["identities"]} == set(victim.handles)
    assert {e["external_id"] for e in document["events"]} == _their_events(demo_world, victim)
    assert victim.text in {e["text"] for e in document["events"]}
    assert [(n["kind"], n["details"]) for n in document["notes"]] == [
        ("pin", {"level": "friend"}),
        ("pin", {"level": "endorsed"}),
    ]
    assert [s["scope"] for s in document["network_scores"]] == ["owner"]
    derived = document["derived"]
    assert derived["circle"]["tier"] == "endorsed" and derived["circle"]["pinned"]["level"]
    for side in ("trusts", "trusted_by"):
        assert derived[side], side
        for pair in derived[side]:
            assert sum(k["events"] for k in pair["evidence"]) >= 1
            assert 0.0 <= pair["expected"] <= 1.0
    assert derived["standing"] is not None


def test_forget_asks_first_and_erases_on_yes(demo_url: str, victim: Victim) -> None:
    before = content(demo_url)
    state = Path(demo_url.removeprefix("sqlite:///") + ".trust")  # goodwill refresh's files
    state.mkdir()
    (state / "meta.json").write_text("{}", encoding="utf-8")
    declined = runner.invoke(app, ["--db", demo_url, "forget", victim.handles[0]], input="n\n")
    assert declined.exit_code == 1
    assert f"about to forget {victim.name}" in declined.stderr
    assert content(demo_url) == before and state.exists()
    done = runner.invoke(app, ["--db", demo_url, "forget", victim.handles[0]], input="y\n")
    assert done.exit_code == 0, done.output
    assert "forgot 1 people: 1 identities" in done.stdout
    assert not state.exists()  # it held their ids; the next refresh rebuilds it
    assert leftovers(store_bytes(demo_url), victim) == []
    again = runner.invoke(app, ["--db", demo_url, "forget", victim.handles[0], "--yes"])
    assert again.exit_code == 2 and "nobody matches" in again.stderr


def test_backup_and_restore_commands(demo_url: str, tmp_path: Path) -> None:
    backup = tmp_path / "g.backup"
    made = runner.invoke(app, ["--db", demo_url, "backup", str(backup)])
    assert made.exit_code == 0, made.output
    assert "schema" in made.stdout and "sha256" in made.stdout
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    declined = runner.invoke(app, ["--db", target, "restore", str(backup)], input="n\n")
    assert declined.exit_code == 1 and not (tmp_path / "restored.db").exists()
    restored = runner.invoke(app, ["--db", target, "restore", str(backup), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert content(target) == content(demo_url)
    broken = tmp_path / "broken.backup"
    broken.write_bytes(backup.read_bytes()[:-4096])
    refused = runner.invoke(app, ["--db", target, "restore", str(broken), "--yes"])
    assert refused.exit_code == 2 and "nothing was restored" in refused.stderr
