"""The web app's caches: shared reads give what the CLI's functions give one by one, a
repeated view is served from the cache, and every kind of write replaces what was kept."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete

from goodwill.events import now_us
from goodwill.insights.activity import load_activity
from goodwill.insights.advocates import rank_advocates
from goodwill.insights.agenda import build_agenda
from goodwill.insights.hygiene import Lookups, hygiene_report
from goodwill.insights.listening import listening
from goodwill.ledger import open_ledger
from goodwill.ledger.people import OWNER_KEY, merge_people, owner_person, set_owner, unmerge
from goodwill.ledger.queries import list_people
from goodwill.ledger.schema import settings
from goodwill.trust.policy import default_policy
from goodwill.trust.report import open_view, parse_moment
from goodwill.web import create_app
from goodwill.web.cache import NOW_STEP_US, Caches, MomentReads, data_version
from goodwill.web.views import ADVOCATES_SHOWN, NEW_ADVOCATE_DAYS, dashboard, mark_item
from tests.insights.conftest import DemoStore
from tests.web.conftest import AT, TestClient, sign_in, with_user

_DAY = 86_400 * 1_000_000


def test_the_dashboard_sections_are_what_each_insight_gives_alone(demo: DemoStore) -> None:
    policy, at = default_policy(), parse_moment(AT)
    with demo.ledger.read() as conn:
        page = dashboard(conn, open_view(conn, policy, at_us=at), at_us=at, policy=policy)
        agenda = build_agenda(conn, at_us=at, policy=policy)  # as goodwill agenda reads it
        heard = listening(conn, at_us=at)
        now = rank_advocates(conn, load_activity(conn, until_us=at), policy=policy)
        then = load_activity(conn, until_us=at - NEW_ADVOCATE_DAYS * _DAY)
        were = {a.person for a in rank_advocates(conn, then, policy=policy) if a.is_advocate}
        report = hygiene_report(load_activity(conn, until_us=at), Lookups.of(conn))
    assert [e.key for e in page.agenda.items] == [i.key for i in agenda.items[:10]]
    assert page.agenda.left_out == len(agenda.left_out) > 0
    assert heard.current is not None and page.listening.share == heard.current.share
    new = [a.person for a in now if a.is_advocate and a.person not in were]
    assert [a.person for a in page.advocates] == new[:ADVOCATES_SHOWN]
    assert page.more_advocates == max(0, len(new) - ADVOCATES_SHOWN)
    flagged = {(f.person, f.detector, f.confidence) for f in report.flags}
    assert page.flags and {(f.person, f.detector, f.confidence) for f in page.flags} <= flagged


def test_a_repeated_view_is_kept_and_a_write_from_elsewhere_replaces_it(
    demo: DemoStore, tmp_path: Path
) -> None:
    url = with_user(tmp_path, demo)
    with TestClient(create_app(url), base_url="http://127.0.0.1") as client:
        assert sign_in(client) == 303
        caches: Caches = client.app.state.caches  # type: ignore[attr-defined]
        first = client.get("/api/dashboard", params={"at": AT}).json()
        assert caches.made == {"activity": 1, "trust": 1, "hygiene": 1}  # read once, shared
        hits = caches.pages.hits
        assert client.get("/api/dashboard", params={"at": AT}).json() == first
        assert client.get("/", params={"at": AT}).status_code == 200  # the page shares it
        assert caches.pages.hits == hits + 2
        assert caches.made == {"activity": 1, "trust": 1, "hygiene": 1}
        # another process (the CLI's goodwill done) writes a note: the next view sees it
        key = first["agenda"]["items"][0]["key"]
        with open_ledger(url) as elsewhere:
            mark_item(elsewhere, "done", key, at_us=parse_moment(AT), policy=default_policy())
        after = client.get("/api/dashboard", params={"at": AT}).json()
        assert caches.made == {"activity": 2, "trust": 2, "hygiene": 2}
        assert key not in [i["key"] for i in after["agenda"]["items"]]
        # a person page takes the trust view the dashboard made, reads the corpus and
        # builds the network trust graph once; the next person's page reuses both
        cooling = [r["person"] for r in after["cooling"]] or [1, 2]
        assert client.get(f"/api/people/{cooling[0]}", params={"at": AT}).status_code == 200
        assert client.get(f"/people/{cooling[0]}", params={"at": AT}).status_code == 200
        assert client.get(f"/people/{cooling[-1]}", params={"at": AT}).status_code == 200
        assert caches.made == {"activity": 2, "trust": 2, "hygiene": 2, "corpus": 1, "graph": 1}


def test_the_data_version_changes_with_every_kind_of_write(demo: DemoStore, tmp_path: Path) -> None:
    url = demo.copy(tmp_path)
    with open_ledger(url) as ledger:
        versions = []

        def version() -> tuple[object, ...]:
            with ledger.read() as conn:
                versions.append(data_version(conn))
            return versions[-1]

        version()
        assert version() == versions[0]  # reading changes nothing
        with ledger.read() as conn:
            agenda = build_agenda(conn, at_us=demo.at_us)
            first, second = (p.id for p in list_people(conn, limit=3)[1:3])
            owner = owner_person(conn)
        mark_item(ledger, "done", agenda.items[0].key, at_us=demo.at_us, policy=default_policy())
        version()  # a note
        with ledger.write() as conn:
            merge_id = merge_people(conn, first, second, reason="test", now_us=now_us())
        version()  # a merge
        with ledger.write() as conn:
            unmerge(conn, merge_id, now_us=now_us())
        version()  # undoing it
        with ledger.write() as conn:  # no owner recorded, then someone else
            conn.execute(delete(settings).where(settings.c.key == OWNER_KEY))
        version()
        with ledger.write() as conn:
            handle = list_people(conn, limit=2)[1].identities[0]
            set_owner(conn, [handle], now_us=now_us())
            assert owner_person(conn) not in (owner, None)
        version()
    assert len(set(versions[1:])) == len(versions) - 1, versions


def test_now_is_kept_while_the_store_is_unchanged_and_moves_on_after_a_write(
    demo: DemoStore, tmp_path: Path
) -> None:
    url = demo.copy(tmp_path)
    caches, policy = Caches(), default_policy()  # no warmer: a page past the age moves on
    start = now_us()
    with open_ledger(url) as ledger:
        with ledger.read() as conn:
            first = MomentReads(conn, caches, policy, at_text=None, at_us=start)
            same = MomentReads(conn, caches, policy, at_text=None, at_us=start + 30_000_000)
            later = MomentReads(conn, caches, policy, at_text=None, at_us=start + NOW_STEP_US)
            dated = MomentReads(conn, caches, policy, at_text=AT, at_us=parse_moment(AT))
            agenda = build_agenda(conn, at_us=demo.at_us)
        assert first.at_us == same.at_us == start
        assert later.at_us == start + NOW_STEP_US and dated.at_us == parse_moment(AT)
        mark_item(ledger, "done", agenda.items[0].key, at_us=demo.at_us, policy=policy)
        with ledger.read() as conn:  # after a write, now is now again
            written = MomentReads(conn, caches, policy, at_text=None, at_us=start + 40_000_000)
        assert written.at_us == start + 40_000_000 and written.version != first.version
