"""goodwill: trust earned from what people actually did with each other.

The public Python API. The ledger stores events; sources read inputs into events;
:func:`run_import` joins the two in one all-or-nothing transaction.
"""

from __future__ import annotations

from goodwill.errors import (
    AlgorithmInputError,
    GoodwillError,
    NotFoundError,
    SourceError,
    StoreError,
    UnknownSourceError,
)
from goodwill.events import KINDS, Event, EventKind, Identity, Rejected
from goodwill.importing import ImportSummary, run_import
from goodwill.ledger import Ledger, open_ledger, resolve_url
from goodwill.sources import Source, available_sources

__version__ = "0.1.0"

__all__ = [
    "KINDS",
    "AlgorithmInputError",
    "Event",
    "EventKind",
    "GoodwillError",
    "Identity",
    "ImportSummary",
    "Ledger",
    "NotFoundError",
    "Rejected",
    "Source",
    "SourceError",
    "StoreError",
    "UnknownSourceError",
    "__version__",
    "available_sources",
    "open_ledger",
    "resolve_url",
    "run_import",
]
