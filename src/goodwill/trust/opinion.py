"""Opinions: evidence for and against, turned into belief, disbelief and uncertainty.

This is subjective logic's mapping (Jøsang, *Subjective Logic*, 2016): with ``r`` units of
evidence for trust, ``s`` against and a prior weight ``W``,

    belief = r / (r + s + W),  disbelief = s / (r + s + W),  uncertainty = W / (r + s + W),

and the expected trust is ``belief + base_rate * uncertainty``. With no evidence the
expectation is the base rate, and it moves toward the evidence as the evidence grows, so a
single act never makes a stranger fully trusted or fully distrusted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Opinions", "opinions"]

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Opinions:
    """Belief, disbelief and uncertainty (summing to 1) and the expected trust, per pair."""

    belief: Floats
    disbelief: Floats
    uncertainty: Floats
    base_rate: Floats
    expected: Floats

    @property
    def leaning(self) -> Floats:
        """Belief minus disbelief, in (-1, 1): the evidence's direction and its confidence."""
        return self.belief - self.disbelief


def opinions(
    positive: Floats, negative: Floats, prior_weight: float, base_rate: Floats | float
) -> Opinions:
    """Opinions for arrays of evidence for (``positive``) and against (``negative``).

    >>> o = opinions(np.array([0.0, 2.0, 0.0]), np.array([0.0, 0.0, 6.0]), 2.0, 0.5)
    >>> o.expected.round(3).tolist(), o.uncertainty.round(3).tolist()
    ([0.5, 0.75, 0.125], [1.0, 0.5, 0.25])
    """
    total = positive + negative + prior_weight
    rate = np.broadcast_to(np.asarray(base_rate, dtype=np.float64), total.shape)
    belief = positive / total
    uncertainty = prior_weight / total
    return Opinions(
        belief=belief,
        disbelief=negative / total,
        uncertainty=uncertainty,
        base_rate=rate,
        expected=belief + rate * uncertainty,
    )
