"""A first visit, end to end in real headless Chromium: an empty store, sign in, upload the
demo world's export, watch htmx follow the import to its end without reloading the page,
say which accounts are yours, then the dashboard's agenda, a person, and an item done.

Screenshots go to tests/web/artifacts/. Without /usr/bin/chromium the tests skip, except
in CI (``CI`` set), where they fail: CI installs it (scripts/install-system-deps).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator

import pytest

from goodwill.demo.world import DemoWorld
from tests.web.chromium import ARTIFACTS, launched_chromium, playwright_or_skip
from tests.web.conftest import AT, NAME, PASSWORD, live_server

_TIMEOUT_MS = 30_000  # an import and a dashboard take seconds here; slow shared cores, slack

sync_api = playwright_or_skip()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from launched_chromium()


def _sign_in(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/imports?at={AT}")
    assert "/login" in page.url
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/imports?at={AT}")
    assert page.get_by_text("Nothing imported yet").is_visible()
    assert page.evaluate("typeof htmx") == "object"  # loaded from /static, offline
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False


def _upload_and_watch(page, store_url: str, world: DemoWorld) -> None:  # type: ignore[no-untyped-def]
    """Upload while another writer holds the store for a moment, so the import is seen
    running and htmx has to bring its end into the page."""
    blocker = sqlite3.connect(store_url.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        page.get_by_label("File").set_input_files(str(world.events_path))
        page.get_by_role("button", name="Import").click()
        page.wait_for_url("**/imports/jobs/*")
        assert page.locator("#import-progress").get_attribute("data-status") == "running"
        assert page.get_by_role("heading", name="Importing…").is_visible()
        page.evaluate("window.stillTheSamePage = true")
        page.screenshot(path=str(ARTIFACTS / "import-running.png"), full_page=True)
    finally:
        blocker.rollback()
        blocker.close()
    page.wait_for_selector('#import-progress[data-status="complete"]')
    assert page.evaluate("window.stillTheSamePage") is True  # swapped in, not reloaded
    facts = page.locator("#import-progress dl.facts")
    assert facts.locator("dd.added").inner_text() == f"{world.events:,}"
    assert facts.locator("dd.present").inner_text() == "0"
    assert page.get_by_role("heading", name="Which of these accounts are you?").is_visible()
    page.screenshot(path=str(ARTIFACTS / "import-done.png"), full_page=True)


def _pick_owner(page, server: str, handles: list[str]) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Search accounts").fill("ines")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**q=ines*")
    for handle in handles:
        page.get_by_role("checkbox", name=handle).check()
    page.get_by_role("button", name="These are mine").click()
    page.wait_for_url(f"{server}/?at={AT}")


def _agenda_person_and_done(page, server: str) -> None:  # type: ignore[no-untyped-def]
    items = page.locator("li.item")
    assert items.count() > 0
    page.screenshot(path=str(ARTIFACTS / "first-visit-dashboard.png"), full_page=True)
    first = items.first
    key = first.get_attribute("data-key")
    who = first.locator(".item-head a").inner_text()
    first.locator(".item-head a").click()
    page.wait_for_url("**/people/*")
    assert page.get_by_role("heading", level=1).inner_text().startswith(who)
    assert page.get_by_role("heading", name="Identities").is_visible()
    page.go_back()
    page.wait_for_url(f"{server}/?at={AT}")
    page.locator(f'li.item[data-key="{key}"]').get_by_role("button", name="Done").click()
    page.wait_for_url("**/?*marked=*")
    assert page.locator(f'li.item[data-key="{key}"]').count() == 0


def test_first_visit_upload_watch_pick_owner_then_agenda_person_and_done(  # type: ignore[no-untyped-def]
    empty_store: str, demo_files: DemoWorld, browser
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    mine = json.loads(demo_files.truth_path.read_text(encoding="utf-8"))["owner_identities"]
    with live_server(empty_store) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(_TIMEOUT_MS)
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("dialog", lambda d: problems.append(f"dialog: {d.message}"))
        try:
            _sign_in(page, server)
            _upload_and_watch(page, empty_store, demo_files)
            _pick_owner(page, server, mine)
            _agenda_person_and_done(page, server)

            page.goto(f"{server}/imports?at={AT}")
            assert page.locator("table.history tbody tr").count() == 1  # notes are no import
            page.screenshot(path=str(ARTIFACTS / "imports.png"), full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})  # a phone
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.screenshot(path=str(ARTIFACTS / "imports-phone.png"), full_page=True)
        finally:
            context.close()
    assert problems == []  # no CSP violation, no script error, no dialog
