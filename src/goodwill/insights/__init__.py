"""Insights: what the owner should do next, and what the history says about people.

Trust (:mod:`goodwill.trust`) says how much; insights say what to do about it: answer,
thank, reconnect, help, beware of pitchers and rings, and share according to trust. Each
insight reads the ledger once through :func:`~goodwill.insights.activity.load_activity`,
answers in person ids, and carries the ids of the events behind every item, which
:func:`~goodwill.insights.citing.cite` shows. The owner's own decisions (done, snoozed,
dismissed, trips, results, pins) are notes in the ledger (:mod:`goodwill.insights.notes`).
"""

from __future__ import annotations

from goodwill.insights.activity import Activity, event_texts, identity_handles, load_activity
from goodwill.insights.citing import Cited, cite
from goodwill.insights.notes import NOTE_SOURCE, NewNote, Note, read_notes, record_notes

__all__ = [
    "NOTE_SOURCE",
    "Activity",
    "Cited",
    "NewNote",
    "Note",
    "cite",
    "event_texts",
    "identity_handles",
    "load_activity",
    "read_notes",
    "record_notes",
]
