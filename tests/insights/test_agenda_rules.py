"""The agenda's rules on a small hand-built history: what counts as answered or thanked,
closing turns, bumps, private conversations, strangers, blocks, exclusions, help, cooling."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from goodwill.insights.agenda import Agenda, build_agenda
from goodwill.ledger import Ledger
from tests.insights.agenda_ledger import ME, MY_MAIL, Book, day, event_of, ledger_of, person_of

ANN, BOB, CARA, DAN = "mastodon:@ann@a.social", "mastodon:@bob@b.social", "x:@cara", "x:@dan"
EVE, FINN, GUS, PAM = "email:eve@e.example", "bluesky:@finn", "mastodon:@gus@g.social", "x:@pam"
QUIN, HAL, IVY, SAM = "x:@quin", "mastodon:@hal@h.social", "email:ivy@i.example", "bluesky:@sam"
KIM, LU, MO, NED = "mastodon:@kim@k.social", "x:@lu", "x:@mo", "x:@ned"
RINGS = ("x:@r1", "x:@r2", "x:@r3")


@dataclass
class World:
    ledger: Ledger
    ids: dict[str, str]  # name -> external id of a notable event

    def at(self, days: float, **kwargs: object) -> Agenda:
        with self.ledger.read() as conn:
            return build_agenda(conn, at_us=day(days), **kwargs)  # type: ignore[arg-type]

    def event(self, name: str) -> int:
        return event_of(self.ledger, self.ids[name])


def _history() -> tuple[Book, dict[str, str]]:
    b, ids = Book(), {}
    for week in range(-9, 0):  # Ann and the owner write every week: an established pair
        opened = b.add("message", ANN, ME, week * 7, text="How are you?")
        b.add("message", ME, ANN, week * 7 + 0.2, text="Good, you?", answers=opened)
    for week in range(-18, -8):  # Sam too, months ago; then silence
        opened = b.add("message", SAM, ME, week * 7, text="Coffee?")
        b.add("message", ME, SAM, week * 7 + 0.2, text="Yes!", answers=opened)
    b.add("post", SAM, None, 3, text="New studio opened")
    ids["p1"] = post = b.add("post", ME, None, 0, text="Pricing workshops, a thread")
    ids["a1"] = b.add("reply", ANN, ME, 1, text="So useful.", answers=post)
    ids["b1"] = b.add("mention", BOB, ME, 2, text="@me how do you price workshops?")
    b.add("email", MY_MAIL, "email:bob@b.example", 2.5, text="Like this.", answers=ids["b1"])
    c0 = b.add("message", ME, CARA, 2, text="Thursday at 3?")
    ids["c1"] = b.add("message", CARA, ME, 3, text="Works for me.", answers=c0)
    d0 = b.add("message", ME, DAN, 2, text="Here is the plan.")
    ids["d1"] = b.add("message", DAN, ME, 3, text="Could you send the slides?", answers=d0)
    b.contact(EVE, "Eve Example", company="Example Ltd")  # in her address book: no stranger
    ids["e1"] = b.add("email", EVE, MY_MAIL, 4, text="A proposal for you")
    ids["e2"] = b.add("email", EVE, MY_MAIL, 5, text="Following up")
    b.add("email", MY_MAIL, EVE, 7, text="Sorry for the wait")
    b.add("follow", ME, FINN, -30)  # she follows Finn: no stranger
    ids["f1"] = b.add("mention", FINN, ME, 4, text="@me any book on pricing?")
    ids["f2"] = b.add("mention", FINN, ME, 6, text="@me bump?", answers=ids["f1"])
    b.add("reply", ME, FINN, 7, text="This one.", answers=ids["f2"])
    b.add("mention", GUS, ME, -40, text="@me old question?")
    ids["pam"] = b.add("message", PAM, ME, 5, text="Grow 10x: https://pam.example/offer")
    b.add("mention", QUIN, ME, 3, text="@me buy now?")
    b.add("block", ME, QUIN, 4)
    b.add("like", ME, HAL, -10)  # she liked something of Hal's: no stranger
    ids["h1"] = b.add("share", HAL, ME, 1, answers=post)
    p2 = b.add("post", ME, None, 2, text="Second post")
    ids["h2"] = b.add("share", HAL, ME, 3, answers=p2)
    b.add("thanks", ME, HAL, 7, text="Thanks for sharing!")
    p3 = b.add("post", ME, None, 9, text="Third post")
    ids["h3"] = b.add("share", HAL, ME, 10, answers=p3)
    ids["i1"] = b.add("introduction", IVY, MY_MAIL, 2, text="Meet Zoe")
    b.add("email", MY_MAIL, IVY, 3, text="Thank you!", answers=ids["i1"])
    for third in (LU, MO, NED):  # Kim helps three people who never help back
        theirs = b.add("post", third, None, -20, text="my work")
        b.add("share", KIM, third, -19, answers=theirs)
    ids["kim"] = b.add("post", KIM, None, 5, text="Kim's latest")
    b.add("like", ME, KIM, 6.5, answers=ids["kim"])
    for one in RINGS:  # a ring: each shares the others, and posts
        for other in RINGS:
            if other != one:
                theirs = b.add("post", other, None, -15, text="boost me")
                b.add("share", one, other, -14, answers=theirs)
        b.add("post", one, None, 5, text="ring post")
    return b, ids


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    book, ids = _history()
    with ledger_of(tmp_path_factory.mktemp("agenda-rules"), book) as ledger:
        yield World(ledger, ids)


def _by_person(agenda: Agenda, action: str) -> dict[int, list[int]]:
    return {i.person: list(i.about) for i in agenda.items if i.action == action}


def test_what_is_open_to_answer(world: World) -> None:
    agenda = world.at(6.5)
    open_ = _by_person(agenda, "reply")
    who = {handle: person_of(world.ledger, handle) for handle in (ANN, DAN, EVE, FINN, PAM)}
    assert open_[who[ANN]] == [world.event("a1")]  # a reply to her post
    assert open_[who[DAN]] == [world.event("d1")]  # answers her, but asks a question
    assert open_[who[EVE]] == [world.event("e1"), world.event("e2")]  # one conversation
    assert open_[who[FINN]] == [world.event("f1"), world.event("f2")]  # a thread and its bump
    assert open_[who[PAM]] == [world.event("pam")]
    # answered on another network, a closing turn, stale, blocked: none of them is open
    assert set(open_) == set(who.values())
    keys = {i.person: i.key for i in agenda.items if i.action == "reply"}
    assert keys[who[EVE]] == f"reply:{world.event('e1')}"
    assert keys[who[FINN]] == f"reply:{world.event('f1')}"
    assert "2 emails" in next(i.suggestion for i in agenda.items if i.person == who[EVE])


def test_a_strangers_unanswered_first_contact_comes_last(world: World) -> None:
    items = world.at(6.5).items
    pam = person_of(world.ledger, PAM)
    assert items[-1].person == pam and items[-1].cold
    assert "stranger" in items[-1].reason
    assert not any(i.cold for i in items[:-1])
    ann = next(i for i in items if i.person == person_of(world.ledger, ANN))
    assert ann.score > min(i.score for i in items if i.action == "reply")


def test_answers_and_later_messages_close_items(world: World) -> None:
    open_ = _by_person(world.at(8), "reply")
    assert person_of(world.ledger, EVE) not in open_  # she wrote to Eve afterwards
    assert person_of(world.ledger, FINN) not in open_  # she answered the bump
    assert person_of(world.ledger, ANN) in open_


def test_thanks_cover_what_came_before_and_a_new_share_is_a_new_item(world: World) -> None:
    hal = person_of(world.ledger, HAL)
    before = {i.person: i for i in world.at(6.5).items if i.action == "thank"}
    assert list(before[hal].about) == [world.event("h1"), world.event("h2")]
    assert before[hal].key == f"thank:{world.event('h1')}"
    assert person_of(world.ledger, IVY) not in before  # her email answered the introduction
    assert hal not in _by_person(world.at(8), "thank")
    after = {i.person: i for i in world.at(11).items if i.action == "thank"}
    assert after[hal].key == f"thank:{world.event('h3')}"


def test_excluded_people_are_left_out_with_the_reason(world: World) -> None:
    ann = person_of(world.ledger, ANN)
    agenda = world.at(6.5, exclude={ann: "pitch: sells on first contact"})
    assert ann not in {i.person for i in agenda.items}
    assert "excluded: pitch: sells on first contact" in agenda.left_out.values()


def test_people_who_help_others_are_worth_helping(world: World) -> None:
    helping = world.at(6).items
    kim = person_of(world.ledger, KIM)
    found = [i for i in helping if i.action == "help"]
    assert [i.person for i in found] == [kim]  # the ring only trades favours
    assert found[0].key == f"help:{world.event('kim')}"
    assert "3 people" in found[0].reason
    assert not [i for i in world.at(7).items if i.action == "help"]  # she engaged


def test_a_cooling_relationship_gets_a_way_back(world: World) -> None:
    agenda = world.at(6.5, actions=["reconnect"])
    sam = person_of(world.ledger, SAM)
    assert [i.person for i in agenda.items] == [sam]
    assert agenda.items[0].suggestion.startswith("respond to their post of 4 March 2025")
    assert "cooling" in agenda.items[0].reason
