"""People: search and list, and one person's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from goodwill.trust.report import open_view
from goodwill.web.deps import AtDep, LedgerDep, PolicyDep, UserDep
from goodwill.web.person_view import people_page, person_page
from goodwill.web.render import render

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/people")
def people_list(
    request: Request,
    ledger: LedgerDep,
    user: UserDep,
    at: AtDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """People matching the search, most active first."""
    with ledger.read() as conn:
        found = people_page(conn, q)
    return render(request, "people.html", at=at.text, user=user, page=found)


@router.get("/people/{person_id}")
def person(
    request: Request,
    ledger: LedgerDep,
    user: UserDep,
    at: AtDep,
    policy: PolicyDep,
    person_id: int,
) -> Response:
    """Identities, trust both ways with its evidence, stage, topics and timeline."""
    with ledger.read() as conn:
        view = open_view(conn, policy, at_us=at.us)
        found = person_page(conn, person_id, view, at_us=at.us)
    return render(request, "person.html", at=at.text, user=user, page=found)
