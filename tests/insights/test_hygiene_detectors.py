"""Each hygiene detector on small hand-made histories: the pattern it must flag, and the
honest look-alike it must leave alone."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from goodwill.errors import AlgorithmInputError
from goodwill.insights import Activity
from goodwill.insights.hygiene import (
    Lookups,
    detect_blasts,
    detect_churn,
    detect_pitches,
    detect_rings,
    flagged_people,
    hygiene_report,
    load_settings,
)
from goodwill.insights.hygiene.edges import edge_activity
from tests.insights.hygiene_history import ME, MY_EMAIL, History, at_us

SETTINGS = load_settings()


def test_a_ring_is_flagged_and_friends_who_also_talk_to_others_are_not(tmp_path: Path) -> None:
    history = History()
    ring = [f"x:@pod{i}" for i in range(4)]
    friends = [f"x:@friend{i}" for i in range(4)]
    others = [f"x:@other{i}" for i in range(6)]
    for group in (ring, friends):
        for member in group:
            for day in range(10):
                post = history.add("post", member, None, day * 7, text=f"post {day}")
                for fan in group:
                    if fan != member:
                        history.add("like", fan, member, day * 7, 30, answers=post)
                        history.add("share", fan, member, day * 7, 60, answers=post)
    for member in ring:  # a ring member now and then applauds the owner too
        history.add("like", member, ME, 3)
    for index, friend in enumerate(friends):  # friends talk with others, who boost them
        for day, other in enumerate(others):
            history.add("message", friend, other, day * 9 + index, text="how are you?")
            history.add("reply", other, friend, day * 9 + index, 40, text="good, and you?")
            history.add("like", other, friend, day * 9 + index, 50)
            history.add("like", other, friend, day * 9 + index, 55)
    with history.store(tmp_path) as store:
        flags = detect_rings(store.activity, SETTINGS.rings)
        flagged = {f.person for f in flags}
        assert flagged == {store.person(h) for h in ring}
        assert all(f.details["density"] == 1.0 and f.confidence > 0.9 for f in flags)
        assert all(len(f.event_ids) >= 1 for f in flags)


def test_two_mutual_fans_are_friends_not_a_ring(tmp_path: Path) -> None:
    history = History()
    for day in range(20):
        history.add("like", "x:@ann", "x:@bob", day)
        history.add("like", "x:@bob", "x:@ann", day, 5)
    with history.store(tmp_path) as store:
        assert detect_rings(store.activity, SETTINGS.rings) == []


def test_unfollowing_soon_after_the_follow_back_is_churn_months_later_is_not(
    tmp_path: Path,
) -> None:
    history = History()
    for who, leaves_on in (("x:@quick", 6), ("x:@slow", 120)):
        history.add("follow", who, ME, 0)
        history.add("follow", ME, who, 1)
        history.add("unfollow", who, ME, leaves_on)
    for target in ("x:@a", "x:@b", "x:@c", "x:@d"):  # the network view: four dropped fast
        history.add("follow", "x:@dropper", target, 10)
        history.add("unfollow", "x:@dropper", target, 13)
    for target in ("x:@a", "x:@b"):  # two second thoughts are human
        history.add("follow", "x:@fickle", target, 10)
        history.add("unfollow", "x:@fickle", target, 12)
    with history.store(tmp_path) as store:
        flags = {f.person: f for f in detect_churn(store.activity, SETTINGS.churn)}
        quick, dropper = store.person("x:@quick"), store.person("x:@dropper")
        assert set(flags) == {quick, dropper}
        assert flags[quick].details == {"owner_cycles": 1, "accounts_dropped": 0}
        assert "5 days after you followed back" in flags[quick].reason
        assert flags[dropper].details == {"owner_cycles": 0, "accounts_dropped": 4}
        assert len(flags[quick].event_ids) == 3  # follow, follow-back, unfollow
    (tmp_path / "early").mkdir()
    with history.store(tmp_path / "early", until_days=5) as early:  # before the unfollow
        assert early.person("x:@quick") not in {
            f.person for f in detect_churn(early.activity, SETTINGS.churn)
        }


def test_repeated_cycles_raise_confidence(tmp_path: Path) -> None:
    history = History()
    for cycle in range(3):
        history.add("follow", "x:@loop", ME, cycle * 40)
        history.add("follow", ME, "x:@loop", cycle * 40 + 1)
        history.add("unfollow", "x:@loop", ME, cycle * 40 + 4)
        history.add("unfollow", ME, "x:@loop", cycle * 40 + 5)
    history.add("follow", "x:@once", ME, 0)
    history.add("follow", ME, "x:@once", 1)
    history.add("unfollow", "x:@once", ME, 4)
    with history.store(tmp_path) as store:
        flags = {f.person: f for f in detect_churn(store.activity, SETTINGS.churn)}
        loop, once = flags[store.person("x:@loop")], flags[store.person("x:@once")]
        assert loop.details["owner_cycles"] == 3 and loop.confidence > once.confidence


BUSY = (
    "Thanks for the draft, I left comments on the second section",
    "Can we move Thursday's call to Friday morning instead?",
    "The invoice went out yesterday, let me know if anything is off",
    "Loved your talk at the meetup, the part about scoping stuck with me",
    "Happy birthday! Hope the new year treats you well",
    "I found the book you asked about, it's on my desk for you",
    "Sorry for the slow reply, the move took longer than planned",
    "Yes, the workshop room is booked for the whole afternoon",
    "Could you send me the slides from Tuesday when you get a moment?",
    "Your proposal reads well, maybe lead with the outcome though",
    "We should get the whole team together before the summer break",
    "The client signed! Thank you for the introduction last month",
)
BLAST = "Hi {}! Our spring workshop bundle is 40% off this week, grab a seat: https://b.example/s?ref={}"


def test_a_blast_is_flagged_and_personal_notes_are_not(tmp_path: Path) -> None:
    history = History()
    for i in range(12):  # one text, twelve people, twelve minutes
        name = f"x:@p{i}"
        history.add("mention", "x:@blaster", name, 5, i, text=f"@p{i} " + BLAST.format(i, i))
    # two similar congratulations are two personal messages, not a campaign
    history.add(
        "message",
        "x:@kind",
        "x:@p1",
        5,
        text="Congrats on the launch, the new pricing page looks great!",
    )
    history.add(
        "message",
        "x:@kind",
        "x:@p2",
        5,
        3,
        text="congrats on the launch!! the new pricing page looks great",
    )
    # a busy hour of different messages to many people is a conversation marathon
    for i, line in enumerate(BUSY):
        history.add("message", "x:@busy", f"x:@p{i}", 6, i, text=line)
    with history.store(tmp_path) as store:
        flags = detect_blasts(store.activity, Lookups.of(store.conn), SETTINGS.blasts)
        assert [f.person for f in flags] == [store.person("x:@blaster")]
        campaign = flags[0].details["campaigns"][0]
        assert campaign["recipients"] == 12 and campaign["minutes"] == 11
        assert "12 people in 11 minutes" in flags[0].reason
        # without texts only the bursts are seen, at reduced confidence
        bursts = detect_blasts(store.activity, Lookups.none(), SETTINGS.blasts)
        assert {f.person for f in bursts} == {store.person("x:@blaster"), store.person("x:@busy")}
        assert all(f.details["textless"] and f.confidence <= 0.5 for f in bursts)


def test_the_owner_is_warned_about_her_own_blast_but_not_about_thanking_people(
    tmp_path: Path,
) -> None:
    history = History()
    for i in range(6):
        history.add(
            "message",
            ME,
            f"x:@c{i}",
            3,
            i * 2,
            text=f"Hi c{i}, I'm opening three coaching slots in March, want one?",
        )
        history.add("message", ME, f"x:@d{i}", 9, i, text="thanks so much!")
    with history.store(tmp_path) as store:
        report = hygiene_report(store.activity, Lookups.of(store.conn))
        assert report.flags == ()
        [own] = report.own
        assert own.detector == "blast" and own.person == store.activity.owner
        assert own.reason.startswith("you sent near-identical text to 6 people")
        assert own.reason.endswith("make each one personal")
        assert store.activity.owner not in flagged_people(store.activity, Lookups.of(store.conn))


def test_a_first_contact_that_sells_is_a_pitch_and_honest_first_contacts_are_not(
    tmp_path: Path,
) -> None:
    history = History()
    history.add(
        "message", "x:@mo", ME, 2, actor_name="Mo | Acme Growth",
        text="Hi! We help studios get more clients. Book a call this week: https://acmegrowth.example/book?utm_source=x",
    )  # fmt: skip
    history.add("message", "x:@mo", ME, 6, text="Bumping this up, the offer ends Friday!")
    history.add("block", ME, "x:@mo", 7)
    history.add(
        "message", "x:@fjord", ME, 3, actor_name="Fjord Olsen",
        text="Wrote up our notes on onboarding, would love your take: https://fjord.example/notes",
    )  # fmt: skip
    history.add(
        "email", "email:ana@bakery.example", MY_EMAIL, 4,
        text="Hi, could you send your rates for a workshop? Do you have time for a call?",
    )  # fmt: skip
    history.add(
        "email", "email:li@harbor.example", MY_EMAIL, 5,
        text="We'd like help with onboarding, budget around $5,000. About us: https://harbor.example",
    )  # fmt: skip
    history.add(
        "email", MY_EMAIL, "email:li@harbor.example", 6, text="Happy to help, call Tuesday?"
    )
    history.add("message", ME, "x:@known", 1, text="Would you review my pricing page?")
    history.add("message", "x:@known", ME, 2, text="Sure! My audit is $99, 20% off this week")
    with history.store(tmp_path) as store:
        flags = detect_pitches(store.activity, Lookups.of(store.conn), SETTINGS.pitches)
        assert [f.person for f in flags] == [store.person("x:@mo")]
        [mo] = flags
        assert {
            "links to their own site acmegrowth.example",
            "a landing-page or tracking link",
            "call to action",
            "offer",
            "growth promise",
        } <= set(mo.details["signs"])
        assert "bumped once before any answer" in mo.reason and "you blocked them" in mo.reason
        assert len(mo.event_ids) == 3 and mo.confidence > 0.9
        # below the floor, the friend's link to her own notes is seen but is not enough
        loose = replace(SETTINGS.pitches, min_confidence=0.0)
        scores = {
            f.person: f.confidence
            for f in detect_pitches(store.activity, Lookups.of(store.conn), loose)
        }
        assert 0.4 < scores[store.person("x:@fjord")] < SETTINGS.pitches.min_confidence
        assert store.person("email:ana@bakery.example") not in scores
        # a client naming a budget and signing with their site sells a little, but she answered
        assert scores[store.person("email:li@harbor.example")] < 0.5
        assert store.person("x:@known") not in scores  # the owner wrote first
        # with no texts nothing can be said to sell
        assert detect_pitches(store.activity, Lookups.none(), SETTINGS.pitches) == []


def test_settings_override_by_name_and_refuse_what_they_do_not_have(tmp_path: Path) -> None:
    good = tmp_path / "mine.toml"
    good.write_text("[churn]\nwindow_days = 7\n")
    settings = load_settings(good)
    assert settings.churn.window_days == 7 and settings.rings == SETTINGS.rings
    assert "months after a follow-back" in settings.reasons["churn.window_days"]
    for text, message in (
        ("[churn]\nwindow = 7\n", "has no setting 'window'"),
        ("[spam]\nx = 1\n", "no section [spam]"),
        ("[rings]\nmin_group = 2.5\n", "must be a whole number"),
        ("[blasts]\nmin_words = -1\n", "must not be negative"),
    ):
        good.write_text(text)
        with pytest.raises(AlgorithmInputError, match=message.replace("[", r"\[")):
            load_settings(good)
    with pytest.raises(AlgorithmInputError, match="does not exist"):
        load_settings(tmp_path / "absent.toml")
    with pytest.raises(AlgorithmInputError, match="no hygiene detector spam"):
        hygiene_report(_empty_activity(), Lookups.none(), detectors=["spam"])


def _empty_activity() -> Activity:
    empty = np.zeros(0, dtype=np.int64)
    return edge_activity(empty, empty, empty, empty, ("like",))[0]


def test_at_bounds_everything(tmp_path: Path) -> None:
    history = History()
    for i in range(12):
        history.add("mention", "x:@blaster", f"x:@p{i}", 50, i, text=BLAST.format(i, i))
    with history.store(tmp_path, until_days=49) as store:
        assert store.activity.at_us == at_us(49)
        assert hygiene_report(store.activity, Lookups.of(store.conn)).flags == ()


def test_a_link_that_does_not_parse_is_not_a_link_and_stops_nothing(tmp_path: Path) -> None:
    """``urlsplit`` raises on a bracket after a host; imported text is anyone's, so such a
    post must leave the pitch detector and the whole report working."""
    history = History()
    history.add(
        "message", "x:@odd", ME, 2, actor_name="Odd Acme",
        text="Book a call: https://acme.example]x and https://acme.example/demo?utm_source=x",
    )  # fmt: skip
    history.add("message", "x:@odd", ME, 4, text="Bumping this, the offer ends Friday!")
    with history.store(tmp_path) as store:
        loose = replace(SETTINGS.pitches, min_confidence=0.0)
        [flag] = detect_pitches(store.activity, Lookups.of(store.conn), loose)
        assert flag.person == store.person("x:@odd")
        assert "a landing-page or tracking link" in flag.details["signs"]
        report = hygiene_report(store.activity, Lookups.of(store.conn))
        assert store.person("x:@odd") in {f.person for f in report.flags}
