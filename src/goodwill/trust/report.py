"""Trust read from the ledger for people, not indices: what the CLI and the web app show.

:func:`open_view` loads the events, assesses trust as of a moment under a policy, and
returns a :class:`TrustView` whose methods answer in person ids and names: whom someone
trusts and who trusts them, why, the owner's relationships and everyone's standing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
from sqlalchemy import Connection

from goodwill.errors import AlgorithmInputError
from goodwill.events import from_time_us, now_us, to_time_us
from goodwill.ledger.people import require_owner
from goodwill.ledger.queries import person_names
from goodwill.trust.community import CommunityStanding, community_standing
from goodwill.trust.evidence import EventTable
from goodwill.trust.explain import Explanation, explain
from goodwill.trust.loading import EventColumns, PersonIndex, load_events
from goodwill.trust.model import TrustSnapshot, assess
from goodwill.trust.policy import Policy
from goodwill.trust.stages import relationships_of

__all__ = [
    "PairTrust",
    "Relationship",
    "StandingRow",
    "TrustView",
    "open_view",
    "parse_moment",
]


def parse_moment(text: str | None) -> int:
    """Microseconds for ``--at``: a date means its first instant (UTC), a datetime its own;
    nothing means now.

    >>> parse_moment("1970-01-02")
    86400000000
    """
    if text is None:
        return now_us()
    try:
        if len(text.strip()) == 10:
            day = date.fromisoformat(text.strip())
            return to_time_us(datetime(day.year, day.month, day.day, tzinfo=UTC))
        return to_time_us(datetime.fromisoformat(text.strip()))
    except ValueError:
        raise AlgorithmInputError(
            f"--at {text!r} is not a date; give YYYY-MM-DD or an ISO date and time"
        ) from None


@dataclass(frozen=True, slots=True)
class PairTrust:
    """One person's expected trust in another, with its uncertainty and evidence size."""

    person: int
    name: str
    expected: float
    belief: float
    disbelief: float
    uncertainty: float
    events: int


@dataclass(frozen=True, slots=True)
class Relationship:
    """One of the owner's relationships."""

    person: int
    name: str
    stage: str
    trust: float
    trusted: float
    uncertainty: float
    active_weeks: int
    exchanges: int
    first_contact: str
    last_contact: str
    rhythm_days: float | None
    silence_days: float
    outlook: float  # the chance of contact within the policy's horizon


@dataclass(frozen=True, slots=True)
class StandingRow:
    """A person's community standing (what the ranking uses), their plain standing, their
    credibility and voice as a judge of others, and how many judge them."""

    person: int
    name: str
    community: float
    standing: float
    credibility: float
    voice: float
    judged_by: int


class TrustView:
    """Trust as of one moment, answering in person ids and names."""

    def __init__(
        self, conn: Connection, table: EventTable, index: PersonIndex, snapshot: TrustSnapshot
    ) -> None:
        self._conn = conn
        self.table = table
        self.index = index
        self.snapshot = snapshot
        self._community: CommunityStanding | None = None

    @property
    def community(self) -> CommunityStanding:
        """Community standing as of the view's moment (computed once, on first use)."""
        if self._community is None:
            self._community = community_standing(self.snapshot, self.table)
        return self._community

    @property
    def at(self) -> datetime:
        """The moment the view is as of."""
        return from_time_us(self.snapshot.at_us)

    def names(self, person_ids: list[int]) -> dict[int, str]:
        """Display names for person ids."""
        return person_names(self._conn, person_ids)

    def trust_of(self, person_id: int, *, top: int = 10) -> tuple[list[PairTrust], list[PairTrust]]:
        """Whom ``person_id`` trusts most, and who trusts them most (with evidence only)."""
        me = self.index.index(person_id)
        evidence = self.snapshot.evidence
        outgoing = np.flatnonzero(evidence.truster == me)
        incoming = np.flatnonzero(evidence.trustee == me)
        return (
            self._pairs(outgoing, evidence.trustee, top),
            self._pairs(incoming, evidence.truster, top),
        )

    def _pairs(self, rows: np.ndarray, other: np.ndarray, top: int) -> list[PairTrust]:
        opinion, evidence = self.snapshot.opinions, self.snapshot.evidence
        order = rows[np.lexsort((other[rows], -opinion.expected[rows]))][:top]
        ids = [self.index.person(int(other[r])) for r in order]
        names = self.names(ids)
        return [
            PairTrust(
                pid,
                names.get(pid, "?"),
                float(opinion.expected[r]),
                float(opinion.belief[r]),
                float(opinion.disbelief[r]),
                float(opinion.uncertainty[r]),
                int(evidence.events[r]),
            )
            for pid, r in zip(ids, order, strict=True)
        ]

    def why(self, truster_id: int, trustee_id: int) -> Explanation:
        """The events behind ``truster_id``'s trust in ``trustee_id``."""
        if truster_id == trustee_id:
            raise AlgorithmInputError("why needs two different people")
        return explain(
            self.snapshot,
            self.table,
            self.index.index(truster_id),
            self.index.index(trustee_id),
        )

    def relationships(self, person_id: int | None = None) -> list[Relationship]:
        """The owner's (or ``person_id``'s) relationships, most trusted first."""
        if person_id is None:
            person_id = require_owner(self._conn)
        found = relationships_of(self.table, self.snapshot, self.index.index(person_id))
        ids = [self.index.person(int(c)) for c in found.contact]
        names = self.names(ids)
        rows = [
            Relationship(
                person=pid,
                name=names.get(pid, "?"),
                stage=str(found.stage[i]),
                trust=float(found.trust[i]),
                trusted=float(found.trusted[i]),
                uncertainty=float(found.uncertainty[i]),
                active_weeks=int(found.active_windows[i]),
                exchanges=int(found.exchanges[i]),
                first_contact=from_time_us(int(found.first_us[i])).isoformat(),
                last_contact=from_time_us(int(found.last_us[i])).isoformat(),
                rhythm_days=None if np.isnan(found.rhythm_days[i]) else float(found.rhythm_days[i]),
                silence_days=float(found.silence_days[i]),
                outlook=float(found.outlook[i]),
            )
            for i, pid in enumerate(ids)
        ]
        return sorted(rows, key=lambda r: (-r.trust, r.person))

    def standing(self, *, top: int = 20, lowest: bool = False) -> list[StandingRow]:
        """The people with the highest (or lowest) community standing among those anyone
        judged."""
        evidence = self.snapshot.evidence
        community = self.community
        judged_by = np.bincount(evidence.trustee, minlength=len(self.index))
        candidates = np.flatnonzero(judged_by > 0)
        score = community.scores[candidates]
        order = candidates[np.lexsort((candidates, score if lowest else -score))][:top]
        ids = [self.index.person(int(i)) for i in order]
        names = self.names(ids)
        return [
            StandingRow(
                pid,
                names.get(pid, "?"),
                float(community.scores[i]),
                float(self.snapshot.standing[i]),
                float(community.credibility[i]),
                float(community.voice[i]),
                int(judged_by[i]),
            )
            for pid, i in zip(ids, order, strict=True)
        ]


def open_view(
    conn: Connection, policy: Policy, *, at_us: int, columns: EventColumns | None = None
) -> TrustView:
    """Load the ledger's events up to ``at_us`` and assess trust as of then.

    ``columns`` already read as of ``at_us`` (:func:`~goodwill.trust.loading.load_events`)
    spare a second read of the events when the caller has them, as the web app does with
    the activity of the same moment."""
    table, index = load_events(conn, until_us=at_us, columns=columns)
    return TrustView(conn, table, index, assess(table, policy, at_us))
