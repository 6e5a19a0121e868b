"""network scores: network trust as last computed, per scope

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
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


def downgrade() -> None:
    op.drop_table("network_scores")
