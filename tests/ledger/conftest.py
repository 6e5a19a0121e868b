"""Fixtures for the ledger's process-level tests: a warm server of ``goodwill`` commands."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ledger.cli_process import ForkServer


@pytest.fixture(scope="session")
def goodwill_cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ForkServer]:
    """Starts ``goodwill`` commands in processes of their own (see :mod:`cli_process`)."""
    server = ForkServer(tmp_path_factory.mktemp("goodwill-cli"))
    yield server
    server.close()
