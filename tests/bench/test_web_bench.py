"""``bench/web.py``: the routes it finds, and a short run on the demo world over a real
``goodwill serve`` process that writes the promised JSON."""

from __future__ import annotations

import json
from pathlib import Path

import web as bench


def test_every_get_route_is_found_and_a_skipped_one_says_why() -> None:
    pages = bench.discover_pages("2026-01-01", 42)
    urls = {p.url for p in pages if p.url}
    assert {"/?at=2026-01-01", "/people/42?at=2026-01-01", "/api/dashboard?at=2026-01-01"} <= urls
    assert "/api/imports" in urls  # a route without ?at= is asked without it
    assert not any(p.route == "/login" for p in pages)
    skipped = {p.route: p.skipped for p in pages if p.url is None}
    assert skipped["/circles/export"] == "needs ?level="
    assert skipped["/imports/jobs/{job}"] == "needs a job to exist"


def test_a_short_run_on_the_demo_world(tmp_path: Path) -> None:
    out = tmp_path / "web.json"
    assert bench.main(["--no-otc", "--repeats", "2", "--seconds", "2", "--json", str(out)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    (store,) = report["stores"]
    assert store["store"]["label"] == "demo world" and store["store"]["events"] > 5000
    pages = {p["url"]: p for p in store["pages"]}
    assert "/?at=2026-01-01" in pages and "/api/dashboard?at=2026-01-01" in pages
    for page in pages.values():
        assert page["status"] == 200, page["url"]
        assert page["requests"] == 2 and page["cold_ms"] > 0
        assert page["median_ms"] <= page["p95_ms"]
        assert 0 < page["kb"] < 256  # every list on a page is cut into pages
    assert report["target_met"] == all(p["under_target"] for p in pages.values())
    assert 0 < store["data_version_ms"] < 100
