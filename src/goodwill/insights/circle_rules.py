"""The thresholds of the circles of trust, as data: ``circles.toml`` and a user's overrides.

The defaults live in ``circles.toml`` beside this module, each circle with its reason. A
user's own TOML file overrides them key by key, so it names only what it changes::

    [referral]
    active_weeks = 40

Loading checks every value, and that the circles stay nested (each at least as demanding
as the one wider than it, on every figure), and names the file and key of anything wrong.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from goodwill.errors import AlgorithmInputError
from goodwill.settings_files import read_settings_file

__all__ = ["TIERS", "CircleRules", "Tier", "default_rules", "load_rules"]

#: The circles, widest first: each holds everyone in the ones after it.
TIERS = ("acquaintance", "friend", "endorsed", "referral")
_AT_LEAST = ("trust", "trusted", "exchanges", "active_weeks", "standing")
_AT_MOST = ("uncertainty",)
_RANGES = {
    "trust": (0.0, 1.0),
    "trusted": (0.0, 1.0),
    "uncertainty": (0.0, 1.0),
    "exchanges": (0.0, math.inf),
    "active_weeks": (0.0, math.inf),
    "standing": (-1.0, 1.0),
}
_SECTIONS = {**{tier: {*_RANGES, "reason"} for tier in TIERS}, "cooling": {"highest", "reason"}}


@dataclass(frozen=True, slots=True)
class Tier:
    """What a relationship must show to be in one circle (see ``circles.toml``)."""

    name: str
    trust: float
    trusted: float
    uncertainty: float
    exchanges: int
    active_weeks: int
    standing: float
    reason: str = ""

    def summary(self) -> str:
        """The thresholds in one line, as evidence.

        >>> default_rules().tier("endorsed").summary()
        'trust ≥ 0.9, theirs ≥ 0.85, uncertainty ≤ 0.3, ≥ 6 weeks of exchange, ≥ 12 active weeks, standing ≥ 0'
        """
        return (
            f"trust ≥ {self.trust:g}, theirs ≥ {self.trusted:g}, "
            f"uncertainty ≤ {self.uncertainty:g}, ≥ {self.exchanges} weeks of exchange, "
            f"≥ {self.active_weeks} active weeks, standing ≥ {self.standing:g}"
        )


@dataclass(frozen=True, slots=True)
class CircleRules:
    """Every circle's thresholds, widest first, and how far a cooling relationship may rise."""

    tiers: tuple[Tier, ...]
    cooling_highest: str
    cooling_reason: str = ""
    source: str = "defaults"

    def tier(self, name: str) -> Tier:
        """The thresholds of the circle called ``name``."""
        return self.tiers[TIERS.index(name)]


def default_rules() -> CircleRules:
    """The circles shipped with goodwill.

    >>> [t.name for t in default_rules().tiers]
    ['acquaintance', 'friend', 'endorsed', 'referral']
    """
    return _build(_defaults(), "goodwill's default circles")


def load_rules(path: Path | str | None = None) -> CircleRules:
    """The default circles with ``path``'s settings laid over them (or the defaults alone)."""
    if path is None:
        return default_rules()
    path = Path(path)
    overrides = read_settings_file(path, "circles file")
    _check_names(overrides, str(path))
    merged = _defaults()
    for section, values in overrides.items():
        merged[section].update(values)
    return _build(merged, str(path))


def _defaults() -> dict[str, Any]:
    text = files("goodwill.insights").joinpath("circles.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _check_names(data: dict[str, Any], where: str) -> None:
    """Refuse sections and keys the rules do not have, so a typo is not silently ignored."""
    for section, values in data.items():
        if section not in _SECTIONS:
            known = ", ".join(_SECTIONS)
            raise AlgorithmInputError(
                f"{where}: there is no circle [{section}]; sections are: {known}"
            )
        if not isinstance(values, dict):
            raise AlgorithmInputError(f"{where}: [{section}] must be a table")
        for key in sorted(set(values) - _SECTIONS[section]):
            known = ", ".join(sorted(_SECTIONS[section]))
            raise AlgorithmInputError(
                f"{where}: [{section}] has no setting {key!r}; settings are: {known}"
            )


def _number(values: dict[str, Any], section: str, key: str, where: str) -> float:
    value = values.get(key)
    low, high = _RANGES[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise AlgorithmInputError(f"{where}: [{section}] {key} must be a number, not {value!r}")
    if not low <= value <= high:
        raise AlgorithmInputError(
            f"{where}: [{section}] {key} must be between {low:g} and {high:g}, not {value}"
        )
    if key in ("exchanges", "active_weeks") and value != int(value):
        raise AlgorithmInputError(f"{where}: [{section}] {key} must be a whole number of weeks")
    return float(value)


def _build(data: dict[str, Any], where: str) -> CircleRules:
    _check_names(data, where)
    tiers = []
    for name in TIERS:
        values = data.get(name, {})
        got = {key: _number(values, name, key, where) for key in _RANGES}
        tiers.append(
            Tier(
                name,
                trust=got["trust"],
                trusted=got["trusted"],
                uncertainty=got["uncertainty"],
                exchanges=int(got["exchanges"]),
                active_weeks=int(got["active_weeks"]),
                standing=got["standing"],
                reason=str(values.get("reason", "")),
            )
        )
    for wider, narrower in itertools.pairwise(tiers):
        for key in _AT_LEAST + _AT_MOST:
            bar, wider_bar = getattr(narrower, key), getattr(wider, key)
            if (bar > wider_bar) if key in _AT_MOST else (bar < wider_bar):
                raise AlgorithmInputError(
                    f"{where}: [{narrower.name}] {key} = {bar:g} is looser than "
                    f"[{wider.name}]'s {wider_bar:g}; circles are nested, so each must be at "
                    "least as demanding as the one wider than it"
                )
    cooling = data.get("cooling", {})
    highest = cooling.get("highest")
    if highest not in (*TIERS, "none"):
        raise AlgorithmInputError(
            f"{where}: [cooling] highest must be one of {', '.join((*TIERS, 'none'))}, "
            f"not {highest!r}"
        )
    return CircleRules(tuple(tiers), str(highest), str(cooling.get("reason", "")), where)
