"""The relationships table: the owner's relationships, filtered, sorted and cut into pages,
from :func:`goodwill.insights.relationship_list.relationship_lines` (the rows of
``goodwill relationships`` with their circle, events and networks)."""

from __future__ import annotations

import os

from goodwill.errors import AlgorithmInputError
from goodwill.events import from_time_us
from goodwill.insights.circle_rules import CircleRules, load_rules
from goodwill.insights.relationship_list import (
    SORT_COLUMNS,
    RelationshipLine,
    narrow,
    relationship_lines,
)
from goodwill.web.cache import MomentReads
from goodwill.web.models import RelationshipLineOut, RelationshipsOut
from goodwill.web.views import relationship_out

__all__ = ["DIRECTIONS", "ROWS_PER_PAGE", "circle_rules", "owner_lines", "relationships_table"]

#: Rows per page: enough to scan in one go on a laptop, few enough to stay quick on a phone.
ROWS_PER_PAGE = 50
DIRECTIONS = ("asc", "desc")


def circle_rules() -> CircleRules:
    """The circles' thresholds the CLI would use: ``GOODWILL_CIRCLES`` if set (the
    environment variable behind ``--rules``), else the defaults."""
    return load_rules(os.environ.get("GOODWILL_CIRCLES") or None)


def owner_lines(reads: MomentReads, rules: CircleRules) -> list[RelationshipLine]:
    """Every relationship of the owner's as of the moment, made once per moment and store
    version and kept, so re-sorting and filtering cost no trust work."""
    return reads.page(
        "relationship-lines",
        (rules,),
        lambda: relationship_lines(reads.conn, reads.view(), rules),
    )


def relationships_table(
    reads: MomentReads,
    rules: CircleRules,
    *,
    stage: str | None = None,
    circle: str | None = None,
    network: str | None = None,
    sort: str = "trust",
    direction: str | None = None,
    offset: int = 0,
    limit: int = ROWS_PER_PAGE,
) -> RelationshipsOut:
    """``limit`` relationships from ``offset`` on, after the filters and the sort (in its own
    direction unless ``direction`` is ``asc`` or ``desc``)."""
    if direction is not None and direction not in DIRECTIONS:
        raise AlgorithmInputError(f"dir must be asc or desc, not {direction!r}")
    descending = None if direction is None else direction == "desc"
    everyone = owner_lines(reads, rules)
    chosen = narrow(
        everyone, stage=stage, circle=circle, network=network, sort=sort, descending=descending
    )
    down = SORT_COLUMNS[sort] if descending is None else descending
    return RelationshipsOut(
        at=from_time_us(reads.at_us).isoformat(),
        relationships=[_line_out(line) for line in chosen[offset : offset + limit]],
        total=len(chosen),
        offset=offset,
        sort=sort,
        direction="desc" if down else "asc",
        stage=stage,
        circle=circle,
        network=network,
        networks=sorted({n for line in everyone for n in line.networks}),
    )


def _line_out(line: RelationshipLine) -> RelationshipLineOut:
    return RelationshipLineOut(
        **relationship_out(line.relationship).model_dump(),
        trusted_uncertainty=line.trusted_uncertainty,
        circle=line.circle,
        events=line.events,
        networks=list(line.networks),
    )
