"""Fuzzing ``bluesky-car``: a repository export damaged in its bytes and in its structure.

The export is built by :mod:`tests.sources.car_builder` from the records the CAR tests use.
Its bytes are mangled at the boundaries of its sections (each length, CID and block), and
its structure is mangled with valid encodings: a record, the commit, or the tree's root
node changed to hold wrong types, missing fields, odd times, absurd numbers, with the CIDs
recomputed so that every block still matches its name and the damage reaches the parser.
The property is :func:`tests.sources.fuzzing.outcome`'s.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any

import libipld
from hypothesis import assume, given
from hypothesis import strategies as st

from goodwill.errors import GoodwillError
from goodwill.sources.bluesky_car import BlueskyCarSource
from goodwill.sources.car import read_varint
from tests.sources.bluesky_data import ANN, repository_records
from tests.sources.car_builder import Repo, build_repo, car_bytes, cid_of
from tests.sources.fuzzing import fuzz_settings, outcome
from tests.sources.mangling import ODD_TIMES, mangled, mangled_json, with_odd_times

#: The registered sources this module fuzzes.
SOURCES = ("bluesky-car",)

_RECORDS = repository_records()
_REPO = build_repo(ANN, _RECORDS)
_GOOD = car_bytes([_REPO.root], _REPO.blocks)
_TOKENS = (b"\x00", b"\xff" * 9, b"\x80" * 10, b"\x01\x71\x12\x20", b"\x12\x20", b"\xa0",
           b"\x9b\xff\xff\xff\xff\xff\xff\xff\xff", b"\x81" * 64, b"\xf9\x7e\x00")  # fmt: skip


def _sections(data: bytes) -> list[int]:
    """Where the header and each section start, and where each CID ends and block begins."""
    stream = io.BytesIO(data)
    points = []
    while True:
        start = stream.tell()
        length = read_varint(stream)
        if length is None:
            return points
        body = stream.tell()
        points += [start, body, body + 36]
        stream.seek(body + length)


def _read(data: bytes) -> list[Any] | GoodwillError:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "repo.car"
        path.write_bytes(data)
        return outcome(lambda: BlueskyCarSource().records(path), str(path))


def _encoded(value: Any) -> bytes:
    """``value`` as DAG-CBOR, or a skipped example when DAG-CBOR cannot hold it (NaN)."""
    try:
        return bytes(libipld.encode_dag_cbor(value))
    except (ValueError, OverflowError, TypeError):
        assume(False)
        raise  # not reached: assume(False) ends the example


def _with_root(repo: Repo, commit: dict[str, Any] | None = None) -> bytes:
    """The export's bytes with its commit replaced (the root CID following)."""
    blocks = dict(repo.blocks)
    del blocks[repo.root]
    body = libipld.decode_dag_cbor(repo.blocks[repo.root]) if commit is None else commit
    block = _encoded(body)
    root = cid_of(block)
    return car_bytes([root], {root: block, **blocks})


def test_the_valid_export_reads_without_rejections() -> None:
    records = _read(_GOOD)
    assert isinstance(records, list) and len(records) > 10
    assert not [r for r in records if getattr(r, "reason", None)]


@fuzz_settings(30)
@given(data=st.binary(max_size=4_000))
def test_random_bytes(data: bytes) -> None:
    _read(data)


@fuzz_settings(30)
@given(data=st.binary(max_size=2_000))
def test_random_sections_after_a_valid_header(data: bytes) -> None:
    header_end = _sections(_GOOD)[1] + read_varint(io.BytesIO(_GOOD))  # type: ignore[operator]
    _read(_GOOD[:header_end] + data)


@fuzz_settings(80)
@given(st.data())
def test_mangled_bytes(data: st.DataObject) -> None:
    _read(data.draw(mangled(_GOOD, _TOKENS, _sections(_GOOD))))


@fuzz_settings(80)
@given(st.data())
def test_a_record_mangled_by_structure(data: st.DataObject) -> None:
    key = data.draw(st.sampled_from(sorted(_RECORDS)))
    records = dict(_RECORDS)
    records[key] = _encoded(data.draw(mangled_json(records[key])))
    repo = build_repo(ANN, records)
    _read(car_bytes([repo.root], repo.blocks))


@fuzz_settings(40)
@given(st.data())
def test_the_commit_mangled_by_structure(data: st.DataObject) -> None:
    commit = libipld.decode_dag_cbor(_REPO.blocks[_REPO.root])
    _read(_with_root(_REPO, data.draw(mangled_json(commit))))


@fuzz_settings(40)
@given(st.data())
def test_the_root_node_mangled_by_structure(data: st.DataObject) -> None:
    node = libipld.decode_dag_cbor(_REPO.blocks[_REPO.nodes[0]])
    block = _encoded(data.draw(mangled_json(node)))
    blocks = {**_REPO.blocks, cid_of(block): block}
    commit = libipld.decode_dag_cbor(_REPO.blocks[_REPO.root])
    _read(_with_root(Repo(_REPO.root, blocks), {**commit, "data": cid_of(block)}))


@fuzz_settings(len(ODD_TIMES))
@given(time=st.sampled_from(ODD_TIMES))
def test_odd_times_everywhere(time: str) -> None:
    """Every record's createdAt (and any other time) made odd."""
    records = {
        key: json.loads(with_odd_times(json.dumps(record).encode(), time))
        for key, record in _RECORDS.items()
    }
    repo = build_repo(ANN, records)
    _read(car_bytes([repo.root], repo.blocks))
