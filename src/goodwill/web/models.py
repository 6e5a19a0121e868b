"""What the pages show, as pydantic models: the templates render them and the JSON API
returns them, so the two cannot drift apart (and ``/openapi.json`` describes both)."""

from __future__ import annotations

from typing import Literal

from markupsafe import Markup
from pydantic import BaseModel, Field

from goodwill.web.charts import listening_chart, paths_chart, trust_history_chart

__all__ = [
    "AdvocateOut",
    "AgendaEntry",
    "AgendaOut",
    "ChartEventOut",
    "CircleMemberOut",
    "CircleOut",
    "CirclesOut",
    "DashboardOut",
    "Evidence",
    "FlagOut",
    "IdentityOut",
    "ImportJobOut",
    "ImportOut",
    "ImportResultOut",
    "ImportsOut",
    "KindOut",
    "ListeningHistoryOut",
    "ListeningOut",
    "ListeningPeriodOut",
    "MergeEvidenceOut",
    "MergeSuggestionOut",
    "OpinionAtOut",
    "PathOut",
    "PathsOut",
    "PeopleOut",
    "PersonOut",
    "PersonRowOut",
    "RejectOut",
    "RelationshipLineOut",
    "RelationshipOut",
    "RelationshipsOut",
    "ShareCheckOut",
    "TimelineOut",
    "TopicOut",
    "TrustHistoryOut",
    "TrustOut",
    "TrustPointOut",
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


class RelationshipLineOut(RelationshipOut):
    """A row of the relationships table: the relationship, its circle, events and networks."""

    trusted_uncertainty: float = Field(description="The uncertainty of their trust in the owner.")
    circle: str | None = Field(description="The narrowest circle they are in; null for none.")
    events: int = Field(description="Events between the two, either way, up to ``at``.")
    networks: list[str] = Field(description="The networks they have accounts on.")


class RelationshipsOut(BaseModel):
    """The owner's relationships as of ``at``: one page of them, filtered and sorted."""

    at: str
    relationships: list[RelationshipLineOut]
    total: int = Field(description="Relationships that pass the filters, on every page.")
    offset: int = Field(description="How many of them come before the first one here.")
    sort: str
    direction: str = Field(description="asc or desc.")
    stage: str | None
    circle: str | None = Field(description="A circle (and the narrower ones), or none.")
    network: str | None
    networks: list[str] = Field(description="Every network the owner's contacts are on.")


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
    history: ListeningHistoryOut | None = Field(
        default=None, description="The share in every period so far (the dashboard's chart)."
    )


class DashboardOut(BaseModel):
    """Everything the dashboard shows."""

    at: str
    agenda: AgendaOut
    cooling: list[RelationshipOut]
    advocates: list[AdvocateOut]
    more_advocates: int = Field(
        default=0, description="New advocates beyond those listed (`goodwill advocates`)."
    )
    flags: list[FlagOut]
    listening: ListeningOut


class PersonRowOut(BaseModel):
    """A person in a listing (with their stage and circle when the listing was filtered
    by either)."""

    id: int
    name: str
    identities: list[str]
    events: int
    stage: str | None = None
    circle: str | None = None


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
    trust_history: TrustHistoryOut | None = Field(
        default=None, description="Trust both ways over the relationship (the page's chart)."
    )
    paths: PathsOut | None = Field(
        default=None, description="The strongest trust paths from the owner to this person."
    )


# -- imports (the imports page and /api/imports) ---------------------------------------


class ImportOut(BaseModel):
    """One completed import, as the ``imports`` table records it."""

    id: int
    source: str
    file: str = Field(description="The imported file's name (no folder).")
    status: str
    started: str
    finished: str | None
    records_read: int
    events_added: int
    events_present: int = Field(description="Events already in the store: duplicates.")
    rejected: int
    identities_added: int


class RejectOut(BaseModel):
    """A record an import set aside: where it is in the file and why it was unreadable."""

    location: str
    reason: str


class ImportResultOut(BaseModel):
    """What a finished upload's import did (the same figures ``goodwill import`` prints)."""

    import_id: int
    events_read: int
    added: int
    present: int
    rejected: int
    identities_added: int
    people_merged: int
    seconds: float
    first_rejects: list[RejectOut]


class ImportJobOut(BaseModel):
    """An upload being imported, or imported, since the server started."""

    id: str
    status: Literal["running", "complete", "failed"]
    file: str
    requested_source: str = Field(description="``detect`` or the source the form named.")
    source: str | None = Field(description="The source reading it, once known.")
    skip_bad: bool
    started: str
    finished: str | None
    bytes_read: int
    total_bytes: int
    events_read: int
    result: ImportResultOut | None = Field(description="Set when the import completed.")
    error: str | None = Field(description="goodwill's message when it failed.")


class ImportsOut(BaseModel):
    """The store's import history, newest first, and this server's recent uploads."""

    imports: list[ImportOut]
    jobs: list[ImportJobOut]


class CircleMemberOut(BaseModel):
    """Where one person stands in the owner's circles, and why."""

    person: int
    name: str
    tier: str | None = Field(description="The narrowest circle they are in; null for none.")
    earned: str | None = Field(description="The circle the evidence alone gives.")
    why: str = Field(description="Their figures against the thresholds, or the pin.")
    pinned: str | None = Field(description="The level the owner pinned them to, if any.")
    pinned_on: str | None
    stage: str | None
    trust: float | None
    trusted: float | None
    uncertainty: float | None
    evidence: list[Evidence]


class CircleOut(BaseModel):
    """One circle: its thresholds, the reason for them, and the people whose narrowest
    circle it is (circles are nested: the narrower ones' members are in it too)."""

    name: str
    thresholds: str
    reason: str
    members: list[CircleMemberOut]
    total: int = Field(default=0, description="Members in all: `members` is one window of them.")
    offset: int = Field(default=0, description="Where in the circle `members` starts.")


class CirclesOut(BaseModel):
    """The owner's circles as of ``at``, narrowest first, and who is in none."""

    at: str
    rules: str = Field(description="Where the thresholds come from.")
    cooling_highest: str
    circles: list[CircleOut]
    outside: list[CircleMemberOut] = Field(description="Contacts in no circle, and why.")
    outside_total: int = Field(default=0, description="Contacts in no circle in all.")
    outside_offset: int = Field(default=0, description="Where among them `outside` starts.")


class ShareCheckOut(BaseModel):
    """Whether what is shared with a circle may go to a person (``goodwill may-share``)."""

    person: int
    name: str
    level: str
    tier: str | None
    allowed: bool
    reason: str
    at: str


class MergeEvidenceOut(BaseModel):
    """One reason to think two people are one."""

    reason: str
    detail: str
    confidence: float


class MergeSuggestionOut(BaseModel):
    """Two people who are probably one (``goodwill merge --suggest``): merge ``other`` into
    ``person`` to accept it."""

    person: int
    other: int
    person_name: str
    other_name: str
    confidence: float
    evidence: list[MergeEvidenceOut]


# -- charts (the person page's and the dashboard's pictures; /api/.../trust-history, paths,
# /api/listening/history). Each model draws itself with goodwill.web.charts: the templates
# call ``chart()``, the API returns the data.


class OpinionAtOut(BaseModel):
    """One direction's trust at one date: expected, and the opinion it comes from."""

    expected: float
    belief: float
    disbelief: float
    uncertainty: float


class TrustPointOut(BaseModel):
    """Trust both ways at one date of a relationship."""

    time: str
    owner_trusts: OpinionAtOut
    trusts_owner: OpinionAtOut
    exact: bool = Field(
        description="Whether the base rate was computed at this date; elsewhere it is "
        "interpolated between such dates (belief, disbelief and uncertainty are exact "
        "everywhere; see goodwill.trust.history)."
    )


class ChartEventOut(BaseModel):
    """An event between the owner and a person, as marked on the trust chart."""

    event_id: int
    time: str
    kind: str
    outgoing: bool = Field(description="True when the owner did it, false when they did.")
    sign: int = Field(description="1 if it counts for trust, -1 against it, 0 neither.")
    text: str | None


class TrustHistoryOut(BaseModel):
    """Trust between the owner and a person from their first event to ``at``."""

    person: int
    name: str
    since: str
    at: str
    points: list[TrustPointOut]
    events: list[ChartEventOut]

    def chart(self) -> Markup:
        """The chart as inline SVG (see :mod:`goodwill.web.charts.trust`)."""
        return trust_history_chart(self)


class ListeningPeriodOut(BaseModel):
    """The owner's listening in one week, month or quarter."""

    label: str
    start: str
    share: float | None
    listening: float
    promotion: float


class ListeningHistoryOut(BaseModel):
    """The owner's listening share in every period up to ``at``, and the healthy share."""

    by: str
    at: str
    healthy_share: float
    periods: list[ListeningPeriodOut]

    def chart(self) -> Markup:
        """The chart as inline SVG (see :mod:`goodwill.web.charts.listening`)."""
        return listening_chart(self)


class PathOut(BaseModel):
    """One trust path: the people along it, each hop's trust, and their product."""

    people: list[int]
    names: list[str]
    hops: list[float]
    strength: float


class PathsOut(BaseModel):
    """The strongest trust paths from ``source`` (the owner) to ``target``."""

    source: int
    target: int
    name: str
    at: str
    max_hops: int
    paths: list[PathOut]

    def chart(self) -> Markup:
        """The graph as inline SVG (see :mod:`goodwill.web.charts.paths`)."""
        return paths_chart(self)


ListeningOut.model_rebuild()
DashboardOut.model_rebuild()
PersonOut.model_rebuild()
