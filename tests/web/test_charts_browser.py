"""The pictures in real headless Chromium: a person page's trust over time and trust paths,
and the dashboard's listening share, each drawn (a bounding box that is not empty), each
event marked, readable at a phone's width, and no console error (the CSP forbids inline
styles and scripts: a chart that used either would show up here).

Screenshots go to tests/web/artifacts/. Without /usr/bin/chromium the tests skip, except
in CI (``CI`` set), where they fail: CI installs it (scripts/install-system-deps).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.chromium import ARTIFACTS, launched_chromium, playwright_or_skip
from tests.web.conftest import AT, NAME, PASSWORD, live_server

_TIMEOUT_MS = 30_000  # a first person page computes its history: slow shared cores, slack
PHONE = {"width": 390, "height": 844}
#: The smallest chart text, in CSS pixels, still comfortable to read on a phone.
READABLE_PX = 8.0

sync_api = playwright_or_skip()


@pytest.fixture(scope="module")
def server(web_store: str) -> Iterator[str]:
    with live_server(web_store) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from launched_chromium()


def _signed_in(browser, server: str, problems: list[str]):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(_TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda m: problems.append(f"{page.url}: {m.text}")
            if m.type == "error" else None)  # fmt: skip
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{server}/?at={AT}")
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/?at={AT}")
    return context, page


def _drawn(page, selector: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The chart's SVG bounding box in CSS pixels, after checking it is labelled."""
    svg = page.locator(f"{selector} svg.chart-svg")
    assert svg.count() == 1
    assert svg.get_attribute("role") == "img"
    assert svg.locator("title").first.text_content()  # named for assistive technology
    box: dict[str, float] = svg.bounding_box()
    assert box["width"] > 0 and box["height"] > 0
    return box


def _smallest_text_px(page, selector: str) -> float:  # type: ignore[no-untyped-def]
    heights: list[float] = page.locator(f"{selector} svg text").evaluate_all(
        "texts => texts.map(t => t.getBoundingClientRect().height)"
    )
    assert heights
    return min(heights)


def test_person_page_draws_trust_over_time_and_paths(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    context, page = _signed_in(browser, server, problems)
    try:
        top = page.request.get(f"{server}/api/relationships?at={AT}&top=1").json()
        person = top["relationships"][0]["person"]
        history = page.request.get(f"{server}/api/people/{person}/trust-history?at={AT}").json()
        page.goto(f"{server}/people/{person}?at={AT}")
        assert page.get_by_role("heading", name="Trust over time").is_visible()
        box = _drawn(page, "figure.chart-trust")
        assert box["width"] > 400  # a wide card on a laptop
        marks = page.locator("figure.chart-trust rect.mark")
        assert marks.count() == len(history["events"]) > 0
        assert page.locator("figure.chart-trust polyline.line").count() == 2
        assert page.locator("figure.chart-trust polygon.band").count() == 2
        _drawn(page, "figure.chart-paths")
        assert page.locator("figure.chart-paths .node").count() >= 2  # at least you and them
        page.locator("figure.chart-trust").screenshot(path=str(ARTIFACTS / "chart-trust.png"))
        page.screenshot(path=str(ARTIFACTS / "person-charts.png"), full_page=True)
        page.locator("figure.chart-trust details summary").click()
        rows = page.locator("figure.chart-trust details tbody tr")
        assert rows.count() == len(history["points"])
        assert rows.first.is_visible()
        page.locator("figure.chart-trust details summary").click()  # closed again

        page.set_viewport_size(PHONE)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        for chart in ("figure.chart-trust", "figure.chart-paths"):
            phone_box = _drawn(page, chart)
            assert phone_box["x"] >= 0 and phone_box["x"] + phone_box["width"] <= PHONE["width"]
            assert _smallest_text_px(page, chart) >= READABLE_PX
        page.locator("figure.chart-trust").screenshot(path=str(ARTIFACTS / "chart-trust-phone.png"))
        page.screenshot(path=str(ARTIFACTS / "person-charts-phone.png"), full_page=True)
    finally:
        context.close()
    assert problems == []


def test_paths_through_other_people_are_drawn_by_hop(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    context, page = _signed_in(browser, server, problems)
    try:
        people = page.request.get(f"{server}/api/relationships?at={AT}&top=300").json()
        found = None
        for row in people["relationships"]:  # the first with paths through someone else
            paths = page.request.get(f"{server}/api/people/{row['person']}/paths?at={AT}").json()
            if max((len(p["people"]) for p in paths["paths"]), default=0) >= 3:
                found = (row["person"], paths)
                break
        assert found, "the demo world has people whom trust reaches through others"
        person, paths = found
        page.goto(f"{server}/people/{person}?at={AT}")
        _drawn(page, "figure.chart-paths")
        shown = {q for p in paths["paths"] for q in p["people"]}
        assert page.locator("figure.chart-paths g.node").count() == len(shown)
        hops = {
            (a, b)
            for p in paths["paths"]
            for a, b in zip(p["people"][:-1], p["people"][1:], strict=True)
        }
        assert page.locator("figure.chart-paths g.edge").count() == len(hops)
        you = page.locator("figure.chart-paths g.node-you circle").bounding_box()
        them = page.locator("figure.chart-paths g.node-them circle").bounding_box()
        assert you["x"] < them["x"]  # left to right, you first
        page.locator("figure.chart-paths").screenshot(path=str(ARTIFACTS / "chart-paths.png"))
        page.set_viewport_size(PHONE)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert _smallest_text_px(page, "figure.chart-paths") >= READABLE_PX
        page.locator("figure.chart-paths").screenshot(path=str(ARTIFACTS / "chart-paths-phone.png"))
    finally:
        context.close()
    assert problems == []


def test_dashboard_draws_the_listening_share_per_month(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    context, page = _signed_in(browser, server, problems)
    try:
        history = page.request.get(f"{server}/api/listening/history?at={AT}").json()
        _drawn(page, "figure.chart-listening")
        bars = page.locator("figure.chart-listening rect.bar")
        assert bars.count() == len(history["periods"]) > 0
        assert page.locator("figure.chart-listening line.threshold").count() == 1
        page.locator("figure.chart-listening").screenshot(
            path=str(ARTIFACTS / "chart-listening.png")
        )
        page.set_viewport_size(PHONE)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        box = _drawn(page, "figure.chart-listening")
        assert box["x"] + box["width"] <= PHONE["width"]
        assert _smallest_text_px(page, "figure.chart-listening") >= READABLE_PX
        page.locator("figure.chart-listening").screenshot(
            path=str(ARTIFACTS / "chart-listening-phone.png")
        )
    finally:
        context.close()
    assert problems == []
