"""goodwill refresh: after every batch (old windows, new people, events dated later, merges
and unmerges, an as-of date decades ahead) the incremental state gives the same evidence,
trust graph and network trust as recomputing everything from the ledger, on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import Result
from scipy.sparse import coo_matrix
from sqlalchemy import func, select
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.events import Event, from_time_us
from goodwill.ledger import Ledger, open_ledger
from goodwill.ledger.imports import begin_import
from goodwill.ledger.people import identity_person, merge_people, set_owner, unmerge
from goodwill.ledger.schema import events as events_table
from goodwill.ledger.writer import EventWriter
from goodwill.trust.loading import read_event_columns
from goodwill.trust.network import NetworkTrust
from goodwill.trust.network_report import NetworkView
from goodwill.trust.network_scores import read_network_scores
from goodwill.trust.pair_reading import pair_evidence, read_at, state_graph
from goodwill.trust.pair_state import US_PER_DAY
from goodwill.trust.policy import Policy, default_policy
from goodwill.trust.refresh import SCOPE, RefreshReport, refresh
from goodwill.trust.report import open_view
from goodwill.trust.state_files import Records, boot_id, load_state
from goodwill.trust.state_ledger import records_of, within_reach
from tests.trust.events import DAY_US

START_US = 1_704_067_200 * 1_000_000  # 2024-01-01
KINDS = ("reply", "like", "message", "mention", "share", "thanks", "follow", "unfollow",
         "rating", "block", "mute", "endorsement", "meeting")  # fmt: skip
WEIGHTS = np.array([20, 25, 15, 8, 6, 3, 8, 2, 6, 1, 1, 1, 4], dtype=float)
TOLERANCE = {"rtol": 1e-9, "atol": 1e-12}
runner = CliRunner()


def handle(person: int) -> str:
    return f"mastodon:@p{person}@x.example"


def events(seed: int, count: int, people: range, days: tuple[float, float]) -> list[Event]:
    """``count`` seeded events among ``people`` between two days of 2024: a few busy people,
    pairs that recur (so windows hold several acts, both ways), every kind of evidence."""
    rng = np.random.default_rng(seed)
    span = np.array(people)
    busy = rng.random(count) < 0.5
    actor = np.where(busy, span[: max(3, len(span) // 5)][rng.integers(0, 3, count)],
                     rng.choice(span, count))  # fmt: skip
    target = np.where(rng.random(count) < 0.6, (actor + rng.integers(1, 4, count)) % span[-1],
                      rng.choice(span, count))  # fmt: skip
    kind = rng.choice(len(KINDS), count, p=WEIGHTS / WEIGHTS.sum())
    day = rng.uniform(*days, count)
    return [
        Event(
            KINDS[k],
            handle(int(a)),
            handle(int(t)),
            time_us=START_US + int(d * DAY_US),
            external_id=f"{seed}-{i}",
            value=float(rng.choice([-10, -4, 2, 6, 10])) if KINDS[k] == "rating" else None,
        )
        for i, (a, t, k, d) in enumerate(zip(actor, target, kind, day, strict=True))
    ]


def add(ledger: Ledger, batch: list[Event]) -> None:
    with ledger.write() as conn:
        import_id = begin_import(conn, source="test", path="-", sha256="0" * 64, options=None,
                                 now_us=1)  # fmt: skip
        EventWriter(conn, source="test", import_id=import_id, now_us=1).add_events(batch)


def at_day(day: float) -> int:
    return START_US + int(day * DAY_US)


@dataclass
class Store:
    ledger: Ledger
    state: Path
    policy: Policy

    def refresh(self, day: float, **options: bool) -> RefreshReport:
        return refresh(self.ledger, self.policy, at_us=at_day(day), engine="reference",
                       location=self.state, **options)  # fmt: skip


def assert_same_as_full(store: Store, day: float) -> None:
    """The state's evidence, trust graph and stored network trust against recomputing
    everything from the ledger as of ``day``."""
    at_us = at_day(day)
    with store.ledger.read() as conn:
        view = open_view(conn, store.policy, at_us=at_us)
        network = NetworkView(conn, view)
        graph = network.graph
        model = NetworkTrust(engine="reference").fit(
            graph.trust, network.owner_seeds(), graph.distrust, maturity=graph.maturity
        )
        stored = read_network_scores(conn, SCOPE)
    people = view.index.person_ids
    state = load_state(store.state)
    assert state is not None
    assert np.array_equal(state.people, people)
    full = view.snapshot.evidence
    reading = read_at(state.pairs, at_us, store.policy)
    kept = pair_evidence(reading)
    assert np.array_equal(kept.truster, people[full.truster])
    assert np.array_equal(kept.trustee, people[full.trustee])
    for name in ("positive", "negative", "judged_positive", "judged_negative"):
        assert np.allclose(getattr(kept, name), getattr(full, name), **TOLERANCE), name
    for name in ("first_us", "last_us", "events"):
        assert np.array_equal(getattr(kept, name), getattr(full, name)), name
    rebuilt = state_graph(reading, state.people, store.policy)
    for name in ("trust", "distrust", "maturity"):
        a, b = coo_matrix(getattr(graph, name)), coo_matrix(getattr(rebuilt, name))
        assert a.nnz == b.nnz, name
        assert abs(a - b).max() <= 1e-12 if a.nnz else True, name
    reached = np.flatnonzero(model.mass_ > 0)
    assert len(reached) > 10 and len(state.pairs.mixed) > 0  # nothing vacuous
    assert np.array_equal(stored.person_id, people[reached])
    assert stored.at_us == at_us
    for name, column in (("mass", "mass_"), ("score", "scores_"), ("normalized", "normalized_")):
        assert np.allclose(getattr(stored, name), getattr(model, column)[reached], **TOLERANCE)


@pytest.fixture
def store(ledger: Ledger, tmp_path: Path) -> Store:
    add(ledger, events(1, 700, range(40), (0, 120)))
    with ledger.write() as conn:
        set_owner(conn, [handle(0)], now_us=1)
    return Store(ledger, tmp_path / "state", default_policy())


def test_incremental_refreshes_equal_recomputing_from_the_ledger(store: Store) -> None:
    assert store.refresh(130).mode == "built"
    assert_same_as_full(store, 130)
    add(store.ledger, events(2, 300, range(30, 52), (100, 200)))  # new people, an open window
    report = store.refresh(210)
    assert (report.mode, report.absorbed) == ("incremental", 300)
    assert_same_as_full(store, 210)
    add(store.ledger, events(3, 200, range(52), (10, 60)))  # only old windows
    report = store.refresh(215)
    assert report.mode == "incremental" and report.windows <= 8
    assert_same_as_full(store, 215)
    kept = load_state(store.state)
    assert kept is not None and len(kept.pairs.tail) > 0  # new pairs wait in the tail
    add(store.ledger, events(4, 150, range(52), (216, 219)) + events(5, 80, range(52), (300, 320)))
    report = store.refresh(220)  # the later events wait, pending
    assert (report.absorbed, report.pending) == (150, 80)
    assert_same_as_full(store, 220)
    report = store.refresh(30 * 365)  # decades on: the pending due, the sums re-dated
    assert (report.mode, report.absorbed, report.pending) == ("incremental", 80, 0)
    assert_same_as_full(store, 30 * 365)
    assert store.refresh(30 * 365).absorbed == 0


def test_a_batch_among_a_few_people_updates_exactly_the_pairs_it_reaches(
    ledger: Ledger, tmp_path: Path
) -> None:
    """A refresh aggregates only the records of the people a batch reaches and of their
    counterparts (``within_reach``). Here a batch widens A's attention past the personal
    limit, which changes what A's acts toward X earned in the window; X's trust in A mixes
    that with what X stated (an introduction), weighed by how personal X's own acts were:
    X addressed 60 people that week, none of them in the batch. Leaving X's other records
    out would misjudge X's breadth; the result must equal recomputing everything."""
    add(ledger, events(11, 1500, range(100), (0, 140)))
    week_us = int(default_policy().window_days * US_PER_DAY)
    week = at_day(139) // week_us * week_us  # the open window's first microsecond

    def acts(kind: str, actor: int, targets: range, tag: str) -> list[Event]:
        return [
            Event(
                kind,
                handle(actor),
                handle(t),
                time_us=week + (i + 1) * 60_000_000,
                external_id=f"{tag}-{t}",
            )
            for i, t in enumerate(targets)
        ]

    x, a = 200, 100
    add(ledger, acts("reply", x, range(201, 261), "x") + acts("introduction", x, range(a, a + 1),
        "xa") + acts("reply", a, range(300, 355), "a") + acts("reply", a, range(x, x + 1), "ax"))  # fmt: skip
    with ledger.write() as conn:
        set_owner(conn, [handle(0)], now_us=1)
    store = Store(ledger, tmp_path / "state", default_policy())
    store.refresh(140)
    batch = acts("reply", a, range(400, 405), "b")  # A now acts for 61 people that week
    add(ledger, batch)
    state = load_state(store.state)
    assert state is not None
    window = state.records([week // week_us])
    new = records_of_events(ledger, len(batch))
    _, needed = within_reach(np.concatenate([window, new]), new)
    assert 0 < needed[: len(window)].sum() < len(window)  # some of the window, not all of it
    report = store.refresh(141)
    assert (report.mode, report.absorbed) == ("incremental", 5)
    assert_same_as_full(store, 141)


def records_of_events(ledger: Ledger, last: int) -> Records:
    """The ledger's last ``last`` events as a refresh reads them."""
    with ledger.read() as conn:
        top = conn.execute(select(func.max(events_table.c.id))).scalar_one()
        return records_of(read_event_columns(conn, after_id=top - last))


def test_merges_unmerges_a_policy_change_and_going_back_recompute_everything(
    store: Store,
) -> None:
    store.refresh(130)
    with store.ledger.write() as conn:
        merge = merge_people(conn, identity_person(conn, handle(3)),
                             identity_person(conn, handle(5)), reason="test", now_us=2)  # fmt: skip
    add(store.ledger, events(6, 100, range(40), (120, 140)))
    report = store.refresh(140)
    assert (report.mode, report.reason) == ("recomputed", "people were merged or unmerged")
    assert_same_as_full(store, 140)
    with store.ledger.write() as conn:
        unmerge(conn, merge, now_us=3)
    assert store.refresh(141).mode == "recomputed"
    assert_same_as_full(store, 141)
    report = store.refresh(90)
    assert (report.mode, report.reason) == ("recomputed", "the as-of date went back")
    assert_same_as_full(store, 90)
    store.policy = replace(default_policy(), half_life_days=30.0)
    report = store.refresh(95)
    assert (report.mode, report.reason) == ("built", "the evidence policy changed")
    assert_same_as_full(store, 95)
    shutil.rmtree(store.state)
    assert store.refresh(96).reason == "no state yet"
    assert_same_as_full(store, 96)


def test_a_state_saved_before_the_machine_restarted_is_rebuilt(store: Store) -> None:
    """The changed pairs are not forced to the disk at each refresh: a machine crash could
    lose some, so a state saved under another boot of the machine is not trusted."""
    store.refresh(130)
    meta_file = store.state / "meta.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    assert meta["boot"] == boot_id() != ""  # Linux says which boot this is
    add(store.ledger, events(6, 100, range(40), (120, 140)))
    meta_file.write_text(json.dumps({**meta, "boot": "an earlier boot"}), encoding="utf-8")
    report = store.refresh(140)
    assert (report.mode, report.reason) == (
        "built",
        "the machine restarted since it was saved (its last writes may not be on disk)",
    )
    assert_same_as_full(store, 140)
    assert store.refresh(141).mode == "incremental"


def test_the_command_keeps_its_state_beside_the_store_and_says_what_it_did(
    tmp_path: Path,
) -> None:
    history = tmp_path / "history.jsonl"
    rows = [
        {"id": e.external_id, "time": from_time_us(e.time_us).isoformat(), "kind": e.kind,
         "actor": e.actor, "target": e.target, **({"value": e.value} if e.value else {})}
        for e in events(7, 400, range(30), (0, 100))
    ]  # fmt: skip
    history.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'g.db'}"
    for args in (["import", "jsonl", str(history)], ["owner", handle(0)]):
        assert runner.invoke(app, ["--db", db, *args]).exit_code == 0

    def run(*args: str) -> Result:
        result = runner.invoke(app, ["--db", db, "refresh", "--engine", "reference", *args])
        assert result.exit_code == 0, result.output
        return result

    first = json.loads(run("--at", "2024-05-01", "--json").stdout)
    assert (first["mode"], first["absorbed"], first["reason"]) == ("built", 400, "no state yet")
    assert first["reached"] > 10 and first["engine"] == "reference"
    assert (tmp_path / "g.db.trust" / "meta.json").is_file()
    again = " ".join(run("--at", "2024-05-02").stdout.split())
    assert "absorbed 0 interactions in 0 windows" in again
    assert f"network trust reached {first['reached']}" in again
    with open_ledger(db) as ledger, ledger.read() as conn:
        assert len(read_network_scores(conn, SCOPE).person_id) == first["reached"]
