"""A store busy with another writer: pages keep answering, a write that cannot get the lock
within the busy timeout is a 503 with ``Retry-After`` (docs/ledger.md, "Several at once")."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from goodwill.ledger import store
from goodwill.web import create_app
from goodwill.web.app import RETRY_AFTER_SECONDS
from tests.insights.conftest import DemoStore
from tests.web.conftest import AT, TestClient, csrf_of, sign_in, with_user

_KEYS = re.compile(r'data-key="([^"]+)"')


def test_a_write_behind_a_long_import_is_a_503_and_pages_still_answer(
    demo: DemoStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 300)
    url = with_user(tmp_path, demo)
    with TestClient(create_app(url), base_url="http://127.0.0.1") as client:
        assert sign_in(client) == 303
        page = client.get(f"/?at={AT}").text
        mark = {"key": _KEYS.findall(page)[0], "at": AT, "csrf_token": csrf_of(page)}
        importer = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        importer.execute("BEGIN IMMEDIATE")  # as an import holds the store while it runs
        try:
            assert client.get(f"/people?at={AT}").status_code == 200
            assert client.get("/api/people", params={"at": AT}).status_code == 200
            busy = client.post("/agenda/done", data=mark, follow_redirects=False)
            assert busy.status_code == 503
            assert busy.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
            assert "is busy" in busy.text
            assert "try again when it has finished" in busy.text
        finally:
            importer.execute("ROLLBACK")
            importer.close()
        done = client.post("/agenda/done", data=mark, follow_redirects=False)
        assert done.status_code == 303
