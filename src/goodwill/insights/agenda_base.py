"""What every agenda item is made of, and what the finders share while making them.

An :class:`AgendaItem` is one next action for the owner: a stable key that notes can name,
the action, the person, a one-line reason, a suggestion, a score and the events behind it.
The finders (:mod:`~goodwill.insights.agenda_owed`, :mod:`~goodwill.insights.agenda_people`,
:mod:`~goodwill.insights.trips`) all read one :class:`AgendaContext`: the activity, the
owner's relationships as trust sees them, the settings, and what the owner's notes already
handled.

The score of an item is its expected effect on trust, ``gain * stake * timing * boost``,
times ``[owed] factor`` for an answer or a thank-you someone is waiting for:

* ``gain``: what the action earns in the evidence policy (a reply earns ``[kinds.reply]``,
  a thank-you ``[kinds.thanks]``, a share ``[kinds.share]``, a meeting ``[kinds.meeting]``);
* ``stake``: ``floor + (1 - floor) * bond``, where the bond is the stronger direction of
  expected trust between the two, times the certainty of the owner's opinion
  (``1 - uncertainty``): 0 for a stranger, near 1 for a long two-way relationship;
* ``timing`` and ``boost``: each finder's own (how fresh, how at risk, how generous).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, or_, select

from goodwill.events import from_time_us
from goodwill.insights.activity import Activity, identity_handles
from goodwill.insights.agenda_settings import AgendaSettings
from goodwill.ledger.schema import identities, people
from goodwill.trust.policy import Policy
from goodwill.trust.report import Relationship

__all__ = [
    "ACTIONS",
    "AgendaContext",
    "AgendaItem",
    "address_book",
    "latest_rows",
    "network_label",
    "on_day",
]

#: The kinds of agenda item, in the order ``--kind`` lists them.
ACTIONS = ("reply", "thank", "reconnect", "help", "trip")
US_PER_DAY = 86_400 * 1_000_000
#: Attributes that only an address book or a list of connections records about someone.
CONTACT_KEYS = ("vcard", "city", "company", "org", "position", "phone")

Ints = npt.NDArray[np.int64]
_NETWORKS = {"mastodon": "Mastodon", "bluesky": "Bluesky", "x": "X", "linkedin": "LinkedIn"}


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One next action.

    ``events`` are the evidence to show (what they did, and context such as the post they
    replied to); ``about`` are the events the action answers, a subset of ``events``.
    ``cold`` marks a stranger's first contact that nobody answered: such items rank after
    every other, because most are pitches.
    """

    key: str
    action: str
    person: int
    name: str
    reason: str
    suggestion: str
    score: float
    events: tuple[int, ...]
    about: tuple[int, ...] = ()
    cold: bool = False
    time_us: int = 0


@dataclass(slots=True)
class AgendaContext:
    """Everything the finders read, as of ``at_us``."""

    conn: Connection
    activity: Activity
    owner: int
    at_us: int
    policy: Policy
    settings: AgendaSettings
    relationships: Mapping[int, Relationship]
    names: dict[int, str]
    #: (action, person) -> when a done or dismissed note last handled that person's item
    handled: Mapping[tuple[str, int], int] = field(default_factory=dict)
    #: person -> contact details from the owner's address book (see :func:`address_book`)
    contacts: Mapping[int, Mapping[str, str]] = field(default_factory=dict)
    _networks: dict[int, str] = field(default_factory=dict)

    def bond(self, person: int) -> float:
        """The stronger direction of expected trust, times the certainty: 0 for a stranger."""
        found = self.relationships.get(person)
        if found is None:
            return 0.0
        return max(found.trust, found.trusted) * (1.0 - found.uncertainty)

    def stake(self, person: int) -> float:
        """How much an action toward ``person`` can move: ``floor + (1 - floor) * bond``."""
        floor = self.settings.stake_floor
        return floor + (1.0 - floor) * self.bond(person)

    def gain(self, kind: str) -> float:
        """What an event of ``kind`` earns in the evidence policy."""
        return self.policy.rule(kind).earns

    def name(self, person: int) -> str:
        """The person's display name (read once, then remembered)."""
        if person not in self.names:
            found = self.conn.execute(
                select(people.c.display_name).where(people.c.id == person)
            ).scalar()
            self.names[person] = str(found) if found else f"person {person}"
        return self.names[person]

    def network_of(self, row: int) -> str:
        """The network label of the identity that acted in ``row`` ("Mastodon", "email")."""
        identity = int(self.activity.actor_identity[row])
        if identity not in self._networks:
            handle = identity_handles(self.conn, [identity]).get(identity, "")
            self._networks[identity] = network_label(handle)
        return self._networks[identity]

    def age_days(self, row: int) -> float:
        return (self.at_us - int(self.activity.time_us[row])) / US_PER_DAY

    def event_ids(self, rows: Iterable[int]) -> tuple[int, ...]:
        return tuple(int(self.activity.event_id[r]) for r in rows)


def address_book(conn: Connection) -> dict[int, dict[str, str]]:
    """People the owner keeps as contacts, with their details: those with an identity whose
    attributes come from an address book or a list of connections (a contact card's
    ``vcard``, a ``city``, ``company``, ``org``, ``position`` or ``phone``). A profile a
    network publishes (a bio, a handle) does not make someone a contact."""
    wanted = or_(*(identities.c.attributes.like(f'%"{key}"%') for key in CONTACT_KEYS))
    rows = conn.execute(
        select(identities.c.person_id, identities.c.attributes).where(
            identities.c.attributes.is_not(None), wanted
        )
    )
    found: dict[int, dict[str, str]] = {}
    for person, text in rows:
        try:
            attributes = json.loads(text)
        except ValueError:
            continue
        if isinstance(attributes, dict) and set(attributes) & set(CONTACT_KEYS):
            details = found.setdefault(int(person), {})
            details.update({str(k): str(v) for k, v in attributes.items() if k not in details})
    return found


def network_label(handle: str) -> str:
    """The network of a ``network:account`` handle as people write it.

    >>> network_label("bluesky:@ann.bsky.social"), network_label("email:ann@example.com")
    ('Bluesky', 'email')
    """
    network = handle.split(":", 1)[0]
    return _NETWORKS.get(network, network)


def on_day(time_us: int) -> str:
    """A day as a suggestion names it.

    >>> on_day(0)
    '1 January 1970'
    """
    moment: datetime = from_time_us(time_us)
    return f"{moment.day} {moment:%B %Y}"


def latest_rows(keys: Ints, rows: Ints, time_us: Ints) -> dict[int, int]:
    """For each distinct key, the row with the latest time among ``rows`` (ties: the last).

    >>> latest_rows(np.array([5, 5, 7]), np.array([0, 1, 2]), np.array([10, 30, 20]))
    {5: 1, 7: 2}
    """
    if not len(keys):
        return {}
    order = np.lexsort((rows, time_us, keys))
    keys, rows = keys[order], rows[order]
    last = np.r_[keys[1:] != keys[:-1], True]
    return dict(zip(keys[last].tolist(), rows[last].tolist(), strict=True))
