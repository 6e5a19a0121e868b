"""End to end in real headless Chromium (Debian's package, driven by Playwright): sign in,
see the demo world's dashboard, mark an agenda item done, search people, open a person.

Screenshots go to tests/web/artifacts/. Without /usr/bin/chromium the tests skip, except
in CI (``CI`` set), where they fail: CI installs it (scripts/install-system-deps).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from goodwill.web import create_app
from tests.insights.conftest import DemoStore
from tests.web.chromium import ARTIFACTS, launched_chromium, playwright_or_skip
from tests.web.conftest import AT, NAME, PASSWORD, with_user

_STARTUP_SECONDS = 20
_TIMEOUT_MS = 20_000  # a dashboard takes about a second here; slow shared cores, some slack

sync_api = playwright_or_skip()


@pytest.fixture(scope="module")
def server(demo: DemoStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free loopback port in a background thread; its base URL."""
    url = with_user(tmp_path_factory.mktemp("browser"), demo)
    config = uvicorn.Config(create_app(url), host="127.0.0.1", port=0, log_level="warning",
                            ws="none", lifespan="on")  # fmt: skip
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, name="goodwill-web-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + _STARTUP_SECONDS
    while not running.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    port = running.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)
    assert not thread.is_alive(), "the web server did not stop"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from launched_chromium()


def test_sign_in_mark_done_search_and_open_a_person(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(_TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: problems.append(f"dialog: {d.message}"))
    try:
        page.goto(f"{server}/?at={AT}")
        assert "/login" in page.url
        page.get_by_label("Name").fill(NAME)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server}/?at={AT}")
        heading = page.get_by_role("heading", level=1)
        assert "as of 2026-01-01" in heading.inner_text()
        assert page.evaluate("getComputedStyle(document.querySelector('.top')).display") == "flex"
        items = page.locator("li.item")
        assert items.count() == 10
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

        first = items.first
        key = first.get_attribute("data-key")
        who = first.locator(".item-head a").inner_text()
        first.get_by_role("button", name="Done").click()
        page.wait_for_url("**/?*marked=*")
        assert page.get_by_role("status").inner_text().startswith(f"Recorded done:{key}")
        assert page.locator(f'li.item[data-key="{key}"]').count() == 0
        page.screenshot(path=str(ARTIFACTS / "dashboard-after-done.png"), full_page=True)

        page.get_by_role("navigation").get_by_role("link", name="People").click()
        page.get_by_label("Search names and accounts").fill(who.split()[0])
        page.get_by_role("button", name="Search").click()
        page.wait_for_url("**/people?q=*")
        assert "at=2026-01-01" in page.url
        page.get_by_role("link", name=who).first.click()
        page.wait_for_url("**/people/*")
        assert page.get_by_role("heading", level=1).inner_text().startswith(who)
        assert page.get_by_role("heading", name="Identities").is_visible()
        assert page.get_by_role("heading", name=f"Your trust in {who}").is_visible()
        assert page.locator("svg.opinion").count() == 2
        page.screenshot(path=str(ARTIFACTS / "person.png"), full_page=True)

        page.set_viewport_size({"width": 390, "height": 844})  # a phone
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(ARTIFACTS / "person-phone.png"), full_page=True)
    finally:
        context.close()
    assert problems == []  # no CSP violation, no script error, no dialog
