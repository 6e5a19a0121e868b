"""Blasts: near-identical words sent to many people in one sitting.

The seeds' "personalized pitch, not a blast to a random list". A sitting is a run of one
sender's messages, mentions, emails, replies or comments with no gap longer than
``max_gap_minutes``; within a sitting, texts that are near-identical once mentions, links,
emoji and case are set aside (:mod:`~goodwill.insights.hygiene.shingles`) form a
campaign, and a campaign that reaches ``min_recipients`` distinct people is a blast. The
owner is held to her own lower bar (``owner_min_recipients``): for her it is a warning to
make the next messages personal, not a flag.

Without texts (a bare edge list) the detector can only see bursts: one sender addressing
many distinct people in one sitting. It reports those at reduced confidence, since a live
conversation with many people looks the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from goodwill.events import from_time_us
from goodwill.insights.activity import Activity, Ints
from goodwill.insights.hygiene.flags import Flag, Lookups, noisy_or
from goodwill.insights.hygiene.pitches import ADDRESSED
from goodwill.insights.hygiene.shingles import near_duplicate_groups, normalise_all

__all__ = ["BlastSettings", "Campaign", "detect_blasts", "find_campaigns"]

_MINUTE_US = 60_000_000
_EXAMPLES = 3  # copies cited per campaign
_CAMPAIGNS_SHOWN = 4  # campaigns cited per sender, largest first


@dataclass(frozen=True, slots=True)
class BlastSettings:
    """The blast detector's thresholds (reasons in ``hygiene.toml``)."""

    max_gap_minutes: float
    min_recipients: int
    owner_min_recipients: int
    min_similarity: float
    min_words: int
    half_size: float
    textless_factor: float


@dataclass(frozen=True, slots=True)
class Campaign:
    """One text (or, without texts, one burst) sent by ``sender`` to ``recipients`` people."""

    sender: int
    rows: Ints
    recipients: int
    textless: bool


def _sittings(activity: Activity, settings: BlastSettings) -> tuple[Ints, Ints]:
    """Addressed rows that belong to a sitting reaching enough people, and its number.

    Rows are ordered by sender, then time; a sitting ends at a new sender or a gap longer
    than ``max_gap_minutes``. Distinct recipients are counted per sitting in one pass.
    """
    mask = activity.is_kind(*ADDRESSED) & (activity.target >= 0)
    mask &= activity.actor != activity.target
    rows = np.flatnonzero(mask)
    rows = rows[np.argsort(activity.actor[rows], kind="stable")]
    actor, time = activity.actor[rows], activity.time_us[rows]
    gap = int(settings.max_gap_minutes * _MINUTE_US)
    new = np.ones(len(rows), dtype=bool)
    new[1:] = (actor[1:] != actor[:-1]) | (time[1:] - time[:-1] > gap)
    sitting = np.cumsum(new) - 1
    return _wide(activity, rows, sitting, settings)


def _wide(
    activity: Activity, rows: Ints, group: Ints, settings: BlastSettings
) -> tuple[Ints, Ints]:
    """The rows (and their group) of groups that reach enough distinct recipients."""
    if not len(rows):
        return rows, group
    pairs = np.unique(np.stack([group, activity.target[rows]]), axis=1)
    reach = np.bincount(pairs[0], minlength=int(group.max()) + 1)
    first = np.full(len(reach), -1, dtype=np.int64)
    first[group] = rows  # any row of a group tells whose group it is: one sender each
    needed = np.where(
        activity.actor[np.maximum(first, 0)] == activity.owner,
        settings.owner_min_recipients,
        settings.min_recipients,
    )
    keep = (reach >= needed)[group]
    return rows[keep], group[keep]


def find_campaigns(activity: Activity, lookups: Lookups, settings: BlastSettings) -> list[Campaign]:
    """Every blast campaign: near-identical texts in one sitting to enough people
    (bursts of addressed messages, when there are no texts)."""
    rows, sitting = _sittings(activity, settings)
    if not len(rows):
        return []
    textless = not lookups.has_texts
    if not textless:
        said = lookups.texts(activity.event_id[rows].tolist())
        raw = [said.get(int(i), "") for i in activity.event_id[rows]]
        distinct = list(set(raw))  # copies of one text: normalised once
        normalised = dict(zip(distinct, normalise_all(distinct), strict=True))
        plain = [normalised[text] for text in raw]
        long_enough = np.array([len(p.split()) >= settings.min_words for p in plain], dtype=bool)
        rows, sitting = rows[long_enough], sitting[long_enough]
        kept = [p for p, keep in zip(plain, long_enough, strict=True) if keep]
        groups = near_duplicate_groups(kept, sitting, settings.min_similarity)
        rows, sitting = _wide(activity, rows, groups, settings)
    order = np.argsort(sitting, kind="stable")
    rows, sitting = rows[order], sitting[order]
    bounds = np.flatnonzero(np.diff(sitting)) + 1
    return [
        Campaign(
            int(activity.actor[part[0]]),
            part,
            len(np.unique(activity.target[part])),
            textless,
        )
        for part in np.split(rows, bounds)
        if len(part)
    ]


def detect_blasts(activity: Activity, lookups: Lookups, settings: BlastSettings) -> list[Flag]:
    """Senders of blasts, the owner included (a report lists her apart), most certain first."""
    by_sender: dict[int, list[Campaign]] = {}
    for campaign in find_campaigns(activity, lookups, settings):
        by_sender.setdefault(campaign.sender, []).append(campaign)
    flags = []
    for sender, campaigns in by_sender.items():
        campaigns.sort(key=lambda c: -c.recipients)
        sizes = [c.recipients for c in campaigns]
        confidence = noisy_or(s / (s + settings.half_size) for s in sizes)
        if campaigns[0].textless:
            confidence *= settings.textless_factor
        shown = [
            int(activity.event_id[r])
            for c in campaigns[:_CAMPAIGNS_SHOWN]
            for r in c.rows[:_EXAMPLES]
        ]
        flags.append(
            Flag(
                person=sender,
                detector="blast",
                confidence=round(confidence, 3),
                reason=_reason(activity, campaigns, sender == activity.owner),
                event_ids=tuple(shown),
                details={
                    "campaigns": [_summary(activity, c) for c in campaigns],
                    "recipients": int(sum(sizes)),
                    "textless": campaigns[0].textless,
                },
            )
        )
    return sorted(flags, key=lambda f: -f.confidence)


def _minutes(activity: Activity, campaign: Campaign) -> float:
    times = activity.time_us[campaign.rows]
    return float(times.max() - times.min()) / _MINUTE_US


def _summary(activity: Activity, campaign: Campaign) -> dict[str, object]:
    """What ``--json`` shows of a campaign: when, how many, how fast, an example."""
    return {
        "start": from_time_us(int(activity.time_us[campaign.rows].min())).isoformat(),
        "minutes": round(_minutes(activity, campaign), 1),
        "recipients": campaign.recipients,
        "messages": len(campaign.rows),
        "example": int(activity.event_id[campaign.rows[0]]),
    }


def _reason(activity: Activity, campaigns: list[Campaign], own: bool) -> str:
    """One line: the largest campaign, then how many more."""
    top = campaigns[0]
    what = "addressed" if top.textless else "sent near-identical text to"
    who = "you " if own else ""
    line = f"{who}{what} {top.recipients} people in {_minutes(activity, top):.0f} minutes"
    if len(campaigns) > 1:
        more = sum(c.recipients for c in campaigns[1:])
        line += f", and {len(campaigns) - 1} more campaigns to {more} people"
    if top.textless:
        line += " (no texts to compare: a burst, not a proven copy)"
    elif own:
        line += ": make each one personal"
    return line
