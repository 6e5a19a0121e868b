"""Contacts as vCards (``.vcf``): one card, one person with every account the card lists.

The input is a ``.vcf`` file (plain or gzip), or a folder or zip of ``.vcf`` files (one per
contact, as Outlook and CardDAV servers keep them). vCard 2.1, 3.0 and 4.0 are read. Cards
are found line by line (``BEGIN:VCARD`` to ``END:VCARD``) and each is parsed on its own by
vobject, so the file streams and a broken card costs only itself: it is rejected with the
line it starts on. What a card becomes is :mod:`goodwill.sources.contact_card`'s job.

Lines are UTF-8 unless ``--option encoding=NAME`` says otherwise; a line that is not, but
names its own ``CHARSET`` (as vCard 2.1 allows), is read in that charset.

vobject is given only what it reads in bounded time: photos, logos, sounds and keys (the
bulk of a card, and nothing goodwill uses) are skipped unread; a card is refused past
:data:`MAX_CARD_BYTES` or :data:`MAX_CARD_PROPERTIES`; and every line is checked first
against vobject's own grammar written so that no line can make it backtrack for ever
(vobject's pattern takes 40 seconds on a 550-byte ``TYPE="=...`` line, and doubles with
each few bytes more).
"""

from __future__ import annotations

import codecs
import gzip
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import vobject  # type: ignore[import-untyped]
from vobject.base import VObjectError, getLogicalLines  # type: ignore[import-untyped]

from goodwill.errors import SourceError
from goodwill.events import Record, Rejected
from goodwill.sources import fields
from goodwill.sources.archive import Archive, iter_byte_lines
from goodwill.sources.base import Source
from goodwill.sources.contact_card import card_records
from goodwill.sources.fields import BadRecord
from goodwill.sources.sniffing import Sample

__all__ = ["MAX_CARD_BYTES", "MAX_CARD_PROPERTIES", "MAX_LINE_BYTES", "VcardSource"]

#: A card whose text, photos and the like aside, is larger than this is rejected rather
#: than parsed: vobject's time grows with the square of a folded value's length.
MAX_CARD_BYTES = 256 * 1024
#: A card with more properties than this is rejected rather than parsed: vobject takes
#: about 60 bytes of memory and 0.1 ms per byte of a card, and a contact has dozens.
MAX_CARD_PROPERTIES = 1_000
#: The longest physical line read: an unfolded photo may be megabytes, and is skipped.
MAX_LINE_BYTES = 16 * 1024 * 1024
#: Properties holding binary data goodwill never reads, skipped with their folded lines.
_UNREAD = frozenset({b"PHOTO", b"LOGO", b"SOUND", b"KEY"})
_SUFFIXES = (".vcf", ".vcard")
_GZIP_MAGIC = b"\x1f\x8b"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CHARSET = re.compile(rb";\s*CHARSET=([A-Za-z0-9_.:-]{1,40})", re.IGNORECASE)
_PROPERTY = re.compile(rb"(?:[A-Za-z0-9_-]+\.)?([A-Za-z0-9_-]+)")
# vobject's content line up to its value (``group.NAME;PARAM=VALUE,VALUE:``), the same
# language as its pattern but with possessive repeats, which cannot backtrack: its pattern
# nests a repeat of optional parts inside a repeat, and backtracks exponentially on a
# line it cannot match.
_READABLE_LINE = re.compile(
    r"(?:[a-zA-Z0-9_-]++\.)?+[a-zA-Z0-9_-]++(?:;(?=[;:]))?+"
    r'(?:;[a-zA-Z0-9_-]++(?:[=,](?:"[^"]*+"|[^";:,]*+))*+)*+:'
)
# What vobject raises for text it cannot read: its own errors and, from its decoders,
# base64 (binascii.Error is a ValueError), unknown charsets (LookupError) and the like.
_PARSE_ERRORS = (VObjectError, ValueError, LookupError, UnicodeError, AttributeError, TypeError)


class VcardSource(Source):
    """vCard files: contacts, each card one person with its emails, phones and profiles."""

    name: ClassVar[str] = "vcard"
    description: ClassVar[str] = (
        "vCard contacts (.vcf, or a folder or zip of them): people with their emails, "
        "phones and social profiles"
    )
    options: ClassVar[dict[str, str]] = {
        "encoding": "the file's text encoding when it is not UTF-8 (e.g. cp1252, latin-1)",
    }

    @classmethod
    def sniff(cls, sample: Sample) -> int:
        """A file that starts with ``BEGIN:VCARD``, or a folder or zip holding ``.vcf`` files."""
        head = sample.head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if head[:11].upper() == b"BEGIN:VCARD":
            return 90
        return 50 if any(m.endswith(_SUFFIXES) for m in sample.members) else 0

    def check_settings(self) -> None:
        encoding = self.settings.get("encoding", "utf-8")
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise SourceError(
                f"option encoding={encoding!r}: not an encoding Python knows (e.g. cp1252)"
            ) from None
        self._encoding = encoding

    def records(self, path: Path) -> Iterator[Record]:
        if path.is_dir() or (path.is_file() and zipfile.is_zipfile(path)):
            with Archive(self, path) as archive:
                members = [n for n in archive.names if n.lower().endswith(_SUFFIXES)]
                if not members:
                    raise SourceError(
                        "holds no .vcf file: export the contacts as vCard first", path=path
                    )
                for member in members:
                    try:
                        yield from self._cards(archive.chunks(member), f"{member}:")
                    except _NotVcard as exc:
                        raise archive.error(member, str(exc)) from None
            return
        try:
            raw = io.BufferedReader(io.FileIO(path), buffer_size=1 << 16)
        except OSError as exc:
            raise SourceError(f"cannot open: {exc.strerror or exc}", path=path) from exc
        with raw:
            self.track(raw.tell)
            try:
                yield from self._cards(_file_chunks(raw), "line ")
            except _NotVcard as exc:
                raise SourceError(str(exc), path=path) from None
            except (OSError, EOFError, zlib.error) as exc:
                raise SourceError(
                    f"cannot be read to its end ({exc}): is it a damaged or cut-short gzip?",
                    path=path,
                ) from exc
            finally:
                end = raw.tell()
                self.track(lambda: end)

    def _cards(self, chunks: Iterator[bytes], where: str) -> Iterator[Record]:
        """The records of every card in one file; ``where`` prefixes a line number."""
        cards = _split(iter_byte_lines(chunks, max_line=MAX_LINE_BYTES))
        while True:
            try:
                found = next(cards)
            except StopIteration:
                return
            except _NotVcard:
                raise
            except ValueError as exc:  # a line longer than any card may be
                raise _NotVcard(str(exc)) from None
            if isinstance(found, _Card):
                yield from self._card(found, where)
            else:
                line, reason, raw = found
                yield Rejected(f"{where}{line}", reason, raw)

    def _card(self, card: _Card, where: str) -> Iterator[Record]:
        try:
            text = _decode(card, self._encoding)
            _check_lines(text, card.start)
            try:
                parsed = vobject.readOne(text, allowQP=True)
            except _PARSE_ERRORS as exc:
                raise BadRecord(_parse_problem(exc)) from None
            yield from card_records(parsed)
        except BadRecord as exc:
            shown = b"\n".join(card.lines).decode("utf-8", "replace")
            yield Rejected(f"{where}{card.start}", fields.one_line(str(exc)), fields.clean(shown))


class _NotVcard(ValueError):
    """The input is not a vCard file at all."""


@dataclass
class _Card:
    """One card's lines, from the line number of its ``BEGIN:VCARD``; a line skipped
    unread (a photo's) is kept as an empty line, so later lines keep their numbers."""

    start: int
    lines: list[bytes] = field(default_factory=list)
    size: int = 0
    properties: int = 0
    skipping: bool = False  # inside a property skipped unread

    def add(self, line: bytes) -> None:
        if line[:1] not in (b" ", b"\t"):  # not the folded rest of the line before
            name = _PROPERTY.match(line)
            self.skipping = name is not None and name.group(1).upper() in _UNREAD
            self.properties += not self.skipping
        if self.skipping or self.size > MAX_CARD_BYTES:
            self.lines.append(b"")
        else:
            self.lines.append(line)
            self.size += len(line) + 1

    def too_large(self) -> str | None:
        """Why the card is refused unread, or None."""
        if self.size > MAX_CARD_BYTES:
            return (
                f"the card is larger than {MAX_CARD_BYTES // 1024} KiB (photos, logos, "
                "sounds and keys aside)"
            )
        if self.properties > MAX_CARD_PROPERTIES:
            return f"the card has more than {MAX_CARD_PROPERTIES:,} properties"
        return None


def _file_chunks(raw: io.BufferedReader[io.FileIO]) -> Iterator[bytes]:
    """A plain or gzip file's bytes, in chunks (gzip is known by its first bytes)."""
    stream: io.BufferedIOBase = (
        gzip.GzipFile(fileobj=raw) if raw.peek(2)[:2] == _GZIP_MAGIC else raw
    )
    while chunk := stream.read(1 << 20):
        yield chunk


def _split(lines: Iterator[bytes]) -> Iterator[_Card | tuple[int, str, str]]:
    """Cards, and ``(line, reason, raw)`` for what lies outside or breaks off a card."""
    card: _Card | None = None
    started = False
    stray: tuple[int, list[bytes]] | None = None  # text between cards, reported once
    for number, read in enumerate(lines, 1):
        if number == 1 and read[:2] in _UTF16_BOMS:
            raise _NotVcard("the file is UTF-16 text: save it as UTF-8 (iconv -f UTF-16 -t UTF-8)")
        line = read.removeprefix(b"\xef\xbb\xbf") if number == 1 else read
        word = line.strip().upper()
        if word == b"BEGIN:VCARD":
            if stray is not None:
                yield _stray(stray)
                stray = None
            if card is not None:
                yield (
                    card.start,
                    f"the card has no END:VCARD before the next card at line {number}",
                    _raw(card),
                )
            card, started = _Card(number, [line], len(line)), True
        elif card is not None:
            card.add(line)
            if word == b"END:VCARD":
                refused = card.too_large()
                yield card if refused is None else (card.start, refused, _raw(card))
                card = None
        elif word:
            if not started:
                shown = line[:60].decode("utf-8", "replace")
                raise _NotVcard(
                    f"line {number}: expected BEGIN:VCARD, found {shown!r}: is this a vCard (.vcf) file?"
                )
            if stray is None:
                stray = (number, [])
            if len(stray[1]) < 100:
                stray[1].append(line)
    if stray is not None:
        yield _stray(stray)
    if card is not None:
        yield (
            card.start,
            "the file ends inside this card (no END:VCARD): is it cut short?",
            _raw(card),
        )


def _stray(stray: tuple[int, list[bytes]]) -> tuple[int, str, str]:
    number, lines = stray
    raw = b"\n".join(lines).decode("utf-8", "replace")
    return number, "text outside any card (between END:VCARD and BEGIN:VCARD)", fields.clean(raw)


def _raw(card: _Card) -> str:
    return fields.clean(b"\n".join(card.lines[:10_000]).decode("utf-8", "replace"))


def _decode(card: _Card, encoding: str) -> str:
    """The card's text; a line that is not in ``encoding`` may name its own CHARSET."""
    out = []
    for offset, line in enumerate(card.lines):
        try:
            out.append(line.decode(encoding))
            continue
        except UnicodeDecodeError as exc:
            problem = exc
        charset = _CHARSET.search(line.split(b":", 1)[0])
        if charset is not None:
            try:
                out.append(line.decode(charset.group(1).decode("ascii")))
                continue
            except (LookupError, UnicodeDecodeError):
                pass
        raise BadRecord(
            f"line {card.start + offset}: not {encoding} text (byte {problem.start + 1} of "
            "the line); convert the file to UTF-8, or pass --option encoding=NAME"
        )
    return fields.clean("\n".join(out)) + "\n"


def _check_lines(text: str, start: int) -> None:
    """A BadRecord naming the first line vobject's grammar cannot read, if there is one."""
    try:
        for line, number in getLogicalLines(io.StringIO(text), allowQP=True):
            if _READABLE_LINE.match(line) is None:
                at = start + max(number - 1, 0)
                raise BadRecord(f"line {at}: cannot read {line[:60]!r} (expected NAME:VALUE)")
    except BadRecord:
        raise
    except _PARSE_ERRORS:
        pass  # vobject itself will say what it cannot read


def _parse_problem(error: Exception) -> str:
    """Why vobject could not read a card whose lines each looked readable."""
    detail = str(error).split(": ", 1)[-1] if str(error).startswith("At line") else str(error)
    return f"the card cannot be read ({detail or type(error).__name__})"
