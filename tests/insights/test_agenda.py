"""The agenda on the demo worlds: it starts with what a person would do first, finds what
the generator knows is owed, and explains every item with events that exist."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from goodwill.insights import cite, load_activity
from goodwill.insights.agenda import Agenda, build_agenda
from goodwill.insights.agenda_settings import default_settings
from goodwill.ledger.people import identity_person
from goodwill.ledger.schema import events
from goodwill.trust.report import parse_moment
from tests.insights.conftest import DemoStore

_US_PER_DAY = 86_400 * 1_000_000
NOISE = {"pitcher", "blaster", "churner", "ring"}
WORLDS = ["demo", "other_world"]


def _roles(world: DemoStore) -> dict[int, str]:
    with world.ledger.read() as conn:
        return {
            identity_person(conn, handle): p["role"]
            for p in world.truth["people"]
            for handle in p["identities"]
        }


def _agenda(world: DemoStore, at_us: int | None = None, *, screen_noise: bool = True) -> Agenda:
    with world.ledger.read() as conn:
        return build_agenda(conn, at_us=at_us or world.at_us, screen_noise=screen_noise)


@pytest.mark.parametrize("name", WORLDS)
def test_the_agenda_starts_with_answers_and_thanks_to_the_people_who_matter(
    request: pytest.FixtureRequest, name: str
) -> None:
    world: DemoStore = request.getfixturevalue(name)
    roles = _roles(world)
    top = _agenda(world).items[:8]
    assert {i.action for i in top} <= {"reply", "thank"}
    assert not any(i.cold for i in top)
    kinds = [roles.get(i.person, "unknown") for i in top]
    assert not set(kinds) & NOISE, kinds
    close = [k for k in kinds if k in ("advocate", "colleague", "customer")]
    assert len(close) >= 6, kinds


@pytest.mark.parametrize("name", WORLDS)
def test_it_finds_what_the_generator_knows_is_owed_within_the_horizon(
    request: pytest.FixtureRequest, name: str
) -> None:
    world: DemoStore = request.getfixturevalue(name)
    settings = default_settings()
    agenda = _agenda(world)
    owed = world.truth["open_items"]
    with world.ledger.read() as conn:
        place = dict(
            conn.execute(
                select(events.c.external_id, events.c.id).where(events.c.source == "jsonl")
            ).all()
        )
        activity = load_activity(conn, until_us=world.at_us)
    for action, key, days in (
        ("reply", "unanswered", settings.reply_horizon_days),
        ("thank", "unthanked", settings.thank_horizon_days),
    ):
        rows = activity.row_of([place[e] for e in owed[key]])
        recent = activity.time_us[rows] > world.at_us - days * _US_PER_DAY
        expected = set(activity.event_id[rows[recent]].tolist())
        found = {e for i in agenda.items if i.action == action and not i.cold for e in i.about}
        assert len(expected) >= 10
        assert len(found & expected) >= 0.9 * len(expected), action
        assert len(found & expected) >= 0.9 * len(found), action


@pytest.mark.parametrize("name", WORLDS)
def test_strangers_nobody_answered_come_last_and_pitchers_only_there(
    request: pytest.FixtureRequest, name: str
) -> None:
    world: DemoStore = request.getfixturevalue(name)
    roles = _roles(world)
    mid_year = parse_moment(f"{world.truth['year']}-07-01")
    items = _agenda(world, mid_year, screen_noise=False).items
    cold = [i.cold for i in items]
    assert any(cold) and cold == sorted(cold)  # every cold item after every other
    noisy = [i for i in items if roles.get(i.person) in NOISE and i.action in ("reply", "thank")]
    assert noisy, "mid-year, pitchers and the ring are waiting for an answer or thanks"
    assert all(i.cold for i in noisy)
    # with hygiene screening (the default) they are left out, each with its reason
    screened = _agenda(world, mid_year)
    assert not [i for i in screened.items if roles.get(i.person) in NOISE]
    assert {i.key for i in noisy} <= set(screened.left_out)
    assert all(screened.left_out[i.key].startswith("excluded: ") for i in noisy)


@pytest.mark.parametrize("name", WORLDS)
def test_cooling_relationships_lead_with_the_friends_who_drifted(
    request: pytest.FixtureRequest, name: str
) -> None:
    world: DemoStore = request.getfixturevalue(name)
    roles = _roles(world)
    reconnect = [i for i in _agenda(world).items if i.action == "reconnect"]
    kinds = [roles.get(i.person) for i in reconnect[:5]]
    assert kinds[0] == "drifting-friend" and kinds.count("drifting-friend") >= 3, kinds
    assert all("cooling" in i.reason for i in reconnect)
    assert any(i.suggestion.startswith("respond to their post") for i in reconnect)


def test_every_item_is_explained_by_events_up_to_the_moment(demo: DemoStore) -> None:
    at_us = parse_moment(f"{demo.truth['year']}-10-01")
    first, again = _agenda(demo, at_us), _agenda(demo, at_us)
    assert [i.key for i in first.items] == [i.key for i in again.items]
    keys = [i.key for i in first.items]
    assert len(keys) == len(set(keys))
    assert {i.action for i in first.items} >= {"reply", "thank", "reconnect", "help"}
    with demo.ledger.read() as conn:
        cited = {c.event_id: c for c in cite(conn, [e for i in first.items for e in i.events])}
    for item in first.items:
        assert item.events and set(item.about) <= set(item.events)
        assert all(e in cited for e in item.events), item.key
        assert max(cited[e].time for e in item.events) <= "2025-10-01", item.key
        assert item.score > 0 and item.reason and item.suggestion


def test_scores_fall_as_an_item_ages(demo: DemoStore) -> None:
    early = _agenda(demo, parse_moment(f"{demo.truth['year']}-12-01"))
    later = _agenda(demo, parse_moment(f"{demo.truth['year']}-12-08"))
    score = {(i.key, i.about): i.score for i in later.items if i.action in ("reply", "thank")}
    both = [(i.score, score[i.key, i.about]) for i in early.items if (i.key, i.about) in score]
    assert both and all(after < before for before, after in both)
    assert np.all(np.diff([i.score for i in later.items if not i.cold]) <= 0)
