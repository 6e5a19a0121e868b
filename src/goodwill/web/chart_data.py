"""The data behind the pictures, from the same functions the CLI's figures come from: trust
over time (:func:`goodwill.trust.history.pair_history`), the strongest trust paths
(:func:`goodwill.trust.paths.strongest_paths`, as ``goodwill path``) and the
listening share per period (:func:`goodwill.insights.listening.listening`).

Each function returns the page model the chart draws itself from and the JSON API returns.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import Connection

from goodwill.events import from_time_us
from goodwill.insights.activity import Activity
from goodwill.insights.citing import cite, snippet
from goodwill.insights.listening import Listening, listening
from goodwill.ledger.people import require_owner
from goodwill.trust.history import anchors_for, chart_times, pair_history
from goodwill.trust.network_report import NetworkView
from goodwill.trust.opinion import Opinions
from goodwill.trust.paths import strongest_paths
from goodwill.trust.report import TrustView
from goodwill.web.models import (
    ChartEventOut,
    ListeningHistoryOut,
    ListeningPeriodOut,
    OpinionAtOut,
    PathOut,
    PathsOut,
    TrustHistoryOut,
    TrustPointOut,
)

__all__ = [
    "PATHS_SHOWN",
    "PATH_HOPS",
    "listening_history",
    "listening_history_of",
    "trust_history",
    "trust_paths",
]

#: Paths drawn from the owner to a person: the strongest few; more would tangle the graph.
PATHS_SHOWN = 3
#: The longest path looked for, as ``goodwill path``'s default.
PATH_HOPS = 4
_EVENT_TEXT = 80  # characters of an event's text in its mark's title


def trust_history(conn: Connection, view: TrustView, person: int) -> TrustHistoryOut | None:
    """Trust between the owner and ``person`` from their first event to the view's moment,
    or None when they have no event together yet (or ``person`` is the owner)."""
    owner = require_owner(conn)
    index = view.index
    if person == owner or not (index.has(owner) and index.has(person)):
        return None
    me, them = index.index(owner), index.index(person)
    at_us = view.snapshot.at_us
    times = chart_times(view.table, me, them, at_us)
    if not len(times):
        return None
    anchors = anchors_for(len(view.table))
    found = pair_history(
        view.table, view.snapshot.policy, me, them, times, anchors=anchors, snapshot=view.snapshot
    )
    exact = np.isin(found.times_us, found.anchors_us)
    points = [
        TrustPointOut(
            time=from_time_us(int(t)).isoformat(),
            owner_trusts=_opinion_at(found.forward, row),
            trusts_owner=_opinion_at(found.backward, row),
            exact=bool(exact[row]),
        )
        for row, t in enumerate(found.times_us.tolist())
    ]
    table = view.table
    ids = table.event_id[found.events].tolist()
    texts = {c.event_id: c.text for c in cite(conn, ids)}
    events = [
        ChartEventOut(
            event_id=event_id,
            time=from_time_us(int(table.time_us[row])).isoformat(),
            kind=table.kinds[int(table.kind[row])],
            outgoing=bool(table.actor[row] == me),
            sign=int(sign),
            text=snippet(texts.get(event_id), _EVENT_TEXT),
        )
        for event_id, row, sign in zip(
            ids, found.events.tolist(), found.event_sign.tolist(), strict=True
        )
    ]
    return TrustHistoryOut(
        person=person,
        name=view.names([person]).get(person, "?"),
        since=points[0].time,
        at=from_time_us(at_us).isoformat(),
        points=points,
        events=events,
    )


def _opinion_at(series: Opinions, row: int) -> OpinionAtOut:
    return OpinionAtOut(
        expected=float(series.expected[row]),
        belief=float(series.belief[row]),
        disbelief=float(series.disbelief[row]),
        uncertainty=float(series.uncertainty[row]),
    )


def trust_paths(
    conn: Connection,
    view: TrustView,
    person: int,
    *,
    k: int = PATHS_SHOWN,
    max_hops: int = PATH_HOPS,
    network: NetworkView | None = None,
) -> PathsOut | None:
    """The ``k`` strongest trust paths from the owner to ``person`` (None for the owner),
    as ``goodwill path`` finds them, over ``network``'s graph (built from ``view`` if not
    given: the app keeps one per moment). Without the events behind each first hop that
    ``goodwill path`` cites: the chart does not show them, and finding them scans every
    act of the moment (seconds on a million events) for each path."""
    owner = require_owner(conn)
    if person == owner:
        return None
    graph = (network or NetworkView(conn, view)).graph
    index = view.index
    found = []
    if index.has(owner) and index.has(person):
        me, them = index.index(owner), index.index(person)
        found = strongest_paths(graph, me, them, k=k, max_hops=max_hops)
    people = [[index.person(node) for node in p.nodes] for p in found]
    names = view.names(sorted({pid for ids in people for pid in ids} | {person}))
    return PathsOut(
        source=owner,
        target=person,
        name=names.get(person, "?"),
        at=view.at.isoformat(),
        max_hops=max_hops,
        paths=[
            PathOut(
                people=ids,
                names=[names.get(pid, "?") for pid in ids],
                hops=list(p.hops),
                strength=p.strength,
            )
            for ids, p in zip(people, found, strict=True)
        ],
    )


def listening_history_of(heard: Listening) -> ListeningHistoryOut:
    """Every period of a listening report, for the chart."""
    return ListeningHistoryOut(
        by=heard.by,
        at=heard.at,
        healthy_share=heard.healthy_share,
        periods=[
            ListeningPeriodOut(
                label=p.label,
                start=p.start,
                share=p.share,
                listening=p.listening,
                promotion=p.promotion,
            )
            for p in heard.periods
        ],
    )


def listening_history(
    conn: Connection, *, at_us: int, by: str, activity: Activity | None = None
) -> ListeningHistoryOut:
    """The owner's listening share per ``by`` (week, month or quarter) up to ``at_us``."""
    return listening_history_of(listening(conn, at_us=at_us, by=by, activity=activity))
