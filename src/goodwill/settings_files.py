"""Reading a user's settings file: the one place that turns a missing or broken TOML file
into an error the user can act on.

The evidence policy, the circles of trust and the hygiene thresholds each ship defaults
in a TOML file and take a user's file laid over them; all three read that file here.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from goodwill.errors import AlgorithmInputError

__all__ = ["read_settings_file"]


def read_settings_file(path: Path | str, what: str) -> dict[str, Any]:
    """The tables in ``path``; ``what`` names the file in errors ("policy file")."""
    path = Path(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AlgorithmInputError(f"{what} {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AlgorithmInputError(f"{what} {path} is not valid TOML: {exc}") from None
