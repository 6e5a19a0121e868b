"""A Bluesky (AT Protocol) repository export: the ``.car`` file of "Export my data".

The file's root block is the repository's signed commit: whose repository it is (``did``)
and the root of its tree (``data``). Walking the tree (:mod:`goodwill.sources.mst`) gives
every record's key, ``collection/record-key``, in order; the records of the collections
goodwill reads are then read from the file one at a time (:mod:`goodwill.sources.car`)
and mapped to events (:mod:`goodwill.sources.atproto_records`): posts, replies, quotes and
mentions, likes, reposts, follows and blocks, with the profile giving the owner's name.
Records of other collections (lists, feeds, thread settings...) are skipped unread and
counted in :attr:`BlueskyCarSource.skipped`.

A repository holds what is there now: a deleted post or an undone follow is absent, and
there is no record of when it went.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from goodwill.errors import SourceError
from goodwill.events import Record, Rejected
from goodwill.sources.atproto_records import (
    EVENT_COLLECTIONS,
    PROFILE,
    account,
    profile_identity,
    record_events,
    shown,
)
from goodwill.sources.base import Source
from goodwill.sources.car import BadBlock, CarFile, cid_text
from goodwill.sources.fields import BadRecord
from goodwill.sources.mst import BadTree, walk_tree
from goodwill.sources.sniffing import Sample

__all__ = ["BlueskyCarSource"]

_READ = frozenset({*EVENT_COLLECTIONS, PROFILE})
_VERSIONS = (2, 3)
_AGAIN = "the export is damaged: download it again"


class BlueskyCarSource(Source):
    """A Bluesky repository export (``.car``), read by walking its tree to the records."""

    name: ClassVar[str] = "bluesky-car"
    description: ClassVar[str] = (
        "Bluesky repository export (.car): posts, replies, mentions, quotes, likes, reposts, "
        "follows, blocks"
    )

    @classmethod
    def sniff(cls, sample: Sample) -> int:
        """A CAR v1 header: a DAG-CBOR map of ``roots`` and ``version`` after its length."""
        start = sample.head[:16]
        return 90 if b"\x65roots" in start and b"\x67version" in sample.head[:96] else 0

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        super().__init__(options)
        #: Records of collections goodwill does not read, by collection, from the last read.
        self.skipped: Counter[str] = Counter()

    def records(self, path: Path) -> Iterator[Record]:
        self.skipped = Counter()
        with CarFile(path, self.track) as car:
            owner, tree = _commit(car)
            for key, cid in _keys(car, tree):
                collection, _, rkey = key.partition("/")
                if collection not in _READ:
                    self.skipped[collection] += 1
                    continue
                try:
                    record = car.block(cid)
                except BadBlock as exc:
                    yield Rejected(key, f"its record {cid_text(cid)} {exc}", "")
                    continue
                try:
                    if collection == PROFILE:
                        if rkey == "self":
                            yield profile_identity(owner, record)
                        continue
                    yield from record_events(owner, collection, rkey, record)
                except BadRecord as exc:
                    yield Rejected(key, str(exc), shown(record))


def _commit(car: CarFile) -> tuple[str, bytes]:
    """The repository's owner (a DID) and the root of its tree, from the commit block."""
    root = car.roots[0]
    try:
        commit = car.block(root)
    except BadBlock as exc:
        raise car.error(f"the root block {cid_text(root)} {exc}; {_AGAIN}") from None
    if not isinstance(commit, dict) or "did" not in commit:
        raise car.error(
            "its root block is not a repository commit: give the repository export of "
            "Settings > Account > Export my data"
        )
    version = commit.get("version")
    if version not in _VERSIONS:
        raise car.error(f"repository format version {version!r} is not one goodwill reads (2 or 3)")
    try:
        account(commit.get("did"), "the commit's did")
    except BadRecord as exc:
        raise car.error(f"{exc}: cannot tell whose repository it is") from None
    tree = commit.get("data")
    if not isinstance(tree, bytes):
        raise car.error(f"the commit links to no tree of records; {_AGAIN}")
    return str(commit["did"]), tree


def _keys(car: CarFile, tree: bytes) -> Iterator[tuple[str, bytes]]:
    """Every record's key and CID; a damaged tree stops the import."""

    def node_at(cid: bytes) -> Any:
        try:
            return car.block(cid)
        except BadBlock as exc:
            raise BadTree(f"node {cid_text(cid)} {exc}") from None

    try:
        yield from walk_tree(node_at, tree)
    except BadTree as exc:
        raise SourceError(
            f"the repository's tree is damaged: {exc}; {_AGAIN}", path=car.path
        ) from None
