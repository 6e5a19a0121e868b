"""The public side of the owner's year: her posts, her advocates, friends and acquaintances.

These scripts make the positive and the fading signals: advocates who share, defend,
endorse and introduce; old friends whose exchanges thin out and stop by late summer;
acquaintances who like a little, reply now and then, and ask questions the owner does not
always answer.
"""

from __future__ import annotations

from goodwill.demo.cast import SOCIAL, Persona
from goodwill.demo.scenes import (
    Rates,
    Stage,
    engage_with_owner,
    owner_engages,
    post_series,
    thread,
)
from goodwill.demo.timeline import Draft

__all__ = [
    "mention_name",
    "play_acquaintance",
    "play_advocate",
    "play_drifting_friend",
    "post_as_owner",
]

# Chance that one posting moment reaches each network; the owner cross-posts.
_CROSSPOST = {"mastodon": 0.75, "bluesky": 0.55, "x": 0.35, "linkedin": 0.22}
_MOMENTS = 130
_PUBLIC = (*SOCIAL, "linkedin")


def mention_name(handle: str, name: str) -> str:
    """How a post names someone: ``@account`` where handles are @-style, else the name."""
    account = handle.split(":", 1)[1]
    return account if account.startswith("@") else name


def post_as_owner(stage: Stage) -> None:
    """The owner's posts for the year, cross-posted to several networks at once."""
    line, chance = stage.line, stage.rng.random
    stage.owner_posts = {network: [] for network in _CROSSPOST}
    for time in sorted(line.moment(0, line.days - 1) for _ in range(_MOMENTS)):
        text = stage.writer.say("owner_post")
        networks = [n for n, p in _CROSSPOST.items() if chance() < p] or ["mastodon"]
        for offset, network in enumerate(networks):
            post = line.add(time + 20 * offset, "post", stage.mine(network), text=text)
            stage.owner_posts[network].append(post)


def play_advocate(stage: Stage, who: Persona) -> None:
    """Shares and likes most of the owner's work, endorses her, introduces people to her."""
    days = stage.line.days
    for network in who.networks():
        if network in SOCIAL:
            rates = Rates(like=0.55, share=0.4, reply=0.08, back=0.7, thank=0.35)
            engage_with_owner(stage, who, network, 0, days - 1, rates)
    engage_with_owner(stage, who, "linkedin", 0, days - 1, Rates(like=0.5, share=0.15, thank=0.4))
    main = who.handles[0]
    posts = post_series(stage, main, stage.rng.randint(8, 16), 0, days - 1, "person_post")
    owner_engages(stage, who, posts, Rates(like=0.5, share=0.25, reply=0.15, back=0.6))
    _endorse(stage, who)
    for _ in range(stage.rng.randint(1, 2)):
        _introduce_to_owner(stage, who)


def _endorse(stage: Stage, who: Persona) -> None:
    """A LinkedIn endorsement, sometimes a written recommendation; the owner thanks most."""
    handle, line = who.on("linkedin"), stage.line
    if handle is None:
        return
    mine = stage.mine("linkedin")
    situations = ["endorsement"] + ["recommendation"] * (stage.rng.random() < 0.5)
    for situation in situations:
        text = stage.writer.say(situation)
        nod = line.add(line.moment(20, line.days - 10), "endorsement", handle, mine, text=text)
        if stage.rng.random() < 0.6:
            thanks = stage.writer.say("thanks_colleague", first=who.first)
            line.add(line.after(nod.time, 1, 48), "thanks", mine, handle, text=thanks, answers=nod)


def _introduce_to_owner(stage: Stage, who: Persona) -> None:
    """An email introducing someone the advocate knows; the owner usually says thank you."""
    handle, line = who.on("email"), stage.line
    if handle is None:
        return
    other = stage.rng.choice(stage.of_role("customer", "colleague", "acquaintance"))
    text = stage.writer.say("introduction_to_owner", other=other.name, company=other.company)
    mine = stage.mine("email")
    intro = line.add(line.moment(10, line.days - 5), "introduction", handle, mine, text=text)
    if stage.rng.random() < 0.8:
        thanks = stage.writer.say("thanks_colleague", first=who.first)
        line.add(
            line.after(intro.time, 0.5, 30), "thanks", mine, handle, text=thanks, answers=intro
        )


def play_drifting_friend(stage: Stage, who: Persona) -> None:
    """Weekly exchange in winter that thins out and stops for good by late summer.

    The friend keeps posting publicly afterwards; neither side turns to the other again.
    """
    rng, line = stage.rng, stage.line
    last_day = rng.randint(190, 250)
    handle = who.handles[0]
    network = handle.split(":", 1)[0]
    for week in range(last_day // 7 - 1):
        first_day = week * 7
        fade = 1 - first_day / last_day
        if rng.random() < 0.9 * fade:
            posts = post_series(stage, handle, 1, first_day, first_day + 4, "person_post")
            owner_engages(stage, who, posts, Rates(like=0.8, reply=0.5, back=0.7))
        if rng.random() < 0.7 * fade:
            _chat(stage, who, "message", handle, stage.mine(network), first_day)
        if rng.random() < 0.6 * fade:
            engage_with_owner(
                stage, who, network, first_day, first_day + 4, Rates(like=0.6, reply=0.15, back=0.8)
            )
        email = who.on("email")
        if email and rng.random() < 0.2 * fade:
            _chat(stage, who, "email", email, stage.mine("email"), first_day)
    for first_day, last in ((last_day + 14, line.days - 95), (line.days - 85, line.days - 1)):
        post_series(stage, handle, rng.randint(2, 5), first_day, last, "person_post")


def _chat(stage: Stage, who: Persona, kind: str, theirs: str, mine: str, first_day: int) -> None:
    """A short back-and-forth, more often started by the friend than by the owner."""
    handles = (mine, theirs) if stage.rng.random() < 0.35 else (theirs, mine)
    situations = ["friend_message"] + ["friend_answer"] * stage.rng.randint(1, 3)
    start = stage.line.moment(first_day, first_day + 4)
    thread(stage, kind, handles, situations, start, pace=(0.3, 20))


def play_acquaintance(stage: Stage, who: Persona) -> None:
    """A few likes and replies from first contact on, a question or two, some unanswered."""
    rng, line = stage.rng, stage.line
    first_day = rng.randint(0, 330)
    before = len(line.drafts)
    _first_contact(stage, who, first_day)
    rate = rng.uniform(0.03, 0.12)
    rates = Rates(like=rate, share=rate / 8, reply=rate / 4, back=0.5, thank=0.6)
    for network in who.networks():
        if network in _PUBLIC:
            engage_with_owner(stage, who, network, first_day, line.days - 1, rates)
    posts = post_series(
        stage, who.handles[0], rng.randint(2, 8), first_day, line.days - 1, "person_post"
    )
    owner_engages(stage, who, posts, Rates(like=0.2, share=0.05, reply=0.08, back=0.5))
    for chance, situation in ((0.35, "question"), (0.15, "question"), (0.2, "shoutout")):
        if rng.random() < chance:
            _mention_owner(stage, who, situation, first_day)
    used = {d.actor for d in line.drafts[before:]} | {d.target for d in line.drafts[before:]}
    for handle in who.handles:
        if handle not in used:
            _touch(stage, who, handle, first_day)


def _first_contact(stage: Stage, who: Persona, first_day: int) -> None:
    """Half of acquaintances start by following; the owner follows some of them back."""
    handle, line = who.handles[0], stage.line
    network = handle.split(":", 1)[0]
    if network not in _PUBLIC or stage.rng.random() < 0.5:
        return
    mine = stage.mine(network)
    follow = line.add(line.moment(first_day, first_day), "follow", handle, mine)
    if stage.rng.random() < 0.4:
        line.add(line.after(follow.time, 2, 72), "follow", mine, handle, answers=follow)


def _mention_owner(stage: Stage, who: Persona, situation: str, first_day: int) -> None:
    """A public mention of the owner; she answers fewer than half of the questions."""
    handle, line = who.handles[0], stage.line
    network = handle.split(":", 1)[0]
    if network not in _PUBLIC:
        return
    mine = stage.mine(network)
    text = stage.writer.say(situation, handle=mention_name(mine, stage.owner.name))
    mention = line.add(line.moment(first_day, line.days - 1), "mention", handle, mine, text=text)
    if situation == "question" and stage.rng.random() < 0.45:
        answer = stage.writer.say("owner_answer_question")
        line.add(
            line.after(mention.time, 1, 40), "reply", mine, handle, text=answer, answers=mention
        )


def _touch(stage: Stage, who: Persona, handle: str, first_day: int) -> Draft:
    """One small event so that every identity a person has shows up at least once."""
    line = stage.line
    network = handle.split(":", 1)[0]
    mine = stage.mine(network)
    time = line.moment(first_day, line.days - 1)
    if network == "email":
        return line.add(time, "email", handle, mine, text=stage.writer.say("colleague_open"))
    posts = [p for p in stage.owner_posts.get(network, []) if p.time < time]
    if posts:
        post = posts[-1]
        return line.add(line.after(post.time, 0.1, 12), "like", handle, mine, answers=post)
    return line.add(time, "follow", handle, mine)
