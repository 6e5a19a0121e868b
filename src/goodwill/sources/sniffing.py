"""Telling which source reads a file, so ``goodwill import PATH`` needs no source name.

Every source may answer :meth:`~goodwill.sources.base.Source.sniff` with how sure it is
that a :class:`Sample` of the input is its own: 0 for "not mine", up to 100 for a format
that cannot be mistaken (an archive with the files only that export has). The most
specific answer wins; a tie between the best is an error naming the candidates, so a user
is never silently handed to the wrong reader. A sample costs the first 64 KiB of a file
(unpacked, for gzip) or the names of an archive's members, never the whole input.
"""

from __future__ import annotations

import gzip
import zipfile
from dataclasses import dataclass
from pathlib import Path

from goodwill.errors import SourceError
from goodwill.sources.base import Source

__all__ = ["Sample", "detect_source", "take_sample"]

SAMPLE_BYTES = 64 * 1024
_MAX_NAMES = 100_000


@dataclass(frozen=True, slots=True)
class Sample:
    """What sniffing sees of an input: its name, its first bytes, its members' names."""

    name: str  # the file or folder name, lower-cased
    head: bytes  # the first bytes of a file, unpacked if gzip; empty for a folder or zip
    members: frozenset[str]  # lower-cased paths inside a zip or folder; empty for a file

    def has_member(self, *endings: str) -> bool:
        """Whether some member's path ends with one of ``endings`` (lower-case)."""
        return any(m == e or m.endswith("/" + e) for m in self.members for e in endings)

    def first_line(self) -> str:
        """The head's first line, decoded leniently (a BOM dropped)."""
        line = self.head.split(b"\n", 1)[0].rstrip(b"\r")
        return line.decode("utf-8", errors="replace").removeprefix("\ufeff")


def take_sample(path: Path) -> Sample:
    """A :class:`Sample` of ``path``: a folder's or zip's member names, or a file's head."""
    if not path.exists():
        raise SourceError("no such file or folder", path=path)
    name = path.name.lower()
    if path.is_dir():
        members = []
        for number, member in enumerate(path.rglob("*")):
            if number >= _MAX_NAMES:
                break
            if member.is_file():
                members.append(member.relative_to(path).as_posix().lower())
        return Sample(name, b"", frozenset(members))
    try:
        with path.open("rb") as stream:
            head = stream.read(SAMPLE_BYTES)
        if path.is_file() and zipfile.is_zipfile(path):  # a device has no end to seek
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()[:_MAX_NAMES]
            return Sample(name, b"", frozenset(n.lower() for n in names))
        if head[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as stream:
                head = stream.read(SAMPLE_BYTES)
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise SourceError(f"cannot read it to tell its format: {exc}", path=path) from None
    return Sample(name, head, frozenset())


def detect_source(path: Path, sources: dict[str, type[Source]]) -> str:
    """The name of the source most sure that ``path`` is its own, or an error saying why
    none (or several) could be chosen and how to name one."""
    sample = take_sample(path)
    scores = {name: cls.sniff(sample) for name, cls in sources.items()}
    best = max(scores.values(), default=0)
    if best <= 0:
        raise SourceError(
            "goodwill cannot tell what this is; name its source: goodwill import SOURCE PATH "
            "(goodwill sources lists them)",
            path=path,
        )
    winners = sorted(name for name, score in scores.items() if score == best)
    if len(winners) > 1:
        raise SourceError(
            f"this could be read by {' or '.join(winners)}; name one: "
            f"goodwill import {winners[0]} PATH",
            path=path,
        )
    return winners[0]
