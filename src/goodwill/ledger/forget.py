"""Forgetting people: every row that names them erased, and they stay forgotten.

For each person named (and every person row merged into them) one write transaction
erases:

- their identities and their person rows;
- every event one of those identities took part in, as actor or as target: what they
  did, what was done to them, and so the owner's notes about them (notes are events that
  target the person, see :mod:`goodwill.insights.notes`);
- every merge record that involves them;
- derived data that names them: their network scores in every scope (taken out of the
  blocks of ``network_score_blocks``, see :mod:`goodwill.ledger.score_blocks`) and rows of
  any table of the schema with a foreign key to a person or an identity (whatever later
  tables declare one);

and redacts their handles and names from the text and identifiers of everyone else's
events and from the imports' records (how: :mod:`goodwill.ledger.redaction`). Before it
commits it records keyed digests of their handles and names (:mod:`goodwill.ledger.
forgotten`), so importing the same file again brings none of it back. Then
:mod:`goodwill.ledger.scrub` rewrites the store so the erased bytes leave its files.

The store's owner cannot be forgotten: the whole ledger is her record.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Column, Connection, Table, bindparam, delete, func, or_, select, update

from goodwill.errors import StoreError
from goodwill.events import NOTE_KINDS, now_us
from goodwill.ledger.forgotten import remember_forgotten, store_hasher
from goodwill.ledger.people import current_person, owner_person
from goodwill.ledger.redaction import Redactor, person_terms
from goodwill.ledger.schema import (
    events,
    identities,
    imports,
    metadata,
    network_score_blocks,
    people,
    person_merges,
)
from goodwill.ledger.score_blocks import remove_people
from goodwill.ledger.scrub import ScrubReport, scrub_store
from goodwill.ledger.store import Ledger

__all__ = ["ForgetPlan", "ForgetReport", "forget_people", "plan_forget", "redact_records"]

_CHUNK = 500
_SCAN = 5_000


@dataclass(frozen=True)
class ForgetPlan:
    """Who is about to be forgotten, as a confirmation prompt shows it."""

    people: tuple[int, ...]  # the people named, then every person row merged into them
    names: tuple[str, ...]
    handles: tuple[str, ...]
    events: int  # events they took part in, notes included
    notes: int


@dataclass(frozen=True)
class ForgetReport:
    """What a forget erased and redacted, and what making the bytes go away did."""

    plan: ForgetPlan
    events: int
    notes: int
    identities: int
    people: int
    merges: int
    derived: dict[str, int]  # by table: rows erased, or for network_score_blocks, scores
    redacted: int  # other events (and import records) whose text or ids were redacted
    scrub: ScrubReport


def _chunks(values: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])


def plan_forget(conn: Connection, person_ids: Sequence[int]) -> ForgetPlan:
    """The people, handles and event counts a forget of ``person_ids`` would erase."""
    named = list(dict.fromkeys(current_person(conn, int(p)) for p in person_ids))
    owner = owner_person(conn)
    if owner is not None and owner in named:
        raise StoreError(
            f"person {owner} is the store's owner: the ledger is her record and cannot forget "
            "her; to erase everything, delete the store itself"
        )
    everyone = list(named)
    frontier = list(named)
    while frontier:  # person rows merged into them keep their old names
        merged = [
            int(p)
            for chunk in _chunks(frontier)
            for p in conn.execute(select(people.c.id).where(people.c.merged_into.in_(chunk)))
            .scalars()
            .all()
        ]
        frontier = [p for p in merged if p not in everyone]
        everyone += frontier
    names: dict[str, None] = {}
    handles: list[str] = []
    identity_ids: list[int] = []
    for chunk in _chunks(everyone):
        names.update(
            dict.fromkeys(
                conn.execute(select(people.c.display_name).where(people.c.id.in_(chunk))).scalars()
            )
        )
        for row in conn.execute(
            select(identities.c.id, identities.c.network, identities.c.account).where(
                identities.c.person_id.in_(chunk)
            )
        ):
            identity_ids.append(int(row.id))
            handles.append(f"{row.network}:{row.account}")
    total = notes = 0
    for chunk in _chunks(identity_ids):
        theirs = or_(events.c.actor_id.in_(chunk), events.c.target_id.in_(chunk))
        total += conn.execute(select(func.count()).where(theirs)).scalar_one()
        notes += conn.execute(
            select(func.count()).where(theirs, events.c.kind.in_(sorted(NOTE_KINDS)))
        ).scalar_one()
    return ForgetPlan(tuple(everyone), tuple(str(n) for n in names), tuple(handles), total, notes)


def forget_people(ledger: Ledger, person_ids: Sequence[int]) -> ForgetReport:
    """Forget ``person_ids`` (see the module), then rewrite the store's files."""
    with ledger.write() as conn:
        secure = ledger.is_sqlite
        if secure:  # freed pages are zeroed as they are freed (see goodwill.ledger.scrub)
            conn.exec_driver_sql("PRAGMA secure_delete = ON")
        plan = plan_forget(conn, person_ids)
        report = _erase(conn, plan)
        if secure:
            conn.exec_driver_sql("PRAGMA secure_delete = OFF")
    touched = {events.name, identities.name, people.name, person_merges.name, imports.name}
    return dataclasses.replace(report, scrub=scrub_store(ledger, touched | set(report.derived)))


def _erase(conn: Connection, plan: ForgetPlan) -> ForgetReport:
    person_list = list(plan.people)
    identity_list = [
        int(i)
        for chunk in _chunks(person_list)
        for i in conn.execute(select(identities.c.id).where(identities.c.person_id.in_(chunk)))
        .scalars()
        .all()
    ]
    identity_names = [
        name
        for chunk in _chunks(identity_list)
        for name in conn.execute(
            select(identities.c.display_name).where(identities.c.id.in_(chunk))
        ).scalars()
    ]
    accounts = [h.partition(":")[2] for h in plan.handles]
    terms = person_terms([*plan.names, *identity_names], accounts)
    derived = _erase_derived(conn, person_list, identity_list)
    derived[network_score_blocks.name] = remove_people(conn, person_list)
    erased_events = erased_notes = 0
    for chunk in _chunks(identity_list):
        theirs = or_(events.c.actor_id.in_(chunk), events.c.target_id.in_(chunk))
        erased_notes += conn.execute(
            delete(events).where(theirs, events.c.kind.in_(sorted(NOTE_KINDS)))
        ).rowcount
        erased_events += conn.execute(delete(events).where(theirs)).rowcount
    merges = 0
    for chunk in _chunks(person_list):
        merges += conn.execute(
            delete(person_merges).where(
                or_(person_merges.c.survivor_id.in_(chunk), person_merges.c.merged_id.in_(chunk))
            )
        ).rowcount
    for chunk in _chunks(identity_list):
        conn.execute(delete(identities).where(identities.c.id.in_(chunk)))
    conn.execute(  # in one statement: merged rows point at each other
        delete(people).where(people.c.id.in_(person_list))
    )
    hasher = store_hasher(conn, create=True)
    assert hasher is not None
    redacted = redact_records(conn, Redactor.of(hasher, terms))
    remember_forgotten(conn, hasher, plan.handles, terms, now_us=now_us())
    return ForgetReport(
        plan=plan,
        events=erased_events + erased_notes,
        notes=erased_notes,
        identities=len(identity_list),
        people=len(person_list),
        merges=merges,
        derived=derived,
        redacted=redacted,
        scrub=ScrubReport(()),
    )


def _references(table: Table, target: Table) -> list[Column[object]]:
    return [c for c in table.columns if any(fk.column.table is target for fk in c.foreign_keys)]


def _erase_derived(
    conn: Connection, person_ids: list[int], identity_ids: list[int]
) -> dict[str, int]:
    """Rows of every other table that point at these people or identities by foreign key."""
    own = {people.name, identities.name, person_merges.name, events.name}
    erased: dict[str, int] = {}
    for table in metadata.sorted_tables:
        if table.name in own:
            continue
        pointers = [(c, person_ids) for c in _references(table, people)]
        pointers += [(c, identity_ids) for c in _references(table, identities)]
        count = 0
        for column, ids in pointers:
            for chunk in _chunks(ids):
                count += conn.execute(delete(table).where(column.in_(chunk))).rowcount
        if pointers:
            erased[table.name] = count
    return erased


def redact_records(conn: Connection, redactor: Redactor) -> int:
    """Redact the forgotten terms from every remaining event and import record."""
    changed = 0
    last = 0
    statement = (
        update(events)
        .where(events.c.id == bindparam("row_id"))
        .values(
            text=bindparam("new_text"),
            answers=bindparam("new_answers"),
            external_id=bindparam("new_external_id"),
        )
    )
    while True:
        rows = conn.execute(
            select(events.c.id, events.c.text, events.c.answers, events.c.external_id)
            .where(events.c.id > last)
            .order_by(events.c.id)
            .limit(_SCAN)
        ).all()
        if not rows:
            break
        last = int(rows[-1].id)
        updates = []
        for row in rows:
            new = (
                redactor.text(row.text),
                redactor.identifier(row.answers),
                redactor.identifier(row.external_id),
            )
            if new != (row.text, row.answers, row.external_id):
                updates.append(
                    {
                        "row_id": row.id,
                        "new_text": new[0],
                        "new_answers": new[1],
                        "new_external_id": new[2],
                    }
                )
        if updates:
            conn.execute(statement, updates)
            changed += len(updates)
    for record in conn.execute(select(imports.c.id, imports.c.path, imports.c.message)).all():
        path, message = redactor.text(record.path), redactor.text(record.message)
        if (path, message) != (record.path, record.message):
            conn.execute(
                update(imports).where(imports.c.id == record.id).values(path=path, message=message)
            )
            changed += 1
    return changed
