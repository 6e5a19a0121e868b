"""Network trust from the ledger: the commands on a hand-made history and on the demo worlds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Connection
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.ledger import open_ledger
from goodwill.ledger.people import identity_person
from goodwill.trust.network_graph import investment, trust_graph
from goodwill.trust.network_report import NetworkView, open_network
from goodwill.trust.policy import default_policy
from goodwill.trust.report import open_view, parse_moment
from tests.insights.conftest import DemoStore, demo, other_world

__all__ = ["demo", "other_world"]  # the demo worlds' session fixtures, used here too

runner = CliRunner()
ME, ANA, BOB, CY, EVE, SPAM = (
    f"mastodon:@{name}@a.example" for name in ("me", "ana", "bob", "cy", "eve", "spam")
)
END = "2024-06-01"


def _weekly(
    prefix: str, actor: str, target: str, weeks: range, hour: int
) -> Iterator[dict[str, str]]:
    for week in weeks:
        day = 1 + 7 * week
        yield {
            "id": f"{prefix}{week}",
            "time": f"2024-{1 + day // 28:02d}-{1 + day % 28:02d}T{hour:02d}:00:00Z",
            "kind": "reply",
            "actor": actor,
            "target": target,
            "text": f"{prefix} week {week}",
        }


def history() -> list[dict[str, str]]:
    """Me and Ana exchange weekly; so do Ana and Bob; Cy writes to Bob from February and Bob
    answers from March; Eve and I answer each other now and then, and Ana blocks her; a
    seller messages me and I block them."""
    return [
        *_weekly("me-ana", ME, ANA, range(12), 9),
        *_weekly("ana-me", ANA, ME, range(12), 10),
        *_weekly("ana-bob", ANA, BOB, range(12), 11),
        *_weekly("bob-ana", BOB, ANA, range(12), 12),
        *_weekly("cy-bob", CY, BOB, range(5, 14), 13),
        *_weekly("bob-cy", BOB, CY, range(9, 14), 15),
        *_weekly("eve-me", EVE, ME, range(0, 12, 4), 14),
        *_weekly("me-eve", ME, EVE, range(1, 12, 4), 16),
        {"id": "ana-blocks-eve", "time": "2024-03-20T09:00:00Z", "kind": "block",
         "actor": ANA, "target": EVE},
        {"id": "pitch", "time": "2024-02-01T09:00:00Z", "kind": "message", "actor": SPAM,
         "target": ME, "text": "Book a demo"},
        {"id": "block", "time": "2024-02-02T09:00:00Z", "kind": "block", "actor": ME,
         "target": SPAM},
    ]  # fmt: skip


def run(db: str, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["--db", db, *args, "--json"])
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


@pytest.fixture
def small(tmp_path: Path) -> str:
    path = tmp_path / "history.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in history()) + "\n")
    db = f"sqlite:///{tmp_path / 'small.db'}"
    for args in (["import", "jsonl", str(path)], ["owner", ME]):
        assert runner.invoke(app, ["--db", db, *args]).exit_code == 0
    return db


def test_the_trust_graph_rests_on_each_persons_own_acts_and_splits_into_trust_or_distrust(
    small: str,
) -> None:
    with open_ledger(small) as ledger, ledger.read() as conn:
        view = open_view(conn, default_policy(), at_us=parse_moment(END))
        index = {
            h: view.index.index(identity_person(conn, h)) for h in (ME, ANA, BOB, CY, EVE, SPAM)
        }
        early = open_view(conn, default_policy(), at_us=parse_moment("2024-03-01"))
        cy_early = {h: early.index.index(identity_person(conn, h)) for h in (BOB, CY)}
    graph, snapshot = trust_graph(view.snapshot, view.table), view.snapshot
    # each entry is the net leaning of an opinion built from the truster's own acts toward
    # the trustee (v) against the pair's negative evidence (s), with the policy's prior weight
    spent = investment(snapshot, view.table)
    n = snapshot.evidence.n_nodes
    vouched = dict(zip((spent.actor * n + spent.target).tolist(), spent.weighed, strict=True))
    against = dict(
        zip((snapshot.evidence.truster * n + snapshot.evidence.trustee).tolist(),
            snapshot.evidence.negative, strict=True)
    )  # fmt: skip
    for code in set(vouched) | set(against):
        v, s = vouched.get(code, 0.0), against.get(code, 0.0)
        total = v + s + snapshot.policy.prior_weight
        i, j = divmod(code, n)
        assert graph.trust[i, j] == pytest.approx(max(v - s, 0) / total)
        assert graph.distrust[i, j] == pytest.approx(max(s - v, 0) / total)
    assert graph.trust.multiply(graph.distrust).nnz == 0  # never both for one pair
    assert graph.trust[index[ME], index[ANA]] > 0.5 and graph.trust[index[ANA], index[ME]] > 0.5
    # the seller's pitch earns it nothing from me, and its own "vouching" for me, answered
    # with a block, counts for nothing either
    assert graph.distrust[index[ME], index[SPAM]] > 0 and graph.trust[index[ME], index[SPAM]] == 0
    assert graph.trust[index[SPAM], index[ME]] == 0
    assert graph.distrust[index[ANA], index[EVE]] > 0
    # Cy's unanswered messages make Cy vouch for Bob, never Bob for Cy; once Bob answers, he does
    assert early.snapshot.evidence.pair_index(cy_early[BOB], cy_early[CY]) >= 0  # Bob trusts Cy...
    early_graph = trust_graph(early.snapshot, early.table)
    assert early_graph.trust[cy_early[BOB], cy_early[CY]] == 0  # ...but does not vouch for Cy
    assert early_graph.trust[cy_early[CY], cy_early[BOB]] > 0
    assert graph.trust[index[BOB], index[CY]] > 0


def test_network_ranks_from_the_owners_seeds_and_distrust_lowers_once(small: str) -> None:
    found = run(small, "network", "--at", END)
    rows = {r["name"]: r for r in found["people"]}
    names = [r["name"] for r in found["people"]]
    assert "@me@a.example" not in rows  # the owner is where trust starts, not a result
    assert "@spam@a.example" not in rows  # blocked, and trusted by nobody: no trust at all
    assert (
        names.index("@ana@a.example") < names.index("@bob@a.example") < names.index("@cy@a.example")
    )
    assert rows["@ana@a.example"]["seed"] > 0 and rows["@bob@a.example"]["seed"] == 0
    # Ana, whom I trust, blocked Eve: Eve loses in proportion to Ana's trust, nobody else does
    assert rows["@eve@a.example"]["penalty"] > 0
    assert all(r["penalty"] == 0 for name, r in rows.items() if name != "@eve@a.example")
    assert sum(r["mass"] for r in found["people"]) < 1.0
    # from Bob's seat instead, Cy (who answers him) comes first
    from_bob = run(small, "network", "--seeds", BOB, "--at", END)
    assert from_bob["seeds"] == [found_id(small, BOB)]
    assert from_bob["people"][0]["name"] == "@bob@a.example"
    assert "@cy@a.example" in [r["name"] for r in from_bob["people"][:3]]


def found_id(db: str, handle: str) -> int:
    return int(run(db, "trust", handle)["person"])


def test_path_shows_each_hop_and_the_events_behind_the_first(small: str) -> None:
    found = run(small, "path", ME, CY, "--at", END)
    best = found["paths"][0]
    assert best["names"] == ["@me@a.example", "@ana@a.example", "@bob@a.example", "@cy@a.example"]
    assert len(best["hops"]) == 3 and all(0 < h <= 1 for h in best["hops"])
    assert best["strength"] == pytest.approx(np.prod(best["hops"]))
    # I vouch for Ana by what I did for her: my replies to her, cited with their text
    assert 0 < len(best["evidence"]) <= 3
    assert {(e["kind"], e["actor"], e["target"]) for e in best["evidence"]} == {("reply", ME, ANA)}
    assert all(e["text"].startswith("me-ana week") for e in best["evidence"])
    # nothing after --at counts: before Bob answered Cy there is no path to Cy at all
    assert run(small, "path", ME, CY, "--at", "2024-03-01")["paths"] == []
    assert (
        "no trust path"
        in runner.invoke(app, ["--db", small, "path", ME, CY, "--at", "2024-03-01"]).stdout
    )


def test_intro_lists_trusted_contacts_with_paths_to_the_person(small: str) -> None:
    found = run(small, "intro", CY, "--at", END)
    assert found["direct_trust"] == 0.0
    first = found["introducers"][0]
    assert first["name"] == "@ana@a.example"
    assert first["path"]["names"][0] == "@me@a.example"
    assert first["path"]["names"][-1] == "@cy@a.example"
    assert first["trust"] == first["path"]["hops"][0]
    text = runner.invoke(app, ["--db", small, "intro", CY, "--at", END]).stdout
    assert "@ana@a.example (you trust" in text and "@bob@a.example" in text
    wrong = runner.invoke(app, ["--db", small, "intro", ME, "--at", END])
    assert wrong.exit_code == 2


def _people_of(
    view: NetworkView, conn: Connection, demo: DemoStore, roles: set[str]
) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for person in demo.truth["people"]:
        if person["role"] in roles:
            ids = [identity_person(conn, h) for h in person["identities"]]
            found[person["person"]] = [i for i in ids if view.view.index.has(i)]
    return found


@pytest.mark.parametrize("world", ["demo", "other_world"])
def test_on_the_demo_worlds_advocates_and_colleagues_rank_above_pitchers_churners_and_rings(
    world: str, request: pytest.FixtureRequest
) -> None:
    demo: DemoStore = request.getfixturevalue(world)
    with demo.ledger.read() as conn:
        view = open_network(conn, default_policy(), at_us=demo.at_us)
        ranked = [r.person for r in view.ranking(top=10**6)]
        good = _people_of(view, conn, demo, {"advocate", "colleague"})
        bad = _people_of(view, conn, demo, {"pitcher", "churner", "ring"})
    rank = {person: position for position, person in enumerate(ranked)}
    last = len(ranked)
    # each real person at their best-placed identity
    good_ranks = [min(rank.get(i, last) for i in ids) for ids in good.values()]
    bad_ranks = [min(rank.get(i, last) for i in ids) for ids in bad.values()]
    assert len(good_ranks) == len(good) > 10 and len(bad_ranks) > 50
    assert max(good_ranks) < min(bad_ranks)


def test_intro_and_path_on_the_demo_world(demo: DemoStore) -> None:
    url = demo.ledger.url
    owner = demo.truth["owner_identities"][0]
    at = ["--at", str(demo.installed.year_end)]
    owner_id = found_id(url, owner)
    advocates = {found_id(url, h) for h in demo.handles_of_role("advocate")}
    # a customer complained in public and the owner never answered: she vouches for them
    # not at all, but the advocates who answered the complaint on her behalf can introduce her
    critics = sorted(demo.handles_of_role("customer-complaint-unanswered"))
    reached = [f for h in critics if (f := run(url, "intro", h, "--top", "3", *at))["introducers"]]
    assert reached and all(f["direct_trust"] == 0.0 for f in reached)
    found = reached[0]
    introducers = found["introducers"]
    assert 1 <= len(introducers) <= 3
    assert {i["person"] for i in introducers} <= advocates
    strengths = [i["path"]["strength"] for i in introducers]
    assert strengths == sorted(strengths, reverse=True)
    for item in introducers:
        assert item["path"]["people"][0] == owner_id
        assert item["path"]["people"][1] == item["person"]
        assert item["path"]["people"][-1] == found["person"]
        # why the owner vouches for the introducer: her own acts toward them
        assert item["path"]["evidence"]
        assert {e["actor"] for e in item["path"]["evidence"]} <= set(demo.truth["owner_identities"])
    first = introducers[0]
    path = run(url, "path", str(owner_id), str(found["person"]), "--k", "5", *at)["paths"]
    assert path[0]["strength"] >= first["path"]["strength"]
    assert len({tuple(p["people"]) for p in path}) == len(path)
    # nobody vouches for the blaster: its blasts were answered by nobody it could borrow from
    blaster = sorted(demo.handles_of_role("blaster"))[0]
    assert run(url, "intro", blaster, *at)["introducers"] == []
