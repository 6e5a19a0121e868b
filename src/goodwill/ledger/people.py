"""People: merging the identities that belong to one person, reversibly, and the owner.

A merge moves every identity of one person to another and records exactly which ones moved,
so :func:`unmerge` can put them back. The merged person stays in the table, marked
``merged_into``, so ids printed before a merge still resolve.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, func, insert, select, update

from goodwill.errors import NotFoundError, StoreError
from goodwill.events import split_handle
from goodwill.ledger.schema import identities, people, person_merges, settings

__all__ = [
    "NO_OWNER",
    "OWNER_KEY",
    "current_person",
    "identity_person",
    "merge_people",
    "owner_person",
    "require_owner",
    "set_owner",
    "unmerge",
]

OWNER_KEY = "owner_person_id"


def current_person(conn: Connection, person_id: int) -> int:
    """Follow ``merged_into`` links from ``person_id`` to the person that holds it now."""
    seen: set[int] = set()
    while True:
        row = conn.execute(select(people.c.merged_into).where(people.c.id == person_id)).first()
        if row is None:
            raise NotFoundError(f"no person with id {person_id}; goodwill people lists them")
        if row.merged_into is None:
            return person_id
        if person_id in seen:
            raise StoreError(
                f"person {person_id}: merge records form a cycle; the merge history needs repair"
            )
        seen.add(person_id)
        person_id = row.merged_into


def identity_person(conn: Connection, handle: str) -> int:
    """The person who holds the identity ``network:account`` now."""
    network, account = split_handle(handle)
    row = conn.execute(
        select(identities.c.person_id).where(
            identities.c.network == network, identities.c.account == account
        )
    ).first()
    if row is None:
        raise NotFoundError(f"no identity {handle!r} in the store; import it first")
    return current_person(conn, int(row.person_id))


def merge_people(
    conn: Connection, survivor_id: int, merged_id: int, *, reason: str | None, now_us: int
) -> int:
    """Move every identity of ``merged_id`` to ``survivor_id``; returns the merge's id."""
    survivor_id = current_person(conn, survivor_id)
    merged_id = current_person(conn, merged_id)
    if survivor_id == merged_id:
        raise StoreError(
            f"person {survivor_id} is already one person with the other; nothing to merge"
        )
    moved = list(
        conn.execute(
            select(identities.c.id)
            .where(identities.c.person_id == merged_id)
            .order_by(identities.c.id)
        ).scalars()
    )
    conn.execute(
        update(identities).where(identities.c.person_id == merged_id).values(person_id=survivor_id)
    )
    conn.execute(update(people).where(people.c.id == merged_id).values(merged_into=survivor_id))
    return int(
        conn.execute(
            insert(person_merges).returning(person_merges.c.id),
            {
                "survivor_id": survivor_id,
                "merged_id": merged_id,
                "identity_ids": json.dumps(moved),
                "reason": reason,
                "merged_at": now_us,
            },
        ).scalar_one()
    )


def unmerge(conn: Connection, merge_id: int, *, now_us: int) -> tuple[int, int]:
    """Undo a merge: its identities go back to the person they came from.

    Returns ``(survivor_id, restored_id)``. Fails if the merge was already undone, or if the
    survivor has since been merged elsewhere (undo that later merge first).
    """
    row = conn.execute(select(person_merges).where(person_merges.c.id == merge_id)).first()
    if row is None:
        raise NotFoundError(
            f"no merge with id {merge_id}; goodwill show PERSON lists a person's merges"
        )
    if row.undone_at is not None:
        raise StoreError(f"merge {merge_id} was already undone")
    if current_person(conn, row.survivor_id) != row.survivor_id:
        raise StoreError(
            f"merge {merge_id}: person {row.survivor_id} has since been merged into another; "
            "undo that merge first"
        )
    moved = json.loads(row.identity_ids)
    if moved:
        conn.execute(
            update(identities).where(identities.c.id.in_(moved)).values(person_id=row.merged_id)
        )
    conn.execute(update(people).where(people.c.id == row.merged_id).values(merged_into=None))
    conn.execute(
        update(person_merges).where(person_merges.c.id == merge_id).values(undone_at=now_us)
    )
    return int(row.survivor_id), int(row.merged_id)


def owner_person(conn: Connection) -> int | None:
    """The person recorded as the store's owner, if one is."""
    value = conn.execute(select(settings.c.value).where(settings.c.key == OWNER_KEY)).scalar()
    return None if value is None else current_person(conn, int(value))


#: What to tell a user whose store has no owner yet, wherever "the owner" is needed.
NO_OWNER = "the store has no owner yet; goodwill owner HANDLE... records your identities"


def require_owner(conn: Connection) -> int:
    """The owner's person id, or a :class:`StoreError` saying how to record her."""
    owner = owner_person(conn)
    if owner is None:
        raise StoreError(NO_OWNER)
    return owner


def set_owner(conn: Connection, handles: list[str], *, now_us: int) -> int:
    """Record the owner: the identities named become one person, who is the owner."""
    if not handles:
        raise StoreError("name at least one of the owner's identities (network:account)")
    person_ids = [identity_person(conn, h) for h in handles]
    owner = owner_person(conn) or person_ids[0]
    for other in dict.fromkeys(person_ids):
        if current_person(conn, other) != current_person(conn, owner):
            merge_people(conn, owner, other, reason="owner's own identity", now_us=now_us)
    owner = current_person(conn, owner)
    exists = conn.execute(select(func.count()).where(settings.c.key == OWNER_KEY)).scalar_one()
    if exists:
        conn.execute(update(settings).where(settings.c.key == OWNER_KEY).values(value=str(owner)))
    else:
        conn.execute(insert(settings), {"key": OWNER_KEY, "value": str(owner)})
    return owner
