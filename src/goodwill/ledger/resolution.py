"""Candidate merges: people who are probably one person, each with its evidence.

One person often has many accounts. goodwill joins them only on the user's word (``goodwill
merge``, a contact card); this module finds the candidates and says why. Evidence comes from
what sources recorded about identities, never from display names: two people called Ann Lee
are not one person for sharing a name.

Every identity is what its handle says. An identity's attributes make *claims* about other
accounts, each with a role:

- **is**: the attribute says it is this account too: an email address in an ``email``
  attribute, an X ``account_id`` (the same account as ``x:id:NUMBER``), a Mastodon
  ``also_known_as`` (a moved account), a Bluesky ``handle`` or ``bluesky_handle``, the
  ``vcard`` UID of the contact card it came from;
- **links**: a profile's link fields (``link:NAME``, ``website``, ``url``) name the account;
- **mentions**: free text (a bio, a note) names it.

People making claims about the same account are paired, and each pair gets a confidence:

=================  ===================  ==========
roles              example              confidence
=================  ===================  ==========
is, is             same email, same     0.85-0.99
                   card, same X number
is, links          a profile links      0.8
                   the other's account
is, mentions       a bio names the      0.4 (0.6 for an email)
                   other's account
links, links       two profiles list    0.8, only for an email or a
                   one address          LinkedIn profile
=================  ===================  ==========

Several pieces of evidence for one pair combine as independent chances
(1 - (1 - a)(1 - b)...). An account that more than :data:`MAX_CLAIMANTS` people claim (a
company's address, a popular account everyone's bio names) is evidence of nothing and is
left out, as are pairs whose merge the user has undone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

from sqlalchemy import Connection, select

from goodwill.ledger.people import owner_person
from goodwill.ledger.schema import identities, people, person_merges
from goodwill.sources.handles import (
    bluesky_handles_in_text,
    email_handle,
    handle_in_url,
    handles_in_text,
)

__all__ = ["MAX_CLAIMANTS", "Evidence", "Suggestion", "suggest_merges"]

#: Claims on one account by more people than this are not evidence that any two are one.
MAX_CLAIMANTS = 10
_CHUNK = 500
_LINK_KEYS = frozenset({"website", "url", "urls", "links", "homepage", "profile", "profile_url"})
_SKIPPED_KEYS = frozenset(
    {"actor", "lists", "kind", "city", "country", "given_name", "family_name", "org", "title",
     "phone", "impp", "location"}
)  # fmt: skip
_ROLES = ("is", "links", "mentions")


@dataclass(frozen=True)
class Evidence:
    """One reason to think two people are one: its kind, the details, and its weight."""

    reason: str
    detail: str
    confidence: float


@dataclass(frozen=True)
class Suggestion:
    """Two people who are probably one: merge ``other`` into ``person`` to accept it."""

    person: int
    other: int
    person_name: str
    other_name: str
    confidence: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class _Claim:
    key: str  # a handle, or bluesky-handle:NAME for a Bluesky handle without its DID
    person: int
    role: str
    where: str


def suggest_merges(
    conn: Connection,
    *,
    person: int | None = None,
    min_confidence: float = 0.5,
    limit: int | None = 50,
) -> list[Suggestion]:
    """Candidate merges, most likely first; only those involving ``person`` if given."""
    groups: dict[str, dict[int, tuple[str, str]]] = {}
    for claim in _claims(conn):
        _add(groups, claim)
    for claim in _holders(conn, [k for k in groups if not k.startswith("bluesky-handle:")]):
        _add(groups, claim)
    owner = owner_person(conn)
    scored = []
    for (a, b), evidence in _pairs(groups, _undone_pairs(conn), person).items():
        remaining = 1.0
        for item in evidence:
            remaining *= 1.0 - item.confidence
        confidence = round(1.0 - remaining, 3)
        if confidence >= min_confidence:
            survivor, other = (b, a) if b == owner else (a, b)
            ranked = tuple(sorted(evidence, key=lambda e: -e.confidence))
            scored.append((confidence, survivor, other, ranked))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    chosen = scored if limit is None else scored[:limit]
    names = _names(conn, {p for _, a, b, _ in chosen for p in (a, b)})
    return [
        Suggestion(a, b, names.get(a, ""), names.get(b, ""), confidence, evidence)
        for confidence, a, b, evidence in chosen
    ]


def _pairs(
    groups: dict[str, dict[int, tuple[str, str]]],
    undone: set[frozenset[int]],
    person: int | None,
) -> dict[tuple[int, int], list[Evidence]]:
    """Every pair of people two claims on one account tie, with what ties them."""
    found: dict[tuple[int, int], list[Evidence]] = {}
    for key, claimants in groups.items():
        if len(claimants) < 2 or len(claimants) > MAX_CLAIMANTS:
            continue
        for a, b in combinations(sorted(claimants), 2):
            if frozenset((a, b)) in undone or (person is not None and person not in (a, b)):
                continue
            piece = _evidence(key, claimants[a], claimants[b])
            if piece is not None:
                found.setdefault((a, b), []).append(piece)
    return found


def _add(groups: dict[str, dict[int, tuple[str, str]]], claim: _Claim) -> None:
    """Keep each person's strongest claim on a key."""
    claimants = groups.setdefault(claim.key, {})
    known = claimants.get(claim.person)
    if known is None or _ROLES.index(claim.role) < _ROLES.index(known[0]):
        claimants[claim.person] = (claim.role, claim.where)


def _claims(conn: Connection) -> Iterator[_Claim]:
    """What every identity's attributes claim; one query over the identities that have any."""
    rows = conn.execute(
        select(
            identities.c.network,
            identities.c.account,
            identities.c.person_id,
            identities.c.attributes,
        ).where(identities.c.attributes.is_not(None))
    )
    for network, account, person_id, stored in rows:
        attributes = json.loads(stored) if stored else {}
        if not isinstance(attributes, dict):
            continue
        handle = f"{network}:{account}"
        for name, value in attributes.items():
            if isinstance(value, str) and value and name not in _SKIPPED_KEYS:
                for key, role in _keys(network, name, value):
                    yield _Claim(key, int(person_id), role, f"{handle}'s {name} → {key}")


def _keys(network: str, name: str, value: str) -> Iterator[tuple[str, str]]:
    """The accounts one attribute names, each with the role of the claim."""
    if name == "vcard":
        yield f"vcard:{value}", "is"
    elif name == "account_id":
        if network == "x":
            yield f"x:id:{value}", "is"
    elif name == "bluesky_handle" or (name == "handle" and network == "bluesky"):
        for handle in value.split(";"):
            if handle.strip():
                yield f"bluesky-handle:{handle.strip().lower().lstrip('@')}", "is"
    elif name == "also_known_as":
        for alias in value.split():
            found = handle_in_url(alias, "mastodon")
            if found:
                yield found, "is"
    elif "mail" in name:
        for word in value.replace(",", " ").replace(";", " ").split():
            found = email_handle(word)
            if found:
                yield found, "is"
    else:
        role = "links" if name.startswith("link:") or name in _LINK_KEYS else "mentions"
        for found in handles_in_text(value):
            yield found, role
        for bluesky in bluesky_handles_in_text(value):
            yield f"bluesky-handle:{bluesky}", role


def _holders(conn: Connection, keys: list[str]) -> Iterator[_Claim]:
    """The people holding the identities that claimed handles name (each *is* its handle)."""
    by_network: dict[str, list[str]] = {}
    for key in keys:
        network, _, account = key.partition(":")
        by_network.setdefault(network, []).append(account)
    for network, accounts in by_network.items():
        for start in range(0, len(accounts), _CHUNK):
            rows = conn.execute(
                select(identities.c.account, identities.c.person_id).where(
                    identities.c.network == network,
                    identities.c.account.in_(accounts[start : start + _CHUNK]),
                )
            )
            for account, person_id in rows:
                handle = f"{network}:{account}"
                yield _Claim(handle, int(person_id), "is", f"holds {handle}")


def _evidence(key: str, first: tuple[str, str], second: tuple[str, str]) -> Evidence | None:
    """The evidence two claims on one account make, or None if they make none."""
    roles = sorted((first[0], second[0]), key=_ROLES.index)
    network = key.partition(":")[0]
    detail = f"{first[1]} · {second[1]}"
    if roles == ["is", "is"]:
        reason, confidence = {
            "vcard": ("on one contact card", 0.95),
            "x": ("same X account", 0.99),
            "bluesky-handle": ("same Bluesky handle", 0.85),
            "linkedin": ("same LinkedIn profile", 0.9),
        }.get(network, ("same email" if network == "email" else "same account", 0.9))
        return Evidence(reason, detail, confidence)
    if roles == ["is", "links"]:
        return Evidence("profile link", detail, 0.85 if network == "email" else 0.8)
    if roles == ["is", "mentions"]:
        return Evidence("named in a bio", detail, 0.6 if network == "email" else 0.4)
    if roles == ["links", "links"] and network in ("email", "linkedin"):
        return Evidence("both list it", detail, 0.8)
    return None


def _undone_pairs(conn: Connection) -> set[frozenset[int]]:
    """Pairs of people whose merge the user undid: not suggested again."""
    rows = conn.execute(
        select(person_merges.c.survivor_id, person_merges.c.merged_id).where(
            person_merges.c.undone_at.is_not(None)
        )
    )
    return {frozenset((int(a), int(b))) for a, b in rows}


def _names(conn: Connection, person_ids: set[int]) -> dict[int, str]:
    wanted = sorted(person_ids)
    names: dict[int, str] = {}
    for start in range(0, len(wanted), _CHUNK):
        rows = conn.execute(
            select(people.c.id, people.c.display_name).where(
                people.c.id.in_(wanted[start : start + _CHUNK])
            )
        )
        for person_id, name in rows:
            names[int(person_id)] = str(name)
    return names
