"""Where the store lives: ``--db URL``, else ``GOODWILL_DB``, else a SQLite file in the
user's data directory, so a first run needs no configuration.

>>> resolve_url("sqlite:////tmp/g.db", environ={})
'sqlite:////tmp/g.db'
>>> resolve_url(None, environ={"GOODWILL_DB": "postgresql+psycopg://localhost/goodwill"})
'postgresql+psycopg://localhost/goodwill'
>>> resolve_url(None, environ={}).endswith("goodwill.db")
True
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

__all__ = ["ENV_VAR", "default_url", "resolve_url"]

ENV_VAR = "GOODWILL_DB"


def default_url() -> str:
    """The embedded default: ``goodwill.db`` in the platform's per-user data directory."""
    directory = Path(platformdirs.user_data_dir("goodwill", appauthor=False))
    return f"sqlite:///{directory / 'goodwill.db'}"


def resolve_url(url: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The store URL to use: the explicit one, the environment's, or the default."""
    env = os.environ if environ is None else environ
    return url or env.get(ENV_VAR) or default_url()
