"""The agenda's settings: horizons, half-lives and score factors, read from ``agenda.toml``.

They are data with reasons, like the evidence policy (:mod:`goodwill.trust.policy`), so
each number can be read, questioned and changed in one place.

>>> settings = default_settings()
>>> settings.reply_horizon_days, settings.stake_floor
(30.0, 0.2)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

__all__ = ["AgendaSettings", "default_settings"]


@dataclass(frozen=True, slots=True)
class AgendaSettings:
    """Every number the agenda uses; ``agenda.toml`` gives each one's reason."""

    reply_horizon_days: float
    reply_half_life_days: float
    thank_horizon_days: float
    thank_half_life_days: float
    owed_factor: float
    stake_floor: float
    per_repeat: float
    most_repeats: int
    question: float
    reconnect_post_days: float
    help_window_days: float
    least_helped: int
    saturate_helped: int
    help_post_days: float
    trip_lead_days: float
    reasons: dict[str, str]


def default_settings() -> AgendaSettings:
    """The settings shipped in ``agenda.toml`` beside this module."""
    text = files("goodwill.insights").joinpath("agenda.toml").read_text(encoding="utf-8")
    data: dict[str, Any] = tomllib.loads(text)

    def number(section: str, key: str) -> float:
        return float(data[section][key])

    return AgendaSettings(
        reply_horizon_days=number("reply", "horizon_days"),
        reply_half_life_days=number("reply", "half_life_days"),
        thank_horizon_days=number("thank", "horizon_days"),
        thank_half_life_days=number("thank", "half_life_days"),
        owed_factor=number("owed", "factor"),
        stake_floor=number("stake", "floor"),
        per_repeat=number("boost", "per_repeat"),
        most_repeats=int(data["boost"]["most_repeats"]),
        question=number("boost", "question"),
        reconnect_post_days=number("reconnect", "post_days"),
        help_window_days=number("help", "window_days"),
        least_helped=int(data["help"]["least_helped"]),
        saturate_helped=int(data["help"]["saturate_helped"]),
        help_post_days=number("help", "post_days"),
        trip_lead_days=number("trip", "lead_days"),
        reasons={section: str(values["reason"]) for section, values in data.items()},
    )
