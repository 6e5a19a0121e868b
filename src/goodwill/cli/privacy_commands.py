"""Privacy commands: placeholder module, filled in by its own slice."""

from __future__ import annotations
