"""The person page and the people list, from the functions behind ``goodwill show``,
``people``, ``trust``, ``why``, ``relationships`` and ``topics``."""

from __future__ import annotations

from sqlalchemy import Connection

from goodwill.errors import AlgorithmInputError
from goodwill.events import NOTE_KINDS, from_time_us
from goodwill.insights.relationship_list import RelationshipLine, narrow
from goodwill.insights.topics import Corpus, load_corpus, topics_of
from goodwill.ledger.people import owner_person
from goodwill.ledger.queries import find_person, list_people, person_identities, timeline
from goodwill.trust.network_report import NetworkView
from goodwill.trust.report import TrustView
from goodwill.web.chart_data import trust_history, trust_paths
from goodwill.web.models import (
    IdentityOut,
    KindOut,
    PeopleOut,
    PersonOut,
    PersonRowOut,
    TimelineOut,
    TopicOut,
    TrustOut,
)
from goodwill.web.views import evidence, relationship_out

__all__ = ["PEOPLE_SHOWN", "TIMELINE_SHOWN", "people_page", "person_page"]

#: People per list page: a screenful that is quick to scan; searching narrows it.
PEOPLE_SHOWN = 50
#: Events on the person page, newest first (``goodwill show --limit`` shows more).
TIMELINE_SHOWN = 50
_WHY_EVENTS = 8  # the events that counted most, under each direction of trust
_TOPICS = 8


def people_page(
    conn: Connection,
    query: str | None,
    *,
    limit: int = PEOPLE_SHOWN,
    network: str | None = None,
    stage: str | None = None,
    circle: str | None = None,
    lines: list[RelationshipLine] | None = None,
) -> PeopleOut:
    """People matching ``query`` (names and accounts), most active first; only those on
    ``network``; and, given the owner's relationship ``lines``, only those in ``stage``
    and ``circle`` (each row then gives both)."""
    text = (query or "").strip() or None
    placed: dict[int, RelationshipLine] | None = None
    if stage is not None or circle is not None:
        if lines is None:
            raise AlgorithmInputError("filtering by stage or circle needs the relationships")
        chosen = narrow(lines, stage=stage, circle=circle)
        placed = {line.relationship.person: line for line in chosen}
    rows = list_people(conn, search=text, limit=limit, network=network, among=placed)
    return PeopleOut(
        query=text,
        people=[
            PersonRowOut(
                id=r.id,
                name=r.name,
                identities=r.identities,
                events=r.events,
                stage=placed[r.id].relationship.stage if placed else None,
                circle=placed[r.id].circle if placed else None,
            )
            for r in rows
        ],
    )


def _trust(conn: Connection, view: TrustView, truster: int, trustee: int) -> TrustOut:
    found = view.why(truster, trustee)
    top = [c.event_id for c in found.contributions[:_WHY_EVENTS]]
    cited = evidence(conn, top)
    return TrustOut(
        truster=truster,
        trustee=trustee,
        expected=found.expected,
        belief=found.belief,
        disbelief=found.disbelief,
        uncertainty=found.uncertainty,
        positive=found.positive,
        negative=found.negative,
        by_kind=[
            KindOut(kind=k.kind, channel=k.channel, events=k.events, contribution=k.contribution)
            for k in found.by_kind
        ],
        evidence=[cited[e] for e in top if e in cited],
    )


def person_page(
    conn: Connection,
    person: int,
    view: TrustView,
    *,
    at_us: int,
    corpus: Corpus | None = None,
    network: NetworkView | None = None,
) -> PersonOut:
    """Identities, relationship with the owner, trust both ways with its evidence, topics
    and the latest events of ``person`` (an id; a merged-away id leads to its survivor).
    ``corpus`` (everyone's texts as of ``at_us``) and ``network`` (network trust over
    ``view``) are for a caller that has them already."""
    person_id = find_person(conn, str(person))
    owner = owner_person(conn)
    ids = person_identities(conn, person_id)
    name = view.names([person_id]).get(person_id) or (ids[0].account if ids else "?")
    relationship = None
    owner_trusts = trusts_owner = None
    history = paths = None
    if owner is not None and owner != person_id:
        history = trust_history(conn, view, person_id)
        paths = trust_paths(conn, view, person_id, network=network)
        relationship = next(
            (relationship_out(r) for r in view.relationships() if r.person == person_id), None
        )
        if view.index.has(person_id) and view.index.has(owner):
            owner_trusts = _trust(conn, view, owner, person_id)
            trusts_owner = _trust(conn, view, person_id, owner)
    topics = topics_of(corpus or load_corpus(conn, until_us=at_us), person_id, top=_TOPICS)
    # the owner's notes (done, snooze...) are about items, not exchanges: not in the timeline
    events = timeline(
        conn, person_id, limit=TIMELINE_SHOWN, until_us=at_us, exclude_kinds=NOTE_KINDS
    )
    return PersonOut(
        id=person_id,
        name=name,
        owner=owner == person_id,
        at=from_time_us(at_us).isoformat(),
        identities=[
            IdentityOut(handle=f"{i.network}:{i.account}", name=i.display_name) for i in ids
        ],
        relationship=relationship,
        owner_trusts=owner_trusts,
        trusts_owner=trusts_owner,
        topics=[TopicOut(term=t.term, weight=t.weight, texts=t.texts) for t in topics],
        timeline=[
            TimelineOut(
                event_id=e.event_id,
                time=from_time_us(e.time_us).isoformat(),
                kind=e.kind,
                outgoing=e.outgoing,
                counterpart=e.counterpart,
                counterpart_name=e.counterpart_name,
                value=e.value,
                text=e.text,
            )
            for e in events
        ],
        trust_history=history,
        paths=paths,
    )
