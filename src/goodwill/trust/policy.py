"""The evidence policy: plain data saying how each kind of event becomes trust.

The defaults live in ``policy.toml`` beside this module, each with its reason. A user's own
TOML file overrides them key by key, so it names only what it changes::

    [decay]
    half_life_days = 60

    [kinds.like]
    earns = 0.0

Loading checks every value and names the file and the key of anything it cannot use.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from goodwill.errors import AlgorithmInputError
from goodwill.events import KINDS, NOTE_KINDS
from goodwill.settings_files import read_settings_file

__all__ = ["KindRule", "Policy", "default_policy", "load_policy"]

_SECTIONS = {
    "decay": {"half_life_days"},
    "saturation": {"window_days", "ceiling"},
    "negative": {"factor"},
    "reciprocity": {"bonus"},
    "opinion": {"prior_weight", "base_rate"},
    "stages": {"exchanges_to_establish", "windows_to_settle", "cooling_rhythms"},
    "outlook": {"horizon_days", "prior_gap_days"},
}
_RULE_KEYS = {"earns", "states", "value_scale", "lasting", "earns_standing", "reason"}


@dataclass(frozen=True, slots=True)
class KindRule:
    """What one kind of event is evidence of.

    ``earns``: weight of the target's trust in the actor (the actor did something for them).
    ``states``: weight of the actor's own trust in the target (an explicit judgement).
    ``value_scale``: when set, the event's value divided by it multiplies both weights
    (a rating of -10 on a scale of 10 is evidence of weight -1 times the rule's weight).
    ``lasting``: a standing statement that does not decay until withdrawn.
    ``earns_standing``: whether what the actor earns also counts in the actor's standing.
    Off for a rating: being rated is something done *to* the target, and how the target
    takes it (a grudge for a -10, gratitude for a +10) belongs to the pair, not to
    everyone's view of the rater, or every honest warning about a fraudster would earn
    its author the fraudster's distrust in public.
    """

    kind: str
    earns: float = 0.0
    states: float = 0.0
    value_scale: float | None = None
    lasting: bool = False
    reason: str = ""
    earns_standing: bool = True


@dataclass(frozen=True, slots=True)
class Policy:
    """Every number the evidence computation uses; see ``policy.toml`` for their reasons."""

    half_life_days: float
    window_days: float
    ceiling: float
    negative_factor: float
    reciprocity_bonus: float
    prior_weight: float
    base_rate: float
    exchanges_to_establish: int
    windows_to_settle: int
    cooling_rhythms: float
    horizon_days: float
    prior_gap_days: float
    rules: Mapping[str, KindRule]
    reasons: Mapping[str, str] = field(default_factory=dict)
    source: str = "defaults"

    def rule(self, kind: str) -> KindRule:
        """The rule for ``kind``; a kind the policy does not name is evidence of nothing."""
        return self.rules.get(kind) or KindRule(kind)


def default_policy() -> Policy:
    """The policy shipped with goodwill.

    >>> default_policy().rule("reply").earns
    1.0
    """
    text = files("goodwill.trust").joinpath("policy.toml").read_text(encoding="utf-8")
    return _build(tomllib.loads(text), "goodwill's default policy")


def load_policy(path: Path | str | None = None) -> Policy:
    """The default policy with ``path``'s settings laid over it (or the defaults alone)."""
    if path is None:
        return default_policy()
    path = Path(path)
    overrides = read_settings_file(path, "policy file")
    text = files("goodwill.trust").joinpath("policy.toml").read_text(encoding="utf-8")
    merged = tomllib.loads(text)
    _check_names(overrides, str(path))
    for section, values in overrides.items():
        if section == "kinds":
            for kind, rule in values.items():
                merged["kinds"].setdefault(kind, {}).update(rule)
        else:
            merged[section].update(values)
    return _build(merged, str(path))


def _check_names(data: dict[str, Any], where: str) -> None:
    """Refuse sections and keys the policy does not have, so a typo is not silently ignored."""
    for section, values in data.items():
        if section == "kinds":
            if not isinstance(values, dict):
                raise AlgorithmInputError(f"{where}: [kinds] must be a table of kinds")
            for kind, rule in values.items():
                if kind not in KINDS - NOTE_KINDS:
                    known = ", ".join(sorted(KINDS - NOTE_KINDS))
                    raise AlgorithmInputError(
                        f"{where}: [kinds.{kind}] is not an event kind; kinds are: {known}"
                    )
                if not isinstance(rule, dict):
                    raise AlgorithmInputError(f"{where}: [kinds.{kind}] must be a table")
                for key in set(rule) - _RULE_KEYS:
                    raise AlgorithmInputError(
                        f"{where}: [kinds.{kind}] has no setting {key!r}; "
                        f"settings are: {', '.join(sorted(_RULE_KEYS))}"
                    )
            continue
        if section not in _SECTIONS:
            known = ", ".join(sorted([*_SECTIONS, "kinds"]))
            raise AlgorithmInputError(
                f"{where}: the policy has no section [{section}]; sections are: {known}"
            )
        if not isinstance(values, dict):
            raise AlgorithmInputError(f"{where}: [{section}] must be a table")
        for key in set(values) - _SECTIONS[section] - {"reason"}:
            raise AlgorithmInputError(
                f"{where}: [{section}] has no setting {key!r}; "
                f"settings are: {', '.join(sorted(_SECTIONS[section]))}"
            )


def _number(
    data: dict[str, Any], section: str, key: str, where: str, *, low: float, endless: bool = False
) -> float:
    value = data.get(section, {}).get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise AlgorithmInputError(f"{where}: [{section}] {key} must be a number, not {value!r}")
    if math.isinf(value) and not (endless and value > 0):
        raise AlgorithmInputError(f"{where}: [{section}] {key} must be finite, not {value!r}")
    if value < low:
        raise AlgorithmInputError(f"{where}: [{section}] {key} must be at least {low}, not {value}")
    return float(value)


def _positive(
    data: dict[str, Any], section: str, key: str, where: str, *, endless: bool = False
) -> float:
    value = _number(data, section, key, where, low=0.0, endless=endless)
    if value == 0:
        raise AlgorithmInputError(f"{where}: [{section}] {key} must be greater than 0")
    return value


def _build(data: dict[str, Any], where: str) -> Policy:
    _check_names(data, where)
    rules: dict[str, KindRule] = {}
    for kind, rule in data.get("kinds", {}).items():
        weights = {}
        for key in ("earns", "states"):
            value = rule.get(key, 0.0)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise AlgorithmInputError(
                    f"{where}: [kinds.{kind}] {key} must be a number, not {value!r}"
                )
            if not math.isfinite(value):
                raise AlgorithmInputError(f"{where}: [kinds.{kind}] {key} must be finite")
            weights[key] = float(value)
        scale = rule.get("value_scale")
        if scale is not None:
            scale = _positive({"k": rule}, "k", "value_scale", f"{where}: [kinds.{kind}]")
        lasting, earns_standing = (
            _flag(rule, kind, "lasting", False, where),
            _flag(rule, kind, "earns_standing", True, where),
        )
        rules[kind] = KindRule(
            kind,
            weights["earns"],
            weights["states"],
            scale,
            lasting,
            rule.get("reason", ""),
            earns_standing,
        )
    base_rate = _number(data, "opinion", "base_rate", where, low=0.0)
    if base_rate > 1:
        raise AlgorithmInputError(f"{where}: [opinion] base_rate must be at most 1")
    reasons = {name: str(data[name].get("reason", "")) for name in _SECTIONS if name in data}
    return Policy(
        half_life_days=_positive(data, "decay", "half_life_days", where, endless=True),
        window_days=_positive(data, "saturation", "window_days", where),
        ceiling=_number(data, "saturation", "ceiling", where, low=1.0),
        negative_factor=_number(data, "negative", "factor", where, low=1.0),
        reciprocity_bonus=_number(data, "reciprocity", "bonus", where, low=0.0),
        prior_weight=_positive(data, "opinion", "prior_weight", where),
        base_rate=base_rate,
        exchanges_to_establish=int(_number(data, "stages", "exchanges_to_establish", where, low=1)),
        windows_to_settle=int(_number(data, "stages", "windows_to_settle", where, low=1)),
        cooling_rhythms=_number(data, "stages", "cooling_rhythms", where, low=1.0),
        horizon_days=_positive(data, "outlook", "horizon_days", where),
        prior_gap_days=_positive(data, "outlook", "prior_gap_days", where),
        rules=rules,
        reasons=reasons,
        source=where,
    )


def _flag(rule: Mapping[str, object], kind: str, key: str, default: bool, where: str) -> bool:
    """A true/false setting of a kind's rule, or an error naming the file and the key."""
    value = rule.get(key, default)
    if not isinstance(value, bool):
        raise AlgorithmInputError(
            f"{where}: [kinds.{kind}] {key} must be true or false, not {value!r}"
        )
    return value
