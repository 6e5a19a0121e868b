"""The JSON API: what the pages show, as documented models (``/openapi.json``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from goodwill.errors import AlgorithmInputError
from goodwill.events import from_time_us
from goodwill.trust.report import open_view
from goodwill.trust.stages import STAGES
from goodwill.web.deps import AtDep, LedgerDep, PolicyDep, UserDep
from goodwill.web.models import AgendaOut, DashboardOut, PeopleOut, PersonOut, RelationshipsOut
from goodwill.web.person_view import PEOPLE_SHOWN, people_page, person_page
from goodwill.web.views import agenda_page, dashboard, relationship_out

router = APIRouter(prefix="/api", tags=["api"])


@router.get("/dashboard", response_model=DashboardOut)
def api_dashboard(ledger: LedgerDep, _user: UserDep, at: AtDep, policy: PolicyDep) -> DashboardOut:
    """Everything the dashboard page shows."""
    with ledger.read() as conn:
        view = open_view(conn, policy, at_us=at.us)
        return dashboard(conn, view, at_us=at.us, policy=policy)


@router.get("/agenda", response_model=AgendaOut)
def api_agenda(
    ledger: LedgerDep,
    _user: UserDep,
    at: AtDep,
    policy: PolicyDep,
    top: Annotated[int, Query(ge=1, le=500)] = 20,
) -> AgendaOut:
    """The owner's next actions, best first, each with its reason and events."""
    with ledger.read() as conn:
        return agenda_page(conn, at_us=at.us, policy=policy, top=top)


@router.get("/people", response_model=PeopleOut)
def api_people(
    ledger: LedgerDep,
    _user: UserDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = PEOPLE_SHOWN,
) -> PeopleOut:
    """People whose name or account matches ``q``, most active first."""
    with ledger.read() as conn:
        return people_page(conn, q, limit=limit)


@router.get("/people/{person_id}", response_model=PersonOut)
def api_person(
    ledger: LedgerDep, _user: UserDep, at: AtDep, policy: PolicyDep, person_id: int
) -> PersonOut:
    """One person: identities, relationship, trust both ways with evidence, topics, events."""
    with ledger.read() as conn:
        view = open_view(conn, policy, at_us=at.us)
        return person_page(conn, person_id, view, at_us=at.us)


@router.get("/relationships", response_model=RelationshipsOut)
def api_relationships(
    ledger: LedgerDep,
    _user: UserDep,
    at: AtDep,
    policy: PolicyDep,
    stage: Annotated[str | None, Query(description=f"One of {', '.join(STAGES)}.")] = None,
    top: Annotated[int, Query(ge=1, le=10_000)] = 200,
) -> RelationshipsOut:
    """The owner's relationships, most trusted first, with stage, trust both ways and rhythm."""
    if stage is not None and stage not in STAGES:
        raise AlgorithmInputError(f"stage must be one of {', '.join(STAGES)}")
    with ledger.read() as conn:
        view = open_view(conn, policy, at_us=at.us)
        rows = [r for r in view.relationships() if stage in (None, r.stage)][:top]
    return RelationshipsOut(
        at=from_time_us(at.us).isoformat(), relationships=[relationship_out(r) for r in rows]
    )
