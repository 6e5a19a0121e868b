"""Merge suggestions on the people page, and accepting one: the ledger's own candidates
(``goodwill merge --suggest``) and the same merge ``goodwill merge PERSON OTHER`` makes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from goodwill.events import now_us
from goodwill.ledger import Ledger
from goodwill.ledger.people import merge_people
from goodwill.ledger.queries import find_person, person_names
from goodwill.ledger.resolution import suggest_merges
from goodwill.web.models import MergeEvidenceOut, MergeSuggestionOut

__all__ = ["SUGGESTIONS_SHOWN", "Merged", "merge", "merge_suggestions"]

#: Suggestions on the people page, most likely first (``merge --suggest`` lists more).
SUGGESTIONS_SHOWN = 10
_EVIDENCE_SHOWN = 3  # as the CLI's table shows


def merge_suggestions(
    conn: Connection, *, limit: int = SUGGESTIONS_SHOWN, min_confidence: float = 0.5
) -> list[MergeSuggestionOut]:
    """Pairs of people who are probably one, with the evidence, most likely first (the
    CLI's default threshold: a bio merely naming an account is left out)."""
    return [
        MergeSuggestionOut(
            person=s.person,
            other=s.other,
            person_name=s.person_name,
            other_name=s.other_name,
            confidence=s.confidence,
            evidence=[
                MergeEvidenceOut(reason=e.reason, detail=e.detail, confidence=e.confidence)
                for e in s.evidence[:_EVIDENCE_SHOWN]
            ],
        )
        for s in suggest_merges(conn, min_confidence=min_confidence, limit=limit)
    ]


@dataclass(frozen=True, slots=True)
class Merged:
    """A merge just recorded: its id (for ``goodwill unmerge``) and who became whom."""

    merge_id: int
    survivor: int
    merged: int
    survivor_name: str
    merged_name: str


def merge(ledger: Ledger, person: str, other: str, *, reason: str | None) -> Merged:
    """Merge ``other`` into ``person`` (ids, handles or names), as ``goodwill merge`` does."""
    with ledger.write() as conn:
        survivor, merged = find_person(conn, person), find_person(conn, other)
        names = person_names(conn, [survivor, merged])
        merge_id = merge_people(conn, survivor, merged, reason=reason, now_us=now_us())
    return Merged(merge_id, survivor, merged, names.get(survivor, "?"), names.get(merged, "?"))
