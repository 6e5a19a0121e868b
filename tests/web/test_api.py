"""The JSON API: shapes that match the published schema, and the same figures as pages."""

from __future__ import annotations

from typing import Any

from goodwill.web.models import AgendaOut, DashboardOut, PeopleOut, PersonOut, RelationshipsOut
from tests.web.conftest import AT, TestClient


def _schema_names(schema: dict[str, Any], path: str) -> str:
    ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    return str(ok["schema"]["$ref"]).rsplit("/", 1)[-1]


def test_people_returns_json_matching_the_schema(signed_in: TestClient) -> None:
    response = signed_in.get("/api/people", params={"limit": 5})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"query", "people"}
    assert len(body["people"]) == 5
    parsed = PeopleOut.model_validate(body)
    assert all(p.events > 0 and p.identities for p in parsed.people)
    counts = [p.events for p in parsed.people]
    assert counts == sorted(counts, reverse=True)  # most active first
    schema = signed_in.get("/openapi.json").json()
    assert _schema_names(schema, "/api/people") == "PeopleOut"
    fields = schema["components"]["schemas"]["PersonRowOut"]["properties"]
    assert set(fields) == set(body["people"][0])


def test_every_api_route_is_in_the_schema_with_its_model(signed_in: TestClient) -> None:
    schema = signed_in.get("/openapi.json").json()
    expected = {"/api/agenda": "AgendaOut", "/api/people": "PeopleOut",
                "/api/people/{person_id}": "PersonOut",
                "/api/relationships": "RelationshipsOut", "/api/dashboard": "DashboardOut"}  # fmt: skip
    assert {p: _schema_names(schema, p) for p in expected} == expected
    assert not any(p in schema["paths"] for p in ("/", "/login", "/people"))  # pages: not API


def test_agenda_relationships_and_person_agree(signed_in: TestClient) -> None:
    agenda = AgendaOut.model_validate(
        signed_in.get("/api/agenda", params={"at": AT, "top": 5}).json()
    )
    assert len(agenda.items) == 5 and agenda.more > 0 and agenda.at.startswith("2026-01-01")
    assert all(item.evidence for item in agenda.items)
    rels = RelationshipsOut.model_validate(
        signed_in.get("/api/relationships", params={"at": AT, "stage": "maintaining"}).json()
    )
    assert rels.relationships and {r.stage for r in rels.relationships} == {"maintaining"}
    top = rels.relationships[0]
    person = PersonOut.model_validate(
        signed_in.get(f"/api/people/{top.person}", params={"at": AT}).json()
    )
    assert person.relationship is not None and person.relationship.trust == top.trust
    assert person.owner_trusts is not None and person.owner_trusts.expected == top.trust
    assert person.trusts_owner is not None and 0 <= person.trusts_owner.uncertainty <= 1
    assert person.identities and person.timeline
    assert all(e.time <= "2026-01-01" for e in person.timeline)
    dashboard = DashboardOut.model_validate(
        signed_in.get("/api/dashboard", params={"at": AT}).json()
    )
    assert [i.key for i in dashboard.agenda.items[:5]] == [i.key for i in agenda.items]
    assert all(r.stage == "cooling" for r in dashboard.cooling)


def test_bad_input_is_a_4xx_with_a_reason(signed_in: TestClient) -> None:
    assert signed_in.get("/api/relationships", params={"stage": "friends"}).status_code == 400
    assert signed_in.get("/api/agenda", params={"top": 0}).status_code == 422
    bad_date = signed_in.get("/api/agenda", params={"at": "yesterday"})
    assert bad_date.status_code == 400 and "not a date" in bad_date.json()["detail"]
    assert signed_in.get("/api/people/0").status_code == 404
    injected = signed_in.get("/api/people", params={"q": "' OR 1=1 --"})
    assert injected.status_code == 200 and injected.json()["people"] == []
