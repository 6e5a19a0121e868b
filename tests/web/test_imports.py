"""The imports page: an upload imported in the background, its progress, summary and
rejects, the history, the owner's accounts on a new store, and what is refused (no CSRF
token, too large, busy, signed out). Every import here is real: the demo world's export
file, read by the jsonl source into a SQLite store."""

from __future__ import annotations

import html
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from goodwill.demo.world import DemoWorld, generate
from goodwill.ledger import open_ledger
from goodwill.ledger.people import identity_person, owner_person
from goodwill.ledger.queries import stats
from goodwill.web import create_app
from goodwill.web.models import ImportJobOut, ImportsOut
from tests.web.conftest import AT, TestClient, csrf_of, sign_in

_WAIT_SECONDS = 120  # a guard against a hung worker, not a speed test: imports take ~1 s


@pytest.fixture
def app_client(empty_store: str) -> Iterator[TestClient]:
    """The app over a new, empty store, signed in as ``ann``."""
    with TestClient(create_app(empty_store), base_url="http://127.0.0.1") as client:
        assert sign_in(client) == 303
        yield client


def _upload(
    client: TestClient,
    path: Path,
    *,
    source: str = "detect",
    skip_bad: bool = False,
    token: str | None = None,
) -> httpx.Response:
    """Post ``path`` through the upload form, as a browser does."""
    form = {"csrf_token": token or csrf_of(client.get("/imports").text), "source": source,
            "at": AT}  # fmt: skip
    if skip_bad:
        form["skip_bad"] = "true"
    with path.open("rb") as handle:
        return client.post("/imports", data=form, files={"file": (path.name, handle)},
                           follow_redirects=False)  # fmt: skip


def _job_id(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/imports/jobs/([\w-]+)\?at=2026-01-01", response.headers["location"])
    assert found, response.headers["location"]
    return found.group(1)


def _finished(client: TestClient, job: str) -> ImportJobOut:
    """The job once it has ended, read through the JSON API as a script would poll it."""
    deadline = time.monotonic() + _WAIT_SECONDS
    while True:
        response = client.get(f"/api/imports/jobs/{job}")
        assert response.status_code == 200, response.text
        found = ImportJobOut.model_validate(response.json())
        if found.status != "running":
            return found
        assert time.monotonic() < deadline, f"the import is still running: {found}"
        time.sleep(0.05)


def _store_figures(url: str) -> dict[str, Any]:
    with open_ledger(url) as ledger, ledger.read() as conn:
        return stats(conn)


def _uploads_on_disk() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("goodwill-upload-*"))


def test_upload_imports_the_demo_world_and_a_second_upload_adds_nothing(
    app_client: TestClient, demo_files: DemoWorld, empty_store: str
) -> None:
    page = app_client.get("/imports")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert '<option value="jsonl">' in page.text and '<option value="mastodon">' not in page.text
    assert "Nothing imported yet" in page.text
    leftovers = _uploads_on_disk()

    first = _finished(app_client, _job_id(_upload(app_client, demo_files.events_path)))
    assert first.status == "complete" and first.error is None
    assert first.source == "jsonl" and first.requested_source == "detect"
    assert first.result is not None
    assert (first.result.added, first.result.present) == (demo_files.events, 0)
    assert first.result.identities_added == demo_files.identities
    assert first.bytes_read == first.total_bytes == demo_files.events_path.stat().st_size
    assert _store_figures(empty_store)["events"] == demo_files.events
    assert _uploads_on_disk() == leftovers  # the private copy is gone

    second = _finished(app_client, _job_id(_upload(app_client, demo_files.events_path)))
    assert second.result is not None
    assert (second.result.added, second.result.present) == (0, demo_files.events)
    assert _store_figures(empty_store)["events"] == demo_files.events

    history = ImportsOut.model_validate(app_client.get("/api/imports").json())
    assert [i.events_added for i in history.imports] == [0, demo_files.events]  # newest first
    assert [i.events_present for i in history.imports] == [demo_files.events, 0]
    assert {i.file for i in history.imports} == {"events.jsonl"}
    assert [j.id for j in history.jobs] == [second.id, first.id]
    listing = app_client.get("/imports", params={"at": AT}).text
    assert listing.count("<td>9,009</td>") == 2  # added by the first, duplicates in the second
    assert f'href="/imports/jobs/{first.id}?at=2026-01-01"' in listing


def test_the_summary_asks_whose_accounts_and_recording_them_opens_the_dashboard(
    app_client: TestClient, demo_files: DemoWorld, empty_store: str
) -> None:
    job = _job_id(_upload(app_client, demo_files.events_path))
    _finished(app_client, job)
    page = app_client.get(f"/imports/jobs/{job}", params={"at": AT})
    assert "Which of these accounts are you?" in page.text
    assert "hx-trigger" not in page.text  # ended: nothing polls
    truth = json.loads(demo_files.truth_path.read_text(encoding="utf-8"))
    mine: list[str] = truth["owner_identities"]
    busiest = re.findall(r'name="handle" value="([^"]+)"', page.text)
    assert busiest[0] in mine  # the owner of an export is its busiest account

    found = app_client.get(f"/imports/jobs/{job}", params={"at": AT, "q": "ines"}).text
    offered = re.findall(r'name="handle" value="([^"]+)"', found)
    assert set(mine) <= set(offered)

    token = csrf_of(found)
    nothing = app_client.post("/imports/owner", data={"csrf_token": token, "at": AT})
    assert nothing.status_code == 400 and "tick at least one" in nothing.text
    recorded = app_client.post("/imports/owner", data={"csrf_token": token, "at": AT,
                               "handle": mine}, follow_redirects=False)  # fmt: skip
    assert recorded.status_code == 303 and recorded.headers["location"] == f"/?at={AT}"
    with open_ledger(empty_store) as ledger, ledger.read() as conn:
        owner = owner_person(conn)
        people = {identity_person(conn, handle) for handle in mine}
    assert owner is not None and people == {owner}  # her accounts are one person: the owner
    dashboard = app_client.get("/", params={"at": AT})
    assert dashboard.status_code == 200 and 'class="item"' in dashboard.text
    after = app_client.get(f"/imports/jobs/{job}", params={"at": AT}).text
    assert "Which of these accounts are you?" not in after and "You are <strong>" in after


def _mangled(world: DemoWorld, folder: Path, bad_lines: int) -> Path:
    """The world's export with the time of its last ``bad_lines`` events made unreadable."""
    lines = world.events_path.read_text(encoding="utf-8").splitlines(keepends=True)
    for number in range(len(lines) - bad_lines, len(lines)):
        lines[number] = re.sub(r'"time": "[^"]+"', '"time": "last tuesday"', lines[number])
    path = folder / "mangled.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_a_mangled_file_fails_with_goodwills_message_and_leaves_the_store_as_it_was(
    app_client: TestClient, demo_files: DemoWorld, empty_store: str, tmp_path: Path
) -> None:
    _finished(app_client, _job_id(_upload(app_client, demo_files.events_path)))
    before = _store_figures(empty_store)
    # Twice the people: 17,643 events, most of them new, so batches of new events are
    # written inside the import's transaction before the bad line at the end stops it.
    bigger = generate(tmp_path / "bigger", seed=7, scale=2)
    assert bigger.events > 10_000
    mangled = _mangled(bigger, tmp_path, bad_lines=1)
    line = len(mangled.read_text(encoding="utf-8").splitlines())
    leftovers = _uploads_on_disk()

    failed = _finished(app_client, _job_id(_upload(app_client, mangled)))
    assert failed.status == "failed" and failed.result is None and failed.error
    assert failed.error.startswith(f"mangled.jsonl: line {line}:")
    assert "nothing was imported" in failed.error
    assert tempfile.gettempdir() not in failed.error  # the private copy's path is not shown
    assert _store_figures(empty_store) == before
    assert _uploads_on_disk() == leftovers
    page = app_client.get(f"/imports/jobs/{failed.id}").text
    assert '<p class="error" role="alert">mangled.jsonl: line' in page
    assert "the store is exactly as it was" in page
    assert len(ImportsOut.model_validate(app_client.get("/api/imports").json()).imports) == 1


def test_set_aside_records_are_listed_with_their_line_and_reason(
    app_client: TestClient, demo_files: DemoWorld, tmp_path: Path
) -> None:
    mangled = _mangled(demo_files, tmp_path, bad_lines=2)
    lines = len(mangled.read_text(encoding="utf-8").splitlines())
    done = _finished(app_client, _job_id(_upload(app_client, mangled, skip_bad=True)))
    assert done.status == "complete" and done.result is not None
    assert (done.result.added, done.result.rejected) == (demo_files.events - 2, 2)
    assert [r.location for r in done.result.first_rejects] == [
        f"line {lines - 1}", f"line {lines}"]  # fmt: skip
    assert all("last tuesday" in r.reason for r in done.result.first_rejects)
    page = app_client.get(f"/imports/jobs/{done.id}").text
    assert f"<li><strong>line {lines}</strong>: " in page


def test_a_running_import_is_polled_and_a_second_upload_is_told_to_wait(
    app_client: TestClient, demo_files: DemoWorld, empty_store: str
) -> None:
    # Another writer holds the store: the import waits for it (SQLite's busy timeout),
    # so the job can be seen running.
    blocker = sqlite3.connect(empty_store.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        job = _job_id(_upload(app_client, demo_files.events_path))
        status = app_client.get(f"/api/imports/jobs/{job}").json()
        assert status["status"] == "running" and status["result"] is None
        fragment = app_client.get(f"/imports/jobs/{job}/progress", params={"at": AT}).text
        assert fragment.lstrip().startswith('<section id="import-progress"')
        assert "<html" not in fragment  # a fragment, for htmx to swap in
        assert f'hx-get="/imports/jobs/{job}/progress?at=2026-01-01"' in fragment
        assert 'hx-trigger="every 500ms"' in fragment
        assert "Importing events.jsonl now" in app_client.get("/imports").text
        second = _upload(app_client, demo_files.events_path)
        assert second.status_code == 409
        assert "another import is running (events.jsonl" in second.text
        assert f"/imports/jobs/{job}" in second.text
    finally:
        blocker.rollback()
        blocker.close()
    assert _finished(app_client, job).status == "complete"
    ended = app_client.get(f"/imports/jobs/{job}/progress").text
    assert "hx-trigger" not in ended and "Imported" in ended


def test_an_upload_without_the_csrf_token_is_refused(
    app_client: TestClient, demo_files: DemoWorld
) -> None:
    refused = _upload(app_client, demo_files.events_path, token="forged")
    assert refused.status_code == 403
    assert "security token" in refused.text
    assert app_client.get("/api/imports").json() == {"imports": [], "jobs": []}


def test_an_upload_over_the_limit_is_refused_with_413_before_it_is_read(
    app_client: TestClient, demo_files: DemoWorld
) -> None:
    app_client.app.state.upload_limit_bytes = 64 * 1024  # type: ignore[attr-defined]
    declared = _upload(app_client, demo_files.events_path)
    assert declared.status_code == 413
    assert "larger than 65,536 bytes" in declared.text and "goodwill import PATH" in declared.text

    # A client that declares no length (chunked) is stopped once the bytes pass the limit.
    token = csrf_of(app_client.get("/imports").text)
    body = (
        b'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + token.encode()
        + b'\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="e.jsonl"\r\n\r\n'
        + demo_files.events_path.read_bytes() + b"\r\n--b--\r\n"
    )  # fmt: skip
    chunks = (body[i : i + 8192] for i in range(0, len(body), 8192))
    streamed = app_client.post("/imports", content=chunks,
                               headers={"content-type": "multipart/form-data; boundary=b"})  # fmt: skip
    assert "content-length" not in streamed.request.headers
    assert streamed.status_code == 413 and "larger than" in streamed.text
    assert app_client.get("/api/imports").json()["jobs"] == []


def test_bad_form_values_get_clear_answers(app_client: TestClient, tmp_path: Path) -> None:
    empty = tmp_path / "e.jsonl"
    empty.write_text("", encoding="utf-8")
    unknown = _upload(app_client, empty, source="myspace")
    assert unknown.status_code == 400 and "unknown source 'myspace'" in html.unescape(unknown.text)
    nameless = app_client.post("/imports", data={"csrf_token": csrf_of(app_client.get(
        "/imports").text)}, files={"file": ("", b"")}, follow_redirects=False)  # fmt: skip
    assert nameless.status_code == 400 and "choose a file to import" in nameless.text
    missing = app_client.get("/imports/jobs/nosuchjob")
    assert missing.status_code == 404 and "no import job 'nosuchjob'" in html.unescape(missing.text)
    api = app_client.get("/api/imports/jobs/nosuchjob")
    assert api.status_code == 404 and "no import job" in api.json()["detail"]


def test_detection_failure_is_reported_as_the_jobs_error(
    app_client: TestClient, tmp_path: Path
) -> None:
    odd = tmp_path / "notes.bin"
    odd.write_bytes(b"\x00\x01 nothing any source reads\n")
    failed = _finished(app_client, _job_id(_upload(app_client, odd)))
    assert failed.status == "failed" and failed.source is None
    assert failed.error == (
        "notes.bin: goodwill cannot tell what this is; name its source: goodwill import SOURCE "
        "PATH (goodwill sources lists them)"
    )


def test_signed_out_visitors_are_sent_to_sign_in(empty_store: str) -> None:
    with TestClient(create_app(empty_store), base_url="http://127.0.0.1") as client:
        page = client.get("/imports", follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"] == "/login?next=%2Fimports"
        token = csrf_of(client.get("/login").text)
        post = client.post("/imports", data={"csrf_token": token},
                           files={"file": ("e.jsonl", b"{}")}, follow_redirects=False)  # fmt: skip
        assert post.status_code == 303 and post.headers["location"].startswith("/login")
        for path in ("/api/imports", "/api/imports/jobs/anything"):
            assert client.get(path).status_code == 401


def test_the_api_routes_are_in_the_schema_with_their_models(app_client: TestClient) -> None:
    schema = app_client.get("/openapi.json").json()
    for path, model in (("/api/imports", "ImportsOut"),
                        ("/api/imports/jobs/{job}", "ImportJobOut")):  # fmt: skip
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"]["$ref"].endswith(f"/{model}")
    assert "/imports" not in schema["paths"]  # the page and the form are not API


def test_an_upload_still_held_when_the_server_exits_is_deleted() -> None:
    # A server stopped mid-import: its worker (a daemon thread) stops with the process, its
    # transaction never commits, and the uploaded copy must not stay in the temporary folder.
    program = (
        "import io, threading, time\n"
        "from goodwill.web.uploads import save_upload\n"
        "print(save_upload(io.BytesIO(b'{}' * 500), 'held.jsonl').parent)\n"
        "threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          check=True, timeout=60)  # fmt: skip
    folder = Path(done.stdout.strip())
    assert folder.name.startswith("goodwill-upload-") and not folder.exists()
