"""``bluesky-car``: a Bluesky repository export, built here as the PDS writes it: a CARv1
file whose root is the signed commit, a Merkle Search Tree of nodes and the records."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any

import libipld
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.errors import GoodwillError, SourceError
from goodwill.events import Event, Identity, Record
from goodwill.sources.bluesky_car import BlueskyCarSource
from goodwill.sources.car import MAX_BLOCK
from goodwill.sources.tabular import parse_time
from tests.sources.bluesky_data import (
    ANN,
    ANN_RECORDS,
    BOB,
    KINDS,
    LIKE,
    POST,
    SKIPPED,
    bob_post,
    post,
    repository_records,
    subject_record,
    tid,
    uri,
)
from tests.sources.car_builder import Repo, build_repo, car_bytes, varint, write_car
from tests.sources.files import check_records, events, kinds, rejected

OWNER = f"bluesky:{ANN}"


def read(path: Path) -> list[Record]:
    return check_records(BlueskyCarSource().records(path))


def export(tmp_path: Path, records: dict[str, Any] | None = None, name: str = "repo.car") -> Path:
    return write_car(
        tmp_path / name, build_repo(ANN, repository_records() if records is None else records)
    )


def with_records(changes: dict[str, Any]) -> dict[str, Any]:
    """Ann's records by key, with some added or replaced."""
    return {**repository_records(), **changes}


# --- a real import ---------------------------------------------------------------------------

runner = CliRunner()


def goodwill_import(db: str, path: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["--db", db, "import", "bluesky-car", str(path), "--json"])
    assert result.exit_code == 0, result.output
    summary: dict[str, Any] = json.loads(result.stdout)
    return summary


def test_import_twice_through_the_cli_and_the_second_adds_nothing(tmp_path: Path) -> None:
    db, path = f"sqlite:///{tmp_path / 'g.db'}", export(tmp_path)
    first = goodwill_import(db, path)
    assert (first["read"], first["added"], first["present"]) == (19, 19, 0)
    again = goodwill_import(db, path)
    assert (again["added"], again["present"]) == (0, 19)
    stats = json.loads(runner.invoke(app, ["--db", db, "stats", "--json"]).stdout)
    assert stats["by_kind"] == dict(sorted(KINDS.items()))


def test_a_newer_export_adds_only_what_is_new(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'g.db'}"
    goodwill_import(db, export(tmp_path))
    newer = repository_records()
    del newer[f"{LIKE}/{tid(20)}"]  # an undone like is absent from the newer export
    newer[f"{POST}/{tid(100)}"] = post(100, "new")
    newer[f"{LIKE}/{tid(101)}"] = subject_record(LIKE, 101, bob_post(7))
    summary = goodwill_import(db, export(tmp_path, newer, "newer.car"))
    assert (summary["read"], summary["added"], summary["present"]) == (20, 2, 18)


# --- what the records become -----------------------------------------------------------------


def test_records_become_posts_replies_quotes_mentions_likes_shares_follows_and_blocks(
    tmp_path: Path,
) -> None:
    source = BlueskyCarSource()
    records = check_records(source.records(export(tmp_path)))
    assert kinds(records) == KINDS
    assert dict(source.skipped) == SKIPPED
    assert all(e.actor == OWNER for e in events(records))
    by_id = {e.external_id.removeprefix(f"at://{ANN}/"): e for e in events(records)}
    reply = by_id[f"{POST}/{tid(3)}"]
    assert (reply.kind, reply.target, reply.answers, reply.text) == (
        "reply",
        f"bluesky:{BOB}",
        bob_post(1),
        "@bob yes",
    )
    assert reply.time_us == parse_time("2024-06-01T00:03:00Z")
    assert f"{POST}/{tid(3)}#mention:{BOB}" not in by_id  # the reply already says it
    assert by_id[f"{POST}/{tid(2)}#mention:{BOB}"].target == f"bluesky:{BOB}"
    thread = by_id[f"{POST}/{tid(4)}"]
    assert (thread.kind, thread.target) == ("post", None)
    assert thread.answers == f"at://{ANN}/{POST}/{tid(1)}"
    assert by_id[f"{POST}/{tid(5)}#quote"].target == "bluesky:did:web:dave.example.com"
    assert by_id[f"{POST}/{tid(6)}#quote"].kind == "quote"
    assert f"{POST}/{tid(7)}#quote" not in by_id  # a list embedded is no quote
    assert (by_id[f"{POST}/{tid(8)}"].kind, by_id[f"{POST}/{tid(8)}"].target) == ("reply", None)
    like = by_id[f"{LIKE}/{tid(20)}"]
    assert (like.kind, like.target, like.answers) == ("like", f"bluesky:{BOB}", bob_post(1))
    assert f"{LIKE}/{tid(21)}" not in by_id  # a like of one's own post


def test_the_profile_names_the_owner(tmp_path: Path) -> None:
    identities = [r for r in read(export(tmp_path)) if isinstance(r, Identity)]
    assert identities == [Identity(OWNER, "Ann Lee", {"bio": "Potter in Porto"})]


@pytest.mark.parametrize("shape", ["one node", "two levels", "as the spec lays it out"])
def test_every_shape_of_tree_reads_alike(tmp_path: Path, shape: str) -> None:
    layers = {
        "one node": lambda key: 0,
        "two levels": lambda key: 1 if key.endswith(("2", "a")) else 0,
    }
    records = repository_records()
    repo = build_repo(ANN, records, **({"layer": layers[shape]} if shape in layers else {}))
    assert (len(repo.nodes) == 1) == (shape == "one node")
    records_read = read(write_car(tmp_path / "r.car", repo))
    assert records_read == read(export(tmp_path))
    shuffled = Repo(repo.root, dict(reversed(repo.blocks.items())), repo.records, repo.nodes)
    assert read(write_car(tmp_path / "s.car", shuffled)) == records_read  # any block order


def test_an_empty_repository_yields_nothing(tmp_path: Path) -> None:
    assert read(export(tmp_path, {})) == []


# --- awkward input ---------------------------------------------------------------------------


def test_bad_records_are_rejected_by_their_key(tmp_path: Path) -> None:
    bad_facet = post(60, "@bob")
    bad_facet["facets"] = [
        {"index": {}, "features": [{"$type": "app.bsky.richtext.facet#mention"}]}
    ]
    no_time = post(61)
    del no_time["createdAt"]
    not_utf8 = libipld.encode_dag_cbor(post(62, "caf\u00e9")).replace(
        "caf\u00e9".encode(), b"caf\xe9"
    )
    records = read(
        export(
            tmp_path,
            with_records(
                {
                    f"{POST}/{tid(60)}": bad_facet,
                    f"{POST}/{tid(61)}": no_time,
                    f"{POST}/{tid(62)}": not_utf8,
                    f"{POST}/{tid(63)}": {**post(63), "$type": LIKE},
                    f"{POST}/{tid(64)}": {**post(64), "facets": [{"features": "x"}]},
                    f"{LIKE}/{tid(65)}": {
                        "$type": LIKE,
                        "subject": {"uri": "bob"},
                        "createdAt": "2024-06-01",
                    },
                    f"{LIKE}/{tid(66)}": {
                        **subject_record(LIKE, 66, bob_post(1)),
                        "createdAt": "soon",
                    },
                    "app.bsky.graph.follow/3ktncvlco5522": {
                        "subject": "bob.bsky.social",
                        "createdAt": "2024-06-01",
                    },
                }
            ),
        )
    )
    assert [(r.location, r.reason) for r in rejected(records)] == [
        (f"{LIKE}/{tid(65)}", "subject's uri 'bob' is not an AT URI of a record"),
        (f"{LIKE}/{tid(66)}", "time 'soon' is not ISO 8601"),
        (f"{POST}/{tid(60)}", "facet 0's mention must be a DID, not NoneType"),
        (f"{POST}/{tid(61)}", "the record has no createdAt time"),
        (f"{POST}/{tid(62)}", rejected(records)[4].reason),
        (f"{POST}/{tid(63)}", "the record's $type 'app.bsky.feed.like' is not its collection"),
        (f"{POST}/{tid(64)}", "facet 0 has no list of features"),
        ("app.bsky.graph.follow/3ktncvlco5522", "subject 'bob.bsky.social' is not a DID"),
    ]
    assert re.match(
        r"its record bafy\w+ is not valid DAG-CBOR \(.*'utf-8' codec", rejected(records)[4].reason
    )
    assert json.loads(rejected(records)[2].raw)["text"] == "@bob"
    assert kinds(records) == KINDS  # the rest read as before


def test_a_missing_or_damaged_record_block_costs_only_its_record(tmp_path: Path) -> None:
    repo = build_repo(ANN, repository_records())
    gone = repo.records[f"{POST}/{tid(1)}"]
    damaged = repo.records[f"{POST}/{tid(2)}"]
    broken = repo.without(gone)
    broken.blocks[damaged] = broken.blocks[damaged].replace(b"see", b"sea")
    records = read(write_car(tmp_path / "r.car", broken))
    assert [(r.location, r.reason.split(" ", 3)[3]) for r in rejected(records)] == [
        (f"{POST}/{tid(1)}", "is not in the file"),
        (f"{POST}/{tid(2)}", "is damaged: its bytes do not match its CID"),
    ]
    assert len(events(records)) == 19 - 1 - 3


def test_a_missing_tree_node_stops_the_import(tmp_path: Path) -> None:
    repo = build_repo(ANN, repository_records())
    path = write_car(tmp_path / "r.car", repo.without(repo.nodes[-1]))
    with pytest.raises(
        SourceError,
        match=r"r\.car: the repository's tree is damaged: node bafy\w+ is not in the file; the export is damaged",
    ):
        read(path)


def test_a_truncated_export_says_it_was_cut_short(tmp_path: Path) -> None:
    data = export(tmp_path).read_bytes()
    path = tmp_path / "cut.car"
    path.write_bytes(data[: len(data) - 10])
    with pytest.raises(
        SourceError,
        match=r"cut\.car: block \d+ \(byte [\d,]+ of [\d,]+\): the file ends inside it; the file was cut short",
    ):
        read(path)


def header(value: Any) -> bytes:
    encoded = libipld.encode_dag_cbor(value)
    return varint(len(encoded)) + encoded


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"PK\x03\x04" + b"\x00" * 40, "not a CAR file: it declares a header of 80 bytes"),
        (b"\x05hello world", "not a CAR file: its header is not DAG-CBOR"),
        (header([1, 2]), "not a CAR file: its header is not a map"),
        (header({"version": 2, "roots": []}), "CAR version 2 is not one goodwill reads"),
        (header({"version": 1, "roots": []}), "the CAR header names no root block"),
    ],
)
def test_a_file_that_is_no_car_is_a_source_error(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "x.car"
    path.write_bytes(data)
    with pytest.raises(SourceError, match=rf"x\.car: {message}"):
        read(path)


def test_a_block_of_absurd_size_is_refused_before_it_is_read(tmp_path: Path) -> None:
    start = header({"version": 1, "roots": [build_repo(ANN, {}).root]})
    path = tmp_path / "big.car"
    path.write_bytes(start + varint(MAX_BLOCK + 1) + b"\x01\x71")
    with pytest.raises(SourceError, match=r"block 0 \(byte [\d,]+\) declares 16,777,217 bytes"):
        read(path)


@pytest.mark.parametrize(
    ("commit", "message"),
    [
        ({"hello": "world"}, "its root block is not a repository commit"),
        ({"did": ANN, "version": 1, "data": None}, "repository format version 1 is not one"),
        (
            {"did": "ann.bsky.social", "version": 3},
            "the commit's did 'ann.bsky.social' is not a DID",
        ),
        ({"did": ANN, "version": 3, "data": "bafy"}, "the commit links to no tree of records"),
    ],
)
def test_a_root_that_is_no_commit_is_a_source_error(
    tmp_path: Path, commit: dict[str, Any], message: str
) -> None:
    path = write_car(tmp_path / "c.car", build_repo(ANN, {}, commit=commit))
    with pytest.raises(SourceError, match=message):
        read(path)


def test_a_root_block_missing_is_a_source_error(tmp_path: Path) -> None:
    repo = build_repo(ANN, repository_records())
    path = tmp_path / "r.car"
    path.write_bytes(car_bytes([repo.root], repo.without(repo.root).blocks))
    with pytest.raises(SourceError, match=r"the root block bafy\w+ is not in the file"):
        read(path)


# --- mangled input ---------------------------------------------------------------------------

_SMALL = build_repo(
    ANN, repository_records({k: v for k, v in ANN_RECORDS.items() if k in (POST, LIKE)})
)
_GOOD = car_bytes([_SMALL.root], _SMALL.blocks)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    how=st.sampled_from(["truncate", "replace", "insert"]),
    where=st.floats(0, 1),
    junk=st.binary(min_size=1, max_size=8) | st.sampled_from([b"\xff", b"\x00", b"\x80" * 10]),
)
def test_mangled_exports_give_only_our_errors(
    tmp_path: Path, how: str, where: float, junk: bytes
) -> None:
    at = int(where * len(_GOOD))
    data = {
        "truncate": _GOOD[:at],
        "replace": _GOOD[:at] + junk + _GOOD[at + len(junk) :],
        "insert": _GOOD[:at] + junk + _GOOD[at:],
    }[how]
    path = tmp_path / "m.car"
    path.write_bytes(data)
    with contextlib.suppress(GoodwillError):
        records = read(path)
        assert all(isinstance(r, Event | Identity) or r.location for r in records)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2_000))
def test_random_bytes_give_only_our_errors(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.car"
    path.write_bytes(data)
    with pytest.raises(GoodwillError):
        read(path)


def test_the_records_are_addressed_by_at_uri(tmp_path: Path) -> None:
    ids = {e.external_id for e in events(read(export(tmp_path)))}
    assert uri(ANN, POST, tid(1)) in ids
    assert all(i.startswith(f"at://{ANN}/app.bsky.") for i in ids)
