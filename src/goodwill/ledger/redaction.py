"""Redacting a forgotten person from what other people wrote, without keeping their words.

When a person is forgotten, their handles and names must also leave the text of events
they are not part of ("thanks @ann@example.social!", "ask Ann Lee about it"), both in the
store and in whatever a later import brings. The store keeps only keyed digests of those
terms (see :mod:`goodwill.ledger.forgotten`), so matching works on digests too.

How a match is found:

- text is cut into **words**, runs of letters, digits and underscores (``\\w+``), each
  compared after Unicode NFKC normalization and case folding; so ``@Ann@Example.Social``
  and ``ann@example.social`` are the same three words;
- a **term** is a sequence of words: an identity's account (``@ann@example.social``,
  ``ann@example.com``, ``ann-lee-4f7a``), for a fediverse account also its short mention
  form (``@ann``), and each display name in full and up to its first separator
  (``Ann Lee | Growth mindset`` gives ``Ann Lee`` too). Terms under three characters are
  left alone: they would erase ordinary words;
- the longest term starting at each word wins, and its span, from its first word to its
  last, becomes ``[forgotten]``. What lies between words (``@``, ``.``) inside the span goes
  with it; an ``@`` before the first word stays.

Identifiers (an event's external id, the id it answers) are keys that other rows and later
imports must still match, so one that contains a term is replaced whole by ``forgotten:``
and its keyed digest: the same value on every import, so re-importing a file finds the
event already held instead of adding a copy.

>>> hasher = Hasher(b"k" * 32)
>>> redactor = Redactor.of(hasher, person_terms(["Ann Lee"], ["@ann@a.social"]))
>>> redactor.text("Thanks @ann@a.social, and ANN LEE, from Annie")
'Thanks @[forgotten], and [forgotten], from Annie'
>>> redactor.identifier("https://a.social/@ann/1").startswith("forgotten:")
True
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "REDACTED",
    "Hasher",
    "Redactor",
    "person_terms",
    "words_of",
]

#: What a redacted span of text becomes.
REDACTED = "[forgotten]"
#: The prefix of an identifier replaced by its digest.
IDENTIFIER_PREFIX = "forgotten:"
_WORD = re.compile(r"\w+")
_MIN_TERM_CHARS = 3
_NAME_SEPARATORS = re.compile(
    "\\s*[|(\\[,/\u00b7\u2014\u2013]"
)  # bar, brackets, comma, slash, dot, dashes
_CACHE_LIMIT = 200_000


def normalize(word: str) -> str:
    """A word as terms are compared: NFKC-normalized and case-folded."""
    return unicodedata.normalize("NFKC", word).casefold()


def words_of(text: str) -> tuple[str, ...]:
    """The normalized words of ``text``.

    >>> words_of("@Ann_Lee@Example.social")
    ('ann_lee', 'example', 'social')
    """
    return tuple(normalize(m.group()) for m in _WORD.finditer(text))


def person_terms(names: Iterable[str | None], accounts: Iterable[str]) -> list[tuple[str, ...]]:
    """The terms that name a person: their accounts and display names (see the module).

    >>> person_terms(["Bo Li | coach"], ["@bo@x.social", "bo@mail.example"])
    [('bo', 'x', 'social'), ('bo', 'mail', 'example'), ('bo', 'li', 'coach'), ('bo', 'li')]
    """
    found: dict[tuple[str, ...], None] = {}
    for account in accounts:
        found[words_of(account)] = None
        parts = account.split("@")
        if account.startswith("@") and len(parts) == 3:  # @user@server: also @user
            found[words_of(parts[1])] = None
    for name in names:
        if not name:
            continue
        found[words_of(name)] = None
        found[words_of(_NAME_SEPARATORS.split(name, maxsplit=1)[0])] = None
    return [t for t in found if sum(map(len, t)) >= _MIN_TERM_CHARS]


@dataclass(frozen=True)
class Hasher:
    """Keyed BLAKE2b digests under the store's own secret salt, one domain per use, so a
    digest copied out of one store says nothing in another."""

    salt: bytes
    _keyed: dict[bytes, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _digest(self, domain: bytes, data: str) -> str:
        keyed = self._keyed.get(domain)
        if keyed is None:  # keyed once per domain; a copy is half the cost of keying again
            keyed = self._keyed[domain] = hashlib.blake2b(
                key=self.salt, person=domain, digest_size=32
            )
        digest = keyed.copy()
        digest.update(data.encode("utf-8"))
        return str(digest.hexdigest())

    def identity(self, handle: str) -> str:
        """The digest of a handle, ``network:account`` exactly as the ledger holds it."""
        return self._digest(b"goodwill-ident", handle)

    def term(self, words: Sequence[str]) -> str:
        """The digest of a term (normalized words); a lone word's is its lead's as well."""
        return self._digest(b"goodwill-term", "\x1f".join(words))

    def identifier(self, value: str) -> str:
        """What a redacted identifier becomes (see the module)."""
        return IDENTIFIER_PREFIX + self._digest(b"goodwill-id", value)[:40]


class Redactor:
    """Finds terms by their digests in text and identifiers, and redacts them."""

    def __init__(self, hasher: Hasher, terms: set[str], leads: set[str], lengths: set[int]):
        self.hasher = hasher
        self._terms = terms
        self._leads = leads
        self._lengths = sorted(lengths, reverse=True)  # the longest match wins
        self._word_digests: dict[str, str] = {}
        self._seen: set[str] = set()  # words (as written) already classified
        self._lead_words: set[str] = set()  # ... and those that may start a term

    @classmethod
    def of(cls, hasher: Hasher, terms: Iterable[Sequence[str]]) -> Redactor:
        """A redactor for terms given in words (for the store's digests, see
        :func:`goodwill.ledger.forgotten.load_filter`)."""
        listed = [tuple(t) for t in terms if t]
        return cls(
            hasher,
            {hasher.term(t) for t in listed},
            {hasher.term(t[:1]) for t in listed},
            {len(t) for t in listed},
        )

    def __bool__(self) -> bool:
        return bool(self._terms)

    def _lead(self, word: str) -> str:
        digest = self._word_digests.get(word)
        if digest is None:
            if len(self._word_digests) >= _CACHE_LIMIT:
                self._word_digests.clear()
            digest = self._word_digests[word] = self.hasher.term((normalize(word),))
        return digest

    def _has_lead(self, words: list[str]) -> bool:
        """Whether any of ``words`` (as written) may start a term; each distinct word is
        hashed once, then remembered as a lead or not."""
        fresh = set(words).difference(self._seen)
        if fresh:
            if len(self._seen) + len(fresh) > _CACHE_LIMIT:
                self._seen.clear()
                self._lead_words.clear()
                fresh = set(words)
            self._seen |= fresh
            self._lead_words.update(w for w in fresh if self._lead(w) in self._leads)
        return not self._lead_words.isdisjoint(words)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where terms occur in ``text``: (start, end) character offsets, in order."""
        if not self._has_lead(_WORD.findall(text)):
            return []  # the common case, decided by set operations on the words
        tokens = list(_WORD.finditer(text))
        found: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            length = (
                self._match_at(tokens, i) if self._lead(tokens[i].group()) in self._leads else 0
            )
            if length:
                found.append((tokens[i].start(), tokens[i + length - 1].end()))
                i += length
            else:
                i += 1
        return found

    def _match_at(self, tokens: list[re.Match[str]], i: int) -> int:
        for length in self._lengths:
            if i + length > len(tokens):
                continue
            words = [normalize(t.group()) for t in tokens[i : i + length]]
            if self.hasher.term(words) in self._terms:
                return length
        return 0

    def text(self, text: str | None) -> str | None:
        """``text`` with every term replaced by :data:`REDACTED` (unchanged without one)."""
        if not text or not self._terms:
            return text
        spans = self.spans(text)
        if not spans:
            return text
        pieces, last = [], 0
        for start, end in spans:
            pieces += [text[last:start], REDACTED]
            last = end
        pieces.append(text[last:])
        return "".join(pieces)

    def identifier(self, value: str | None) -> str | None:
        """``value`` whole, or its digest when it contains a term (see the module)."""
        if not value or not self._terms or value.startswith(IDENTIFIER_PREFIX):
            return value
        return self.hasher.identifier(value) if self.spans(value) else value
