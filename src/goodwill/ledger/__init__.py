"""The ledger: goodwill's append-only store of identities, people, events and imports.

Only the ledger writes. Sources yield records; :class:`EventWriter` appends them inside one
transaction, keyed so that a repeated import is a no-op.
"""

from __future__ import annotations

from goodwill.ledger.location import default_url, resolve_url
from goodwill.ledger.store import Ledger, open_ledger

__all__ = ["Ledger", "default_url", "open_ledger", "resolve_url"]
