"""Finding sources: every source, built-in or not, is an entry point in ``goodwill.sources``."""

from __future__ import annotations

from importlib.metadata import entry_points

from goodwill.errors import SourceError, UnknownSourceError
from goodwill.sources.base import Source

__all__ = ["GROUP", "available_sources", "source_class"]

GROUP = "goodwill.sources"


def available_sources() -> dict[str, type[Source]]:
    """Every registered source by name, sorted by name.

    >>> [name for name in available_sources() if name.startswith("mastodon")]
    ['mastodon', 'mastodon-archive']
    """
    found: dict[str, type[Source]] = {}
    for point in entry_points(group=GROUP):
        cls = point.load()
        if not (isinstance(cls, type) and issubclass(cls, Source)):
            raise SourceError(
                f"entry point {point.name!r} ({point.value}) is not a goodwill Source"
            )
        if cls.name != point.name:
            raise SourceError(
                f"entry point {point.name!r} loads source {cls.name!r}: the names must match"
            )
        found[point.name] = cls
    if not found:
        raise SourceError(
            "no sources are registered: goodwill's own are entry points, so install the "
            "package (pip install -e .) rather than running it from a bare checkout"
        )
    return dict(sorted(found.items()))


def source_class(name: str) -> type[Source]:
    """The source registered as ``name``, or an error listing the ones that are."""
    sources = available_sources()
    if name not in sources:
        raise UnknownSourceError(
            f"unknown source {name!r}; available: {', '.join(sources)} "
            "(goodwill sources describes each)"
        )
    return sources[name]
