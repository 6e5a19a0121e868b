"""Docs that cannot fall behind: every command and every source is documented."""

from __future__ import annotations

import re
from pathlib import Path

from goodwill.cli import app
from goodwill.sources import available_sources

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _headings(name: str) -> set[str]:
    text = (DOCS / name).read_text(encoding="utf-8")
    return set(re.findall(r"^#{2,3} `(?:goodwill )?([a-z-]+)`", text, flags=re.MULTILINE))


def test_every_command_is_documented() -> None:
    commands = {
        command.name or command.callback.__name__.replace("_", "-")  # type: ignore[union-attr]
        for command in app.registered_commands
    }
    assert len(commands) >= 10
    assert commands - _headings("cli.md") == set()


def test_every_source_is_documented() -> None:
    assert set(available_sources()) - _headings("sources.md") == set()


def test_the_readme_opens_with_the_two_commands() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```", 2)[1]
    assert "make demo" in first_block and "make test" in first_block
    ci = (DOCS.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
