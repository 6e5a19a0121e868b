from __future__ import annotations

import math
from pathlib import Path

import pytest

from goodwill.errors import AlgorithmInputError
from goodwill.events import KINDS, NOTE_KINDS
from goodwill.trust.policy import default_policy, load_policy


def test_every_default_carries_a_reason() -> None:
    policy = default_policy()
    for section in (
        "decay",
        "saturation",
        "negative",
        "reciprocity",
        "opinion",
        "stages",
        "outlook",
    ):
        assert len(policy.reasons[section]) > 20, section
    for kind in KINDS - NOTE_KINDS:
        assert kind in policy.rules, f"the default policy says nothing about {kind}"
        assert len(policy.rules[kind].reason) > 20, kind


def test_a_user_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    own = tmp_path / "mine.toml"
    own.write_text("[decay]\nhalf_life_days = 30\n[kinds.like]\nearns = 0.0\n")
    policy = load_policy(own)
    defaults = default_policy()
    assert policy.half_life_days == 30
    assert policy.rule("like").earns == 0
    assert policy.rule("like").reason == defaults.rule("like").reason
    assert policy.rule("reply") == defaults.rule("reply")
    assert policy.negative_factor == defaults.negative_factor
    assert policy.source == str(own)


def test_endless_half_life_is_allowed(tmp_path: Path) -> None:
    own = tmp_path / "forever.toml"
    own.write_text("[decay]\nhalf_life_days = inf\n")
    assert math.isinf(load_policy(own).half_life_days)


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("[decay]\nhalflife = 3\n", "[decay] has no setting 'halflife'"),
        ("[decay]\nhalf_life_days = -3\n", "half_life_days must be at least 0"),
        ("[decay]\nhalf_life_days = 'long'\n", "must be a number"),
        ("[kinds.hug]\nearns = 1\n", "[kinds.hug] is not an event kind"),
        ("[kinds.like]\nearn = 1\n", "[kinds.like] has no setting 'earn'"),
        ("[kinds.like]\nlasting = 'yes'\n", "lasting must be true or false"),
        ("[kinds.rating]\nearns_standing = 1\n", "earns_standing must be true or false"),
        ("[opinion]\nbase_rate = 2\n", "base_rate must be at most 1"),
        ("[saturation]\nceiling = 0.5\n", "ceiling must be at least 1"),
        ("[weights]\nx = 1\n", "no section [weights]"),
        ("[decay\n", "not valid TOML"),
        ("[negative]\nfactor = inf\n", "must be finite"),
    ],
)
def test_bad_policy_files_say_where_and_what(tmp_path: Path, text: str, complaint: str) -> None:
    own = tmp_path / "bad.toml"
    own.write_text(text)
    with pytest.raises(AlgorithmInputError) as caught:
        load_policy(own)
    assert complaint in str(caught.value)
    assert str(own) in str(caught.value)


def test_a_missing_policy_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(AlgorithmInputError, match="does not exist"):
        load_policy(tmp_path / "nowhere.toml")


def test_only_ratings_earn_outside_standing() -> None:
    policy = default_policy()
    assert [k for k, rule in policy.rules.items() if not rule.earns_standing] == ["rating"]
