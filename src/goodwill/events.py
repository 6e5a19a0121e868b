"""What sources yield: events, identities, links between identities, and the records they
had to reject.

An :class:`Event` is one action one identity took toward another (or toward nobody, for a
post). Identities are named by *handles*, ``network:account`` strings such as
``mastodon:@ann@example.social`` or ``email:ann@example.com``; the ledger turns handles into
rows. Times are integers of microseconds since the Unix epoch, UTC: they sort, subtract and
load into numpy without conversion, which matters when a ledger holds hundreds of millions.

>>> e = Event("reply", "mastodon:@ann@a.social", "mastodon:@bob@b.social",
...           time_us=to_time_us(datetime(2024, 6, 1, tzinfo=UTC)), external_id="109")
>>> e.time.isoformat()
'2024-06-01T00:00:00+00:00'
>>> split_handle("email:ann@example.com")
('email', 'ann@example.com')
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal, get_args

__all__ = [
    "KINDS",
    "NOTE_KINDS",
    "Event",
    "EventKind",
    "Identity",
    "Link",
    "Record",
    "Rejected",
    "check_network",
    "from_time_us",
    "has_network",
    "now_us",
    "split_handle",
    "to_time_us",
]

EventKind = Literal[
    "post",
    "mention",
    "reply",
    "quote",
    "share",
    "like",
    "message",
    "follow",
    "unfollow",
    "block",
    "mute",
    "comment",
    "email",
    "meeting",
    "call",
    "introduction",
    "referral",
    "thanks",
    "gift",
    "endorsement",
    "rating",
    # the owner's own notes about her relationships (see NOTE_KINDS)
    "done",
    "snooze",
    "dismiss",
    "trip",
    "outcome",
    "pin",
]
KINDS: frozenset[str] = frozenset(get_args(EventKind))
#: Kinds the owner records about her own handling of relationships: an agenda item done,
#: snoozed or dismissed, a trip, a result, a pin to a circle of trust. They are kept in the
#: ledger like any event (so ``--at`` replays them too) but are not interactions between
#: people, so trust and stages never read them.
NOTE_KINDS: frozenset[str] = frozenset({"done", "snooze", "dismiss", "trip", "outcome", "pin"})

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NETWORK = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")


def to_time_us(moment: datetime) -> int:
    """Microseconds since the epoch for an aware datetime (naive ones are taken as UTC).

    >>> to_time_us(datetime(1970, 1, 1, 0, 0, 1, 5))
    1000005
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    span = moment - _EPOCH
    return (span.days * 86_400 + span.seconds) * 1_000_000 + span.microseconds


def from_time_us(time_us: int) -> datetime:
    """The aware UTC datetime for a microsecond timestamp.

    >>> from_time_us(1_000_005).isoformat()
    '1970-01-01T00:00:01.000005+00:00'
    """
    return _EPOCH + timedelta(microseconds=time_us)


def now_us() -> int:
    """The current time in the ledger's unit, microseconds since the epoch."""
    return time.time_ns() // 1000


def has_network(text: str) -> bool:
    """Whether ``text`` starts with a network name and a colon.

    >>> has_network("email:ann@example.com"), has_network("ann@example.com")
    (True, False)
    """
    network, sep, _ = text.partition(":")
    return bool(sep) and _NETWORK.match(network) is not None


def check_network(name: str) -> str:
    """``name`` if it can name a network, else a ValueError that says what can.

    >>> check_network("Bitcoin OTC")
    Traceback (most recent call last):
    ...
    ValueError: network 'Bitcoin OTC': use lower-case letters, digits, '.', '_' or '-'
    """
    if not _NETWORK.match(name):
        raise ValueError(f"network {name!r}: use lower-case letters, digits, '.', '_' or '-'")
    return name


def split_handle(handle: str) -> tuple[str, str]:
    """Split ``network:account`` and check both parts, so a typo fails where it is made.

    >>> split_handle("Bitcoin-OTC:42")
    Traceback (most recent call last):
    ...
    ValueError: identity 'Bitcoin-OTC:42': the network must be lower-case letters, digits, '.', '_' or '-'
    """
    network, sep, account = handle.partition(":")
    if not sep or not account:
        raise ValueError(
            f"identity {handle!r}: expected network:account, e.g. email:ann@example.com"
        )
    if not _NETWORK.match(network):
        raise ValueError(
            f"identity {handle!r}: the network must be lower-case letters, digits, '.', '_' or '-'"
        )
    return network, account


@dataclass(slots=True)
class Event:
    """One action: ``actor`` did ``kind`` toward ``target`` at ``time_us``.

    Treat it as immutable. It is not declared frozen because a frozen dataclass costs
    three times as much to create, and sources create one per input record.

    ``external_id`` is the source's own id for the action, or a key the source derives from
    its content where it has none; with the source's name it makes a repeated import a no-op.
    ``value`` carries a rating, ``text`` what was said, ``answers`` the external id of the
    event this one replies to or thanks for.
    """

    kind: str
    actor: str
    target: str | None
    time_us: int
    external_id: str
    value: float | None = None
    text: str | None = None
    answers: str | None = None

    @property
    def time(self) -> datetime:
        """When it happened, as an aware UTC datetime."""
        return from_time_us(self.time_us)


@dataclass(frozen=True, slots=True)
class Identity:
    """What a source knows about an account beyond its handle: a display name, attributes."""

    handle: str
    name: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record the source could not read: where it is, why, and its raw text."""

    location: str
    reason: str
    raw: str


@dataclass(frozen=True, slots=True)
class Link:
    """A source's word that several handles belong to one person, and on what evidence.

    Only a source that speaks for the user yields one: a contact card is the user's own
    statement that its accounts are one person. The importer applies it as a recorded merge
    whose reason is ``evidence`` (``goodwill unmerge`` undoes it), and names the person
    ``name`` when one is given. Weaker signs that two accounts are one person (a shared
    email, a profile linking another profile) are only suggested, never applied.
    """

    handles: tuple[str, ...]
    evidence: str
    name: str | None = None


Record = Event | Identity | Link | Rejected
