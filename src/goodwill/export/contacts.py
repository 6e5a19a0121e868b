"""People as contacts: a name, every handle, and what a contact card would hold of them.

Read from the ledger a batch of people at a time, so exporting everyone holds one batch in
memory. A person's card details are the attributes the ``vcard`` source records (see
:mod:`goodwill.sources.contact_card`), taken from their identities in order, the first
holding a key giving its value. Links that name an account are left out: the person's own
accounts are written from their handles, and a profile's link to another account is
evidence for ``goodwill merge --suggest``, not the user's word that the two are one, which a
card written with it would become when imported again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from goodwill.ledger.schema import identities, people
from goodwill.sources.handles import handle_in_url, network_hint

__all__ = ["CARD_ATTRIBUTES", "Contact", "contacts"]

#: The attributes a contact card holds (besides ``link:LABEL`` profile links).
CARD_ATTRIBUTES = (
    "given_name",
    "family_name",
    "org",
    "title",
    "note",
    "city",
    "country",
    "phone",
    "website",
    "bluesky_handle",
    "impp",
)
_BATCH = 500


@dataclass(frozen=True)
class Contact:
    """One person as a contact card holds them."""

    person: int
    name: str
    handles: tuple[str, ...]
    details: dict[str, str] = field(default_factory=dict)
    #: The UID of the contact card the person's identities came from, if one did.
    card_uid: str | None = None


def contacts(conn: Connection, person_ids: Sequence[int] | None = None) -> Iterator[Contact]:
    """Every person not merged into another (or the people given), in id order."""
    if person_ids is not None:
        wanted = list(dict.fromkeys(person_ids))
        for start in range(0, len(wanted), _BATCH):
            yield from _batch(conn, wanted[start : start + _BATCH])
        return
    after = 0
    while True:
        ids = list(
            conn.execute(
                select(people.c.id)
                .where(people.c.merged_into.is_(None), people.c.id > after)
                .order_by(people.c.id)
                .limit(_BATCH)
            ).scalars()
        )
        if not ids:
            return
        yield from _batch(conn, ids)
        after = ids[-1]


def _batch(conn: Connection, person_ids: list[int]) -> Iterator[Contact]:
    names = {
        int(person_id): str(name)
        for person_id, name in conn.execute(
            select(people.c.id, people.c.display_name).where(people.c.id.in_(person_ids))
        )
    }
    held: dict[int, list[tuple[str, dict[str, str]]]] = {}
    rows = conn.execute(
        select(
            identities.c.person_id,
            identities.c.network,
            identities.c.account,
            identities.c.attributes,
        )
        .where(identities.c.person_id.in_(person_ids))
        .order_by(identities.c.id)
    )
    for person_id, network, account, stored in rows:
        loaded = json.loads(stored) if stored else {}
        attributes = loaded if isinstance(loaded, dict) else {}
        held.setdefault(person_id, []).append((f"{network}:{account}", attributes))
    for person_id in person_ids:
        if person_id in held and person_id in names:
            yield _contact(person_id, names[person_id], held[person_id])


def _contact(person_id: int, name: str, held: list[tuple[str, dict[str, str]]]) -> Contact:
    handles = tuple(handle for handle, _ in held)
    details: dict[str, str] = {}
    card_uid = None
    for _, attributes in held:
        card_uid = card_uid or _text(attributes.get("vcard"))
        for key, value in attributes.items():
            text = _text(value)
            if text and key not in details and _on_card(key, text):
                details[key] = text
    if "website" in details:
        kept = [u for u in details["website"].split() if _names_no_account(u, None)]
        details["website"] = " ".join(kept)
        if not kept:
            del details["website"]
    return Contact(person_id, name, handles, details, card_uid)


def _on_card(key: str, value: str) -> bool:
    if key in CARD_ATTRIBUTES:
        return True
    label = key.removeprefix("link:")
    return (
        key.startswith("link:")
        and value.lower().startswith(("http://", "https://"))
        and _names_no_account(value, network_hint(label))
    )


def _names_no_account(url: str, hint: str | None) -> bool:
    """Whether a link, read back as the ``vcard`` source reads it, names no account."""
    return handle_in_url(url, hint) is None


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
