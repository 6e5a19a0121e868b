"""The ledger's tables, as SQLAlchemy Core metadata: the one description Alembic migrates to.

Times are BIGINT microseconds since the Unix epoch, UTC (see :mod:`goodwill.events`): the
same on SQLite and PostgreSQL, cheap to bulk-load and to hand to numpy.

Events are append-only. ``(source, external_id)`` is unique, so importing the same input
twice adds nothing. The events table, the one that grows to hundreds of millions of rows,
declares no foreign keys: PostgreSQL would run three lookups per inserted event to check
them, which tripled import time, and the importer resolves every handle to an identity row
in the same transaction before it writes. The small tables keep theirs (SQLite checks none
at insert time; PostgreSQL checks all).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "WEB_SESSION_ROWS",
    "events",
    "forgotten",
    "identities",
    "imports",
    "metadata",
    "network_score_blocks",
    "people",
    "person_merges",
    "settings",
    "web_users",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("display_name", String(300), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    # Set while this person is merged into another; cleared when the merge is undone.
    Column("merged_into", Integer, ForeignKey("people.id"), nullable=True),
)

identities = Table(
    "identities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("network", String(64), nullable=False),
    Column("account", String(512), nullable=False),
    Column("display_name", String(300), nullable=True),
    Column("attributes", Text, nullable=True),  # JSON object of strings
    Column("person_id", Integer, ForeignKey("people.id"), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    UniqueConstraint("network", "account"),
    Index(None, "person_id"),
)

person_merges = Table(
    "person_merges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("survivor_id", Integer, ForeignKey("people.id"), nullable=False),
    Column("merged_id", Integer, ForeignKey("people.id"), nullable=False),
    Column("identity_ids", Text, nullable=False),  # JSON list: what moved, so it can move back
    Column("reason", Text, nullable=True),
    Column("merged_at", BigInteger, nullable=False),
    Column("undone_at", BigInteger, nullable=True),
)

imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(64), nullable=False),
    Column("path", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("options", Text, nullable=True),  # JSON object
    Column("status", String(16), nullable=False),
    Column("started_at", BigInteger, nullable=False),
    Column("finished_at", BigInteger, nullable=True),
    Column("records_read", BigInteger, nullable=False, default=0),
    Column("events_added", BigInteger, nullable=False, default=0),
    Column("events_present", BigInteger, nullable=False, default=0),
    Column("rejected", BigInteger, nullable=False, default=0),
    Column("identities_added", BigInteger, nullable=False, default=0),
    Column("message", Text, nullable=True),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("import_id", Integer, nullable=False),  # imports.id
    Column("source", String(64), nullable=False),
    Column("external_id", String(512), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("occurred_at", BigInteger, nullable=False),
    Column("actor_id", Integer, nullable=False),  # identities.id
    Column("target_id", Integer, nullable=True),  # identities.id
    Column("value", Float, nullable=True),
    Column("text", Text, nullable=True),
    Column("answers", String(512), nullable=True),
    UniqueConstraint("source", "external_id"),
    Index(None, "actor_id", "occurred_at"),
    Index(None, "target_id", "occurred_at"),
)

settings = Table(
    "settings",
    metadata,
    # Small facts about the store itself, e.g. which person is its owner.
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

#: The prefix of ``settings`` keys that hold the web app's open sessions (one row each,
#: see :mod:`goodwill.web.users`); a restore deletes them, signing everyone out.
WEB_SESSION_ROWS = "web_session:"

web_users = Table(
    "web_users",
    metadata,
    # Who may sign in to the web app (goodwill user add); the password only as an argon2 hash.
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    UniqueConstraint("name"),
)

network_score_blocks = Table(
    "network_score_blocks",
    metadata,
    # Network trust as last computed (goodwill refresh, or read back from the Spark engine),
    # per scope: "owner" for the owner's personalized trust, or a community's name. Derived
    # data: recomputable from the events at any time, kept so a refresh can warm-start from
    # it and pages can read it without recomputing. Stored as columnar blocks, since every
    # score changes at every refresh and a scope holds nearly everyone: a scope's people
    # sorted by id, cut into blocks of at most 65,536 (block 0, 1, ...; a forget may leave
    # gaps in the numbering), each block one row. Its arrays are raw bytes, without any
    # header: ``person_ids`` is ``people`` signed 64-bit integers, little-endian (8 bytes
    # each, ascending); ``mass``, ``score`` and ``normalized`` are ``people`` IEEE 754
    # doubles, little-endian, the i-th value belonging to the i-th person id. In numpy:
    # ``numpy.frombuffer(row.score, dtype="<f8")``. ``first_person`` and ``last_person``
    # (the block's smallest and largest id) let one person's score be found by reading
    # one block. goodwill scores --csv writes a scope as plain rows.
    Column("scope", String(64), primary_key=True),
    Column("block", Integer, primary_key=True, autoincrement=False),
    Column("first_person", BigInteger, nullable=False),
    Column("last_person", BigInteger, nullable=False),
    Column("people", Integer, nullable=False),  # how many people the block holds
    Column("at_us", BigInteger, nullable=False),  # the as-of moment the scores describe
    Column("computed_at", BigInteger, nullable=False),
    Column("engine", String(32), nullable=False),  # which engine computed them
    Column("person_ids", LargeBinary, nullable=False),
    Column("mass", LargeBinary, nullable=False),
    Column("score", LargeBinary, nullable=False),
    Column("normalized", LargeBinary, nullable=False),
)

forgotten = Table(
    "forgotten",
    metadata,
    # What goodwill forget leaves behind so a forgotten person does not come back with the
    # next import: keyed digests only, never the handles or names themselves (see
    # goodwill.ledger.forgotten). kind "identity": a handle whose events and identity
    # records an import skips; "term" and "lead": words redacted from imported text.
    Column("kind", String(16), primary_key=True),
    Column("digest", String(64), primary_key=True),
    Column("words", Integer, nullable=False),  # a term's length in words (0 otherwise)
    Column("forgotten_at", BigInteger, nullable=False),
)
