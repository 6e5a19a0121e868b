"""The ``goodwill`` command line; each module adds one group of commands to :data:`app`."""

from __future__ import annotations

from goodwill.cli import (
    demo_command,
    export_commands,
    ledger_commands,
    people_commands,
    sync_commands,
    trust_commands,
)
from goodwill.cli.app import app

__all__ = ["app", "main"]

_COMMAND_MODULES = (
    ledger_commands,
    sync_commands,
    people_commands,
    export_commands,
    trust_commands,
    demo_command,
)


def main() -> None:
    """Entry point of the ``goodwill`` console script."""
    app()
