"""A brief on one person before the owner writes to them: a pitch that is personal.

Seed 001: "Look up their business ... Send a personal email"; the design's "personalized
pitch, not a blast to a random list". Everything here is read, nothing recomputed that
another part already knows: trust, stage, rhythm and first and last contact come from the
trust view (:class:`~goodwill.trust.report.TrustView`), topics from
:mod:`goodwill.insights.topics`, and the history from the shared activity columns, so
``--at`` replays all of it. Every list is event ids, shown through
:func:`~goodwill.insights.citing.cite`.

What each part means:

- **history**: events each way between the owner and them, by kind, and the first one;
- **deeds**: what one did *for* the other (:data:`DEEDS`: shares, quotes, introductions,
  referrals, endorsements, gifts, thanks);
- **open threads**: their messages, mentions, replies, introductions and referrals to the
  owner that she neither answered nor followed with anything of her own since.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Connection

from goodwill.errors import AlgorithmInputError, StoreError
from goodwill.insights.activity import Activity
from goodwill.insights.topics import Corpus, Topic, topics_of
from goodwill.ledger.people import NO_OWNER
from goodwill.ledger.queries import person_identities
from goodwill.trust.report import Relationship, TrustView

__all__ = ["ASKING", "DEEDS", "Brief", "Side", "TrustBothWays", "make_brief"]

#: What one person does for another, as opposed to talking with them.
DEEDS = ("share", "quote", "introduction", "referral", "endorsement", "gift", "thanks")
#: What someone sends the owner that waits for her answer.
ASKING = ("message", "email", "mention", "reply", "comment", "introduction", "referral")
# What the owner sends that counts as having answered, even without naming what it answers.
_ANSWERING = ("message", "email", "reply", "mention", "comment", "thanks", "call", "meeting")


@dataclass(frozen=True, slots=True)
class TrustBothWays:
    """Expected trust each way with its uncertainty (None: no trust seen yet)."""

    owner_in_them: float | None
    owner_in_them_uncertainty: float | None
    theirs_in_owner: float | None
    theirs_in_owner_uncertainty: float | None


@dataclass(frozen=True, slots=True)
class Side:
    """One direction of the history: events by kind, deeds by kind, and the deeds' ids."""

    counts: dict[str, int]
    deeds: dict[str, int]
    deed_ids: list[int]  # newest first


@dataclass(frozen=True, slots=True)
class Brief:
    """Everything to make a message to one person personal."""

    person: int
    name: str
    identities: list[str]
    at: str
    topics: list[Topic]
    trust: TrustBothWays
    relationship: Relationship | None  # stage, rhythm, first and last contact
    from_owner: Side
    to_owner: Side
    first_contact: int | None  # event id
    recent: list[int]  # latest exchanges either way, newest first
    open_threads: list[int]  # newest first
    recent_posts: list[int]  # newest first
    notes: list[str] = field(default_factory=list)


def make_brief(
    conn: Connection,
    person: int,
    *,
    activity: Activity,
    view: TrustView,
    corpus: Corpus,
    top: int = 8,
    recent: int = 8,
) -> Brief:
    """The brief on ``person`` as of the moment ``activity`` and ``view`` were read."""
    owner = activity.owner
    if owner is None:
        raise StoreError(NO_OWNER)
    if person == owner:
        raise AlgorithmInputError("a brief is about someone else: name a person, not the owner")
    mine = (activity.actor == owner) & (activity.target == person)
    theirs = (activity.actor == person) & (activity.target == owner)
    between = np.flatnonzero(mine | theirs)
    asked = np.flatnonzero(theirs & activity.is_kind(*ASKING))
    answered = np.zeros(len(activity), dtype=bool)
    owner_answers = activity.answers[np.flatnonzero(activity.actor == owner)]
    answered[owner_answers[owner_answers >= 0]] = True
    replied = np.flatnonzero(mine & activity.is_kind(*_ANSWERING))
    last_reply = int(activity.time_us[replied[-1]]) if len(replied) else -1
    still_open = asked[~answered[asked] & (activity.time_us[asked] > last_reply)]
    posts = np.flatnonzero((activity.actor == person) & activity.is_kind("post"))
    relationship = next((r for r in view.relationships() if r.person == person), None)
    names = view.names([person])
    notes = []
    if not len(between):
        notes.append("no exchange with them yet: anything you send is a first contact")
    return Brief(
        person=person,
        name=names.get(person, "?"),
        identities=[f"{r.network}:{r.account}" for r in person_identities(conn, person)],
        at=view.at.isoformat(),
        topics=topics_of(corpus, person, top=top),
        trust=_trust(view, owner, person),
        relationship=relationship,
        from_owner=_side(activity, mine),
        to_owner=_side(activity, theirs),
        first_contact=int(activity.event_id[between[0]]) if len(between) else None,
        recent=activity.event_id[between[::-1][:recent]].tolist(),
        open_threads=activity.event_id[still_open[::-1]].tolist(),
        recent_posts=activity.event_id[posts[::-1][:recent]].tolist(),
        notes=notes,
    )


def _side(activity: Activity, rows: np.ndarray) -> Side:
    """Counts by kind and deeds (with ids, newest first) for the rows of one direction."""
    picked = np.flatnonzero(rows)
    counts = np.bincount(activity.kind[picked], minlength=len(activity.kinds))
    by_kind = {activity.kinds[k]: int(n) for k, n in enumerate(counts) if n}
    deeds = picked[activity.is_kind(*DEEDS)[picked]]
    return Side(
        by_kind,
        {k: n for k, n in by_kind.items() if k in DEEDS},
        activity.event_id[deeds[::-1]].tolist(),
    )


def _trust(view: TrustView, owner: int, person: int) -> TrustBothWays:
    """Pairwise expected trust and uncertainty each way, from the trust snapshot."""
    index = view.index
    if not (index.has(owner) and index.has(person)):
        return TrustBothWays(None, None, None, None)
    o, p = np.array([index.index(owner)]), np.array([index.index(person)])
    snapshot = view.snapshot
    return TrustBothWays(
        round(float(snapshot.expected(o, p)[0]), 4),
        round(float(snapshot.uncertainty(o, p)[0]), 4),
        round(float(snapshot.expected(p, o)[0]), 4),
        round(float(snapshot.uncertainty(p, o)[0]), 4),
    )
