"""A demo world to try goodwill on: a seeded year of one owner's relationships.

:func:`generate` writes ``events.jsonl`` (read by the ``jsonl`` source) and ``truth.json``
(who is who, for checking features); see :mod:`goodwill.demo.world`.
"""

from __future__ import annotations

from goodwill.demo.cast import ROLES
from goodwill.demo.world import DemoWorld, generate

__all__ = ["ROLES", "DemoWorld", "generate"]
