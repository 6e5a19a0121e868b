"""One computation per key at a time: whoever asks first computes, everyone else who asks
for the same key meanwhile waits for that one result instead of computing it again.

Fifty requests that arrive together for a moment nothing was computed for would otherwise
each spend a minute computing the same trust view, with fifty times the memory. Here the
first computes in its own thread and the others wait on an event, so no thread is ever
busy redoing another's work.

A waiter waits at most ``wait_seconds`` (a request should not hang for as long as a cold
moment on a million events takes: it answers 503 "still preparing", with ``Retry-After``,
and the computation goes on for whoever asks next). That holds for a request that is
itself making a page and waits for what the page needs (the hygiene report the warmer is
computing, say): it gives up the page, which had not got far, rather than hang. Only a
background thread (the warmer, inside :class:`background`) waits without bound. The keys a
computation waits for are always "below" its own (a page waits for the trust view, the
hygiene report for the activity), so two threads never wait for each other.

If the computation fails, every waiter gets its error, and nothing is kept: the next
request tries again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar, cast

from goodwill.ledger.store import StoreBusyError

__all__ = ["PREPARING_WAIT_SECONDS", "SingleFlight", "StillPreparing"]

T = TypeVar("T")

#: How long a request waits for a computation another request (or the warm-up) started,
#: before answering 503: long enough for most moments, short enough that a browser shows
#: "preparing" rather than a page that seems to hang.
PREPARING_WAIT_SECONDS = 20.0

_background = threading.local()  # whether this thread works for no request


class StillPreparing(StoreBusyError):
    """A page waited its bounded time for a computation that is still running (the web
    app answers 503 with ``Retry-After``; the computation continues meanwhile)."""


class _Flight(Generic[T]):
    """One computation under way: its result or error, once done."""

    __slots__ = ("done", "error", "owner", "value")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: T | None = None
        self.error: BaseException | None = None
        self.owner = threading.get_ident()


def in_background() -> bool:
    """Whether this thread declared itself a background one (:class:`background`)."""
    return getattr(_background, "depth", 0) > 0


class background:
    """A context in which this thread works for no request: its waits have no bound."""

    def __enter__(self) -> None:
        _background.depth = getattr(_background, "depth", 0) + 1

    def __exit__(self, *_exc: object) -> None:
        _background.depth -= 1


class SingleFlight:
    """The computations under way, by key; safe to share between threads."""

    def __init__(self, wait_seconds: float = PREPARING_WAIT_SECONDS) -> None:
        if wait_seconds <= 0:
            raise ValueError("wait_seconds must be positive")
        self.wait_seconds = wait_seconds
        self.runs = 0  # computations started (a test proves that waiters start none)
        self.joined = 0  # requests that waited for another's computation
        self._flights: dict[Hashable, _Flight[object]] = {}
        self._lock = threading.Lock()

    def run(
        self, key: Hashable, make: Callable[[], T], *, keep: Callable[[T], None] | None = None
    ) -> T:
        """``make()``'s result, computed once however many threads ask for ``key`` at the
        same time. ``keep`` is called with the result before any waiter is woken, so a
        cache can file it where the next request will find it. Raises
        :class:`StillPreparing` when this thread waited its bounded time in vain."""
        with self._lock:
            flight = self._flights.get(key)
            mine = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
                self.runs += 1
            else:
                self.joined += 1
        if mine:
            return self._compute(key, flight, make, keep)
        if flight.owner == threading.get_ident():
            raise RuntimeError(f"{key!r} is computed by a computation that needs it")
        bound = None if in_background() else self.wait_seconds
        if not flight.done.wait(bound):
            raise StillPreparing(
                "goodwill is still preparing this page (computing trust and activity as of "
                f"its moment, which takes a while on a large store); it keeps going: try "
                f"again in a few seconds (waited {bound:.0f} s)"
            )
        if flight.error is not None:
            raise flight.error
        return cast(T, flight.value)

    def _compute(
        self,
        key: Hashable,
        flight: _Flight[object],
        make: Callable[[], T],
        keep: Callable[[T], None] | None,
    ) -> T:
        try:
            value = make()
            if keep is not None:
                keep(value)
            flight.value = value
            return value
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                del self._flights[key]
            flight.done.set()

    def running(self) -> int:
        """How many computations are under way now."""
        with self._lock:
            return len(self._flights)
