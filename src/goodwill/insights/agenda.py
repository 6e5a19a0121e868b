"""The agenda: the owner's next actions as of a moment, ranked by their expected effect on
trust, each with its reason and the events behind it.

Five finders make the items (:data:`~goodwill.insights.agenda_base.ACTIONS`): answers
owed and thank-yous owed (:mod:`~goodwill.insights.agenda_owed`), cooling relationships
and generous people (:mod:`~goodwill.insights.agenda_people`), and contacts in a city
the owner will visit (:mod:`~goodwill.insights.trips`). The agenda then leaves out

* items about people in ``exclude`` (person → reason: the hygiene insights name those
  who only pitch or blast), and
* items the owner marked done or dismissed, or snoozed past the moment
  (:mod:`~goodwill.insights.agenda_notes`),

and ranks the rest: cold items (a stranger's first contact nobody answered) after all
others, then by score (see :mod:`~goodwill.insights.agenda_base` for the formula), then
by key, so equal scores keep one order from run to run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import Connection

from goodwill.errors import NotFoundError, StoreError
from goodwill.events import from_time_us
from goodwill.insights.activity import Activity, load_activity
from goodwill.insights.agenda_base import ACTIONS, AgendaContext, AgendaItem, address_book
from goodwill.insights.agenda_notes import ItemNotes, item_notes
from goodwill.insights.agenda_owed import reply_items, thank_items
from goodwill.insights.agenda_people import help_items, reconnect_items
from goodwill.insights.agenda_settings import AgendaSettings, default_settings
from goodwill.insights.hygiene import HygieneReport, Lookups, flagged_people
from goodwill.insights.trips import trip_items
from goodwill.ledger.people import NO_OWNER
from goodwill.trust.policy import Policy, default_policy
from goodwill.trust.report import TrustView, open_view

__all__ = ["Agenda", "build_agenda", "find_item"]

_FINDERS: dict[str, Callable[[AgendaContext], list[AgendaItem]]] = {
    "reply": reply_items,
    "thank": thank_items,
    "reconnect": reconnect_items,
    "help": help_items,
    "trip": trip_items,
}


@dataclass(frozen=True, slots=True)
class Agenda:
    """The ranked items as of ``at_us``, and why any others were left out."""

    at_us: int
    items: list[AgendaItem]
    left_out: dict[str, str] = field(default_factory=dict)  # item key -> why


def build_agenda(
    conn: Connection,
    *,
    at_us: int,
    policy: Policy | None = None,
    exclude: Mapping[int, str] | None = None,
    screen_noise: bool = True,
    actions: Iterable[str] = ACTIONS,
    settings: AgendaSettings | None = None,
    activity: Activity | None = None,
    view: TrustView | None = None,
    hygiene: HygieneReport | None = None,
) -> Agenda:
    """The owner's agenda as of ``at_us`` (nothing after it counts, notes included).

    With ``screen_noise`` the people hygiene flags (pitchers, churners, blasters, rings:
    :func:`~goodwill.insights.hygiene.flagged_people`) are left out with the reason, as
    are the people in ``exclude``.

    ``activity``, ``view`` and ``hygiene`` are what this reads and computes as of
    ``at_us`` (the activity, the trust view, the hygiene report under the default
    settings); a caller that already has them (the web dashboard shows all three) passes
    them so the ledger is read and the detectors run once.
    """
    notes = item_notes(conn, at_us=at_us)
    activity = _as_of(activity, at_us) or load_activity(conn, until_us=at_us)
    found = _collect(conn, activity, policy, settings, actions, notes, view)
    exclude = dict(exclude or {})
    if screen_noise:
        exclude = (
            flagged_people(activity, Lookups.of(conn), report=_as_of(hygiene, at_us)) | exclude
        )
    left_out: dict[str, str] = {}
    kept = []
    for item in found:
        if item.person in exclude:
            left_out[item.key] = f"excluded: {exclude[item.person]}"
        elif item.key in notes.hidden:
            left_out[item.key] = notes.hidden[item.key]
        else:
            kept.append(item)
    kept.sort(key=lambda item: (item.cold, -item.score, item.key))
    return Agenda(at_us, kept, left_out)


_Dated = TypeVar("_Dated", Activity, HygieneReport)


def _as_of(given: _Dated | None, at_us: int) -> _Dated | None:
    """``given`` if it is as of ``at_us``; a mismatch is a caller's bug, said at once."""
    if given is not None and given.at_us != at_us:
        raise ValueError(f"the {type(given).__name__} given is as of {given.at_us}, not {at_us}")
    return given


def find_item(
    conn: Connection, key: str, *, at_us: int, policy: Policy | None = None
) -> AgendaItem:
    """The item ``key`` as of ``at_us``, whether shown, snoozed or excluded; a clear error
    for a key that names no item then, or one already done or dismissed."""
    action = key.split(":", 1)[0]
    if action not in ACTIONS or ":" not in key:
        raise NotFoundError(
            f"{key!r} is not an agenda item key; keys look like reply:812 or thank:90 "
            "(goodwill agenda lists them)"
        )
    notes = item_notes(conn, at_us=at_us)
    activity = load_activity(conn, until_us=at_us)
    for item in _collect(conn, activity, policy, None, [action], notes):
        if item.key == key:
            return item
    when = f"{from_time_us(at_us):%Y-%m-%d %H:%M} UTC"
    if key in notes.hidden and not notes.hidden[key].startswith("snoozed"):
        raise NotFoundError(f"agenda item {key} is already closed ({notes.hidden[key]})")
    raise NotFoundError(
        f"no agenda item {key} as of {when}; goodwill agenda lists the open items and their "
        "keys (add --at DATE to see them as of another moment, and use the same --at here)"
    )


def _collect(
    conn: Connection,
    activity: Activity,
    policy: Policy | None,
    settings: AgendaSettings | None,
    actions: Iterable[str],
    notes: ItemNotes,
    view: TrustView | None = None,
) -> list[AgendaItem]:
    """Every item the finders of ``actions`` make, before exclusions and hidden keys."""
    wanted = list(dict.fromkeys(actions))
    for action in wanted:
        if action not in _FINDERS:
            raise ValueError(f"unknown agenda action {action!r}; actions: {', '.join(ACTIONS)}")
    at_us = activity.at_us
    if activity.owner is None:
        raise StoreError(NO_OWNER)
    policy = policy or default_policy()
    if view is None:  # from the activity's interactions: the events are read once
        view = open_view(conn, policy, at_us=at_us, columns=activity.interactions())
    elif view.snapshot.at_us != at_us:
        raise ValueError(f"the trust view given is as of {view.snapshot.at_us}, not {at_us}")
    relationships = (
        {r.person: r for r in view.relationships(activity.owner)}
        if view.index.has(activity.owner)
        else {}  # no interaction yet: no relationship, though a trip may still list contacts
    )
    ctx = AgendaContext(
        conn=conn,
        activity=activity,
        owner=activity.owner,
        at_us=at_us,
        policy=policy,
        settings=settings or default_settings(),
        relationships=relationships,
        names={r.person: r.name for r in relationships.values()},
        handled=notes.handled,
        contacts=address_book(conn),
    )
    return [item for action in wanted for item in _FINDERS[action](ctx)]
