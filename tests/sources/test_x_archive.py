"""``x-archive``: X's (Twitter's) "Download an archive of your data" zip (or folder).

The archives are built here from Python data shaped as X writes them: each ``data/*.js``
file assigns a JSON list to ``window.YTD.<name>.part<N>``; tweets come wrapped in
``{"tweet": ...}`` in newer archives and bare in older ones.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwill.errors import GoodwillError, SourceError
from goodwill.events import Identity, Record, to_time_us
from goodwill.importing import run_import
from goodwill.ledger import Ledger
from goodwill.ledger.queries import stats
from goodwill.sources.tabular import parse_time
from goodwill.sources.x_archive import XArchiveSource
from tests.sources.files import (
    ZIP_TIME,
    check_records,
    events,
    kinds,
    mangle,
    rejected,
    write_folder,
    write_zip,
)

ANN, BOB, CAROL, DAVE = "x:@ann", "x:@bob", "x:@carol", "x:@dave"

# --- the archive, as X writes it -------------------------------------------------------------


def js(name: str, records: Sequence[Any], part: int = 0) -> str:
    """A ``data/*.js`` file: a JSON list assigned to ``window.YTD.NAME.partN``."""
    return f"window.YTD.{name}.part{part} = " + json.dumps(
        list(records), indent=2, ensure_ascii=False
    )


def user(screen_name: str, number: str, name: str | None = None) -> dict[str, Any]:
    return {
        "name": name or screen_name.title(),
        "screen_name": screen_name,
        "indices": ["0", str(len(screen_name) + 1)],
        "id_str": number,
        "id": number,
    }


def tweet(
    n: int,
    text: str = "hello",
    *,
    mentions: Sequence[Mapping[str, Any]] = (),
    urls: Sequence[str] = (),
    wrap: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    body = {
        "edit_info": {
            "initial": {"editTweetIds": [str(n)], "editableUntil": "2018-10-10T21:19:24.000Z"}
        },
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": {
            "hashtags": [],
            "symbols": [],
            "user_mentions": list(mentions),
            "urls": [
                {
                    "url": "https://t.co/x",
                    "expanded_url": url,
                    "display_url": url[8:30],
                    "indices": ["0", "1"],
                }
                for url in urls
            ],
        },
        "display_text_range": ["0", str(len(text))],
        "favorite_count": "0",
        "id_str": str(n),
        "truncated": False,
        "retweet_count": "0",
        "id": str(n),
        "created_at": f"Wed Oct {n % 28 + 1:02d} 20:19:24 +0000 2018",
        "favorited": False,
        "full_text": text,
        "lang": "en",
        **extra,
    }
    return {"tweet": body} if wrap else body


BOB_USER, CAROL_USER, DAVE_USER = user("Bob", "200"), user("carol", "300"), user("Dave", "400")
TWEETS = [
    tweet(1),  # post
    tweet(2, "hi @Bob @carol", mentions=[BOB_USER, CAROL_USER]),  # post, 2 mentions
    tweet(
        3,
        "@Bob sure",
        mentions=[BOB_USER],
        in_reply_to_status_id_str="50",
        in_reply_to_user_id_str="200",
        in_reply_to_screen_name="Bob",
    ),  # reply bob
    tweet(
        4,
        "and more",
        in_reply_to_status_id_str="1",
        in_reply_to_user_id_str="100",
        in_reply_to_screen_name="Ann",
    ),  # a thread: post
    tweet(5, "RT @Dave: big news &amp; more", mentions=[DAVE_USER]),  # share dave
    tweet(
        6,
        "look",
        urls=["https://twitter.com/Eve/status/555"],
        quoted_status_permalink={
            "url": "https://t.co/q",
            "expanded": "https://twitter.com/Eve/status/555",
        },
    ),  # post, quote eve
    tweet(7, "yes", in_reply_to_status_id_str="77"),  # reply to someone unknown
    tweet(8, "see", urls=["https://twitter.com/i/web/status/9"]),  # post
]
PART1 = [tweet(9, "@Frank hi", mentions=[user("Frank", "600")])]  # post, mention
TWEET_KINDS = {"post": 6, "mention": 3, "reply": 2, "share": 1, "quote": 1}


def message(n: int, sender: str, recipient: str | None, text: str = "hey") -> dict[str, Any]:
    body = {
        "reactions": [],
        "urls": [],
        "text": text,
        "mediaUrls": [],
        "senderId": sender,
        "id": str(n),
        "createdAt": f"2019-01-0{n % 9 + 1}T10:00:00.000Z",
    }
    if recipient is not None:
        body["recipientId"] = recipient
    return {"messageCreate": body}


DMS = [
    {"dmConversation": {"conversationId": "100-200", "messages": [
        message(1001, "100", "200"),
        message(1002, "200", "100", "thanks!"),
        {"reactionCreate": {"senderId": "200", "reactionKey": "like", "eventId": "1001"}},
    ]}},
    {"dmConversation": {"conversationId": "100-700", "messages": [message(1003, "700", "100")]}},
]  # fmt: skip
GROUP_DMS = [
    {"dmConversation": {"conversationId": "1500", "messages": [
        {"joinConversation": {"initiatingUserId": "200", "participantsSnapshot": ["100", "200"]}},
        {"conversationNameUpdate": {"initiatingUserId": "200", "name": "Book club",
                                    "createdAt": "2019-02-01T00:00:00.000Z"}},
        message(1004, "200", None),
        message(1005, "100", None),
    ]}},
]  # fmt: skip


def listing(wrapper: str, numbers: Sequence[str]) -> list[dict[str, Any]]:
    return [
        {wrapper: {"accountId": n, "userLink": f"https://twitter.com/intent/user?user_id={n}"}}
        for n in numbers
    ]


ACCOUNT = [
    {
        "account": {
            "email": "ann@example.com",
            "createdVia": "web",
            "username": "Ann",
            "accountId": "100",
            "createdAt": "2010-01-01T00:00:00.000Z",
            "accountDisplayName": "Ann Lee",
        }
    }
]
PROFILE = [
    {
        "profile": {
            "description": {"bio": "Potter", "website": "https://t.co/ann", "location": "Porto"},
            "avatarMediaUrl": "https://pbs.twimg.com/a.jpg",
        }
    }
]


def members(**changes: str | bytes | None) -> dict[str, str | bytes]:
    """The archive's files, some replaced; ``name=None`` leaves one out."""
    files: dict[str, str | bytes | None] = {
        "Your archive.html": "<html></html>",
        "data/manifest.js": "window.__THAR_CONFIG = "
        + json.dumps(
            {"userInfo": {"accountId": "100", "userName": "Ann", "displayName": "Ann Lee"}}
        ),
        "data/account.js": js("account", ACCOUNT),
        "data/profile.js": js("profile", PROFILE),
        "data/tweets.js": js("tweets", TWEETS),
        "data/tweets-part1.js": js("tweets", PART1, part=1),
        "data/like.js": js(
            "like",
            [
                {
                    "like": {
                        "tweetId": "9",
                        "fullText": "x",
                        "expandedUrl": "https://twitter.com/i/web/status/9",
                    }
                }
            ],
        ),
        "data/direct-messages.js": js("direct_messages", DMS),
        "data/direct-messages-group.js": js("direct_messages_group", GROUP_DMS),
        "data/follower.js": js("follower", listing("follower", ["200", "800"])),
        "data/following.js": js("following", listing("following", ["200", "300"])),
        "data/block.js": js("block", listing("blocking", ["900"])),
        "data/mute.js": js("mute", listing("muting", ["901"])),
    }
    files.update(changes)
    return {name: value for name, value in files.items() if value is not None}


def archive(
    tmp_path: Path, name: str = "twitter-2024-06-01.zip", **changes: str | bytes | None
) -> Path:
    return write_zip(tmp_path / name, members(**changes))


def read(path: Path, **options: str) -> list[Record]:
    return check_records(XArchiveSource(options).records(path))


ALL_KINDS = {**TWEET_KINDS, "message": 5, "follow": 4, "block": 1, "mute": 1}

# --- a real import ---------------------------------------------------------------------------


def test_import_counts_by_kind_and_a_second_import_adds_nothing(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = archive(tmp_path)
    first = run_import(ledger, "x-archive", path)
    with ledger.read() as conn:
        assert stats(conn)["by_kind"] == dict(sorted(ALL_KINDS.items()))
    assert first.added == sum(ALL_KINDS.values()) == 24
    again = run_import(ledger, "x-archive", path)
    assert (again.added, again.present) == (0, 24)


def test_a_broken_archive_leaves_the_store_as_it_was(ledger: Ledger, tmp_path: Path) -> None:
    run_import(ledger, "x-archive", archive(tmp_path))
    with ledger.read() as conn:
        before = stats(conn)
    cut = js("tweets", [*TWEETS, tweet(20), tweet(21)])
    broken = archive(tmp_path, "broken.zip", **{"data/tweets.js": cut[: cut.index('"21"') + 10]})
    with pytest.raises(SourceError, match=r"broken\.zip: data/tweets\.js:9: the file ends inside"):
        run_import(ledger, "x-archive", broken)
    with ledger.read() as conn:
        assert stats(conn) == before


# --- what the files become -------------------------------------------------------------------


def test_tweets_become_posts_replies_mentions_retweets_and_quotes(tmp_path: Path) -> None:
    records = read(archive(tmp_path))
    tweets = [e for e in events(records) if e.external_id.startswith("tweet:")]
    assert kinds(tweets) == TWEET_KINDS
    by_id = {e.external_id: e for e in tweets}
    assert (by_id["tweet:3"].kind, by_id["tweet:3"].target, by_id["tweet:3"].answers) == (
        "reply",
        BOB,
        "tweet:50",
    )
    assert by_id["tweet:3"].time_us == parse_time("2018-10-04T20:19:24Z")
    assert (by_id["tweet:4"].kind, by_id["tweet:4"].answers) == ("post", "tweet:1")
    assert (by_id["tweet:5"].kind, by_id["tweet:5"].target) == ("share", DAVE)
    assert by_id["tweet:5"].text == "RT @Dave: big news & more"
    assert (by_id["tweet:6#quote"].target, by_id["tweet:6#quote"].answers) == (
        "x:@eve",
        "tweet:555",
    )
    assert (by_id["tweet:7"].kind, by_id["tweet:7"].target) == ("reply", None)
    assert by_id["tweet:2#mention:300"].target == CAROL
    assert by_id["tweet:9#mention:600"].target == "x:@frank"
    assert all(e.actor == ANN for e in tweets)


def test_direct_messages_go_to_the_recipient_and_group_messages_to_the_group(
    tmp_path: Path,
) -> None:
    records = read(archive(tmp_path))
    messages = {
        e.external_id: (e.actor, e.target, e.text) for e in events(records) if e.kind == "message"
    }
    group = "x:dm-group:1500"
    assert messages == {
        "dm:1001": (ANN, BOB, "hey"),
        "dm:1002": (BOB, ANN, "thanks!"),
        "dm:1003": ("x:id:700", ANN, "hey"),
        "dm:1004": (BOB, group, "hey"),
        "dm:1005": (ANN, group, "hey"),
    }
    assert Identity(group, "Book club", {"kind": "group conversation"}) in records


def test_follows_blocks_and_mutes_are_dated_when_the_archive_was_made(tmp_path: Path) -> None:
    records = read(archive(tmp_path))
    lists = [e for e in events(records) if e.kind in ("follow", "block", "mute")]
    assert {(e.kind, e.actor, e.target, e.external_id) for e in lists} == {
        ("follow", BOB, ANN, "follow:200>100"),
        ("follow", "x:id:800", ANN, "follow:800>100"),
        ("follow", ANN, BOB, "follow:100>200"),
        ("follow", ANN, CAROL, "follow:100>300"),
        ("block", ANN, "x:id:900", "block:100>900"),
        ("mute", ANN, "x:id:901", "mute:100>901"),
    }
    assert {e.time_us for e in lists} == {to_time_us(datetime(*ZIP_TIME))}
    as_of = read(archive(tmp_path), **{"as-of": "2024-07-01T00:00:00Z"})
    assert {e.time_us for e in events(as_of) if e.kind == "follow"} == {parse_time("2024-07-01")}


def test_identities_link_numbers_to_names(tmp_path: Path) -> None:
    identities = [r for r in read(archive(tmp_path)) if isinstance(r, Identity)]
    assert identities[0] == Identity(
        ANN,
        "Ann Lee",
        {"account_id": "100", "bio": "Potter", "website": "https://t.co/ann", "location": "Porto"},
    )
    linked = {i.handle: i.attributes.get("account_id") for i in identities[1:]}
    assert linked == {
        BOB: "200",
        CAROL: "300",
        DAVE: "400",
        "x:@frank": "600",
        "x:dm-group:1500": None,
    }
    assert Identity(BOB, "Bob", {"account_id": "200"}) in identities


def test_an_older_archive_without_the_tweet_wrapper_reads_alike(tmp_path: Path) -> None:
    old_tweets = [tweet(n, wrap=False) for n in (1, 2)]
    records = read(
        archive(
            tmp_path,
            **{
                "data/tweets.js": None,
                "data/tweets-part1.js": None,
                "data/tweet.js": js("tweet", old_tweets),
                "data/manifest.js": None,
            },
        )
    )
    assert [e.external_id for e in events(records)][:2] == ["tweet:1", "tweet:2"]
    assert records[0] == Identity(
        ANN,
        "Ann Lee",
        {"account_id": "100", "bio": "Potter", "website": "https://t.co/ann", "location": "Porto"},
    )


def test_the_manifest_names_the_owner_when_account_js_is_missing(tmp_path: Path) -> None:
    records = read(archive(tmp_path, **{"data/account.js": None, "data/profile.js": None}))
    assert records[0] == Identity(ANN, "Ann Lee", {"account_id": "100"})


def test_the_unpacked_folder_reads_as_the_zip_does(tmp_path: Path) -> None:
    zipped = read(archive(tmp_path), **{"as-of": "2024-07-01"})
    folder = write_folder(tmp_path / "twitter-2024", members())
    assert read(folder, **{"as-of": "2024-07-01"}) == zipped
    assert read(folder / "data", **{"as-of": "2024-07-01"}) == zipped  # the data folder alone


def test_a_zip_missing_optional_files_reads_what_is_there(tmp_path: Path) -> None:
    optional = ["like", "direct-messages", "direct-messages-group", "follower", "following",
                "block", "mute", "profile", "tweets-part1"]  # fmt: skip
    records = read(archive(tmp_path, **{f"data/{n}.js": None for n in optional}))
    assert kinds(records) == {"post": 5, "mention": 2, "reply": 2, "share": 1, "quote": 1}


@pytest.mark.parametrize(
    ("gone", "message"),
    [
        (["data/tweets.js", "data/tweets-part1.js"], r"no data/tweets\.js \(or tweet\.js\) in it"),
        (["data/account.js", "data/manifest.js"], r"no data/account\.js in it"),
    ],
)
def test_a_zip_without_its_required_files_says_which(
    tmp_path: Path, gone: list[str], message: str
) -> None:
    with pytest.raises(SourceError, match=message):
        read(archive(tmp_path, **dict.fromkeys(gone)))


# --- awkward input ---------------------------------------------------------------------------


def test_records_without_their_fields_are_rejected_by_index(tmp_path: Path) -> None:
    no_time = tweet(11)
    del no_time["tweet"]["created_at"]
    odd_time = tweet(12, created_at="2018-10-10 20:19:24")
    bad_mention = tweet(13, mentions=[{"screen_name": "!!"}])
    items = [tweet(1), no_time, odd_time, bad_mention, {"tweet": []}, "tweet"]
    dms = [{"dmConversation": {"conversationId": "100-200", "messages": [
        message(1, "100", "200"), {"messageCreate": {"id": "2", "senderId": "200"}}]}}]  # fmt: skip
    records = read(
        archive(
            tmp_path,
            **{
                "data/tweets.js": js("tweets", items),
                "data/direct-messages.js": js("direct_messages", dms),
                "data/follower.js": js("follower", [{"follower": {"userLink": "x"}}]),
            },
        )
    )
    assert [(r.location, r.reason) for r in rejected(records)] == [
        ("data/tweets.js:1", "the tweet has no created_at time"),
        ("data/tweets.js:2", "created_at '2018-10-10 20:19:24' is not X's time format"),
        ("data/tweets.js:3", "the account has neither a screen name nor a number"),
        ("data/tweets.js:4", "tweet must be an object"),
        ("data/tweets.js:5", "expected a tweet object"),
        ("data/direct-messages.js:0", "message 1: the message has no createdAt time"),
        ("data/follower.js:0", "the entry has no accountId"),
    ]
    assert "dm:1" in {e.external_id for e in events(records)}


def test_bytes_that_are_not_utf8_cost_only_their_record(tmp_path: Path) -> None:
    text = js("tweets", [tweet(1), tweet(2, "caf\u00e9"), tweet(3)]).encode("utf-8")
    broken = text.replace("caf\u00e9".encode(), b"caf\xe9")
    records = read(archive(tmp_path, **{"data/tweets.js": broken}))
    assert [r.location for r in rejected(records)] == ["data/tweets.js:1"]
    assert rejected(records)[0].reason.startswith("not UTF-8 text")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "holds no list of records"),
        ("window.YTD.tweets.part0 = {}", "does not start with a list of records"),
        ("alert(1); [", "does not start with a list of records"),
    ],
)
def test_a_tweets_file_of_the_wrong_shape_is_a_source_error(
    tmp_path: Path, content: str, message: str
) -> None:
    with pytest.raises(SourceError, match=rf"data/tweets\.js: {message}"):
        read(archive(tmp_path, **{"data/tweets.js": content}))


def test_an_owner_who_cannot_be_named_is_a_source_error(tmp_path: Path) -> None:
    bad = js("account", [{"account": {"username": "Ann"}}])
    with pytest.raises(SourceError, match=r"data/account\.js: has no accountId: cannot tell whose"):
        read(archive(tmp_path, **{"data/account.js": bad}))


# --- mangled input ---------------------------------------------------------------------------

_GOOD = members()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(sorted(n for n in _GOOD if n.endswith(".js"))),
    how=st.sampled_from(["truncate", "replace", "insert"]),
    where=st.floats(0, 1),
    junk=st.binary(min_size=1, max_size=12)
    | st.sampled_from([b'"', b"{", b"]", b"\\", b"[", b"\xff\xfe", b"\x00", b'"-1"', b"null"]),
)
def test_mangled_files_inside_the_zip_give_only_our_errors(
    tmp_path: Path, name: str, how: str, where: float, junk: bytes
) -> None:
    content = _GOOD[name]
    data = content.encode("utf-8") if isinstance(content, str) else content
    path = write_zip(tmp_path / "m.zip", {**_GOOD, name: mangle(data, how, where, junk)})
    with contextlib.suppress(GoodwillError):
        read(path)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2_000))
def test_random_bytes_give_only_our_errors(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.zip"
    path.write_bytes(data)
    with pytest.raises(GoodwillError):
        read(path)
