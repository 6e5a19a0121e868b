"""Pitches: a stranger's first contact with the owner that sells.

The seeds call it spam: "the first contact that pitches". A first contact is the first
message, mention, email, reply or comment a person addresses to the owner before she ever
turned to them. It is a pitch when its text sells (a link to the sender's own site or to
a landing page, sales language, a price) and the context agrees: a bump before any answer,
a brand in the display name, several accounts tagged, the owner blocking, muting or never
answering. Each sign has a weight in ``hygiene.toml``; they combine as independent
evidence, and a first contact whose text does not sell is never a pitch, however
unanswered it stayed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from goodwill.insights.activity import Activity, Ints
from goodwill.insights.hygiene.flags import Flag, Lookups, noisy_or
from goodwill.insights.hygiene.selling import (
    brand_in_name,
    host_labels,
    mention_count,
    offer_links,
    own_links,
    selling_signs,
)

__all__ = ["ADDRESSED", "PitchSettings", "detect_pitches"]

#: Kinds by which one person addresses another in words.
ADDRESSED = ("message", "mention", "email", "reply", "comment")
_DAY_US = 86_400_000_000
_VERDICTS = {"block": "blocked", "mute": "muted"}


@dataclass(frozen=True, slots=True)
class PitchSettings:
    """The pitch detector's thresholds and weights (reasons in ``hygiene.toml``)."""

    min_confidence: float
    own_link: float
    offer_link: float
    selling: float
    bump: float
    bump_days: float
    blocked: float
    brand_name: float
    tagging: float
    min_tags: int
    unanswered: float
    answered_factor: float


@dataclass(frozen=True, slots=True)
class _Contact:
    """One stranger's first contact and what followed it."""

    person: int
    row: int
    bumps: list[int]
    verdict: int  # the owner's block or mute row, or -1
    answered: bool


def _first_rows(mask: np.ndarray, key: Ints) -> tuple[Ints, Ints]:
    """For rows in ``mask`` (time order), each distinct ``key`` and its first row."""
    rows = np.flatnonzero(mask)
    keys, first = np.unique(key[rows], return_index=True)
    return keys, rows[first]


def _grouped(rows: Ints, key: Ints) -> Callable[[int], Ints]:
    """A lookup of ``rows`` by ``key`` (time order kept within each key): one sort, then
    a binary search per person instead of a scan of every row."""
    order = rows[np.argsort(key[rows], kind="stable")]
    keys = key[order]

    def of(value: int) -> Ints:
        return order[np.searchsorted(keys, value) : np.searchsorted(keys, value, "right")]

    return of


def _contacts(activity: Activity, settings: PitchSettings) -> list[_Contact]:
    """First contacts from strangers: people the owner had not turned to before."""
    owner = activity.owner
    addressed = activity.is_kind(*ADDRESSED)
    inbound = addressed & (activity.target == owner) & (activity.actor != owner)
    people, first = _first_rows(inbound, activity.actor)
    verdicts = activity.is_kind("block", "mute")
    outbound = (activity.actor == owner) & (activity.target >= 0)
    known, known_first = _first_rows(outbound & ~verdicts, activity.target)
    earlier = dict(zip(known.tolist(), activity.time_us[known_first].tolist(), strict=True))
    replies = _grouped(np.flatnonzero(outbound & addressed), activity.target)
    blocks = _grouped(np.flatnonzero(outbound & verdicts), activity.target)
    messages = _grouped(np.flatnonzero(inbound), activity.actor)
    found: list[_Contact] = []
    for person, row in zip(people.tolist(), first.tolist(), strict=True):
        start = int(activity.time_us[row])
        if earlier.get(person, start + 1) <= start:
            continue  # the owner turned to them first: not a stranger
        theirs, answers = messages(person), replies(person)
        answer_time = int(activity.time_us[answers].min()) if len(answers) else activity.at_us + 1
        horizon = min(answer_time, start + int(settings.bump_days * _DAY_US))
        later = theirs[(theirs != row) & (activity.time_us[theirs] <= horizon)]
        verdict = blocks(person)
        verdict = verdict[activity.time_us[verdict] >= start]
        found.append(
            _Contact(
                person,
                row,
                later[activity.time_us[later] < answer_time].tolist(),
                int(verdict[0]) if len(verdict) else -1,
                bool(len(answers)),
            )
        )
    return found


def detect_pitches(activity: Activity, lookups: Lookups, settings: PitchSettings) -> list[Flag]:
    """Strangers whose first contact with the owner sells, most certain first.

    Needs texts: without them (``Lookups.none()``) nothing can be said to sell.
    """
    if activity.owner is None or not lookups.has_texts:
        return []
    contacts = _contacts(activity, settings)
    if not contacts:
        return []
    rows = [r for c in contacts for r in (c.row, *c.bumps)]
    texts = lookups.texts(activity.event_id[rows].tolist())
    senders = np.unique(activity.actor_identity[[c.row for c in contacts]])
    owner_ids = np.unique(activity.actor_identity[activity.actor == activity.owner])
    handles = lookups.handles([*senders.tolist(), *owner_ids.tolist()])
    names = lookups.names(senders.tolist())
    exclude = {
        label
        for i in owner_ids.tolist()
        for label in host_labels(handles.get(i, "").rpartition("@")[2])
    }
    flags = []
    for contact in contacts:
        flag = _judge(activity, contact, texts, handles, names, exclude, settings)
        if flag is not None and flag.confidence >= settings.min_confidence:
            flags.append(flag)
    return sorted(flags, key=lambda f: -f.confidence)


def _judge(
    activity: Activity,
    contact: _Contact,
    texts: Mapping[int, str],
    handles: Mapping[int, str],
    names: Mapping[int, str],
    exclude: set[str],
    settings: PitchSettings,
) -> Flag | None:
    """The signs in one first contact, weighed; None when its text does not sell."""
    ids = [int(activity.event_id[r]) for r in (contact.row, *contact.bumps)]
    said = "\n".join(texts.get(i, "") for i in ids)
    identity = int(activity.actor_identity[contact.row])
    name = names.get(identity, "")
    sender = [name, handles.get(identity, "").partition(":")[2]]
    signs: list[tuple[str, float]] = []
    own = own_links(said, sender, exclude)
    if own:
        signs.append((f"links to their own site {own[0]}", settings.own_link))
    if offer_links(said):
        signs.append(("a landing-page or tracking link", settings.offer_link))
    signs += [(sign, settings.selling) for sign in selling_signs(said)]
    if not signs:
        return None
    if contact.bumps:
        times = "once" if len(contact.bumps) == 1 else f"{len(contact.bumps)} times"
        signs.append((f"bumped {times} before any answer", settings.bump))
    if contact.verdict >= 0:
        verdict = _VERDICTS[activity.kind_name(contact.verdict)]
        signs.append((f"you {verdict} them", settings.blocked))
    if name and brand_in_name(name):
        signs.append((f"display name {name!r} carries a brand", settings.brand_name))
    tags = mention_count(texts.get(ids[0], ""))
    if tags >= settings.min_tags:
        signs.append((f"tags {tags} accounts", settings.tagging))
    if not contact.answered:
        signs.append(("never answered", settings.unanswered))
    welcome = settings.answered_factor if contact.answered else 1.0
    confidence = noisy_or(w for _, w in signs) * welcome
    evidence = [*ids, *([int(activity.event_id[contact.verdict])] * (contact.verdict >= 0))]
    kind = activity.kind_name(contact.row)
    return Flag(
        person=contact.person,
        detector="pitch",
        confidence=round(confidence, 3),
        reason=f"first {kind} sells: "
        + "; ".join(label for label, _ in signs)
        + ("; you answered" if contact.answered else ""),
        event_ids=tuple(evidence),
        details={
            "signs": [label for label, _ in signs],
            "bumps": len(contact.bumps),
            "answered": contact.answered,
        },
    )
