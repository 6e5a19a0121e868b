"""The owner's listening ratio: how much of her attention goes to others, period by period.

Seed 003 says to be "interested rather than interesting"; seed 002 says people read your
stream to see whether you "only post about yourself". This module weighs what the owner
did in each week, month or quarter: replies, shares of others' work, thanks, answers,
introductions and likes (listening) against her own posts and, twice as heavily, whatever
promotes her (self-promotion; see :mod:`goodwill.insights.promotion`). The weights and the
guidance live in ``listening.toml`` beside this module, each with its reason.

The figure is the *listening share*: listening / (listening + promotion), from 0 to 1, and
the ratio listening : promotion beside it. The trend compares the last periods with the
ones before them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.resources import files
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from goodwill.errors import AlgorithmInputError, StoreError
from goodwill.events import from_time_us
from goodwill.insights.activity import Activity, event_texts, load_activity
from goodwill.insights.promotion import own_sites, promotion_signals
from goodwill.ledger.people import NO_OWNER

__all__ = ["PERIODS", "Listening", "Period", "Weights", "listening", "load_weights", "verdict"]

Ints = npt.NDArray[np.int64]
PERIODS = ("week", "month", "quarter")
_DAY_US = 86_400_000_000
_TEXTED = ("post", "reply", "comment", "quote", "share", "message", "email", "mention", "thanks")


@dataclass(frozen=True, slots=True)
class Weights:
    """What each kind of the owner's actions weighs, on which side, and why."""

    listening: dict[str, float]
    promotion: dict[str, float]
    reasons: dict[str, str]
    healthy_share: float
    trend_periods: int
    trend_step: float


def load_weights() -> Weights:
    """The weights in ``listening.toml``."""
    data: dict[str, Any] = tomllib.loads(
        files("goodwill.insights").joinpath("listening.toml").read_text(encoding="utf-8")
    )
    reasons = {k: v["reason"] for side in ("listening", "promotion") for k, v in data[side].items()}
    reasons |= {"guidance": data["guidance"]["reason"], "trend": data["trend"]["reason"]}
    return Weights(
        {k: float(v["weight"]) for k, v in data["listening"].items()},
        {k: float(v["weight"]) for k, v in data["promotion"].items()},
        reasons,
        float(data["guidance"]["healthy_share"]),
        int(data["trend"]["periods"]),
        float(data["trend"]["step"]),
    )


@dataclass(frozen=True, slots=True)
class Period:
    """One week, month or quarter of the owner's attention, with the events behind it."""

    label: str
    start: str  # ISO date of its first day
    listening: float
    promotion: float
    share: float | None  # listening / (listening + promotion); None when both are 0
    ratio: float | None  # listening / promotion; None when promotion is 0
    counts: dict[str, int]  # events by what they counted as
    listening_events: list[int]
    promotion_events: list[int]
    promoted: dict[int, list[str]]  # event id -> why it promotes her


@dataclass(frozen=True, slots=True)
class Listening:
    """The owner's listening share per period, the current figure and the trend."""

    by: str
    at: str
    periods: list[Period]
    current: Period | None
    trend: float | None  # change in listening share, recent periods against the ones before
    direction: str  # rising, falling, steady, or unknown
    healthy_share: float
    weights: Weights


def listening(
    conn: Connection, *, at_us: int, by: str = "month", activity: Activity | None = None
) -> Listening:
    """The owner's listening share per ``by`` period, up to ``at_us`` (``activity``, when
    the caller has it loaded already, must be as of ``at_us``)."""
    if by not in PERIODS:
        raise AlgorithmInputError(f"--by {by!r}: choose one of {', '.join(PERIODS)}")
    weights = load_weights()
    if activity is None:
        activity = load_activity(conn, until_us=at_us)
    elif activity.at_us != at_us:
        raise ValueError(f"the activity given is as of {activity.at_us}, not {at_us}")
    owner = activity.owner
    if owner is None:
        raise StoreError(NO_OWNER)
    category = _categorise(activity, owner)
    rows = np.flatnonzero(category != "")
    texted = rows[activity.is_kind(*_TEXTED)[rows]]
    texts = event_texts(conn, activity.event_id[texted].tolist())
    own = own_sites(conn, owner)
    solicited = _solicited(activity, owner)
    promoted: dict[int, list[str]] = {}
    for row in texted:  # the owner's own texts: a few thousand a year at most
        reasons = promotion_signals(texts.get(int(activity.event_id[row])), own)
        if reasons and not solicited[row]:
            category[row] = "promotional"
            promoted[int(activity.event_id[row])] = reasons
    periods = _periods(activity, rows, category, weights, promoted, by)
    trend, direction = _trend(periods, weights)
    return Listening(
        by,
        from_time_us(at_us).isoformat(),
        periods,
        periods[-1] if periods else None,
        trend,
        direction,
        weights.healthy_share,
        weights,
    )


def _solicited(activity: Activity, owner: int) -> npt.NDArray[np.bool_]:
    """Rows answering an event someone else addressed to the owner: she was asked."""
    answers = activity.answers
    linked = np.where(answers >= 0, answers, 0)
    asked: npt.NDArray[np.bool_] = (
        (answers >= 0) & (activity.target[linked] == owner) & (activity.actor[linked] != owner)
    )
    return asked


def _categorise(activity: Activity, owner: int) -> npt.NDArray[np.str_]:
    """What each of the owner's events counts as ('' for the rest), before promotion."""
    is_kind = activity.is_kind
    mine = activity.actor == owner
    to_other = (activity.target >= 0) & (activity.target != owner)
    answers = activity.answers
    author = np.where(answers >= 0, activity.actor[np.where(answers >= 0, answers, 0)], -1)
    others_work = to_other & (author != owner)
    category = np.full(len(activity), "", dtype="<U16")
    category[mine & is_kind("post")] = "post"
    category[mine & is_kind("reply", "comment") & ~to_other] = "post"  # her own thread
    for kind in ("reply", "comment", "thanks", "introduction", "referral", "endorsement", "gift"):
        category[mine & is_kind(kind) & to_other] = kind
    for kind in ("share", "quote"):
        category[mine & is_kind(kind) & others_work] = kind
        category[mine & is_kind(kind) & ~others_work] = "self_share"
    category[mine & is_kind("like") & others_work] = "like"
    answering = mine & is_kind("message", "email", "mention") & to_other
    category[answering & _solicited(activity, owner)] = "answer"
    # messages, e-mails and mentions that start something stay neutral unless they promote
    category[answering & (category == "")] = "initiative"
    return category


def _period_index(time_us: Ints, by: str) -> Ints:
    """Consecutive period numbers: months since 1970-01, quarters, or Monday weeks."""
    if by == "week":
        return (time_us // _DAY_US + 3) // 7  # 1970-01-01 was a Thursday
    months = time_us.astype("datetime64[us]").astype("datetime64[M]").astype(np.int64)
    return months // 3 if by == "quarter" else months


def _period_start(index: int, by: str) -> date:
    if by == "week":
        return date(1970, 1, 1) + timedelta(days=index * 7 - 3)
    months = index * 3 if by == "quarter" else index
    return date(1970 + months // 12, months % 12 + 1, 1)


def _label(start: date, by: str) -> str:
    if by == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def _periods(
    activity: Activity,
    rows: Ints,
    category: npt.NDArray[np.str_],
    weights: Weights,
    promoted: dict[int, list[str]],
    by: str,
) -> list[Period]:
    """Every period from the owner's first counted event to the moment asked about."""
    side = {
        **dict.fromkeys(weights.listening, "listening"),
        **dict.fromkeys(weights.promotion, "promotion"),
    }
    scale = {**weights.listening, **weights.promotion}
    rows = rows[np.isin(category[rows], list(scale))]
    if not len(rows):
        return []
    last_us = max(int(activity.time_us[rows[-1]]), activity.at_us - 1)
    index = _period_index(activity.time_us[rows], by)
    first = int(index[0])
    span = int(_period_index(np.array([last_us], dtype=np.int64), by)[0]) - first + 1
    slot = index - first
    cats = category[rows]
    weight = np.array([scale[c] for c in cats.tolist()])
    listens = np.array([side[c] == "listening" for c in cats.tolist()])
    heard = np.bincount(slot, weights=weight * listens, minlength=span)
    spoke = np.bincount(slot, weights=weight * ~listens, minlength=span)
    periods = []
    for p in range(span):  # a few dozen periods
        here = slot == p
        ids = activity.event_id[rows[here]]
        kinds, counts = np.unique(cats[here], return_counts=True)
        start = _period_start(first + p, by)
        total = heard[p] + spoke[p]
        promo_ids = ids[~listens[here]].tolist()
        periods.append(
            Period(
                _label(start, by),
                start.isoformat(),
                round(float(heard[p]), 3),
                round(float(spoke[p]), 3),
                None if total == 0 else round(float(heard[p] / total), 4),
                None if spoke[p] == 0 else round(float(heard[p] / spoke[p]), 3),
                {str(k): int(n) for k, n in zip(kinds, counts, strict=True)},
                ids[listens[here]].tolist(),
                promo_ids,
                {i: promoted[i] for i in promo_ids if i in promoted},
            )
        )
    return periods


def _trend(periods: list[Period], weights: Weights) -> tuple[float | None, str]:
    """Listening share of the last ``trend_periods`` pooled, minus that of the ones before."""
    k = weights.trend_periods
    if len(periods) < 2 * k:
        return None, "unknown"

    def pooled(chunk: list[Period]) -> float | None:
        heard = sum(p.listening for p in chunk)
        total = heard + sum(p.promotion for p in chunk)
        return heard / total if total else None

    recent, before = pooled(periods[-k:]), pooled(periods[-2 * k : -k])
    if recent is None or before is None:
        return None, "unknown"
    change = round(recent - before, 4)
    if change >= weights.trend_step:
        return change, "rising"
    if change <= -weights.trend_step:
        return change, "falling"
    return change, "steady"


def verdict(share: float | None, healthy: float) -> str:
    """One line of guidance for a listening share.

    >>> verdict(0.4, 0.5)
    'talking more than listening: reply, share and thank more than you post (seed 003)'
    """
    if share is None:
        return "nothing counted in this period"
    if share >= healthy:
        return "healthy: at least as much listening as talking (seed 003)"
    return "talking more than listening: reply, share and thank more than you post (seed 003)"
