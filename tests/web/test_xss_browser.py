"""Stored and reflected script, in real headless Chromium: imported text is data.

A hostile export (:data:`tests.web.odd_world.HOSTILE`: names, handles and texts holding
``<script>``, ``<img onerror>``, ``javascript:`` links, ``<svg onload>`` and quotes that
try to break out of attributes), with a file name that is markup too, is uploaded through
the imports page into a copy of the demo world. Then every page that shows it is opened,
and hostile text is put in the URL for the pages that echo their parameters. On each:

- no payload ran: ``window.__xss`` is unset, no dialog opened, ``x`` (the broken image
  every ``<img src=x>`` payload would fetch) was never asked for;
- the text shows literally where the page names the person or the file;
- no link anywhere has a ``javascript:`` address;
- the console holds no error and no Content-Security-Policy report at all.

Last, defence in depth: the payloads are put into a page as markup behind the templates'
back, and the policy refuses each of them (reported as violations, and still nothing ran).

Without /usr/bin/chromium the tests skip, except in CI (``CI`` set), where they fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from goodwill.ledger import open_ledger
from goodwill.ledger.people import identity_person, require_owner
from goodwill.ledger.queries import person_identities
from tests.insights.conftest import DemoStore
from tests.web.chromium import ARTIFACTS, launched_chromium, playwright_or_skip
from tests.web.conftest import AT, NAME, PASSWORD, live_server, with_user
from tests.web.odd_world import FLAG, HOSTILE, odd_world_jsonl

_TIMEOUT_MS = 30_000  # an import and a dashboard take seconds here; slow shared cores, slack
#: The upload's file name: markup as well.
FILE_NAME = f'<img src=x onerror="window.{FLAG}=10;alert(10)">.jsonl'
#: The name as browsers send it: the HTML standard has them write ``"`` as ``%22`` in a
#: multipart file name (goodwill shows what it received).
FILE_SHOWN = FILE_NAME.replace('"', "%22")
#: Echoed by pages that repeat their parameters (a search box, an error, the login form).
REFLECTED = f'"><script>window.{FLAG}=11</script><img src=x onerror="window.{FLAG}=12">'

sync_api = playwright_or_skip()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_chromium()


class Watch:
    """What one page did that it must not: dialogs, console errors, CSP reports, script
    errors, and requests for the payloads' broken image."""

    def __init__(self, page: Any) -> None:
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.fetched_x: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console.append(f"page error: {e}"))
        page.on("request", lambda r: self.fetched_x.append(r.url) if r.url.endswith("/x") else None)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def _check_inert(
    page: Any, watch: Watch, where: str, literal: list[str], status: int = 200
) -> None:
    """No payload ran on the page now shown, and each of ``literal`` shows as text. An
    error page (``status``) makes Chromium log that status, and nothing else may be."""
    assert page.evaluate(f"window.{FLAG}") is None, f"{where}: a payload ran"
    assert watch.dialogs == [], f"{where}: {watch.dialogs}"
    assert watch.fetched_x == [], f"{where}: an injected image was fetched"
    expected = f"the server responded with a status of {status} "
    assert [m for m in watch.console if status == 200 or expected not in m] == [], where
    watch.console.clear()
    script_links = page.locator('a[href^="javascript:" i], [href^=" javascript:" i]').count()
    assert script_links == 0, f"{where}: a javascript: link"
    assert page.locator("[onerror], [onload], [onmouseover], [onfocus]").count() == 0, where
    text = page.locator("body").inner_text()
    for expected in literal:
        assert expected in text, f"{where}: {expected!r} is not shown as text"


def _sign_in_and_upload(page: Any, server: str, export: bytes) -> None:
    page.goto(f"{server}/imports?at={AT}")
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/imports?at={AT}")
    page.get_by_label("File").set_input_files(
        {"name": FILE_NAME, "mimeType": "application/x-ndjson", "buffer": export}
    )
    page.get_by_label("Source").select_option("jsonl")
    page.get_by_role("button", name="Import").click()
    page.wait_for_url("**/imports/jobs/*")
    page.wait_for_selector('#import-progress[data-status="complete"]')


def _pages(server: str, people: dict[str, int]) -> Iterator[tuple[str, list[str]]]:
    """Each page to open, with the hostile texts it must show literally."""
    yield f"{server}/imports?at={AT}", [FILE_SHOWN]
    for person in HOSTILE:
        shown = [person.name.strip(), person.handle, *(t.strip() for t in person.texts)]
        yield f"{server}/people/{people[person.handle]}?at={AT}", shown
    yield f"{server}/people?q=Mallory&at={AT}", [HOSTILE[0].name]
    for path in ("/", "/relationships", "/relationships?sort=last_contact", "/circles",
                 "/people?sort=name"):  # fmt: skip
        yield f"{server}{path}{'&' if '?' in path else '?'}at={AT}", []


def _reflections(server: str) -> Iterator[tuple[str, list[str], int]]:
    """Pages that echo what the address says, with hostile text there, and their status."""
    hostile = quote(REFLECTED, safe="")
    yield f"{server}/people?q={hostile}&at={AT}", [], 200
    yield f"{server}/people?stage={hostile}&at={AT}", [REFLECTED], 400  # an error naming it
    yield f"{server}/circles?person={hostile}&at={AT}", [REFLECTED], 404  # "nobody matches"
    yield f"{server}/imports?q={hostile}&at={AT}", [], 200
    yield f"{server}/relationships?network={hostile}&at={AT}", [], 200


def test_imported_markup_never_runs_and_shows_as_text(
    demo: DemoStore, tmp_path: Path, browser: Any
) -> None:
    url = with_user(tmp_path, demo)
    with open_ledger(url) as ledger, ledger.read() as conn:
        mine = person_identities(conn, require_owner(conn))[0]
    export = odd_world_jsonl(f"{mine.network}:{mine.account}", HOSTILE)
    ARTIFACTS.mkdir(exist_ok=True)
    with live_server(url) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(_TIMEOUT_MS)
        page = context.new_page()
        watch = Watch(page)
        try:
            _sign_in_and_upload(page, server, export)
            _check_inert(page, watch, "the upload's page", [FILE_SHOWN])
            with open_ledger(url) as ledger, ledger.read() as conn:
                people = {p.handle: identity_person(conn, p.handle) for p in HOSTILE}
            for address, literal in _pages(server, people):
                assert page.goto(address).status == 200, address
                _check_inert(page, watch, address, literal)
            for address, literal, status in _reflections(server):
                assert page.goto(address).status == status, address
                _check_inert(page, watch, address, literal, status)
            page.goto(f"{server}/people/{people[HOSTILE[0].handle]}?at={AT}")
            page.screenshot(path=str(ARTIFACTS / "xss-person.png"), full_page=True)
            _policy_refuses_what_escaping_would_have_let_through(page, watch)
        finally:
            context.close()


_INJECT = f"""() => {{
    window.__violations = [];
    document.addEventListener("securitypolicyviolation",
        e => window.__violations.push(e.violatedDirective));
    const script = document.createElement("script");
    script.textContent = "window.{FLAG} = 'inline script'";
    document.body.appendChild(script);
    document.body.insertAdjacentHTML("beforeend",
        '<img src="/static/favicon.svg" onload="window.{FLAG} = \\'handler\\'">' +
        '<a id="js-link" href="javascript:window.{FLAG} = \\'link\\'">link</a>');
}}"""


def _policy_refuses_what_escaping_would_have_let_through(page: Any, watch: Watch) -> None:
    """Had a template let markup through, the Content-Security-Policy would still refuse
    to run it: an inline script, an inline event handler and a ``javascript:`` link."""
    page.evaluate(_INJECT)
    page.locator("#js-link").click()
    page.wait_for_function("window.__violations.length >= 3")
    assert page.evaluate(f"window.{FLAG}") is None  # none of the three ran
    violated = set(page.evaluate("window.__violations"))
    assert {"script-src-elem", "script-src-attr"} <= violated, violated
    assert watch.console and all("Content Security Policy" in m for m in watch.console)
    assert watch.dialogs == []
