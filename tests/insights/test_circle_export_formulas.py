"""Circle exports a spreadsheet opens show names as text, never run them as formulas
(OWASP's CSV injection rule: a cell starting with =, +, -, @, tab or CR gets a quote)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.export.contacts import Contact
from goodwill.insights.circle_export import (
    CircleMember,
    mastodon_addresses,
    write_csv,
    write_mastodon_list,
)
from tests.cli.hostile_world import EVIL_NAME, PLAIN_NAME, hostile_store

runner = CliRunner()
_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _member(person: int, name: str, *handles: str, trust: float | None = 0.5) -> CircleMember:
    return CircleMember(person, name, "friend", trust, Contact(person, name, handles))


def test_every_formula_start_is_quoted_and_plain_cells_are_untouched() -> None:
    members = [_member(i, f"{start}cmd|' /C calc'!A0", f"x:{start}h") for i, start in
               enumerate(_STARTS, start=1)]  # fmt: skip
    members.append(_member(9, "Ann Lee", "email:ann@example.com", trust=None))
    written = io.StringIO()
    assert write_csv(members, written) == len(members)
    rows = list(csv.DictReader(io.StringIO(written.getvalue(), newline="")))
    for row, start in zip(rows, _STARTS, strict=False):
        assert row["name"] == f"'{start}cmd|' /C calc'!A0"
        assert row["identities"] == f"x:{start}h"  # starts with "x": not a formula
        assert not row["name"].startswith(_STARTS)
    assert rows[-1] == {"person": "9", "name": "Ann Lee", "tier": "friend", "trust": "",
                        "identities": "email:ann@example.com"}  # fmt: skip


def test_a_handle_cell_that_starts_a_formula_is_quoted_too() -> None:
    written = io.StringIO()
    write_csv([_member(1, "Bo", "@bo@x.social")], written)
    row = next(csv.DictReader(io.StringIO(written.getvalue())))
    assert row["identities"] == "'@bo@x.social"


def test_the_mastodon_list_keeps_only_addresses_that_can_be_accounts() -> None:
    member = _member(1, "Eve", "mastodon:@=cmd()@x.social", "mastodon:@eve_2@evil.example",
                     "mastodon:@-1+2@x.social")  # fmt: skip
    assert mastodon_addresses(member.contact) == ["eve_2@evil.example"]
    written = io.StringIO()
    assert write_mastodon_list([member], written, "Friends") == (1, 0)
    assert written.getvalue() == "Friends,eve_2@evil.example\r\n"


def test_export_circle_quotes_hostile_names_from_an_import(tmp_path: Path) -> None:
    db = hostile_store(tmp_path)
    result = runner.invoke(
        app, ["--db", db, "export", "circle", "acquaintance", "--at", "2024-07-01"]
    )
    assert result.exit_code == 0, result.output
    names = {r["name"] for r in csv.DictReader(io.StringIO(result.stdout))}
    assert f"'{PLAIN_NAME}" in names  # "+Bo Lin"
    evil = next(n for n in names if "Eve" in n)
    assert evil.startswith("'=HYPERLINK(1)") and "Eve" in EVIL_NAME
    assert not any(n.startswith(_STARTS) for n in names)
