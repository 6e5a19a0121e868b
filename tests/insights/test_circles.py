"""Circles of trust on the demo worlds' truth, on hand-made figures and on the rules file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from goodwill.errors import AlgorithmInputError
from goodwill.insights.circle_rules import TIERS, default_rules, load_rules
from goodwill.insights.circles import Circles, Figures, circles_of, place, shortfall
from goodwill.ledger.people import identity_person
from goodwill.trust.policy import default_policy
from goodwill.trust.report import open_view
from tests.insights.conftest import DemoStore

NOISE = ("pitcher", "churner", "ring", "blaster")


def tier_rank(found: Circles, person: int) -> int:
    """A ledger person's circle as a rank: 0 acquaintance ... 3 referral, -1 none."""
    p = found.placements.get(person)
    return TIERS.index(p.tier) if p is not None and p.tier is not None else -1


@pytest.mark.parametrize("name", ["demo", "other_world"])
def test_circles_follow_the_truth(name: str, request: pytest.FixtureRequest) -> None:
    world: DemoStore = request.getfixturevalue(name)
    with world.ledger.read() as conn:
        found = circles_of(
            conn, open_view(conn, default_policy(), at_us=world.at_us), default_rules()
        )
        ledger_people = {
            p["person"]: [identity_person(conn, h) for h in p["identities"]]
            for p in world.truth["people"]
        }
    role_of = {p["person"]: p["role"] for p in world.truth["people"]}
    # a truth person is as close as the closest of their identities (the demo merges none)
    rank = {k: max(tier_rank(found, q) for q in v) for k, v in ledger_people.items()}
    by_role: dict[str, list[int]] = {}
    for k, r in rank.items():
        by_role.setdefault(role_of[k], []).append(r)
    # no pitcher, churner, ring member or blaster is in any circle at all
    assert all(r == -1 for role in NOISE for r in by_role[role])
    # every advocate and colleague is a friend or closer; colleagues are on the referral list
    assert min(by_role["advocate"] + by_role["colleague"]) >= TIERS.index("friend")
    assert set(by_role["colleague"]) == {TIERS.index("referral")}
    # drifting friends have gone quiet by the year's end: friend at most, and still friend
    assert set(by_role["drifting-friend"]) == {TIERS.index("friend")}
    # nested: every member of a narrower circle is in the wider ones
    friends = found.members("friend")
    assert {p.person for p in found.members("referral")} <= {p.person for p in friends}
    # every member says why and shows events behind the owner's trust in them
    for member in friends:
        assert member.evidence and member.why.startswith("trust ")


def test_drifting_friends_were_closer_before_they_went_quiet(demo: DemoStore) -> None:
    """Cooling caps the circle; it does not erase it: in spring the friends were closer."""
    spring = demo.at_us - 250 * 86_400 * 1_000_000
    with demo.ledger.read() as conn:
        found = circles_of(conn, open_view(conn, default_policy(), at_us=spring), default_rules())
        drifting = [
            identity_person(conn, p["identities"][0])
            for p in demo.truth["people"]
            if p["role"] == "drifting-friend"
        ]
    tiers = [found.placements[p].tier for p in drifting if p in found.placements]
    assert sum(t in ("endorsed", "referral") for t in tiers) >= len(drifting) // 2


def test_a_broken_or_distrusted_relationship_is_in_no_circle() -> None:
    rules = default_rules()
    strong = {"trust": 0.97, "trusted": 0.96, "uncertainty": 0.1, "exchanges": 30,
              "active_weeks": 40, "standing": 0.4}  # fmt: skip
    assert place(Figures("maintaining", **strong, leaning_out=0.9, leaning_in=0.9), rules) == (
        "referral",
        "meets referral",
    )
    tier, why = place(Figures("broken", **strong, leaning_out=0.9, leaning_in=-0.1), rules)
    assert tier is None and "broken" in why
    tier, why = place(Figures("establishing", **strong, leaning_out=0.5, leaning_in=-0.01), rules)
    assert tier is None and "their evidence" in why
    tier, why = place(Figures("maintaining", **strong, leaning_out=-0.2, leaning_in=0.9), rules)
    assert tier is None and "owner's evidence" in why


def test_cooling_keeps_friend_but_not_higher_and_says_why() -> None:
    rules = default_rules()
    figures = Figures("cooling", 0.97, 0.96, 0.1, 30, 40, 0.4, 0.9, 0.9)
    assert place(figures, rules) == ("friend", "meets referral, held at friend while cooling")
    assert shortfall(figures, rules, "friend") == ""
    assert shortfall(figures, rules, "endorsed").startswith("it is cooling")
    weak = Figures("cooling", 0.82, 0.8, 0.45, 3, 5, 0.1, 0.5, 0.5)
    assert place(weak, rules)[0] == "friend"  # the figures decide up to the cap


def test_the_verdict_names_what_the_next_circle_needs() -> None:
    figures = Figures("maintaining", 0.91, 0.9, 0.37, 2, 15, 0.29, 0.8, 0.8)
    tier, why = place(figures, default_rules())
    assert tier == "friend"
    assert why == (
        "meets friend; endorsed needs uncertainty ≤ 0.3 (has 0.370); ≥ 6 weeks of exchange (has 2)"
    )
    missing = shortfall(figures, default_rules(), "referral").split("; ")
    assert [m.split(" (has")[0] for m in missing] == [
        "trust ≥ 0.95",
        "uncertainty ≤ 0.2",
        "≥ 12 weeks of exchange",
        "≥ 26 active weeks",
    ]


def test_a_rules_file_changes_only_what_it_names(tmp_path: Path, demo: DemoStore) -> None:
    path = tmp_path / "circles.toml"
    path.write_text("[referral]\nactive_weeks = 52\n")
    rules = load_rules(path)
    assert rules.tier("referral").active_weeks == 52
    assert rules.tier("referral").trust == default_rules().tier("referral").trust
    assert rules.source == str(path)
    with demo.ledger.read() as conn:
        view = open_view(conn, default_policy(), at_us=demo.at_us)
        strict = circles_of(conn, view, rules, evidence_events=0)
        usual = circles_of(conn, view, default_rules(), evidence_events=0)
    assert len(strict.members("referral")) < len(usual.members("referral"))
    assert len(strict.members("friend")) == len(usual.members("friend"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[friends]\ntrust = 0.8\n", "there is no circle [friends]"),
        ("[friend]\ntrsut = 0.8\n", "has no setting 'trsut'"),
        ("[friend]\ntrust = 1.5\n", "between 0 and 1"),
        ("[friend]\nexchanges = 2.5\n", "whole number"),
        ("[endorsed]\ntrust = 0.7\n", "looser than [friend]"),
        ("[referral]\nuncertainty = 0.9\n", "looser than [endorsed]"),
        ("[cooling]\nhighest = 'bff'\n", "highest must be one of"),
        ("[friend\n", "not valid TOML"),
    ],
)
def test_a_bad_rules_file_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "circles.toml"
    path.write_text(text)
    with pytest.raises(AlgorithmInputError, match=message.replace("[", r"\[")):
        load_rules(path)


def test_the_defaults_give_a_reason_for_every_circle() -> None:
    rules = default_rules()
    assert all(t.reason for t in rules.tiers) and rules.cooling_reason
    assert json.dumps([t.summary() for t in rules.tiers])
