"""The working side of the owner's year: colleagues, customers, complaints, introductions.

Colleagues keep a two-way exchange all year. Customers arrive (some referred by an
advocate), work with the owner for a few months over email and meetings and leave with a
thank-you or a rating. Complaining customers say so in public: for some the owner
apologises, fixes it and is thanked; others never hear back, and advocates step into the
thread either way.
"""

from __future__ import annotations

from goodwill.demo.cast import SOCIAL, Persona
from goodwill.demo.scenes import (
    Rates,
    Stage,
    engage_with_owner,
    opener_first,
    owner_engages,
    post_series,
    thread,
)
from goodwill.demo.social import mention_name
from goodwill.demo.timeline import HOUR, Draft

__all__ = ["owner_introductions", "play_colleague", "play_complaint", "play_customers"]


def _email(who: Persona) -> str:
    """The person's email handle; colleagues and customers always have one."""
    handle = who.on("email")
    if handle is None:  # pragma: no cover - guaranteed by the cast
        raise ValueError(f"{who.person} has no email identity")
    return handle


def _public(who: Persona) -> str:
    """The person's first handle on a public social network."""
    return next(h for h in who.handles if h.split(":", 1)[0] in SOCIAL)


def play_colleague(stage: Stage, who: Persona) -> None:
    """Weekly email and messages both ways, regular meetings and calls, thanks both ways."""
    rng, line = stage.rng, stage.line
    theirs, mine, social = _email(who), stage.mine("email"), _public(who)
    network = social.split(":", 1)[0]
    thanked: set[str] = set()
    for first_day in range(0, line.days - 10, 7):
        start = line.moment(first_day, first_day + 4)
        if rng.random() < 0.7:
            sides = opener_first(stage, theirs, mine)
            drafts = thread(stage, "email", sides, _work_talk(stage, 2, 4), start)
            if rng.random() < 0.15:
                thanked.add(_thank_last(stage, who, drafts))
        if rng.random() < 0.3:
            sides = opener_first(stage, social, stage.mine(network))
            talk = _work_talk(stage, 2, 3)
            thread(stage, "message", sides, talk, start + 2 * HOUR, pace=(0.1, 6))
        for kind, chance in (("meeting", 0.25), ("call", 0.2)):
            if rng.random() < chance:
                actor, target = rng.sample((theirs, mine), 2)
                line.add(
                    line.moment(first_day, first_day + 6),
                    kind,
                    actor,
                    target,
                    text=stage.writer.say(kind),
                )
    _thank_both_ways(stage, who, thanked)
    posts = post_series(stage, social, rng.randint(15, 30), 0, line.days - 1, "person_post")
    owner_engages(stage, who, posts, Rates(like=0.45, share=0.15, reply=0.2, back=0.8))
    rates = Rates(like=0.3, share=0.1, reply=0.08, back=0.8, thank=0.3)
    engage_with_owner(stage, who, network, 0, line.days - 1, rates)
    engage_with_owner(stage, who, "linkedin", 0, line.days - 1, Rates(like=0.25))


def _work_talk(stage: Stage, fewest: int, most: int) -> list[str]:
    """A colleague thread: one message that asks or offers, then answers to it."""
    return ["colleague_open"] + ["colleague_answer"] * (stage.rng.randint(fewest, most) - 1)


def _thank_last(stage: Stage, who: Persona, drafts: list[Draft]) -> str:
    """The receiver of a thread's last message thanks its sender; returns the thanker."""
    last = drafts[-1]
    if last.target is None:  # pragma: no cover - thread messages always have a target
        raise ValueError("a thread message without a target")
    text = stage.writer.say("thanks_colleague", first=who.first)
    line = stage.line
    line.add(
        line.after(last.time, 0.2, 12), "thanks", last.target, last.actor, text=text, answers=last
    )
    return last.target


def _thank_both_ways(stage: Stage, who: Persona, thanked: set[str]) -> None:
    """Make sure each side thanked the other at least once over the year."""
    theirs, mine, line = _email(who), stage.mine("email"), stage.line
    for thanker, thanked_one in ((theirs, mine), (mine, theirs)):
        if thanker not in thanked:
            text = stage.writer.say("colleague_open")
            ask = line.add(
                line.moment(30, line.days - 30), "email", thanked_one, thanker, text=text
            )
            _thank_last(stage, who, [ask])


def play_customers(stage: Stage) -> None:
    """Every plain customer's engagement; each advocate refers at least one of them."""
    rng, line = stage.rng, stage.line
    advocates = [a for a in stage.of_role("advocate") if a.on("email")]
    for index, customer in enumerate(stage.of_role("customer")):
        referrer = None
        if index < len(advocates):
            referrer = advocates[index]
        elif advocates and rng.random() < 0.25:
            referrer = rng.choice(advocates)
        start = rng.randint(12, 300)
        end = min(start + rng.randint(30, 110), line.days - 5)
        _engagement(stage, customer, start, end, referrer, finale=True)


def _engagement(
    stage: Stage, who: Persona, start: int, end: int, referrer: Persona | None, *, finale: bool
) -> None:
    """One customer project from first email (or referral) to its last week."""
    rng, line, writer = stage.rng, stage.line, stage.writer
    theirs, mine = _email(who), stage.mine("email")
    if referrer is None:
        asked = writer.say("customer_inquiry", company=who.company)
    else:
        _refer(stage, referrer, who, start)
        asked = writer.say("customer_inquiry_referred", referrer=referrer.name)
    inquiry = line.add(line.moment(start, start), "email", theirs, mine, text=asked)
    reply = writer.say("owner_inquiry_answer", first=who.first)
    line.add(line.after(inquiry.time, 1, 30), "email", mine, theirs, text=reply, answers=inquiry)
    line.add(line.moment(start + 3, start + 10), "meeting", mine, theirs, text="Kickoff")
    for week, first_day in enumerate(range(start + 7, end - 5, 7)):
        if rng.random() < 0.55:
            sides = opener_first(stage, theirs, mine)
            voice = {theirs: "customer_mail", mine: "owner_customer_mail"}
            talk = [voice[sides[turn % 2]] for turn in range(rng.randint(2, 3))]
            thread(stage, "email", sides, talk, line.moment(first_day, first_day + 2))
        if week % 3 == 1 and rng.random() < 0.8:
            line.add(
                line.moment(first_day, first_day + 4),
                "meeting",
                mine,
                theirs,
                text=writer.say("meeting"),
            )
        if rng.random() < 0.1:
            line.add(
                line.moment(first_day, first_day + 4), "call", theirs, mine, text=writer.say("call")
            )
    if finale:
        _farewell(stage, who, end)


def _refer(stage: Stage, referrer: Persona, who: Persona, start: int) -> None:
    """An advocate refers the customer a few days before the customer writes."""
    line, mine = stage.line, stage.mine("email")
    text = stage.writer.say("referral", other=who.name, company=who.company)
    referral = line.add(
        line.moment(start - 9, start - 2), "referral", _email(referrer), mine, text=text
    )
    if stage.rng.random() < 0.7:
        thanks = stage.writer.say("thanks_colleague", first=referrer.first)
        line.add(
            line.after(referral.time, 1, 24),
            "thanks",
            mine,
            _email(referrer),
            text=thanks,
            answers=referral,
        )


def _farewell(stage: Stage, who: Persona, end: int) -> None:
    """The end of a good project: thanks, a rating, sometimes an endorsement."""
    rng, line, writer = stage.rng, stage.line, stage.writer
    theirs, mine = _email(who), stage.mine("email")
    if rng.random() < 0.75:
        text = writer.say("customer_thanks_end", company=who.company)
        line.add(line.moment(end, end + 3), "thanks", theirs, mine, text=text)
    if rng.random() < 0.5:
        value = _signed(rng.choice((4.0, 4.5, 5.0)))
        line.add(
            line.moment(end + 1, end + 4),
            "rating",
            theirs,
            mine,
            text=writer.say("rating_good"),
            value=value,
        )
    linkedin = who.on("linkedin")
    if linkedin and rng.random() < 0.3:
        text = writer.say("endorsement")
        line.add(
            line.moment(end + 2, end + 10),
            "endorsement",
            linkedin,
            stage.mine("linkedin"),
            text=text,
        )


def play_complaint(stage: Stage, who: Persona, *, resolved: bool) -> None:
    """A customer complains in public; advocates defend the owner; she answers or not."""
    rng, line = stage.rng, stage.line
    start = rng.randint(20, 200)
    end = min(start + rng.randint(70, 120), line.days - 5)
    complaint_day = rng.randint(start + 20, start + 45)
    _engagement(stage, who, start, end if resolved else complaint_day - 1, None, finale=resolved)
    public = _public(who)
    mine = stage.mine(public.split(":", 1)[0])
    text = f"{mention_name(mine, stage.owner.name)} {stage.writer.say('complaint')}"
    complaint = line.add(
        line.moment(complaint_day, complaint_day), "mention", public, mine, text=text
    )
    _defend(stage, who, public, complaint)
    if resolved:
        _resolve(stage, who, public, complaint)
    else:
        _go_unanswered(stage, who, public, complaint)


def _defend(stage: Stage, who: Persona, critic: str, complaint: Draft) -> None:
    """One or two advocates on the same network reply to the critic on the owner's behalf."""
    network, line = critic.split(":", 1)[0], stage.line
    defenders = [h for a in stage.of_role("advocate") if (h := a.on(network)) is not None]
    for handle in stage.rng.sample(defenders, min(2, len(defenders))):
        text = stage.writer.say("defense", first=who.first)
        line.add(
            line.after(complaint.time, 0.5, 12),
            "reply",
            handle,
            critic,
            text=text,
            answers=complaint,
        )


def _resolve(stage: Stage, who: Persona, public: str, complaint: Draft) -> None:
    """The owner apologises in public, fixes it by email, and is thanked in public."""
    line, writer = stage.line, stage.writer
    mine, theirs, mine_mail = complaint.target or "", _email(who), stage.mine("email")
    sorry = writer.say("apology", first=who.first)
    apology = line.add(
        line.after(complaint.time, 1, 8), "reply", mine, public, text=sorry, answers=complaint
    )
    fix = line.add(
        line.after(apology.time, 0.5, 3),
        "email",
        mine_mail,
        theirs,
        text=writer.say("owner_fix_mail"),
    )
    line.add(
        line.after(fix.time, 1, 20),
        "email",
        theirs,
        mine_mail,
        text="Thank you, that works.",
        answers=fix,
    )
    text = writer.say("resolved_thanks")
    line.add(line.after(apology.time, 24, 72), "thanks", public, mine, text=text, answers=apology)


def _go_unanswered(stage: Stage, who: Persona, public: str, complaint: Draft) -> None:
    """Silence from the owner: the customer follows up in public, then rates the work low."""
    line, writer = stage.line, stage.writer
    mine = complaint.target or ""
    again = writer.say("complaint_followup")
    line.add(
        line.after(complaint.time, 5 * 24, 10 * 24),
        "mention",
        public,
        mine,
        text=again,
        answers=complaint,
    )
    value = _signed(stage.rng.choice((1.0, 1.5, 2.0)))
    rating_time = line.after(complaint.time, 14 * 24, 35 * 24)
    line.add(
        rating_time,
        "rating",
        _email(who),
        stage.mine("email"),
        text=writer.say("rating_bad"),
        value=value,
    )


def owner_introductions(stage: Stage, count: int) -> None:
    """The owner connects pairs of people she trusts; most of them thank her."""
    rng, line = stage.rng, stage.line
    helpers = stage.of_role("colleague", "advocate")
    askers = stage.of_role("customer", "colleague")
    mine = stage.mine("email")
    for _ in range(count):
        first = rng.choice(helpers)
        second = rng.choice([p for p in askers if p is not first])
        time = line.moment(15, line.days - 10)
        for a, b, offset in ((first, second, 0), (second, first, 40)):
            text = stage.writer.say(
                "owner_introduction", first=a.first, other=b.name, company=b.company
            )
            intro = line.add(time + offset, "introduction", mine, _email(a), text=text)
            if rng.random() < 0.6:
                thanks = stage.writer.say("intro_thanks")
                line.add(
                    line.after(intro.time, 1, 30),
                    "thanks",
                    _email(a),
                    mine,
                    text=thanks,
                    answers=intro,
                )


def _signed(stars: float) -> float:
    """A review of 1 to 5 stars on goodwill's rating scale, -10 to 10 with 0 neutral
    (three stars), so that a bad review is a judgement against, not a weak one for."""
    return (stars - 3.0) * 5.0
