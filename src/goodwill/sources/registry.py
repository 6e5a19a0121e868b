"""Finding sources: every source, built-in or not, is an entry point in ``goodwill.sources``.

Loading is lazy: a source's module is imported only when that source is used
(:func:`source_class`), or when the file sources are asked to recognise an input
(:func:`file_sources`). Listing what there is (:func:`describe_sources`) reads what each
module declares without running it (:mod:`goodwill.sources.declared`), so ``goodwill
import csv`` never pays for the Bluesky API source's SDK. :func:`available_sources` still
loads them all, for callers that need every class.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points

from goodwill.errors import SourceError, UnknownSourceError
from goodwill.sources.base import Source
from goodwill.sources.declared import Declared, declared

__all__ = [
    "GROUP",
    "available_sources",
    "describe_sources",
    "file_sources",
    "source_class",
    "source_names",
]

GROUP = "goodwill.sources"


def _points() -> dict[str, EntryPoint]:
    found = {p.name: p for p in entry_points(group=GROUP)}
    if not found:
        raise SourceError(
            "no sources are registered: goodwill's own are entry points, so install the "
            "package (pip install -e .) rather than running it from a bare checkout"
        )
    return dict(sorted(found.items()))


def _load(point: EntryPoint) -> type[Source]:
    cls = point.load()
    if not (isinstance(cls, type) and issubclass(cls, Source)):
        raise SourceError(f"entry point {point.name!r} ({point.value}) is not a goodwill Source")
    if cls.name != point.name:
        raise SourceError(
            f"entry point {point.name!r} loads source {cls.name!r}: the names must match"
        )
    return cls


def source_names() -> list[str]:
    """The names of every registered source, sorted, without importing any of them."""
    return list(_points())


def available_sources() -> dict[str, type[Source]]:
    """Every registered source by name, sorted by name (this imports every source module).

    >>> [name for name in available_sources() if name.startswith("mastodon")]
    ['mastodon', 'mastodon-archive']
    """
    return {name: _load(point) for name, point in _points().items()}


def source_class(name: str) -> type[Source]:
    """The source registered as ``name`` (importing its module only), or an error listing
    the ones that are."""
    points = _points()
    if name not in points:
        raise UnknownSourceError(
            f"unknown source {name!r}; available: {', '.join(points)} "
            "(goodwill sources describes each)"
        )
    return _load(points[name])


@cache
def _declared(value: str) -> Declared | None:
    return declared(value)


def describe_sources() -> dict[str, Declared]:
    """Each source's name, description, options and whether it reads a file, by name;
    a module is imported only when it does not state them plainly."""
    described: dict[str, Declared] = {}
    for name, point in _points().items():
        found = _declared(point.value)
        if found is None or found.name != name:
            cls = _load(point)
            found = Declared(cls.name, cls.description, dict(cls.options), _reads_files(cls))
        described[name] = found
    return described


def file_sources() -> dict[str, type[Source]]:
    """The sources that read a file (API syncs are left out), loaded: what recognising an
    input (``goodwill import PATH``, an upload) asks of each."""
    described = describe_sources()
    points = _points()
    return {n: _load(points[n]) for n, d in described.items() if d.reads_files}


def _reads_files(cls: type[Source]) -> bool:
    from goodwill.syncing import SyncSource

    return not issubclass(cls, SyncSource)
