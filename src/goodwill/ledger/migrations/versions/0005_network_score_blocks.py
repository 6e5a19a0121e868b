"""network score blocks: a scope's scores as columnar blocks instead of a row per person

Revision ID: 0005
Revises: 0004

Every score changes at every refresh, and writing a million rows cost more than computing
them. The byte format (documented in goodwill.ledger.schema and goodwill.ledger.score_blocks)
is spelled out again here on purpose: a migration is a snapshot and must keep converting the
same way whatever later code does. Rows become blocks per scope in person id order; a run of
people sharing one moment, time of computation and engine never spans two of those, so the
downgrade gives back exactly the rows there were.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BLOCK_PEOPLE = 65_536
_ARRAYS = ("mass", "score", "normalized")
_SAME_BLOCK = ("scope", "at_us", "computed_at", "engine")


def _old_table() -> sa.TableClause:
    return sa.table(
        "network_scores",
        *(sa.column(n) for n in ("scope", "person_id", *_ARRAYS, *_SAME_BLOCK[1:])),
    )


def _blocks_table() -> sa.TableClause:
    return sa.table(
        "network_score_blocks",
        *(sa.column(n) for n in ("block", "first_person", "last_person", "people", "person_ids")),
        *(sa.column(n) for n in (*_ARRAYS, *_SAME_BLOCK)),
    )


def _blocks(rows: Sequence[Any]) -> list[dict[str, Any]]:
    """Block rows of old rows sorted by scope and person id."""
    made: list[dict[str, Any]] = []
    numbers: dict[str, int] = {}
    for key, run in itertools.groupby(
        rows, key=lambda r: tuple(getattr(r, n) for n in _SAME_BLOCK)
    ):
        people = list(run)
        for start in range(0, len(people), _BLOCK_PEOPLE):
            part = people[start : start + _BLOCK_PEOPLE]
            ids = np.asarray([r.person_id for r in part], dtype="<i8")
            scope = str(key[0])
            made.append(
                dict(zip(_SAME_BLOCK, key, strict=True))
                | {
                    "block": numbers.setdefault(scope, 0),
                    "first_person": int(ids[0]),
                    "last_person": int(ids[-1]),
                    "people": len(part),
                    "person_ids": ids.tobytes(),
                }
                | {
                    n: np.asarray([getattr(r, n) for r in part], dtype="<f8").tobytes()
                    for n in _ARRAYS
                }
            )
            numbers[scope] += 1
    return made


def upgrade() -> None:
    op.create_table(
        "network_score_blocks",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("block", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("first_person", sa.BigInteger(), nullable=False),
        sa.Column("last_person", sa.BigInteger(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("at_us", sa.BigInteger(), nullable=False),
        sa.Column("computed_at", sa.BigInteger(), nullable=False),
        sa.Column("engine", sa.String(length=32), nullable=False),
        sa.Column("person_ids", sa.LargeBinary(), nullable=False),
        sa.Column("mass", sa.LargeBinary(), nullable=False),
        sa.Column("score", sa.LargeBinary(), nullable=False),
        sa.Column("normalized", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "block", name=op.f("pk_network_score_blocks")),
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        # Doubles barely compress, and trying cost PostgreSQL three quarters of the time it
        # took to write a million people's scores (0.55 s against 0.15 s stored as they are).
        for name in ("person_ids", *_ARRAYS):
            op.execute(f"ALTER TABLE network_score_blocks ALTER COLUMN {name} SET STORAGE EXTERNAL")
    old = _old_table()
    rows = conn.execute(sa.select(old).order_by(old.c.scope, old.c.person_id)).all()
    made = _blocks(rows)
    if made:
        conn.execute(sa.insert(_blocks_table()), made)
    op.drop_table("network_scores")


def downgrade() -> None:
    op.create_table(
        "network_scores",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("mass", sa.Float(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("normalized", sa.Float(), nullable=False),
        sa.Column("at_us", sa.BigInteger(), nullable=False),
        sa.Column("computed_at", sa.BigInteger(), nullable=False),
        sa.Column("engine", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_network_scores_person_id_people")
        ),
        sa.PrimaryKeyConstraint("scope", "person_id", name=op.f("pk_network_scores")),
    )
    conn = op.get_bind()
    blocks = _blocks_table()
    # The old table's foreign key wants every person to exist: scores of people no longer
    # in the store (derived data about nobody) are not carried down.
    present = set(conn.execute(sa.text("SELECT id FROM people")).scalars())
    rows: list[dict[str, Any]] = []
    for block in conn.execute(sa.select(blocks).order_by(blocks.c.scope, blocks.c.block)):
        ids = np.frombuffer(block.person_ids, dtype="<i8").tolist()
        values = [np.frombuffer(getattr(block, n), dtype="<f8").tolist() for n in _ARRAYS]
        shared = {n: getattr(block, n) for n in _SAME_BLOCK}
        rows += [
            shared | {"person_id": p, **dict(zip(_ARRAYS, v, strict=True))}
            for p, *v in zip(ids, *values, strict=True)
            if p in present
        ]
    if rows:
        conn.execute(sa.insert(_old_table()), rows)
    op.drop_table("network_score_blocks")
