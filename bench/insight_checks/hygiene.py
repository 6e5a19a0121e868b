"""Hygiene detectors against a demo world's truth: pitchers, churners, blasters, the ring.

Scored over people as the truth knows them: a truth person is found when any of their
ledger people (the demo does not merge every identity of a person) is flagged at the
report's confidence floor, and a flagged ledger person that is nobody in the truth counts
against precision.
"""

from __future__ import annotations

from typing import Any

from goodwill.insights import load_activity
from goodwill.insights.hygiene import Lookups, hygiene_report, load_settings
from goodwill.ledger import Ledger
from goodwill.ledger.people import identity_person

DETECTORS = {"pitchers": ("pitch", "pitcher"), "churners": ("churn", "churner"),
             "blasters": ("blast", "blaster"), "ring": ("ring", "ring")}  # fmt: skip


def measure(ledger: Ledger, installed: Any) -> dict[str, dict[str, float]]:
    """Precision and recall per detector over the world's people."""
    truth = installed.truth
    settings = load_settings()
    with ledger.read() as conn:
        activity = load_activity(conn, until_us=installed.year_end_us)
        report = hygiene_report(activity, Lookups.of(conn), settings)
        whose = {
            identity_person(conn, handle): p["person"]
            for p in truth["people"]
            for handle in p["identities"]
        }
    role = {p["person"]: p["role"] for p in truth["people"]}
    scores: dict[str, dict[str, float]] = {}
    for name, (detector, wanted) in DETECTORS.items():
        flagged = {
            whose.get(f.person, f"ledger-person-{f.person}")
            for f in report.of(detector)
            if f.confidence >= settings.min_confidence
        }
        expected = {person for person, r in role.items() if r == wanted}
        hits = len(flagged & expected)
        scores[name] = {
            "precision": hits / len(flagged) if flagged else 0.0,
            "recall": hits / len(expected) if expected else 0.0,
            "found": float(len(flagged)),
            "truth": float(len(expected)),
        }
    return scores
