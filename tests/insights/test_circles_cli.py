"""``goodwill circles``, ``pin``, ``unpin``, ``may-share`` and ``export circle`` as a user runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import vobject
from typer.testing import CliRunner

from goodwill.cli import app
from tests.insights.conftest import DemoStore

runner = CliRunner()
YEAR_END = "2026-01-01"


def run(db: str, *args: str, code: int = 0) -> str:
    """The command's stdout, lines unwrapped (Rich wraps at the terminal's width)."""
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == code, result.output
    return (
        result.stdout if "--json" in args or "export" in args else " ".join(result.stdout.split())
    )


def first_identity(world: DemoStore, role: str, network: str = "") -> str:
    """The first identity of the first person of ``role`` (on ``network``, if given)."""
    return next(
        h
        for p in world.truth["people"]
        if p["role"] == role
        for h in p["identities"]
        if h.startswith(network)
    )


def test_circles_json_shows_each_circle_with_why_and_evidence(demo: DemoStore) -> None:
    db = demo.ledger.url
    found = json.loads(run(db, "circles", "--at", YEAR_END, "--json", "--level", "endorsed"))
    assert list(found["circles"]) == ["referral", "endorsed"]
    assert found["at"].startswith(YEAR_END) and found["cooling_highest"] == "friend"
    assert found["rules"]["tiers"]["referral"]["active_weeks"] == 26
    referral = found["circles"]["referral"]
    colleague = first_identity(demo, "colleague", "email")
    assert any(colleague in {e["actor"] for e in m["evidence"]} for m in referral)
    for m in referral:
        assert m["tier"] == m["earned"] == "referral" and m["pinned"] is None
        assert m["why"].endswith("meets referral") and m["figures"]["trust"] >= 0.95
        # the evidence is real events between the owner and the member, with what was said
        assert 1 <= len(m["evidence"]) <= 2
        assert all(e["time"] < YEAR_END and e["kind"] for e in m["evidence"])
    table = run(db, "circles", "--at", YEAR_END, "--level", "referral", "--evidence", "1")
    assert "referral (" in table and "meets referral" in table and "endorsed (" not in table


def test_may_share_says_yes_or_no_with_the_reason_and_exit_code(demo: DemoStore) -> None:
    db = demo.ledger.url
    colleague = first_identity(demo, "colleague", "email")
    said = run(db, "may-share", colleague, "referral", "--at", YEAR_END)
    assert said.startswith("yes:") and "within referral" in said
    pitcher = first_identity(demo, "pitcher")
    said = run(db, "may-share", pitcher, "friend", "--at", YEAR_END, code=1)
    assert said.startswith("no:") and "no circle" in said
    shown = json.loads(run(db, "may-share", pitcher, "acquaintance", "--at", YEAR_END, "--json",
                           code=1))  # fmt: skip
    assert shown["allowed"] is False and shown["tier"] is None and shown["reason"]
    churner = first_identity(demo, "churner")
    said = run(db, "may-share", churner, "acquaintance", "--at", YEAR_END, code=1)
    assert "leans to distrust" in said  # the unfollow after the follow-back
    drifting = first_identity(demo, "drifting-friend")
    said = run(db, "may-share", drifting, "endorsed", "--at", YEAR_END, code=1)
    assert "cooling" in said
    assert runner.invoke(app, ["--db", db, "may-share", "nobody-at-all", "friend"]).exit_code == 2
    assert runner.invoke(app, ["--db", db, "may-share", colleague, "bestie"]).exit_code == 2


def test_a_pin_overrides_the_evidence_unpin_restores_it_and_at_replays(
    demo: DemoStore, tmp_path: Path
) -> None:
    db = demo.copy(tmp_path)
    colleague = first_identity(demo, "colleague", "email")
    pitcher = first_identity(demo, "pitcher")
    run(db, "pin", colleague, "none", "--at", "2025-12-01")
    run(db, "pin", pitcher, "endorsed", "--at", "2025-12-01")
    again = run(db, "pin", pitcher, "endorsed", "--at", "2025-12-01")
    assert "already recorded" in again
    said = run(db, "may-share", colleague, "acquaintance", "--at", YEAR_END, code=1)
    assert "pinned to none on 2025-12-01 (the evidence alone: referral)" in said
    said = run(db, "may-share", pitcher, "friend", "--at", YEAR_END)
    assert said.startswith("yes:") and "pinned to endorsed" in said
    endorsed = json.loads(run(db, "circles", "--at", YEAR_END, "--json"))["circles"]["endorsed"]
    pinned = next(m for m in endorsed if m["pinned"])
    assert pinned["pinned"] == {"level": "endorsed", "date": "2025-12-01"}
    assert pinned["evidence"][0]["kind"] == "pin"  # the pin itself is the evidence
    # before the pins were made, nothing of them is known
    run(db, "may-share", colleague, "referral", "--at", "2025-11-30")
    run(db, "may-share", pitcher, "friend", "--at", "2025-11-30", code=1)
    # unpin hands them back to the evidence; the latest note wins
    run(db, "unpin", colleague, "--at", "2025-12-10")
    run(db, "may-share", colleague, "referral", "--at", YEAR_END)
    run(db, "may-share", colleague, "acquaintance", "--at", "2025-12-05", code=1)
    run(db, "pin", pitcher, "friend", "--at", "2025-12-20")
    run(db, "may-share", pitcher, "endorsed", "--at", YEAR_END, code=1)
    assert "has no pin" in runner.invoke(app, ["--db", db, "unpin", colleague]).output
    assert runner.invoke(app, ["--db", db, "pin", pitcher, "bff"]).exit_code == 2


def test_export_circle_writes_csv_vcard_and_a_mastodon_list(
    demo: DemoStore, tmp_path: Path
) -> None:
    db = demo.ledger.url
    found = json.loads(run(db, "circles", "--at", YEAR_END, "--json", "--level", "endorsed"))
    expected = {m["person"] for members in found["circles"].values() for m in members}
    rows = list(csv.DictReader(io.StringIO(run(db, "export", "circle", "endorsed", "--at",
                                               YEAR_END))))  # fmt: skip
    assert {int(r["person"]) for r in rows} == expected
    assert {r["tier"] for r in rows} == {"endorsed", "referral"}
    assert all(float(r["trust"]) >= 0.9 and r["identities"] for r in rows)

    cards_path = tmp_path / "endorsed.vcf"
    run(db, "export", "circle", "endorsed", "--format", "vcard", "--output", str(cards_path),
        "--at", YEAR_END)  # fmt: skip
    cards = list(vobject.readComponents(cards_path.read_text(encoding="utf-8")))
    by_row = {r["name"] for r in rows}
    assert len(cards) == len(rows) and {c.fn.value for c in cards} == by_row

    result = runner.invoke(app, ["--db", db, "export", "circle", "endorsed", "--format",
                                 "mastodon", "--list-name", "Trusted", "--at", YEAR_END])  # fmt: skip
    assert result.exit_code == 0, result.output
    listed = list(csv.reader(io.StringIO(result.stdout)))
    with_mastodon = [r for r in rows if "mastodon:" in r["identities"]]
    assert listed and len(listed) >= len(with_mastodon)
    assert {name for name, _ in listed} == {"Trusted"}
    wanted = {
        h.removeprefix("mastodon:@")
        for r in with_mastodon
        for h in r["identities"].split()
        if h.startswith("mastodon:")
    }
    assert {address for _, address in listed} == wanted
    assert f"{len(rows) - len(with_mastodon)} of {len(rows)} members have no Mastodon" in (
        result.stderr
    )
    bad = runner.invoke(app, ["--db", db, "export", "circle", "endorsed", "--format", "pdf"])
    assert bad.exit_code == 2


def test_someone_pinned_without_any_contact_is_in_the_circle(tmp_path: Path) -> None:
    """A hand-made ledger: the owner's address book names Bea, who never wrote; Ana talks
    with the owner every week for half a year."""
    weeks = [
        {"id": f"{kind}{w}", "time": f"2024-{1 + w // 4:02d}-{1 + 7 * (w % 4):02d}T10:00:00Z",
         "kind": kind, "actor": actor, "target": target}
        for w in range(24)
        for kind, actor, target in (("reply", "mastodon:@ana@a.example", "mastodon:@me@a.example"),
                                    ("message", "mastodon:@me@a.example", "mastodon:@ana@a.example"))
    ]  # fmt: skip
    lines = [{"identity": "email:bea@b.example", "name": "Bea Ruiz"}, *weeks]
    path = tmp_path / "history.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    db = f"sqlite:///{tmp_path / 'h.db'}"
    run(db, "import", "jsonl", str(path))
    run(db, "owner", "mastodon:@me@a.example")
    run(db, "may-share", "email:bea@b.example", "acquaintance", "--at", "2024-07-01", code=1)
    run(db, "pin", "email:bea@b.example", "referral", "--at", "2024-06-01")
    found = json.loads(run(db, "circles", "--at", "2024-07-01", "--json"))
    bea = next(m for m in found["circles"]["referral"] if m["name"] == "Bea Ruiz")
    assert bea["figures"] is None and bea["earned"] is None
    assert bea["why"] == "pinned to referral on 2024-06-01 (the evidence alone: no circle)"
    ana = [m for members in found["circles"].values() for m in members if m["figures"]]
    # weekly exchange for 24 weeks: endorsed, and the verdict says what referral still needs
    assert [(m["name"], m["tier"]) for m in ana] == [("@ana@a.example", "endorsed")]
    assert ana[0]["why"].endswith("referral needs ≥ 26 active weeks (has 24)")
    rows = list(csv.DictReader(io.StringIO(run(db, "export", "circle", "referral", "--at",
                                               "2024-07-01"))))  # fmt: skip
    assert [(r["name"], r["trust"], r["identities"]) for r in rows] == [
        ("Bea Ruiz", "", "email:bea@b.example")
    ]
