"""Fuzzing the sources that read one text file, plain or gzip: ``csv``, ``jsonl``,
``snap-signed``, ``snap-temporal``, ``mbox`` and ``vcard``.

Each gets random bytes and its own valid input mangled (:mod:`tests.sources.mangling`),
as it is and inside a gzip, plus gzip streams damaged after compression; ``jsonl`` also
gets its JSON mangled by structure. The property is :func:`tests.sources.fuzzing.outcome`'s:
records the ledger can store, or a goodwill error naming the file; nothing else, within
time and memory bounds.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vobject.base import line_re

from goodwill.events import Rejected
from goodwill.sources.base import Source
from goodwill.sources.mbox import MboxSource
from goodwill.sources.snap import SnapSignedSource, SnapTemporalSource
from goodwill.sources.tabular import COLUMNS, CsvSource, JsonlSource
from goodwill.sources.vcard import _READABLE_LINE, VcardSource  # the line check under test
from tests.sources.fuzzing import fuzz_settings, outcome
from tests.sources.mangling import ODD_TIMES, mangled, mangled_json, with_odd_times
from tests.sources.test_mbox import THREAD
from tests.sources.test_vcard import CONTACTS

#: The registered sources this module fuzzes (tests/sources/test_fuzz_sources.py checks
#: that every registered source is fuzzed somewhere).
SOURCES = ("csv", "jsonl", "snap-signed", "snap-temporal", "mbox", "vcard")

_ROWS: list[dict[str, Any]] = [
    {"time": "2024-06-01T09:30:00Z", "kind": "reply", "actor": "mastodon:@ann@a.social",
     "target": "mastodon:@bob@b.social", "id": "r-1", "value": "", "text": "hi, \"bob\"",
     "answers": "p-1", "actor_name": "Ann", "target_name": "Bob"},
    {"time": "1717234200.25", "kind": "rating", "actor": "otc:1", "target": "otc:2",
     "id": "", "value": "-10", "text": "", "answers": "", "actor_name": "", "target_name": ""},
    {"time": "2024-06-01 09:30:00+02:00", "kind": "post", "actor": "ann@example.com",
     "target": "", "id": "", "value": "", "text": "line\nbreak", "answers": "",
     "actor_name": "", "target_name": ""},
]  # fmt: skip


def _csv_text() -> str:
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n') else value

    lines = [",".join(COLUMNS)] + [",".join(cell(row[c]) for c in COLUMNS) for row in _ROWS]
    return "\n".join(lines) + "\n"


_JSONL_OBJECTS: list[Any] = [
    *({k: v for k, v in row.items() if v} for row in _ROWS),
    {"time": 1717234200, "kind": "like", "actor": "x:@ann", "target": "x:@bob", "value": 1.5},
    {"identity": "email:ann@example.com", "name": "Ann Lee", "attributes": {"city": "Porto"}},
]


def _jsonl_text(objects: list[Any]) -> str:
    return "".join(json.dumps(o) + "\n" for o in objects)


#: Per source: how to make it, its valid input, and junk it is especially sensitive to.
_INPUTS: dict[str, tuple[type[Source], Mapping[str, str], bytes, tuple[bytes, ...]]] = {
    "csv": (CsvSource, {"network": "email"}, _csv_text().encode(), (b'"', b'""', b",\n")),
    "jsonl": (JsonlSource, {"network": "email"}, _jsonl_text(_JSONL_OBJECTS).encode(), ()),
    "snap-signed": (
        SnapSignedSource, {}, b"1,2,5,1289241911.72836\n2,3,-10,1289241912\n# c\n\n7,1,1.5,0\n",
        (b",", b"#", b" "),
    ),
    "snap-temporal": (
        SnapTemporalSource, {}, b"1 2 1082040961\n2 3 1082040962 RT\n3 1 1082040963.5 RE\n",
        (b" ", b"\t", b"MT", b"#"),
    ),
    "mbox": (
        MboxSource, {"me": "ann@example.com"}, "".join(THREAD).encode(),
        (b"\nFrom ", b"\n\nFrom x Tue Jun  4 10:00:00 2024\n", b"=?utf-8?b?", b"(", b"\n ",
         b"To: ", b"Date: ", b"Message-ID: <", b"X-Gmail-Labels: Spam\n"),
    ),
    "vcard": (
        VcardSource, {}, CONTACTS.encode(),
        (b"\r\nEND:VCARD\r\n", b"\r\nBEGIN:VCARD\r\n", b";CHARSET=", b"=\r\n", b"\r\n ",
         b";ENCODING=b:", b";ENCODING=QUOTED-PRINTABLE:", b"item1.", b"TEL:", b"EMAIL:"),
    ),
}  # fmt: skip
assert set(_INPUTS) == set(SOURCES)


def _read(name: str, data: bytes, file_name: str = "input.txt") -> None:
    cls, options, _, _ = _INPUTS[name]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / file_name
        path.write_bytes(data)
        outcome(lambda: cls(options).records(path), str(path))


def test_the_valid_inputs_read_without_rejections() -> None:
    """The inputs mangled below are valid to begin with: each reads whole."""
    for name, (cls, options, data, _) in _INPUTS.items():
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "input.txt"
            path.write_bytes(data)
            records = outcome(lambda c=cls, o=options, p=path: c(o).records(p), str(path))
            assert isinstance(records, list) and records, name
            assert not [r for r in records if isinstance(r, Rejected)], name


@pytest.mark.parametrize("name", SOURCES)
@fuzz_settings(25)
@given(data=st.binary(max_size=4_000))
def test_random_bytes(name: str, data: bytes) -> None:
    _read(name, data)


@pytest.mark.parametrize("name", SOURCES)
@fuzz_settings(60)
@given(st.data())
def test_mangled_valid_input(name: str, data: st.DataObject) -> None:
    _, _, good, tokens = _INPUTS[name]
    _read(name, data.draw(mangled(good, tokens)))


@pytest.mark.parametrize("name", SOURCES)
@fuzz_settings(15)
@given(st.data())
def test_mangled_input_inside_a_gzip(name: str, data: st.DataObject) -> None:
    _, _, good, tokens = _INPUTS[name]
    _read(name, gzip.compress(data.draw(mangled(good, tokens)), mtime=0), "input.txt.gz")


@pytest.mark.parametrize("name", SOURCES)
@fuzz_settings(15)
@given(st.data())
def test_a_damaged_gzip(name: str, data: st.DataObject) -> None:
    _, _, good, _ = _INPUTS[name]
    packed = gzip.compress(good, mtime=0)
    # gzip's own boundaries: the 10-byte header, the deflate stream, the 8-byte trailer
    _read(name, data.draw(mangled(packed, extra=(10, len(packed) - 8))), "input.txt.gz")


@fuzz_settings(40)
@given(st.data())
def test_jsonl_lines_mangled_by_structure(data: st.DataObject) -> None:
    objects = list(_JSONL_OBJECTS)
    index = data.draw(st.integers(0, len(objects) - 1))
    objects[index] = data.draw(mangled_json(objects[index]))
    _read("jsonl", _jsonl_text(objects).encode())


@fuzz_settings(300)
@given(line=st.text(alphabet=';=,":aB.-_ \n\\', max_size=18))
def test_the_vcard_line_check_accepts_what_vobject_reads(line: str) -> None:
    """goodwill checks each line against vobject's grammar, written without backtracking,
    before vobject sees it: the two must agree on every line (short ones here, as vobject's
    own pattern takes exponential time on long ones it rejects)."""
    assert (_READABLE_LINE.match(line) is not None) == (line_re.match(line) is not None), line


@pytest.mark.parametrize("name", SOURCES)
@fuzz_settings(len(ODD_TIMES))
@given(time=st.sampled_from(ODD_TIMES))
def test_odd_times_everywhere(name: str, time: str) -> None:
    """Every time in the input (a Date header, a From_ line, a time column) made odd."""
    _, _, good, _ = _INPUTS[name]
    _read(name, with_odd_times(good, time))
