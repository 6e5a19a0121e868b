"""Circles of trust against the demo world's truth.

A person in the truth may be several people in the ledger (one per identity, until the owner
merges them); a truth person counts as in a circle when any of their identities is.

- ``circles-friend+``: who is in friend or a narrower circle. Precision is the share of
  those ledger people whose role is one the owner has a real two-way relationship with
  (advocate, colleague, customer, a customer whose complaint she resolved, a drifting
  friend, an acquaintance: every member of friend+ has exchanged with her for weeks by
  construction); recall is the share of advocates and colleagues in friend+. ``noise``
  counts pitchers, churners, ring members and blasters in friend+ (the target is 0).
- ``circles-referral``: precision is the share of the referral list who are colleagues or
  advocates (the professionals the owner works with); recall is the share of colleagues on it.
- ``circles-drift-capped``: recall is the share of drifting friends held at friend or below
  (their relationships have gone quiet by the year's end); ``found`` counts those above.
"""

from __future__ import annotations

from typing import Any

from goodwill.insights.circle_rules import TIERS, default_rules
from goodwill.insights.circles import circles_of
from goodwill.ledger import Ledger
from goodwill.ledger.people import identity_person
from goodwill.trust.policy import default_policy
from goodwill.trust.report import open_view

_CLOSE = {
    "advocate",
    "colleague",
    "customer",
    "customer-complaint-resolved",
    "drifting-friend",
    "acquaintance",
}
_NOISE = {"pitcher", "churner", "ring", "blaster"}
_FRIEND = TIERS.index("friend")


def measure(ledger: Ledger, installed: Any) -> dict[str, dict[str, float]]:
    truth = installed.truth
    with ledger.read() as conn:
        view = open_view(conn, default_policy(), at_us=installed.year_end_us)
        circles = circles_of(conn, view, default_rules(), evidence_events=0)
        ledger_person = {
            h: identity_person(conn, h) for p in truth["people"] for h in p["identities"]
        }
    role_of = {ledger_person[h]: p["role"] for p in truth["people"] for h in p["identities"]}

    def rank(person: dict[str, Any]) -> int:
        """The narrowest circle any of the truth person's identities is in; -1 for none."""
        ranks = [-1]
        for handle in person["identities"]:
            placed = circles.placements.get(ledger_person[handle])
            if placed is not None and placed.tier is not None:
                ranks.append(TIERS.index(placed.tier))
        return max(ranks)

    friends = [p.person for p in circles.members("friend")]
    close = sum(role_of.get(p) in _CLOSE for p in friends)
    noise = sum(role_of.get(p) in _NOISE for p in friends)
    wanted = [p for p in truth["people"] if p["role"] in ("advocate", "colleague")]
    referral = [p.person for p in circles.members("referral")]
    colleagues = [p for p in truth["people"] if p["role"] == "colleague"]
    drifting = [p for p in truth["people"] if p["role"] == "drifting-friend"]
    above = sum(rank(p) > _FRIEND for p in drifting)
    return {
        "circles-friend+": {
            "precision": close / len(friends) if friends else 0.0,
            "recall": sum(rank(p) >= _FRIEND for p in wanted) / len(wanted),
            "found": len(friends),
            "truth": len(wanted),
            "noise": noise,
        },
        "circles-referral": {
            "precision": (
                sum(role_of.get(p) in ("advocate", "colleague") for p in referral) / len(referral)
                if referral
                else 0.0
            ),
            "recall": sum(rank(p) == len(TIERS) - 1 for p in colleagues) / len(colleagues),
            "found": len(referral),
            "truth": len(colleagues),
        },
        "circles-drift-capped": {
            "recall": (len(drifting) - above) / len(drifting),
            "found": above,
            "truth": len(drifting),
        },
    }
