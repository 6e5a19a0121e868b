"""The hygiene thresholds: plain data in ``hygiene.toml``, each value with its reason.

The defaults live beside this module. A user's TOML file overrides them by name with plain
values (``[churn] window_days = 14``); a section or a name the defaults do not have is an
error that says which ones exist, so a typo is never silently ignored.

>>> load_settings().churn.window_days
30.0
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from importlib.resources import files
from pathlib import Path
from typing import Any

from goodwill.errors import AlgorithmInputError
from goodwill.insights.hygiene.blasts import BlastSettings
from goodwill.insights.hygiene.churn import ChurnSettings
from goodwill.insights.hygiene.pitches import PitchSettings
from goodwill.insights.hygiene.rings import RingSettings
from goodwill.settings_files import read_settings_file

__all__ = ["HygieneSettings", "load_settings"]

_SECTIONS: dict[str, type[Any]] = {
    "pitches": PitchSettings,
    "churn": ChurnSettings,
    "blasts": BlastSettings,
    "rings": RingSettings,
}


@dataclass(frozen=True, slots=True)
class HygieneSettings:
    """Every hygiene threshold; ``reasons`` maps ``section.name`` to why it has its value."""

    pitches: PitchSettings
    churn: ChurnSettings
    blasts: BlastSettings
    rings: RingSettings
    min_confidence: float
    reasons: Mapping[str, str]
    source: str = "defaults"


def _defaults() -> dict[str, dict[str, dict[str, Any]]]:
    text = files("goodwill.insights.hygiene").joinpath("hygiene.toml").read_text("utf-8")
    return tomllib.loads(text)


def load_settings(path: Path | str | None = None) -> HygieneSettings:
    """The default thresholds, with ``path``'s values laid over them when given."""
    merged = _defaults()
    where = "goodwill's default hygiene settings"
    if path is not None:
        where = str(path)
        overrides = read_settings_file(path, "hygiene settings file")
        for section, values in overrides.items():
            if section not in merged or not isinstance(values, dict):
                known = ", ".join(sorted(merged))
                raise AlgorithmInputError(f"{path}: no section [{section}]; sections: {known}")
            for name, value in values.items():
                if name not in merged[section]:
                    known = ", ".join(sorted(merged[section]))
                    raise AlgorithmInputError(
                        f"{path}: [{section}] has no setting {name!r}; settings: {known}"
                    )
                merged[section][name] = {**merged[section][name], "value": value}
    reasons = {
        f"{section}.{name}": str(entry.get("reason", ""))
        for section, values in merged.items()
        for name, entry in values.items()
    }
    built = {name: _build(kind, merged[name], name, where) for name, kind in _SECTIONS.items()}
    return HygieneSettings(
        **built,
        min_confidence=_value(merged["report"], "report", "min_confidence", float, where),
        reasons=reasons,
        source=where,
    )


def _build(kind: type[Any], values: dict[str, dict[str, Any]], section: str, where: str) -> Any:
    """One detector's settings from its TOML section; every field must be there."""
    wanted = {f.name: f.type for f in fields(kind)}
    missing = set(wanted) - set(values)
    if missing:
        raise AlgorithmInputError(f"{where}: [{section}] lacks {', '.join(sorted(missing))}")
    converters = {"int": int, "float": float}
    return kind(
        **{
            name: _value(values, section, name, converters[str(typ)], where)
            for name, typ in wanted.items()
        }
    )


def _value(
    values: dict[str, dict[str, Any]], section: str, name: str, convert: type, where: str
) -> Any:
    """A non-negative finite number; an int setting must be whole."""
    value = values[name]["value"]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AlgorithmInputError(f"{where}: [{section}] {name} must be a number, not {value!r}")
    if value < 0:
        raise AlgorithmInputError(f"{where}: [{section}] {name} must not be negative")
    if convert is int and value != int(value):
        raise AlgorithmInputError(f"{where}: [{section}] {name} must be a whole number")
    return convert(value)
