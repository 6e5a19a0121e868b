"""Imported text reaches the terminal as text: every command that shows names, handles or
messages, run on a store whose names and texts hold escape sequences, C1 controls and Rich
markup, prints no control byte and shows the markup literally."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.cli.terminal import inert, plain, plain_export, terminal_json
from tests.cli.hostile_world import EVIL, OWNER, STRANGER, hostile_store

AT = "2024-07-01"
# Every control character but tab, newline (and carriage return, which CSV lines end with).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
runner = CliRunner()
#: Commands this world gives nothing of Eve's to show (no one to flag, no promotion cited):
#: run all the same, for crashes and control bytes.
_QUIET = {"hygiene", "listening"}

COMMANDS = [
    ["people"],
    ["show", EVIL],
    ["trust", EVIL, "--at", AT],
    ["why", OWNER, EVIL, "--at", AT],
    ["relationships", "--at", AT],
    ["standing", "--at", AT],
    ["advocates", "--at", AT, "--all"],
    ["agenda", "--at", AT],
    ["agenda", "--at", AT, "--explain"],
    ["circles", "--at", AT, "--evidence", "2"],
    ["may-share", EVIL, "referral", "--at", AT],
    ["hygiene", "--at", AT, "--min-confidence", "0"],
    ["listening", "--at", AT],
    ["topics", EVIL, "--at", AT],
    ["brief", EVIL, "--at", AT],
    ["experts", "--at", AT],
    ["network", "--at", AT],
    ["path", OWNER, EVIL, "--at", AT],
    ["intro", STRANGER, "--at", AT],
    ["export", "circle", "acquaintance", "--at", AT],
    ["export", "circle", "acquaintance", "--at", AT, "--format", "vcard"],
    ["export", "vcard"],
    ["export", "person", EVIL, "--at", AT],
    ["people", "--json"],
    ["forget", EVIL],  # asks first: answered no below
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    return hostile_store(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_no_command_lets_imported_text_reach_the_terminal(store: str, args: list[str]) -> None:
    result = runner.invoke(app, ["--db", store, *args], input="n\n", env={"COLUMNS": "500"})
    assert result.exit_code in (0, 1), result.output  # 1: may-share's "no", forget's "no"
    output = result.stdout + result.stderr
    if args[0] not in _QUIET:
        assert "Eve" in output or "hello" in output, output  # the hostile text is shown...
    assert not _CONTROL.search(output), repr(_CONTROL.search(output))  # ...with no control
    # Markup is shown, never applied: read as markup, the tags would vanish and leave the
    # words beside each other (joined again here where a table wrapped them).
    words = " ".join(output.split())
    for applied in ("Eve loud", "31m loud", "loud click", "] click", "\U0001f431"):
        assert applied not in words, applied


def test_json_output_keeps_the_text_and_parses(store: str) -> None:
    result = runner.invoke(app, ["--db", store, "export", "person", EVIL, "--at", AT])
    assert not _CONTROL.search(result.stdout.replace("\n", ""))
    document = json.loads(result.stdout)
    # the data is all there: JSON escapes carry the controls, a program reading it gets them
    assert "\x1b]0;owned\x07" in document["person"]["name"]
    assert "\x9b31m" in document["person"]["name"]


def test_an_error_quoting_a_record_prints_no_control(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"time": "x\\u001b[2J\\u009b", "kind": "reply", "actor": "a:b"}\n')
    result = runner.invoke(app, ["--db", f"sqlite:///{tmp_path / 'g.db'}", "import", "jsonl",
                                 str(bad)])  # fmt: skip
    assert result.exit_code == 2
    assert "goodwill: error:" in result.stderr and "[2J" in result.stderr
    assert not _CONTROL.search(result.stderr)


def test_the_helpers_strip_controls_and_escape_markup() -> None:
    hostile = "a\x1b[31mb\x07c\x9bd\te\nf\r[bold]g[/]"
    assert plain(hostile) == "a[31mbcd\te\nf[bold]g[/]"
    assert inert(hostile) == "a[31mbcd\te\nf\\[bold]g\\[/]"  # "[31m" is no tag
    assert plain_export("x\x1by\r\n\tz\x85") == "xy\r\n\tz"
    assert json.loads(terminal_json(json.dumps("\x9b\x7f", ensure_ascii=False))) == "\x9b\x7f"
    assert terminal_json(json.dumps("\x9b", ensure_ascii=False)) == '"\\u009b"'
