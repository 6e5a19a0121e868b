"""Churn: follow, wait for the follow-back, unfollow.

The seeds' "100,000 unfollows": accounts that follow to be followed back and drop the
follow once they have it, so their own follower count grows while they follow few. Two
views of one pattern, a follow undone within ``window_days``:

- the owner's: someone followed her, she followed back, and they unfollowed within the
  window of her follow-back (each such cycle is strong evidence: she saw it happen);
- the network's: the same person following and dropping other accounts in the ledger
  within the window (needs ``min_network_targets`` accounts, since one or two second
  thoughts are human).

A follow undone after months is a changed mind, not churn, and is never counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from goodwill.insights.activity import Activity, Ints
from goodwill.insights.hygiene.flags import Flag, noisy_or

__all__ = ["ChurnSettings", "Cycles", "detect_churn", "follow_cycles"]

_DAY_US = 86_400_000_000
_SHOWN = 3  # network cycles cited per person: enough to see the pattern


@dataclass(frozen=True, slots=True)
class ChurnSettings:
    """The churn detector's thresholds and weights (reasons in ``hygiene.toml``)."""

    window_days: float
    owner_cycle: float
    network_target: float
    min_network_targets: int


@dataclass(frozen=True, slots=True)
class Cycles:
    """Follows undone: for each, the follow's row and the unfollow's row."""

    follow: Ints
    unfollow: Ints


def follow_cycles(activity: Activity) -> Cycles:
    """Every unfollow paired with the latest follow of the same pair before it.

    One sort over (pair, time) and a running maximum of follow positions: no loop over
    events, so it runs the same on a year of one owner and on millions of accounts.
    """
    follows, unfollows = activity.is_kind("follow"), activity.is_kind("unfollow")
    rows = np.flatnonzero((follows | unfollows) & (activity.target >= 0))
    if not len(rows):
        empty = np.zeros(0, dtype=np.int64)
        return Cycles(empty, empty)
    width = int(max(activity.actor[rows].max(), activity.target[rows].max())) + 1
    pair = activity.actor[rows] * width + activity.target[rows]
    order = np.lexsort((rows, pair))  # rows are in time order already
    rows, pair = rows[order], pair[order]
    is_follow = follows[rows]
    position = np.arange(len(rows))
    latest = np.maximum.accumulate(np.where(is_follow, position, -1))
    undo = np.flatnonzero(~is_follow & (latest >= 0))
    undo = undo[pair[latest[undo]] == pair[undo]]
    return Cycles(rows[latest[undo]], rows[undo])


def detect_churn(activity: Activity, settings: ChurnSettings) -> list[Flag]:
    """People who follow and unfollow, the owner or others, within the window."""
    cycles = follow_cycles(activity)
    window = int(settings.window_days * _DAY_US)
    quick = activity.time_us[cycles.unfollow] - activity.time_us[cycles.follow] <= window
    backs = _follow_backs(activity, cycles, window) if activity.owner is not None else {}
    seen_back = np.isin(cycles.unfollow, np.fromiter(backs, dtype=np.int64, count=len(backs)))
    network = quick & ~seen_back
    who = activity.actor[cycles.follow]
    size = int(who.max()) + 1 if len(who) else 0
    owner_count = np.bincount(who[seen_back], minlength=size)
    pairs = np.unique(np.stack([who[network], activity.target[cycles.follow[network]]]), axis=1)
    dropped = np.bincount(pairs[0], minlength=size)
    dropped[dropped < settings.min_network_targets] = 0
    flagged = np.flatnonzero((owner_count > 0) | (dropped > 0))
    order = np.argsort(who, kind="stable")
    bounds = np.searchsorted(who[order], flagged), np.searchsorted(who[order], flagged, "right")
    flags = []
    for person, lo, hi in zip(flagged.tolist(), *bounds, strict=True):
        mine = order[lo:hi]
        owner_cycles = [
            (int(cycles.follow[i]), backs[int(cycles.unfollow[i])], int(cycles.unfollow[i]))
            for i in mine[seen_back[mine]]
        ]
        counted = int(dropped[person])
        shown = [r for cycle in owner_cycles for r in cycle]
        if counted:
            picked = mine[network[mine]][:_SHOWN]
            shown += [r for i in picked for r in (int(cycles.follow[i]), int(cycles.unfollow[i]))]
        confidence = noisy_or(
            [settings.owner_cycle] * len(owner_cycles) + [settings.network_target] * counted
        )
        flags.append(
            Flag(
                person=person,
                detector="churn",
                confidence=round(confidence, 3),
                reason=_reason(activity, owner_cycles, counted, settings.window_days),
                event_ids=tuple(int(activity.event_id[r]) for r in shown),
                details={"owner_cycles": len(owner_cycles), "accounts_dropped": counted},
            )
        )
    return sorted(flags, key=lambda f: -f.confidence)


def _follow_backs(activity: Activity, cycles: Cycles, window: int) -> dict[int, int]:
    """For each unfollow of the owner that came within ``window`` of her follow-back
    (her follow of them between their follow and their unfollow): unfollow row → her row."""
    owner = activity.owner
    hers = np.flatnonzero(activity.is_kind("follow") & (activity.actor == owner))
    found: dict[int, int] = {}
    toward = np.flatnonzero(activity.target[cycles.follow] == owner)
    for index in toward.tolist():
        follow, unfollow = int(cycles.follow[index]), int(cycles.unfollow[index])
        person = activity.actor[follow]
        start, end = activity.time_us[follow], activity.time_us[unfollow]
        back = hers[
            (activity.target[hers] == person)
            & (activity.time_us[hers] >= start)
            & (activity.time_us[hers] <= end)
        ]
        if len(back) and end - activity.time_us[back[-1]] <= window:
            found[unfollow] = int(back[-1])
    return found


def _reason(
    activity: Activity, owner_cycles: list[tuple[int, int, int]], counted: int, window: float
) -> str:
    """One line: how fast they left after the owner's follow-back, and whom else they dropped."""
    parts = []
    if owner_cycles:
        days = [(activity.time_us[u] - activity.time_us[b]) / _DAY_US for _, b, u in owner_cycles]
        times = "" if len(days) == 1 else f" ({len(days)} times)"
        parts.append(f"unfollowed you {min(days):.0f} days after you followed back{times}")
    if counted:
        parts.append(f"followed and dropped {counted} other accounts within {window:g} days")
    return "; ".join(parts)
