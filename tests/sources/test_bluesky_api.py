"""``bluesky``: an account synced over the AT Protocol API with the real atproto client,
against a small server on loopback (:mod:`tests.sources.fake_bluesky`)."""

from __future__ import annotations

import contextlib
import copy
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.errors import GoodwillError, SourceError
from goodwill.events import Event, Identity, Record
from goodwill.ledger import Ledger, open_ledger
from goodwill.ledger.queries import stats
from goodwill.sources.bluesky_api import BlueskyApiSource
from goodwill.syncing import read_cursor, run_sync
from tests.sources.bluesky_data import (
    ANN,
    ANN_RECORDS,
    BOB,
    CAROL,
    DAVE,
    EVE,
    FOLLOW,
    FRANK,
    KINDS,
    LIKE,
    POST,
    REPOST,
    own_post,
    post,
    quote,
    subject_account,
    subject_record,
    tid,
    uri,
)
from tests.sources.fake_bluesky import PASSWORD, Account, FakeBluesky, serve
from tests.sources.files import check_records, events, kinds, rejected

HANDLE = "ann.bsky.social"
ME = f"bluesky:{ANN}"
NOTIFICATIONS = "app.bsky.notification.listNotifications"
LIST_RECORDS = "com.atproto.repo.listRecords"


NAMES = {BOB: "bob", CAROL: "carol", DAVE: "dave", EVE: "eve", FRANK: "frank"}


def author(did: str) -> dict[str, Any]:
    name = NAMES[did]
    return {
        "did": did,
        "handle": f"{name}.bsky.social",
        "displayName": name.title(),
        "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did}/x@jpeg",
        "viewer": {"muted": False, "blockedBy": False},
        "labels": [],
        "createdAt": "2023-05-01T00:00:00.000Z",
        "indexedAt": "2023-05-01T00:00:00.000Z",
    }


def notification(
    n: int, reason: str, who: str, collection: str, record: dict[str, Any]
) -> dict[str, Any]:
    """A notification ``n`` minutes into 2024-06-02, shaped as listNotifications returns it."""
    return {
        "uri": uri(who, collection, tid(2000 + n)),
        "cid": "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a",
        "author": author(who),
        "reason": reason,
        "reasonSubject": own_post(1),
        "record": record,
        "isRead": False,
        "indexedAt": f"2024-06-02T00:{n:02d}:00.000Z",
        "labels": [],
    }


BOB_REPLY = post(3, "@ann right", reply_to=own_post(3), mentions=[ANN])
NOTES = [  # newest first
    notification(9, "like", BOB, LIKE, subject_record(LIKE, 9, own_post(1))),  # like
    notification(8, "repost", CAROL, REPOST, subject_record(REPOST, 8, own_post(2))),  # share
    notification(7, "follow", DAVE, FOLLOW, subject_account(FOLLOW, 7, ANN)),  # follow
    notification(6, "mention", EVE, POST, post(6, "hi @ann", mentions=[ANN])),  # mention
    notification(5, "reply", BOB, POST, BOB_REPLY),  # reply (its mention is the reply)
    notification(5, "mention", BOB, POST, BOB_REPLY),  # the same post: nothing more
    notification(4, "quote", FRANK, POST, post(4, "ha", embed=quote(own_post(5)))),  # quote
    notification(3, "reply", BOB, POST, post(3, "no", reply_to=uri(CAROL, POST, tid(9)))),
    notification(2, "starterpack-joined", EVE, "app.bsky.graph.starterpack", {}),
]
NOTE_KINDS = {"like": 1, "share": 1, "follow": 1, "mention": 1, "reply": 1, "quote": 1}
ALL_KINDS = {k: KINDS.get(k, 0) + NOTE_KINDS.get(k, 0) for k in {*KINDS, *NOTE_KINDS}}


def state(**changes: Any) -> FakeBluesky:
    account = Account(ANN, HANDLE, copy.deepcopy(ANN_RECORDS), copy.deepcopy(NOTES))
    return FakeBluesky(account, **changes)


def fetch(server: FakeBluesky, cursor: dict[str, Any] | None = None) -> list[Record]:
    source = BlueskyApiSource({"server": server.url})
    return check_records(source.fetch(HANDLE, PASSWORD, {} if cursor is None else cursor))


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    """A SQLite ledger (the sync machinery itself is tested on both backends elsewhere)."""
    with open_ledger(f"sqlite:///{tmp_path / 'g.db'}") as opened:
        yield opened


def sync(ledger: Ledger, server: FakeBluesky, **options: Any) -> Any:
    return run_sync(
        ledger, "bluesky", HANDLE, token=PASSWORD, options={"server": server.url}, **options
    )


# --- a real sync -----------------------------------------------------------------------------


def test_sync_through_the_cli_twice_and_the_second_adds_nothing(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'g.db'}"
    runner = CliRunner()
    args = ["--db", db, "sync", "bluesky", HANDLE, "--option", "server=URL", "--json"]
    env = {"GOODWILL_BLUESKY_APP_PASSWORD": PASSWORD}
    with serve(state()) as server:
        args[6] = f"server={server.url}"
        first = runner.invoke(app, args, env=env)
        assert first.exit_code == 0, first.output
        again = runner.invoke(app, args, env=env)
        assert again.exit_code == 0, again.output
    summary, second = json.loads(first.stdout), json.loads(again.stdout)
    total = sum(ALL_KINDS.values())
    assert (summary["read"], summary["added"], summary["identities_added"]) == (total, total, 7)
    assert (second["added"], second["present"]) == (0, second["read"])
    figures = json.loads(runner.invoke(app, ["--db", db, "stats", "--json"]).stdout)
    assert figures["by_kind"] == dict(sorted(ALL_KINDS.items()))


def test_a_second_sync_asks_only_for_what_came_after_the_cursor(ledger: Ledger) -> None:
    with serve(state()) as server:
        sync(ledger, server)
        cursor = read_cursor(ledger, "bluesky", HANDLE)
        assert cursor[POST] == tid(8) and cursor[FOLLOW] == tid(42)
        assert cursor["notifications"] == "2024-06-02T00:09:00.000Z"
        server.account.records[POST][tid(100)] = post(100, "new")
        server.account.notifications.insert(
            0, notification(10, "follow", EVE, FOLLOW, subject_account(FOLLOW, 10, ANN))
        )
        server.requests.clear()
        second = sync(ledger, server)
    assert second.imported.added == 2
    posts = [p for p in server.calls(LIST_RECORDS) if p["collection"] == [POST]]
    assert posts == [
        {
            "repo": [ANN],
            "collection": [POST],
            "limit": ["100"],
            "reverse": ["true"],
            "cursor": [tid(8)],
        }
    ]
    assert read_cursor(ledger, "bluesky", HANDLE)[POST] == tid(100)


def test_pages_are_followed_to_the_end(ledger: Ledger) -> None:
    with serve(state(page_size=2)) as server:
        first = sync(ledger, server)
        assert len(server.calls(NOTIFICATIONS)) == 5  # 9 notifications, 2 a page
        server.requests.clear()
        second = sync(ledger, server)
    assert first.imported.added == sum(ALL_KINDS.values())
    assert second.imported.added == 0
    assert len(server.calls(NOTIFICATIONS)) == 1  # the newest page reaches the cursor's time


# --- what the answers become -----------------------------------------------------------------


def test_own_records_read_as_the_export_does_and_notifications_add_others(tmp_path: Path) -> None:
    with serve(state()) as server:
        records = fetch(server)
    assert kinds(records) == ALL_KINDS
    toward_me = {(e.kind, e.actor) for e in events(records) if e.target == ME}
    assert toward_me == {
        ("like", f"bluesky:{BOB}"),
        ("share", f"bluesky:{CAROL}"),
        ("follow", f"bluesky:{DAVE}"),
        ("mention", f"bluesky:{EVE}"),
        ("reply", f"bluesky:{BOB}"),
        ("quote", f"bluesky:{FRANK}"),
    }
    reply = next(e for e in events(records) if e.target == ME and e.kind == "reply")
    assert (reply.external_id, reply.answers) == (uri(BOB, POST, tid(2005)), own_post(3))
    people = [r for r in records if isinstance(r, Identity)]
    assert people[0] == Identity(ME, "Ann Lee", {"bio": "Potter in Porto", "handle": HANDLE})
    assert Identity(f"bluesky:{BOB}", "Bob", {"handle": "bob.bsky.social"}) in people
    assert len(people) == 6


def test_a_rate_limit_is_waited_out_and_asked_again() -> None:
    with serve(state(rate_limited={LIST_RECORDS: 1, NOTIFICATIONS: 1}, reset_in=1)) as server:
        started = time.monotonic()
        records = fetch(server)
        waited = time.monotonic() - started
    assert kinds(records) == ALL_KINDS
    assert waited >= 0.5
    assert len(server.calls(NOTIFICATIONS)) == 2


def test_a_rate_limit_far_off_stops_the_sync_and_keeps_the_cursor(ledger: Ledger) -> None:
    with serve(state()) as server:
        sync(ledger, server)
        before = read_cursor(ledger, "bluesky", HANDLE)
        server.account.records[POST][tid(100)] = post(100, "new")
        server.rate_limited, server.reset_in = {NOTIFICATIONS: 1}, 3600
        with pytest.raises(
            SourceError, match=r"listNotifications: rate limited until .* UTC; nothing was imported"
        ):
            sync(ledger, server)
    assert read_cursor(ledger, "bluesky", HANDLE) == before
    with ledger.read() as conn:
        assert stats(conn)["events"] == sum(ALL_KINDS.values())


def test_bad_records_are_rejected_and_the_rest_read() -> None:
    account = state()
    account.account.records[POST][tid(60)] = {"$type": POST, "text": "no time"}
    account.account.notifications.append(
        {"reason": "like", "uri": "bob", "indexedAt": "2024-06-02T00:00:00Z"}
    )
    with serve(account) as server:
        records = fetch(server)
    assert [(r.location, r.reason) for r in rejected(records)] == [
        (f"{POST}/{tid(60)}", "the record has no createdAt time"),
        ("notification bob", "uri 'bob' is not an AT URI of a record"),
    ]
    assert kinds(records) == ALL_KINDS


# --- what stops a sync -----------------------------------------------------------------------


def test_a_wrong_app_password_says_how_to_make_one() -> None:
    with serve(state()) as server:
        source = BlueskyApiSource({"server": server.url})
        with pytest.raises(
            SourceError,
            match=r"createSession: the server refused the login \(401 AuthenticationRequired: Invalid identifier or password\); create an app password",
        ):
            list(source.fetch(HANDLE, "wrong", {}))


def test_a_server_that_is_not_there_says_so() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    source = BlueskyApiSource({"server": f"http://127.0.0.1:{port}"})
    with pytest.raises(SourceError, match=r"createSession: cannot reach the server"):
        list(source.fetch(HANDLE, PASSWORD, {}))


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((500, b'{"error": "InternalServerError"}'), "the server failed"),
        ((200, b"<html>hello</html>"), "the answer is not what the AT Protocol returns"),
        ((200, b'{"notifications": {}}'), "the answer has no list 'notifications'"),
        ((400, b'{"error": "InvalidRequest", "message": "bad"}'), "the server refused the request"),
    ],
)
def test_an_answer_that_is_not_the_apis_stops_the_sync(
    answer: tuple[int, bytes], message: str
) -> None:
    with (
        serve(state(broken={NOTIFICATIONS: answer})) as server,
        pytest.raises(SourceError, match=rf"{NOTIFICATIONS}: {message}"),
    ):
        fetch(server)


@pytest.mark.parametrize(
    ("account", "expected"),
    [
        ("@Ann.Bsky.Social", HANDLE),
        (ANN, ANN),
        (" did:web:ann.example.com ", "did:web:ann.example.com"),
    ],
)
def test_accounts_are_handles_or_dids(account: str, expected: str) -> None:
    assert BlueskyApiSource().check_account(account) == expected


@pytest.mark.parametrize("account", ["ann", "did:nope", "ann@bsky.social", ""])
def test_other_accounts_are_refused(account: str) -> None:
    with pytest.raises(SourceError, match=r"give the handle|is not a DID"):
        BlueskyApiSource().check_account(account)


def test_the_password_goes_only_to_https_or_this_machine() -> None:
    with pytest.raises(SourceError, match="give the server's https URL"):
        BlueskyApiSource({"server": "http://bsky.example.com"})
    assert (
        BlueskyApiSource({"server": "https://pds.example.com/"})._server
        == "https://pds.example.com"
    )


def test_the_token_is_not_sent_to_an_account_server_over_plain_http() -> None:
    with (
        serve(state(pds="http://pds.example.com")) as server,
        pytest.raises(
            SourceError, match=r"the account's server is 'http://pds\.example\.com', not https"
        ),
    ):
        fetch(server)
    assert [name for name, _ in server.requests] == ["com.atproto.server.createSession"]


def test_signing_in_by_did_reads_the_same_account() -> None:
    with serve(state()) as server:
        source = BlueskyApiSource({"server": server.url})
        records = check_records(source.fetch(ANN, PASSWORD, {}))
    assert kinds(records) == ALL_KINDS


# --- mangled answers -------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=12)
    | st.sampled_from([ANN, own_post(1), "like", "reply", "2024-06-02T00:00:00Z", POST]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "uri",
                    "reason",
                    "record",
                    "author",
                    "did",
                    "indexedAt",
                    "value",
                    "records",
                    "notifications",
                    "cursor",
                    "subject",
                    "createdAt",
                    "$type",
                ]
            )
            | st.text(max_size=4),
            inner,
            max_size=6,
        )
    ),
    max_leaves=25,
)


def test_mangled_answers_give_only_our_errors() -> None:
    with serve(state(), max_requests=2_000, seconds=120) as server:

        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
        @given(
            method=st.sampled_from([LIST_RECORDS, NOTIFICATIONS]),
            body=json_values,
            item=json_values,
        )
        def check(method: str, body: Any, item: Any) -> None:
            key = "records" if method == LIST_RECORDS else "notifications"
            answers = [body, {key: [item]}, {key: [item, body], "cursor": "x"}]
            for answer in answers:
                server.broken = {method: (200, json.dumps(answer).encode())}
                with contextlib.suppress(GoodwillError):
                    for record in fetch(server):
                        assert isinstance(record, Event | Identity) or record.location

        check()
