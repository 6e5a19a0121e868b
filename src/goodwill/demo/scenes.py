"""Shared pieces of the demo's scripts: the stage they play on and the moves they repeat.

Every role script (``social``, ``work``, ``noise``) writes onto one :class:`Stage`: the
timeline, the text writer, the owner, the cast and the owner's posts per network. The
moves here are the ones several roles share: reacting to a post, posting a series,
exchanging a thread of messages in which each answers the last.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

from goodwill.demo.cast import Persona
from goodwill.demo.texts import Writer
from goodwill.demo.timeline import Draft, Timeline

__all__ = [
    "Rates",
    "Stage",
    "engage_with_owner",
    "opener_first",
    "owner_engages",
    "post_series",
    "thread",
]


@dataclass(frozen=True, slots=True)
class Rates:
    """Chances, per post, of each reaction; ``back`` is the chance the other side answers."""

    like: float = 0.0
    share: float = 0.0
    reply: float = 0.0
    back: float = 0.0
    thank: float = 0.0


@dataclass(slots=True)
class Stage:
    """Everything the scripts share while they write one world."""

    rng: Random
    line: Timeline
    writer: Writer
    owner: Persona
    cast: list[Persona]
    owner_posts: dict[str, list[Draft]] = field(default_factory=dict)

    def mine(self, network: str) -> str:
        """The owner's handle on ``network`` (the owner is on every network)."""
        handle = self.owner.on(network)
        if handle is None:  # pragma: no cover - the owner is on all five
            raise ValueError(f"the owner has no {network} identity")
        return handle

    def of_role(self, *roles: str) -> list[Persona]:
        """The people with any of ``roles``, in cast order."""
        return [p for p in self.cast if p.role in roles]

    def posts_between(self, network: str, first_day: float, last_day: float) -> list[Draft]:
        """The owner's posts on ``network`` from the start of one day to the end of another."""
        start, end = self.line.day(first_day), self.line.day(last_day + 1)
        return [p for p in self.owner_posts.get(network, []) if start <= p.time < end]


def post_series(
    stage: Stage, handle: str, count: int, first_day: float, last_day: float, situation: str
) -> list[Draft]:
    """``count`` posts by ``handle`` spread over a window, in time order."""
    times = sorted(stage.line.moment(first_day, last_day) for _ in range(count))
    return [stage.line.add(t, "post", handle, text=stage.writer.say(situation)) for t in times]


def thread(
    stage: Stage,
    kind: str,
    handles: tuple[str, str],
    situations: list[str],
    start: int,
    *,
    pace: tuple[float, float] = (0.5, 30.0),
) -> list[Draft]:
    """One message per situation, the two handles taking turns (the first opens), each
    answering the one before; ``pace`` bounds the hours between them."""
    drafts: list[Draft] = []
    time = start
    for turn, situation in enumerate(situations):
        actor, target = handles[turn % 2], handles[(turn + 1) % 2]
        previous = drafts[-1] if drafts else None
        text = stage.writer.say(situation)
        drafts.append(stage.line.add(time, kind, actor, target, text=text, answers=previous))
        time = stage.line.after(time, *pace)
    return drafts


def opener_first(stage: Stage, theirs: str, mine: str) -> tuple[str, str]:
    """The two sides of a conversation, the one who opens it first: either, about equally."""
    return (theirs, mine) if stage.rng.random() < 0.5 else (mine, theirs)


def engage_with_owner(
    stage: Stage, who: Persona, network: str, first_day: float, last_day: float, rates: Rates
) -> list[Draft]:
    """``who`` likes, shares and replies to the owner's posts on ``network`` in a window.

    The owner thanks some shares (``rates.thank``) and answers some replies
    (``rates.back``); the rest stay on the owner's to-do list. Returns the shares.
    """
    handle, line, chance = who.on(network), stage.line, stage.rng.random
    if handle is None:
        return []
    shares: list[Draft] = []
    for post in stage.posts_between(network, first_day, last_day):
        if chance() < rates.like:
            line.add(line.after(post.time, 0.05, 20), "like", handle, post.actor, answers=post)
        if chance() < rates.share:
            share = line.add(
                line.after(post.time, 0.1, 30), "share", handle, post.actor, answers=post
            )
            shares.append(share)
            if chance() < rates.thank:
                text = stage.writer.say("thanks_for_share", first=who.first)
                line.add(
                    line.after(share.time, 0.5, 20),
                    "thanks",
                    post.actor,
                    handle,
                    text=text,
                    answers=share,
                )
        if chance() < rates.reply:
            _reply_and_answer(stage, who, handle, post, rates.back)
    return shares


def _reply_and_answer(stage: Stage, who: Persona, handle: str, post: Draft, back: float) -> None:
    """``who`` replies to an owner post; the owner answers with chance ``back``."""
    line = stage.line
    reply = line.add(
        line.after(post.time, 0.2, 24), "reply", handle, post.actor,
        text=stage.writer.say("reply_to_post"), answers=post,
    )  # fmt: skip
    if stage.rng.random() < back:
        text = stage.writer.say("owner_reply_back", first=who.first)
        line.add(
            line.after(reply.time, 0.3, 18), "reply", post.actor, handle, text=text, answers=reply
        )


def owner_engages(stage: Stage, who: Persona, posts: list[Draft], rates: Rates) -> None:
    """The owner likes, shares and replies to ``who``'s posts; ``who`` answers some replies."""
    line, chance = stage.line, stage.rng.random
    for post in posts:
        network = post.actor.split(":", 1)[0]
        mine = stage.mine(network)
        if chance() < rates.like:
            line.add(line.after(post.time, 0.1, 24), "like", mine, post.actor, answers=post)
        if chance() < rates.share:
            line.add(line.after(post.time, 0.2, 30), "share", mine, post.actor, answers=post)
        if chance() < rates.reply:
            text = stage.writer.say("owner_reply_to_post", first=who.first)
            reply = line.add(
                line.after(post.time, 0.2, 24), "reply", mine, post.actor, text=text, answers=post
            )
            if chance() < rates.back:
                text = stage.writer.say("reply_back_to_owner")
                line.add(
                    line.after(reply.time, 0.2, 20),
                    "reply",
                    post.actor,
                    mine,
                    text=text,
                    answers=reply,
                )
