"""Circles: the owner's nested circles with their members and reasons, pinning and
unpinning (forms), the "may I share this with them?" check, and exports as downloads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from goodwill.insights.circle_export import FORMATS
from goodwill.insights.circle_pins import PIN_LEVELS, UNPINNED
from goodwill.insights.circle_rules import TIERS
from goodwill.trust.report import parse_moment
from goodwill.web.circles_view import (
    MEMBERS_PER_PAGE,
    circle_download,
    circles_result,
    circles_window,
    list_page_of,
    pin_notice,
    pin_notice_person,
    pin_person,
    share_check,
)
from goodwill.web.deps import AtDep, LedgerDep, UserDep
from goodwill.web.relationships_view import circle_rules
from goodwill.web.render import link_maker, render
from goodwill.web.results import reads_for
from goodwill.web.warm import wake_warmer

router = APIRouter(tags=["pages"], include_in_schema=False)
Text = Annotated[str | None, Query(max_length=200)]


@router.get("/circles")
def circles(
    request: Request,
    ledger: LedgerDep,
    user: UserDep,
    at: AtDep,
    person: Text = None,
    level: Text = None,
    pinned: Annotated[str | None, Query(max_length=100)] = None,
    paged: Annotated[str | None, Query(alias="list", max_length=40)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Every circle, narrowest first, with its members and why, ``MEMBERS_PER_PAGE`` at a
    time (``list`` and ``page`` turn one list's pages); with ``person`` and ``level``,
    whether that person may be shared with at that level and why."""
    rules = circle_rules()
    asked = (person or "").strip()
    only = (paged or "").strip() or None
    with ledger.read() as conn:
        found, everyone = circles_result(reads_for(request, conn, at), rules)
        check = share_check(conn, found, asked, level or TIERS[1]) if asked else None
    just_pinned = pin_notice_person(pinned)
    if just_pinned is not None and only is None:  # show the page the pinned person is on
        only, page = list_page_of(everyone, just_pinned, MEMBERS_PER_PAGE) or (None, 1)
    shown = circles_window(
        everyone, limit=MEMBERS_PER_PAGE, offset=(page - 1) * MEMBERS_PER_PAGE, only=only
    )
    return render(
        request,
        "circles.html",
        at=at.text,
        user=user,
        page=shown,
        per_page=MEMBERS_PER_PAGE,
        check=check,
        asked=asked,
        level=level or TIERS[1],
        tiers=TIERS,
        pin_levels=PIN_LEVELS,
        unpinned=UNPINNED,
        formats=FORMATS,
        notice=pin_notice(everyone, pinned),
    )


@router.post("/circles/pin")
def pin(
    request: Request,
    ledger: LedgerDep,
    _user: UserDep,
    person: Annotated[str, Form(min_length=1, max_length=200)],
    level: Annotated[str, Form(max_length=40)],
    at: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Pin (or, with ``evidence``, unpin) a person as of the page's moment, as ``goodwill
    pin``/``unpin`` do, then back to the circles, which say what was recorded."""
    text = at.strip() or None
    person_id = pin_person(ledger, person, level, at_us=parse_moment(text))
    wake_warmer(request.app)
    target = link_maker(text)("/circles", pinned=f"{person_id}:{level}")
    return RedirectResponse(f"{target}#person-{person_id}", status_code=303)


@router.get("/circles/export")
def export(
    request: Request,
    ledger: LedgerDep,
    _user: UserDep,
    at: AtDep,
    level: Annotated[str, Query(max_length=40)],
    format: Annotated[str, Query(max_length=40)] = "csv",
) -> Response:
    """Circle ``level`` and the narrower ones as ``goodwill export circle`` writes them."""
    with ledger.read() as conn:
        found, _ = circles_result(reads_for(request, conn, at), circle_rules())
        download = circle_download(conn, found, level, format)
    return Response(
        download.body.encode("utf-8"),
        media_type=f"{download.media_type}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{download.filename}"'},
    )
