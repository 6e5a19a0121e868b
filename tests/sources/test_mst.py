"""The Merkle Search Tree walk: every key once, in order, and an end on any damaged tree."""

from __future__ import annotations

from typing import Any

import libipld
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.sources.mst import MAX_DEPTH, BadTree, walk_tree
from tests.sources.car_builder import build_repo

DID = "did:plc:7n2ky3ffvd5xdhhmoyl4aq3q"


def nodes_of(records: dict[str, Any], **build: Any) -> tuple[dict[bytes, Any], bytes]:
    """The decoded nodes of a repository built by the test builder, and its root node."""
    repo = build_repo(DID, records, **build)
    nodes = {cid: libipld.decode_dag_cbor(repo.blocks[cid]) for cid in repo.nodes}
    return nodes, repo.nodes[0]


keys = st.lists(
    st.tuples(
        st.sampled_from(["app.bsky.feed.post", "app.bsky.feed.like", "app.bsky.graph.follow"]),
        st.text("234567abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=13),
    ).map("/".join),
    unique=True,
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(keys=keys, flat=st.booleans())
def test_the_walk_gives_every_key_once_in_order(keys: list[str], flat: bool) -> None:
    records = {key: {"n": i} for i, key in enumerate(keys)}
    nodes, root = nodes_of(records, **({"layer": lambda key: 0} if flat else {}))
    walked = list(walk_tree(nodes.__getitem__, root))
    assert [key for key, _ in walked] == sorted(keys)
    if flat:
        assert len(nodes) == 1


def test_a_tree_a_hundred_levels_deep_is_walked() -> None:
    keys = [f"app.bsky.feed.post/{i:04d}" for i in range(300)]
    nodes, root = nodes_of({key: {} for key in keys}, layer=lambda key: int(key[-3:]) % 100)
    assert len(list(walk_tree(nodes.__getitem__, root))) == 300


def test_a_node_linked_twice_is_a_bad_tree() -> None:
    nodes, root = nodes_of({"app.bsky.feed.post/a": {}})
    nodes[root]["l"] = root
    with pytest.raises(BadTree, match="the tree links to it twice"):
        list(walk_tree(nodes.__getitem__, root))


def test_keys_out_of_order_are_a_bad_tree() -> None:
    nodes, root = nodes_of(
        {"app.bsky.feed.post/a": {}, "app.bsky.feed.post/b": {}}, layer=lambda k: 0
    )
    entries = nodes[root]["e"]
    entries[0]["k"], entries[1]["k"] = b"app.bsky.feed.post/z", b"a"
    with pytest.raises(BadTree, match="keys are out of order"):
        list(walk_tree(nodes.__getitem__, root))


def test_a_tree_deeper_than_the_cap_is_a_bad_tree() -> None:
    chain = {
        i.to_bytes(2, "big"): {"l": (i + 1).to_bytes(2, "big"), "e": []}
        for i in range(MAX_DEPTH + 5)
    }
    with pytest.raises(BadTree, match=f"more than {MAX_DEPTH} levels deep"):
        list(walk_tree(chain.__getitem__, (0).to_bytes(2, "big")))


@pytest.mark.parametrize(
    ("node", "message"),
    [
        ({"l": None}, "not a map with a list of entries"),
        ({"e": ["x"]}, "entry 0 is not a map"),
        ({"e": [{"p": 3, "k": b"a/b", "v": b"\x01"}]}, r"entry 0 has no valid key \(p, k\)"),
        ({"e": [{"p": 0, "k": b"not a key", "v": b"\x01"}]}, "entry 0 has key 'not a key'"),
        ({"e": [{"p": 0, "k": b"a/\xff", "v": b"\x01"}]}, "not collection/record-key"),
        ({"e": [{"p": 0, "k": b"ab/c", "v": "bafy"}]}, "its 'v' is not a link"),
        ({"e": [{"p": 0, "k": b"a/" + b"b" * 1100, "v": b"\x01"}]}, "longer than 1024 bytes"),
    ],
)
def test_nodes_of_the_wrong_shape_are_a_bad_tree(node: dict[str, Any], message: str) -> None:
    with pytest.raises(BadTree, match=rf"node \w+: .*{message}"):
        list(walk_tree({b"root": node}.__getitem__, b"root"))
