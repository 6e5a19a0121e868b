"""Trust between two people over time: both directions' opinions at many dates, cheaply.

Assessing everyone's trust at every date a chart needs costs a full
:func:`~goodwill.trust.model.assess` per date. Most of that work is not needed, because of
how a pair's opinion is built (:mod:`goodwill.trust.model`)::

    belief = r / (r + s + W),  disbelief = s / (r + s + W),  uncertainty = W / (r + s + W)
    expected = belief + base_rate * uncertainty

* ``r`` and ``s``, the pair's evidence, depend **only on the events between the two**: an
  event yields rows for its actor and its target only; saturation groups rows by ordered
  pair, sign and window; the exchange bonus looks at the unordered pair's own window. So
  :func:`~goodwill.trust.evidence.compute_evidence` on those events alone gives exactly
  the figures it gives on the whole ledger, and belief, disbelief and uncertainty are
  **exact at every date** here, for the price of a few dozen events per date.
* the **base rate** is the trustee's standing and the truster's generosity
  (:func:`~goodwill.trust.model.base_rates`), which everyone's events move, the pair's own
  included. It is computed exactly, by a full assessment of the whole table, at a few
  *anchor* dates (as many as :func:`anchors_for` allows, placed by :func:`anchor_rows`)
  and interpolated linearly in time between them. At an anchor, ``expected`` is exactly
  what :func:`~goodwill.trust.report.open_view` shows; between anchors it is off by the
  base rate's interpolation error times the uncertainty, which shrinks as the pair's
  evidence grows. Measured by ``bench/trust_history.py`` (largest gap per relationship):
  on the demo world, all 246 of the owner's relationships, 16 anchors: median 0.007, 90th
  percentile 0.022, at most 0.062, at 3.4 times less work than exact; on Bitcoin OTC, 30
  contacts of the most active account, 4 anchors: median 0.002, 90th percentile 0.025, at
  most 0.077, 17 times less. The gaps are widest where one side has no evidence at all
  (uncertainty 1: the expected trust *is* the base rate) and others' judgements of the
  trustee move it between anchors. Ask for as many anchors as dates for exact figures
  throughout (one full assessment per date).

What a chart draws as the **uncertainty band** is ``[belief, belief + uncertainty]``, that
is ``[belief, 1 - disbelief]``: the range the expected trust can take for any base rate
(subjective logic's interval between the evidence read most sceptically and most
generously), so the expected trust always lies inside it. It depends on the pair's events
alone, so it is exact at every date whatever the anchors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from goodwill.errors import AlgorithmInputError
from goodwill.trust.distinct import distinct
from goodwill.trust.evidence import EventTable, compute_evidence
from goodwill.trust.model import TrustSnapshot, assess, base_rates
from goodwill.trust.opinion import Opinions, opinions
from goodwill.trust.policy import Policy

__all__ = [
    "ANCHORS",
    "ANCHOR_WORK",
    "GRID_TIMES",
    "MOST_TIMES",
    "PairHistory",
    "anchor_rows",
    "anchors_for",
    "chart_times",
    "even_times",
    "pair_events",
    "pair_history",
]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

#: The most dates per history at which the base rate is computed from everyone's events.
ANCHORS = 16
#: The work those computations may take, in events assessed (anchors times the ledger's
#: events): on the demo world (7,700 events) all 16 anchors, on Bitcoin OTC (35,600) 4,
#: so a history costs about as much as a few full assessments on any store.
ANCHOR_WORK = 160_000
#: Evenly spaced dates in a chart's history, besides the events' own instants: about one
#: every ten days over a year, enough for decay's slow slope between events.
GRID_TIMES = 40
#: Above this many dates in all, the events' instants are left out for a denser grid of
#: this many dates (each date costs one evidence computation over the pair's events).
MOST_TIMES = 120


@dataclass(frozen=True, slots=True)
class PairHistory:
    """Two people's trust in each other at each of ``times_us``.

    ``forward`` is the truster's opinion of the trustee at each time, ``backward`` the
    trustee's of the truster. ``anchors_us`` are the dates whose base rates were computed
    (the others' are interpolated between them). ``events`` are the positions, in the
    table, of the events between the two up to the last time, in time order, and
    ``event_sign`` says for each whether it counts for trust (+1), against it (-1) or
    neither (0, a kind the policy gives no weight).
    """

    truster: int
    trustee: int
    times_us: Ints
    forward: Opinions
    backward: Opinions
    anchors_us: Ints
    events: Ints
    event_sign: Ints


def pair_events(table: EventTable, one: int, other: int) -> Ints:
    """Positions of the events between ``one`` and ``other`` (either way), in time order."""
    between = ((table.actor == one) & (table.target == other)) | (
        (table.actor == other) & (table.target == one)
    )
    found = np.flatnonzero(between)
    return found[np.argsort(table.time_us[found], kind="stable")].astype(np.int64)


def even_times(start_us: int, end_us: int, count: int) -> Ints:
    """``count`` times from ``start_us`` to ``end_us`` (both included), evenly spaced.

    >>> even_times(0, 100, 3).tolist()
    [0, 50, 100]
    """
    if count < 1:
        raise AlgorithmInputError("count must be at least 1")
    if count == 1 or end_us <= start_us:
        return np.array([end_us], dtype=np.int64)
    times = np.linspace(start_us, end_us, count).round().astype(np.int64)
    return distinct(times)


def anchors_for(events: int) -> int:
    """How many anchors a history over a ledger of ``events`` gets: :data:`ANCHOR_WORK`
    spread over full assessments, at least 2 (the first date and the last) and at most
    :data:`ANCHORS`.

    >>> anchors_for(7_713), anchors_for(35_592), anchors_for(10_000_000)
    (16, 4, 2)
    """
    return max(2, min(ANCHORS, ANCHOR_WORK // max(events, 1)))


def chart_times(table: EventTable, one: int, other: int, until_us: int) -> Ints:
    """The dates a chart of the two's history needs: from their first event to
    ``until_us``, :data:`GRID_TIMES` evenly spaced and the instant of each of their events,
    so that every jump is drawn where it happens (or :data:`MOST_TIMES` evenly spaced when
    they have more events than that). Empty when they have no event before ``until_us``.
    """
    found = pair_events(table, one, other)
    instants = table.time_us[found]
    instants = instants[instants <= until_us]
    if not len(instants):
        return np.zeros(0, dtype=np.int64)
    first = int(instants[0])
    if len(instants) + GRID_TIMES > MOST_TIMES:
        return even_times(first, until_us, MOST_TIMES)
    return distinct(np.concatenate([even_times(first, until_us, GRID_TIMES), instants]))


def pair_history(
    table: EventTable,
    policy: Policy,
    truster: int,
    trustee: int,
    times_us: Ints,
    *,
    anchors: int = ANCHORS,
    snapshot: TrustSnapshot | None = None,
) -> PairHistory:
    """Both directions' opinions between dense indices ``truster`` and ``trustee`` at each of
    ``times_us`` (sorted), from the events in ``table``.

    The base rate is computed exactly at ``anchors`` of the times (all of them when there
    are no more times than that: exact throughout), chosen by :func:`anchor_rows`, and
    interpolated linearly in time between them. ``snapshot``, if it is already at hand for
    one of the anchors (a page's own view), is used instead of assessing that date again.
    """
    times = np.asarray(times_us, dtype=np.int64)
    if not len(times) or np.any(np.diff(times) < 0):
        raise AlgorithmInputError("times_us must be a non-empty sorted array")
    if truster == trustee:
        raise AlgorithmInputError("a trust history needs two different people")
    if anchors < 1:
        raise AlgorithmInputError("anchors must be at least 1")
    for name, node in (("truster", truster), ("trustee", trustee)):
        if not 0 <= node < table.n_nodes:
            raise AlgorithmInputError(f"{name} {node} is not a node (0..{table.n_nodes - 1})")
    found = pair_events(table, truster, trustee)
    own = _subtable(table, found)
    evidence = np.zeros((len(times), 4))  # r and s forward, r and s backward
    for row, at in enumerate(times.tolist()):
        evidence[row] = _pair_evidence(own, policy, truster, trustee, at)
    chosen = anchor_rows(_moves(evidence, policy.prior_weight), anchors)
    rates = _anchor_rates(table, policy, truster, trustee, times[chosen], snapshot)
    held = [np.interp(times, times[chosen], rates[:, side]) for side in (0, 1)]
    shown = found[table.time_us[found] <= times[-1]]
    return PairHistory(
        truster=truster,
        trustee=trustee,
        times_us=times,
        forward=opinions(evidence[:, 0], evidence[:, 1], policy.prior_weight, held[0]),
        backward=opinions(evidence[:, 2], evidence[:, 3], policy.prior_weight, held[1]),
        anchors_us=times[chosen],
        events=shown,
        event_sign=_event_signs(own, policy, int(times[-1]))[: len(shown)],
    )


def anchor_rows(moved: Floats, count: int) -> Ints:
    """Which of the times (rows) to compute the base rate at, ``count`` at most: all when
    there are no more; otherwise both sides of the ``count // 3`` largest moves in ``moved``
    (how far the pair's own opinion moved since the row before, times its uncertainty),
    and the rest spread evenly from the last row (always one: the present, where a page has
    its own snapshot) to the first.

    Why there: the truster's own judgement is part of the trustee's standing, so the base
    rate jumps where the pair's evidence jumps (most for someone few others judge), and a
    jump misplaced by interpolation costs its size times the uncertainty it multiplies.
    Between jumps the base rate drifts slowly with everyone else's evidence: even spacing
    follows that.

    >>> anchor_rows(np.array([0.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]), 5).tolist()
    [0, 2, 3, 4, 9]
    >>> anchor_rows(np.array([0.0, 0.3, 0.1]), 5).tolist()
    [0, 1, 2]
    """
    size = len(moved)
    if count >= size:
        return np.arange(size, dtype=np.int64)
    order = np.argsort(-moved, kind="stable")
    jumps = order[: count // 3]
    jumps = jumps[moved[jumps] > 0]
    spread = max(count - 2 * len(jumps), min(count, 2))
    even = np.linspace(size - 1, 0, spread).round().astype(np.int64)  # one: the last
    return distinct(np.concatenate([jumps, jumps - 1, even])).astype(np.int64)


def _moves(evidence: Floats, prior_weight: float) -> Floats:
    """Per row, how far belief and disbelief (both ways) moved since the row before, times
    the larger uncertainty of the two rows: what a misplaced base rate would cost there."""
    forward = evidence[:, 0] + evidence[:, 1] + prior_weight
    backward = evidence[:, 2] + evidence[:, 3] + prior_weight
    shares = evidence / np.stack([forward, forward, backward, backward], axis=1)
    unsure = prior_weight / np.minimum(forward, backward)
    moved = np.zeros(len(evidence))
    moved[1:] = np.abs(np.diff(shares, axis=0)).sum(axis=1) * np.maximum(unsure[1:], unsure[:-1])
    return moved


def _subtable(table: EventTable, rows: Ints) -> EventTable:
    """The events at ``rows``, over the same people and kinds."""
    return EventTable(
        actor=table.actor[rows],
        target=table.target[rows],
        kind=table.kind[rows],
        time_us=table.time_us[rows],
        value=table.value[rows],
        event_id=table.event_id[rows],
        kinds=table.kinds,
        n_nodes=table.n_nodes,
    )


def _pair_evidence(
    own: EventTable, policy: Policy, one: int, other: int, at_us: int
) -> tuple[float, float, float, float]:
    """Evidence for and against, each way, as of ``at_us`` (zeros where there is none)."""
    found = compute_evidence(own, policy, at_us)
    values = []
    for truster, trustee in ((one, other), (other, one)):
        at = found.pair_index(truster, trustee)
        values += [0.0, 0.0] if at < 0 else [float(found.positive[at]), float(found.negative[at])]
    return values[0], values[1], values[2], values[3]


def _anchor_rates(
    table: EventTable,
    policy: Policy,
    truster: int,
    trustee: int,
    anchors_us: Ints,
    snapshot: TrustSnapshot | None,
) -> Floats:
    """Per anchor, the base rate of each direction (forward, backward), from everyone's
    events as of the anchor."""
    rates = np.zeros((len(anchors_us), 2))
    pairs_from = np.array([truster, trustee], dtype=np.int64)
    pairs_to = np.array([trustee, truster], dtype=np.int64)
    for row, at in enumerate(anchors_us.tolist()):
        known = snapshot if snapshot is not None and snapshot.at_us == at else None
        state = known or assess(table, policy, at)
        rates[row] = base_rates(policy, state.standing, state.generosity, pairs_from, pairs_to)
    return rates


def _event_signs(own: EventTable, policy: Policy, at_us: int) -> Ints:
    """+1, -1 or 0 per event of ``own`` (up to ``at_us``): the sign of what it weighs."""
    found = compute_evidence(own, policy, at_us)
    weight = np.bincount(found.row_event, weights=np.sign(found.row_decayed), minlength=len(own))
    return np.sign(weight).astype(np.int64)
