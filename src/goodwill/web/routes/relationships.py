"""Relationships: the owner's, as a table sortable by every column and filterable by stage,
circle and network, one page at a time.

Every sort link and the filter form are plain links and a GET form, so the page works
without JavaScript; with htmx they fetch only the table (``HX-Request``) and push the
page's address, so back, forward and reload land on the same view.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from goodwill.insights.relationship_list import CIRCLE_FILTERS, SORT_COLUMNS
from goodwill.trust.stages import STAGES
from goodwill.web.deps import AtDep, LedgerDep, UserDep
from goodwill.web.relationships_view import ROWS_PER_PAGE, circle_rules, relationships_table
from goodwill.web.render import link_maker, render
from goodwill.web.results import reads_for

router = APIRouter(tags=["pages"], include_in_schema=False)

#: The columns, in table order: (sort key, header).
COLUMNS = (
    ("name", "Person"),
    ("trust", "Your trust"),
    ("trusted", "Theirs"),
    ("stage", "Stage"),
    ("circle", "Circle"),
    ("last_contact", "Last contact"),
    ("events", "Events"),
    ("networks", "Networks"),
)
Text = Annotated[str | None, Query(max_length=100)]


def blank_as_none(value: str | None) -> str | None:
    """A form's empty choice ("any") as no filter."""
    return (value.strip() or None) if value is not None else None


def wants_fragment(request: Request) -> bool:
    """Whether htmx asked for the part it swaps (a history restore wants the whole page)."""
    headers = request.headers
    return "hx-request" in headers and "hx-history-restore-request" not in headers


@router.get("/relationships")
def relationships_page(
    request: Request,
    ledger: LedgerDep,
    user: UserDep,
    at: AtDep,
    stage: Text = None,
    circle: Text = None,
    network: Text = None,
    sort: Text = None,
    dir: Text = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The owner's relationships, sorted and filtered, ``ROWS_PER_PAGE`` at a time."""
    wanted = {
        "stage": blank_as_none(stage),
        "circle": blank_as_none(circle),
        "network": blank_as_none(network),
    }
    with ledger.read() as conn:
        table = relationships_table(
            reads_for(request, conn, at),
            circle_rules(),
            stage=wanted["stage"],
            circle=wanted["circle"],
            network=wanted["network"],
            sort=blank_as_none(sort) or "trust",
            direction=blank_as_none(dir),
            offset=(page - 1) * ROWS_PER_PAGE,
        )
    link = link_maker(at.text)
    shown = page if page > 1 else None
    here = link("/relationships", **wanted, sort=table.sort, dir=table.direction, page=shown)
    values: dict[str, Any] = {
        "page": table,
        "page_number": page,
        "pages": max(1, -(-table.total // ROWS_PER_PAGE)),
        "columns": COLUMNS,
        "default_desc": SORT_COLUMNS,
        "stages": STAGES,
        "circles": CIRCLE_FILTERS,
        "filters": wanted,
    }
    if wants_fragment(request):
        response = render(request, "_relationships_table.html", at=at.text, user=user, **values)
        response.headers["HX-Push-Url"] = here
    else:
        response = render(request, "relationships.html", at=at.text, user=user, **values)
    response.headers["Vary"] = "HX-Request"
    return response
