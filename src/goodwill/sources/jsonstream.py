"""The items of one large JSON list, one at a time, without reading the whole file.

Exports keep their records in one list: Mastodon's ``outbox.json`` in the
``orderedItems`` key of an object, X's ``tweets.js`` as the whole file after a
``window.YTD.tweets.part0 =`` assignment. :func:`array_items` reads the file in chunks and
parses one item at a time with the standard :mod:`json` decoder, so memory holds a chunk
and an item, not the file. An item the decoder cannot read is found by bracket depth
instead (skipping over strings), so a damaged item costs only itself; bytes that are not
UTF-8 are kept apart until then, so such an item is rejected on its own too.

>>> items = array_items(iter([b'{"n": 2, "orderedItems": [{"a": [1]}, "x', b'", 3, tru]}']),
...                     key="orderedItems")
>>> [(i.index, i.value, i.problem) for i in items]
[(0, {'a': [1]}, None), (1, 'x', None), (2, 3, None), (3, None, 'not valid JSON (Expecting value: line 1 column 1 (char 0))')]
>>> [i.raw for i in array_items(iter([b'window.YTD.like.part0 = [ {"like": {}} ]']))]
['{"like": {}}']
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAX_ITEM_CHARS",
    "MAX_ITEM_CONTAINERS",
    "BadStructure",
    "Item",
    "array_items",
    "load_document",
]

#: An item longer than this is reported, not parsed: no record of an export comes close
#: (the longest, an X direct-message conversation, is 300 characters or so a message).
MAX_ITEM_CHARS = 32 * 1024 * 1024
#: An item holding more objects and lists than this is reported, not parsed. Python spends
#: about 80 bytes on a list and 200 on an object, so 30 MB of ``{},{},...`` would take
#: 700 MB; a conversation of 100,000 messages holds about 500,000.
MAX_ITEM_CONTAINERS = 1_000_000
_PREVIEW = 300
_MAX_PREFIX = 4096
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(")?|[\[\]{}]', re.DOTALL)
_STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*(")?', re.DOTALL)
_SKIP = re.compile(r"[\s,]*")
_SCALAR = re.compile(r'[^,\[\]{}"]*')
_AFTER_ITEM = frozenset(" \t\r\n,]}")
_COLON = re.compile(r"\s*:")
_ASSIGNMENT = re.compile(r"\s*(?:window\.[\w$.]+\s*=\s*)?\Z", re.ASCII)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DECODER = json.JSONDecoder()


class BadStructure(ValueError):
    """The file is not shaped as expected (no list where the records should be)."""


@dataclass(frozen=True, slots=True)
class Item:
    """One item of the list: its position from 0, its text and its value, or the problem
    that kept it from being read (then ``raw`` is what was seen of it)."""

    index: int
    raw: str
    value: Any = None
    problem: str | None = None


class _Buffer:
    """Text read so far that is still needed, decoded from the chunks as they come.

    Bytes that are not UTF-8 become lone surrogates (Python's ``surrogateescape``), which
    valid UTF-8 never yields, so an item holding one is known to be damaged.
    """

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
        self.data = ""
        self.ended = False
        self.started = False

    def more(self, keep_from: int) -> int:
        """Drop the text before ``keep_from``, append the next chunk's; returns how many
        characters were dropped, or -1 at the end of the input (nothing is dropped then)."""
        for chunk in self.chunks:
            data = chunk
            if not self.started:
                self.started = True
                if data[:2] in _UTF16_BOMS:
                    raise BadStructure("is UTF-16 text; goodwill reads exports as UTF-8")
                data = data.removeprefix(b"\xef\xbb\xbf")
            text = self.decoder.decode(data)
            if text:
                self.data = self.data[keep_from:] + text
                return keep_from
        tail = self.decoder.decode(b"", final=True)
        if tail:
            self.data = self.data[keep_from:] + tail
            return keep_from
        self.ended = True
        return -1


def _find_bare_list(buffer: _Buffer) -> int:
    """Where the items of a list at the root start, after an optional JS assignment."""
    while True:
        match = re.search(r'[\[{"]', buffer.data)
        if match is not None:
            break
        if len(buffer.data) > _MAX_PREFIX or buffer.more(0) < 0:
            raise BadStructure("holds no list of records")
    if match.group() != "[" or not _ASSIGNMENT.match(buffer.data[: match.start()]):
        raise BadStructure(
            "does not start with a list of records (expected [ or window.YTD.name.part0 = [)"
        )
    return match.end()


def _find_keyed_list(buffer: _Buffer, key: str) -> int:
    """Where the items of the list under ``key`` of the root object start."""
    wanted = json.dumps(key)
    while not buffer.data.strip():
        if buffer.more(len(buffer.data)) < 0:
            break
    if not buffer.data.lstrip().startswith("{"):
        raise BadStructure(f"is not a JSON object with an {key!r} list")
    pos, depth = 0, 0
    while True:
        match = _TOKEN.search(buffer.data, pos)
        if match is None or (match.group(1) is None and match.group()[0] == '"'):
            dropped = buffer.more(len(buffer.data) if match is None else match.start())
            if dropped < 0:
                raise BadStructure(f"ends before its {key!r} list: the file is cut short")
            pos = 0
            continue
        token, pos = match.group(), match.end()
        if token in "[{":
            depth += 1
        elif token in "]}":
            depth -= 1
            if depth == 0:
                raise BadStructure(f"has no {key!r} list")
        elif depth == 1 and token == wanted:
            while len(buffer.data) - pos < 64:
                dropped = buffer.more(pos)
                if dropped < 0:
                    break
                pos = 0
            colon = _COLON.match(buffer.data, pos)
            if colon is None:
                continue  # a value that happens to equal the key's name
            window = buffer.data[colon.end() : colon.end() + 64]
            value = window.lstrip()
            if not value.startswith("["):
                raise BadStructure(f"its {key!r} is not a list")
            return colon.end() + len(window) - len(value) + 1


def array_items(
    chunks: Iterator[bytes], *, key: str | None = None, max_item: int = MAX_ITEM_CHARS
) -> Iterator[Item]:
    """The items of the list at the root (``key`` None) or under ``key`` of the root object.

    Raises :class:`BadStructure` when there is no such list. A file cut short yields an
    item with a problem where it ends. Text after the list is not read.
    """
    buffer = _Buffer(chunks)
    buffer.more(0)
    pos = _find_bare_list(buffer) if key is None else _find_keyed_list(buffer, key)
    index = 0
    while True:
        pos = _SKIP.match(buffer.data, pos).end()  # type: ignore[union-attr]  # matches always
        if pos == len(buffer.data):
            if buffer.more(pos) < 0:
                yield Item(
                    index, "", None, "the file ends before its list is closed: it is cut short"
                )
                return
            pos = 0
            continue
        if buffer.data[pos] in "]}":
            return  # the list closes
        data = buffer.data
        try:
            value, end = _DECODER.raw_decode(data, pos)
        except (ValueError, RecursionError):
            end = -1
        # Accepted when a delimiter follows in the text at hand: a number at the end of a
        # chunk may go on in the next one.
        if (0 <= end < len(data) and data[end] in _AFTER_ITEM) or (end > 0 and buffer.ended):
            yield _item(index, data[pos:end], value)
        else:
            pos, end, item = _slow_item(buffer, pos, index, max_item)
            yield item
            if end < 0:
                return
        index += 1
        pos = end


def _item(index: int, raw: str, value: Any) -> Item:
    """An item read whole, unless its bytes were not UTF-8."""
    if not raw.isascii():
        try:
            raw.encode("utf-8")
        except UnicodeEncodeError as exc:
            shown = raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            return Item(index, shown, None, f"not UTF-8 text (character {exc.start + 1})")
    return Item(index, raw, value)


class _Scan:
    """Where an item ends, found by bracket depth over text that arrives in pieces."""

    def __init__(self, data: str, pos: int) -> None:
        self.nested = data[pos] in '[{"'  # else a number, a literal or stray text
        self.depth = 0
        self.at = pos  # how far the text is scanned
        self.in_string = False  # whether ``at`` is inside a string

    def end(self, data: str) -> int:
        """Where the item ends in ``data``, or -1 if ``data`` ends first (then ``at`` is
        where to go on once more text has arrived)."""
        while True:
            if not self.nested:
                match = _SCALAR.match(data, self.at)
                self.at = match.end() if match is not None else len(data)
                return self.at if self.at < len(data) else -1
            if self.in_string:
                match = _STRING_REST.match(data, self.at)
                self.at = match.end() if match is not None else len(data)
                if match is None or match.group(1) is None:
                    return -1
                self.in_string = False
            else:
                match = _TOKEN.search(data, self.at)
                if match is None:
                    self.at = len(data)
                    return -1
                if match.group()[0] == '"' and match.group(1) is None:
                    self.in_string, self.at = True, match.start() + 1
                    continue
                self.at = match.end()
                self.depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(match.group(), 0)
            if self.depth <= 0:
                return self.at


def _slow_item(buffer: _Buffer, pos: int, index: int, max_item: int) -> tuple[int, int, Item]:
    """Find where the item at ``pos`` ends, reading more as needed; returns the item's new
    start, its end (-1 at the end of the input) and the item. An item longer than
    ``max_item`` is scanned to its end without being kept."""
    scan = _Scan(buffer.data, pos)
    preview: str | None = None
    while True:
        data = buffer.data
        end = scan.end(data)
        if end >= 0:
            if preview is not None:
                problem = f"the record is longer than {max_item:,} characters"
                return pos, end, Item(index, preview, None, problem)
            raw = data[pos:end]
            return pos, end, _parsed(index, raw if scan.nested else raw.rstrip())
        keep = pos
        if preview is not None or scan.at - pos > max_item:
            if preview is None:
                preview = _item(index, data[pos : pos + _PREVIEW], None).raw
            keep = scan.at  # what was scanned of a record too long to keep is dropped
        dropped = buffer.more(keep)
        if dropped < 0:
            seen = preview if preview is not None else _item(index, data[pos:], None).raw
            return (
                pos,
                -1,
                Item(index, seen, None, "the file ends inside this record: it is cut short"),
            )
        pos, scan.at = max(pos - dropped, 0), scan.at - dropped


def _parsed(index: int, raw: str) -> Item:
    item = _item(index, raw, None)
    if item.problem is not None:
        return item
    if raw.count("{") + raw.count("[") > MAX_ITEM_CONTAINERS:  # brackets in text count too
        return Item(
            index,
            raw[:_PREVIEW],
            None,
            f"the record holds more than {MAX_ITEM_CONTAINERS:,} objects and lists",
        )
    try:
        return Item(index, raw, json.loads(raw))
    except RecursionError:
        return Item(index, raw, None, "not readable JSON: nested too deeply")
    except ValueError as exc:
        return Item(index, raw, None, f"not valid JSON ({exc})")


def load_document(data: bytes) -> Any:
    """A whole small JSON file, after an optional ``window.NAME =`` assignment; a
    :class:`BadStructure` that says why for one that cannot be read."""
    if data[:2] in _UTF16_BOMS:
        raise BadStructure("is UTF-16 text; goodwill reads exports as UTF-8")
    data = data.removeprefix(b"\xef\xbb\xbf")
    assignment = re.match(rb"\s*window\.[\w$.]+\s*=", data, re.ASCII)
    if assignment is not None:
        data = data[assignment.end() :].rstrip().removesuffix(b";")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadStructure(f"is not UTF-8 text (byte {exc.start + 1})") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise BadStructure("is not readable JSON: nested too deeply") from None
    except ValueError as exc:
        raise BadStructure(f"is not valid JSON ({exc})") from None
