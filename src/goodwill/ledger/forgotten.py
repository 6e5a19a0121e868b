"""What the store remembers of forgotten people: keyed digests, so they stay forgotten.

``goodwill forget`` erases a person, but the file they came from is still on the owner's
disk, and importing it again must not bring them back. So the ``forgotten`` table keeps,
for each forgotten identity, a keyed digest of its handle, and for each term that named
them (see :mod:`goodwill.ledger.redaction`) a digest of the term and of its first word.
The key is a random salt made once per store and kept in ``settings``.

What this protects and what it does not: nobody reading the table learns a handle or a
name from it, and a digest copied out is useless against another store. But whoever holds
the whole database file holds the salt too, and can test a guess ("was @ann@a.social
forgotten?"), because handles are guessable; the alternative, a slow hash, would make
every import pay for every new handle. Encrypt the store (docs/privacy.md) if that
matters.

Imports consult :func:`load_filter` once: ``None`` when nobody was ever forgotten, so the
common case costs one query per import and nothing per event.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, insert, select

from goodwill.events import Event, Identity, Link
from goodwill.ledger.redaction import Hasher, Redactor
from goodwill.ledger.schema import forgotten, settings

__all__ = [
    "SALT_KEY",
    "ForgottenFilter",
    "load_filter",
    "remember_forgotten",
    "store_hasher",
]

#: The settings row holding the store's forget salt (hex).
SALT_KEY = "forget_salt"


def store_hasher(conn: Connection, *, create: bool = False) -> Hasher | None:
    """The store's hasher, making its salt first when ``create`` (inside a write)."""
    value = conn.execute(select(settings.c.value).where(settings.c.key == SALT_KEY)).scalar()
    if value is None:
        if not create:
            return None
        value = secrets.token_hex(32)
        conn.execute(insert(settings), {"key": SALT_KEY, "value": value})
    return Hasher(bytes.fromhex(str(value)))


def remember_forgotten(
    conn: Connection,
    hasher: Hasher,
    handles: Iterable[str],
    terms: Iterable[Sequence[str]],
    *,
    now_us: int,
) -> None:
    """Record digests of forgotten handles and terms (those already held are kept once)."""
    rows = {("identity", hasher.identity(h)): 0 for h in handles}
    for term in terms:
        rows[("term", hasher.term(term))] = len(term)
        rows[("lead", hasher.term(term[:1]))] = 0
    held = {(k, d) for k, d in conn.execute(select(forgotten.c.kind, forgotten.c.digest))}
    new = [
        {"kind": kind, "digest": digest, "words": words, "forgotten_at": now_us}
        for (kind, digest), words in rows.items()
        if (kind, digest) not in held
    ]
    if new:
        conn.execute(insert(forgotten), new)


class ForgottenFilter:
    """What an import does about forgotten people: drops the identities, links and events
    that name them, and redacts them from the text and identifiers of the rest."""

    def __init__(self, hasher: Hasher, identities: set[str], redactor: Redactor) -> None:
        self.redactor = redactor
        self._hasher = hasher
        self._identities = identities
        self._verdicts: dict[str, bool] = {}

    def hides(self, handle: str | None) -> bool:
        """Whether ``handle`` belongs to a forgotten person."""
        if handle is None or not self._identities:
            return False
        verdict = self._verdicts.get(handle)
        if verdict is None:
            verdict = self._verdicts[handle] = self._hasher.identity(handle) in self._identities
        return verdict

    def identities(self, infos: Sequence[Identity]) -> list[Identity]:
        """What sources say about accounts, without the forgotten ones."""
        return [i for i in infos if not self.hides(i.handle)]

    def links(self, links: Sequence[Link]) -> list[Link]:
        """Links between the accounts that are not forgotten (a link left with one is none)."""
        kept = []
        for link in links:
            handles = tuple(h for h in link.handles if not self.hides(h))
            if len(handles) > 1:
                kept.append(dataclasses.replace(link, handles=handles))
        return kept

    def events(self, batch: Sequence[Event]) -> tuple[list[Event], int]:
        """The events that name no forgotten person, redacted, and how many were dropped."""
        kept: list[Event] = []
        redact = self.redactor
        for event in batch:
            if self.hides(event.actor) or self.hides(event.target):
                continue
            if redact:
                text, answers = redact.text(event.text), redact.identifier(event.answers)
                external_id = redact.identifier(event.external_id)
                if (text, answers, external_id) != (event.text, event.answers, event.external_id):
                    kept.append(
                        dataclasses.replace(
                            event, text=text, answers=answers, external_id=external_id or ""
                        )
                    )
                    continue
            kept.append(event)
        return kept, len(batch) - len(kept)


def load_filter(conn: Connection) -> ForgottenFilter | None:
    """The store's filter, or ``None`` when nobody has been forgotten."""
    if conn.execute(select(forgotten.c.digest).limit(1)).first() is None:
        return None
    hasher = store_hasher(conn)
    if hasher is None:
        return None
    identities: set[str] = set()
    terms: set[str] = set()
    leads: set[str] = set()
    lengths: set[int] = set()
    for kind, digest, words in conn.execute(
        select(forgotten.c.kind, forgotten.c.digest, forgotten.c.words)
    ):
        if kind == "identity":
            identities.add(digest)
        elif kind == "term":
            terms.add(digest)
            lengths.add(int(words))
        elif kind == "lead":
            leads.add(digest)
    return ForgottenFilter(hasher, identities, Redactor(hasher, terms, leads, lengths))
