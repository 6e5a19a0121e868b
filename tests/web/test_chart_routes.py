"""The pictures' JSON routes and the pages that draw them, on the demo world: the same
figures as the person page and the dashboard, errors a caller can act on, and charts on
the pages only where there is something to draw."""

from __future__ import annotations

import re
from typing import Any

import pytest

from goodwill.web.models import (
    DashboardOut,
    ListeningHistoryOut,
    PathsOut,
    PersonOut,
    TrustHistoryOut,
)
from tests.web.conftest import AT, TestClient

_FIGURES = re.compile(r'<figure class="chart .*?</figure>', re.DOTALL)


def _top_relationship(client: TestClient) -> dict[str, Any]:
    rows = client.get("/api/relationships", params={"at": AT, "top": 1}).json()
    return dict(rows["relationships"][0])


def test_trust_history_ends_where_the_person_page_stands(signed_in: TestClient) -> None:
    top = _top_relationship(signed_in)
    person = top["person"]
    response = signed_in.get(f"/api/people/{person}/trust-history", params={"at": AT})
    assert response.status_code == 200
    history = TrustHistoryOut.model_validate(response.json())
    page = PersonOut.model_validate(
        signed_in.get(f"/api/people/{person}", params={"at": AT}).json()
    )
    assert page.trust_history == history  # the page draws exactly what the route returns
    assert page.owner_trusts is not None and page.trusts_owner is not None
    last = history.points[-1]
    assert last.exact and last.time.startswith("2026-01-01")
    # the same figures, summed in another order (the pair's events alone): equal to rounding
    assert last.owner_trusts.expected == pytest.approx(page.owner_trusts.expected, abs=1e-12)
    assert last.trusts_owner.expected == pytest.approx(page.trusts_owner.expected, abs=1e-12)
    assert page.owner_trusts.expected == top["trust"]
    assert last.owner_trusts.uncertainty == pytest.approx(page.owner_trusts.uncertainty, abs=1e-12)
    times = [p.time for p in history.points]
    assert times == sorted(times) and history.since == times[0]
    assert history.since[:10] == top["first_contact"][:10]
    assert len(history.events) >= top["exchanges"] > 0
    event_times = [e.time for e in history.events]
    assert event_times == sorted(event_times) and event_times[-1] <= times[-1]
    assert all(e.sign in (-1, 0, 1) for e in history.events)
    for p in history.points:
        for o in (p.owner_trusts, p.trusts_owner):
            assert o.belief - 1e-12 <= o.expected <= o.belief + o.uncertainty + 1e-12


def test_trust_history_answers_404_when_there_is_no_history(signed_in: TestClient) -> None:
    person = _top_relationship(signed_in)["person"]
    before = signed_in.get(f"/api/people/{person}/trust-history", params={"at": "2020-01-01"})
    assert before.status_code == 404
    assert "no events with the owner" in before.json()["detail"]
    assert signed_in.get("/api/people/999999/trust-history").status_code == 404
    assert (
        signed_in.get(f"/api/people/{person}/trust-history", params={"at": "x"}).status_code == 400
    )


def test_paths_lead_from_the_owner_strongest_first(signed_in: TestClient) -> None:
    person = _top_relationship(signed_in)["person"]
    found = PathsOut.model_validate(
        signed_in.get(f"/api/people/{person}/paths", params={"at": AT, "k": 5}).json()
    )
    page = PersonOut.model_validate(
        signed_in.get(f"/api/people/{person}", params={"at": AT}).json()
    )
    assert page.paths is not None and found.paths[: len(page.paths.paths)] == page.paths.paths
    owner = found.source
    assert found.target == person and found.paths
    strengths = [p.strength for p in found.paths]
    assert strengths == sorted(strengths, reverse=True)
    for path in found.paths:
        assert path.people[0] == owner and path.people[-1] == person
        assert len(path.hops) == len(path.people) - 1 <= found.max_hops
        product = 1.0
        for trust in path.hops:
            product *= trust
        assert abs(product - path.strength) < 1e-9
    refused = signed_in.get(f"/api/people/{owner}/paths", params={"at": AT})
    assert refused.status_code == 400 and "owner" in refused.json()["detail"]
    assert signed_in.get(f"/api/people/{person}/paths", params={"k": 0}).status_code == 422


def test_listening_history_by_week_month_and_quarter(signed_in: TestClient) -> None:
    dashboard = DashboardOut.model_validate(
        signed_in.get("/api/dashboard", params={"at": AT}).json()
    )
    shown = dashboard.listening.history
    assert shown is not None and shown.by == "month"
    sizes = {}
    for by in ("week", "month", "quarter"):
        response = signed_in.get("/api/listening/history", params={"at": AT, "by": by})
        assert response.status_code == 200
        found = ListeningHistoryOut.model_validate(response.json())
        assert found.healthy_share == dashboard.listening.healthy_share
        sizes[by] = len(found.periods)
        if by == "month":
            assert found == shown
            assert found.periods[-1].share == dashboard.listening.share
    assert sizes["week"] > sizes["month"] > sizes["quarter"] >= 4
    bad = signed_in.get("/api/listening/history", params={"by": "decade"})
    assert bad.status_code == 422


def test_the_chart_routes_are_in_the_schema_and_need_sign_in(
    client: TestClient, signed_in: TestClient
) -> None:
    schema = signed_in.get("/openapi.json").json()
    for path, model in (
        ("/api/people/{person_id}/trust-history", "TrustHistoryOut"),
        ("/api/people/{person_id}/paths", "PathsOut"),
        ("/api/listening/history", "ListeningHistoryOut"),
    ):
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"]["$ref"].endswith(f"/{model}")
    signed_in.cookies.clear()
    assert signed_in.get("/api/listening/history").status_code == 401


def test_pages_draw_the_charts_only_where_there_is_something_to_draw(
    signed_in: TestClient,
) -> None:
    person = _top_relationship(signed_in)["person"]
    page = signed_in.get(f"/people/{person}", params={"at": AT}).text
    assert 'class="chart chart-trust"' in page and 'class="chart chart-paths"' in page
    assert page.count('role="img"') >= 4  # two opinion bars, the history, the paths
    for figure in _FIGURES.findall(page):  # the CSP allows neither inline styles nor scripts
        assert "style=" not in figure and "<script" not in figure
    rows = signed_in.get("/api/relationships", params={"at": AT, "top": 1000}).json()
    latest = max(rows["relationships"], key=lambda r: r["first_contact"])  # a newcomer
    before = latest["first_contact"][:10]  # the first instant of the day they first met
    early = signed_in.get(f"/people/{latest['person']}", params={"at": before})
    assert early.status_code == 200 and "chart-trust" not in early.text
    assert (
        'class="chart chart-trust"'
        in signed_in.get(f"/people/{latest['person']}", params={"at": AT}).text
    )
    owner = PathsOut.model_validate(
        signed_in.get(f"/api/people/{person}/paths", params={"at": AT}).json()
    ).source
    mine = signed_in.get(f"/people/{owner}", params={"at": AT}).text
    assert "chart-trust" not in mine and "chart-paths" not in mine
    dashboard = signed_in.get("/", params={"at": AT}).text
    assert 'class="chart chart-listening"' in dashboard
    assert not any("style=" in figure for figure in _FIGURES.findall(dashboard))
