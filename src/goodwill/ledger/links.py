"""Links into merges: handles a source says are one person become one person, on the record.

A :class:`~goodwill.events.Link` comes from a source that speaks for the user, such as a
contact card. Applying the links of one import:

- a handle that links with different evidence both name is *shared* (a family's phone, a
  company's address, a contact kept twice) and joins nobody; those links go ahead without it;
- the people a link's handles belong to become one: the owner if among them, else the
  oldest, takes the others in through :func:`~goodwill.ledger.people.merge_people`, with
  the link's evidence as the merge's reason, so ``goodwill unmerge`` undoes each;
- identities a user split off by undoing such a merge are not joined again by the same
  evidence, so importing the same contacts twice never undoes the user's own decision;
- the link's name, if it has one, becomes the person's name.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, select, update

from goodwill.events import Link
from goodwill.ledger.people import merge_people, owner_person
from goodwill.ledger.schema import identities, people, person_merges

__all__ = ["apply_links", "shared_handles"]

_CHUNK = 500


def shared_handles(links: Sequence[Link]) -> set[str]:
    """Handles named by links of different evidence.

    >>> sorted(shared_handles([Link(("tel:+1", "email:a@x"), "card a"),
    ...                        Link(("tel:+1", "email:b@x"), "card b"),
    ...                        Link(("email:a@x",), "card a")]))
    ['tel:+1']
    """
    claims = {(link.evidence, handle) for link in links for handle in link.handles}
    counts = Counter(handle for _, handle in claims)
    return {handle for handle, count in counts.items() if count > 1}


def apply_links(
    conn: Connection, links: Sequence[Link], ids: Mapping[str, int], *, now_us: int
) -> int:
    """Apply one import's links (``ids`` maps each handle to its identity); returns how many
    merges were made."""
    if not links:
        return 0
    shared = shared_handles(links)
    split_off = _split_off(conn)
    owner = owner_person(conn)
    merges = 0
    for link in links:
        wanted = [ids[h] for h in dict.fromkeys(link.handles) if h not in shared]
        holders = _holders(conn, wanted)
        if not holders:
            continue
        survivor = owner if owner in holders else min(holders)
        undone = split_off.get(link.evidence, set())
        for other in sorted(holders.keys() - {survivor}):
            if undone & (holders[other] | holders[survivor]):
                continue  # the user split these apart once: the same evidence does not rejoin
            merge_people(conn, survivor, other, reason=link.evidence, now_us=now_us)
            merges += 1
        if link.name:
            conn.execute(
                update(people)
                .where(people.c.id == survivor, people.c.display_name != link.name)
                .values(display_name=link.name)
            )
    return merges


def _holders(conn: Connection, identity_ids: list[int]) -> dict[int, set[int]]:
    """The people who hold these identities now, each with the ones of them they hold."""
    holders: dict[int, set[int]] = {}
    for start in range(0, len(identity_ids), _CHUNK):
        rows = conn.execute(
            select(identities.c.id, identities.c.person_id).where(
                identities.c.id.in_(identity_ids[start : start + _CHUNK])
            )
        )
        for identity_id, person_id in rows:
            holders.setdefault(int(person_id), set()).add(int(identity_id))
    return holders


def _split_off(conn: Connection) -> dict[str, set[int]]:
    """By reason: the identities that undone merges had moved, which the user split off."""
    moved: dict[str, set[int]] = {}
    rows = conn.execute(
        select(person_merges.c.reason, person_merges.c.identity_ids).where(
            person_merges.c.reason.is_not(None), person_merges.c.undone_at.is_not(None)
        )
    )
    for reason, listed in rows:
        moved.setdefault(reason, set()).update(int(i) for i in json.loads(listed))
    return moved
