"""The owner's relationships as one table a reader can sort and narrow down.

Each row is a relationship as ``goodwill relationships`` gives it, with what a reader
looking for someone also asks: the circle the person is in (as ``goodwill circles`` places
them, pins included), how many events passed between the two, the networks the person has
accounts on, and how sure the person's trust in the owner is (the relationship itself
carries the uncertainty of the owner's side only).

Every column sorts in the direction a reader wants first (most trusted, most recent, most
events, narrowest circle first; names, stages and networks in their natural order), and
rows that tie keep the relationships' own order (most trusted, then by person id), so a
page never shuffles between two loads.

>>> sorted(SORT_COLUMNS)[:3]
['circle', 'events', 'last_contact']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection

from goodwill.errors import AlgorithmInputError
from goodwill.insights.circle_rules import TIERS, CircleRules
from goodwill.insights.circles import circles_of
from goodwill.ledger.people import require_owner
from goodwill.ledger.queries import person_networks
from goodwill.trust.report import Relationship, TrustView
from goodwill.trust.stages import STAGES

__all__ = [
    "CIRCLE_FILTERS",
    "NO_CIRCLE",
    "SORT_COLUMNS",
    "RelationshipLine",
    "check_filters",
    "narrow",
    "relationship_lines",
]

#: Each sortable column and whether it sorts high-to-low when first chosen.
SORT_COLUMNS: dict[str, bool] = {
    "name": False,
    "trust": True,
    "trusted": True,
    "stage": False,
    "circle": True,
    "last_contact": True,
    "events": True,
    "networks": False,
}
#: The circle filter's value for people in no circle.
NO_CIRCLE = "none"
#: What the circle filter accepts: a circle (that one and the narrower ones) or none.
CIRCLE_FILTERS = (*TIERS, NO_CIRCLE)


@dataclass(frozen=True, slots=True)
class RelationshipLine:
    """One relationship of the owner's, with its circle, events and networks."""

    relationship: Relationship
    trusted_uncertainty: float  # of the person's opinion of the owner
    circle: str | None  # the narrowest circle they are in, None for none
    events: int  # events between the two, either way, up to the view's moment
    networks: tuple[str, ...]  # the networks the person has accounts on


def check_filters(stage: str | None, circle: str | None, sort: str) -> None:
    """Refuse a stage, circle or sort column that does not exist, naming the ones that do."""
    if stage is not None and stage not in STAGES:
        raise AlgorithmInputError(f"stage must be one of {', '.join(STAGES)}, not {stage!r}")
    if circle is not None and circle not in CIRCLE_FILTERS:
        raise AlgorithmInputError(
            f"circle must be one of {', '.join(CIRCLE_FILTERS)}, not {circle!r}"
        )
    if sort not in SORT_COLUMNS:
        raise AlgorithmInputError(f"sort must be one of {', '.join(SORT_COLUMNS)}, not {sort!r}")


def relationship_lines(
    conn: Connection, view: TrustView, rules: CircleRules
) -> list[RelationshipLine]:
    """Every relationship of the owner's as of the view, most trusted first, with its
    circle, events, networks and the uncertainty of the other side's trust."""
    owner = require_owner(conn)
    relationships = view.relationships()
    placed = circles_of(conn, view, rules, evidence_events=0).placements
    networks = person_networks(conn, [r.person for r in relationships])
    counts = _event_counts(view, owner)
    theirs = _their_uncertainty(view, owner, relationships)
    return [
        RelationshipLine(
            r,
            theirs[i],
            placed[r.person].tier if r.person in placed else None,
            counts.get(r.person, 0),
            networks.get(r.person, ()),
        )
        for i, r in enumerate(relationships)
    ]


def narrow(
    lines: list[RelationshipLine],
    *,
    stage: str | None = None,
    circle: str | None = None,
    network: str | None = None,
    sort: str = "trust",
    descending: bool | None = None,
) -> list[RelationshipLine]:
    """The ``lines`` in ``stage``, in ``circle`` (that circle and the narrower ones, as
    circles are nested; ``none`` for people in no circle) and on ``network``, sorted by
    ``sort`` (in its own direction unless ``descending`` is given)."""
    check_filters(stage, circle, sort)
    chosen = [
        line
        for line in lines
        if stage in (None, line.relationship.stage)
        and _in_circle(line.circle, circle)
        and (network is None or network in line.networks)
    ]
    down = SORT_COLUMNS[sort] if descending is None else descending
    return sorted(chosen, key=_SORT_KEYS[sort], reverse=down)


def _in_circle(tier: str | None, wanted: str | None) -> bool:
    if wanted is None:
        return True
    if wanted == NO_CIRCLE:
        return tier is None
    return tier is not None and TIERS.index(tier) >= TIERS.index(wanted)


_SORT_KEYS: dict[str, Callable[[RelationshipLine], Any]] = {
    "name": lambda line: line.relationship.name.casefold(),
    "trust": lambda line: line.relationship.trust,
    "trusted": lambda line: line.relationship.trusted,
    "stage": lambda line: STAGES.index(line.relationship.stage),
    "circle": lambda line: -1 if line.circle is None else TIERS.index(line.circle),
    "last_contact": lambda line: line.relationship.last_contact,
    "events": lambda line: line.events,
    "networks": lambda line: ", ".join(line.networks),
}


def _event_counts(view: TrustView, owner: int) -> dict[int, int]:
    """Per person, the events between them and the owner up to the view's moment (the
    interactions the trust view loaded: every event with a target, notes left out)."""
    if not view.index.has(owner):
        return {}
    table, me = view.table, view.index.index(owner)
    outgoing = (table.actor == me) & (table.target >= 0) & (table.target != me)
    incoming = (table.target == me) & (table.actor != me)
    other = np.concatenate([table.target[outgoing], table.actor[incoming]])
    counts = np.bincount(other, minlength=table.n_nodes)
    return {view.index.person(int(i)): int(counts[i]) for i in np.flatnonzero(counts)}


def _their_uncertainty(
    view: TrustView, owner: int, relationships: list[Relationship]
) -> list[float]:
    """The uncertainty of each person's opinion of the owner (1 where they have no evidence)."""
    if not relationships:
        return []
    contacts = np.array([view.index.index(r.person) for r in relationships], dtype=np.int64)
    me = np.full(len(contacts), view.index.index(owner), dtype=np.int64)
    return [float(u) for u in view.snapshot.uncertainty(contacts, me)]
