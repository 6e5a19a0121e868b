"""Persistence baselines for message data: will these two people still be in touch?

Each scores an unordered pair {a, b} as of a cut time from the messages before it (either
direction counts as contact). They are what contact managers and "keep in touch" apps
rank people by:

* ``recency``: minus the seconds since the pair's last message;
* ``frequency``: how many messages they exchanged;
* ``cloze``: a Cloze-like relationship score, mixing recency (40%), frequency (30%) and
  responsiveness (30%): the share of the pair's messages answered by the other side
  within 24 hours, i.e. followed by a message the other way within that window;
* ``pingcrm``: a PingCRM-like health score, reciprocity 30% (min(a->b, b->a) over
  max(a->b, b->a)), recency 25%, frequency 20%, breadth 15% (distinct UTC days with a
  message), tenure 10% (seconds since the first message).

The mixes are over percentile ranks of each component among the pairs scored together,
because the components have no common unit (seconds, counts, shares); a weighted sum of
raw values would be decided by whichever has the largest numbers. The weights are the
ones stated above, from each product's published description of what it weighs; neither
published exact formulas, hence "-like".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quality.data import Messages
from quality.ranking import percentile

__all__ = ["Cloze", "Frequency", "PairHistory", "PingCrm", "Recency", "pair_history"]

DAY = 86_400.0
RESPONSE_WINDOW = DAY
CLOZE_WEIGHTS = {"recency": 0.40, "frequency": 0.30, "responsiveness": 0.30}
PINGCRM_WEIGHTS = {
    "reciprocity": 0.30,
    "recency": 0.25,
    "frequency": 0.20,
    "breadth": 0.15,
    "tenure": 0.10,
}


@dataclass(frozen=True)
class PairHistory:
    """What the messages say about each requested pair {a[i], b[i]}.

    A pair with no messages has zero counts, ``first`` = +inf and ``last`` = -inf, so it
    sorts below every pair that has any.
    """

    a_to_b: np.ndarray
    b_to_a: np.ndarray
    first: np.ndarray
    last: np.ndarray
    days: np.ndarray
    answered: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return self.a_to_b + self.b_to_a


def _answered(key: np.ndarray, forward: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Per message: did the other side of its pair write within ``RESPONSE_WINDOW`` after it?"""
    span = int(seconds.max(initial=0)) + int(RESPONSE_WINDOW) + 1
    stamp = key * span + seconds  # orders by pair, then time; exact in int64
    answered = np.zeros(key.size, dtype=bool)
    for direction in (True, False):
        mine = forward == direction
        replies = np.sort(stamp[~mine])
        if replies.size == 0:
            continue
        following = np.searchsorted(replies, stamp[mine], side="right")
        found = following < replies.size
        reply = replies[np.minimum(following, replies.size - 1)]
        same_pair = reply // span == key[mine]
        answered[mine] = found & same_pair & (reply - stamp[mine] <= RESPONSE_WINDOW)
    return answered


def pair_history(messages: Messages, a: np.ndarray, b: np.ndarray) -> PairHistory:
    """Counts, first and last times, distinct days and answered messages for each pair."""
    n = messages.n_nodes
    low = np.minimum(messages.src, messages.dst)
    key = low * n + np.maximum(messages.src, messages.dst)
    forward = messages.src == low  # written by the lower index of the pair
    keys, pair = np.unique(key, return_inverse=True)
    m = keys.size
    lower_to_upper = np.bincount(pair, forward, minlength=m)
    upper_to_lower = np.bincount(pair, ~forward, minlength=m)
    first = np.full(m, np.inf)
    np.minimum.at(first, pair, messages.time)
    last = np.full(m, -np.inf)
    np.maximum.at(last, pair, messages.time)
    origin = float(messages.time.min()) if m else 0.0
    seconds = (messages.time - origin).astype(np.int64)  # small, exact integers
    day = np.floor(messages.time / DAY).astype(np.int64)  # UTC calendar days
    day -= day.min() if m else 0
    day_span = int(day.max(initial=0)) + 1
    days = np.bincount(np.unique(pair * day_span + day) // day_span, minlength=m)
    answered = np.bincount(pair, _answered(key, forward, seconds), minlength=m)

    wanted = np.minimum(a, b) * n + np.maximum(a, b)
    at = np.minimum(np.searchsorted(keys, wanted), max(m - 1, 0))
    known = (keys[at] == wanted) if m else np.zeros(wanted.size, dtype=bool)
    a_is_lower = a <= b

    def pick(values: np.ndarray, missing: float) -> np.ndarray:
        out = np.full(wanted.size, missing, dtype=np.float64)
        out[known] = values[at[known]]
        return out

    low_up, up_low = pick(lower_to_upper, 0.0), pick(upper_to_lower, 0.0)
    return PairHistory(
        a_to_b=np.where(a_is_lower, low_up, up_low),
        b_to_a=np.where(a_is_lower, up_low, low_up),
        first=pick(first, np.inf),
        last=pick(last, -np.inf),
        days=pick(days, 0.0),
        answered=pick(answered, 0.0),
    )


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    return np.divide(part, whole, out=np.zeros_like(part), where=whole > 0)


def _mix(weights: dict[str, float], components: dict[str, np.ndarray]) -> np.ndarray:
    """The weighted sum of each component's percentile rank among the pairs."""
    mixed = np.zeros(next(iter(components.values())).size)
    for name, weight in weights.items():
        mixed += weight * percentile(components[name])
    return mixed


@dataclass
class Recency:
    """Minus the seconds since the last message either way."""

    name: str = "recency"

    def score_pairs(
        self, messages: Messages, cut: float, a: np.ndarray, b: np.ndarray
    ) -> np.ndarray:
        return pair_history(messages, a, b).last - cut


@dataclass
class Frequency:
    """Messages exchanged, both ways."""

    name: str = "frequency"

    def score_pairs(
        self, messages: Messages, cut: float, a: np.ndarray, b: np.ndarray
    ) -> np.ndarray:
        return pair_history(messages, a, b).total


@dataclass
class Cloze:
    """Recency, frequency and responsiveness, percentile-ranked and mixed 40/30/30."""

    name: str = "cloze"

    def score_pairs(
        self, messages: Messages, cut: float, a: np.ndarray, b: np.ndarray
    ) -> np.ndarray:
        history = pair_history(messages, a, b)
        return _mix(
            CLOZE_WEIGHTS,
            {
                "recency": history.last - cut,
                "frequency": history.total,
                "responsiveness": _share(history.answered, history.total),
            },
        )


@dataclass
class PingCrm:
    """Reciprocity, recency, frequency, breadth and tenure, mixed 30/25/20/15/10."""

    name: str = "pingcrm"

    def score_pairs(
        self, messages: Messages, cut: float, a: np.ndarray, b: np.ndarray
    ) -> np.ndarray:
        history = pair_history(messages, a, b)
        return _mix(
            PINGCRM_WEIGHTS,
            {
                "reciprocity": _share(
                    np.minimum(history.a_to_b, history.b_to_a),
                    np.maximum(history.a_to_b, history.b_to_a),
                ),
                "recency": history.last - cut,
                "frequency": history.total,
                "breadth": history.days,
                "tenure": cut - history.first,
            },
        )
