"""The brand side: public complaints and questions to the owner, and how she answered them.

The seeds' brand is a person or a small business people talk *to* in public. A complaint
left unanswered in front of everyone costs trust with everyone who reads it; a question
left open is a small broken promise. This report finds them and measures the answers.

An **item** is a public message to the owner (a mention, reply, quote or comment whose
target is her) that reads as a complaint or a question (:mod:`goodwill.insights.tone`).
Left out: a message carrying a link from someone she had never addressed, which is an
offer or an advert, not a question (the pitches and blasts that hygiene flags). A message
by the same author answering one of their items is a **follow-up** of it, not a new item.

An item is **answered** when the owner answered it or one of its follow-ups (an event of
hers that names it as what it answers), or, failing such a link, when she addressed its
author (a reply, mention, message, email, call or meeting) within
:data:`ANSWER_WINDOW_DAYS` after it: answers often go by another channel. The response time
runs from the item to that first answer; an open item's age runs to ``--at``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from goodwill.events import from_time_us
from goodwill.insights.activity import Activity, event_texts, identity_handles
from goodwill.insights.tone import has_link, tone_of
from goodwill.ledger.people import require_owner
from goodwill.ledger.queries import person_names

__all__ = [
    "ANSWER_WINDOW_DAYS",
    "BrandItem",
    "BrandReport",
    "BrandSummary",
    "brand_report",
]

Ints = npt.NDArray[np.int64]

_PUBLIC = ("mention", "reply", "quote", "comment")
# What counts as the owner turning to someone: saying something to them, on any channel.
_ADDRESSING = ("reply", "mention", "quote", "comment", "message", "email", "call", "meeting")
# An answer by another channel must come within two weeks to count as the answer: later
# contact is too loosely tied to one public message to say it was answered.
ANSWER_WINDOW_DAYS = 14
_HOUR_US = 3_600_000_000
_DAY_US = 24 * _HOUR_US


@dataclass(frozen=True, slots=True)
class BrandItem:
    """One public complaint or question to the owner, with its follow-ups and its answer."""

    event_id: int
    person: int
    name: str
    handle: str
    network: str
    tone: str
    time: str
    answered: bool
    answered_at: str | None
    answered_by: str | None  # "reply" (linked to the item) or "contact" (another channel)
    response_hours: float | None
    open_days: float | None
    follow_ups: int
    evidence: list[int]


@dataclass(frozen=True, slots=True)
class BrandSummary:
    """Items of one group (everything, one network, one month) and how they were answered."""

    group: str
    items: int
    complaints: int
    questions: int
    answered: int
    unanswered_share: float
    median_hours: float | None
    p90_hours: float | None
    oldest_open_days: float | None


@dataclass(frozen=True, slots=True)
class BrandReport:
    """Every item, the totals, and the totals per network and per month."""

    at: str
    items: list[BrandItem]
    overall: BrandSummary
    by_network: list[BrandSummary]
    by_month: list[BrandSummary]
    open_complaints: list[int] = field(default_factory=list)  # people with one open


def brand_report(conn: Connection, activity: Activity) -> BrandReport:
    """Complaints and questions addressed to the owner up to ``activity.at_us``."""
    a, owner = activity, require_owner(conn)
    items = _items(conn, a, owner)
    networks = sorted({i.network for i in items})
    months = sorted({i.time[:7] for i in items})
    open_people = sorted({i.person for i in items if i.tone == "complaint" and not i.answered})
    return BrandReport(
        at=from_time_us(a.at_us).isoformat(),
        items=items,
        overall=_summary("all", items),
        by_network=[_summary(n, [i for i in items if i.network == n]) for n in networks],
        by_month=[_summary(m, [i for i in items if i.time.startswith(m)]) for m in months],
        open_complaints=open_people,
    )


def _items(conn: Connection, a: Activity, owner: int) -> list[BrandItem]:
    rows = np.flatnonzero(a.is_kind(*_PUBLIC) & (a.target == owner) & (a.actor != owner))
    texts = event_texts(conn, a.event_id[rows])
    addressing = a.is_kind(*_ADDRESSING) & (a.actor == owner) & (a.target >= 0)
    first_addressed = np.full(int(max(a.actor.max(initial=0), a.target.max(initial=0))) + 1, -1)
    spoken = np.flatnonzero(addressing)
    # the first time she addressed each person (rows are in time order: reversed writes
    # leave the earliest)
    first_addressed[a.target[spoken[::-1]]] = a.time_us[spoken[::-1]]
    root_of: dict[int, int] = {}
    found: dict[int, tuple[str, list[int]]] = {}
    for row in rows.tolist():
        text = texts.get(int(a.event_id[row]))
        parent = int(a.answers[row])
        root = root_of.get(parent, -1) if parent >= 0 else -1
        if root >= 0 and a.actor[root] == a.actor[row]:
            root_of[row] = root
            found[root][1].append(row)
            continue
        tone = tone_of(text)
        if tone is None:
            continue
        known = 0 <= first_addressed[a.actor[row]] < a.time_us[row]
        if text and has_link(text) and not known:
            continue
        root_of[row] = row
        found[row] = (tone, [row])
    answers_of = _answers(a, owner)
    names = person_names(conn, {int(a.actor[r]) for r in found})
    handles = identity_handles(
        conn,
        {int(a.actor_identity[r]) for r in found} | {int(a.target_identity[r]) for r in found},
    )
    spoken_to = a.target[spoken]
    items = []
    for root, (kind, thread) in found.items():
        answer = min((answers_of[r] for r in thread if r in answers_of), default=-1)
        how = "reply" if answer >= 0 else None
        if answer < 0:
            later = spoken[
                (spoken_to == a.actor[root])
                & (a.time_us[spoken] > a.time_us[root])
                & (a.time_us[spoken] <= a.time_us[root] + ANSWER_WINDOW_DAYS * _DAY_US)
            ]
            answer, how = (int(later[0]), "contact") if len(later) else (-1, None)
        when = int(a.time_us[root])
        answered_us = int(a.time_us[answer]) if answer >= 0 else None
        items.append(
            BrandItem(
                event_id=int(a.event_id[root]),
                person=int(a.actor[root]),
                name=names.get(int(a.actor[root]), "?"),
                handle=handles.get(int(a.actor_identity[root]), "?"),
                network=handles.get(int(a.target_identity[root]), "?").split(":", 1)[0],
                tone=kind,
                time=from_time_us(when).isoformat(),
                answered=answered_us is not None,
                answered_at=None if answered_us is None else from_time_us(answered_us).isoformat(),
                answered_by=how,
                response_hours=None
                if answered_us is None
                else round((answered_us - when) / _HOUR_US, 1),
                open_days=None if answered_us is not None else round((a.at_us - when) / _DAY_US, 1),
                follow_ups=len(thread) - 1,
                evidence=[int(a.event_id[r]) for r in thread]
                + ([int(a.event_id[answer])] if answer >= 0 else []),
            )
        )
    return items


def _answers(a: Activity, owner: int) -> dict[int, int]:
    """For each row the owner answered (by a linked event of hers), her first answer's row."""
    linked = np.flatnonzero((a.actor == owner) & (a.answers >= 0))
    answered, first = np.unique(a.answers[linked], return_index=True)  # rows are in time order
    return dict(zip(answered.tolist(), linked[first].tolist(), strict=True))


def _summary(group: str, items: list[BrandItem]) -> BrandSummary:
    hours = np.asarray([i.response_hours for i in items if i.response_hours is not None])
    ages = [i.open_days for i in items if i.open_days is not None]
    answered = sum(i.answered for i in items)
    return BrandSummary(
        group=group,
        items=len(items),
        complaints=sum(i.tone == "complaint" for i in items),
        questions=sum(i.tone == "question" for i in items),
        answered=answered,
        unanswered_share=round(1 - answered / len(items), 3) if items else 0.0,
        median_hours=round(float(np.median(hours)), 1) if len(hours) else None,
        p90_hours=round(float(np.percentile(hours, 90)), 1) if len(hours) else None,
        oldest_open_days=max(ages) if ages else None,
    )
