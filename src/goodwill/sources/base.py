"""The contract every source follows, built-in or third-party.

A source reads one input (a file, a folder, an archive, an API) and *yields* records:
:class:`~goodwill.events.Event`, :class:`~goodwill.events.Identity`, and
:class:`~goodwill.events.Rejected` for a record it cannot read. It never writes: the ledger
appends what it yields, in one transaction. A source streams: it holds no more than the
record at hand and what it needs to key the next one, so a multi-GB input costs no more
memory than a small one.

To add a source, subclass :class:`Source`, give it a ``name``, a one-line ``description``
and its ``options``, implement :meth:`Source.records`, and register the class under the
``goodwill.sources`` entry-point group, exactly as the built-in sources do. Answer
:meth:`Source.sniff` so that ``goodwill import PATH`` can recognise the input.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from goodwill.errors import SourceError
from goodwill.events import Record, check_network

if TYPE_CHECKING:
    from goodwill.sources.sniffing import Sample

__all__ = ["Source", "check_network_option"]


class Source(ABC):
    """One kind of input goodwill can read."""

    #: The name users type (``goodwill import NAME PATH``); equals the entry-point name.
    name: ClassVar[str]
    #: One line for ``goodwill sources``.
    description: ClassVar[str]
    #: Options the source accepts (``--option key=value``), each with its help text.
    options: ClassVar[Mapping[str, str]] = {}

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        given = dict(options or {})
        unknown = sorted(set(given) - set(self.options))
        if unknown:
            accepted = ", ".join(sorted(self.options)) or "none"
            raise SourceError(
                f"source {self.name!r} has no option {', '.join(map(repr, unknown))}; "
                f"it accepts: {accepted}"
            )
        self.settings: dict[str, str] = given
        self._position: Callable[[], int] = lambda: 0
        self.check_settings()

    @classmethod
    def sniff(cls, sample: Sample) -> int:
        """How sure this source is, from 0 ("not mine") to 100, that ``sample`` is its input,
        for ``goodwill import PATH`` (see :mod:`goodwill.sources.sniffing`). A source that
        reads no file (an API) keeps this default, 0."""
        return 0

    def check_settings(self) -> None:  # noqa: B027 - an optional hook, empty by design
        """Refuse option values the source cannot use, before any input is read.

        Raise :class:`~goodwill.errors.SourceError` saying which option and why. The
        default accepts everything.
        """

    @abstractmethod
    def records(self, path: Path) -> Iterator[Record]:
        """Yield the events, identities and rejected records found in ``path``."""

    def bytes_read(self) -> int:
        """How far into the input file the source has read, for progress bars."""
        return self._position()

    def track(self, position: Callable[[], int]) -> None:
        """Tell :meth:`bytes_read` where to look; sources call it when they open the input."""
        self._position = position


def check_network_option(settings: dict[str, str]) -> None:
    """Refuse a ``network`` option that cannot name a network (sources that take one call it
    from :meth:`Source.check_settings`)."""
    if "network" in settings:
        try:
            check_network(settings["network"])
        except ValueError as exc:
            raise SourceError(f"option {exc}") from None
