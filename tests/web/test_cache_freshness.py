"""Pages as of now: served from the latest computed moment while a newer one is computed in
the background (a clock tick never makes a page wait), never older than a write, warmed at
start and after a write, and the superseded moments let go."""

from __future__ import annotations

import gc
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from goodwill.events import now_us
from goodwill.insights.agenda import build_agenda
from goodwill.ledger import open_ledger
from goodwill.trust.policy import default_policy
from goodwill.trust.report import open_view, parse_moment
from goodwill.web import create_app
from goodwill.web.cache import KINDS, Caches, MomentReads, data_version
from goodwill.web.models import DashboardOut
from goodwill.web.now import NOW_STEP_US, NowMoments
from goodwill.web.views import dashboard, mark_item
from goodwill.web.warm import Warmer
from tests.insights.conftest import DemoStore
from tests.web.conftest import AT, TestClient, csrf_of, sign_in, wait_until, with_user


def _reads(url: str, caches: Caches, at_us: int) -> MomentReads:
    with open_ledger(url) as ledger, ledger.read() as conn:
        return MomentReads(conn, caches, default_policy(), at_text=None, at_us=at_us)


def test_a_stale_moment_is_served_while_the_warmer_computes_a_newer_one(
    demo: DemoStore, tmp_path: Path
) -> None:
    url = demo.copy(tmp_path)
    caches = Caches()
    asked: list[int] = []
    with open_ledger(url) as ledger:
        warmer = Warmer(ledger, caches, default_policy())
        assert warmer.warm_once() and warmer.last_error is None
        assert caches.made == dict.fromkeys(KINDS, 1)
        assert not warmer.warm_once()  # nothing changed: nothing to do
        version, first = warmer.warmed or (None, 0)
        caches.refresh = lambda: asked.append(1)  # what the started warmer's wake does
        # within its age, pages use the warmed moment and ask for nothing
        assert _reads(url, caches, now_us()).at_us == first and not asked
        # past its age, they still use it (no page waits) and ask for a newer one
        caches.now.refresh_us = 1
        stale = _reads(url, caches, now_us())
        assert stale.at_us == first and asked == [1]
        assert caches.made == dict.fromkeys(KINDS, 1)
        assert warmer.warm_once()  # the background's work
        newer = _reads(url, caches, now_us())
        assert newer.at_us > first and newer.version == version
        assert caches.made == dict.fromkeys(KINDS, 2)
        # the superseded moment is let go: one moment kept, the one pages use
        assert caches.moments.keys() == [(version, newer.at_us)]
        assert caches.now.refresh_us >= NOW_STEP_US  # the age is back to at least a minute
        warmer.stop()  # never started: gives back what warming froze


def test_a_write_is_never_hidden_by_an_older_moment(demo: DemoStore, tmp_path: Path) -> None:
    url = with_user(tmp_path, demo)
    with TestClient(create_app(url, warm=True), base_url="http://127.0.0.1") as client:
        app = client.app
        warmer: Warmer = app.state.warmer  # type: ignore[attr-defined]
        caches: Caches = app.state.caches  # type: ignore[attr-defined]
        wait_until(lambda: warmer.warmed is not None, "the warm-up at start")
        assert caches.made == dict.fromkeys(KINDS, 1)
        assert sign_in(client) == 303
        page = client.get("/")  # as of now: the warmed moment, nothing computed for it
        assert page.status_code == 200 and caches.made == dict.fromkeys(KINDS, 1)
        before = client.get("/api/dashboard").json()
        key = before["agenda"]["items"][0]["key"]
        form = {"key": key, "csrf_token": csrf_of(page.text)}
        assert client.post("/agenda/done", data=form, follow_redirects=False).status_code == 303
        after = client.get("/api/dashboard").json()  # the writer's next page shows the write
        assert key not in [i["key"] for i in after["agenda"]["items"]]
        assert after["at"] > before["at"]
        # the write woke the warmer, which warms the new version (the page may have too)
        wait_until(lambda: warmer.warmed is not None and warmer.warmed[1] >= _at(after), "warm")
        assert caches.made["trust"] == 2  # the new moment computed once, by whoever came first


def test_the_warmer_starts_with_the_server_and_stops_with_it(
    demo: DemoStore, tmp_path: Path
) -> None:
    url = with_user(tmp_path, demo)
    with TestClient(create_app(url, warm=True), base_url="http://127.0.0.1") as client:
        warmer: Warmer = client.app.state.warmer  # type: ignore[attr-defined]
        wait_until(lambda: warmer.warmed is not None, "the warm-up at start")
        thread = warmer._thread
        assert thread is not None and thread.is_alive()
        assert client.app.state.caches.refresh == warmer.wake  # type: ignore[attr-defined]
        assert gc.get_freeze_count() > 0  # the moment is set aside from the collector
    assert not thread.is_alive()
    assert gc.get_freeze_count() == 0  # and given back when the server stops


def test_now_is_chosen_per_version_and_only_moves_forward() -> None:
    now = NowMoments(refresh_us=100)
    assert now.choose("v1", 1_000) == (1_000, False)  # the first page fixes it
    assert now.choose("v1", 1_050) == (1_000, False)
    assert now.choose("v1", 1_100) == (1_000, True)  # past its age: stale, still served
    assert now.choose("v2", 1_200) == (1_200, False)  # a write: a moment of its own
    assert now.choose("v1", 1_300) == (1_000, True)  # a page that read before the write
    assert now.newest() == "v2"  # so the warmer lets go of nothing v2's pages need
    assert now.advance("v1", 1_250) and not now.advance("v1", 1_100)
    assert now.serving("v1") == 1_250 and now.serving("v2") == 1_200


def _at(dashboard: dict[str, object]) -> int:
    return parse_moment(str(dashboard["at"]))


def test_a_page_that_would_wait_long_says_it_is_preparing(demo: DemoStore, tmp_path: Path) -> None:
    url = with_user(tmp_path, demo)
    app = create_app(url, wait_seconds=0.05)
    policy, at_us, release = default_policy(), parse_moment(AT), threading.Event()

    def slow_dashboard() -> DashboardOut:  # a cold moment on a large store, held back
        release.wait(120)
        with open_ledger(url) as ledger, ledger.read() as conn:
            view = open_view(conn, policy, at_us=at_us)
            return dashboard(conn, view, at_us=at_us, policy=policy)

    with TestClient(app, base_url="http://127.0.0.1") as client, ThreadPoolExecutor(1) as pool:
        assert sign_in(client) == 303
        caches: Caches = app.state.caches
        with open_ledger(url) as ledger, ledger.read() as conn:
            key = ("dashboard", data_version(conn), at_us, ())
        computing = pool.submit(caches.pages.get, key, slow_dashboard)
        wait_until(lambda: caches.pages.flights.running() == 1, "the computation to start")
        page = client.get("/", params={"at": AT})
        assert page.status_code == 503 and int(page.headers["retry-after"]) > 0
        assert '<meta http-equiv="refresh" content="5">' in page.text
        assert "Preparing this page" in page.text and "try again in a few seconds" in page.text
        api = client.get("/api/dashboard", params={"at": AT})
        assert api.status_code == 503 and "still preparing" in api.json()["detail"]
        release.set()
        made = computing.result(120)
        ready = client.get("/api/dashboard", params={"at": AT})
        assert ready.status_code == 200 and ready.json() == made.model_dump(mode="json")


def test_a_write_from_another_process_is_warmed_before_anyone_asks(
    demo: DemoStore, tmp_path: Path
) -> None:
    url = with_user(tmp_path, demo)
    with TestClient(create_app(url, warm=True), base_url="http://127.0.0.1") as client:
        warmer: Warmer = client.app.state.warmer  # type: ignore[attr-defined]
        caches: Caches = client.app.state.caches  # type: ignore[attr-defined]
        wait_until(lambda: warmer.warmed is not None, "the warm-up at start")
        first = warmer.warmed
        with open_ledger(url) as elsewhere, elsewhere.read() as conn:  # goodwill done, say
            item = build_agenda(conn, at_us=now_us()).items[0]
        with open_ledger(url) as elsewhere:
            mark_item(elsewhere, "done", item.key, at_us=now_us(), policy=default_policy())
        wait_until(lambda: warmer.warmed != first, "the warmer to notice the write")
        assert caches.made == dict.fromkeys(KINDS, 2)
        assert sign_in(client) == 303
        found = client.get("/api/dashboard").json()  # served from the warmed moment
        assert item.key not in [i["key"] for i in found["agenda"]["items"]]
        assert caches.made == dict.fromkeys(KINDS, 2)  # the page computed nothing
