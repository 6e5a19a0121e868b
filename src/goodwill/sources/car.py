"""Reading a CAR file (content-addressed archive, CARv1) one block at a time.

A CAR is a header naming its root blocks, then sections: a varint length, a CID, the
block's bytes. An AT Protocol repository export is one, its blocks a commit, the nodes
of a tree and the records. The blocks come in no promised order and the tree links them
by CID, so :class:`CarFile` first reads the file through once, keeping for each block only
its CID and where it starts, then reads a block from disk when asked for it. Memory holds
that index (about 150 bytes a block, whatever the block's size), never the blocks.

Blocks are checked against their CID's SHA-256 when read, so a damaged byte shows as a
damaged block rather than as a wrong record; each is decoded with ``libipld``, the
DAG-CBOR codec the atproto SDK uses. Sizes the file declares are capped: a header or a
block larger than any repository holds is refused before anything is read into memory,
and a block is decoded only up to :data:`MAX_DECODED_BLOCK` bytes, as decoding takes up to
70 times a block's size in memory (a block of empty maps).

>>> read_varint(io.BytesIO(bytes([0xAC, 0x02])))
300
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import libipld

from goodwill.errors import SourceError

__all__ = [
    "DAG_CBOR",
    "MAX_BLOCK",
    "MAX_DECODED_BLOCK",
    "BadBlock",
    "CarFile",
    "cid_text",
    "decode_block",
    "read_varint",
]

#: The largest block a section may declare; a repository's records and nodes are far
#: smaller (the reference server refuses records over 1 MiB).
MAX_BLOCK = 16 * 1024 * 1024
#: The largest block decoded: twice the sync specification's hard limit on a record (one
#: million bytes); tree nodes and commits are far smaller. A larger block is reported as
#: damaged, never decoded: 2 MiB decodes to at most some 140 MB.
MAX_DECODED_BLOCK = 2 * 1024 * 1024
_MAX_HEADER = 1024 * 1024
_MAX_VARINT_BYTES = 9  # multiformats' unsigned varints stop at 63 bits
DAG_CBOR = 0x71
_SHA2_256 = 0x12
_CIDV0_PREFIX = b"\x12\x20"
_NOT_CAR = "not a CAR file"


class BadBlock(ValueError):
    """A block that is absent, damaged, or not the DAG-CBOR it should be."""


def read_varint(stream: IO[bytes]) -> int | None:
    """An unsigned LEB128 varint from ``stream``; None at a clean end of the stream.

    A varint cut short or longer than 63 bits is a ValueError.
    """
    value = shift = 0
    for count in range(_MAX_VARINT_BYTES):
        byte = stream.read(1)
        if not byte:
            if count == 0:
                return None
            raise ValueError("the file ends inside a length")
        value |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            return value
        shift += 7
    raise ValueError("a length runs past 9 bytes")


def _cid_length(prefix: bytes) -> int:
    """How many of ``prefix``'s bytes its leading CID takes (CIDv0 or CIDv1)."""
    if prefix.startswith(_CIDV0_PREFIX):
        return 34
    stream = io.BytesIO(prefix)
    for _ in range(3):  # version, codec, hash function
        if read_varint(stream) is None:
            raise ValueError("the CID is cut short")
    size = read_varint(stream)
    if size is None:
        raise ValueError("the CID is cut short")
    return stream.tell() + size


def cid_text(cid: bytes) -> str:
    """A CID as people see it (``bafyrei...``), or its bytes in hex when it is not one.

    >>> cid_text(b"\\x01\\x02")
    '0102'
    """
    try:
        return libipld.encode_cid(cid)
    except ValueError:
        return cid.hex()[:80]


def decode_block(data: bytes) -> Any:
    """A block's DAG-CBOR decoded; BadBlock when it is not valid DAG-CBOR."""
    try:
        return libipld.decode_dag_cbor(data)
    except (ValueError, RecursionError, OverflowError) as exc:
        raise BadBlock(f"is not valid DAG-CBOR ({exc})") from None


class CarFile:
    """A CARv1 file, indexed by CID, its blocks read on demand. Use it as a context manager.

    ``track`` is told where reading stands, for a progress bar: the index is built
    first, then progress follows the share of blocks read.
    """

    def __init__(self, path: Path, track: Callable[[Callable[[], int]], None]) -> None:
        self.path = path
        try:
            self._file: IO[bytes] = path.open("rb")
        except OSError as exc:
            raise SourceError(f"cannot open: {exc.strerror or exc}", path=path) from exc
        self._size = 0
        self._read = 0
        try:
            self._size = path.stat().st_size
            self.roots = self._header()
            self._index: dict[bytes, int] = {}
            self._scan()
        except OSError as exc:
            self.close()
            raise SourceError(f"cannot read: {exc.strerror or exc}", path=path) from exc
        except SourceError:
            self.close()
            raise
        total = max(len(self._index), 1)
        track(lambda: self._size * min(self._read, total) // total)

    def __enter__(self) -> CarFile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._file.close()

    def __len__(self) -> int:
        return len(self._index)

    def error(self, message: str) -> SourceError:
        """An error about this file."""
        return SourceError(message, path=self.path)

    def _header(self) -> list[bytes]:
        try:
            length = read_varint(self._file)
        except ValueError as exc:
            raise self.error(f"{_NOT_CAR} ({exc}); {_EXPORT_HINT}") from None
        if length is None:
            raise self.error(f"the file is empty; {_EXPORT_HINT}")
        if length == 0 or length > min(_MAX_HEADER, self._size):
            raise self.error(
                f"{_NOT_CAR}: it declares a header of {length:,} bytes; {_EXPORT_HINT}"
            )
        try:
            header = libipld.decode_dag_cbor(self._file.read(length))
        except (ValueError, RecursionError, OverflowError):
            raise self.error(f"{_NOT_CAR}: its header is not DAG-CBOR; {_EXPORT_HINT}") from None
        if not isinstance(header, dict):
            raise self.error(f"{_NOT_CAR}: its header is not a map; {_EXPORT_HINT}")
        if header.get("version") != 1:
            raise self.error(
                f"CAR version {header.get('version')!r} is not one goodwill reads (1, as "
                "Bluesky exports are)"
            )
        roots = header.get("roots")
        if not (isinstance(roots, list) and roots and all(isinstance(r, bytes) for r in roots)):
            raise self.error("the CAR header names no root block; the export is damaged")
        return roots

    def _scan(self) -> None:
        """Index every section: CID to the offset of its block's bytes."""
        stream = self._file
        number = 0
        while True:
            start = stream.tell()
            try:
                length = read_varint(stream)
            except ValueError as exc:
                raise self._cut(number, start, str(exc)) from None
            if length is None:
                return
            body = stream.tell()
            if length > MAX_BLOCK:
                raise self.error(
                    f"block {number} (byte {start:,}) declares {length:,} bytes, more than any "
                    f"repository block holds ({MAX_BLOCK:,}): the file is damaged or not a "
                    "repository export"
                )
            if body + length > self._size:
                raise self._cut(number, start, "the file ends inside it")
            prefix = stream.read(min(length, 128))
            try:
                cid_length = _cid_length(prefix)
            except ValueError as exc:
                raise self.error(
                    f"block {number} (byte {start:,}): {exc}; the file is damaged"
                ) from None
            if cid_length > len(prefix):  # past the block, or longer than any CID
                raise self.error(
                    f"block {number} (byte {start:,}): its CID runs past the block; "
                    "the file is damaged"
                )
            self._index.setdefault(prefix[:cid_length], start)
            stream.seek(body + length)
            number += 1

    def _cut(self, number: int, start: int, why: str) -> SourceError:
        return self.error(
            f"block {number} (byte {start:,} of {self._size:,}): {why}; the file was cut "
            "short: download the export again"
        )

    def __contains__(self, cid: bytes) -> bool:
        return cid in self._index

    def block(self, cid: bytes) -> Any:
        """The decoded block named by ``cid``; BadBlock when it is absent or damaged."""
        start = self._index.get(cid)
        if start is None:
            raise BadBlock("is not in the file")
        self._read += 1
        stream = self._file
        try:
            stream.seek(start)
            length = (read_varint(stream) or 0) - len(cid)
            if length <= MAX_DECODED_BLOCK:
                data = stream.read(len(cid) + length)[len(cid) :]
        except (OSError, ValueError) as exc:
            raise BadBlock(f"cannot be read ({exc})") from None
        if length > MAX_DECODED_BLOCK:
            raise BadBlock(
                f"is {length:,} bytes, more than any record or tree node ({MAX_DECODED_BLOCK:,})"
            )
        _check_hash(cid, data)
        return decode_block(data)


def _check_hash(cid: bytes, data: bytes) -> None:
    """BadBlock unless ``data`` is what ``cid`` names (for SHA-256, the only hash atproto
    uses; a block under another hash is taken on trust)."""
    try:
        decoded = libipld.decode_cid(cid)
    except ValueError:
        raise BadBlock("has a CID that cannot be read") from None
    if decoded["codec"] != DAG_CBOR:
        raise BadBlock(f"is not DAG-CBOR (codec 0x{decoded['codec']:x})")
    if (
        decoded["hash"]["code"] == _SHA2_256
        and hashlib.sha256(data).digest() != decoded["hash"]["digest"]
    ):
        raise BadBlock("is damaged: its bytes do not match its CID")


_EXPORT_HINT = (
    "give a repository export (.car) as Bluesky downloads it (Settings > Account > Export my data)"
)
