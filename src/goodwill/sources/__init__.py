"""Sources read inputs into events and identities; see :mod:`goodwill.sources.base`."""

from __future__ import annotations

from goodwill.sources.base import Source
from goodwill.sources.registry import available_sources, source_class

__all__ = ["Source", "available_sources", "source_class"]
