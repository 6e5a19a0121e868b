"""``goodwill refresh``: absorb the events added since the last refresh, update the pairs
they touch, and recompute the owner's network trust.

What a refresh does, in order:

1. **open the state** (:mod:`goodwill.trust.state_files`) and check that it still
   describes this ledger under this policy: the last event it saw is still there,
   unchanged, and the policy's fingerprint matches. Otherwise (or when asked) it is
   **built** again from every event;
2. if people were **merged or unmerged** since, or the as-of date goes back, every pair is
   **recomputed** from the kept records (mapped to the people who hold their identities
   now), without rereading the ledger: a merge moves events between pairs, and a pair can
   take sums back but not its earliest event;
3. otherwise the events with ids above the last one seen, and the pending ones now due, are
   **absorbed incrementally**: only the windows they fall in are recomputed, each from its
   records before and after, and the difference goes into the pairs;
4. every pair is read at the as-of date, the trust graph built
   (:mod:`goodwill.trust.pair_reading`), network trust **walked** from the owner's seeds
   and **written** to the ledger's score blocks (scope ``owner``; see
   :mod:`goodwill.ledger.score_blocks`); the state is saved.

The graph is read straight from the kept pairs (:func:`~goodwill.trust.pair_reading.graph_at`):
decay and maturity move every edge with the date, so every pair is read, once, in place.
The walk of ``ceil(log2 n)`` steps from the seeds (the default) cannot start anywhere
else: from the previous scores it gives other scores, not the same ones sooner. With
``warm`` a refresh walks to the walk's fixed point instead, which any start reaches (a
step contracts by ``1 - r`` without distrust), starting from the mass the last refresh kept
(:mod:`goodwill.trust.walk_memory`) and stopping at an L1 change of :data:`WARM_TOLERANCE`
(:class:`~goodwill.trust.network.NetworkTrust`'s ``tolerance``; docs/trust.md has the
bounds).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from goodwill.events import now_us
from goodwill.ledger import Ledger
from goodwill.ledger.people import owner_person
from goodwill.trust.distinct import among, distinct
from goodwill.trust.loading import TABLE_KINDS, read_event_columns
from goodwill.trust.network import NetworkTrust
from goodwill.trust.network_report import OWNER_SEED_SHARE
from goodwill.trust.network_scores import write_network_scores
from goodwill.trust.pair_reading import graph_at
from goodwill.trust.pair_state import US_PER_DAY
from goodwill.trust.policy import Policy
from goodwill.trust.state_files import (
    Records,
    StateMeta,
    TrustState,
    boot_id,
    discard_state,
    invalidate,
    load_state,
    policy_fingerprint,
    save_state,
    state_location,
    state_lock,
)
from goodwill.trust.state_ledger import (
    aggregate,
    by_window,
    endpoints,
    last_event,
    merge_marks,
    records_of,
    remap_people,
    within_reach,
)
from goodwill.trust.walk_memory import keep_mass, kept_mass

__all__ = [
    "REBASE_HALF_LIVES",
    "SCOPE",
    "WARM_TOLERANCE",
    "RefreshReport",
    "owner_network",
    "refresh",
]

# How far (in half-lives) the as-of date may drift from the reference date of the decaying
# sums before they are re-dated: 2^64 is far from overflowing a float64.
REBASE_HALF_LIVES = 64.0
# A warm walk stops once a step moves the mass by at most this (L1): ten times below the
# float32 engine's own tolerance, and within (1 - r) / r of it, 2.3e-7, of the fixed point.
WARM_TOLERANCE = 1e-7
SCOPE = "owner"


@dataclass
class RefreshReport:
    """What a refresh did, and how long each part took (seconds, wall time)."""

    mode: str  # "incremental", "built" (from the ledger), "recomputed" (from its records)
    reason: str  # why it was built or recomputed; "" when incremental
    at_us: int
    absorbed: int = 0  # interactions absorbed this time
    pending: int = 0  # interactions dated after the as-of date, kept for later
    windows: int = 0  # windows recomputed
    pairs: int = 0
    people: int = 0
    reached: int = 0  # people the owner's network trust reached (rows written)
    engine: str = ""
    steps: int = 0  # steps the walk took
    warm: bool = False  # whether it started from the last refresh's mass
    seconds: dict[str, float] = field(default_factory=dict)


def refresh(
    ledger: Ledger,
    policy: Policy,
    *,
    at_us: int,
    rebuild: bool = False,
    engine: str = "auto",
    location: Path | None = None,
    warm: bool = False,
) -> RefreshReport:
    """Bring the trust state (at ``location``, by default :func:`state_location`'s) and
    the owner's network trust to ``at_us``. ``warm`` walks to the walk's fixed point (to
    :data:`WARM_TOLERANCE`) from the last refresh's mass instead of walking ``ceil(log2
    n)`` steps from the seeds (:class:`~goodwill.trust.network.NetworkTrust`'s
    ``tolerance``)."""
    location = location or state_location(ledger.url)
    with state_lock(location):
        return _refresh(ledger, policy, at_us, rebuild, engine, location, warm)


def _refresh(
    ledger: Ledger, policy: Policy, at_us: int, rebuild: bool, engine: str, location: Path,
    warm: bool,
) -> RefreshReport:  # fmt: skip
    laps: dict[str, float] = {}
    started = time.perf_counter()
    with ledger.read() as conn:
        state = None if rebuild else load_state(location)
        reason = "asked to rebuild" if rebuild else _stale(conn, state, policy)
        if state is None or reason:
            state, written, report = _build(conn, location, policy, at_us, reason)
        else:
            state, written, report = _advance(conn, state, policy, at_us)
        owner = owner_person(conn)
    laps["evidence"] = time.perf_counter() - started
    report.pairs, report.people = len(state.pairs), len(state.people)
    start = kept_mass(location, state.people) if warm else None
    fitted = owner_network(state, policy, at_us, owner, engine, warm=warm, start=start)
    laps["network"] = time.perf_counter() - started - sum(laps.values())
    if fitted is not None:
        report.steps, report.warm = fitted.steps_, start is not None
        with ledger.write() as conn:
            report.reached = write_network_scores(
                conn, SCOPE, state.people, fitted, at_us=at_us, now_us=now_us()
            )
        report.engine = fitted.engine_
    laps["write scores"] = time.perf_counter() - started - sum(laps.values())
    save_state(state, written)
    if fitted is not None:
        keep_mass(location, state.people, fitted.mass_)
    laps["save state"] = time.perf_counter() - started - sum(laps.values())
    report.seconds = {**laps, "total": time.perf_counter() - started}
    if fitted is not None:  # the network's parts: what is left of it is reading the graph
        report.seconds["walk prepare"] = fitted.prepare_seconds_
        report.seconds["walk steps"] = sum(fitted.step_seconds_)
    return report


def owner_network(
    state: TrustState, policy: Policy, at_us: int, owner: int | None, engine: str = "auto",
    *, warm: bool = False, start: npt.NDArray[np.float64] | None = None,
) -> NetworkTrust | None:  # fmt: skip
    """Network trust from the owner's seeds (the owner, and whom she vouches for, as
    :meth:`~goodwill.trust.network_report.NetworkView.owner_seeds`), over the state's
    graph as of ``at_us``; ``None`` without an owner who has interacted. ``warm``: to the
    walk's fixed point, from ``start`` if given (else from the seeds)."""
    position = int(np.searchsorted(state.people, owner)) if owner is not None else -1
    if owner is None or position >= len(state.people) or state.people[position] != owner:
        return None
    graph = graph_at(state.pairs, state.people, at_us, policy)
    row = graph.trust.getrow(position)
    seeds = {position: OWNER_SEED_SHARE}
    total = float(row.data.sum())
    for contact, trust in zip(row.indices, row.data, strict=True):
        seeds[int(contact)] = (1.0 - OWNER_SEED_SHARE) * float(trust) / total
    walk = NetworkTrust(engine=engine, tolerance=WARM_TOLERANCE if warm else None)
    return walk.fit(graph.trust, seeds, graph.distrust, maturity=graph.maturity, start=start)


def _joined(people: npt.NDArray[np.int64], seen: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """``people`` (sorted) with those of ``seen`` it lacks, in order: a search per person
    seen rather than a sort of everyone (over a second for a million people)."""
    seen = distinct(seen)
    fresh = seen[~among(people, seen)]
    return np.insert(people, np.searchsorted(people, fresh), fresh) if len(fresh) else people


def _stale(conn: Connection, state: TrustState | None, policy: Policy) -> str:
    """Why ``state`` cannot be advanced ("" when it can)."""
    if state is None:
        return "no state yet"
    if state.meta.policy != policy_fingerprint(policy):
        return "the evidence policy changed"
    if state.meta.kinds != TABLE_KINDS:
        return "goodwill's event kinds changed"
    if state.meta.boot != boot_id():
        return "the machine restarted since it was saved (its last writes may not be on disk)"
    if state.meta.last_event_id and last_event(conn, state.meta.last_event_id)[1] != (
        state.meta.last_event
    ):
        return "events it absorbed are no longer in the ledger as they were"
    return ""


def _build(
    conn: Connection, location: Path, policy: Policy, at_us: int, reason: str
) -> tuple[TrustState, dict[int, Records], RefreshReport]:
    """A new state from every event in the ledger."""
    discard_state(location)
    last_id, check = last_event(conn)
    records = records_of(read_event_columns(conn, until_id=last_id))
    meta = StateMeta(policy_fingerprint(policy), TABLE_KINDS, at_us, last_id, check,
                     merge_marks(conn))  # fmt: skip
    state, written = _from_records(location, meta, records, policy, at_us)
    report = RefreshReport("built", reason, at_us, absorbed=len(records) - len(state.pending))
    report.pending, report.windows = len(state.pending), len(written)
    return state, written, report


def _from_records(
    location: Path, meta: StateMeta, records: Records, policy: Policy, at_us: int
) -> tuple[TrustState, dict[int, Records]]:
    """A state holding ``records`` as of ``at_us`` (those after it pending)."""
    due = records["time_us"] <= at_us
    pairs = aggregate(records[due], policy, reference_us=at_us, until_us=at_us)
    people = distinct(endpoints(records[due]))
    state = TrustState(location, replace(meta, windows=()), pairs, people, records[~due])
    return state, by_window(records[due], policy)


def _advance(
    conn: Connection, state: TrustState, policy: Policy, at_us: int
) -> tuple[TrustState, dict[int, Records], RefreshReport]:
    """``state`` with the events since its last refresh, as of ``at_us``."""
    last_id, check = last_event(conn)
    new = records_of(read_event_columns(conn, after_id=state.meta.last_event_id, until_id=last_id))
    marks = merge_marks(conn)
    meta = replace(state.meta, at_us=at_us, last_event_id=last_id, last_event=check, merges=marks)
    if marks != state.meta.merges or at_us < state.meta.at_us:
        reason = (
            "people were merged or unmerged"
            if marks != state.meta.merges
            else ("the as-of date went back")
        )
        records = np.concatenate([state.all_records(), state.pending, new])
        if marks != state.meta.merges:
            records = remap_people(conn, records)
        discard_state(state.location)
        rebuilt, written = _from_records(state.location, meta, records, policy, at_us)
        report = RefreshReport("recomputed", reason, at_us, absorbed=len(new))
        report.pending, report.windows = len(rebuilt.pending), len(written)
        return rebuilt, written, report
    incoming = np.concatenate([state.pending, new])
    due = incoming["time_us"] <= at_us
    absorbed = incoming[due]
    window_us = int(policy.window_days * US_PER_DAY)
    windows = distinct(absorbed["time_us"] // window_us)
    before = state.records(windows)
    after = np.concatenate([before, absorbed])
    invalidate(state.location)  # the main pairs change in place from here
    pairs = state.pairs
    if abs(at_us - pairs.reference_us) > REBASE_HALF_LIVES * policy.half_life_days * US_PER_DAY:
        pairs = pairs.rebased(at_us, policy.half_life_days)
    reference = pairs.reference_us
    reached, needed = within_reach(after, absorbed)
    removed, added = (
        aggregate(part, policy, reference_us=reference, until_us=at_us).touching(reached)
        for part in (before[needed[: len(before)]], after[needed])
    )
    pairs = pairs.updated(removed, added, windows, people=reached)
    people = _joined(state.people, endpoints(absorbed))
    advanced = replace(state, meta=meta, pairs=pairs, people=people, pending=incoming[~due])
    report = RefreshReport("incremental", "", at_us, absorbed=len(absorbed))
    report.pending, report.windows = int((~due).sum()), len(windows)
    return advanced, by_window(after, policy), report
