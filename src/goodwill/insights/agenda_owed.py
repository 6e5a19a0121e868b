"""What the owner owes: answers (the seeds' "Response") and thank-yous ("Grateful").

**Reply.** A mention, reply, comment, message or email addressed to the owner is open
until she answers it, except a closing turn: an answer to one of her own messages that
asks nothing back (no question mark), since nobody needs the last word. It is answered
when any event of hers other than a like, follow or block names it as what it answers,
on whatever network, or names a later bump of the same thread (a second message of theirs
that answers their first). A private message or email is also handled once she writes to,
meets or calls that person afterwards: a conversation, not each message, is what wants an
answer, so the open private messages from one person make one item. Public ones make one
item per thread. Items older than the horizon age out (``agenda.toml``).

**Thank.** A share, quote, endorsement, introduction, referral or gift is thanked when an
event of hers answers it, or by any thank-you of hers to that person after it (one
thank-you covers everything before it). The open ones from one person make one item.

A **cold** item comes from a stranger whose contact nobody answered: someone not in the
owner's address book, toward whom she never did anything, who only wrote to her, liked,
shared or followed (the cheap acts that pitchers, blasters and rings do in bulk), and whom
nobody else answered either. Such items rank after every other item: most are pitches or
boosts from accounts that boost everyone. People the owner blocked or muted get no items.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from goodwill.insights.activity import event_texts
from goodwill.insights.agenda_base import US_PER_DAY, AgendaContext, AgendaItem, on_day

__all__ = ["cold_people", "reply_items", "thank_items"]

Mask = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]

_PUBLIC = ("mention", "reply", "comment")
_PRIVATE = ("message", "email")
_FOR_HER = ("share", "quote", "endorsement", "introduction", "referral", "gift")
_NOT_AN_ANSWER = ("like", "follow", "unfollow", "block", "mute")
_CHEAP = ("mention", "message", "email", "like", "share", "follow", "unfollow")
_WHAT = {
    "share": "sharing your post",
    "quote": "quoting your post",
    "endorsement": "endorsing you",
    "introduction": "an introduction",
    "referral": "a referral",
    "gift": "a gift",
}


def _clip(rows: Ints) -> Ints:
    return np.maximum(rows, 0)


def _inbound(ctx: AgendaContext) -> Mask:
    """Rows addressed to the owner by someone the owner has not blocked or muted."""
    a, owner = ctx.activity, ctx.owner
    mine = a.actor == owner
    refused = np.unique(a.target[mine & a.is_kind("block", "mute")])
    inbound: Mask = (a.target == owner) & ~mine & ~np.isin(a.actor, refused)
    return inbound


def _answered_by_owner(ctx: AgendaContext) -> Mask:
    a = ctx.activity
    answering = (a.actor == ctx.owner) & (a.answers >= 0) & ~a.is_kind(*_NOT_AN_ANSWER)
    done = np.zeros(len(a), dtype=bool)
    done[a.answers[answering]] = True
    return done


def _latest_time(keys: Ints, times: Ints) -> dict[int, int]:
    """For each key, its latest time."""
    if not len(keys):
        return {}
    order = np.lexsort((times, keys))
    keys, times = keys[order], times[order]
    last = np.r_[keys[1:] != keys[:-1], True]
    return dict(zip(keys[last].tolist(), times[last].tolist(), strict=True))


def cold_people(ctx: AgendaContext, inbound: Mask) -> set[int]:
    """Strangers whose contact with the owner is, so far, one-way and cheap: not in her
    address book, she never acted toward them, all they did was write, like, share or
    follow, and nobody else answered any of it."""
    a = ctx.activity
    parent = _clip(a.answers)
    by_other = (a.answers >= 0) & (a.actor != a.actor[parent])
    answered = np.zeros(len(a), dtype=bool)
    answered[a.answers[by_other]] = True
    warm = np.concatenate(
        [
            a.target[a.actor == ctx.owner],
            a.actor[inbound & ~a.is_kind(*_CHEAP)],
            a.actor[inbound & answered],
            np.fromiter(ctx.contacts, dtype=np.int64, count=len(ctx.contacts)),
        ]
    )
    return set(np.setdiff1d(np.unique(a.actor[inbound]), warm).tolist())


def _latest_of(ctx: AgendaContext, action: str, mask: Mask, who: Ints) -> Ints:
    """Per row, the latest time the owner handled the row's person for ``action``: the
    latest row of ``mask`` with that person (``who``), or a done or dismiss note; -1 if
    none."""
    a = ctx.activity
    latest = _latest_time(who[mask], a.time_us[mask])
    for (kind, person), time_us in ctx.handled.items():
        if kind == action:
            latest[person] = max(latest.get(person, -1), time_us)
    if not latest:
        return np.full(len(a), -1, dtype=np.int64)
    keys = np.fromiter(latest, dtype=np.int64, count=len(latest))
    values = np.fromiter(latest.values(), dtype=np.int64, count=len(latest))
    order = np.argsort(keys)
    keys, values = keys[order], values[order]
    slot = np.minimum(np.searchsorted(keys, a.actor), len(keys) - 1)
    return np.where(keys[slot] == a.actor, values[slot], -1)


def reply_items(ctx: AgendaContext) -> list[AgendaItem]:
    """Open mentions, questions, replies and messages to the owner, within the horizon."""
    a, s = ctx.activity, ctx.settings
    n = len(a)
    inbound = _inbound(ctx)
    parent = _clip(a.answers)
    bump = inbound & (a.answers >= 0) & inbound[parent] & (a.actor[parent] == a.actor)
    root = np.where(bump, a.answers, np.arange(n, dtype=np.int64))
    while not np.array_equal(root[root], root):
        root = root[root]
    answered = _answered_by_owner(ctx).astype(float)
    thread_done = np.bincount(root[inbound], weights=answered[inbound], minlength=n) > 0
    pending = inbound & ~thread_done[root]
    recent = a.time_us > ctx.at_us - s.reply_horizon_days * US_PER_DAY
    mine = a.actor == ctx.owner
    contact = (mine & a.is_kind(*_PRIVATE, "meeting", "call")) | (
        inbound & a.is_kind("meeting", "call")
    )
    after = _latest_of(ctx, "reply", contact, np.where(mine, a.target, a.actor))
    private = pending & a.is_kind(*_PRIVATE) & (a.time_us > after)
    public = pending & a.is_kind(*_PUBLIC) & recent
    rows = np.flatnonzero(private | public)
    texts = event_texts(ctx.conn, a.event_id[rows].tolist())
    asks = {int(r): "?" in texts.get(int(a.event_id[r]), "") for r in rows}
    to_her = (a.answers >= 0) & (a.actor[parent] == ctx.owner) & ~a.is_kind("post")[parent]
    cold = cold_people(ctx, inbound)
    groups: dict[tuple[str, int], list[int]] = {}
    for r in rows.tolist():
        if to_her[r] and not asks[r]:
            continue  # a closing turn: an answer to her that asks nothing back
        where = ("private", int(a.actor[r])) if private[r] else ("public", int(root[r]))
        groups.setdefault(where, []).append(r)
    return [
        _reply_item(ctx, group, int(root[group[0]]) if where == "public" else group[0], asks, cold)
        for (where, _), group in groups.items()
        if recent[group[-1]]
    ]


def _reply_item(
    ctx: AgendaContext, group: list[int], key_row: int, asks: dict[int, bool], cold: set[int]
) -> AgendaItem:
    """One item for a public thread, or for one person's private messages since the owner
    last wrote to them (``key_row``: the thread's first event, or their first message)."""
    a, s = ctx.activity, ctx.settings
    recent = ctx.at_us - s.reply_horizon_days * US_PER_DAY
    group = [r for r in group if a.time_us[r] > recent]
    first, last = group[0], group[-1]
    person = int(a.actor[first])
    kind = a.kind_name(first)
    question = any(asks[r] for r in group)
    network = ctx.network_of(last)
    since = on_day(int(a.time_us[first]))
    if kind in _PRIVATE:
        noun = "email" if all(a.kind_name(r) == "email" for r in group) else "message"
        said = f"{len(group)} {noun}s since {since}" if len(group) > 1 else f"{noun} of {since}"
        suggestion = f"answer their {said} ({network})"
        reason = f"{len(group)} unanswered {noun}{'s' if len(group) > 1 else ''} to you"
        gain = ctx.gain(kind)
    else:
        what = "question" if question else kind
        suggestion = f"answer their {what} of {since} on {network}"
        reason = f"their {what} is unanswered" + (
            f"; they wrote {len(group)} times" if len(group) > 1 else ""
        )
        gain = ctx.gain("reply")
    context = [key_row] if key_row not in group else []
    if a.answers[first] >= 0 and a.actor[a.answers[first]] == ctx.owner:
        context.append(int(a.answers[first]))  # the post or message of hers they answered
    repeats = min(len(group) - 1, s.most_repeats)
    boost = 1.0 + s.per_repeat * repeats + (s.question if question else 0.0)
    timing = 0.5 ** (ctx.age_days(last) / s.reply_half_life_days)
    if person in cold:
        reason = f"first contact from a stranger; {reason}"
    return AgendaItem(
        key=f"reply:{int(a.event_id[key_row])}",
        action="reply",
        person=person,
        name=ctx.name(person),
        reason=reason,
        suggestion=suggestion,
        score=s.owed_factor * gain * ctx.stake(person) * timing * boost,
        events=ctx.event_ids(sorted({*context, *group})),
        about=ctx.event_ids(group),
        cold=person in cold,
        time_us=int(a.time_us[last]),
    )


def thank_items(ctx: AgendaContext) -> list[AgendaItem]:
    """Shares, endorsements, introductions and referrals the owner never thanked."""
    a, s = ctx.activity, ctx.settings
    inbound = _inbound(ctx)
    recent = ctx.at_us - s.thank_horizon_days * US_PER_DAY
    thanks = (a.actor == ctx.owner) & a.is_kind("thanks")
    after = _latest_of(ctx, "thank", thanks, a.target)
    rows = np.flatnonzero(
        inbound & a.is_kind(*_FOR_HER) & ~_answered_by_owner(ctx) & (a.time_us > after)
    )
    cold = cold_people(ctx, inbound)
    groups: dict[int, list[int]] = {}
    for r in rows.tolist():
        groups.setdefault(int(a.actor[r]), []).append(r)
    items = []
    for person, group in groups.items():
        key = f"thank:{int(a.event_id[group[0]])}"  # the first unthanked, even once stale
        fresh = [r for r in group if a.time_us[r] > recent]
        if not fresh:
            continue
        kinds = [a.kind_name(r) for r in fresh]
        done = _summary(kinds)
        weight = sum(ctx.gain(k) for k in kinds)
        boost = 0.5 + min(weight, ctx.policy.ceiling) / 2.0
        timing = 0.5 ** (ctx.age_days(fresh[-1]) / s.thank_half_life_days)
        context = [int(a.answers[r]) for r in fresh if a.answers[r] >= 0]
        latest = f"latest {on_day(int(a.time_us[fresh[-1]]))}, {ctx.network_of(fresh[-1])}"
        items.append(
            AgendaItem(
                key=key,
                action="thank",
                person=person,
                name=ctx.name(person),
                reason=("a stranger's boost: " if person in cold else "")
                + f"{done}, not thanked yet",
                suggestion=f"thank them for {done} ({latest})",
                score=s.owed_factor * ctx.gain("thanks") * ctx.stake(person) * timing * boost,
                events=ctx.event_ids(sorted({*context, *fresh})),
                about=ctx.event_ids(fresh),
                cold=person in cold,
                time_us=int(a.time_us[fresh[-1]]),
            )
        )
    return items


def _summary(kinds: list[str]) -> str:
    """What they did, in words: "sharing your post" or "2 shares and an introduction".

    >>> _summary(["share"]), _summary(["share", "share", "introduction"])
    ('sharing your post', '2 shares and an introduction')
    """
    if len(kinds) == 1:
        return _WHAT[kinds[0]]
    counts = {k: kinds.count(k) for k in dict.fromkeys(kinds)}
    parts = [
        f"{c} {k}s" if c > 1 else f"a{'n' if k[0] in 'aeiou' else ''} {k}"
        for k, c in counts.items()
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
