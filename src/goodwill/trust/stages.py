"""Where each of one person's relationships stands: establishing, building, maintaining,
cooling or broken.

The rules, in the order they are tried (the numbers are the policy's ``[stages]``):

* **broken**: the two had established a relationship, and now the evidence of either about
  the other leans to distrust (a block, a mute, a negative rating outweighing the rest);
* **establishing**: fewer than ``exchanges_to_establish`` weeks in which both sides acted
  for the other: first contacts, one-way attention, pitches;
* **cooling**: the silence since the last contact is longer than ``cooling_rhythms`` times
  the pair's own usual gap between contacts (the median gap between weeks with contact),
  so a monthly pair cools later than a daily one;
* **building**: established, with fewer than ``windows_to_settle`` weeks of contact so far;
* **maintaining**: established, settled, and in touch at its usual rhythm.

Contact is any event between the two that carries positive evidence under the policy.
Silence is never distrust: it can only make a relationship cooling, never broken. Each
relationship also carries its outlook, the chance of contact soon (:mod:`~goodwill.trust.outlook`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from goodwill.trust.evidence import EventTable, positive_events, time_span
from goodwill.trust.model import TrustSnapshot
from goodwill.trust.outlook import outlook

__all__ = ["STAGES", "Relationships", "relationships_of"]

STAGES = ("establishing", "building", "maintaining", "cooling", "broken")
_US_PER_DAY = 86_400 * 1_000_000

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Relationships:
    """One row per person the subject has been in contact with (dense indices)."""

    contact: Ints
    stage: npt.NDArray[np.str_]
    trust: Floats  # the subject's expected trust in the contact
    trusted: Floats  # the contact's expected trust in the subject
    uncertainty: Floats  # of the subject's opinion of the contact
    active_windows: Ints
    exchanges: Ints
    first_us: Ints
    last_us: Ints
    rhythm_days: Floats  # NaN with fewer than two weeks of contact
    silence_days: Floats
    outlook: Floats  # the chance of contact within the policy's horizon (see outlook.py)


def relationships_of(table: EventTable, snapshot: TrustSnapshot, subject: int) -> Relationships:
    """The stage of every relationship of dense person ``subject`` as of the snapshot."""
    policy = snapshot.policy
    involved = (table.actor == subject) ^ (table.target == subject)
    contact_events = np.flatnonzero(
        involved
        & (table.target >= 0)
        & (table.time_us <= snapshot.at_us)
        & positive_events(table, policy)
    )
    outgoing = table.actor[contact_events] == subject
    other = np.where(outgoing, table.target[contact_events], table.actor[contact_events])
    window_us = int(policy.window_days * _US_PER_DAY)
    window = table.time_us[contact_events] // window_us
    times = table.time_us[contact_events]

    contacts, contact_of = np.unique(other, return_inverse=True)
    n = len(contacts)
    first, last = time_span(contact_of.astype(np.int64), times, n)

    span = int(window.max() - window.min() + 1) if len(window) else 1
    occasion = contact_of.astype(np.int64) * span + (window - (window.min() if len(window) else 0))
    occasions, occasion_of = np.unique(occasion, return_inverse=True)
    sent = np.bincount(occasion_of, weights=outgoing, minlength=len(occasions)) > 0
    received = np.bincount(occasion_of, weights=~outgoing, minlength=len(occasions)) > 0
    owner_of_occasion = occasions // span
    active = np.bincount(owner_of_occasion, minlength=n).astype(np.int64)
    exchanges = np.bincount(owner_of_occasion, weights=sent & received, minlength=n).astype(
        np.int64
    )
    rhythm = _median_gap(owner_of_occasion, occasions % span, n) * policy.window_days
    silence = (snapshot.at_us - last) / _US_PER_DAY

    subject_column = np.full(n, subject, dtype=np.int64)
    trust = snapshot.expected(subject_column, contacts)
    trusted = snapshot.expected(contacts, subject_column)
    leaning_out = snapshot.leaning(subject_column, contacts)
    leaning_in = snapshot.leaning(contacts, subject_column)
    uncertainty = snapshot.uncertainty(subject_column, contacts)

    established = exchanges >= policy.exchanges_to_establish
    cadence = np.where(np.isnan(rhythm), policy.window_days, np.maximum(rhythm, policy.window_days))
    stage = np.select(
        [
            established & ((leaning_out < 0) | (leaning_in < 0)),
            ~established,
            silence > policy.cooling_rhythms * cadence,
            active < policy.windows_to_settle,
        ],
        ["broken", "establishing", "cooling", "building"],
        default="maintaining",
    )
    return Relationships(
        contact=contacts.astype(np.int64),
        stage=stage,
        trust=trust,
        trusted=trusted,
        uncertainty=uncertainty,
        active_windows=active,
        exchanges=exchanges,
        first_us=first,
        last_us=last,
        rhythm_days=rhythm,
        silence_days=silence,
        outlook=outlook(table, policy, snapshot.at_us).of(subject_column, contacts),
    )


def _median_gap(group: Ints, window: Ints, n: int) -> Floats:
    """Per group, the median gap (in windows) between consecutive windows; NaN below two.

    ``group`` and ``window`` come sorted by group, then window (as ``np.unique`` leaves them).
    """
    same = group[1:] == group[:-1]
    gap_group = group[1:][same]
    gaps = (window[1:] - window[:-1])[same].astype(np.float64)
    order = np.lexsort((gaps, gap_group))
    gap_group, gaps = gap_group[order], gaps[order]
    counts = np.bincount(gap_group, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    median = np.full(n, np.nan)
    has = counts > 0
    low = gaps[(starts + (counts - 1) // 2)[has]] if len(gaps) else np.zeros(0)
    high = gaps[(starts + counts // 2)[has]] if len(gaps) else np.zeros(0)
    median[has] = (low + high) / 2.0
    return median
