"""``mastodon-archive``: Mastodon's "Request your archive" zip (or folder) and CSV exports.

The archives are built here from Python data shaped as Mastodon writes them: an
ActivityStreams ``outbox.json`` collection, ``actor.json``, ``likes.json`` and the CSV
exports in their newer (with a header) and older (without) layouts.
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
from goodwill.sources import archive as archive_module
from goodwill.sources.mastodon_archive import MastodonArchiveSource
from goodwill.sources.tabular import parse_time
from tests.sources.files import (
    ZIP_TIME,
    check_records,
    events,
    kinds,
    mangle,
    peak_bytes,
    rejected,
    write_folder,
    write_zip,
)

# --- the archive, as Mastodon writes it ------------------------------------------------------

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
ANN_URL = "https://a.social/users/ann"
FOLLOWERS = ANN_URL + "/followers"
BOB_URL = "https://b.social/users/bob"
DAVE_URL = "https://d.social/users/dave"
ANN = "mastodon:@ann@a.social"
BOB = "mastodon:@bob@b.social"
CAROL = "mastodon:@carol@a.social"
DAVE = "mastodon:@dave@d.social"


def actor() -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            {"PropertyValue": "schema:PropertyValue"},
        ],
        "id": ANN_URL,
        "type": "Person",
        "following": ANN_URL + "/following",
        "followers": FOLLOWERS,
        "inbox": ANN_URL + "/inbox",
        "outbox": "outbox.json",
        "preferredUsername": "Ann",
        "name": "Ann Lee",
        "summary": "<p>Potter &amp; gardener</p>",
        "url": "https://a.social/@ann",
        "published": "2022-11-05T00:00:00Z",
        "attachment": [
            {
                "type": "PropertyValue",
                "name": "Website",
                "value": '<a href="https://ann.example" rel="me nofollow">ann.example</a>',
            },
            {"type": "PropertyValue", "name": "Pronouns", "value": "she/her"},
        ],
        "icon": {"type": "Image", "mediaType": "image/png", "url": "avatar.png"},
        "likes": "likes.json",
        "bookmarks": "bookmarks.json",
    }


def mention(href: str, name: str) -> dict[str, str]:
    return {"type": "Mention", "href": href, "name": name}


def note(
    n: int,
    *,
    to: Sequence[str] = (PUBLIC,),
    cc: Sequence[str] = (FOLLOWERS,),
    tags: Sequence[Mapping[str, str]] = (),
    reply_to: str | None = None,
    content: str = "<p>hello</p>",
    **extra: Any,
) -> dict[str, Any]:
    """A ``Create`` activity of a ``Note``, as in Mastodon's outbox (no @context per item)."""
    status = f"{ANN_URL}/statuses/{n}"
    published = f"2024-05-{n % 28 + 1:02d}T10:00:00Z"
    return {
        "id": status + "/activity",
        "type": "Create",
        "actor": ANN_URL,
        "published": published,
        "to": list(to),
        "cc": list(cc),
        "object": {
            "id": status,
            "type": "Note",
            "summary": None,
            "inReplyTo": reply_to,
            "published": published,
            "url": f"https://a.social/@ann/{n}",
            "attributedTo": ANN_URL,
            "to": list(to),
            "cc": list(cc),
            "sensitive": False,
            "atomUri": status,
            "content": content,
            "contentMap": {"en": content},
            "attachment": [],
            "tag": list(tags),
            "replies": {"id": status + "/replies", "type": "Collection"},
            **extra,
        },
    }


def boost(n: int, status: str, cc: Sequence[str] = (FOLLOWERS,)) -> dict[str, Any]:
    return {
        "id": f"{ANN_URL}/statuses/{n}/activity",
        "type": "Announce",
        "actor": ANN_URL,
        "published": f"2024-05-{n % 28 + 1:02d}T11:00:00Z",
        "to": [PUBLIC],
        "cc": list(cc),
        "object": status,
    }


def outbox(items: Sequence[Any]) -> str:
    return json.dumps(
        {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": "outbox.json",
            "type": "OrderedCollection",
            "totalItems": len(items),
            "orderedItems": list(items),
        },
        ensure_ascii=False,
    )


def collection(name: str, urls: Sequence[str]) -> str:
    return json.dumps(
        {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": name,
            "type": "OrderedCollection",
            "orderedItems": list(urls),
        }
    )


BOB_MENTION = mention(BOB_URL, "@bob@b.social")
DAVE_MENTION = mention(DAVE_URL, "@dave@d.social")
ITEMS: list[dict[str, Any]] = [
    note(1),  # post
    note(
        2, tags=[BOB_MENTION, mention("https://a.social/users/carol", "@carol")]
    ),  # post, 2 mentions
    note(3, reply_to=BOB_URL + "/statuses/200", tags=[BOB_MENTION]),  # reply bob
    note(4, reply_to=BOB_URL + "/statuses/201", tags=[BOB_MENTION, DAVE_MENTION]),  # reply, mention
    note(5, reply_to=ANN_URL + "/statuses/1"),  # a thread: post
    note(
        6,
        reply_to="https://misskey.example/notes/abc",
        tags=[mention("https://e.social/users/eve", "@eve@e.social")],
    ),  # reply eve
    note(7, reply_to="https://misskey.example/notes/abd", tags=[BOB_MENTION, DAVE_MENTION]),
    note(8, to=[BOB_URL], cc=[], tags=[BOB_MENTION]),  # message bob
    note(9, to=[BOB_URL, DAVE_URL], cc=[], tags=[BOB_MENTION, DAVE_MENTION]),  # 2 messages
    note(10, to=[FOLLOWERS], cc=[DAVE_URL], tags=[DAVE_MENTION]),  # followers only: post, mention
    note(11, to=[FOLLOWERS], cc=[PUBLIC]),  # unlisted: post
    boost(
        12,
        "https://c.social/users/carol2/statuses/5",
        cc=[FOLLOWERS, "https://c.social/users/carol2"],
    ),
    boost(13, ANN_URL + "/statuses/1"),  # own post: nothing
    boost(
        14,
        "https://misskey.example/notes/xyz",
        cc=["https://misskey.example/users/9abc", FOLLOWERS],
    ),
    boost(15, "https://misskey.example/notes/xyz2"),  # author unknown: share to nobody
    note(16, quoteUri=BOB_URL + "/statuses/300"),  # post, quote bob
]
KINDS_IN_OUTBOX = {"post": 6, "mention": 6, "reply": 4, "message": 3, "share": 3, "quote": 1}

FOLLOWING_NEW = (
    "Account address,Show boosts,Notify on new posts,Languages\n"
    "bob@b.social,true,false,\ncarol@a.social,true,false,en\ndave@d.social,false,false,\n"
)
FOLLOWING_OLD = "bob@b.social\ncarol@a.social\ndave@d.social\n"
BLOCKED = "spam@s.example\n"
MUTED = "Account address,Hide notifications\nnoisy@n.example,true\n"
LISTS = "Friends,bob@b.social\nWork,bob@b.social\nFriends,dave@d.social\n"
LIKES = [BOB_URL + "/statuses/9", "https://misskey.example/notes/q", ANN_URL + "/statuses/2"]


def members(**changes: str | bytes | None) -> dict[str, str | bytes]:
    """The archive's files, the user's CSV exports added; ``name=None`` leaves one out."""
    files: dict[str, str | bytes | None] = {
        "actor.json": json.dumps(actor()),
        "outbox.json": outbox(ITEMS),
        "likes.json": collection("likes.json", LIKES),
        "bookmarks.json": collection("bookmarks.json", [BOB_URL + "/statuses/8"]),
        "following_accounts.csv": FOLLOWING_NEW,
        "blocked_accounts.csv": BLOCKED,
        "muted_accounts.csv": MUTED,
        "lists.csv": LISTS,
    }
    files.update({name.replace("__", "."): value for name, value in changes.items()})
    return {name: value for name, value in files.items() if value is not None}


def archive(
    tmp_path: Path, name: str = "archive-20240601120000-0123abcd.zip", **changes: Any
) -> Path:
    return write_zip(tmp_path / name, members(**changes))


def read(path: Path, **options: str) -> list[Record]:
    return check_records(MastodonArchiveSource(options).records(path))


ALL_KINDS = {**KINDS_IN_OUTBOX, "follow": 3, "block": 1, "mute": 1}


def cut_outbox() -> str:
    """The outbox with two more posts, cut short in the middle of the last (index 17)."""
    whole = outbox([*ITEMS, note(40), note(41)])
    return whole[: whole.index(f"{ANN_URL}/statuses/41/activity") + 200]


# --- a real import ---------------------------------------------------------------------------


def test_import_counts_by_kind_and_a_second_import_adds_nothing(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = archive(tmp_path)
    first = run_import(ledger, "mastodon-archive", path)
    with ledger.read() as conn:
        figures = stats(conn)
    assert figures["by_kind"] == dict(sorted(ALL_KINDS.items()))
    assert first.added == sum(ALL_KINDS.values()) == 28
    assert first.rejected == 0
    again = run_import(ledger, "mastodon-archive", path)
    assert (again.added, again.present) == (0, 28)
    with ledger.read() as conn:
        assert stats(conn)["events"] == 28


def test_progress_reaches_the_size_of_the_zip(ledger: Ledger, tmp_path: Path) -> None:
    path = archive(tmp_path)
    seen: list[tuple[int, int, int]] = []
    run_import(ledger, "mastodon-archive", path, progress=lambda *a: seen.append(a))
    assert seen[-1] == (path.stat().st_size, path.stat().st_size, 28)


def test_a_broken_archive_leaves_the_store_as_it_was(ledger: Ledger, tmp_path: Path) -> None:
    run_import(ledger, "mastodon-archive", archive(tmp_path))
    with ledger.read() as conn:
        before = stats(conn)
    broken = archive(tmp_path, "broken.zip", outbox__json=cut_outbox())
    with pytest.raises(SourceError, match=r"broken\.zip: outbox\.json:17: the file ends inside"):
        run_import(ledger, "mastodon-archive", broken)
    with ledger.read() as conn:
        assert stats(conn) == before


def test_skip_bad_imports_what_precedes_a_cut(ledger: Ledger, tmp_path: Path) -> None:
    summary = run_import(
        ledger,
        "mastodon-archive",
        archive(tmp_path, outbox__json=cut_outbox()),
        skip_bad=tmp_path / "rejects.txt",
    )
    assert (summary.rejected, summary.added) == (1, 29)
    assert (tmp_path / "rejects.txt.reasons").read_text().startswith("outbox.json:17\t")


# --- what the files become -------------------------------------------------------------------


def test_the_outbox_becomes_posts_replies_mentions_messages_boosts_and_quotes(
    tmp_path: Path,
) -> None:
    records = read(
        archive(
            tmp_path,
            following_accounts__csv=None,
            blocked_accounts__csv=None,
            muted_accounts__csv=None,
        )
    )
    assert kinds(records) == KINDS_IN_OUTBOX
    by_id = {e.external_id: e for e in events(records)}
    status = ANN_URL + "/statuses/"
    assert (by_id[status + "3"].kind, by_id[status + "3"].target) == ("reply", BOB)
    assert by_id[status + "3"].answers == BOB_URL + "/statuses/200"
    assert by_id[status + "3"].text == "hello"
    assert by_id[status + "3"].time_us == parse_time("2024-05-04T10:00:00Z")
    assert by_id[f"{status}4#mention:{DAVE}"].kind == "mention"
    assert by_id[f"{status}2#mention:{CAROL}"].target == CAROL  # @carol is on ann's server
    assert (by_id[status + "5"].kind, by_id[status + "5"].answers) == ("post", status + "1")
    assert by_id[status + "6"].target == "mastodon:@eve@e.social"
    assert (by_id[status + "7"].kind, by_id[status + "7"].target) == ("reply", None)
    assert {e.target for e in events(records) if e.kind == "message"} == {BOB, DAVE}
    assert by_id[f"{status}9#to:{DAVE}"].kind == "message"
    assert by_id[status + "12/activity"].target == "mastodon:@carol2@c.social"
    assert by_id[status + "14/activity"].target == "mastodon:@9abc@misskey.example"
    assert by_id[status + "15/activity"].target is None
    assert (by_id[status + "16#quote"].kind, by_id[status + "16#quote"].target) == ("quote", BOB)
    assert all(e.actor == ANN for e in events(records))


def test_the_owner_is_named_with_their_profile_links(tmp_path: Path) -> None:
    owner = read(archive(tmp_path))[0]
    assert owner == Identity(
        ANN,
        "Ann Lee",
        {
            "actor": ANN_URL,
            "url": "https://a.social/@ann",
            "bio": "Potter & gardener",
            "link:Website": "https://ann.example",
            "link:Pronouns": "she/her",
        },
    )


def test_follows_blocks_and_mutes_are_dated_when_the_export_was_made(tmp_path: Path) -> None:
    records = read(archive(tmp_path, outbox__json=outbox([])))
    assert kinds(records) == {"follow": 3, "block": 1, "mute": 1}
    made = to_time_us(datetime(*ZIP_TIME))
    assert {e.time_us for e in events(records)} == {made}
    assert {e.target for e in events(records) if e.kind == "follow"} == {BOB, CAROL, DAVE}
    assert [e.external_id for e in events(records) if e.kind == "block"] == [
        f"block:{ANN}>mastodon:@spam@s.example"
    ]
    as_of = read(archive(tmp_path, outbox__json=outbox([])), **{"as-of": "2024-07-01T00:00:00Z"})
    assert {e.time_us for e in events(as_of)} == {parse_time("2024-07-01T00:00:00Z")}


def test_csv_exports_with_and_without_a_header_read_alike(tmp_path: Path) -> None:
    new = read(archive(tmp_path, "new.zip", outbox__json=outbox([])))
    old = read(
        archive(
            tmp_path,
            "old.zip",
            outbox__json=outbox([]),
            following_accounts__csv=FOLLOWING_OLD,
            muted_accounts__csv="noisy@n.example\n",
        )
    )
    assert new == old


def test_lists_become_an_attribute_of_each_listed_account(tmp_path: Path) -> None:
    identities = [r for r in read(archive(tmp_path)) if isinstance(r, Identity)][1:]
    assert identities == [
        Identity(BOB, None, {"lists": "Friends; Work"}),
        Identity(DAVE, None, {"lists": "Friends"}),
    ]


def test_likes_are_left_out_unless_asked_for_and_then_dated_as_of(tmp_path: Path) -> None:
    path = archive(tmp_path)
    assert "like" not in kinds(read(path))
    liked = read(path, likes="as-of", **{"as-of": "2024-07-01T00:00:00Z"})
    [like] = [e for e in events(liked) if e.kind == "like"]  # misskey's URL and ann's own: out
    assert (like.actor, like.target, like.time_us) == (ANN, BOB, parse_time("2024-07-01"))
    assert like.external_id == f"like:{ANN}>{BOB_URL}/statuses/9"


def test_the_unpacked_folder_reads_as_the_zip_does(tmp_path: Path) -> None:
    zipped = read(archive(tmp_path), **{"as-of": "2024-07-01"})
    folder = write_folder(tmp_path / "archive", {f"export/{k}": v for k, v in members().items()})
    assert read(folder, **{"as-of": "2024-07-01"}) == zipped


def test_a_zip_missing_optional_files_reads_what_is_there(tmp_path: Path) -> None:
    path = archive(
        tmp_path,
        likes__json=None,
        bookmarks__json=None,
        following_accounts__csv=None,
        blocked_accounts__csv=None,
        muted_accounts__csv=None,
        lists__csv=None,
    )
    assert kinds(read(path, likes="as-of")) == KINDS_IN_OUTBOX


@pytest.mark.parametrize("missing", ["outbox.json", "actor.json"])
def test_a_zip_without_its_required_files_says_which(tmp_path: Path, missing: str) -> None:
    path = archive(tmp_path, **{missing.replace(".", "__"): None})
    with pytest.raises(SourceError, match=rf"no {missing} in it: is this Mastodon's archive"):
        read(path)


# --- awkward input ---------------------------------------------------------------------------


def test_records_without_their_fields_are_rejected_by_index(tmp_path: Path) -> None:
    no_time = note(30)
    del no_time["published"], no_time["object"]["published"]
    bad_mention = note(31, tags=[{"type": "Mention", "href": 5, "name": "@x@y.z"}])
    items = [note(1), no_time, {"type": "Create"}, {"type": "Like", "object": "u"}, bad_mention, 7]
    records = read(archive(tmp_path, outbox__json=outbox(items)))
    assert [(r.location, r.reason) for r in rejected(records)] == [
        ("outbox.json:1", "has no published time"),
        ("outbox.json:2", "Create has no object"),
        ("outbox.json:3", "activity type 'Like' is not one goodwill reads (Create, Announce)"),
        ("outbox.json:4", "href must be text, not int"),
        ("outbox.json:5", "expected an activity object"),
    ]
    assert kinds(records)["post"] == 1


def test_bytes_that_are_not_utf8_cost_only_their_record(tmp_path: Path) -> None:
    text = outbox([note(1), note(2, content="<p>caf\u00e9</p>"), note(3)]).encode("utf-8")
    broken = text.replace("caf\u00e9".encode(), b"caf\xe9")  # Latin-1 where UTF-8 should be
    records = read(archive(tmp_path, outbox__json=broken))
    assert [r.location for r in rejected(records)] == ["outbox.json:1"]
    assert rejected(records)[0].reason.startswith("not UTF-8 text")
    assert kinds(records)["post"] == 2


def test_a_csv_row_that_is_no_address_is_rejected_by_line(tmp_path: Path) -> None:
    records = read(
        archive(
            tmp_path,
            following_accounts__csv="bob@b.social\nnot an address\nann@a@b\n",
            lists__csv="Friends\n",
        )
    )
    assert [r.location for r in rejected(records)] == [
        "following_accounts.csv:2",
        "following_accounts.csv:3",
        "lists.csv:1",
    ]
    not_utf8 = read(archive(tmp_path, "b.zip", blocked_accounts__csv=b"sp\xe4m@s.example\n"))
    assert rejected(not_utf8)[0].reason.startswith("not UTF-8 text")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is not a JSON object with an 'orderedItems' list"),
        ('{"type": "OrderedCollection"}', "has no 'orderedItems' list"),
        ('{"orderedItems": {}}', "its 'orderedItems' is not a list"),
        ('{"id": "outbox.json", "orderedIt', "ends before its 'orderedItems' list"),
        ("\ufeff".encode("utf-16-le") + b"{}", "is UTF-16 text"),
    ],
)
def test_an_outbox_of_the_wrong_shape_is_a_source_error(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    with pytest.raises(SourceError, match=rf"outbox\.json: {message}"):
        read(archive(tmp_path, outbox__json=content))


def test_an_owner_who_cannot_be_named_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"actor\.json: has no id URL and preferredUsername"):
        read(archive(tmp_path, actor__json=json.dumps({"id": ANN_URL})))
    with pytest.raises(SourceError, match=r"actor\.json: is not valid JSON"):
        read(archive(tmp_path, actor__json='{"id": '))


def test_a_file_that_is_not_a_zip_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "archive.zip"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceError, match="not a readable zip archive"):
        read(path)


def test_a_member_that_inflates_too_far_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive_module, "_MIN_LIMIT", 1 << 20)
    bomb = '{"orderedItems": [' + " " * (3 << 20) + "]}"
    with pytest.raises(SourceError, match=r"outbox\.json: unpacks to more than .* zip bomb"):
        read(archive(tmp_path, outbox__json=bomb))


def test_options_are_checked_before_reading(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="option likes='maybe'"):
        MastodonArchiveSource({"likes": "maybe"})
    with pytest.raises(SourceError, match="option as-of: time 'soon' is not ISO 8601"):
        MastodonArchiveSource({"as-of": "soon"})


def test_memory_does_not_grow_with_the_outbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive_module, "_CHUNK", 1 << 16)  # both outboxes span many chunks

    def peak(count: int) -> int:
        items = [note(n, tags=[BOB_MENTION]) for n in range(count)]
        path = archive(tmp_path, f"a{count}.zip", outbox__json=outbox(items))
        return peak_bytes(MastodonArchiveSource(), path, at_least=count + 1)

    small, large = peak(1_000), peak(10_000)
    assert large < small * 1.5 + 256 * 1024, (small, large)


# --- mangled input ---------------------------------------------------------------------------

_GOOD = members()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(sorted(_GOOD)),
    how=st.sampled_from(["truncate", "replace", "insert"]),
    where=st.floats(0, 1),
    junk=st.binary(min_size=1, max_size=12)
    | st.sampled_from([b'"', b"{", b"]", b"\\", b'"orderedItems": [', b"\xff\xfe", b"\x00"]),
)
def test_mangled_files_inside_the_zip_give_only_our_errors(
    tmp_path: Path, name: str, how: str, where: float, junk: bytes
) -> None:
    content = _GOOD[name]
    data = content.encode("utf-8") if isinstance(content, str) else content
    path = write_zip(tmp_path / "m.zip", {**_GOOD, name: mangle(data, how, where, junk)})
    with contextlib.suppress(GoodwillError):
        read(path, likes="as-of")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    where=st.floats(0, 1),
    junk=st.binary(min_size=1, max_size=64),
    how=st.sampled_from(["truncate", "replace"]),
)
def test_a_mangled_zip_gives_only_our_errors(
    tmp_path: Path, where: float, junk: bytes, how: str
) -> None:
    data = archive(tmp_path, "good.zip").read_bytes()
    path = tmp_path / "m.zip"
    path.write_bytes(mangle(data, how, where, junk))
    with contextlib.suppress(GoodwillError):
        read(path, likes="as-of")
