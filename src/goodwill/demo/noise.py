"""The inbound noise of the owner's year: pitchers, churners, a reciprocity ring, a blaster.

Each script leaves the trace that the seeds say gives these people away, so hygiene
features can be checked against them: a first contact that sells, a follow undone within
days of the follow-back, likes and shares that circle inside a small group, and one text
pasted to dozens of people within minutes.
"""

from __future__ import annotations

from goodwill.demo.cast import Persona
from goodwill.demo.names import domain_of
from goodwill.demo.scenes import Rates, Stage, engage_with_owner, post_series
from goodwill.demo.social import mention_name
from goodwill.demo.timeline import DAY

__all__ = ["RING_SIZE", "play_blaster", "play_churner", "play_pitcher", "play_rings"]

RING_SIZE = 6
_RING_TAGS = ("growth", "buildinpublic", "motivation", "creator", "networking", "mindset")
_BLAST_CAMPAIGNS = 8


def _sales_link(stage: Stage, who: Persona) -> str:
    """A link to the seller's own offer page."""
    path = stage.rng.choice(("demo", "offer", "start", "trial", "audit"))
    return f"https://{domain_of(who.company)}/{path}?ref={stage.rng.randint(100, 999)}"


def play_pitcher(stage: Stage, who: Persona) -> None:
    """A stranger whose very first contact sells; sometimes a bump; the owner may block."""
    rng, line = stage.rng, stage.line
    handle = who.handles[0]
    network = handle.split(":", 1)[0]
    mine = stage.mine(network)
    kind = "email" if network == "email" else rng.choice(("message", "mention"))
    if network == "linkedin":
        kind = "message"
    link = _sales_link(stage, who)
    text = stage.writer.say("pitch", first=stage.owner.first, sales_link=link)
    if kind == "mention":
        text = f"{mention_name(mine, stage.owner.name)} {text}"
    pitch = line.add(line.moment(0, line.days - 15), kind, handle, mine, text=text)
    if rng.random() < 0.4:
        bump = stage.writer.say("pitch_followup", first=stage.owner.first, sales_link=link)
        line.add(
            line.after(pitch.time, 3 * 24, 10 * 24), kind, handle, mine, text=bump, answers=pitch
        )
    verdict = rng.random()
    if network != "email" and verdict < 0.3:
        line.add(line.after(pitch.time, 1, 48), "block" if verdict < 0.15 else "mute", mine, handle)


def play_churner(stage: Stage, who: Persona) -> None:
    """Follow, wait for the follow-back, unfollow within days; some come round again.

    Churners do the same to other people on the network, which is what gives them away
    beyond the owner's own view.
    """
    rng, line = stage.rng, stage.line
    handle = who.handles[0]
    network = handle.split(":", 1)[0]
    mine = stage.mine(network)
    others = [h for p in stage.cast if p is not who and (h := p.on(network)) is not None]
    day = rng.randint(0, 120)
    for cycle in range(1 if rng.random() < 0.7 else rng.randint(2, 3)):
        if day > line.days - 20:
            break
        follow = line.add(line.moment(day, day), "follow", handle, mine)
        anchor = follow.time
        if cycle == 0 or rng.random() < 0.8:
            anchor = line.add(
                line.after(follow.time, 1, 36), "follow", mine, handle, answers=follow
            ).time
        posts = stage.posts_between(network, day, day + 4)
        if posts and rng.random() < 0.3:
            line.add(line.after(posts[0].time, 0.1, 6), "like", handle, mine, answers=posts[0])
        line.add(anchor + rng.randint(DAY, 13 * DAY), "unfollow", handle, mine)
        for other in rng.sample(others, min(len(others), rng.randint(3, 8))):
            start = line.after(follow.time, 0, 6)
            line.add(start, "follow", handle, other)
            line.add(start + rng.randint(2 * DAY, 12 * DAY), "unfollow", handle, other)
        day += rng.randint(25, 120)


def play_rings(stage: Stage) -> None:
    """Groups of :data:`RING_SIZE` accounts that follow, like and share one another."""
    ring = stage.of_role("ring")
    for start in range(0, len(ring), RING_SIZE):
        _play_ring(stage, ring[start : start + RING_SIZE])


def _play_ring(stage: Stage, members: list[Persona]) -> None:
    """One ring: mutual follows in January, then every post boosted by the others."""
    rng, line = stage.rng, stage.line
    handles = [m.handles[0] for m in members]
    for actor in handles:
        for target in handles:
            if actor != target and rng.random() < 0.9:
                line.add(line.moment(0, 20), "follow", actor, target)
    for member, handle in zip(members, handles, strict=True):
        posts = post_series(stage, handle, rng.randint(25, 40), 0, line.days - 1, "ring_post")
        for post in posts:
            post.text = f"{post.text} #{rng.choice(_RING_TAGS)}"
            for other in handles:
                if other == handle:
                    continue
                if rng.random() < 0.8:
                    line.add(line.after(post.time, 0.02, 3), "like", other, handle, answers=post)
                if rng.random() < 0.45:
                    line.add(line.after(post.time, 0.05, 6), "share", other, handle, answers=post)
        engage_with_owner(stage, member, "x", 0, line.days - 1, Rates(like=0.08, share=0.04))


def play_blaster(stage: Stage, who: Persona) -> None:
    """Campaigns that paste one pitch to 22-40 people (often the owner) within minutes."""
    rng, line = stage.rng, stage.line
    for campaign in range(_BLAST_CAMPAIGNS):
        network = ("x", "bluesky")[campaign % 2]
        handle = who.on(network)
        if handle is None:
            continue
        pool = [h for p in stage.cast if p is not who and (h := p.on(network)) is not None]
        targets = rng.sample(pool, min(len(pool), rng.randint(22, 40)))
        if campaign == 0 or rng.random() < 0.6:
            targets.insert(rng.randrange(len(targets) + 1), stage.mine(network))
        copy = stage.writer.say("blast", sales_link=_sales_link(stage, who))
        time = line.moment(campaign * 45, campaign * 45 + 30)
        for target in targets:
            time += rng.randint(15, 150)
            tail = rng.choice(("", "", " 🚀", "!!"))
            text = f"{mention_name(target, '')} {copy}{tail}"
            line.add(time, "mention", handle, target, text=text)
    post_series(stage, who.handles[0], rng.randint(8, 14), 0, line.days - 1, "blast")
