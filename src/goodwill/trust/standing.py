"""Standing: what everyone who dealt with a person concluded, weighted by how credible they are.

A person's standing is the average of the leanings (belief minus disbelief) of those who
have evidence about them, each weighted by the weight given with it (goodwill gives every
judgement the same) and by the credibility of the one holding it. Credibility is earned the way FxG's *fairness* is
(Kumar et al., "Edge Weight Prediction in Weighted Signed Networks", ICDM 2016): a truster
whose judgements keep disagreeing with everyone else's counts less. The two are solved
together by fixed-point iteration. So a few accounts slandering one honest person, or
praising each other, move standing little: their judgements disagree with the consensus,
their credibility falls, and what they say weighs less.

Both are shrunk toward neutral by a prior, so one judgement never makes a standing of 1.

A judge's weight may also carry a *voice* given from outside: community standing
(:mod:`goodwill.trust.community`) gives louder voices to the judges whom network trust, a
bounded walk from the community's most sustained members, reaches most.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from goodwill.errors import AlgorithmInputError

__all__ = ["Standing"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


class Standing:
    """Standing (in [-1, 1]) and credibility (in [0, 1]) for every person.

    Parameters
    ----------
    prior_weight:
        How many full-confidence neutral judgements every standing starts with.
    credibility_prior:
        The credibility of someone who has judged nobody yet.
    credibility_weight:
        How many judgements' worth that prior credibility counts for.
    tol, max_iter:
        The iteration stops when no score moves more than ``tol``, or after ``max_iter``.

    Attributes
    ----------
    scores_: standing per person; 0 for someone nobody has evidence about.
    credibility_: per person.
    generosity_: how much more (or less) a person trusts others than their standing says.
    n_iter_: iterations used.

    >>> truster = np.array([0, 1, 2, 3]); trustee = np.array([3, 3, 3, 0])
    >>> leaning = np.array([0.8, 0.7, -0.9, 0.5]); confidence = np.full(4, 0.8)
    >>> s = Standing().fit(truster, trustee, leaning, confidence, n_nodes=4)
    >>> bool(s.credibility_[2] < s.credibility_[0]), bool(s.scores_[3] > 0)
    (True, True)
    """

    def __init__(
        self,
        prior_weight: float = 1.0,
        credibility_prior: float = 0.5,
        credibility_weight: float = 1.0,
        tol: float = 1e-7,
        max_iter: int = 200,
    ) -> None:
        if prior_weight <= 0 or credibility_weight <= 0:
            raise AlgorithmInputError("prior weights must be positive")
        if not 0 <= credibility_prior <= 1:
            raise AlgorithmInputError("credibility_prior must lie in [0, 1]")
        if tol <= 0 or max_iter < 1:
            raise AlgorithmInputError("tol must be positive and max_iter at least 1")
        self.prior_weight = prior_weight
        self.credibility_prior = credibility_prior
        self.credibility_weight = credibility_weight
        self.tol = tol
        self.max_iter = max_iter
        self.scores_: Floats = np.zeros(0)
        self.credibility_: Floats = np.zeros(0)
        self.generosity_: Floats = np.zeros(0)
        self.n_iter_ = 0

    def fit(
        self,
        truster: Ints,
        trustee: Ints,
        leaning: Floats,
        confidence: Floats,
        *,
        n_nodes: int,
        voice: Floats | None = None,
    ) -> Standing:
        """Solve standing and credibility from per-pair leanings and confidences.

        ``voice`` (per person, >= 0, default 1) multiplies what each judge's judgements
        weigh in others' standing; it leaves their credibility as it is.
        """
        if not len(truster) == len(trustee) == len(leaning) == len(confidence):
            raise AlgorithmInputError("pair arrays must have the same length")
        if len(leaning) and (np.abs(leaning).max() > 1 or confidence.min() < 0):
            raise AlgorithmInputError("leanings must lie in [-1, 1] and confidences be >= 0")
        if voice is None:
            voice = np.ones(n_nodes)
        elif len(voice) != n_nodes or not (np.isfinite(voice).all() and (voice >= 0).all()):
            raise AlgorithmInputError(f"voice must hold {n_nodes} finite weights >= 0")
        judged = np.bincount(truster, weights=confidence, minlength=n_nodes)
        credibility = np.ones(n_nodes)
        scores = np.zeros(n_nodes)
        iteration = 0
        while iteration < self.max_iter:
            iteration += 1
            weight = credibility[truster] * voice[truster] * confidence
            said = np.bincount(trustee, weights=weight * leaning, minlength=n_nodes)
            heard = np.bincount(trustee, weights=weight, minlength=n_nodes)
            new_scores = said / (heard + self.prior_weight)
            agreement = 1.0 - np.abs(leaning - new_scores[trustee]) / 2.0
            agreed = np.bincount(truster, weights=confidence * agreement, minlength=n_nodes)
            new_credibility = (self.credibility_weight * self.credibility_prior + agreed) / (
                self.credibility_weight + judged
            )
            moved = max(
                float(np.abs(new_scores - scores).max(initial=0.0)),
                float(np.abs(new_credibility - credibility).max(initial=0.0)),
            )
            scores, credibility = new_scores, new_credibility
            if moved < self.tol:
                break
        self.n_iter_ = iteration
        self.scores_ = scores
        self.credibility_ = credibility
        offset = np.bincount(
            truster, weights=confidence * (leaning - scores[trustee]), minlength=n_nodes
        )
        self.generosity_ = offset / (judged + self.prior_weight)
        return self
