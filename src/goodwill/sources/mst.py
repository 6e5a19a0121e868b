"""Walking an AT Protocol repository's Merkle Search Tree to its records, in key order.

A repository maps keys, ``collection/record-key`` (``app.bsky.feed.post/3kq2...``), to the
CIDs of its records through a tree of nodes. A node is ``{"l": left, "e": entries}``; each
entry ``{"p": shared, "k": rest, "v": record, "t": right}`` holds a key written as the
number of leading bytes it shares with the entry before it in the node and the bytes
after them, the record's CID, and the subtree of keys between it and the next entry.
Keys in order are: the left subtree, then each entry followed by its subtree.

:func:`walk_tree` goes depth-first with a stack of its own, holding one node per level
(a repository of millions of records is some 15 levels deep), and checks what a damaged
or crafted tree could break: keys must rise, no node may appear twice, and the depth is
capped, so the walk ends on any input.

>>> nodes = {b"root": {"l": None, "e": [
...     {"p": 0, "k": b"app.bsky.feed.like/1", "v": b"r1", "t": b"kid"},
...     {"p": 14, "k": b"post/2", "v": b"r2", "t": None}]},
...     b"kid": {"l": None, "e": [{"p": 0, "k": b"app.bsky.feed.like/5", "v": b"r5", "t": None}]}}
>>> [key for key, _ in walk_tree(nodes.__getitem__, b"root")]
['app.bsky.feed.like/1', 'app.bsky.feed.like/5', 'app.bsky.feed.post/2']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from goodwill.sources.car import cid_text

__all__ = ["MAX_DEPTH", "BadTree", "walk_tree"]

#: Deeper than any real repository by far: each level holds about four times the keys of
#: the one below it.
MAX_DEPTH = 128
_MAX_KEY = 1024
# collection NSID / record key, as the repository spec allows them
_KEY = re.compile(r"[a-zA-Z][a-zA-Z0-9.-]*[a-zA-Z0-9]/[A-Za-z0-9._:~-]{1,512}\Z")


class BadTree(ValueError):
    """The tree is damaged: the message names the node and what is wrong with it."""


def walk_tree(node_at: Callable[[bytes], Any], root: bytes) -> Iterator[tuple[str, bytes]]:
    """``(key, record CID)`` for every record under ``root``, in key order.

    ``node_at`` returns the decoded node for a CID (it raises what it likes for one it
    cannot give); a node of the wrong shape, keys out of order or a cycle is a BadTree.
    """
    seen: set[bytes] = {root}
    stack: list[Iterator[tuple[str, bytes] | bytes]] = [_node_items(node_at, root)]
    last = ""
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif isinstance(item, bytes):  # a subtree
            if item in seen:
                raise BadTree(f"node {cid_text(item)}: the tree links to it twice")
            if len(stack) >= MAX_DEPTH:
                raise BadTree(f"the tree is more than {MAX_DEPTH} levels deep")
            seen.add(item)
            stack.append(_node_items(node_at, item))
        else:
            key = item[0]
            if key <= last:
                raise BadTree(f"key {key!r} comes after {last!r}: keys are out of order")
            last = key
            yield item


def _node_items(node_at: Callable[[bytes], Any], cid: bytes) -> Iterator[tuple[str, bytes] | bytes]:
    """A node's left subtree, then each entry's ``(key, record)`` and its right subtree."""
    node = node_at(cid)
    try:
        yield from _entries(node)
    except BadTree as exc:
        raise BadTree(f"node {cid_text(cid)}: {exc}") from None


def _entries(node: Any) -> Iterator[tuple[str, bytes] | bytes]:
    if not isinstance(node, dict) or not isinstance(node.get("e"), list):
        raise BadTree("not a map with a list of entries")
    left = node.get("l")
    if left is not None:
        yield _link(left, "l")
    key = b""
    for number, entry in enumerate(node["e"]):
        if not isinstance(entry, dict):
            raise BadTree(f"entry {number} is not a map")
        shared, rest, value = entry.get("p"), entry.get("k"), entry.get("v")
        if not (isinstance(shared, int) and 0 <= shared <= len(key) and isinstance(rest, bytes)):
            raise BadTree(f"entry {number} has no valid key (p, k)")
        key = key[:shared] + rest
        if len(key) > _MAX_KEY:
            raise BadTree(f"entry {number} has a key longer than {_MAX_KEY} bytes")
        yield _key(key, number), _link(value, "v")
        right = entry.get("t")
        if right is not None:
            yield _link(right, "t")


def _key(raw: bytes, number: int) -> str:
    try:
        key = raw.decode("ascii")
    except UnicodeDecodeError:
        key = ""
    if not _KEY.match(key):
        shown = raw[:80].decode("utf-8", "replace")
        raise BadTree(f"entry {number} has key {shown!r}, not collection/record-key")
    return key


def _link(value: Any, field: str) -> bytes:
    if not isinstance(value, bytes) or not value:
        raise BadTree(f"its {field!r} is not a link")
    return value
