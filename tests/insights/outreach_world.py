"""Small hand-built ledgers for the listening, topics, brief and experts tests.

A test writes the events it needs as JSON lines, imports them through the ``jsonl`` source
like any user's file, and records the owner; the figures it checks are computed by hand
from those few events.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.events import now_us
from goodwill.importing import run_import
from goodwill.ledger import open_ledger
from goodwill.ledger.people import identity_person, set_owner

runner = CliRunner()


def event(
    ident: str, day: str, kind: str, actor: str, target: str | None = None, **fields: Any
) -> dict[str, Any]:
    """One event line; ``day`` is ``YYYY-MM-DD`` or a full ISO time."""
    time = day if "T" in day else f"{day}T12:00:00Z"
    line = {"id": ident, "time": time, "kind": kind, "actor": actor, **fields}
    if target is not None:
        line["target"] = target
    return line


def build_store(
    folder: Path, lines: Iterable[dict[str, Any]], owner: list[str], name: str = "h"
) -> str:
    """A store in ``folder`` holding ``lines``, with ``owner``'s handles as its owner."""
    path = folder / f"{name}.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    url = f"sqlite:///{folder / f'{name}.db'}"
    with open_ledger(url) as ledger:
        run_import(ledger, "jsonl", path)
        with ledger.write() as conn:
            set_owner(conn, owner, now_us=now_us())
    return url


def person_of(url: str, handle: str) -> int:
    """The person holding ``handle``."""
    with open_ledger(url) as ledger, ledger.read() as conn:
        return identity_person(conn, handle)


def run(db: str, *args: str, code: int = 0) -> str:
    """The command's stdout (lines unwrapped unless it is JSON)."""
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == code, result.output
    return result.stdout if "--json" in args else " ".join(result.stdout.split())
