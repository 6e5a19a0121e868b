"""``mastodon``: an account synced over Mastodon's API by the real Mastodon.py client, from a
server on loopback (:mod:`tests.sources.fake_mastodon`) that serves entities shaped as
Mastodon's API documentation shows them."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mastodon.return_types import Account, Conversation, Notification, Status
from mastodon.types_base import try_cast_recurse
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.errors import SourceError
from goodwill.events import Event, Identity
from goodwill.importing import run_import
from goodwill.ledger import Ledger, open_ledger
from goodwill.ledger.queries import stats
from goodwill.sources.fields import BadRecord
from goodwill.sources.mastodon_api import MastodonApiSource
from goodwill.sources.mastodon_entities import (
    Viewer,
    account_identity,
    conversation_status,
    follow_notification,
    notification_events,
    status_events,
)
from goodwill.syncing import read_cursor, run_sync
from tests.sources.fake_mastodon import (
    TOKEN,
    FakeMastodon,
    account,
    conversation,
    notification,
    serve,
    status,
)
from tests.sources.files import check_records, events, kinds, rejected

runner = CliRunner()
ANN, BOB, CY, DEE = (
    "mastodon:@ann@example.social",
    "mastodon:@bob@other.social",
    "mastodon:@cy@example.social",
    "mastodon:@dee@third.social",
)
ME = "@ann@example.social"

# --- the server's data, as Mastodon's API shapes it ------------------------------------------

ann = account("1", "ann", name="Ann Example")
bob = account("2", "bob", "other.social")
cy = account("3", "cy")
dee = account("4", "dee", "third.social")


def at(day: int, hour: int) -> str:
    return f"2024-06-{day:02d}T{hour:02d}:00:00.000Z"


HELLO = status("100", ann, "hello", at=at(1, 9))
BOB_POST = status("200", bob, "a thought", at=at(1, 8))
DEE_POST = status("201", dee, "quotable", at=at(1, 7))
BOB_REPLY = status(
    "210", bob, "@ann @dee hi", at=at(1, 10), mentions=(ann, dee), reply_to=("100", ann)
)
CY_QUOTE = status("211", cy, "look", at=at(1, 11), quote=HELLO)
BOB_DM = status("212", bob, "@ann psst", at=at(1, 12), visibility="direct", mentions=(ann,))
DEE_DM = status("213", dee, "@ann @cy hey", at=at(1, 13), visibility="direct", mentions=(ann, cy))
ANN_DM = status("104", ann, "@bob psst back", at=at(1, 14), visibility="direct", mentions=(bob,))
ANN_STATUSES = [
    HELLO,
    status("101", ann, "@bob @cy yes", at=at(1, 15), mentions=(bob, cy), reply_to=("200", bob)),
    status("102", ann, "", at=at(1, 16), reblog=BOB_POST),
    status("103", ann, "this", at=at(1, 17), quote=DEE_POST),
    ANN_DM,
    status("105", ann, "and more", at=at(1, 18), reply_to=("100", ann)),
]


def server_data() -> FakeMastodon:
    """What the server holds before the first sync."""
    return FakeMastodon(
        owner=ann,
        notifications=[
            notification("500", "mention", bob, at=at(1, 10), about=BOB_REPLY),
            notification("501", "favourite", cy, at=at(1, 10), about=HELLO),
            notification("502", "reblog", dee, at=at(1, 10), about=HELLO),
            notification("503", "follow", dee, at=at(1, 6)),
            notification("504", "quote", cy, at=at(1, 11), about=CY_QUOTE),
            notification("505", "mention", bob, at=at(1, 12), about=BOB_DM),
            notification("506", "poll", ann, at=at(1, 12), about=HELLO),  # not asked for
        ],
        statuses=list(ANN_STATUSES),
        conversations=[
            conversation("70", ANN_DM, bob),
            conversation("71", BOB_DM, bob),
            conversation("72", DEE_DM, dee, cy),
        ],
        followers=[("900", bob), ("901", dee), ("902", cy)],
        following=[("950", bob), ("951", dee)],
    )


# Notifications: reply (bob), like (cy), share (dee), follow (dee), quote (cy), message (bob);
# ann's statuses: post, reply + mention, share, post + quote, message, post (a self-reply);
# conversations: message (dee; the other two were read already); listings: 2 + 2 follows.
FIRST_SYNC = {
    "follow": 5,
    "like": 1,
    "mention": 1,
    "message": 3,
    "post": 3,
    "quote": 2,
    "reply": 2,
    "share": 2,
}


@pytest.fixture
def server() -> Iterator[tuple[FakeMastodon, str]]:
    state = server_data()
    with serve(state) as url:
        yield state, url


def fetch(url: str, cursor: dict[str, Any] | None = None) -> list[Any]:
    source = MastodonApiSource({"server": url})
    return check_records(source.fetch(source.check_account(ME), TOKEN, cursor or {}))


def sync(db: str, url: str, *args: str, env: dict[str, str] | None = None) -> Any:
    """``goodwill sync mastodon`` as a user runs it; the parsed --json summary on success."""
    result = runner.invoke(
        app,
        ["--db", db, "sync", "mastodon", ME, "--option", f"server={url}", "--json", *args],
        env={"GOODWILL_MASTODON_TOKEN": TOKEN, **(env or {})},
    )
    return json.loads(result.stdout) if result.exit_code == 0 else result


def by_kind(db: str) -> dict[str, int]:
    with open_ledger(db) as ledger, ledger.read() as conn:
        return dict(stats(conn)["by_kind"])


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'g.db'}"


# --- syncs into a real store -----------------------------------------------------------------


def test_sync_counts_by_kind_and_a_second_sync_adds_nothing(
    server: tuple[FakeMastodon, str], db: str
) -> None:
    state, url = server
    first = sync(db, url)
    assert (first["added"], first["rejected"]) == (sum(FIRST_SYNC.values()), 0) == (19, 0)
    assert by_kind(db) == FIRST_SYNC
    asked = len(state.requests)
    again = sync(db, url)
    assert (again["read"], again["added"]) == (0, 0)
    assert any("min_id=505" in r for r in state.requests[asked:])  # types filter ends at 505
    full = sync(db, url, "--full")
    assert (full["read"], full["added"]) == (14, 0)  # all again, keyed alike; follows kept
    assert by_kind(db) == FIRST_SYNC


def test_an_incremental_sync_adds_just_what_is_new(
    ledger: Ledger, server: tuple[FakeMastodon, str]
) -> None:
    state, url = server
    options = {"server": url}
    run_sync(ledger, "mastodon", ME, token=TOKEN, options=options)
    assert read_cursor(ledger, "mastodon", ME)["notifications"] == "505"
    state.notifications.append(notification("507", "favourite", bob, at=at(2, 9), about=HELLO))
    state.statuses.append(status("106", ann, "day two", at=at(2, 10)))
    state.followers = [f for f in state.followers if f[1] is not cy]
    state.following.append(("952", cy))
    asked = len(state.requests)
    summary = run_sync(ledger, "mastodon", ME, token=TOKEN, options=options)
    assert summary.imported.added == 4
    new = state.requests[asked:]
    assert any("/notifications?min_id=505" in r for r in new)
    assert any("/statuses?min_id=105" in r for r in new)
    with ledger.read() as conn:
        counts = stats(conn)["by_kind"]
    assert counts == {
        **FIRST_SYNC,
        "like": 2,
        "post": 4,
        "follow": 6,
        "unfollow": 1,
    }
    assert summary.cursor["followers"]["ended"] == [f"{CY}>{ANN}"]
    assert summary.cursor["following"]["accounts"] == sorted([BOB, DEE, CY])


def test_a_rate_limit_is_waited_out(server: tuple[FakeMastodon, str], db: str) -> None:
    state, url = server
    state.rate_limit_once["/api/v1/notifications"] = 1.0
    started = time.monotonic()
    first = sync(db, url)
    assert first["added"] == 19
    assert time.monotonic() - started >= 0.9
    asked = [r.split("?")[0] for r in state.requests]
    assert asked[1:3] == ["/api/v1/notifications", "/api/v1/notifications"]


def test_a_refollow_after_an_unfollow_is_a_new_follow(
    ledger: Ledger, server: tuple[FakeMastodon, str]
) -> None:
    state, url = server
    options = {"server": url}
    run_sync(ledger, "mastodon", ME, token=TOKEN, options=options)
    everyone = list(state.following)
    state.following = []
    gone = run_sync(ledger, "mastodon", ME, token=TOKEN, options=options)
    state.following = everyone
    back = run_sync(ledger, "mastodon", ME, token=TOKEN, options=options)
    assert (gone.imported.added, back.imported.added) == (2, 2)
    with ledger.read() as conn:
        counts = stats(conn)["by_kind"]
    assert (counts["follow"], counts["unfollow"]) == (7, 2)


# --- failures leave the store and the cursor as they were -----------------------------------


def test_a_failed_sync_writes_nothing_and_keeps_the_cursor(
    server: tuple[FakeMastodon, str], db: str
) -> None:
    state, url = server
    assert sync(db, url)["added"] == 19
    with open_ledger(db) as ledger:
        cursor = read_cursor(ledger, "mastodon", ME)
    state.notifications.append(notification("508", "favourite", dee, at=at(3, 1), about=HELLO))
    state.html.add("/api/v1/conversations/")  # after notifications were read
    failed = sync(db, url)
    assert failed.exit_code == 2
    assert f"{url} conversations: the answer is not what Mastodon's API returns" in failed.stderr
    with open_ledger(db) as ledger:
        assert read_cursor(ledger, "mastodon", ME) == cursor
        with ledger.read() as conn:
            assert stats(conn)["imports"] == 1
    state.html.clear()
    assert sync(db, url)["added"] == 1  # the redo picks up where the cursor stood


def test_a_bad_record_stops_the_sync_unless_set_aside(
    server: tuple[FakeMastodon, str], db: str, tmp_path: Path
) -> None:
    state, url = server
    broken = status("107", ann, "when?", at=at(2, 1))
    del broken["created_at"]
    state.statuses.append(broken)
    failed = sync(db, url)
    assert failed.exit_code == 2
    assert "statuses 107: created_at must be an ISO 8601 time" in failed.stderr
    assert by_kind(db) == {}
    with open_ledger(db) as ledger:  # read in full, then rolled back: no cursor either
        assert read_cursor(ledger, "mastodon", ME) == {}
    aside = tmp_path / "rejected.jsonl"
    done = sync(db, url, "--skip-bad", str(aside))
    assert (done["added"], done["rejected"]) == (19, 1)
    assert json.loads(aside.read_text())["id"] == "107"


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"GOODWILL_MASTODON_TOKEN": "wrong"}, "accounts/verify_credentials: the server refused"),
        (
            {"GOODWILL_MASTODON_TOKEN": ""},
            "no access token for mastodon: set GOODWILL_MASTODON_TOKEN",
        ),
    ],
)
def test_token_problems_are_one_line(
    server: tuple[FakeMastodon, str], db: str, env: dict[str, str], needle: str
) -> None:
    _, url = server
    result = sync(db, url, env=env)
    assert result.exit_code == 2
    assert needle in result.stderr and "Traceback" not in result.output
    assert by_kind(db) == {}


def test_a_server_that_is_down_is_named(db: str) -> None:
    with serve(server_data(), max_requests=0) as url:
        time.sleep(0.3)  # the server has closed: nothing listens on its port now
        result = sync(db, url)
    assert result.exit_code == 2
    assert f"{url} accounts/verify_credentials: cannot reach the server" in result.stderr


def test_a_token_of_another_account_is_refused(server: tuple[FakeMastodon, str], db: str) -> None:
    _, url = server
    result = runner.invoke(
        app,
        ["--db", db, "sync", "mastodon", "@bob@example.social", "-o", f"server={url}"],
        env={"GOODWILL_MASTODON_TOKEN": TOKEN},
    )
    assert result.exit_code == 2
    assert "the token is @ann's, not @bob's" in result.stderr


def test_a_token_file_must_be_private(
    server: tuple[FakeMastodon, str], db: str, tmp_path: Path
) -> None:
    _, url = server
    token = tmp_path / "token"
    token.write_text(TOKEN + "\n")
    token.chmod(0o644)
    loose = sync(db, url, "--token-file", str(token), env={"GOODWILL_MASTODON_TOKEN": ""})
    assert loose.exit_code == 2 and "run chmod 600 on it" in loose.stderr
    token.chmod(0o600)
    assert (
        sync(db, url, "--token-file", str(token), env={"GOODWILL_MASTODON_TOKEN": ""})["added"]
        == 19
    )


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["sync", "mastodon", "ann"], "write it as @user@domain"),
        (["sync", "mastodon", ME, "-o", "server=http://example.social"], "use https"),
        (["sync", "csv", "x"], "source 'csv' reads files, not an API"),
    ],
)
def test_usage_errors_are_one_line(db: str, args: list[str], needle: str) -> None:
    result = runner.invoke(app, ["--db", db, *args], env={"GOODWILL_MASTODON_TOKEN": TOKEN})
    assert result.exit_code == 2 and needle in result.stderr


def test_import_points_to_sync(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{}")
    with pytest.raises(SourceError, match="reads an API, not a file: run goodwill sync mastodon"):
        run_import(ledger, "mastodon", path)


# --- what the entities become ----------------------------------------------------------------


def test_events_say_who_did_what_to_whom(server: tuple[FakeMastodon, str]) -> None:
    _, url = server
    found = events(fetch(url))
    seen = {(e.kind, e.actor, e.target) for e in found}
    assert {
        ("reply", BOB, ANN),
        ("like", CY, ANN),
        ("share", DEE, ANN),
        ("follow", DEE, ANN),
        ("quote", CY, ANN),
        ("message", BOB, ANN),
        ("message", DEE, ANN),
        ("reply", ANN, BOB),
        ("mention", ANN, CY),
        ("share", ANN, BOB),
        ("quote", ANN, DEE),
        ("message", ANN, BOB),
    } <= seen
    assert not any(e.target in (CY, DEE) and e.actor != ANN for e in found)  # not ann's to see
    dated = {e.external_id: e for e in found}
    assert dated[f"follow:{DEE}>{ANN}"].time.isoformat() == "2024-06-01T06:00:00+00:00"
    reply = dated["https://example.social/users/ann/statuses/101"]
    assert (reply.text, reply.answers) == ("@bob @cy yes", f"{url}/api/v1/statuses/200")
    assert "https://example.social/users/ann/statuses/104#to:" + BOB in dated  # as the archive
    assert kinds(found) == FIRST_SYNC


def test_identities_carry_names_bios_and_links(server: tuple[FakeMastodon, str]) -> None:
    _, url = server
    names = {r.handle: r for r in fetch(url) if isinstance(r, Identity)}
    assert set(names) == {ANN, BOB, CY, DEE}
    assert names[ANN].name == "Ann Example"
    assert names[ANN].attributes == {
        "url": "https://example.social/@ann",
        "bio": "I am ann",
        "link:Site": "ann.example",
    }


def test_mangled_entities_from_the_server_are_rejected_by_place(
    server: tuple[FakeMastodon, str],
) -> None:
    state, url = server
    state.notifications.append({"id": "509", "type": "mention", "created_at": at(2, 1)})
    state.statuses.append({**status("108", ann, "x", at=at(2, 2)), "account": ["ann"]})
    state.followers.append(("899", {"id": "9", "acct": "not an@address@here"}))
    found = fetch(url)
    assert sorted(r.location for r in rejected(found)) == [
        "followers item 4",
        "notifications 509",
        "statuses 108",
    ]
    assert kinds(found) == FIRST_SYNC


# --- mangled entities give only our errors -------------------------------------------------

VIEWER = Viewer(ANN, "1", "example.social", "https://example.social")
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_GOOD = [
    BOB_REPLY,
    CY_QUOTE,
    DEE_DM,
    ANN_STATUSES[2],
    notification("1", "favourite", cy, at=at(1, 1), about=HELLO),
    notification("2", "follow", dee, at=at(1, 1)),
    conversation("3", DEE_DM, dee),
]
_FIELDS = [
    "id",
    "uri",
    "account",
    "acct",
    "created_at",
    "visibility",
    "mentions",
    "reblog",
    "quote",
    "quoted_status",
    "in_reply_to_id",
    "in_reply_to_account_id",
    "type",
    "status",
    "content",
    "fields",
    "last_status",
    "display_name",
    "note",
]


def _conversation_events(conversation: Any) -> list[Event]:
    last = conversation_status(conversation)
    return [] if last is None else status_events(VIEWER, last)


def _mangle(value: Any, field: str, junk: Any) -> Any:
    """``value`` with ``field`` set to ``junk`` wherever it occurs, at any depth."""
    if isinstance(value, dict):
        return {k: junk if k == field else _mangle(v, field, junk) for k, v in value.items()}
    if isinstance(value, list):
        return [_mangle(v, field, junk) for v in value]
    return value


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entity=st.sampled_from(_GOOD) | _json,
    field=st.sampled_from(_FIELDS),
    junk=_json,
    cast=st.booleans(),
)
def test_mangled_entities_give_only_bad_records(
    entity: Any, field: str, junk: Any, cast: bool
) -> None:
    value = _mangle(entity, field, junk)
    readers: list[tuple[Any, Callable[[Any], Any]]] = [
        (Status, lambda v: status_events(VIEWER, v)),
        (Notification, lambda v: notification_events(VIEWER, v)),
        (Notification, lambda v: [follow_notification(VIEWER, v)]),
        (Account, lambda v: [account_identity(v, VIEWER)]),
        (Conversation, _conversation_events),
    ]
    for kind, read in readers:
        given_value = try_cast_recurse(kind, json.loads(json.dumps(value))) if cast else value
        try:
            made = read(given_value)
        except BadRecord:
            continue
        check_records(r for r in made if isinstance(r, Event | Identity))
