"""The derived part of a person's export: trust both ways with the evidence behind each
pair, their circle of trust with the owner, and their standing, as of one moment.

Each pair lists its evidence summed by kind (what ``goodwill why`` shows, without every
event: the events themselves are in the document's ``events``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from goodwill.errors import StoreError
from goodwill.events import from_time_us
from goodwill.insights.circle_rules import load_rules
from goodwill.insights.circles import circles_of, placement_of
from goodwill.ledger.people import owner_person
from goodwill.trust.policy import Policy
from goodwill.trust.report import PairTrust, TrustView, open_view

__all__ = ["derived_figures"]


def derived_figures(
    conn: Connection, person_id: int, policy: Policy, *, at_us: int
) -> dict[str, Any]:
    """Trust, circle and standing of ``person_id`` as of ``at_us`` under ``policy``."""
    view = open_view(conn, policy, at_us=at_us)
    found: dict[str, Any] = {
        "as_of": from_time_us(at_us).isoformat(),
        "trusts": [],
        "trusted_by": [],
        "circle": _circle(conn, view, person_id),
        "standing": None,
    }
    if not view.index.has(person_id):
        return found
    everyone = len(view.index)
    trusts, trusted_by = view.trust_of(person_id, top=everyone)
    found["trusts"] = [_pair(view, person_id, p.person, p) for p in trusts]
    found["trusted_by"] = [_pair(view, p.person, person_id, p) for p in trusted_by]
    i = view.index.index(person_id)
    community = view.community
    found["standing"] = {
        "community": float(community.scores[i]),
        "standing": float(view.snapshot.standing[i]),
        "credibility": float(community.credibility[i]),
        "voice": float(community.voice[i]),
    }
    return found


def _pair(view: TrustView, truster: int, trustee: int, pair: PairTrust) -> dict[str, Any]:
    """One direction of trust and its evidence, summed by kind of event."""
    why = view.why(truster, trustee)
    return {
        "person": pair.person,
        "name": pair.name,
        "expected": pair.expected,
        "belief": pair.belief,
        "disbelief": pair.disbelief,
        "uncertainty": pair.uncertainty,
        "events": pair.events,
        "evidence": [
            {
                "kind": k.kind,
                "channel": k.channel,
                "events": k.events,
                "contribution": k.contribution,
            }
            for k in why.by_kind
        ],
    }


def _circle(conn: Connection, view: TrustView, person_id: int) -> dict[str, Any] | None:
    """Their circle of trust with the owner (none without an owner, or for the owner)."""
    owner = owner_person(conn)
    if owner is None or owner == person_id:
        return None
    try:
        circles = circles_of(conn, view, load_rules(None))
    except StoreError:
        return None
    name = view.names([person_id]).get(person_id, "?")
    placed = placement_of(circles, person_id, name)
    return {
        "tier": placed.tier,
        "earned": placed.earned,
        "why": placed.why,
        "pinned": None
        if placed.pin is None
        else {"level": placed.pin.level, "on": placed.pin.date},
    }
