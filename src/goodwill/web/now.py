"""Which moment a page "as of now" is computed at: the latest one computed for the store's
current contents, refreshed in the background, so the clock alone never makes anyone wait.

"Now" never repeats, and a moment on a million events takes a minute to compute, so a page
as of now is served from a moment fixed earlier. The rule, per store *data version*
(:func:`goodwill.web.cache.data_version`):

- **After a write** (a version not seen before: an import, a note, a pin, a merge, from
  this server or another process), the first page as of now fixes the moment at its own
  instant, and every page as of now under that version uses it. The write is in it, so a
  page never shows data older than a write that came before it; the first pages after a
  write wait for that one computation (shared: see :mod:`goodwill.web.single_flight`).
- **While the store is unchanged**, the moment is kept for at least :attr:`refresh_us`;
  past that, pages go on being served from it (it is at most that old, and nothing has
  been written since) while a newer one is computed in the background
  (:mod:`goodwill.web.warm`); once that is ready, pages move to it. A clock tick never
  makes a page wait.

Without a background warmer (the app started with ``warm=False``, as most tests do), a
page that finds the moment past its age moves to a new one itself.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

__all__ = ["NOW_STEP_US", "NowMoments"]

#: The shortest time a moment "as of now" is kept while the store is unchanged. The
#: warmer stretches it to a few times a refresh's own duration (see :mod:`.warm`), so
#: refreshing never takes more than a fraction of the server's time.
NOW_STEP_US = 60_000_000
_VERSIONS_KEPT = 8  # versions remembered: the current one and those in-flight pages read


class NowMoments:
    """The moment "now" means, per data version; safe to share between threads."""

    def __init__(self, refresh_us: int = NOW_STEP_US) -> None:
        self.refresh_us = refresh_us
        self._serving: OrderedDict[Hashable, int] = OrderedDict()
        self._newest: Hashable | None = None
        self._lock = threading.Lock()

    def choose(self, version: Hashable, now_us: int) -> tuple[int, bool]:
        """The moment to serve a page as of ``now_us`` from, under ``version``, and
        whether it is past its age (a newer one should be computed)."""
        with self._lock:
            at_us = self._serving.get(version)
            if at_us is None:  # a version not seen before: a write, or the first page
                self._set(version, now_us)
                self._newest = version
                return now_us, False
            self._serving.move_to_end(version)
            return at_us, now_us - at_us >= self.refresh_us

    def advance(self, version: Hashable, at_us: int) -> bool:
        """Serve pages under ``version`` from ``at_us`` from now on, if it is later than
        the moment they are served from; whether it was."""
        with self._lock:
            current = self._serving.get(version)
            if current is not None and current >= at_us:
                return False
            self._set(version, at_us)
            return True

    def newest(self) -> Hashable | None:
        """The version seen first most recently: the store's contents after its latest
        write (a page that read the store just before it may still ask for the one before)."""
        with self._lock:
            return self._newest

    def serving(self, version: Hashable) -> int | None:
        """The moment pages under ``version`` are served from (None: none yet)."""
        with self._lock:
            return self._serving.get(version)

    def _set(self, version: Hashable, at_us: int) -> None:
        self._serving[version] = at_us
        self._serving.move_to_end(version)
        while len(self._serving) > _VERSIONS_KEPT:
            self._serving.popitem(last=False)
