"""Advocates and open complaints, scored against a demo world's truth.

- ``advocates``: the people ``goodwill advocates`` marks as advocates, against the truth's
  role ``advocate``.
- ``complaints-unanswered``: the people ``goodwill brand`` lists with a complaint still
  open at the end of the year, against the role ``customer-complaint-unanswered``.

The ledger keeps each account as its own person until the owner merges them, so a found
person is mapped to the truth's person through its identities: a truth person is found
when any of their accounts is, and a found account of someone else is a false positive.
"""

from __future__ import annotations

from typing import Any

from goodwill.demo import InstalledDemo
from goodwill.insights import load_activity
from goodwill.insights.advocates import rank_advocates
from goodwill.insights.brand import brand_report
from goodwill.ledger import Ledger
from goodwill.ledger.people import identity_person


def _score(found: set[str], truth: set[str]) -> dict[str, float]:
    hits = len(found & truth)
    return {
        "precision": hits / len(found) if found else 0.0,
        "recall": hits / len(truth) if truth else 0.0,
        "found": float(len(found)),
        "truth": float(len(truth)),
    }


def measure(ledger: Ledger, installed: InstalledDemo) -> dict[str, dict[str, float]]:
    """Precision and recall of the advocate mark and of open complaints, by truth person."""
    truth: dict[str, Any] = installed.truth
    with ledger.read() as conn:
        whose = {
            identity_person(conn, handle): entry["person"]
            for entry in truth["people"]
            for handle in entry["identities"]
        }
        activity = load_activity(conn, until_us=installed.year_end_us)
        advocates = {a.person for a in rank_advocates(conn, activity) if a.is_advocate}
        open_complaints = set(brand_report(conn, activity).open_complaints)
    roles = {entry["person"]: entry["role"] for entry in truth["people"]}

    def people(found: set[int]) -> set[str]:
        return {whose.get(p, f"unknown:{p}") for p in found}

    def of_role(role: str) -> set[str]:
        return {p for p, r in roles.items() if r == role}

    return {
        "advocates": _score(people(advocates), of_role("advocate")),
        "complaints-unanswered": _score(
            people(open_complaints), of_role("customer-complaint-unanswered")
        ),
    }
