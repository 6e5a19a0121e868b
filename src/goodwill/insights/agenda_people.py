"""Relationships to tend: ones cooling against their own rhythm (the seeds' "Maintaining"),
and people worth helping because they help others ("Value").

**Reconnect.** Every relationship trust calls ``cooling`` (silent for longer than
``cooling_rhythms`` of the pair's own usual gap, :mod:`goodwill.trust.stages`) is an item,
scored ``gain(message) * stake * (1 - outlook)``: the most trusted first, and the more
likely the contact is lost (the outlook is the chance of contact within thirty days), the
higher. The way back: respond to what they posted lately, or else write to them on the
network where the two were last in touch. The key names the last contact, so a
relationship that warms up and cools again comes back as a new item.

**Help.** A person who, within the window, answered, shared, quoted, thanked, introduced,
referred or endorsed people other than the owner, at least ``least_helped`` of whom never
did any of that for them in return, gives help rather than trading it (the members of a
ring help only those who help them back, and count nothing). If they posted lately and
the owner has not engaged with that post, the item suggests she does, scored
``gain(share) * stake * min(1, helped / saturate_helped)``.
"""

from __future__ import annotations

import numpy as np

from goodwill.insights.agenda_base import (
    US_PER_DAY,
    AgendaContext,
    AgendaItem,
    latest_rows,
    on_day,
)

__all__ = ["help_items", "reconnect_items"]

_HELP = ("reply", "comment", "share", "quote", "thanks", "introduction", "referral", "endorsement")


def _contact_kinds(ctx: AgendaContext) -> tuple[str, ...]:
    """Kinds that are contact between two people: positive evidence under the policy."""
    return tuple(
        k
        for k in ctx.activity.kinds
        if ctx.policy.rule(k).earns > 0 or ctx.policy.rule(k).states > 0
    )


def _latest_posts(ctx: AgendaContext, days: float) -> dict[int, int]:
    """Each person's latest post within ``days`` of the moment, as a row."""
    a = ctx.activity
    posts = np.flatnonzero(a.is_kind("post") & (a.time_us > ctx.at_us - days * US_PER_DAY))
    return latest_rows(a.actor[posts], posts, a.time_us[posts])


def reconnect_items(ctx: AgendaContext) -> list[AgendaItem]:
    """One item per cooling relationship, with a suggested way back."""
    a = ctx.activity
    cooling = [r for r in ctx.relationships.values() if r.stage == "cooling"]
    if not cooling:
        return []
    owner = ctx.owner
    between = (
        ((a.actor == owner) & (a.target >= 0)) | ((a.target == owner) & (a.actor != owner))
    ) & a.is_kind(*_contact_kinds(ctx))
    rows = np.flatnonzero(between)
    other = np.where(a.actor[rows] == owner, a.target[rows], a.actor[rows])
    last_contact = latest_rows(other, rows, a.time_us[rows])
    posts = _latest_posts(ctx, ctx.settings.reconnect_post_days)
    items = []
    for rel in cooling:
        last = last_contact.get(rel.person)
        if last is None:
            continue
        post = posts.get(rel.person)
        if post is not None:
            suggestion = (
                f"respond to their post of {on_day(int(a.time_us[post]))} on {ctx.network_of(post)}"
            )
            gain = ctx.gain("reply")
        else:
            suggestion = f"send them a message ({ctx.network_of(last)}, where you last talked)"
            gain = ctx.gain("message")
        rhythm = (
            ""
            if rel.rhythm_days is None
            else f", usually in touch every {rel.rhythm_days:.0f} days"
        )
        evidence = [last] + ([post] if post is not None else [])
        items.append(
            AgendaItem(
                key=f"reconnect:{int(a.event_id[last])}",
                action="reconnect",
                person=rel.person,
                name=ctx.name(rel.person),
                reason=f"cooling: silent for {rel.silence_days:.0f} days{rhythm} "
                f"(trust {rel.trust:.2f})",
                suggestion=suggestion,
                score=gain * ctx.stake(rel.person) * (1.0 - rel.outlook),
                events=ctx.event_ids(sorted(evidence)),
                time_us=int(a.time_us[last]),
            )
        )
    return items


def help_items(ctx: AgendaContext) -> list[AgendaItem]:
    """People who help others without trading favours, and who posted lately."""
    a, s, owner = ctx.activity, ctx.settings, ctx.owner
    window = a.time_us > ctx.at_us - s.help_window_days * US_PER_DAY
    helping = np.flatnonzero(
        window
        & a.is_kind(*_HELP)
        & (a.target >= 0)
        & (a.actor != a.target)
        & (a.actor != owner)
        & (a.target != owner)
    )
    if not len(helping):
        return []
    span = int(max(a.actor.max(), a.target.max())) + 1
    pairs, first = np.unique(a.actor[helping] * span + a.target[helping], return_index=True)
    returned = np.isin(a.target[helping][first] * span + a.actor[helping][first], pairs)
    giver = a.actor[helping][first][~returned]
    people, helped = np.unique(giver, return_counts=True)
    generous = {int(p): int(c) for p, c in zip(people, helped, strict=True) if c >= s.least_helped}
    if not generous:
        return []
    posts = _latest_posts(ctx, s.help_post_days)
    engaged = np.unique(a.answers[(a.actor == owner) & (a.answers >= 0)])
    items = []
    for person, count in generous.items():
        post = posts.get(person)
        if post is None or np.isin(post, engaged):
            continue
        shown = helping[a.actor[helping] == person][-3:]
        network = ctx.network_of(post)
        items.append(
            AgendaItem(
                key=f"help:{int(a.event_id[post])}",
                action="help",
                person=person,
                name=ctx.name(person),
                reason=f"helps others: answered, shared or introduced {count} people "
                f"who did not return it, in the last {s.help_window_days:.0f} days",
                suggestion=f"share or answer their post of {on_day(int(a.time_us[post]))} "
                f"on {network}",
                score=ctx.gain("share") * ctx.stake(person) * min(1.0, count / s.saturate_helped),
                events=ctx.event_ids(sorted([*shown.tolist(), post])),
                about=ctx.event_ids([post]),
                time_us=int(a.time_us[post]),
            )
        )
    return items
