"""What the pages show, as pydantic models: the templates render them and the JSON API
returns them, so the two cannot drift apart (and ``/openapi.json`` describes both)."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = [
    "AdvocateOut",
    "AgendaEntry",
    "AgendaOut",
    "DashboardOut",
    "Evidence",
    "FlagOut",
    "IdentityOut",
    "KindOut",
    "ListeningOut",
    "PeopleOut",
    "PersonOut",
    "PersonRowOut",
    "RelationshipOut",
    "RelationshipsOut",
    "TimelineOut",
    "TopicOut",
    "TrustOut",
]


class Evidence(BaseModel):
    """One event behind an item: when, what, who to whom, and a snippet of what was said."""

    event_id: int
    time: str
    kind: str
    actor: str
    target: str | None
    text: str | None


class AgendaEntry(BaseModel):
    """One next action, with the events it answers."""

    key: str
    action: str
    person: int
    name: str
    reason: str
    suggestion: str
    score: float
    cold: bool
    latest: str
    evidence: list[Evidence]


class AgendaOut(BaseModel):
    """The agenda as of ``at``: the top items, how many more, how many were left out."""

    at: str
    items: list[AgendaEntry]
    more: int
    left_out: int


class RelationshipOut(BaseModel):
    """The owner's relationship with one person (see ``goodwill relationships``)."""

    person: int
    name: str
    stage: str
    trust: float = Field(description="The owner's expected trust in them, 0 to 1.")
    trusted: float = Field(description="Their expected trust in the owner, 0 to 1.")
    uncertainty: float
    active_weeks: int
    exchanges: int
    first_contact: str
    last_contact: str
    rhythm_days: float | None
    silence_days: float
    outlook: float


class RelationshipsOut(BaseModel):
    """The owner's relationships as of ``at``."""

    at: str
    relationships: list[RelationshipOut]


class AdvocateOut(BaseModel):
    """An advocate: someone whose acts for the owner reach the advocate mark."""

    person: int
    name: str
    score: float
    counts: dict[str, int]
    first: str
    last: str
    evidence: list[Evidence]


class FlagOut(BaseModel):
    """A person hygiene flags as noise, with how sure it is and why."""

    person: int
    name: str
    detector: str
    confidence: float
    reason: str
    evidence: list[Evidence]


class ListeningOut(BaseModel):
    """The owner's listening share in the current period."""

    period: str | None
    share: float | None
    healthy_share: float
    direction: str
    verdict: str


class DashboardOut(BaseModel):
    """Everything the dashboard shows."""

    at: str
    agenda: AgendaOut
    cooling: list[RelationshipOut]
    advocates: list[AdvocateOut]
    flags: list[FlagOut]
    listening: ListeningOut


class PersonRowOut(BaseModel):
    """A person in a listing."""

    id: int
    name: str
    identities: list[str]
    events: int


class PeopleOut(BaseModel):
    """People matching a search, most active first."""

    query: str | None
    people: list[PersonRowOut]


class IdentityOut(BaseModel):
    """One account of a person."""

    handle: str
    name: str | None


class TimelineOut(BaseModel):
    """One event seen from the person's side."""

    event_id: int
    time: str
    kind: str
    outgoing: bool
    counterpart: str | None
    counterpart_name: str | None
    value: float | None
    text: str | None


class KindOut(BaseModel):
    """What one kind of event contributed to a trust opinion."""

    kind: str
    channel: str
    events: int
    contribution: float


class TrustOut(BaseModel):
    """One direction of trust between two people, with its uncertainty and its evidence."""

    truster: int
    trustee: int
    expected: float
    belief: float
    disbelief: float
    uncertainty: float
    positive: float
    negative: float
    by_kind: list[KindOut]
    evidence: list[Evidence] = Field(description="The events that counted most, largest first.")


class TopicOut(BaseModel):
    """A term the person uses more than others do."""

    term: str
    weight: float
    texts: int


class PersonOut(BaseModel):
    """Everything the person page shows."""

    id: int
    name: str
    owner: bool
    at: str
    identities: list[IdentityOut]
    relationship: RelationshipOut | None
    owner_trusts: TrustOut | None = Field(description="The owner's trust in this person.")
    trusts_owner: TrustOut | None = Field(description="This person's trust in the owner.")
    topics: list[TopicOut]
    timeline: list[TimelineOut]
