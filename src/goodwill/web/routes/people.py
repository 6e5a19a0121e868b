"""People: search and list, and one person's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from goodwill.insights.relationship_list import CIRCLE_FILTERS
from goodwill.ledger.queries import known_networks, person_names
from goodwill.trust.stages import STAGES
from goodwill.web.deps import AtDep, LedgerDep, UserDep
from goodwill.web.merging import merge, merge_suggestions
from goodwill.web.render import link_maker, render
from goodwill.web.results import people_result, person_result, reads_for
from goodwill.web.warm import wake_warmer

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/people")
def people_list(
    request: Request,
    ledger: LedgerDep,
    user: UserDep,
    at: AtDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    network: Annotated[str | None, Query(max_length=100)] = None,
    stage: Annotated[str | None, Query(max_length=100)] = None,
    circle: Annotated[str | None, Query(max_length=100)] = None,
    merged: Annotated[int | None, Query(ge=1)] = None,
    into: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """People matching the search and filters, most active first, and the people who are
    probably one person, each with a form to merge them."""
    wanted = {"network": network, "stage": stage, "circle": circle}
    wanted = {k: (v.strip() or None) if v else None for k, v in wanted.items()}
    with ledger.read() as conn:
        reads = reads_for(request, conn, at)
        found = people_result(
            reads, q, network=wanted["network"], stage=wanted["stage"], circle=wanted["circle"]
        )
        suggestions = reads.page("merge-suggestions", (), lambda: merge_suggestions(conn))
        networks = known_networks(conn)
        survivor = person_names(conn, [into]).get(into) if into else None
    return render(
        request,
        "people.html",
        at=at.text,
        user=user,
        page=found,
        filters=wanted,
        networks=networks,
        stages=STAGES,
        circles=CIRCLE_FILTERS,
        suggestions=suggestions,
        merged=merged,
        into=into,
        survivor=survivor,
    )


@router.post("/people/merge")
def merge_form(
    request: Request,
    ledger: LedgerDep,
    _user: UserDep,
    person: Annotated[str, Form(min_length=1, max_length=200)],
    other: Annotated[str, Form(min_length=1, max_length=200)],
    reason: Annotated[str, Form(max_length=500)] = "",
    at: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Merge ``other`` into ``person`` as ``goodwill merge`` does, then back to the list,
    which names the merge to undo it with."""
    done = merge(ledger, person, other, reason=reason.strip() or None)
    wake_warmer(request.app)
    target = link_maker(at.strip() or None)("/people", merged=done.merge_id, into=done.survivor)
    return RedirectResponse(target, status_code=303)


@router.get("/people/{person_id}")
def person(
    request: Request,
    ledger: LedgerDep,
    user: UserDep,
    at: AtDep,
    person_id: int,
) -> Response:
    """Identities, trust both ways with its evidence, stage, topics and timeline."""
    with ledger.read() as conn:
        found = person_result(reads_for(request, conn, at), person_id)
    return render(request, "person.html", at=at.text, user=user, page=found)
