"""Stores at old schema revisions, with data in them, for the upgrade tests.

:func:`migrate` drives Alembic on goodwill's own engine to any revision, up or down.
:func:`fill` writes a small but complete history with plain SQL into whatever tables the
store has at its revision (tables and columns are read from the database, not from today's
schema): an import of seven events among an owner and three contacts, one of them with a
second account merged in, the owner setting, and, where the revision has them, a web user
and network scores (rows before 0005, a block after: written here from the documented byte
format, not with goodwill's writer). Rows get their ids from the database, as the app's do,
so a store upgraded from them must keep handing out fresh ones. :func:`dump` reads it all
back to compare; it also lists score blocks decoded, one row per person, under the old
table's name ``network_scores``, so a store from before 0005 and after compare.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from alembic import command
from argon2 import PasswordHasher
from sqlalchemy import Connection, Engine, MetaData, Table, insert, select

from goodwill.ledger.migrate import alembic_config
from goodwill.ledger.people import OWNER_KEY

__all__ = ["PASSWORD", "Rows", "as_before", "dump", "fill", "migrate"]

PASSWORD = "correct horse battery"
_HASH = PasswordHasher().hash(PASSWORD)
_DAY_US = 86_400 * 1_000_000
_T0 = 1_735_689_600_000_000  # 2025-01-01T00:00:00Z

Rows = dict[str, list[dict[str, Any]]]
_ARRAYS = ("mass", "score", "normalized")


def migrate(engine: Engine, action: str, revision: str) -> None:
    """``alembic upgrade/downgrade REVISION`` on ``engine``, in one transaction."""
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        getattr(command, action)(config, revision)


class _Writer:
    """Inserts into the tables as they are at the store's revision."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.tables = MetaData()
        self.tables.reflect(conn)

    def has(self, table_name: str) -> bool:
        return table_name in self.tables.tables

    def add(self, table_name: str, /, **values: Any) -> int:
        table: Table = self.tables.tables[table_name]
        kept = {k: v for k, v in values.items() if k in table.c}
        if "id" in table.c:
            return int(
                self.conn.execute(insert(table).values(kept).returning(table.c.id)).scalar_one()
            )
        self.conn.execute(insert(table).values(kept))
        return 0


def fill(conn: Connection) -> None:
    """Write the history described in the module docstring."""
    w = _Writer(conn)
    import_id = w.add(
        "imports",
        source="jsonl",
        path="/exports/history.jsonl",
        sha256="ab" * 32,
        options="{}",
        status="complete",
        started_at=_T0,
        finished_at=_T0 + 1,
        records_read=7,
        events_added=7,
        events_present=0,
        rejected=0,
        identities_added=6,
    )
    names = {"me": "Me", "ann": "Ann Lee", "bob": "Bob Roy", "cy": "Cy Dunn", "cy-x": "Cy"}
    person = {n: w.add("people", display_name=name, created_at=_T0) for n, name in names.items()}
    handles = {
        "email:me@example.org": ("me", None, None),
        "mastodon:@me@example.social": ("me", None, None),
        "email:ann@example.org": ("ann", "Ann Lee", {"city": "Porto"}),
        "email:bob@example.org": ("bob", "Bob Roy", None),
        "email:cy@example.org": ("cy", "Cy Dunn", {"x": "@cy"}),
        "x:@cy": ("cy-x", "Cy", None),
    }
    identity = {}
    for handle, (owner, name, attributes) in handles.items():
        network, account = handle.split(":", 1)
        identity[handle] = w.add(
            "identities",
            network=network,
            account=account,
            display_name=name,
            person_id=person[owner],
            created_at=_T0,
            attributes=json.dumps(attributes) if attributes else None,
        )
    # Cy's X account was merged into Cy: its identity moved, the merge recorded.
    conn.execute(
        w.tables.tables["identities"]
        .update()
        .where(w.tables.tables["identities"].c.id == identity["x:@cy"])
        .values(person_id=person["cy"])
    )
    conn.execute(
        w.tables.tables["people"]
        .update()
        .where(w.tables.tables["people"].c.id == person["cy-x"])
        .values(merged_into=person["cy"])
    )
    w.add(
        "person_merges",
        survivor_id=person["cy"],
        merged_id=person["cy-x"],
        identity_ids=json.dumps([identity["x:@cy"]]),
        reason="same person",
        merged_at=_T0 + 30 * _DAY_US,
    )
    history = [
        ("reply", "email:ann@example.org", "email:me@example.org", None, "loved your talk"),
        ("thanks", "email:me@example.org", "email:ann@example.org", None, "thank you!"),
        ("rating", "email:bob@example.org", "email:me@example.org", 8.0, None),
        ("share", "x:@cy", "mastodon:@me@example.social", None, "worth reading"),
        ("reply", "mastodon:@me@example.social", "x:@cy", None, "glad it helped"),
        ("mention", "email:ann@example.org", "email:bob@example.org", None, "ask Bob"),
        ("post", "email:me@example.org", None, None, "a new essay"),
    ]
    for n, (kind, actor, target, value, text) in enumerate(history):
        w.add(
            "events",
            import_id=import_id,
            source="jsonl",
            external_id=f"old-{n}",
            kind=kind,
            occurred_at=_T0 + (n + 1) * 7 * _DAY_US,
            actor_id=identity[actor],
            target_id=identity[target] if target else None,
            value=value,
            text=text,
            answers=f"old-{n - 1}" if kind == "reply" and n else None,
        )
    w.add("settings", key=OWNER_KEY, value=str(person["me"]))
    if w.has("web_users"):
        w.add("web_users", name="ann", password_hash=_HASH, created_at=_T0)
    scores = ((person["ann"], 0.6), (person["bob"], 0.3), (person["cy"], 0.1))
    if w.has("network_score_blocks"):
        ids = sorted(p for p, _ in scores)
        values = np.asarray([dict(scores)[p] for p in ids], dtype="<f8").tobytes()
        w.add(
            "network_score_blocks",
            scope="owner",
            block=0,
            first_person=ids[0],
            last_person=ids[-1],
            people=len(ids),
            at_us=_T0 + 60 * _DAY_US,
            computed_at=_T0 + 60 * _DAY_US,
            engine="numpy",
            person_ids=np.asarray(ids, dtype="<i8").tobytes(),
            mass=values,
            score=values,
            normalized=values,
        )
    if w.has("network_scores"):
        for p, score in scores:
            w.add(
                "network_scores",
                scope="owner",
                person_id=p,
                mass=score,
                score=score,
                normalized=score,
                at_us=_T0 + 60 * _DAY_US,
                computed_at=_T0 + 60 * _DAY_US,
                engine="numpy",
            )


def dump(conn: Connection) -> Rows:
    """Every row of every goodwill table, in key order, and score blocks decoded."""
    tables = MetaData()
    tables.reflect(conn)
    rows = {
        name: [
            dict(row)
            for row in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        ]
        for name, table in sorted(tables.tables.items())
        if name != "alembic_version"
    }
    if "network_score_blocks" in rows:
        rows["network_scores"] = _decoded(rows["network_score_blocks"])
    return rows


def _decoded(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Score blocks as the rows of the table they replaced, by scope and person id."""
    decoded = []
    for block in blocks:
        ids = np.frombuffer(block["person_ids"], dtype="<i8").tolist()
        arrays = [np.frombuffer(block[n], dtype="<f8").tolist() for n in _ARRAYS]
        assert len(ids) == block["people"] and ids == sorted(ids)
        assert (ids[0], ids[-1]) == (block["first_person"], block["last_person"])
        decoded += [
            {"scope": block["scope"], "person_id": person}
            | dict(zip(_ARRAYS, values, strict=True))
            | {n: block[n] for n in ("at_us", "computed_at", "engine")}
            for person, *values in zip(ids, *arrays, strict=True)
        ]
    return sorted(decoded, key=lambda r: (r["scope"], r["person_id"]))


def as_before(before: Rows, now: Rows) -> Rows:
    """``now`` cut down to the tables and columns ``before`` had (a later revision may add
    both), to compare the two."""
    return {
        name: [{column: row[column] for column in rows[0]} for row in now.get(name, [])]
        if rows
        else now.get(name, [])
        for name, rows in before.items()
    }
