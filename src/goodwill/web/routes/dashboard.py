"""The dashboard, and the owner's word on agenda items (done, snooze, dismiss) as forms."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from goodwill.trust.report import parse_moment
from goodwill.web.deps import AtDep, LedgerDep, PolicyDep, UserDep
from goodwill.web.render import link_maker, render
from goodwill.web.results import dashboard_result, reads_for
from goodwill.web.views import mark_item
from goodwill.web.warm import wake_warmer

router = APIRouter(tags=["pages"], include_in_schema=False)
_US_PER_DAY = 86_400 * 1_000_000
#: A snooze from the dashboard lasts a week: the agenda's own rhythm (see docs/web.md).
SNOOZE_DAYS = 7


@router.get("/")
def dashboard_page(request: Request, ledger: LedgerDep, user: UserDep, at: AtDep) -> Response:
    """Today's agenda, cooling relationships, new advocates, hygiene flags, listening."""
    with ledger.read() as conn:
        found = dashboard_result(reads_for(request, conn, at))
    done = request.query_params.get("marked")
    return render(request, "dashboard.html", at=at.text, user=user, page=found, marked=done)


@router.post("/agenda/{note}")
def mark(
    request: Request,
    ledger: LedgerDep,
    user: UserDep,
    policy: PolicyDep,
    note: Literal["done", "snooze", "dismiss"],
    key: Annotated[str, Form(max_length=200)],
    at: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Record the note on the item as of the page's moment, then back to the dashboard."""
    text = at.strip() or None
    at_us = parse_moment(text)
    until = at_us + SNOOZE_DAYS * _US_PER_DAY if note == "snooze" else None
    mark_item(ledger, note, key, at_us=at_us, policy=policy, until_us=until)
    wake_warmer(request.app)
    target = link_maker(text)("/", marked=f"{note}:{key}")
    return RedirectResponse(target, status_code=303)
