"""Hygiene on the demo worlds: each detector against the truth, on two worlds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from sqlalchemy import Connection

from goodwill.events import from_time_us, to_time_us
from goodwill.insights import load_activity
from goodwill.insights.hygiene import (
    HygieneReport,
    Lookups,
    flagged_people,
    hygiene_report,
    load_settings,
)
from goodwill.ledger.people import identity_person
from tests.insights.conftest import DemoStore

ROLES = {"pitch": "pitcher", "churn": "churner", "blast": "blaster", "ring": "ring"}
SETTINGS = load_settings()


@contextmanager
def _report(
    store: DemoStore, at_us: int | None = None
) -> Iterator[tuple[Connection, HygieneReport]]:
    with store.ledger.read() as conn:
        activity = load_activity(conn, until_us=at_us or store.at_us)
        yield conn, hygiene_report(activity, Lookups.of(conn))


def _roles(conn: Connection, store: DemoStore) -> dict[int, str]:
    """The truth's role of every ledger person (a truth person may be several)."""
    return {
        identity_person(conn, handle): p["role"]
        for p in store.truth["people"]
        for handle in p["identities"]
    }


def _scores(store: DemoStore) -> dict[str, tuple[float, float]]:
    """Precision and recall per detector, over the truth's people."""
    with _report(store) as (conn, report):
        roles = _roles(conn, store)
        name = {
            identity_person(conn, h): p["person"]
            for p in store.truth["people"]
            for h in p["identities"]
        }
        scores = {}
        for detector, role in ROLES.items():
            flagged = {
                name.get(f.person, f"?{f.person}")
                for f in report.of(detector)
                if f.confidence >= SETTINGS.min_confidence
            }
            truth = {p["person"] for p in store.truth["people"] if p["role"] == role}
            hits = len(flagged & truth)
            scores[detector] = (hits / max(len(flagged), 1), hits / len(truth))
        assert roles  # every truth identity is in the ledger
    return scores


@pytest.mark.parametrize("world", ["demo", "other_world"])
def test_each_detector_finds_its_role_on_both_worlds(
    world: str, request: pytest.FixtureRequest
) -> None:
    store: DemoStore = request.getfixturevalue(world)
    for detector, (precision, recall) in _scores(store).items():
        assert precision >= 0.9, (world, detector, precision)
        assert recall >= 0.9, (world, detector, recall)


def test_every_flag_explains_itself_with_its_events(demo: DemoStore) -> None:
    with _report(demo) as (conn, report):
        roles = _roles(conn, demo)
        activity = load_activity(conn, until_us=demo.at_us)
        for flag in report.flags:
            assert 0 < flag.confidence <= 1 and flag.reason and flag.event_ids
            rows = activity.row_of(flag.event_ids)
            assert (rows >= 0).all()
            # the evidence is the flagged person's own doing (a ring member's: received boosts)
            involved = np.concatenate([activity.actor[rows], activity.target[rows]])
            assert flag.person in involved
        blaster = next(f for f in report.of("blast"))
        assert roles[blaster.person] == "blaster"
        assert all(c["recipients"] >= 20 for c in blaster.details["campaigns"])
        # the blaster's sales mention to the owner is listed once, under blasts
        assert blaster.person not in {f.person for f in report.of("pitch")}
    assert report.own == ()  # the owner's own messages are personal


def test_flagged_people_leaves_out_noise_but_not_the_people_who_matter(demo: DemoStore) -> None:
    with demo.ledger.read() as conn:
        activity = load_activity(conn, until_us=demo.at_us)
        flagged = flagged_people(activity, Lookups.of(conn))
        roles = _roles(conn, demo)
    assert activity.owner not in flagged
    found = {roles.get(p) for p in flagged}
    assert found == {"pitcher", "churner", "blaster", "ring"}
    assert all(reason.split(":")[0] in ROLES for reason in flagged.values())
    # without texts only behaviour is left: pitches cannot be seen, and a burst of
    # mentions that cannot be shown to be one text stays below the floor
    behaviour = flagged_people(activity)
    assert {roles.get(p) for p in behaviour} == {"churner", "ring"}


def test_nothing_after_at_counts(demo: DemoStore) -> None:
    june = to_time_us(from_time_us(demo.at_us).replace(year=demo.truth["year"], month=6))
    with _report(demo, june) as (conn, early):
        activity = load_activity(conn, until_us=june)
        assert early.at_us == june
        for flag in early.flags:
            rows = activity.row_of(flag.event_ids)
            assert (rows >= 0).all() and (activity.time_us[rows] <= june).all()
    with _report(demo) as (_, late):
        for detector in ROLES:
            assert 0 < len(early.of(detector)) <= len(late.of(detector))
        assert len(early.of("pitch")) < len(late.of("pitch"))  # pitches come all year
