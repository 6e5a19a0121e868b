"""Building AT Protocol repository exports (CARv1 files) in tests, as a server writes them.

A repository is a commit block naming its owner and the root of a Merkle Search Tree whose
entries map ``collection/record-key`` to the CIDs of record blocks. Blocks are DAG-CBOR
encoded with ``libipld`` (which writes a ``bytes`` value that is a CID as a link) and named
by CIDv1 with SHA-256. The tree is built as the repository spec lays it out: a key's
layer is the number of leading pairs of zero bits in the SHA-256 of the key, keys of the
top layer sit in the root node, and the keys between them in subtrees one layer down.
A test may pass its own ``layer`` function to force a given shape.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libipld

_CIDV1_DAG_CBOR_SHA256 = b"\x01\x71\x12\x20"


def varint(value: int) -> bytes:
    """``value`` as an unsigned LEB128 varint."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def cid_of(block: bytes) -> bytes:
    """The CIDv1 (DAG-CBOR, SHA-256) of a block, in binary."""
    return _CIDV1_DAG_CBOR_SHA256 + hashlib.sha256(block).digest()


def mst_layer(key: str) -> int:
    """A key's layer in the tree: leading zero bit pairs of its SHA-256 (fanout 4)."""
    layer = 0
    for byte in hashlib.sha256(key.encode("ascii")).digest():
        for shift in (6, 4, 2, 0):
            if (byte >> shift) & 0b11:
                return layer
            layer += 1
    return layer


@dataclass
class Repo:
    """The blocks of one repository: ``blocks`` in the order they will be written."""

    root: bytes
    blocks: dict[bytes, bytes]
    records: dict[str, bytes] = field(default_factory=dict)  # key -> record CID
    nodes: list[bytes] = field(default_factory=list)  # node CIDs, the root node first

    def without(self, *cids: bytes) -> Repo:
        """The same repository with some blocks left out."""
        blocks = {c: b for c, b in self.blocks.items() if c not in cids}
        return Repo(self.root, blocks, self.records, self.nodes)


def build_repo(
    did: str,
    records: Mapping[str, Any],
    *,
    layer: Callable[[str], int] = mst_layer,
    version: int = 3,
    commit: Mapping[str, Any] | None = None,
) -> Repo:
    """A repository of ``records`` (key -> record, or the record's block as raw bytes)."""
    blocks: dict[bytes, bytes] = {}
    repo = Repo(b"", blocks)
    for key, record in records.items():
        block = record if isinstance(record, bytes) else libipld.encode_dag_cbor(record)
        repo.records[key] = cid_of(block)
    keys = sorted(repo.records)
    top = max((layer(k) for k in keys), default=0)
    node_blocks: list[tuple[bytes, bytes]] = []
    tree = _node(keys, top, layer, repo.records, node_blocks)
    if tree is None:  # an empty repository has one empty node
        tree = _store({"l": None, "e": []}, node_blocks)
    body = commit or {
        "did": did,
        "version": version,
        "data": tree,
        "rev": "3l2iaweqrgc2a",
        "prev": None,
        "sig": b"\xaa" * 64,
    }
    commit_block = libipld.encode_dag_cbor(dict(body))
    repo.root = cid_of(commit_block)
    blocks[repo.root] = commit_block
    for cid, block in reversed(node_blocks):  # the root node first
        blocks[cid] = block
        repo.nodes.append(cid)
    for key, record in records.items():
        blocks[repo.records[key]] = (
            record if isinstance(record, bytes) else libipld.encode_dag_cbor(record)
        )
    return repo


def _store(node: dict[str, Any], out: list[tuple[bytes, bytes]]) -> bytes:
    block = libipld.encode_dag_cbor(node)
    cid = cid_of(block)
    out.append((cid, block))
    return cid


def _node(
    keys: Sequence[str],
    level: int,
    layer: Callable[[str], int],
    values: Mapping[str, bytes],
    out: list[tuple[bytes, bytes]],
) -> bytes | None:
    """The node at ``level`` holding ``keys`` (sorted), its subtrees stored first."""
    if not keys:
        return None
    here = [i for i, k in enumerate(keys) if layer(k) >= level]
    bounds = [-1, *here, len(keys)]
    gaps = [keys[a + 1 : b] for a, b in itertools.pairwise(bounds)]
    left = _node(gaps[0], level - 1, layer, values, out)
    entries = []
    previous = b""
    for index, gap in zip(here, gaps[1:], strict=True):
        key = keys[index].encode("ascii")
        shared = 0
        while shared < min(len(key), len(previous)) and key[shared] == previous[shared]:
            shared += 1
        entries.append(
            {
                "p": shared,
                "k": key[shared:],
                "v": values[keys[index]],
                "t": _node(gap, level - 1, layer, values, out),
            }
        )
        previous = key
    return _store({"l": left, "e": entries}, out)


def car_bytes(roots: Sequence[bytes], blocks: Mapping[bytes, bytes]) -> bytes:
    """A CARv1 file: the header, then each block as varint length, CID and bytes."""
    header = libipld.encode_dag_cbor({"version": 1, "roots": list(roots)})
    out = bytearray(varint(len(header)) + header)
    for cid, block in blocks.items():
        out += varint(len(cid) + len(block)) + cid + block
    return bytes(out)


def write_car(path: Path, repo: Repo) -> Path:
    """Write ``repo`` to ``path`` as a CAR file whose root is its commit."""
    path.write_bytes(car_bytes([repo.root], repo.blocks))
    return path
