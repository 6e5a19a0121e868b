"""Hypothesis strategies that damage valid inputs the ways real files get damaged or forged.

A byte-level mangler (:func:`mangled`) applies one to three of: a cut at a boundary (a
line end, a delimiter, a quote, a bracket, a structure the format names), a flipped byte,
inserted junk, a field replaced by a hostile token (an odd time, a huge number, NaN), a
dropped or duplicated span, a number swapped for an absurd one, the whole text re-encoded
(UTF-16, Latin-1, double-encoded UTF-8, a stray BOM), a span repeated into a long line. A
structural mangler (:func:`mangled_json`) does the same to parsed JSON: a value of the
wrong type, a missing field, a list where an object should be, an odd time.

The tests build valid inputs with the existing builders and hand them here, so every
mangled input is one small step away from a file the source reads.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from hypothesis import strategies as st

__all__ = [
    "HOSTILE_JSON",
    "ODD_TIMES",
    "TOKENS",
    "boundaries",
    "mangled",
    "mangled_json",
    "with_odd_times",
]

#: Times that are no moment a calendar can show, or only just are, in the forms the
#: formats write them: ISO 8601, epoch seconds, RFC 2822 (mail), X's, LinkedIn's.
ODD_TIMES = (
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "0000-00-00T00:00:00Z",
    "2024-02-30T00:00:00Z",
    "2024-06-01T25:61:61Z",
    "2024-06-01T09:30:00.123456789+23:59",
    "+275760-09-13T00:00:00Z",
    "1970-01-01T00:00:00Z",
    "-62135596801",
    "253402300800",
    "1e20",
    "-0",
    "Mon, 01 Jan 0001 00:00:00 +2359",
    "Fri, 31 Dec 9999 23:59:59 -2359",
    "Sat Jan 01 00:00:00 +2359 0001",
    "Fri Dec 31 23:59:59 -2359 9999",
    "12/31/9999 11:59 PM",
    "01 Jan 0001",
    "9999-12-31 23:59:59 -14:00",
    "0001-01-01 00:00:00 +14:00",
)
_NUMBERS = (b"-1", b"0", b"-0", b"1e999", b"-1e999", b"NaN", b"Infinity", b"-Infinity",
            b"9" * 40, b"9" * 5000, b"18446744073709551616", b"1.7976931348623157e309",
            b"0x10", b"1_000", b"\xd9\xa3")  # fmt: skip
#: Junk worth inserting anywhere: bytes that end or open structures, break encodings,
#: or stand for absurd values.
TOKENS: tuple[bytes, ...] = (
    b"\x00", b"\xff", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\r", b"\n", b"\r\n",
    b'"', b"'", b"\\", b"{", b"}", b"[", b"]", b",", b":", b";", b"<", b">", b"=?", b"?=",
    b"@", b"null", b"true", b"[]", b"{}", b'""', b"\xed\xa0\x80", b"\xc0\x80",
    b"\xf4\x90\x80\x80", b"\x1f\x8b", b"PK\x03\x04", b"From ", b"BEGIN:VCARD",
    *_NUMBERS, *(t.encode() for t in ODD_TIMES),
)  # fmt: skip
_BOUNDARY_BYTES = frozenset(b"\n\r,;: \t\"'{}[]<>=@/\\")
_MAX_POINTS = 400
_NUMBER = re.compile(rb"-?[0-9]+(?:\.[0-9]+)?")


def boundaries(data: bytes, extra: Sequence[int] = ()) -> list[int]:
    """Offsets where a cut or an insertion hits a structure: both sides of every delimiter,
    the two ends, and ``extra`` offsets the format knows (zip records, CAR sections)."""
    points = {0, len(data), *(p for p in extra if 0 <= p <= len(data))}
    for at, byte in enumerate(data):
        if byte in _BOUNDARY_BYTES:
            points.update((at, at + 1))
    found = sorted(points)
    if len(found) > _MAX_POINTS:  # keep the choice small, the ends and the extras kept
        step = len(found) / _MAX_POINTS
        found = sorted({found[int(i * step)] for i in range(_MAX_POINTS)} | {0, len(data)})
    return found


# A time as the formats write them: ISO 8601 and LinkedIn's variants of it, RFC 2822 (mail),
# X's and asctime (mbox From_ lines), LinkedIn's month-first dates, epoch seconds.
_TIME_LIKE = re.compile(
    rb"""\d{4}-\d{2}-\d{2}(?:[T\ ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|\ ?[+-]\d{2}:?\d{2}|\ UTC)?
    | (?:[A-Z][a-z]{2},\ )?\d{1,2}\ [A-Z][a-z]{2}\ \d{4}(?:\ \d{2}:\d{2}(?::\d{2})?)?(?:\ [+-]\d{4})?
    | [A-Z][a-z]{2}\ [A-Z][a-z]{2}\ +\d{1,2}\ \d{2}:\d{2}:\d{2}\ (?:[+-]\d{4}\ )?\d{4}
    | \d{1,2}/\d{1,2}/\d{2,4}(?:,?\ \d{1,2}:\d{2}(?:\ ?[AP]M)?)?
    | (?<![\d.])1\d{9}(?:\.\d+)?(?!\d)""",
    re.VERBOSE,
)


def with_odd_times(data: bytes, time: str) -> bytes:
    """``data`` with every time written in it, in any of the formats' ways, replaced by
    ``time`` (one of :data:`ODD_TIMES`).

    >>> with_odd_times(b'{"at": "2024-06-01T09:30:00Z", "n": 1717234200}', "-0")
    b'{"at": "-0", "n": -0}'
    """
    odd = time.encode()
    return _TIME_LIKE.sub(lambda _: odd, data)


def _junk(tokens: Sequence[bytes]) -> st.SearchStrategy[bytes]:
    return st.sampled_from((*tokens, *TOKENS)) | st.binary(min_size=1, max_size=16)


def _span(draw: st.DrawFn, points: list[int]) -> tuple[int, int]:
    start = draw(st.integers(0, len(points) - 1))
    end = draw(st.integers(start, min(start + 8, len(points) - 1)))
    return points[start], points[end]


def _reencode(draw: st.DrawFn, data: bytes) -> bytes:
    text = data.decode("utf-8", "replace")
    how = draw(st.sampled_from(["utf-16", "utf-16-be", "utf-32", "latin-1", "double", "bom"]))
    if how == "latin-1":
        return text.encode("latin-1", "replace")
    if how == "double":  # UTF-8 read as Latin-1 and saved as UTF-8 again
        return data.decode("latin-1").encode("utf-8")
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    return text.encode(how)


@st.composite
def mangled(
    draw: st.DrawFn, data: bytes, tokens: Sequence[bytes] = (), extra: Sequence[int] = ()
) -> bytes:
    """``data`` damaged by one to three of the steps the module's docstring lists."""
    for _ in range(draw(st.integers(1, 3))):
        points = boundaries(data, extra)
        step = draw(
            st.sampled_from(
                ["cut", "flip", "insert", "field", "drop", "twice", "number", "encode", "long"]
            )
        )
        if step == "cut":
            data = data[: draw(st.sampled_from(points))]
        elif step == "flip" and data:
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
        elif step == "insert":
            at = draw(st.sampled_from(points))
            data = data[:at] + draw(_junk(tokens)) + data[at:]
        elif step == "field":  # what lies between two neighbouring boundaries
            index = draw(st.integers(0, len(points) - 1))
            start = points[index]
            end = points[index + 1] if index + 1 < len(points) else start
            data = data[: start + 1] + draw(_junk(tokens)) + data[end:]
        elif step == "drop":
            start, end = _span(draw, points)
            data = data[:start] + data[end:]
        elif step == "twice":
            start, end = _span(draw, points)
            data = data[:end] + data[start:end] + data[end:]
        elif step == "number":
            numbers = list(_NUMBER.finditer(data))[:_MAX_POINTS]
            if numbers:
                found = draw(st.sampled_from(numbers))
                swap = draw(st.sampled_from(_NUMBERS))
                data = data[: found.start()] + swap + data[found.end() :]
        elif step == "encode":
            data = _reencode(draw, data)
        elif step == "long":  # a short span repeated into a long line or record
            start, end = _span(draw, points)
            piece = data[start:end] or draw(_junk(tokens))
            data = data[:end] + piece * (64 * 1024 // len(piece)) + data[end:]
    return data


#: JSON values that a field of another type, or no sane field, would hold.
HOSTILE_JSON: st.SearchStrategy[Any] = st.sampled_from(
    [None, True, False, 0, -1, 2**63, 2**64, -(2**63) - 1, 10**300, 1e308, float("nan"),
     float("inf"), float("-inf"), -0.0, "", " ", "\x00", "\ud800", "x" * 10_000, [], {},
     [[[[[]]]]], {"": None}, [None], ["x"], {"id": None}, "-1", "@", "a:b", "http://",
     "https://x.example/users/a/statuses/1", "did:plc:", "at://", "<>", *ODD_TIMES]
) | st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every node below ``value``, parents before children."""
    yield path
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*path, index))


def _edit(value: Any, path: tuple[Any, ...], change: Callable[[Any, Any], None]) -> Any:
    """A deep copy of ``value`` with ``change(parent, key)`` applied at ``path``."""
    out = copy.deepcopy(value)
    parent = out
    for step in path[:-1]:
        parent = parent[step]
    change(parent, path[-1])
    return out


@st.composite
def mangled_json(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with one of its nodes replaced, removed, duplicated or wrapped."""
    paths = list(_paths(value))[1:][:2_000]
    if not paths:
        return draw(HOSTILE_JSON)
    path = draw(st.sampled_from(paths))
    how = draw(st.sampled_from(["replace", "replace", "remove", "wrap", "twice"]))
    if how == "replace":
        junk = draw(HOSTILE_JSON)

        def change(parent: Any, key: Any) -> None:
            parent[key] = junk
    elif how == "remove":

        def change(parent: Any, key: Any) -> None:
            del parent[key]
    elif how == "wrap":

        def change(parent: Any, key: Any) -> None:
            parent[key] = [parent[key]]
    else:

        def change(parent: Any, key: Any) -> None:
            if isinstance(parent, list):
                parent.insert(key, copy.deepcopy(parent[key]))
            else:
                parent[f"{key}\u200b"] = copy.deepcopy(parent[key])

    return _edit(value, path, change)
