"""Reading an export that comes as a zip archive or as the folder it unpacks to.

Members are named by their path inside the archive with forward slashes
(``data/tweets.js``), whichever form the input takes, so an error names the file as the
user sees it when they open the archive. Unpacking is capped: a member that would inflate
past :func:`unpacked_limit` stops the import with a :class:`~goodwill.errors.SourceError`
rather than fill memory or keep the machine busy for hours (a "zip bomb"). So does an
archive whose directory of members is larger than :data:`MAX_DIRECTORY_BYTES`, checked
before :mod:`zipfile` reads it, as zipfile holds an object for every member.

>>> unpacked_limit(1_000) == 64 * 1024 * 1024
True
>>> unpacked_limit(10 * 1024 * 1024) == 100 * 10 * 1024 * 1024
True
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import TracebackType

from goodwill.errors import SourceError
from goodwill.events import to_time_us
from goodwill.sources.base import Source
from goodwill.sources.tabular import parse_time

__all__ = [
    "MAX_DIRECTORY_BYTES",
    "MAX_DOCUMENT_BYTES",
    "Archive",
    "as_of_option",
    "iter_byte_lines",
    "unpacked_limit",
]

#: The largest central directory (the list of members) an archive may have. zipfile holds
#: about 500 bytes of memory for each member, some 8 times the directory's size; an X
#: archive with 100,000 media files has a directory of about 10 MiB.
MAX_DIRECTORY_BYTES = 32 * 1024 * 1024
#: The largest member read whole (``actor.json``, ``account.js``: a few KiB in any export).
#: Parsed, JSON takes up to 24 times its size in memory.
MAX_DOCUMENT_BYTES = 1024 * 1024

_CHUNK = 1 << 20
_MIN_LIMIT = 64 * 1024 * 1024
_RATIO = 100  # text inflates 5 to 20 times; a zip bomb, thousands of times
_MAX_LIMIT = 8 * 1024 * 1024 * 1024
# What zipfile raises for a damaged, truncated, encrypted or exotic archive.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    struct.error,
    IndexError,
)


def unpacked_limit(compressed: int) -> int:
    """The most bytes a member of ``compressed`` bytes may unpack to: 100 times its size,
    at least 64 MiB and at most 8 GiB."""
    return min(_MAX_LIMIT, max(_MIN_LIMIT, _RATIO * compressed))


class Archive:
    """A zip file or a folder, opened for reading its members by name.

    Use it as a context manager; :meth:`chunks` streams a member's bytes.
    """

    def __init__(self, source: Source, path: Path) -> None:
        self.path = path
        self._source = source
        self._zip: zipfile.ZipFile | None = None
        self._file: io.BufferedReader | None = None
        if path.is_dir():
            self.names = sorted(
                p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()
            )
            return
        if path.exists() and not path.is_file():
            # zipfile reads a device or a pipe to its end to find the archive's directory,
            # and /dev/zero has none
            raise SourceError(
                "is neither a file nor a folder (a device or a pipe?): give the archive as "
                "downloaded, or the folder it unpacks to",
                path=path,
            )
        try:
            self._file = path.open("rb")
        except OSError as exc:
            raise SourceError(f"cannot open: {exc.strerror or exc}", path=path) from exc
        source.track(self._file.tell)
        try:
            directory = _directory_size(self._file)
            if directory > MAX_DIRECTORY_BYTES:
                self.close()
                raise SourceError(
                    f"its list of members takes {directory:,} bytes, more than any export's "
                    f"({MAX_DIRECTORY_BYTES:,}): refusing it as a possible zip bomb",
                    path=path,
                )
            self._zip = zipfile.ZipFile(self._file)
            # not ZipInfo.is_dir(), which fails on a member with an empty name
            self.names = sorted(
                i.filename for i in self._zip.infolist() if i.filename[-1:] not in ("", "/")
            )
        except _ZIP_ERRORS as exc:
            self.close()
            raise SourceError(
                f"not a readable zip archive ({exc}); give the archive as downloaded, "
                "or the folder it unpacks to",
                path=path,
            ) from exc

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the zip file, if the archive is one; its last position stays the source's
        progress."""
        if self._zip is not None:
            self._zip.close()
        if self._file is not None and not self._file.closed:
            end = self._file.seek(0, io.SEEK_END)
            self._source.track(lambda: end)
            self._file.close()

    def find(self, *candidates: str) -> str | None:
        """The member named by the first candidate that exists, matched case-insensitively at
        the root or under one folder (an archive zipped with its top folder); else None."""
        by_lower: dict[str, str] = {}
        for name in self.names:
            by_lower.setdefault(name.lower(), name)
        for candidate in candidates:
            wanted = candidate.lower()
            if wanted in by_lower:
                return by_lower[wanted]
            nested = sorted(
                name
                for lower, name in by_lower.items()
                if lower.endswith("/" + wanted) and lower.count("/") == wanted.count("/") + 1
            )
            if nested:
                return nested[0]
        return None

    def error(self, member: str, message: str) -> SourceError:
        """An error about one member, naming it and the archive."""
        return SourceError(f"{member}: {message}", path=self.path)

    def timestamp_us(self, member: str) -> int:
        """When the member was written, by the zip entry's time stamp (taken as UTC, zip
        stores no zone) or the file's modification time in a folder."""
        try:
            if self._zip is not None:
                moment = datetime(*self._zip.getinfo(member).date_time)
                return to_time_us(moment)
            return (self.path / member).stat().st_mtime_ns // 1000
        except (ValueError, OSError, KeyError) as exc:
            raise self.error(
                member, f"has no usable time stamp ({exc}); pass --option as-of=TIME"
            ) from exc

    def read_all(self, member: str, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
        """A small member's bytes, refused past ``limit``."""
        data = bytearray()
        for chunk in self.chunks(member):
            data += chunk
            if len(data) > limit:
                raise self.error(member, f"is larger than {limit // (1024 * 1024)} MiB")
        return bytes(data)

    def chunks(self, member: str) -> Iterator[bytes]:
        """The member's bytes in chunks of about a MiB."""
        if self._zip is None:
            yield from self._folder_chunks(member)
            return
        try:
            info = self._zip.getinfo(member)
            limit = unpacked_limit(info.compress_size)
            if info.file_size > limit:
                raise self._bomb(member, limit)
            stream = self._zip.open(info)
        except _ZIP_ERRORS as exc:
            raise self.error(member, f"cannot be unpacked ({exc})") from exc
        total = 0
        with stream:
            while True:
                try:
                    chunk = stream.read(_CHUNK)
                except _ZIP_ERRORS as exc:
                    raise self.error(
                        member, f"is damaged or cut short after {total:,} bytes ({exc})"
                    ) from exc
                if not chunk:
                    return
                total += len(chunk)
                if total > limit:
                    raise self._bomb(member, limit)
                yield chunk

    def _bomb(self, member: str, limit: int) -> SourceError:
        return self.error(
            member,
            f"unpacks to more than {limit:,} bytes, far more than its compressed size "
            "allows for an export; refusing it as a possible zip bomb",
        )

    def _folder_chunks(self, member: str) -> Iterator[bytes]:
        try:
            handle = (self.path / member).open("rb")
        except OSError as exc:
            raise self.error(member, f"cannot open: {exc.strerror or exc}") from exc
        with handle:
            while True:
                try:
                    chunk = handle.read(_CHUNK)
                except OSError as exc:
                    raise self.error(member, f"cannot read: {exc.strerror or exc}") from exc
                if not chunk:
                    return
                yield chunk


_END = b"PK\x05\x06"  # the end of central directory record
_END64 = b"PK\x06\x06"
_END64_LOCATOR = b"PK\x06\x07"
_END_SIZE, _LOCATOR_SIZE, _MAX_COMMENT = 22, 20, 65_535


def _directory_size(file: io.BufferedReader) -> int:
    """The size of the central directory the archive's end record declares (its zip64
    record's, for a large archive); 0 when there is no end record, which zipfile then
    reports as the damage it is."""
    size = file.seek(0, io.SEEK_END)
    tail_size = min(size, _END_SIZE + _MAX_COMMENT + _LOCATOR_SIZE)
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    file.seek(0)
    at = tail.rfind(_END)
    if at < 0 or len(tail) - at < _END_SIZE:
        return 0
    declared = int.from_bytes(tail[at + 12 : at + 16], "little")
    locator = at - _LOCATOR_SIZE
    if declared == 0xFFFFFFFF and locator >= 0 and tail[locator : locator + 4] == _END64_LOCATOR:
        file.seek(int.from_bytes(tail[locator + 8 : locator + 16], "little"))
        record = file.read(56)
        file.seek(0)
        if record[:4] == _END64:
            declared = int.from_bytes(record[40:48], "little")
    return declared


def as_of_option(settings: dict[str, str]) -> int | None:
    """The ``as-of`` option (when an archive was made) as microseconds, checked before any
    reading; None when not given."""
    if "as-of" not in settings:
        return None
    try:
        return parse_time(settings["as-of"])
    except ValueError as exc:
        raise SourceError(f"option as-of: {exc}") from None


def iter_byte_lines(chunks: Iterator[bytes], max_line: int = 1 << 20) -> Iterator[bytes]:
    """Lines (without their ending) of a stream given in chunks; a ValueError for a line
    longer than ``max_line`` bytes, which no export this reads has.

    >>> list(iter_byte_lines(iter([b"a,b\\r\\nc", b"d\\n", b"e"])))
    [b'a,b', b'cd', b'e']
    """
    rest = b""
    for chunk in chunks:
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        for line in lines:
            if len(line) > max_line:
                raise ValueError(f"a line is longer than {max_line:,} bytes")
            yield line.removesuffix(b"\r")
        if len(rest) > max_line:
            raise ValueError(f"a line is longer than {max_line:,} bytes")
    if rest:
        yield rest.removesuffix(b"\r")
