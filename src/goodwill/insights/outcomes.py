"""Outcomes: results the owner records, and what preceded them, without claiming causes.

The seeds measure trust by "real results, actions and revenue". The owner records a result
against a relationship (``goodwill outcome PERSON deal --value 1200``): an ``outcome`` note,
so it replays with ``--at`` and writing it twice adds nothing. The report then shows the
results by relationship and by kind, and which actions between her and the person came in
the :data:`LOOKBACK_DAYS` before each result, beside how often the same actions came, in
the same windows, in her other active relationships that had no result. That comparison is
an association: people she does business with may differ in ways the ledger does not show,
and a handful of results says little. The report says both in words.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from goodwill.errors import AlgorithmInputError
from goodwill.events import from_time_us
from goodwill.insights.activity import Activity
from goodwill.insights.notes import NewNote, Note, read_notes, record_notes
from goodwill.ledger import Ledger
from goodwill.ledger.people import require_owner
from goodwill.ledger.queries import person_names

__all__ = [
    "FEW_RESULTS",
    "LOOKBACK_DAYS",
    "OUTCOME_KINDS",
    "Association",
    "OutcomeReport",
    "RelationshipResults",
    "Result",
    "outcome_report",
    "record_outcome",
]

#: What a result can be: a referral received, a deal, a hire, a partnership, a talk, other.
OUTCOME_KINDS = ("referral", "deal", "hire", "partnership", "speaking", "other")
# What preceded a result is read over the quarter before it: long enough for a deal's
# courtship, short enough that last year's coffee is not credited with this year's contract.
LOOKBACK_DAYS = 90
# Below ten results every share moves by ten points or more with one result more or less.
FEW_RESULTS = 10
_DAY_US = 86_400_000_000
_EVIDENCE = 5
_Z = 1.96  # 95% Wilson interval


@dataclass(frozen=True, slots=True)
class Result:
    """One recorded result and the actions between her and the person before it."""

    event_id: int
    person: int
    name: str
    kind: str
    value: float | None
    time: str
    note: str | None
    preceded: dict[str, int]
    evidence: list[int]


@dataclass(frozen=True, slots=True)
class RelationshipResults:
    """The results with one person."""

    person: int
    name: str
    results: int
    value: float
    kinds: dict[str, int]
    first: str
    last: str


@dataclass(frozen=True, slots=True)
class Association:
    """How often one action preceded results, beside how often it came without one."""

    action: str
    results_with: int
    results: int
    share: float
    share_low: float
    share_high: float
    others_with: int
    others: int
    base_rate: float | None
    ratio: float | None
    sentence: str


@dataclass(frozen=True, slots=True)
class OutcomeReport:
    """Results up to ``at``: each, by relationship, by kind, and what preceded them."""

    at: str
    lookback_days: int
    results: list[Result]
    by_relationship: list[RelationshipResults]
    by_kind: dict[str, dict[str, float]]
    associations: list[Association]
    caveats: list[str] = field(default_factory=list)


def _check_kind(kind: str) -> str:
    if kind not in OUTCOME_KINDS:
        raise AlgorithmInputError(
            f"outcome kind {kind!r} is not one of {', '.join(OUTCOME_KINDS)}; "
            "use other and say what in --note"
        )
    return kind


def outcome_key(person: int, kind: str, time_us: int, value: float | None, note: str | None) -> str:
    """The note's key: the same result on the same day is one result, however often typed.

    >>> outcome_key(12, "deal", 0, 1200.0, None)[:26]
    'outcome:12:deal:1970-01-01'
    """
    day = from_time_us(time_us).date().isoformat()
    said = hashlib.sha256(f"{value!r}|{note or ''}".encode()).hexdigest()[:12]
    return f"outcome:{person}:{kind}:{day}:{said}"


def record_outcome(
    ledger: Ledger,
    person: int,
    kind: str,
    *,
    time_us: int,
    value: float | None = None,
    note: str | None = None,
) -> bool:
    """Record a result with ``person``; False when the same one was already recorded."""
    _check_kind(kind)
    if value is not None and not math.isfinite(value):
        raise AlgorithmInputError(f"--value {value} is not a number; give an amount like 1200")
    with ledger.read() as conn:
        if person == require_owner(conn):
            raise AlgorithmInputError(
                "a result is recorded against someone else; name the person it came through"
            )
    details = {"kind": kind} | ({"note": note} if note else {})
    key = outcome_key(person, kind, time_us, value, note)
    return record_notes(ledger, [NewNote("outcome", key, time_us, person, details, value)]) == 1


def outcome_report(
    conn: Connection, activity: Activity, *, lookback_days: int = LOOKBACK_DAYS
) -> OutcomeReport:
    """Results recorded up to ``activity.at_us`` and what preceded them."""
    if lookback_days < 1:
        raise AlgorithmInputError(f"--days must be at least 1, got {lookback_days}")
    owner = require_owner(conn)
    notes = [
        n
        for n in read_notes(conn, until_us=activity.at_us, kinds=("outcome",))
        if n.person is not None
    ]
    names = person_names(conn, {n.person for n in notes if n.person is not None})
    window = lookback_days * _DAY_US
    a = activity
    mine = np.flatnonzero(
        ((a.actor == owner) ^ (a.target == owner)) & (a.target >= 0) & (a.actor >= 0)
    )
    other = np.where(a.actor[mine] == owner, a.target[mine], a.actor[mine])
    label = a.kind[mine] * 2 + (a.actor[mine] != owner)
    times = a.time_us[mine]
    with_results = np.asarray(sorted({n.person for n in notes if n.person is not None}))
    results: list[Result] = []
    tally: dict[int, list[int]] = {}  # label -> [results with it, others with it]
    others_total = 0
    for note in notes:
        start, end = np.searchsorted(times, [note.time_us - window, note.time_us])
        span = slice(int(start), int(end))
        theirs = other[span] == note.person
        found = np.unique(label[span][theirs])
        for code in found.tolist():
            tally.setdefault(code, [0, 0])[0] += 1
        rest = ~np.isin(other[span], with_results)
        pairs = np.unique(np.stack([other[span][rest], label[span][rest]]), axis=1)
        others_total += len(np.unique(pairs[0]))
        codes, counts = np.unique(pairs[1], return_counts=True)
        for code, count in zip(codes.tolist(), counts.tolist(), strict=True):
            tally.setdefault(code, [0, 0])[1] += count
        rows = mine[span][theirs]
        results.append(_result(a, note, names, label[span][theirs], rows))
    associations = [
        _association(_label(a, code), got, len(notes), seen, others_total, lookback_days)
        for code, (got, seen) in tally.items()
        if got
    ]
    associations.sort(key=lambda s: (-s.share, -(s.ratio or 0.0), s.action))
    return OutcomeReport(
        at=from_time_us(a.at_us).isoformat(),
        lookback_days=lookback_days,
        results=results,
        by_relationship=_by_relationship(results),
        by_kind=_by_kind(results),
        associations=associations,
        caveats=_caveats(len(notes), others_total),
    )


def _label(a: Activity, code: int) -> str:
    """``meeting from you``, ``referral from them``: an action and who took it."""
    return f"{a.kinds[code // 2]} from {'them' if code % 2 else 'you'}"


def _result(
    a: Activity,
    note: Note,
    names: dict[int, str],
    labels: npt.NDArray[np.int64],
    rows: npt.NDArray[np.int64],
) -> Result:
    codes, counts = np.unique(labels, return_counts=True)
    person = note.person if note.person is not None else -1
    return Result(
        event_id=note.event_id,
        person=person,
        name=names.get(person, "?"),
        kind=note.details.get("kind", "other"),
        value=note.value,
        time=from_time_us(note.time_us).isoformat(),
        note=note.details.get("note"),
        preceded={
            _label(a, int(c)): int(n) for c, n in zip(codes.tolist(), counts.tolist(), strict=True)
        },
        evidence=[note.event_id, *(int(e) for e in a.event_id[rows[::-1][:_EVIDENCE]])],
    )


def _wilson(successes: int, trials: int) -> tuple[float, float]:
    """The 95% Wilson interval of a share: honest about small counts, never outside [0, 1]."""
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    centre = (p + _Z**2 / (2 * trials)) / (1 + _Z**2 / trials)
    half = _Z * math.sqrt(p * (1 - p) / trials + _Z**2 / (4 * trials**2)) / (1 + _Z**2 / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def _association(
    action: str, got: int, results: int, seen: int, others: int, days: int
) -> Association:
    share = got / results
    low, high = _wilson(got, results)
    base = seen / others if others else None
    ratio = share / base if base else None
    sentence = (
        f"{got} of {results} results ({share:.0%}, plausibly {low:.0%}-{high:.0%}) were preceded "
        f"by {action} in the {days} days before"
    )
    if base is not None:
        sentence += (
            f"; in the same windows, your other active relationships had it {base:.0%} of the "
            f"time ({seen} of {others} relationship-windows, none with a result)"
        )
    return Association(
        action, got, results, round(share, 3), round(low, 3), round(high, 3), seen, others,
        None if base is None else round(base, 3), None if ratio is None else round(ratio, 2),
        sentence,
    )  # fmt: skip


def _by_relationship(results: list[Result]) -> list[RelationshipResults]:
    grouped: dict[int, list[Result]] = {}
    for r in results:
        grouped.setdefault(r.person, []).append(r)
    rows = []
    for person, theirs in grouped.items():
        kinds: dict[str, int] = {}
        for r in theirs:
            kinds[r.kind] = kinds.get(r.kind, 0) + 1
        rows.append(
            RelationshipResults(
                person,
                theirs[0].name,
                len(theirs),
                sum(r.value or 0.0 for r in theirs),
                kinds,
                theirs[0].time,
                theirs[-1].time,
            )
        )
    return sorted(rows, key=lambda r: (-r.results, -r.value, r.name))


def _by_kind(results: list[Result]) -> dict[str, dict[str, float]]:
    kinds: dict[str, dict[str, float]] = {}
    for r in results:
        row = kinds.setdefault(r.kind, {"results": 0, "value": 0.0})
        row["results"] += 1
        row["value"] += r.value or 0.0
    return kinds


def _caveats(results: int, others: int) -> list[str]:
    said = [
        "These are associations, not causes: they say what came before results, not what "
        "produced them, and the people you have results with may differ from the others in "
        "ways the ledger does not record."
    ]
    if results == 0:
        said.append("No results recorded yet: goodwill outcome PERSON KIND records one.")
    elif results < FEW_RESULTS:
        said.append(
            f"Only {results} result{'s' if results > 1 else ''}: one more or fewer moves each "
            f"share by {100 / results:.0f} points or more; read them as anecdotes, not patterns."
        )
    if results and not others:
        said.append(
            "No other relationship was active in the same windows, so there is nothing to "
            "compare with."
        )
    return said
