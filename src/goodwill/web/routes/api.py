"""The JSON API: what the pages show, as documented models (``/openapi.json``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from goodwill.errors import AlgorithmInputError, NotFoundError
from goodwill.insights.circle_rules import TIERS
from goodwill.insights.relationship_list import CIRCLE_FILTERS, SORT_COLUMNS
from goodwill.ledger.queries import find_person
from goodwill.trust.stages import STAGES
from goodwill.web.chart_data import (
    PATH_HOPS,
    PATHS_SHOWN,
    listening_history,
    trust_history,
    trust_paths,
)
from goodwill.web.circles_view import (
    API_MEMBERS,
    API_MEMBERS_MOST,
    circles_result,
    circles_window,
)
from goodwill.web.deps import AtDep, LedgerDep, UserDep
from goodwill.web.import_jobs import jobs_of
from goodwill.web.import_views import import_history
from goodwill.web.models import (
    AgendaOut,
    CirclesOut,
    DashboardOut,
    ImportJobOut,
    ImportsOut,
    ListeningHistoryOut,
    PathsOut,
    PeopleOut,
    PersonOut,
    RelationshipsOut,
    TrustHistoryOut,
)
from goodwill.web.person_view import PEOPLE_SHOWN
from goodwill.web.relationships_view import circle_rules, relationships_table
from goodwill.web.results import (
    agenda_result,
    dashboard_result,
    people_result,
    person_result,
    reads_for,
)


class ErrorOut(BaseModel):
    """What went wrong and what to do about it."""

    detail: str


def _error(when: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": when}


#: The errors any route here may answer (422, a malformed parameter, FastAPI documents).
ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("A parameter that could not be used, e.g. an `at` that is not a date."),
    401: _error("Nobody is signed in: POST /login, then send the session cookie."),
    404: _error("No such person, agenda item or import job."),
    409: _error("The store cannot answer yet, e.g. no owner is recorded."),
}

router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)


@router.get("/dashboard", response_model=DashboardOut)
def api_dashboard(request: Request, ledger: LedgerDep, _user: UserDep, at: AtDep) -> DashboardOut:
    """Everything the dashboard page shows."""
    with ledger.read() as conn:
        return dashboard_result(reads_for(request, conn, at))


@router.get("/agenda", response_model=AgendaOut)
def api_agenda(
    request: Request,
    ledger: LedgerDep,
    _user: UserDep,
    at: AtDep,
    top: Annotated[int, Query(ge=1, le=500)] = 20,
) -> AgendaOut:
    """The owner's next actions, best first, each with its reason and events."""
    with ledger.read() as conn:
        return agenda_result(reads_for(request, conn, at), top)


@router.get("/people", response_model=PeopleOut)
def api_people(
    request: Request,
    ledger: LedgerDep,
    _user: UserDep,
    at: AtDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = PEOPLE_SHOWN,
    network: Annotated[str | None, Query(max_length=100)] = None,
    stage: Annotated[str | None, Query(description=f"One of {', '.join(STAGES)}.")] = None,
    circle: Annotated[
        str | None,
        Query(description=f"One of {', '.join(CIRCLE_FILTERS)}: that circle and the narrower."),
    ] = None,
) -> PeopleOut:
    """People whose name or account matches ``q``, most active first; ``network``,
    ``stage`` and ``circle`` narrow them (the last two to the owner's relationships)."""
    with ledger.read() as conn:
        return people_result(
            reads_for(request, conn, at),
            q,
            limit=limit,
            network=network or None,
            stage=stage or None,
            circle=circle or None,
        )


@router.get("/people/{person_id}", response_model=PersonOut)
def api_person(
    request: Request, ledger: LedgerDep, _user: UserDep, at: AtDep, person_id: int
) -> PersonOut:
    """One person: identities, relationship, trust both ways with evidence, topics, events."""
    with ledger.read() as conn:
        return person_result(reads_for(request, conn, at), person_id)


@router.get("/relationships", response_model=RelationshipsOut)
def api_relationships(
    request: Request,
    ledger: LedgerDep,
    _user: UserDep,
    at: AtDep,
    stage: Annotated[str | None, Query(description=f"One of {', '.join(STAGES)}.")] = None,
    circle: Annotated[
        str | None,
        Query(description=f"One of {', '.join(CIRCLE_FILTERS)}: that circle and the narrower."),
    ] = None,
    network: Annotated[str | None, Query(max_length=100)] = None,
    sort: Annotated[str, Query(description=f"One of {', '.join(SORT_COLUMNS)}.")] = "trust",
    dir: Annotated[
        str | None, Query(description="asc or desc (default: the column's own direction).")
    ] = None,
    top: Annotated[int, Query(ge=1, le=10_000)] = 200,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> RelationshipsOut:
    """The owner's relationships (most trusted first unless ``sort`` says otherwise) with
    stage, trust both ways, circle, events and networks; ``offset`` and ``top`` page them."""
    with ledger.read() as conn:
        return relationships_table(
            reads_for(request, conn, at),
            circle_rules(),
            stage=stage or None,
            circle=circle or None,
            network=network or None,
            sort=sort,
            direction=dir or None,
            offset=offset,
            limit=top,
        )


@router.get("/circles", response_model=CirclesOut)
def api_circles(
    request: Request,
    ledger: LedgerDep,
    _user: UserDep,
    at: AtDep,
    level: Annotated[
        str, Query(description=f"One of {', '.join(TIERS)}: this circle and the narrower.")
    ] = TIERS[0],
    limit: Annotated[
        int, Query(ge=1, le=API_MEMBERS_MOST, description="Members per list, at most.")
    ] = API_MEMBERS,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Where each list starts.")] = 0,
) -> CirclesOut:
    """The owner's circles, narrowest first, each member with the reason they are in it,
    and the contacts in no circle with the reason they are not; ``limit`` members of each
    list from ``offset`` on, each list with its ``total`` (``/circles/export`` gives a
    whole circle as a file)."""
    with ledger.read() as conn:
        found = circles_result(reads_for(request, conn, at), circle_rules(), level=level)[1]
    return circles_window(found, limit=limit, offset=offset)


@router.get("/imports", response_model=ImportsOut)
def api_imports(request: Request, ledger: LedgerDep, _user: UserDep) -> ImportsOut:
    """The imports the store records, newest first, and this server's recent uploads."""
    with ledger.read() as conn:
        history = import_history(conn)
    return ImportsOut(imports=history, jobs=jobs_of(request.app).recent())


@router.get("/imports/jobs/{job}", response_model=ImportJobOut)
def api_import_job(request: Request, _user: UserDep, job: str) -> ImportJobOut:
    """One upload's import: progress while it runs, then its result or goodwill's error."""
    return jobs_of(request.app).get(job)


# -- the pictures' data (goodwill.web.chart_data): what the person page's and the
# dashboard's charts draw


@router.get("/people/{person_id}/trust-history", response_model=TrustHistoryOut)
def api_trust_history(
    request: Request, ledger: LedgerDep, _user: UserDep, at: AtDep, person_id: int
) -> TrustHistoryOut:
    """Trust between the owner and this person, both ways, from their first event to ``at``:
    expected trust, belief, disbelief and uncertainty at each date, and the events."""
    with ledger.read() as conn:
        person = find_person(conn, str(person_id))
        reads = reads_for(request, conn, at)
        found = reads.page(
            "trust-history", (person,), lambda: trust_history(conn, reads.view(), person)
        )
    if found is None:
        raise NotFoundError(
            f"person {person} has no events with the owner as of {at.text or 'now'} "
            "(or is the owner): there is no trust history to show"
        )
    return found


@router.get("/people/{person_id}/paths", response_model=PathsOut)
def api_trust_paths(
    request: Request,
    ledger: LedgerDep,
    _user: UserDep,
    at: AtDep,
    person_id: int,
    k: Annotated[int, Query(ge=1, le=20, description="How many paths.")] = PATHS_SHOWN,
    hops: Annotated[int, Query(ge=1, le=8, description="The longest path.")] = PATH_HOPS,
) -> PathsOut:
    """The strongest trust paths from the owner to this person (``goodwill path``), each
    with its people, each hop's trust and its strength; none when trust does not reach."""
    with ledger.read() as conn:
        person = find_person(conn, str(person_id))
        reads = reads_for(request, conn, at)
        found = reads.page(
            "paths",
            (person, k, hops),
            lambda: trust_paths(
                conn, reads.view(), person, k=k, max_hops=hops, network=reads.network()
            ),
        )
    if found is None:
        raise AlgorithmInputError("that is the owner: trust paths lead from you to others")
    return found


@router.get("/listening/history", response_model=ListeningHistoryOut)
def api_listening_history(
    request: Request,
    ledger: LedgerDep,
    _user: UserDep,
    at: AtDep,
    by: Annotated[Literal["week", "month", "quarter"], Query(description="The period.")] = "month",
) -> ListeningHistoryOut:
    """The owner's listening share per week, month or quarter up to ``at`` (``goodwill
    listening``), with the healthy share from its settings."""
    with ledger.read() as conn:
        reads = reads_for(request, conn, at)
        return reads.page(
            "listening-history",
            (by,),
            lambda: listening_history(conn, at_us=reads.at_us, by=by, activity=reads.activity()),
        )
