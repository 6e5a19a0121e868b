"""Alembic environment: runs on the connection goodwill hands it (see ``migrate.py``)."""

from __future__ import annotations

from alembic import context

from goodwill.ledger.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("goodwill's migrations run through goodwill.ledger.migrate, not the CLI")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
