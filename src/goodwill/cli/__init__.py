"""The ``goodwill`` command line; each module adds one group of commands to :data:`app`."""

from __future__ import annotations

from goodwill.cli import (
    advocates_commands,
    agenda_commands,
    circles_commands,
    demo_command,
    export_commands,
    hygiene_commands,
    ledger_commands,
    listening_commands,
    network_commands,
    people_commands,
    privacy_commands,
    scale_commands,
    sync_commands,
    trust_commands,
    web_commands,
)
from goodwill.cli.app import app

__all__ = ["app", "main"]

_COMMAND_MODULES = (
    ledger_commands,
    sync_commands,
    people_commands,
    export_commands,
    trust_commands,
    network_commands,
    agenda_commands,
    advocates_commands,
    hygiene_commands,
    circles_commands,
    listening_commands,
    web_commands,
    privacy_commands,
    scale_commands,
    demo_command,
)


def main() -> None:
    """Entry point of the ``goodwill`` console script."""
    app()
