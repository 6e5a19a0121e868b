"""Hygiene: the people whose activity is noise, and the owner's own blast warning.

Four detectors, one module each, all reading :class:`~goodwill.insights.activity.Activity`
columns and answering with :class:`Flag` s (person, confidence, one-line reason, the
events behind it):

- :mod:`.pitches`: a stranger's first contact that sells;
- :mod:`.churn`: follow, wait for the follow-back, unfollow;
- :mod:`.blasts`: near-identical texts to many people in one sitting (the owner's too);
- :mod:`.rings`: small dense groups that mostly like and share one another.

Their thresholds are data with reasons (``hygiene.toml``, :func:`load_settings`).
:func:`hygiene_report` runs them all; :func:`flagged_people` gives the agenda the people
to leave out.
"""

from __future__ import annotations

from goodwill.insights.hygiene.blasts import BlastSettings, Campaign, detect_blasts, find_campaigns
from goodwill.insights.hygiene.churn import ChurnSettings, detect_churn, follow_cycles
from goodwill.insights.hygiene.flags import DETECTORS, Flag, Lookups, noisy_or
from goodwill.insights.hygiene.pitches import PitchSettings, detect_pitches
from goodwill.insights.hygiene.report import HygieneReport, flagged_people, hygiene_report
from goodwill.insights.hygiene.rings import RingSettings, detect_rings
from goodwill.insights.hygiene.settings import HygieneSettings, load_settings

__all__ = [
    "DETECTORS",
    "BlastSettings",
    "Campaign",
    "ChurnSettings",
    "Flag",
    "HygieneReport",
    "HygieneSettings",
    "Lookups",
    "PitchSettings",
    "RingSettings",
    "detect_blasts",
    "detect_churn",
    "detect_pitches",
    "detect_rings",
    "find_campaigns",
    "flagged_people",
    "follow_cycles",
    "hygiene_report",
    "load_settings",
    "noisy_or",
]
