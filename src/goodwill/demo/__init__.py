"""A demo world to try goodwill on: a seeded year of one owner's relationships.

:func:`generate` writes ``events.jsonl`` (read by the ``jsonl`` source) and ``truth.json``
(who is who, for checking features); see :mod:`goodwill.demo.world`. :func:`install_demo`
puts a world into a store and records its owner.
"""

from __future__ import annotations

from goodwill.demo.cast import ROLES
from goodwill.demo.install import InstalledDemo, install_demo
from goodwill.demo.world import DemoWorld, generate

__all__ = ["ROLES", "DemoWorld", "InstalledDemo", "generate", "install_demo"]
