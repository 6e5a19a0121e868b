"""Circles of trust: acquaintance, friend, endorsed, referral, earned or pinned.

The seeds: "I may like you but not friend you, and I may +1 you but not add you to a
trusted list of people I refer to clients." Each of the owner's relationships is placed in
the narrowest circle whose thresholds (:mod:`~goodwill.insights.circle_rules`) its figures
meet, and every wider one: her trust in them and theirs in her, the uncertainty of hers,
weeks of exchange and of contact, and their standing with everyone else. Three things
override the figures:

* a **broken** relationship, or one where either side's evidence leans to distrust, is in
  no circle (a block, a mute or an unfollow is enough; good figures elsewhere never average
  a betrayal away);
* a **cooling** relationship keeps what its decaying figures earn, up to ``[cooling]
  highest`` (friend): nobody is vouched for or referred on the strength of a past that
  has gone quiet;
* a **pin**: the owner's own word, ``goodwill pin PERSON LEVEL`` (``none`` keeps someone
  out of every circle), recorded as a ``pin`` note; the latest pin up to ``--at`` wins, and
  ``goodwill unpin`` (a pin to ``evidence``) hands the person back to the figures.

Every placement says why (the figures against the thresholds, or the pin and its date)
and carries the events behind the owner's trust in the person.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection

from goodwill.insights.circle_pins import Pin, latest_pins
from goodwill.insights.circle_rules import TIERS, CircleRules, Tier
from goodwill.ledger.people import require_owner
from goodwill.trust.report import Relationship, TrustView

__all__ = [
    "Circles",
    "Figures",
    "Placement",
    "circles_of",
    "place",
    "placement_of",
    "share_verdict",
    "shortfall",
]


@dataclass(frozen=True, slots=True)
class Figures:
    """What the evidence says about one of the owner's relationships, as the rules read it."""

    stage: str
    trust: float
    trusted: float
    uncertainty: float
    exchanges: int
    active_weeks: int
    standing: float
    leaning_out: float  # belief minus disbelief of the owner's opinion of them
    leaning_in: float  # ... and of theirs of her

    def summary(self) -> str:
        """The figures the thresholds are read against, in one line."""
        return (
            f"trust {self.trust:.2f}, theirs {self.trusted:.2f}, uncertainty "
            f"{self.uncertainty:.2f}, {self.exchanges} weeks of exchange, "
            f"{self.active_weeks} active weeks, standing {self.standing:+.2f}"
        )


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one person stands: their circle (the narrowest; None for none) and why."""

    person: int
    name: str
    tier: str | None
    earned: str | None  # the circle the evidence alone gives
    note: str  # the verdict: "meets friend; endorsed needs ...", "pinned to ...", a gate
    figures: Figures | None  # None: no contact with the owner up to the moment asked
    pin: Pin | None
    evidence: tuple[int, ...]  # event ids: the pin, then the largest contributions to trust

    @property
    def why(self) -> str:
        """The figures against the thresholds, or the pin, in one line."""
        if self.figures is None or self.pin is not None:
            return self.note
        return f"{self.figures.summary()}: {self.note}"

    def within(self, level: str) -> bool:
        """Whether this person is in circle ``level`` (circles are nested)."""
        return self.tier is not None and TIERS.index(self.tier) >= TIERS.index(level)


@dataclass(frozen=True, slots=True)
class Circles:
    """Everyone the owner has had contact with or pinned, placed, as of ``at_us``."""

    at_us: int
    rules: CircleRules
    placements: dict[int, Placement]

    def members(self, level: str = TIERS[0]) -> list[Placement]:
        """Everyone in circle ``level`` (and so in the narrower ones), narrowest circle
        first, then by the owner's trust in them."""
        chosen = [p for p in self.placements.values() if p.within(level)]
        return sorted(
            chosen,
            key=lambda p: (
                -TIERS.index(p.tier or TIERS[0]),
                -(p.figures.trust if p.figures else 0.0),
                p.person,
            ),
        )


def place(figures: Figures, rules: CircleRules) -> tuple[str | None, str]:
    """The circle the figures earn, and the verdict, in words a reader can check.

    >>> from goodwill.insights.circle_rules import default_rules
    >>> place(Figures("maintaining", 0.97, 0.96, 0.12, 20, 40, 0.3, 0.9, 0.9), default_rules())
    ('referral', 'meets referral')
    >>> place(Figures("cooling", 0.97, 0.96, 0.12, 20, 40, 0.3, 0.9, 0.9), default_rules())
    ('friend', 'meets referral, held at friend while cooling')
    """
    gate = _gate(figures)
    if gate:
        return None, gate
    reached: Tier | None = None
    missing: list[str] = []
    for tier in rules.tiers:
        missing = _unmet(figures, tier)
        if missing:
            break
        reached = tier
    if reached is None:
        return None, f"short of {rules.tiers[0].name} ({'; '.join(missing)})"
    name = reached.name
    if figures.stage == "cooling" and _rank(name) > _rank(rules.cooling_highest):
        capped = None if rules.cooling_highest == "none" else rules.cooling_highest
        return capped, f"meets {name}, held at {capped or 'no circle'} while cooling"
    if missing:
        following = TIERS[_rank(name) + 1]
        return name, f"meets {name}; {following} needs {'; '.join(missing)}"
    return name, f"meets {name}"


def shortfall(figures: Figures | None, rules: CircleRules, level: str) -> str:
    """Why the figures do not reach circle ``level``, or ``""`` if they do."""
    if figures is None:
        return "no contact with the owner yet"
    earned, _ = place(figures, rules)
    if earned is not None and _rank(earned) >= _rank(level):
        return ""
    gate = _gate(figures)
    if gate:
        return gate
    missing = _unmet(figures, rules.tier(level))  # circles are nested: this covers the wider
    if figures.stage == "cooling" and _rank(level) > _rank(rules.cooling_highest):
        held = f"it is cooling, which holds it at {rules.cooling_highest}"
        missing = [held, *missing]
    return "; ".join(missing)


def circles_of(
    conn: Connection, view: TrustView, rules: CircleRules, *, evidence_events: int = 3
) -> Circles:
    """Place every relationship of the owner's, and everyone she pinned, as of the view."""
    owner = require_owner(conn)
    at_us = view.snapshot.at_us
    relationships = view.relationships()
    figures = _figures(view, owner, relationships)
    pins = latest_pins(conn, at_us)
    names = {r.person: r.name for r in relationships}
    names.update(view.names([p for p in pins if p not in names]))
    evidence_of = _evidence(view, owner, evidence_events)
    placements: dict[int, Placement] = {}
    for person in dict.fromkeys([*figures, *pins]):
        found = figures.get(person)
        earned, note = place(found, rules) if found else (None, "no contact with the owner yet")
        pin = pins.get(person)
        tier = earned
        if pin is not None:
            tier = None if pin.level == "none" else pin.level
            note = (
                f"pinned to {pin.level} on {pin.date} (the evidence alone: {earned or 'no circle'})"
            )
        evidence = evidence_of.get(person, ()) if tier else ()
        if pin is not None:
            evidence = (pin.event_id, *evidence)
        placements[person] = Placement(
            person, names.get(person, "?"), tier, earned, note, found, pin, evidence
        )
    return Circles(at_us, rules, placements)


def placement_of(circles: Circles, person: int, name: str) -> Placement:
    """Where ``person`` stands, including someone the owner never dealt with."""
    found = circles.placements.get(person)
    if found is not None:
        return found
    return Placement(person, name, None, None, "no contact with the owner yet", None, None, ())


def share_verdict(circles: Circles, placed: Placement, level: str) -> tuple[bool, str]:
    """Whether ``placed`` is in circle ``level`` (so what is shared with that circle may go
    to them), and the reason in one line: their circle and why, or what they lack."""
    allowed = placed.within(level)
    where = f"the {placed.tier} circle" if placed.tier else "no circle"
    if allowed:
        return True, f"{placed.name} is in {where}, within {level}: {placed.why}"
    if placed.pin is not None:
        return False, f"{placed.name} is in {where}: {placed.why}"
    missing = shortfall(placed.figures, circles.rules, level)
    return False, f"{placed.name} is in {where}; for {level}: {missing}"


def _rank(level: str) -> int:
    return TIERS.index(level) if level in TIERS else -1


def _gate(figures: Figures) -> str:
    """Why no figures can put this relationship in a circle, or ``""``."""
    if figures.stage == "broken":
        return "the relationship is broken: one side's evidence now leans to distrust"
    if figures.leaning_out < 0:
        return "the owner's evidence about them leans to distrust (a block, a mute, a bad rating)"
    if figures.leaning_in < 0:
        return "their evidence about the owner leans to distrust (an unfollow, a mute, a block)"
    return ""


def _unmet(figures: Figures, tier: Tier) -> list[str]:
    """The thresholds of ``tier`` the figures miss, each with the figure and the bar."""
    checks = [
        (figures.trust >= tier.trust, f"trust ≥ {tier.trust:g} (has {figures.trust:.3f})"),
        (figures.trusted >= tier.trusted, f"theirs ≥ {tier.trusted:g} (has {figures.trusted:.3f})"),
        (
            figures.uncertainty <= tier.uncertainty,
            f"uncertainty ≤ {tier.uncertainty:g} (has {figures.uncertainty:.3f})",
        ),
        (
            figures.exchanges >= tier.exchanges,
            f"≥ {tier.exchanges} weeks of exchange (has {figures.exchanges})",
        ),
        (
            figures.active_weeks >= tier.active_weeks,
            f"≥ {tier.active_weeks} active weeks (has {figures.active_weeks})",
        ),
        (
            figures.standing >= tier.standing,
            f"standing ≥ {tier.standing:g} (has {figures.standing:+.2f})",
        ),
    ]
    return [text for ok, text in checks if not ok]


def _figures(view: TrustView, owner: int, relationships: list[Relationship]) -> dict[int, Figures]:
    """The rules' inputs for every relationship, leanings and standing read in one pass."""
    if not relationships:
        return {}
    contacts = np.array([view.index.index(r.person) for r in relationships], dtype=np.int64)
    me = np.full(len(contacts), view.index.index(owner), dtype=np.int64)
    snapshot = view.snapshot
    out, into = snapshot.leaning(me, contacts), snapshot.leaning(contacts, me)
    standing = snapshot.standing[contacts]
    return {
        r.person: Figures(
            r.stage,
            r.trust,
            r.trusted,
            r.uncertainty,
            r.exchanges,
            r.active_weeks,
            float(standing[i]),
            float(out[i]),
            float(into[i]),
        )
        for i, r in enumerate(relationships)
    }


def _evidence(view: TrustView, owner: int, count: int) -> dict[int, tuple[int, ...]]:
    """Per person, the ``count`` events that added most to the owner's trust in them (the
    order ``goodwill why`` lists them in), read from the owner's evidence rows in one pass."""
    if count <= 0:
        return {}
    evidence, table = view.snapshot.evidence, view.table
    rows = np.flatnonzero(
        (evidence.row_truster == view.index.index(owner)) & (evidence.row_contribution > 0)
    )
    trustee = evidence.row_trustee[rows]
    event = evidence.row_event[rows]
    order = np.lexsort(
        (table.event_id[event], -table.time_us[event], -evidence.row_contribution[rows], trustee)
    )
    trustee, event = trustee[order], event[order]
    starts = np.flatnonzero(np.r_[True, trustee[1:] != trustee[:-1]]) if len(order) else order
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    keep = rank < count
    found: dict[int, list[int]] = {}
    for who, event_id in zip(trustee[keep], table.event_id[event[keep]], strict=True):
        found.setdefault(view.index.person(int(who)), []).append(int(event_id))
    return {person: tuple(ids) for person, ids in found.items()}
