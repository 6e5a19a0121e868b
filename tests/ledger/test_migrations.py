"""Upgrades: a store at every released schema revision, with data in it, comes to the newest
schema with all of its data, and the app works on it; a step down and up again keeps what
the lower revision holds; and what the migrations build is exactly ``schema.metadata``.

The revisions are read from the migration scripts, so a new one is tested here without
touching this file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.importing import run_import
from goodwill.ledger import Ledger, open_ledger
from goodwill.ledger.migrate import alembic_config, current_revision, head_revision
from goodwill.ledger.schema import metadata
from goodwill.web.users import check_password
from tests.ledger.consistency import store_problems
from tests.ledger.old_stores import PASSWORD, Rows, as_before, dump, fill, migrate

#: (revision, the one before it), oldest first.
REVISIONS = [
    (script.revision, script.down_revision)
    for script in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
]
AT = "2026-01-01"


def _goodwill(url: str, *args: str) -> Any:
    """A command's JSON output, run as the CLI runs it."""
    result = CliRunner().invoke(app, ["--db", url, *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _at_head_as_declared(ledger: Ledger) -> None:
    assert current_revision(ledger.engine) == head_revision()
    with ledger.read() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def _the_app_works_on(url: str, before: Rows, tmp_path: Path) -> None:
    """People, trust and sign-in read the old data as the app wrote it; a new import writes."""
    people = {p["name"]: sorted(p["identities"]) for p in _goodwill(url, "people")}
    assert people == {
        "Me": ["email:me@example.org", "mastodon:@me@example.social"],
        "Ann Lee": ["email:ann@example.org"],
        "Bob Roy": ["email:bob@example.org"],
        "Cy Dunn": ["email:cy@example.org", "x:@cy"],
    }
    trusted = _goodwill(url, "trust", "email:me@example.org", "--at", AT)["trusts"]
    assert {t["name"] for t in trusted} == {"Ann Lee", "Bob Roy", "Cy Dunn"}
    incoming = tmp_path / "later.jsonl"
    incoming.write_text(
        '{"id": "new-1", "time": 1767225600, "kind": "reply", "actor": "email:dee@example.org",'
        ' "target": "email:me@example.org"}\n'
        '{"id": "new-2", "time": 1767225601, "kind": "thanks", "actor": "email:ann@example.org",'
        ' "target": "email:me@example.org"}\n',
        encoding="utf-8",
    )
    with open_ledger(url) as ledger:
        summary = run_import(ledger, "jsonl", incoming)
        assert (summary.added, summary.identities_added) == (2, 1)
        assert store_problems(ledger) == []
        if "web_users" in before:
            assert check_password(ledger, "ann", PASSWORD) is not None


@pytest.mark.parametrize("revision", [revision for revision, _ in REVISIONS])
def test_a_store_at_each_revision_comes_to_head_with_its_data(
    store_url: str, revision: str, tmp_path: Path
) -> None:
    with open_ledger(store_url, migrate=False) as ledger:
        migrate(ledger.engine, "upgrade", revision)
        with ledger.write() as conn:
            fill(conn)
        with ledger.read() as conn:
            before = dump(conn)
    with open_ledger(store_url) as ledger:  # as every command opens it: migrated on the way
        _at_head_as_declared(ledger)
        with ledger.read() as conn:
            assert as_before(before, dump(conn)) == before
        assert store_problems(ledger) == []
    _the_app_works_on(store_url, before, tmp_path)


@pytest.mark.parametrize(("revision", "lower"), [step for step in REVISIONS if step[1]])
def test_a_step_down_and_up_again_keeps_what_the_lower_revision_holds(
    store_url: str, revision: str, lower: str
) -> None:
    with open_ledger(store_url, migrate=False) as ledger:
        migrate(ledger.engine, "upgrade", revision)
        with ledger.write() as conn:
            fill(conn)
        with ledger.read() as conn:
            full = dump(conn)
        migrate(ledger.engine, "downgrade", lower)
        assert current_revision(ledger.engine) == lower
        with ledger.read() as conn:
            kept = dump(conn)
    assert kept and set(kept) <= set(full)
    assert as_before(kept, full) == kept  # nothing the lower revision holds was lost
    with open_ledger(store_url) as ledger:
        _at_head_as_declared(ledger)
        with ledger.read() as conn:
            assert as_before(kept, dump(conn)) == kept
        assert store_problems(ledger) == []
