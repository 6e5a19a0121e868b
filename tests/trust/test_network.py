"""Network trust on small hand-built graphs: the properties its docstring promises."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix

from goodwill.errors import AlgorithmInputError
from goodwill.trust.network import NetworkTrust


def graph(edges: list[tuple[int, int, float]], n: int) -> csr_matrix:
    """An n x n matrix from (from, to, weight) triples."""
    rows, cols, weights = zip(*edges, strict=True) if edges else ((), (), ())
    return csr_matrix((list(weights), (list(rows), list(cols))), shape=(n, n))


def honest_with_sybils(m: int, attack_weight: float) -> tuple[csr_matrix, int, int, range]:
    """A 40-node honest graph (ring plus random chords), node 5 trusting Sybil 40 with
    ``attack_weight``, and ``m`` Sybils 40.. that all trust each other fully."""
    rng = np.random.default_rng(11)
    honest = 40
    edges = [(i, (i + 1) % honest, 1.0) for i in range(honest)]
    edges += [
        (int(a), int(b), float(w))
        for a, b, w in zip(
            rng.integers(0, honest, 120), rng.integers(0, honest, 120), rng.uniform(0.2, 1.0, 120),
            strict=True,
        )
        if a != b
    ]  # fmt: skip
    sybils = range(honest, honest + m)
    edges += [(a, b, 1.0) for a in sybils for b in sybils if a != b]
    edges.append((5, honest, attack_weight))
    matrix = graph(edges, honest + m)
    matrix.sum_duplicates()
    return matrix, 5, honest, sybils


@pytest.mark.parametrize("reserve", [0.0, 1.0, 20.0])
def test_a_sybil_region_behind_one_edge_gets_at_most_that_edges_share(reserve: float) -> None:
    trust, u, s, sybils = honest_with_sybils(50, attack_weight=0.6)
    seeds = np.array([0, 17, 30])
    restart, steps = 0.15, 8
    region = np.array(sybils)
    captured = NetworkTrust(steps, restart, reserve=reserve).fit(trust, seeds).mass_[region].sum()
    # u's mass before each step, and the edge's share of it
    before = [
        NetworkTrust(t, restart, reserve=reserve).fit(trust, seeds).mass_[u] for t in range(steps)
    ]
    share = trust[u, s] / trust[u].sum()
    inflow = sum((1 - restart) ** (steps - t) * share * x for t, x in enumerate(before))
    closed_form = share * max(before) * (1 - restart) * (1 - (1 - restart) ** steps) / restart
    assert 0 < captured <= inflow + 1e-12 <= closed_form + 1e-12
    if reserve == 0.0:
        # nothing leaves a region that trusts only itself: it holds exactly what came in
        assert captured == pytest.approx(inflow, rel=1e-9)
    # ten times the accounts buy nothing beyond the bound: the region's mass is set by the
    # edge (here each Sybil vouches fully for every other, 49 or 499 of them)
    bigger, *_ = honest_with_sybils(500, attack_weight=0.6)
    captured_big = NetworkTrust(steps, restart, reserve=reserve).fit(bigger, seeds).mass_[40:].sum()
    # (a denser region hands less back to the reserve; it is still under the same bound)
    assert captured * (1 - 1e-9) <= captured_big <= inflow + 1e-12
    if reserve <= 1.0:
        # when a reserve is small next to what every member vouches, nothing is handed back
        # either way, and the region holds what came in, whatever its size
        assert captured_big < 1.1 * captured
    # and every Sybil behind the one the attack edge reaches, spread over a dense region,
    # ranks below every honest node reached; the one it reaches ranks as one of u's own
    # honest contacts would (normalized_ is the trust of one's vouchers per vouch)
    model = NetworkTrust(steps, restart, reserve=reserve).fit(trust, seeds)
    honest = model.normalized_[:40][model.mass_[:40] > 0]
    assert model.normalized_[region[1:]].max() < honest.min()
    contacts = trust[u].indices[trust[u].indices < 40]
    assert model.normalized_[s] <= model.normalized_[contacts].max()


def matured(trust: csr_matrix, edges: dict[tuple[int, int], float]) -> csr_matrix:
    """Every vouch of ``trust`` fully matured but ``edges``, matured as given."""
    maturity = (trust > 0).astype(np.float64).tolil()
    for (a, b), value in edges.items():
        maturity[a, b] = value
    return csr_matrix(maturity)


@pytest.mark.parametrize("reserve", [0.0, 20.0])
def test_a_young_attack_edge_carries_at_most_its_matured_share_of_the_bound(
    reserve: float,
) -> None:
    trust, u, s, sybils = honest_with_sybils(50, attack_weight=0.6)
    seeds, region, restart, steps = np.array([0, 17, 30]), np.array(sybils), 0.15, 8

    def fit(
        trust: csr_matrix, seeds: np.ndarray, maturity: csr_matrix | None = None
    ) -> NetworkTrust:
        return NetworkTrust(steps, restart, reserve=reserve).fit(trust, seeds, maturity=maturity)

    old = fit(trust, seeds)
    young = fit(trust, seeds, maturity=matured(trust, {(u, s): 0.25}))
    # u's mass is untouched by what happens beyond it until the region hands some back
    before = [
        NetworkTrust(t, restart, reserve=reserve)
        .fit(trust, seeds, maturity=matured(trust, {(u, s): 0.25}))
        .mass_[u]
        for t in range(steps)
    ]
    share = 0.25 * trust[u, s] / trust[u].sum()
    inflow = sum((1 - restart) ** (steps - t) * share * x for t, x in enumerate(before))
    captured = young.mass_[region].sum()
    assert 0 < captured <= inflow + 1e-12
    assert captured < 0.3 * old.mass_[region].sum()
    # what the edge did not pass went back to the seeds: the masses still sum to 1, and a
    # vouch made today (maturity 0) lets nothing through at all
    assert young.mass_.sum() == pytest.approx(1.0)
    today = fit(trust, seeds, maturity=matured(trust, {(u, s): 0.0}))
    assert today.mass_[region].sum() == 0.0 and today.mass_.sum() == pytest.approx(1.0)
    # the region's members were still vouched for: their trust received is unchanged, so
    # their score per unit received falls with what reached them
    assert (young.normalized_[region] < old.normalized_[region]).all()


def test_a_node_reached_only_through_distrust_gets_nothing() -> None:
    # 0 trusts 1; 0 distrusts 2; 2 trusts 3
    trust = graph([(0, 1, 1.0), (2, 3, 1.0)], 4)
    distrust = graph([(0, 2, 1.0)], 4)
    model = NetworkTrust(steps=5).fit(trust, np.array([0]), distrust)
    assert model.mass_[2] == 0.0 and model.scores_[2] == 0.0
    assert model.scores_[3] == 0.0
    assert model.scores_[1] > 0


def test_distrust_lowers_its_target_once_and_its_friends_only_by_what_it_cannot_pass_on() -> None:
    # 0 -> 1 -> 2 -> 3, 0 -> 2; then 1 distrusts 2 with 0.5
    trust = graph([(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (0, 2, 0.5)], 4)
    distrust = graph([(1, 2, 0.5)], 4)
    plain = NetworkTrust(steps=6).fit(trust, np.array([0]))
    judged = NetworkTrust(steps=6, distrust_weight=0.8).fit(trust, np.array([0]), distrust)
    expected_penalty = 0.8 * judged.mass_[1] * 0.5
    assert judged.penalty_[2] == pytest.approx(expected_penalty)
    assert judged.scores_[2] == pytest.approx(judged.mass_[2] - expected_penalty)
    assert 0 < judged.scores_[2] < plain.scores_[2]
    # one step only: 2's friend 3 is never penalised itself; it only receives less, because
    # 2 passes on what the warning left it, not what it would have held without it
    assert judged.penalty_[3] == 0 and judged.penalty_[0] == judged.penalty_[1] == 0
    assert 0 < judged.scores_[3] < plain.scores_[3]
    assert judged.mass_.sum() == pytest.approx(1.0)  # what distrust took went to the seeds
    ignored = NetworkTrust(steps=6, distrust_weight=0.0).fit(trust, np.array([0]), distrust)
    np.testing.assert_array_equal(ignored.scores_, plain.scores_)
    # a penalty larger than the mass floors the score at zero, never below, and the crushed
    # node passes on nothing: 3, reached only through 2, gets nothing at all
    crushed = NetworkTrust(steps=6, distrust_weight=50.0).fit(trust, np.array([0]), distrust)
    assert crushed.scores_[2] == 0.0 and crushed.mass_[3] == 0.0


def test_a_distrusters_warnings_take_at_most_its_own_mass_split_across_its_targets() -> None:
    # seed 0 vouches for 1 and for 100 others; 1 distrusts all 100 of them fully
    others = range(2, 102)
    trust = graph([(0, 1, 1.0)] + [(0, j, 1.0) for j in others], 102)
    distrust = graph([(1, j, 1.0) for j in others], 102)
    model = NetworkTrust(steps=3, reserve=0.0).fit(trust, np.array([0]), distrust)
    taken = np.minimum(model.penalty_, model.mass_)
    assert taken.sum() <= model.mass_[1] * (1 + 1e-12)
    np.testing.assert_allclose(model.penalty_[2:102], model.mass_[1] / 100)
    assert (model.scores_[2:102] > 0).all()  # one loud account cannot wipe out a hundred
    # with one target, the same full distrust takes its whole mass from that one
    lone = NetworkTrust(steps=3, reserve=0.0).fit(trust, np.array([0]), graph([(1, 2, 1.0)], 102))
    assert lone.penalty_[2] == pytest.approx(lone.mass_[1])


def test_a_discredited_account_hands_its_new_identity_nothing() -> None:
    # seed 0 vouches for old account 1 and for 2; seed 3 distrusts 1 fully; 1 vouches for 4
    trust = graph([(0, 1, 0.5), (0, 2, 0.5), (3, 0, 1.0), (1, 4, 1.0)], 5)
    distrust = graph([(3, 1, 1.0)], 5)
    model = NetworkTrust(steps=8).fit(trust, np.array([0, 3]), distrust)
    assert model.scores_[1] == 0.0 and model.mass_[4] == 0.0
    without = NetworkTrust(steps=8).fit(trust, np.array([0, 3]))
    assert without.mass_[4] > 0  # it is the warning, inside the walk, that stops the flow


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 25).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.floats(0.01, 1.0)),
                max_size=80,
            ),
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.floats(0.01, 1.0)),
                max_size=10,
            ),
            st.lists(st.integers(0, n - 1), min_size=1, max_size=4),
        )
    ),
    st.integers(0, 12),
    st.floats(0.05, 1.0),
    st.floats(0.0, 2.0),
)
def test_masses_sum_to_one_and_scores_to_one_minus_what_distrust_took(
    case: tuple[int, list[tuple[int, int, float]], list[tuple[int, int, float]], list[int]],
    steps: int,
    restart: float,
    reserve: float,
) -> None:
    n, edges, negatives, seeds = case
    model = NetworkTrust(steps, restart, reserve=reserve).fit(
        graph(edges, n), np.array(seeds), graph(negatives, n)
    )
    assert model.mass_.sum() == pytest.approx(1.0, abs=1e-12)
    assert (model.mass_ >= 0).all() and (model.scores_ >= 0).all()
    taken = np.minimum(model.penalty_, model.mass_).sum()
    assert model.scores_.sum() == pytest.approx(1.0 - taken, abs=1e-12)


def test_early_termination_bounds_how_far_trust_travels() -> None:
    chain = graph([(i, i + 1, 1.0) for i in range(10)], 11)
    for steps in (1, 3, 6):
        mass = NetworkTrust(steps=steps).fit(chain, np.array([0])).mass_
        assert (mass[: steps + 1] > 0).all()
        assert (mass[steps + 1 :] == 0).all()
    assert NetworkTrust(steps=0).fit(chain, np.array([0])).mass_.tolist() == [1.0] + [0.0] * 10
    # by default about log2(n) steps: 4 for these 11 nodes
    default = NetworkTrust().fit(chain, np.array([0]))
    assert default.steps_ == math.ceil(math.log2(11)) == 4
    assert default.mass_[4] > 0 and default.mass_[5] == 0
    # a full restart keeps everything on the seeds
    assert NetworkTrust(restart=1.0).fit(chain, np.array([0])).mass_[0] == 1.0


def test_seeds_as_indices_as_weights_and_as_a_mapping() -> None:
    trust = graph([(0, 1, 1.0), (1, 2, 0.5), (2, 0, 0.7), (3, 1, 1.0)], 4)
    by_index = NetworkTrust(steps=3).fit(trust, np.array([0, 2]))
    by_weight = NetworkTrust(steps=3).fit(trust, np.array([1.0, 0.0, 1.0, 0.0]))
    by_mapping = NetworkTrust(steps=3).fit(trust, {0: 2.0, 2: 2.0})
    np.testing.assert_allclose(by_index.scores_, by_weight.scores_)
    np.testing.assert_allclose(by_index.scores_, by_mapping.scores_)
    assert by_index.seeds_.tolist() == [0.5, 0.0, 0.5, 0.0]
    weighted = NetworkTrust(steps=3).fit(trust, {0: 3.0, 2: 1.0})
    assert weighted.seeds_.tolist() == [0.75, 0.0, 0.25, 0.0]
    assert weighted.scores_[0] > by_index.scores_[0]
    # a node repeated in an index array counts twice
    assert NetworkTrust(steps=0).fit(trust, np.array([0, 0, 2])).seeds_[0] == pytest.approx(2 / 3)


def test_reserve_hands_a_weak_truster_share_back_to_the_seeds() -> None:
    # 1's only trust is a weak 0.1 in 2: with a reserve of 1 it passes 0.1 / 1.1 of its mass
    trust = graph([(0, 1, 1.0), (1, 2, 0.1)], 3)
    pure = NetworkTrust(steps=2, restart=0.5, reserve=0.0).fit(trust, np.array([0]))
    kept = NetworkTrust(steps=2, restart=0.5, reserve=1.0).fit(trust, np.array([0]))
    assert pure.mass_[2] == pytest.approx(0.25)  # row-normalised: all of 1's share
    assert kept.mass_[2] == pytest.approx(0.5 * (0.5 * 1.0 / 2.0) * 0.1 / 1.1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"steps": -1}, "steps must be >= 0"),
        ({"steps": 2.5}, "steps must be a whole number"),
        ({"steps": True}, "steps must be a whole number"),
        ({"restart": 0.0}, "restart must lie in (0, 1]"),
        ({"restart": 1.5}, "restart must lie in (0, 1]"),
        ({"distrust_weight": -0.1}, "distrust_weight must be a finite number >= 0"),
        ({"distrust_weight": float("nan")}, "distrust_weight must be a finite number >= 0"),
        ({"reserve": -1.0}, "reserve must be a finite number >= 0"),
    ],
)
def test_bad_parameters_fail_at_once(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("]", r"\]")):
        NetworkTrust(**kwargs)  # type: ignore[arg-type]


def test_bad_inputs_say_what_is_wrong() -> None:
    trust = graph([(0, 1, 1.0)], 3)
    model = NetworkTrust()
    with pytest.raises(AlgorithmInputError, match="must be square"):
        model.fit(csr_matrix((3, 4)), np.array([0]))
    with pytest.raises(AlgorithmInputError, match="weights >= 0"):
        model.fit(graph([(0, 1, -1.0)], 3), np.array([0]))
    with pytest.raises(AlgorithmInputError, match="same shape"):
        model.fit(trust, np.array([0]), csr_matrix((4, 4)))
    with pytest.raises(AlgorithmInputError, match=r"seed indices must lie in 0\.\.2"):
        model.fit(trust, np.array([3]))
    with pytest.raises(AlgorithmInputError, match=r"seed indices must lie in 0\.\.2"):
        model.fit(trust, {-1: 1.0})
    with pytest.raises(AlgorithmInputError, match="nowhere to start"):
        model.fit(trust, {0: 0.0})
    with pytest.raises(AlgorithmInputError, match="nowhere to start"):
        model.fit(trust, np.array([], dtype=np.int64))
    with pytest.raises(AlgorithmInputError, match="finite and >= 0"):
        model.fit(trust, np.array([1.0, -1.0, 0.0]))
    with pytest.raises(AlgorithmInputError, match="3 weights"):
        model.fit(trust, np.array([1.0, 0.0]))
    with pytest.raises(AlgorithmInputError, match="maturity must have the same shape"):
        model.fit(trust, np.array([0]), maturity=csr_matrix((4, 4)))
    with pytest.raises(AlgorithmInputError, match=r"maturity must lie in \[0, 1\]"):
        model.fit(trust, np.array([0]), maturity=graph([(0, 1, 2.0)], 3))
