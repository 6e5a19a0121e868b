"""What pages compute, kept until the store changes, and shared by the sections of a page.

Every page is a function of three things: what the store holds, the moment it is as of
(``?at=``) and the evidence policy, which is fixed for the app's life. So a result can be
kept under the store's :func:`data_version` and the moment, and is good for as long as
nothing is written: any write (an import, a note from the agenda buttons, a merge, a new
owner) changes the version, and what was kept under the old one is never found again.

Two caches, because what they hold differs in size by a thousand times:

- **moments**: the activity, the trust view, the hygiene report, the text corpus and the
  network trust graph as of one moment; hundreds of megabytes on a million events, so
  only a few moments are kept;
- **pages**: the finished models pages and the API show, a few kilobytes each.

Each result is computed once however many requests ask for it at the same time
(:mod:`goodwill.web.single_flight`): the first computes, the rest wait for it.

A page without ``?at=`` is as of now, a moment that never repeats: which moment serves it
is :mod:`goodwill.web.now`'s rule (the latest computed for the store's current contents,
refreshed in the background; after a write, a new one).
"""

from __future__ import annotations

import threading
from collections import Counter
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
from goodwill.trust.network_graph import TrustGraph, trust_graph
from goodwill.trust.network_report import NetworkView
from goodwill.trust.policy import Policy
from goodwill.trust.report import Relationship, TrustView, open_view
from goodwill.web.now import NOW_STEP_US, NowMoments
from goodwill.web.result_cache import ResultCache
from goodwill.web.single_flight import PREPARING_WAIT_SECONDS

__all__ = [
    "KINDS",
    "MOMENTS_KEPT",
    "NOW_STEP_US",
    "PAGES_KEPT",
    "Caches",
    "MomentReads",
    "ResultCache",
    "data_version",
]

T = TypeVar("T")

#: Moments whose activity, trust view, hygiene report, corpus and graph are kept: the
#: moment pages as of now are served from, the newer one being computed, a date being
#: looked at, and one more; each is hundreds of megabytes on a million events.
MOMENTS_KEPT = 4
#: What is kept per moment, each made at most once (see :class:`MomentReads`).
KINDS = ("activity", "trust", "hygiene", "corpus", "graph")
#: Finished pages kept (a few kilobytes each): every person page someone clicked through.
PAGES_KEPT = 256
#: Relationship lists kept per moment: the owner's, and a few people's that pages asked for.
LISTS_KEPT = 16


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


class Caches:
    """The app's two caches (see the module's docstring) and which moment is "now".

    ``moments`` holds, per store version and moment, a small cache of what was computed
    as of it; ``made`` counts what was computed, by kind (:data:`KINDS`). ``wait_seconds``
    bounds how long a request waits for another's computation. ``refresh`` is set by a
    background warmer (:mod:`goodwill.web.warm`): called when the moment pages as of now
    are served from is past its age, it computes a newer one while pages go on using it.
    """

    def __init__(self, *, wait_seconds: float = PREPARING_WAIT_SECONDS) -> None:
        self.wait_seconds = wait_seconds
        self.moments = ResultCache(MOMENTS_KEPT, wait_seconds=wait_seconds)
        self.pages = ResultCache(PAGES_KEPT, wait_seconds=wait_seconds)
        self.now = NowMoments()
        self.made: Counter[str] = Counter()
        self.refresh: Callable[[], None] | None = None
        self._lock = threading.Lock()

    def moment(self, version: Hashable, at_us: int) -> ResultCache:
        """What is kept as of ``at_us`` under the store's ``version``."""
        return self.moments.get(
            (version, at_us), lambda: ResultCache(len(KINDS), wait_seconds=self.wait_seconds)
        )

    def counted(self, kind: str, make: Callable[[], T]) -> Callable[[], T]:
        """``make``, counted in :attr:`made` when it runs."""

        def run() -> T:
            with self._lock:
                self.made[kind] += 1
            return make()

        return run

    def forget(self, version: Hashable, superseded_at_us: int | None = None) -> None:
        """Drop the moments and pages no new request can ask for once the store is at
        ``version``: every other version's, and the moment as of now that pages under
        ``version`` were served from before a newer one (``superseded_at_us``). A request
        under way keeps what it holds until it is done."""

        def unwanted(version_seen: Hashable, at_us: int) -> bool:
            return version_seen != version or at_us == superseded_at_us

        self.moments.discard(lambda key: unwanted(*cast(tuple[Hashable, int], key)))
        self.pages.discard(lambda key: unwanted(*cast(tuple[str, Hashable, int], key)[1:3]))


@dataclass(frozen=True, slots=True)
class _TrustParts:
    """A trust view without its connection: what is kept between requests, with the
    relationships it listed, by person (``None``: the owner's)."""

    table: EventTable
    index: PersonIndex
    snapshot: TrustSnapshot
    relationships: ResultCache = field(default_factory=lambda: ResultCache(LISTS_KEPT))


class _KeptView(TrustView):
    """A :class:`TrustView` over kept parts that lists each person's relationships once
    per moment: the dashboard, the agenda, the person, circles and relationships pages all
    start from the owner's, and listing them is a good part of each page's time."""

    def __init__(self, conn: Connection, parts: _TrustParts) -> None:
        super().__init__(conn, parts.table, parts.index, parts.snapshot)
        self._listed = parts.relationships

    def relationships(self, person_id: int | None = None) -> list[Relationship]:
        def listed() -> list[Relationship]:
            return TrustView.relationships(self, person_id)

        return list(self._listed.get(person_id, listed))


class MomentReads:
    """One request's way to what is computed as of its moment over an open connection:
    each is made at most once per store version and moment, whichever section or page
    asks first, and shared by the rest.

    ``at_text`` is the ``?at=`` as given (``None`` for now), ``at_us`` as parsed.
    :attr:`at_us` is the moment to compute at: ``at_us`` itself, or for now the moment
    :mod:`goodwill.web.now` chooses (``exact`` skips the choice: the background warmer
    computes a new moment as of now exactly).
    """

    def __init__(
        self,
        conn: Connection,
        caches: Caches,
        policy: Policy,
        *,
        at_text: str | None,
        at_us: int,
        exact: bool = False,
    ) -> None:
        self.conn = conn
        self.policy = policy
        self._caches = caches
        self.version = data_version(conn)
        if at_text is None and not exact:
            at_us = self._as_of_now(at_us)
        self.at_us = at_us
        self._kept: ResultCache | None = None

    def _as_of_now(self, now: int) -> int:
        """The moment to serve a page as of ``now`` from (see :mod:`goodwill.web.now`)."""
        caches = self._caches
        at_us, stale = caches.now.choose(self.version, now)
        if not stale:
            return at_us
        if caches.refresh is not None:
            caches.refresh()  # computed in the background; this page uses the one it has
            return at_us
        moved = caches.now.advance(self.version, now)  # no warmer: this page moves on itself
        if moved and caches.now.newest() == self.version:
            caches.forget(self.version, at_us)
        return caches.now.serving(self.version) or now

    def _moment(self, kind: str, make: Callable[[], T]) -> T:
        if self._kept is None:  # held for the request: a newer moment may evict it meanwhile
            self._kept = self._caches.moment(self.version, self.at_us)
        return self._kept.get(kind, self._caches.counted(kind, make))

    def page(self, name: str, params: tuple[Hashable, ...], make: Callable[[], T]) -> T:
        """The page ``name`` with ``params`` as of this moment, made by ``make`` if new."""
        return self._caches.pages.get((name, self.version, self.at_us, params), make)

    def activity(self) -> Activity:
        """Every interaction and post up to the moment (:func:`load_activity`)."""
        return self._moment("activity", lambda: load_activity(self.conn, until_us=self.at_us))

    def view(self) -> TrustView:
        """Trust as of the moment under the app's policy (:func:`open_view`), bound to
        this request's connection. Its events are the moment's activity's interactions:
        the events table is read once per moment, not once for each."""

        def assess() -> _TrustParts:
            columns = self.activity().interactions()
            view = open_view(self.conn, self.policy, at_us=self.at_us, columns=columns)
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

    def network(self) -> NetworkView:
        """Network trust as of the moment (paths, vouching), over the trust graph built
        once per moment from the kept trust view."""
        view = self.view()
        graph = self._moment("graph", lambda: trust_graph(view.snapshot, view.table))
        return _KeptNetwork(self.conn, view, graph)


class _KeptNetwork(NetworkView):
    """A :class:`NetworkView` over a graph built before: building it from the trust view
    is most of a person page's trust paths, and it is the same for every page of a moment."""

    def __init__(self, conn: Connection, view: TrustView, graph: TrustGraph) -> None:
        self._conn = conn
        self.view = view
        self.graph = graph
