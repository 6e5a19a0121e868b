"""The dashboard and the agenda, built from the same service functions the CLI calls
(``goodwill agenda``, ``relationships``, ``advocates``, ``hygiene``, ``listening``).

Nothing here decides anything about trust: it picks what a first screen has room for and
turns the insights' dataclasses into the models of :mod:`goodwill.web.models`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from goodwill.events import from_time_us
from goodwill.insights.activity import Activity, load_activity
from goodwill.insights.advocates import rank_advocates
from goodwill.insights.agenda import build_agenda, find_item
from goodwill.insights.agenda_notes import item_notes, note_on_item
from goodwill.insights.citing import cite
from goodwill.insights.hygiene import (
    Flag,
    HygieneReport,
    Lookups,
    hygiene_report,
    load_settings,
)
from goodwill.insights.listening import listening, verdict
from goodwill.ledger import Ledger
from goodwill.trust.policy import Policy
from goodwill.trust.report import Relationship, TrustView
from goodwill.web.chart_data import listening_history_of
from goodwill.web.models import (
    AdvocateOut,
    AgendaEntry,
    AgendaOut,
    DashboardOut,
    Evidence,
    FlagOut,
    ListeningOut,
    RelationshipOut,
)

__all__ = [
    "ADVOCATES_SHOWN",
    "AGENDA_ITEMS",
    "COOLING_SHOWN",
    "FLAGS_SHOWN",
    "NEW_ADVOCATE_DAYS",
    "agenda_page",
    "dashboard",
    "evidence",
    "mark_item",
    "relationship_out",
]

#: Agenda items on the dashboard: a morning's work; the API's ``top`` shows more.
AGENDA_ITEMS = 10
#: Cooling relationships shown, most trusted first: the ones most worth a message.
COOLING_SHOWN = 8
#: A "new" advocate reaches the advocate mark now and had not this many days earlier: a
#: quarter, long enough for a few weeks of acts to add up, short enough to still be news.
NEW_ADVOCATE_DAYS = 90
#: New advocates shown, strongest first: on a large store a quarter brings hundreds.
ADVOCATES_SHOWN = 8
#: Hygiene flags shown, most certain first (``goodwill hygiene`` lists them all).
FLAGS_SHOWN = 8
_EVIDENCE_LINES = 4  # events under each item on the page (the API gives the same)
_US_PER_DAY = 86_400 * 1_000_000


def evidence(conn: Connection, event_ids: Iterable[int]) -> dict[int, Evidence]:
    """The cited events, by id, for showing under an item."""
    return {
        c.event_id: Evidence(
            event_id=c.event_id,
            time=c.time,
            kind=c.kind,
            actor=c.actor,
            target=c.target,
            text=c.text,
        )
        for c in cite(conn, event_ids)
    }


def relationship_out(r: Relationship) -> RelationshipOut:
    """A relationship as the API shows it."""
    return RelationshipOut(
        person=r.person,
        name=r.name,
        stage=r.stage,
        trust=r.trust,
        trusted=r.trusted,
        uncertainty=r.uncertainty,
        active_weeks=r.active_weeks,
        exchanges=r.exchanges,
        first_contact=r.first_contact,
        last_contact=r.last_contact,
        rhythm_days=r.rhythm_days,
        silence_days=r.silence_days,
        outlook=r.outlook,
    )


def agenda_page(
    conn: Connection,
    *,
    at_us: int,
    policy: Policy,
    top: int,
    activity: Activity | None = None,
    view: TrustView | None = None,
    hygiene: HygieneReport | None = None,
) -> AgendaOut:
    """The agenda's ``top`` items as of ``at_us`` (flagged people left out, as the CLI does);
    ``activity``, ``view`` and ``hygiene`` as :func:`build_agenda` takes them."""
    found = build_agenda(
        conn, at_us=at_us, policy=policy, activity=activity, view=view, hygiene=hygiene
    )
    items = found.items[:top]
    cited = evidence(conn, [e for i in items for e in i.about or i.events])
    entries = [
        AgendaEntry(
            key=i.key,
            action=i.action,
            person=i.person,
            name=i.name,
            reason=i.reason,
            suggestion=i.suggestion,
            score=i.score,
            cold=i.cold,
            latest=from_time_us(i.time_us).isoformat(),
            evidence=[cited[e] for e in (i.about or i.events) if e in cited][-_EVIDENCE_LINES:],
        )
        for i in items
    ]
    return AgendaOut(
        at=from_time_us(found.at_us).isoformat(),
        items=entries,
        more=len(found.items) - len(items),
        left_out=len(found.left_out),
    )


def dashboard(
    conn: Connection,
    view: TrustView,
    *,
    at_us: int,
    policy: Policy,
    activity: Activity | None = None,
    hygiene: HygieneReport | None = None,
) -> DashboardOut:
    """Today's agenda, cooling relationships, new advocates, hygiene flags and listening.

    Every section reads the same activity (``activity``, or read here once), trust view and
    hygiene report: the sections are views of one moment, and reading it once is most of
    what makes the page fast.
    """
    if activity is None:
        activity = load_activity(conn, until_us=at_us)
    settings = load_settings()
    report = hygiene or hygiene_report(activity, Lookups.of(conn), settings)
    agenda = agenda_page(
        conn,
        at_us=at_us,
        policy=policy,
        top=AGENDA_ITEMS,
        activity=activity,
        view=view,
        hygiene=report,
    )
    cooling = [relationship_out(r) for r in view.relationships() if r.stage == "cooling"]
    before = activity.until(at_us - NEW_ADVOCATE_DAYS * _US_PER_DAY)
    were = {a.person for a in rank_advocates(conn, before, policy=policy) if a.is_advocate}
    new = [
        a
        for a in rank_advocates(conn, activity, policy=policy)
        if a.is_advocate and a.person not in were
    ]
    advocates = new[:ADVOCATES_SHOWN]
    sure = [f for f in report.flags if f.confidence >= settings.min_confidence]
    strongest: dict[int, Flag] = {}
    for f in sorted(sure, key=lambda f: -f.confidence):  # one line per person, their surest
        if f.person != activity.owner:
            strongest.setdefault(f.person, f)
    flags = list(strongest.values())[:FLAGS_SHOWN]
    heard = listening(conn, at_us=at_us, activity=activity)
    current = heard.current
    cited = evidence(
        conn,
        [e for a in advocates for e in a.evidence[:_EVIDENCE_LINES]]
        + [e for f in flags for e in f.event_ids[:_EVIDENCE_LINES]],
    )
    names = view.names([f.person for f in flags])
    return DashboardOut(
        at=agenda.at,
        agenda=agenda,
        cooling=cooling[:COOLING_SHOWN],
        advocates=[
            AdvocateOut(
                person=a.person,
                name=a.name,
                score=a.score,
                counts=a.counts,
                first=a.first,
                last=a.last,
                evidence=[cited[e] for e in a.evidence[:_EVIDENCE_LINES] if e in cited],
            )
            for a in advocates
        ],
        more_advocates=len(new) - len(advocates),
        flags=[
            FlagOut(
                person=f.person,
                name=names.get(f.person, "?"),
                detector=f.detector,
                confidence=f.confidence,
                reason=f.reason,
                evidence=[cited[e] for e in f.event_ids[:_EVIDENCE_LINES] if e in cited],
            )
            for f in flags
        ],
        listening=ListeningOut(
            period=current.label if current else None,
            share=current.share if current else None,
            healthy_share=heard.healthy_share,
            direction=heard.direction,
            verdict=verdict(current.share if current else None, heard.healthy_share),
            history=listening_history_of(heard),
        ),
    )


def mark_item(
    ledger: Ledger,
    note: str,
    key: str,
    *,
    at_us: int,
    policy: Policy,
    until_us: int | None = None,
) -> bool:
    """Record ``done``, ``dismiss`` or ``snooze`` on the agenda item ``key`` as of ``at_us``,
    as ``goodwill done/dismiss/snooze`` do; False when it was closed already."""
    with ledger.read() as conn:
        closed = item_notes(conn, at_us=at_us).hidden.get(key, "")
        if closed and not closed.startswith("snoozed"):
            return False
        item = find_item(conn, key, at_us=at_us, policy=policy)
    return note_on_item(ledger, note, item, time_us=at_us, until_us=until_us)
