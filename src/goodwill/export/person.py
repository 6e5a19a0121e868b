"""Everything the store holds about one person, as one JSON document (a subject access
request's answer): ``goodwill export person PERSON``.

The document (its fields are listed in docs/privacy.md) has a ``format`` and a
``version``: a reader checks both, and a later version only adds fields. It holds what is
*stored* about them (their person record, identities, merges, every event they took part
in with its text, the owner's notes about them, network scores kept for them) and what
goodwill *derives* from that as of a moment (trust both ways with the evidence behind it,
their circle, their standing; see :mod:`goodwill.export.person_trust`). Derived figures are
recomputed at export, as everywhere else: they are not records.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, or_, select
from sqlalchemy.orm import aliased

from goodwill.events import from_time_us, now_us
from goodwill.export.person_trust import derived_figures
from goodwill.insights.notes import NOTE_SOURCE
from goodwill.ledger.migrate import current_revision
from goodwill.ledger.queries import person_identities, person_merge_history
from goodwill.ledger.schema import events, identities, people
from goodwill.trust.network_scores import person_scores
from goodwill.trust.policy import Policy

__all__ = ["FORMAT", "VERSION", "person_document"]

FORMAT = "goodwill.person"
VERSION = 1
_CHUNK = 500


def _iso(time_us: int | None) -> str | None:
    return None if time_us is None else from_time_us(int(time_us)).isoformat()


def person_document(
    conn: Connection, person_id: int, policy: Policy, *, at_us: int | None = None
) -> dict[str, Any]:
    """The whole document for ``person_id`` (already resolved to the person holding it),
    with derived figures as of ``at_us`` (default: now)."""
    at_us = now_us() if at_us is None else at_us
    row = conn.execute(select(people).where(people.c.id == person_id)).one()
    held = person_identities(conn, person_id)
    interactions, notes = _events(conn, [int(i.id) for i in held])
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(now_us()),
        "schema": current_revision(conn.engine),
        "person": {
            "id": person_id,
            "name": row.display_name,
            "created_at": _iso(row.created_at),
        },
        "identities": [
            {
                "handle": f"{i.network}:{i.account}",
                "network": i.network,
                "account": i.account,
                "name": i.display_name,
                "attributes": json.loads(i.attributes) if i.attributes else {},
                "created_at": _iso(i.created_at),
            }
            for i in held
        ],
        "merges": [
            {
                "id": m.id,
                "survivor": m.survivor_id,
                "merged": m.merged_id,
                "identities": json.loads(m.identity_ids),
                "reason": m.reason,
                "merged_at": _iso(m.merged_at),
                "undone_at": _iso(m.undone_at),
            }
            for m in person_merge_history(conn, person_id)
        ],
        "events": interactions,
        "notes": notes,
        "network_scores": _scores(conn, person_id),
        "derived": derived_figures(conn, person_id, policy, at_us=at_us),
    }


def _chunks(values: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _events(
    conn: Connection, identity_ids: list[int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every event their identities took part in, oldest first, and the owner's notes
    about them (notes are events of the source ``goodwill`` that target them)."""
    mine = set(identity_ids)
    actor, target = aliased(identities), aliased(identities)
    actor_person, target_person = aliased(people), aliased(people)
    rows: list[Any] = []
    for chunk in _chunks(identity_ids):
        rows += conn.execute(
            select(
                events,
                actor.c.network.label("actor_network"),
                actor.c.account.label("actor_account"),
                actor_person.c.id.label("actor_person"),
                actor_person.c.display_name.label("actor_name"),
                target.c.network.label("target_network"),
                target.c.account.label("target_account"),
                target_person.c.id.label("target_person"),
                target_person.c.display_name.label("target_name"),
            )
            .join(actor, actor.c.id == events.c.actor_id)
            .join(actor_person, actor_person.c.id == actor.c.person_id)
            .outerjoin(target, target.c.id == events.c.target_id)
            .outerjoin(target_person, target_person.c.id == target.c.person_id)
            .where(or_(events.c.actor_id.in_(chunk), events.c.target_id.in_(chunk)))
        ).all()
    unique = {r.id: r for r in rows}  # an event between two of their identities comes twice
    interactions, notes = [], []
    for r in sorted(unique.values(), key=lambda r: (r.occurred_at, r.id)):
        if r.source == NOTE_SOURCE:
            notes.append(
                {
                    "id": r.id,
                    "kind": r.kind,
                    "key": r.external_id,
                    "time": _iso(r.occurred_at),
                    "details": json.loads(r.text) if r.text else {},
                    "value": r.value,
                }
            )
            continue
        by_them = r.actor_id in mine
        other = (
            ("target", r.target_network, r.target_account, r.target_person, r.target_name)
            if by_them
            else ("actor", r.actor_network, r.actor_account, r.actor_person, r.actor_name)
        )
        interactions.append(
            {
                "id": r.id,
                "time": _iso(r.occurred_at),
                "kind": r.kind,
                "direction": "by them" if by_them else "to them",
                "their_identity": (
                    f"{r.actor_network}:{r.actor_account}"
                    if by_them
                    else f"{r.target_network}:{r.target_account}"
                ),
                "counterpart": None
                if other[1] is None
                else {"handle": f"{other[1]}:{other[2]}", "person": other[3], "name": other[4]},
                "value": r.value,
                "text": r.text,
                "source": r.source,
                "external_id": r.external_id,
                "answers": r.answers,
                "import": r.import_id,
            }
        )
    return interactions, notes


def _scores(conn: Connection, person_id: int) -> list[dict[str, Any]]:
    """Network trust kept for them (goodwill refresh, the Spark engine), per scope."""
    return [
        {
            "scope": s.scope,
            "score": s.score,
            "normalized": s.normalized,
            "mass": s.mass,
            "as_of": _iso(s.at_us),
            "computed_at": _iso(s.computed_at),
            "engine": s.engine,
        }
        for s in person_scores(conn, person_id)
    ]
