"""Writing what the ledger knows in other tools' formats: people as vCards, for now."""

from __future__ import annotations

from goodwill.export.contacts import Contact, contacts
from goodwill.export.vcard import card_text, write_vcards

__all__ = ["Contact", "card_text", "contacts", "write_vcards"]
