"""Standing resists a few accounts: slander and ballot-stuffing move it little."""

from __future__ import annotations

import numpy as np
import pytest

from goodwill.trust.model import assess
from goodwill.trust.policy import default_policy
from goodwill.trust.standing import Standing
from tests.trust.events import at_day, table

HONEST_RATERS = range(0, 30)
TARGETS = range(30, 40)
VICTIM = 40
GANG = range(41, 46)
N = 46
POLICY = default_policy()


def community() -> list[tuple[int, int, str, float, float | None]]:
    """Thirty raters who broadly agree about ten traders and one well-liked victim."""
    rng = np.random.default_rng(5)
    rows: list[tuple[int, int, str, float, float | None]] = []
    quality = {t: int(rng.integers(-2, 6)) for t in TARGETS}
    for rater in HONEST_RATERS:
        for target in rng.choice(list(TARGETS), size=5, replace=False):
            noise = int(rng.integers(-1, 2))
            value = float(np.clip(quality[int(target)] + noise, -10, 10) or 1)
            rows.append((rater, int(target), "rating", float(rng.uniform(0, 300)), value))
        if rater < 15:
            rows.append((rater, VICTIM, "rating", float(rng.uniform(0, 300)), 4.0))
    return rows


def attack() -> list[tuple[int, int, str, float, float | None]]:
    """Five accounts slander the victim and rate each other the maximum."""
    rows: list[tuple[int, int, str, float, float | None]] = []
    for member in GANG:
        rows.append((member, VICTIM, "rating", 310.0, -10.0))
        rows += [(member, other, "rating", 311.0, 10.0) for other in GANG if other != member]
    return rows


def standing_and_average(
    rows: list[tuple[int, int, str, float, float | None]],
) -> tuple[np.ndarray, np.ndarray]:
    events = table(rows, N)
    snapshot = assess(events, default_policy(), at_day(320))
    total = np.bincount(events.target, weights=events.value, minlength=N)
    count = np.bincount(events.target, minlength=N)
    return snapshot.standing, total / np.maximum(count, 1) / 10.0


def test_slander_by_a_few_moves_standing_less_than_the_average() -> None:
    before, average_before = standing_and_average(community())
    after, average_after = standing_and_average(community() + attack())
    assert after[VICTIM] > 0, "five slanderers must not turn fifteen good reports into distrust"
    standing_drop = (before[VICTIM] - after[VICTIM]) / before[VICTIM]
    average_drop = (average_before[VICTIM] - average_after[VICTIM]) / average_before[VICTIM]
    assert standing_drop < average_drop


def test_the_slanderers_lose_credibility() -> None:
    events = table(community() + attack(), N)
    snapshot = assess(events, default_policy(), at_day(320))
    honest = snapshot.credibility[list(HONEST_RATERS)]
    gang = snapshot.credibility[list(GANG)]
    assert gang.max() < np.median(honest)


def test_ballot_stuffing_does_not_lift_a_ring_above_the_best_honest_traders() -> None:
    standing, average = standing_and_average(community() + attack())
    best_honest = max(standing[t] for t in TARGETS)
    assert max(standing[m] for m in GANG) < max(average[m] for m in GANG)
    assert np.mean([standing[m] for m in GANG]) < best_honest * 2


def test_standing_needs_consistent_arrays() -> None:
    import pytest

    from goodwill.errors import AlgorithmInputError

    with pytest.raises(AlgorithmInputError):
        Standing().fit(np.array([0]), np.array([1, 2]), np.array([0.5]), np.array([0.5]), n_nodes=3)
    with pytest.raises(AlgorithmInputError):
        Standing(prior_weight=0)


def test_warning_about_a_fraudster_costs_the_warner_no_standing() -> None:
    """Rating someone is done *to* them: their grudge stays in the pair (the fraudster's
    own trust in the warner falls) and does not reach the warner's standing."""
    warner, fraudster, at = 0, 1, at_day(40)
    liked = [(rater, warner, "rating", 10.0 + rater, 5.0) for rater in range(2, 12)]
    warned = [*liked, (warner, fraudster, "rating", 30.0, -10.0)]
    quiet, loud = assess(table(liked, 12), POLICY, at), assess(table(warned, 12), POLICY, at)
    assert loud.standing[warner] == pytest.approx(quiet.standing[warner], abs=1e-6)
    assert loud.standing[fraudster] < 0
    grudge = loud.expected(np.array([fraudster]), np.array([warner]))[0]
    assert grudge < quiet.expected(np.array([fraudster]), np.array([warner]))[0]
