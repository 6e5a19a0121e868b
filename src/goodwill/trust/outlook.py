"""The outlook of a relationship: the chance that two people are in contact again soon.

Trust answers "how much does A have reason to rely on B"; it is built to last, like a
credit record, so it says little about whether A and B will talk next week. The outlook
answers that, from the same history, for the agenda ("who is slipping away?") and for
``goodwill relationships``. It multiplies two kinds of evidence:

* **the pair's own rhythm.** A pair that has been in contact on ``count`` days over ``span``
  days usually goes ``gap = (span + prior_gap) / count`` days between contacts (the prior
  is one extra gap of the policy's ``prior_gap_days``, so two messages an hour apart do not
  promise a lifetime of hourly talk). After ``silence`` days without contact, the chance
  of contact within the next ``horizon`` days is taken to be
  ``horizon / (silence + gap + horizon)``: near one for a pair in its rhythm, falling as
  the silence grows against the pair's own gap, never to zero. Human contact is bursty,
  and this decreasing hazard is the simplest one that says so.
* **each person's presence.** The same rule applied to everything a person did or
  received, with anyone: someone who has gone quiet everywhere is unlikely to be back for
  one relationship, while a pair's silence means more when both are busy elsewhere.

The outlook of a pair is the product of the pair's chance and both people's presence.
Silence lowers the outlook, never trust (see :mod:`goodwill.trust.stages`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from goodwill.trust.distinct import distinct
from goodwill.trust.evidence import EventTable, positive_events, time_span
from goodwill.trust.policy import Policy

__all__ = ["Outlook", "outlook"]

_US_PER_DAY = 86_400 * 1_000_000

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Outlook:
    """Chances of contact within ``horizon_days`` of ``at_us``, per person and per pair."""

    at_us: int
    horizon_days: float
    presence: Floats  # per dense person: the chance they act or are reached at all
    pair_codes: Ints  # sorted codes ``low * n_nodes + high`` of pairs that have been in contact
    pair_chance: Floats  # per pair code: the chance at the pair's own rhythm
    n_nodes: int

    def of(self, a: Ints, b: Ints) -> Floats:
        """The outlook of each pair ``(a[k], b[k])`` (either order); 0 without past contact."""
        if not len(self.pair_codes):
            return np.zeros(len(a))
        codes = np.minimum(a, b) * self.n_nodes + np.maximum(a, b)
        slot = np.minimum(np.searchsorted(self.pair_codes, codes), len(self.pair_codes) - 1)
        chance = np.where(self.pair_codes[slot] == codes, self.pair_chance[slot], 0.0)
        return np.asarray(chance * self.presence[a] * self.presence[b], dtype=np.float64)


def outlook(table: EventTable, policy: Policy, at_us: int) -> Outlook:
    """The outlook of every pair and person in ``table`` as of ``at_us`` (later events unread)."""
    n = table.n_nodes
    seen = table.time_us <= at_us
    horizon, prior_gap = policy.horizon_days, policy.prior_gap_days

    # presence: every event a person took part in, as actor or as target
    actor, target, when = table.actor[seen], table.target[seen], table.time_us[seen]
    aimed = target >= 0
    person = np.concatenate([actor, target[aimed]])
    person_time = np.concatenate([when, when[aimed]])
    presence = _chances(person, person_time, n, at_us, horizon, prior_gap)

    # the pair's rhythm: contact is an event between the two carrying positive evidence
    contact = (
        seen & (table.target >= 0) & (table.target != table.actor) & positive_events(table, policy)
    )
    low = np.minimum(table.actor[contact], table.target[contact])
    high = np.maximum(table.actor[contact], table.target[contact])
    codes, pair_of = np.unique(low * n + high, return_inverse=True)
    pair_chance = _chances(
        pair_of.astype(np.int64), table.time_us[contact], len(codes), at_us, horizon, prior_gap
    )
    return Outlook(at_us, horizon, presence, codes.astype(np.int64), pair_chance, n)


def _chances(
    group: Ints, time_us: Ints, size: int, at_us: int, horizon: float, prior_gap: float
) -> Floats:
    """Per group, ``horizon / (silence + gap + horizon)`` from its contacts' times; 0 if none.

    Contacts are counted in days with contact: a conversation of twenty messages in one
    afternoon is one occasion, as saturation makes it one occasion for trust.
    """
    day = time_us // _US_PER_DAY
    first_day = int(day.min()) if len(day) else 0
    days = int(day.max()) - first_day + 1 if len(day) else 1
    occasions = distinct(group * days + (day - first_day)) // days
    count = np.bincount(occasions, minlength=size).astype(np.float64)
    first, last = time_span(group, time_us, size)
    has = count > 0
    chance = np.zeros(size)
    span = (last[has] - first[has]) / _US_PER_DAY
    silence = (at_us - last[has]) / _US_PER_DAY
    gap = (span + prior_gap) / count[has]
    chance[has] = horizon / (silence + gap + horizon)
    return chance
