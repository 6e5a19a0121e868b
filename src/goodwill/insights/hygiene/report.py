"""One hygiene pass: every detector over one Activity, flags grouped, the owner's apart.

:func:`hygiene_report` is what ``goodwill hygiene`` shows; :func:`flagged_people` is what
the agenda uses to leave noise out (a pitcher's unanswered message is not a to-do). A
person flagged as a blaster is not also listed as a pitcher: their first contact was one
copy of the blast, and listing it twice would count one act as two.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from goodwill.errors import AlgorithmInputError
from goodwill.insights.activity import Activity
from goodwill.insights.hygiene.blasts import detect_blasts
from goodwill.insights.hygiene.churn import detect_churn
from goodwill.insights.hygiene.flags import DETECTORS, Flag, Lookups
from goodwill.insights.hygiene.pitches import detect_pitches
from goodwill.insights.hygiene.rings import detect_rings
from goodwill.insights.hygiene.settings import HygieneSettings, load_settings

__all__ = ["HygieneReport", "flagged_people", "hygiene_report"]


@dataclass(frozen=True, slots=True)
class HygieneReport:
    """Flags on other people, by detector then confidence, and the owner's own warnings."""

    at_us: int
    flags: tuple[Flag, ...]
    own: tuple[Flag, ...]

    def of(self, detector: str) -> list[Flag]:
        """The flags of one detector, most certain first."""
        return [f for f in self.flags if f.detector == detector]


def hygiene_report(
    activity: Activity,
    lookups: Lookups,
    settings: HygieneSettings | None = None,
    *,
    detectors: Iterable[str] = DETECTORS,
) -> HygieneReport:
    """Run the chosen detectors (all by default) and sort what they flag."""
    settings = settings or load_settings()
    wanted = set(detectors)
    unknown = wanted - set(DETECTORS)
    if unknown:
        raise AlgorithmInputError(
            f"no hygiene detector {', '.join(sorted(unknown))}; detectors: {', '.join(DETECTORS)}"
        )
    found: list[Flag] = []
    # blasts run whenever pitches do: a blaster's pitch is listed under blasts only
    blasts = (
        detect_blasts(activity, lookups, settings.blasts) if wanted & {"blast", "pitch"} else []
    )
    if "pitch" in wanted:
        blasters = {f.person for f in blasts}
        found += [
            f
            for f in detect_pitches(activity, lookups, settings.pitches)
            if f.person not in blasters
        ]
    if "churn" in wanted:
        found += detect_churn(activity, settings.churn)
    if "blast" in wanted:
        found += blasts
    if "ring" in wanted:
        found += detect_rings(activity, settings.rings)
    rank = {name: index for index, name in enumerate(DETECTORS)}
    found.sort(key=lambda f: (rank[f.detector], -f.confidence, f.person))
    owner = activity.owner
    return HygieneReport(
        at_us=activity.at_us,
        flags=tuple(f for f in found if f.person != owner),
        own=tuple(f for f in found if f.person == owner),
    )


def flagged_people(
    activity: Activity,
    lookups: Lookups | None = None,
    *,
    settings: HygieneSettings | None = None,
    min_confidence: float | None = None,
    report: HygieneReport | None = None,
) -> dict[int, str]:
    """People whose activity is noise (pitches, churn, blasts, rings), each with the reason.

    For the agenda's ``exclude``: ``flagged_people(activity, Lookups.of(conn))`` while the
    connection is open. Only flags at ``min_confidence`` or above count (by default the
    ``[report]`` setting of ``hygiene.toml``); the owner is never in it. A person with
    several flags gets their reasons joined, most certain first. A ``report`` already made
    by :func:`hygiene_report` over the same activity and settings is used as it is.
    """
    settings = settings or load_settings()
    floor = settings.min_confidence if min_confidence is None else min_confidence
    if report is None:
        report = hygiene_report(activity, lookups or Lookups.none(), settings)
    reasons: dict[int, list[tuple[float, str]]] = {}
    for flag in report.flags:
        if flag.confidence >= floor:
            reasons.setdefault(flag.person, []).append(
                (flag.confidence, f"{flag.detector}: {flag.reason}")
            )
    return {
        person: "; ".join(text for _, text in sorted(found, key=lambda pair: -pair[0]))
        for person, found in reasons.items()
    }
