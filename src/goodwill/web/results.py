"""Each page's result as of a moment, through the app's caches: what an HTML page and the
JSON route beside it both call, so ``/`` and ``/api/dashboard`` share one computation.

A result is made by the same functions as before (:mod:`goodwill.web.views`,
:mod:`goodwill.web.person_view`), given the activity, trust view, hygiene report and
corpus of :class:`~goodwill.web.cache.MomentReads`, and kept in the pages cache until the
store changes (see :mod:`goodwill.web.cache`).
"""

from __future__ import annotations

from fastapi import Request
from sqlalchemy import Connection

from goodwill.web.cache import Caches, MomentReads
from goodwill.web.deps import Moment
from goodwill.web.models import AgendaOut, DashboardOut, PeopleOut, PersonOut
from goodwill.web.person_view import PEOPLE_SHOWN, people_page, person_page
from goodwill.web.relationships_view import circle_rules, owner_lines
from goodwill.web.views import agenda_page, dashboard

__all__ = ["agenda_result", "dashboard_result", "people_result", "person_result", "reads_for"]


def reads_for(request: Request, conn: Connection, at: Moment) -> MomentReads:
    """This request's reads as of ``at``, over the app's caches and policy."""
    caches: Caches = request.app.state.caches
    return MomentReads(conn, caches, request.app.state.policy, at_text=at.text, at_us=at.us)


def dashboard_result(reads: MomentReads) -> DashboardOut:
    """The dashboard (:func:`goodwill.web.views.dashboard`)."""
    return reads.page(
        "dashboard",
        (),
        lambda: dashboard(
            reads.conn,
            reads.view(),
            at_us=reads.at_us,
            policy=reads.policy,
            activity=reads.activity(),
            hygiene=reads.hygiene(),
        ),
    )


def agenda_result(reads: MomentReads, top: int) -> AgendaOut:
    """The agenda's ``top`` items (:func:`goodwill.web.views.agenda_page`)."""
    return reads.page(
        "agenda",
        (top,),
        lambda: agenda_page(
            reads.conn,
            at_us=reads.at_us,
            policy=reads.policy,
            top=top,
            activity=reads.activity(),
            view=reads.view(),
            hygiene=reads.hygiene(),
        ),
    )


def people_result(
    reads: MomentReads,
    query: str | None,
    *,
    limit: int = PEOPLE_SHOWN,
    network: str | None = None,
    stage: str | None = None,
    circle: str | None = None,
) -> PeopleOut:
    """People matching ``query`` and the filters (:func:`~goodwill.web.person_view.people_page`);
    a search scans every name and account, so its answer is kept like a page's."""
    text = (query or "").strip() or None
    rules = circle_rules() if stage or circle else None

    def search() -> PeopleOut:
        lines = owner_lines(reads, rules) if rules is not None else None
        return people_page(
            reads.conn, text, limit=limit, network=network, stage=stage, circle=circle, lines=lines
        )

    return reads.page("people", (text, limit, network, stage, circle, rules), search)


def person_result(reads: MomentReads, person_id: int) -> PersonOut:
    """One person's page (:func:`goodwill.web.person_view.person_page`)."""
    return reads.page(
        "person",
        (person_id,),
        lambda: person_page(
            reads.conn,
            person_id,
            reads.view(),
            at_us=reads.at_us,
            corpus=reads.corpus(),
            network=reads.network(),
        ),
    )
