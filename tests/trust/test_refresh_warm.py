"""What makes a refresh cheap without making it different: the trust graph read straight from
the kept pairs equals the one built from a full reading, and a warm walk reaches the walk's
fixed point from the last refresh's mass, as a full recompute does from the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.errors import AlgorithmInputError
from goodwill.ledger import Ledger, open_ledger
from goodwill.ledger.people import set_owner
from goodwill.trust.network import NetworkTrust
from goodwill.trust.network_report import NetworkView
from goodwill.trust.network_scores import read_network_scores
from goodwill.trust.pair_reading import graph_at, read_at, state_graph
from goodwill.trust.policy import default_policy
from goodwill.trust.refresh import SCOPE, WARM_TOLERANCE, refresh
from goodwill.trust.report import open_view
from goodwill.trust.state_files import load_state
from goodwill.trust.walk_memory import MASS_FILE, keep_mass, kept_mass
from tests.trust.test_refresh import add, at_day, events, handle

RESTART = 0.3  # NetworkTrust's default


@pytest.fixture
def history(ledger: Ledger) -> Ledger:
    add(ledger, events(11, 700, range(40), (0, 120)))
    with ledger.write() as conn:
        set_owner(conn, [handle(0)], now_us=1)
    return ledger


def test_the_graph_read_from_the_kept_pairs_is_the_full_readings(
    history: Ledger, tmp_path: Path
) -> None:
    policy, location = default_policy(), tmp_path / "state"
    refresh(history, policy, at_us=at_day(130), engine="reference", location=location)
    add(history, events(12, 40, range(36, 44), (20, 135)))  # new people and pairs: a tail
    refresh(history, policy, at_us=at_day(136), engine="reference", location=location)
    state = load_state(location)
    assert state is not None and len(state.pairs.tail) and len(state.pairs.mixed)
    for day in (136, 137.5, 400, 30 * 365):  # new vouches not yet matured; decades on
        at_us = at_day(day)
        full = state_graph(read_at(state.pairs, at_us, policy), state.people, policy)
        fast = graph_at(state.pairs, state.people, at_us, policy)
        for name in ("trust", "distrust"):
            a, b = getattr(full, name), getattr(fast, name)
            assert a.nnz == b.nnz > 0, name
            assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
            assert np.allclose(a.data, b.data, rtol=1e-12, atol=1e-15), name
        assert full.maturity is not None and fast.maturity is not None
        assert abs(full.maturity - fast.maturity).max() <= 1e-12
        assert np.array_equal(fast.maturity.indices, fast.trust.indices)  # on trust's entries


def _graph(seed: int, n: int = 60, distrust: bool = False) -> tuple[csr_matrix, csr_matrix | None]:
    rng = np.random.default_rng(seed)
    dense = np.where(rng.random((n, n)) < 0.1, rng.random((n, n)), 0.0)
    np.fill_diagonal(dense, 0.0)
    warnings = np.where(rng.random((n, n)) < 0.02, rng.random((n, n)), 0.0)
    return csr_matrix(dense), csr_matrix(warnings) if distrust else None


def test_a_warm_walk_reaches_the_fixed_point_from_anywhere() -> None:
    trust, _ = _graph(1)
    seeds = np.array([0, 3])
    cold = NetworkTrust(tolerance=1e-13, engine="reference").fit(trust, seeds)
    assert cold.converged_ and cold.change_ <= 1e-13
    # a long walk of fixed steps ends at the same point
    long = NetworkTrust(steps=150, engine="reference").fit(trust, seeds)
    assert np.abs(long.mass_ - cold.mass_).sum() <= 1e-12
    start = np.random.default_rng(2).random(60)
    warm = NetworkTrust(tolerance=1e-13, engine="reference").fit(trust, seeds, start=start)
    assert warm.converged_ and np.abs(warm.mass_ - cold.mass_).sum() <= 1e-12
    near = NetworkTrust(tolerance=1e-13, engine="reference").fit(trust, seeds, start=cold.mass_)
    assert near.steps_ == 1  # started at the point: one step shows it
    # the walk of ceil(log2 n) steps is a different definition, within 2 (1 - r)^steps;
    # the reserve keeps it close (rows give little away), plain row shares less so
    for reserve, least in ((20.0, 1e-10), (0.0, 1e-4)):
        short = NetworkTrust(engine="reference", reserve=reserve).fit(trust, seeds)
        point = NetworkTrust(engine="reference", reserve=reserve, tolerance=1e-13)
        gap = np.abs(short.mass_ - point.fit(trust, seeds).mass_).sum()
        assert least < gap <= 2 * (1 - RESTART) ** short.steps_


def test_a_warm_walk_with_distrust_stops_where_a_cold_one_does() -> None:
    trust, warnings = _graph(3, distrust=True)
    assert warnings is not None and warnings.nnz
    seeds = {0: 0.5, 7: 0.5}
    cold = NetworkTrust(tolerance=1e-12, engine="reference").fit(trust, seeds, warnings)
    start = NetworkTrust(engine="reference").fit(trust, seeds, warnings).mass_
    warm = NetworkTrust(tolerance=1e-12, engine="reference").fit(trust, seeds, warnings,
                                                                start=start)  # fmt: skip
    assert cold.converged_ and warm.converged_ and warm.steps_ < cold.steps_
    assert np.abs(warm.mass_ - cold.mass_).sum() <= 1e-10
    assert np.abs(warm.scores_ - cold.scores_).sum() <= 1e-10


def test_a_start_needs_a_tolerance_and_some_mass() -> None:
    trust, _ = _graph(4)
    with pytest.raises(AlgorithmInputError, match="needs a tolerance"):
        NetworkTrust().fit(trust, [0], start=np.ones(60))
    with pytest.raises(AlgorithmInputError, match="no mass"):
        NetworkTrust(tolerance=1e-9).fit(trust, [0], start=np.zeros(60))
    with pytest.raises(AlgorithmInputError, match="60 finite masses"):
        NetworkTrust(tolerance=1e-9).fit(trust, [0], start=np.ones(5))
    with pytest.raises(AlgorithmInputError, match="tolerance"):
        NetworkTrust(tolerance=0.0)


def _full_fixed_point(ledger: Ledger, day: float) -> tuple[np.ndarray, NetworkTrust]:
    """Network trust recomputed from the ledger, walked from the seeds to the fixed point."""
    with ledger.read() as conn:
        view = open_view(conn, default_policy(), at_us=at_day(day))
        network = NetworkView(conn, view)
        graph = network.graph
        model = NetworkTrust(engine="reference", tolerance=1e-14).fit(
            graph.trust, network.owner_seeds(), graph.distrust, maturity=graph.maturity
        )
    return view.index.person_ids, model


def test_a_warm_refresh_equals_the_fixed_point_recomputed_from_the_ledger(
    history: Ledger, tmp_path: Path
) -> None:
    policy, location = default_policy(), tmp_path / "state"

    def run(day: float) -> tuple[int, bool]:
        report = refresh(history, policy, at_us=at_day(day), engine="reference",
                         location=location, warm=True)  # fmt: skip
        people, full = _full_fixed_point(history, day)
        with history.read() as conn:
            stored = read_network_scores(conn, SCOPE)
        reached = np.flatnonzero(full.mass_ > 0)
        assert np.array_equal(stored.person_id, people[reached])
        # within (1 - r) / r of the tolerance of the point, both of them
        bound = 2 * (1 - RESTART) / RESTART * WARM_TOLERANCE
        assert np.abs(stored.mass - full.mass_[reached]).sum() <= bound
        assert np.abs(stored.score - full.scores_[reached]).sum() <= 2 * bound
        return report.steps, report.warm

    cold_steps, warm = run(130)
    assert not warm and (location / MASS_FILE).is_file()  # built: nothing to start from
    add(history, events(13, 60, range(45), (129, 131)))
    warm_steps, warm = run(131)
    assert warm and warm_steps <= cold_steps
    add(history, events(14, 40, range(45), (20, 30)))  # old windows only
    assert run(131.5)[1]


def test_the_command_walks_warm_when_asked(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'g.db'}"
    with open_ledger(db) as ledger:
        add(ledger, events(15, 400, range(30), (0, 100)))
        with ledger.write() as conn:
            set_owner(conn, [handle(0)], now_us=1)

    def run(*args: str) -> dict[str, object]:
        result = CliRunner().invoke(app, ["--db", db, "refresh", "--engine", "reference",
                                          "--json", *args])  # fmt: skip
        assert result.exit_code == 0, result.output
        return dict(json.loads(result.stdout))

    built = run("--at", "2024-05-01", "--warm")
    assert (built["mode"], built["warm"]) == ("built", False)
    again = run("--at", "2024-05-02", "--warm")
    assert again["warm"] is True and 0 < int(str(again["steps"])) <= int(str(built["steps"]))
    exact = run("--at", "2024-05-03")
    assert exact["warm"] is False and exact["steps"] == 5  # ceil(log2 30 people)


def test_the_kept_mass_maps_by_person_and_is_nothing_when_unusable(tmp_path: Path) -> None:
    people = np.array([3, 5, 9])
    assert kept_mass(tmp_path, people) is None  # none kept yet
    keep_mass(tmp_path, np.array([3, 4, 9]), np.array([0.5, 0.2, 0.3]))
    kept = kept_mass(tmp_path, people)
    assert kept is not None and kept.tolist() == [0.5, 0.0, 0.3]  # 4 gone, 5 new
    for foreign in (np.ones(3), np.array([(3, -1.0)], dtype=[("person_id", "i8"), ("mass", "f8")])):
        np.save(tmp_path / MASS_FILE, foreign)
        assert kept_mass(tmp_path, people) is None
    (tmp_path / MASS_FILE).write_bytes(b"not numpy")
    assert kept_mass(tmp_path, people) is None
