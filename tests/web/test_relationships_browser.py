"""The relationships and circles pages in real headless Chromium: sort by clicking a header
(htmx swaps the table in place and pushes the address), filter by circle, the same with
JavaScript off (plain links and a GET form), and a phone's width without sideways scrolling
of the page (wide tables scroll inside their own box).

Screenshots go to tests/web/artifacts/. Without /usr/bin/chromium the tests skip, except
in CI (``CI`` set), where they fail: CI installs it (scripts/install-system-deps).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.web.chromium import ARTIFACTS, launched_chromium, playwright_or_skip
from tests.web.conftest import AT, NAME, PASSWORD, live_server

_TIMEOUT_MS = 20_000  # a page takes well under a second here; slow shared cores, some slack
PHONE = {"width": 390, "height": 844}

sync_api = playwright_or_skip()


@pytest.fixture(scope="module")
def server(web_store: str) -> Iterator[str]:
    with live_server(web_store) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from launched_chromium()


def _open(browser, server: str, problems: list[str], *, javascript: bool = True):  # type: ignore[no-untyped-def]
    """A signed-in page on the relationships, with console errors and dialogs collected."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  java_script_enabled=javascript)  # fmt: skip
    context.set_default_timeout(_TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda m: problems.append(f"{page.url}: {m.text} ({m.location})")
            if m.type == "error" else None)  # fmt: skip
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: problems.append(f"dialog: {d.message}"))
    page.goto(f"{server}/relationships?at={AT}")
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/relationships?at={AT}")
    return context, page


def _column(page, key: str) -> list[str]:  # type: ignore[no-untyped-def]
    values: list[str] = page.locator(f"#relationships tbody .col-{key}").evaluate_all(
        "cells => cells.map(c => c.dataset.value)"
    )
    return values


def test_sort_by_a_header_and_filter_by_circle(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    context, page = _open(browser, server, problems)
    try:
        trust = [float(v) for v in _column(page, "trust")]
        assert len(trust) == 50 and trust == sorted(trust, reverse=True)
        page.screenshot(path=str(ARTIFACTS / "relationships.png"), full_page=True)

        page.evaluate("window.stayedOnThePage = true")  # gone if the browser reloads the page
        table = page.get_by_role("table")
        table.get_by_role("link", name=re.compile(r"^Events")).click()
        page.wait_for_url(re.compile(r"sort=events&dir=desc"))
        header = page.locator("th.col-events")
        sync_api.expect(header).to_have_attribute("aria-sort", "descending")
        events = [int(v) for v in _column(page, "events")]
        assert events == sorted(events, reverse=True) and events[0] > events[-1]
        assert page.evaluate("window.stayedOnThePage === true")  # htmx swapped the table only

        page.get_by_role("table").get_by_role("link", name=re.compile(r"^Events")).click()
        page.wait_for_url(re.compile(r"sort=events&dir=asc"))
        sync_api.expect(header).to_have_attribute("aria-sort", "ascending")
        events = [int(v) for v in _column(page, "events")]
        assert events == sorted(events)

        page.get_by_label("Circle").select_option("referral")  # htmx: on change, no button
        page.wait_for_url(re.compile(r"circle=referral"))
        assert "sort=events&dir=asc" in page.url  # the sort survives the filter
        sync_api.expect(page.locator("#relationships caption")).to_contain_text(
            "circle referral or narrower"
        )
        circles = set(_column(page, "circle"))
        assert circles == {"referral"}
        events = [int(v) for v in _column(page, "events")]
        assert events == sorted(events)
        assert page.evaluate("window.stayedOnThePage === true")
        page.screenshot(path=str(ARTIFACTS / "relationships-referral.png"), full_page=True)

        page.go_back()  # the address htmx pushed before the filter
        page.wait_for_url(re.compile(r"sort=events&dir=asc&at="))
        sync_api.expect(page.locator("#relationships caption")).not_to_contain_text("referral")
    finally:
        context.close()
    assert problems == []  # no CSP violation, no script error, no dialog


def test_a_phone_scrolls_tables_in_their_box_and_circles_answer_may_i_share(  # type: ignore[no-untyped-def]
    server: str, browser
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    context, page = _open(browser, server, problems)
    try:
        page.set_viewport_size(PHONE)
        page.goto(f"{server}/relationships?at={AT}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        box = page.locator(".table-scroll")
        assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # the table scrolls inside
        page.screenshot(path=str(ARTIFACTS / "relationships-phone.png"), full_page=True)

        page.goto(f"{server}/circles?at={AT}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(ARTIFACTS / "circles-phone.png"))
        page.goto(f"{server}/people?at={AT}&circle=friend")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(ARTIFACTS / "people-phone.png"))

        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{server}/circles?at={AT}")
        first = page.locator("li.member").first
        name = first.locator(".item-head a").inner_text()
        page.get_by_label("Person (name, id or network:account)").first.fill(
            first.get_attribute("data-person") or ""
        )
        page.get_by_role("button", name="Check").click()
        page.wait_for_url(re.compile(r"/circles\?person="))
        verdict = page.locator("#share-verdict")
        sync_api.expect(verdict).to_contain_text(f"Yes: {name} is in the referral circle")
        page.screenshot(path=str(ARTIFACTS / "circles.png"))  # the top: checks, exports, referral
    finally:
        context.close()
    assert problems == []  # no CSP violation, no script error, no dialog


def test_without_javascript_the_headers_and_the_filter_form_still_work(  # type: ignore[no-untyped-def]
    server: str, browser
) -> None:
    problems: list[str] = []
    context, page = _open(browser, server, problems, javascript=False)
    try:
        page.get_by_role("table").get_by_role("link", name=re.compile(r"^Your trust")).click()
        page.wait_for_url(re.compile(r"sort=trust&dir=asc"))
        trust = [float(v) for v in _column(page, "trust")]
        assert trust == sorted(trust)
        page.get_by_label("Stage").select_option("maintaining")
        page.get_by_role("button", name="Filter").click()
        page.wait_for_url(re.compile(r"stage=maintaining"))
        assert set(_column(page, "stage")) == {"maintaining"}
        assert "sort=trust&dir=asc" in page.url
        trust = [float(v) for v in _column(page, "trust")]
        assert trust == sorted(trust)
    finally:
        context.close()
    assert problems == []
