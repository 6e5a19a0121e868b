"""The background warmer: one thread that keeps the moment "as of now" computed, so pages
find it ready instead of computing it themselves.

It computes, with its own connection, what the pages as of now share (the activity, the
trust view and the owner's relationships, the hygiene report, the corpus, the network
trust graph) and the pages everyone opens first (the dashboard, the relationships table's
rows, the circles, the merge suggestions):

- **at start**, as soon as the server runs: the first visitor waits at most for that
  computation (joining it, :mod:`goodwill.web.single_flight`), never for a second one;
- **after a write**: the server's own writes (an upload's import, the agenda buttons, a
  pin, a merge, the owner) wake it at once, and it looks at the store's data version every
  :data:`POLL_SECONDS`, so a write from another process (``goodwill import``) is picked up
  too, usually before anyone asks;
- **when the moment is past its age** (:mod:`goodwill.web.now`): pages go on being served
  from it while the warmer computes a newer one, and move over once it is ready.

A refresh is started no sooner than :data:`REFRESH_FACTOR` times the last one took (at
least a minute), so refreshing never takes more than a fraction of the server's time.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Hashable

from fastapi import FastAPI

from goodwill.errors import GoodwillError
from goodwill.events import now_us
from goodwill.ledger import Ledger
from goodwill.trust.policy import Policy
from goodwill.web.cache import Caches, MomentReads, data_version
from goodwill.web.circles_view import circles_result
from goodwill.web.merging import merge_suggestions
from goodwill.web.now import NOW_STEP_US
from goodwill.web.relationships_view import circle_rules, owner_lines
from goodwill.web.results import dashboard_result
from goodwill.web.single_flight import background

__all__ = ["POLL_SECONDS", "REFRESH_FACTOR", "Warmer", "wake_warmer"]

#: How often the warmer reads the store's data version (one query of index look-ups).
POLL_SECONDS = 2.0
#: A moment as of now is refreshed no sooner than this many times its last computation
#: took: a tenth of the time at most goes to refreshing while the store is unchanged (a
#: refresh shares the process with the pages, so it slows them while it runs).
REFRESH_FACTOR = 10
_STOP_WAIT_SECONDS = 10.0
log = logging.getLogger("goodwill.web")


class Warmer:
    """Keeps the moment pages as of now are served from computed (see the module)."""

    def __init__(
        self, ledger: Ledger, caches: Caches, policy: Policy, *, poll_seconds: float = POLL_SECONDS
    ) -> None:
        self.ledger = ledger
        self.caches = caches
        self.policy = policy
        self.poll_seconds = poll_seconds
        self.warmed: tuple[Hashable, int] | None = None  # the last (version, moment) done
        self.last_seconds: float | None = None  # how long its computation took
        self.last_error: str | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (it computes the current moment at once)."""
        self.caches.refresh = self.wake
        self._thread = threading.Thread(target=self._run, name="goodwill-warmer", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look at the store now rather than at the next poll (after a write, say)."""
        self._wake.set()

    def stop(self) -> None:
        """Stop the thread; a computation under way is waited for a few seconds, then left
        to the process's exit."""
        self.caches.refresh = None
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(_STOP_WAIT_SECONDS)
            if self._thread.is_alive():
                log.warning("the warmer is still computing; it ends with the process")
        gc.unfreeze()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.warm_once()
            except Exception:  # a background thread's boundary, as a request's is
                log.exception("warming the moment as of now failed; pages compute it instead")
            self._wake.wait(self.poll_seconds)
            self._wake.clear()

    def warm_once(self) -> bool:
        """Compute the moment pages as of now should be served from, if it is not done yet
        or past its age; whether anything was computed."""
        with background(), self.ledger.read() as conn:
            version = data_version(conn)
            now = now_us()
            serving, stale = self.caches.now.choose(version, now)
            if not stale and self.warmed == (version, serving):
                return False
            target = now if stale else serving
            reads = MomentReads(
                conn, self.caches, self.policy, at_text=None, at_us=target, exact=True
            )
            started = time.perf_counter()
            log.info("warming the moment as of now (%s)", "a refresh" if stale else "new")
            self.last_error = _prepare(reads)
            self.last_seconds = time.perf_counter() - started
        self.caches.now.refresh_us = max(NOW_STEP_US, int(REFRESH_FACTOR * self.last_seconds * 1e6))
        moved = stale and self.caches.now.advance(version, target)
        if self.caches.now.newest() == version:  # no write since: older moments are done with
            self.caches.forget(version, serving if moved else None)
        _set_aside_from_collection()
        self.warmed = (version, target)
        log.info("warmed the moment as of now in %.1f s%s", self.last_seconds,
                 f" (stopped: {self.last_error})" if self.last_error else "")  # fmt: skip
        return True


def _set_aside_from_collection() -> None:
    """Collect the garbage once, then set everything alive aside from Python's cyclic
    garbage collector (:func:`gc.freeze`).

    A moment on a million events is a couple of hundred thousand long-lived objects, and
    each full collection walked them all: 175 ms during which no page answered, every
    so often, whenever pages had allocated enough. Frozen, the collector skips them; the
    moment they belong to is still freed by reference counting when it is let go, and the
    next warm-up unfreezes everything first, so nothing frozen stays for longer than one
    moment. The one collection here (a few hundred milliseconds) is the warmer's, once
    per moment, instead of the pages' many.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _prepare(reads: MomentReads) -> str | None:
    """Compute what the pages as of ``reads``' moment share, and the first pages; what
    stopped it, for a store that cannot answer yet (no owner recorded, say)."""
    rules = circle_rules()
    steps = (  # the dashboard (where a visitor lands) first, then the rest
        lambda: reads.view().relationships(),
        reads.activity,
        reads.hygiene,
        lambda: dashboard_result(reads),
        lambda: owner_lines(reads, rules),
        reads.corpus,
        reads.network,
        lambda: circles_result(reads, rules),
        lambda: reads.page("merge-suggestions", (), lambda: merge_suggestions(reads.conn)),
    )
    for step in steps:
        try:
            step()
        except GoodwillError as exc:  # the pages say the same to whoever opens them
            return str(exc)
    return None


def wake_warmer(app: FastAPI) -> None:
    """After a write by this server: have the warmer compute the new moment at once."""
    warmer = getattr(app.state, "warmer", None)
    if isinstance(warmer, Warmer):
        warmer.wake()
