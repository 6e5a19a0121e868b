"""What pages compute, kept until the store changes, and shared by the sections of a page.

Every page is a function of three things: what the store holds, the moment it is as of
(``?at=``) and the evidence policy, which is fixed for the app's life. So a result can be
kept under the store's :func:`data_version` and the moment, and is good for as long as
nothing is written: any write (an import, a note from the agenda buttons, a merge, a new
owner) changes the version, and what was kept under the old one is never found again.

Two caches, because what they hold differs in size by a thousand times:

- **moments**: the activity, the trust view, the hygiene report and the text corpus as
  of one moment; several megabytes each on a real store, so only a few moments are kept;
- **pages**: the finished models pages and the API show, a few kilobytes each.

A page without ``?at=`` is as of now, a moment that never repeats. Its moment is fixed by
the first request in each minute and reused by every request in that minute while the
store is unchanged: a page "as of now" may be up to a minute old, never older than the
last write, since a write changes the version and so the moment.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TypeVar, cast

from sqlalchemy import Connection, func, select

from goodwill.insights.activity import Activity, load_activity
from goodwill.insights.hygiene import HygieneReport, Lookups, hygiene_report
from goodwill.insights.topics import Corpus, load_corpus
from goodwill.ledger.people import OWNER_KEY
from goodwill.ledger.schema import events, imports, person_merges, settings
from goodwill.trust.evidence import EventTable
from goodwill.trust.loading import PersonIndex
from goodwill.trust.model import TrustSnapshot
from goodwill.trust.policy import Policy
from goodwill.trust.report import Relationship, TrustView, open_view

__all__ = ["MOMENTS_KEPT", "PAGES_KEPT", "Caches", "MomentReads", "ResultCache", "data_version"]

T = TypeVar("T")

#: Moments whose activity, trust view, hygiene report and corpus are kept: the pages as
#: of now, as of a date being looked at, and a few more; each is megabytes on a real store.
MOMENTS_KEPT = 4
_KINDS = ("activity", "trust", "hygiene", "corpus")
#: Finished pages kept (a few kilobytes each): every person page someone clicked through.
PAGES_KEPT = 256
#: "Now" is fixed for this long while the store is unchanged (see the module's docstring).
NOW_STEP_US = 60_000_000


def data_version(conn: Connection) -> tuple[object, ...]:
    """What changes whenever something a page shows is written, read in one query.

    Events and notes (notes are events) are appended through imports: the events' count
    and highest id, and the highest import id, change with each (the count also with any
    deletion). Identities and names change only inside an import, so the import id covers
    them. Merges are rows of ``person_merges``, undoing one sets its ``undone_at``, and the
    owner is one row of ``settings``. Each part is an index look-up or a small table's
    scan: well under a millisecond on the stores measured (see ``bench/web.py``).
    """
    undone = person_merges.c.undone_at.is_not(None)
    row = conn.execute(
        select(
            select(func.count()).select_from(events).scalar_subquery(),
            select(func.max(events.c.id)).scalar_subquery(),
            select(func.max(imports.c.id)).scalar_subquery(),
            select(func.max(person_merges.c.id)).scalar_subquery(),
            select(func.count()).select_from(person_merges).where(undone).scalar_subquery(),
            select(settings.c.value).where(settings.c.key == OWNER_KEY).scalar_subquery(),
        )
    ).one()
    return tuple(row)


class ResultCache:
    """A bounded map from keys to computed results, least recently used out first; safe to
    share between the server's threads (two threads may compute the same result at once:
    both get a correct one, and one is kept)."""

    def __init__(self, entries: int) -> None:
        if entries < 1:
            raise ValueError("a cache needs room for at least one result")
        self.entries = entries
        self.hits = 0
        self.misses = 0
        self._kept: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The result kept under ``key``, or ``make()``'s, kept from now on."""
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                self.hits += 1
                return cast(T, self._kept[key])
            self.misses += 1
        value = make()
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._kept)


@dataclass(frozen=True, slots=True)
class Caches:
    """The app's two caches (see the module's docstring). ``moments`` holds, per store
    version and moment, a small cache of what was computed as of it; ``made`` counts what
    was computed, by kind (``activity``, ``trust``, ``hygiene``, ``corpus``)."""

    moments: ResultCache = field(default_factory=lambda: ResultCache(MOMENTS_KEPT))
    pages: ResultCache = field(default_factory=lambda: ResultCache(PAGES_KEPT))
    made: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def moment(self, version: Hashable, at_us: int) -> ResultCache:
        """What is kept as of ``at_us`` under the store's ``version``."""
        return self.moments.get((version, at_us), lambda: ResultCache(len(_KINDS)))

    def counted(self, kind: str, make: Callable[[], T]) -> Callable[[], T]:
        """``make``, counted in :attr:`made` when it runs."""

        def run() -> T:
            with self._lock:
                self.made[kind] += 1
            return make()

        return run


@dataclass(frozen=True, slots=True)
class _TrustParts:
    """A trust view without its connection: what is kept between requests, with the
    relationships it listed, by person (``None``: the owner's)."""

    table: EventTable
    index: PersonIndex
    snapshot: TrustSnapshot
    relationships: dict[int | None, list[Relationship]] = field(default_factory=dict)


class _KeptView(TrustView):
    """A :class:`TrustView` over kept parts that lists each person's relationships once
    per moment: the dashboard, the agenda, the person, circles and relationships pages all
    start from the owner's, and listing them is a good part of each page's time."""

    def __init__(self, conn: Connection, parts: _TrustParts) -> None:
        super().__init__(conn, parts.table, parts.index, parts.snapshot)
        self._listed = parts.relationships

    def relationships(self, person_id: int | None = None) -> list[Relationship]:
        if person_id not in self._listed:
            self._listed[person_id] = super().relationships(person_id)
        return list(self._listed[person_id])


class MomentReads:
    """One request's way to what is computed as of its moment over an open connection:
    each is made at most once per store version and moment, whichever section or page
    asks first, and shared by the rest.

    ``at_text`` is the ``?at=`` as given (``None`` for now), ``at_us`` as parsed.
    :attr:`at_us` is the moment to compute at: ``at_us`` itself, or for now the moment
    fixed for this minute.
    """

    def __init__(
        self,
        conn: Connection,
        caches: Caches,
        policy: Policy,
        *,
        at_text: str | None,
        at_us: int,
    ) -> None:
        self.conn = conn
        self.policy = policy
        self._caches = caches
        self.version = data_version(conn)
        if at_text is None:
            step = ("now", self.version, at_us // NOW_STEP_US)
            at_us = caches.pages.get(step, lambda: at_us)
        self.at_us = at_us

    def _moment(self, kind: str, make: Callable[[], T]) -> T:
        kept = self._caches.moment(self.version, self.at_us)
        return kept.get(kind, self._caches.counted(kind, make))

    def page(self, name: str, params: tuple[Hashable, ...], make: Callable[[], T]) -> T:
        """The page ``name`` with ``params`` as of this moment, made by ``make`` if new."""
        return self._caches.pages.get((name, self.version, self.at_us, params), make)

    def activity(self) -> Activity:
        """Every interaction and post up to the moment (:func:`load_activity`)."""
        return self._moment("activity", lambda: load_activity(self.conn, until_us=self.at_us))

    def view(self) -> TrustView:
        """Trust as of the moment under the app's policy (:func:`open_view`), bound to
        this request's connection."""

        def assess() -> _TrustParts:
            view = open_view(self.conn, self.policy, at_us=self.at_us)
            return _TrustParts(view.table, view.index, view.snapshot)

        return _KeptView(self.conn, self._moment("trust", assess))

    def hygiene(self) -> HygieneReport:
        """Every hygiene detector over the activity, under the default settings."""
        return self._moment(
            "hygiene", lambda: hygiene_report(self.activity(), Lookups.of(self.conn))
        )

    def corpus(self) -> Corpus:
        """Every text up to the moment, its terms weighed (:func:`load_corpus`)."""
        return self._moment("corpus", lambda: load_corpus(self.conn, until_us=self.at_us))
