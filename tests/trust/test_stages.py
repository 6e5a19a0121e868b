"""Stages on the demo world, checked against the world's ground truth.

The world's people each hold several accounts; a user merges them (``goodwill merge``)
before reading their relationships, and so does this test, from the truth file.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict

import pytest

from goodwill.demo import generate
from goodwill.events import now_us
from goodwill.importing import run_import
from goodwill.ledger import Ledger, open_ledger
from goodwill.ledger.people import identity_person, merge_people, set_owner
from goodwill.trust.model import assess
from goodwill.trust.policy import default_policy
from goodwill.trust.report import Relationship, open_view, parse_moment
from goodwill.trust.stages import relationships_of
from tests.trust.events import at_day, table


@pytest.fixture(scope="module")
def demo_relationships(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Relationship]]:
    folder = tmp_path_factory.mktemp("world")
    world = generate(folder, seed=11)
    truth = json.loads(world.truth_path.read_text())
    ledger: Ledger = open_ledger(f"sqlite:///{folder / 'world.db'}")
    try:
        run_import(ledger, "jsonl", world.events_path)
        role_of: dict[int, str] = {}
        with ledger.write() as conn:
            set_owner(conn, truth["owner_identities"], now_us=now_us())
            for person in truth["people"]:
                ids = [identity_person(conn, h) for h in person["identities"]]
                for other in dict.fromkeys(ids[1:]):
                    if other != ids[0]:
                        merge_people(conn, ids[0], other, reason="truth", now_us=now_us())
                role_of[identity_person(conn, person["identities"][0])] = person["role"]
        with ledger.read() as conn:
            view = open_view(
                conn, default_policy(), at_us=parse_moment(f"{truth['year'] + 1}-01-01")
            )
            rows = view.relationships()
    finally:
        ledger.close()
    by_role: dict[str, list[Relationship]] = defaultdict(list)
    for row in rows:
        by_role[role_of[row.person]].append(row)
    return by_role


def stages(rows: list[Relationship]) -> dict[str, int]:
    found: dict[str, int] = defaultdict(int)
    for row in rows:
        found[row.stage] += 1
    return dict(found)


def test_drifting_old_friends_are_cooling(
    demo_relationships: dict[str, list[Relationship]],
) -> None:
    friends = demo_relationships["drifting-friend"]
    assert friends
    assert stages(friends) == {"cooling": len(friends)}


def test_colleagues_are_maintained(demo_relationships: dict[str, list[Relationship]]) -> None:
    colleagues = demo_relationships["colleague"]
    assert colleagues
    assert stages(colleagues) == {"maintaining": len(colleagues)}


def test_pitchers_are_establishing_at_low_trust(
    demo_relationships: dict[str, list[Relationship]],
) -> None:
    pitchers = demo_relationships["pitcher"]
    assert pitchers
    assert stages(pitchers) == {"establishing": len(pitchers)}
    established = [r.trust for role in ("colleague", "advocate") for r in demo_relationships[role]]
    assert max(r.trust for r in pitchers) < min(established)
    assert statistics.median(r.trust for r in pitchers) < 0.8
    assert all(r.exchanges == 0 for r in pitchers)


def test_silence_is_not_distrust() -> None:
    """A pair that exchanged every week and then fell silent for a year cools; never breaks."""
    rows = [(0, 1, "reply", 7.0 * w, None) for w in range(20)]
    rows += [(1, 0, "reply", 7.0 * w + 1, None) for w in range(20)]
    events = table(rows, 2)
    for day in (150, 400, 1000):
        snapshot = assess(events, default_policy(), at_day(day))
        found = relationships_of(events, snapshot, 0)
        assert found.stage.tolist() == (["maintaining"] if day == 150 else ["cooling"])
        assert snapshot.leaning(found.contact, found.contact * 0).min() >= 0


def test_cooling_is_measured_against_the_pairs_own_rhythm() -> None:
    """Monthly contacts silent for 40 days are in rhythm; weekly ones silent 40 days cool."""
    weekly = [(0, 1, "reply", 7.0 * w, None) for w in range(12)]
    weekly += [(1, 0, "reply", 7.0 * w + 1, None) for w in range(12)]
    monthly = [(0, 2, "reply", 30.0 * m, None) for m in range(12)]
    monthly += [(2, 0, "reply", 30.0 * m + 1, None) for m in range(12)]
    events = table(weekly + monthly, 3)
    weekly_end, monthly_end = 7.0 * 11 + 1, 30.0 * 11 + 1
    snapshot = assess(events, default_policy(), at_day(monthly_end + 40))
    found = relationships_of(events, snapshot, 0)
    assert dict(zip(found.contact.tolist(), found.stage.tolist(), strict=True)) == {
        1: "cooling",
        2: "maintaining",
    }
    assert found.silence_days[0] > 40 + monthly_end - weekly_end - 1


def test_a_block_after_a_relationship_breaks_it() -> None:
    rows = [(0, 1, "message", 7.0 * w, None) for w in range(6)]
    rows += [(1, 0, "message", 7.0 * w + 1, None) for w in range(6)]
    rows += [(0, 1, "block", 50.0, None)]
    events = table(rows, 2)
    found = relationships_of(events, assess(events, default_policy(), at_day(51)), 0)
    assert found.stage.tolist() == ["broken"]
