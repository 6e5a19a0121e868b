"""A bounded map from keys to computed results, least recently used out first, in which a
result is computed once however many threads ask for it at the same time: the building
block of :mod:`goodwill.web.cache`."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar, cast

from goodwill.web.single_flight import PREPARING_WAIT_SECONDS, SingleFlight

__all__ = ["ResultCache"]

T = TypeVar("T")


class ResultCache:
    """A bounded map from keys to computed results, least recently used out first; safe to
    share between the server's threads. A result is computed once however many threads ask
    for it at the same time (:class:`~goodwill.web.single_flight.SingleFlight`)."""

    def __init__(self, entries: int, *, wait_seconds: float = PREPARING_WAIT_SECONDS) -> None:
        if entries < 1:
            raise ValueError("a cache needs room for at least one result")
        self.entries = entries
        self.hits = 0
        self.misses = 0
        self.flights = SingleFlight(wait_seconds)
        self._kept: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The result kept under ``key``, or ``make()``'s, kept from now on (computed by one
        thread while the others asking for it wait)."""
        found, value = self._find(key, count=True)
        if found:
            return cast(T, value)

        def make_unless_kept() -> T:  # kept by a flight that ended since the look above
            again, kept = self._find(key, count=False)
            return cast(T, kept) if again else make()

        return self.flights.run(key, make_unless_kept, keep=lambda made: self._keep(key, made))

    def discard(self, unwanted: Callable[[Hashable], bool]) -> int:
        """Drop every result whose key is ``unwanted`` (what no page can ask for any more);
        how many. A request that holds one keeps it until it is done."""
        with self._lock:
            gone = [key for key in self._kept if unwanted(key)]
            for key in gone:
                del self._kept[key]
        return len(gone)

    def _find(self, key: Hashable, *, count: bool) -> tuple[bool, object]:
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                self.hits += count
                return True, self._kept[key]
            self.misses += count
            return False, None

    def _keep(self, key: Hashable, value: object) -> None:
        with self._lock:
            self._kept[key] = value
            self._kept.move_to_end(key)
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)

    def keys(self) -> list[Hashable]:
        """The keys kept now, least recently used first."""
        with self._lock:
            return list(self._kept)

    def __len__(self) -> int:
        return len(self._kept)
