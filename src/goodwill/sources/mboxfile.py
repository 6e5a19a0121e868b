"""Splitting an mbox file into its messages, one at a time, in flat memory.

An mbox is messages one after another, each opened by a ``From SENDER DATE`` line (the
"From_ line"); a body line that itself starts with ``From `` is written ``>From `` (mboxo,
mboxrd). A line starting with ``From `` opens a message when it starts the file, follows a
blank line, or has the From_ line's shape (a sender, then a date), so messages written one
after another without a blank line between them, as ``--skip-bad`` writes them, still split.

The standard library's :class:`mailbox.mbox` is not used: it first scans the whole file to
build a table of every message's offsets, keeps the file open for random access, and hands
out whole messages, attachments included. goodwill needs one pass and the headers only, so
this reads the file line by line (lines capped at :data:`_PIECE` bytes, so even a file with
no line breaks costs no memory) and keeps just the current message's header block, capped
at :data:`MAX_HEADER_BYTES`; the body is skipped unread, which is also why ``>From``
quoting needs no undoing here. A gzip file is unpacked on the fly, recognised by its bytes.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

from goodwill.errors import SourceError
from goodwill.sources.base import Source
from goodwill.sources.fields import calendar_time

__all__ = ["MAX_HEADER_BYTES", "MboxMessage", "from_line_time", "mbox_messages"]

#: A header block longer than this is no email's: the message is reported, not read.
MAX_HEADER_BYTES = 1 << 20
_PIECE = 1 << 16  # the longest line read at once; a longer one comes in pieces
_GZIP_MAGIC = b"\x1f\x8b"
_BLANK = (b"\n", b"\r\n")


@dataclass(slots=True)
class MboxMessage:
    """One message's place in the file, its From_ line and its header block."""

    #: Which message of the file it is, from 1.
    number: int
    #: The line number of its From_ line.
    line: int
    #: The From_ line after ``From ``, without its line ending.
    envelope: bytes
    #: The header lines as they were, up to the blank line before the body.
    headers: bytes
    #: Why the headers cannot be trusted, or None: the file ends inside them, or they are
    #: longer than :data:`MAX_HEADER_BYTES`.
    problem: str | None = None

    @property
    def location(self) -> str:
        return f"message {self.number} (line {self.line})"

    def raw(self) -> str:
        """The From_ line and headers as text, for the rejected-records file: an mbox of its
        own, so the messages can be fixed there and imported again."""
        text = (b"From " + self.envelope + b"\n" + self.headers).decode("utf-8", "replace")
        return text.replace("\x00", "")


def from_line_time(envelope: bytes) -> int | None:
    """The time a From_ line gives after its sender, in microseconds, or None.

    Most writers put asctime there with no zone (taken as UTC); Gmail adds ``+0000``.

    >>> from_line_time(b"MAILER-DAEMON Thu Jan  1 00:00:01 1970")
    1000000
    >>> from_line_time(b"1790000000000000000@xxx Tue Jun 04 10:00:00 +0000 2024")
    1717495200000000
    >>> from_line_time(b"bob@example.com") is None
    True
    """
    _, _, date = envelope.partition(b" ")
    if not date.strip():
        return None
    try:
        return calendar_time(parsedate_to_datetime(date.decode("ascii")))
    except (ValueError, TypeError, IndexError, OverflowError):  # BadRecord is a ValueError
        return None


def mbox_messages(source: Source, path: Path) -> Iterator[MboxMessage]:
    """The messages of the mbox at ``path`` (plain or gzip), in file order."""
    try:
        raw = io.BufferedReader(io.FileIO(path), buffer_size=1 << 16)
    except OSError as exc:
        raise SourceError(f"cannot open: {exc.strerror or exc}", path=path) from exc
    with raw:
        source.track(raw.tell)
        stream = gzip.GzipFile(fileobj=raw) if raw.peek(2)[:2] == _GZIP_MAGIC else raw
        splitter = _Splitter(path)
        try:
            while piece := stream.readline(_PIECE):
                message = splitter.feed(piece)
                if message is not None:
                    yield message
        except (OSError, EOFError, zlib.error) as exc:
            raise SourceError(
                f"after line {splitter.number}: the compressed data is damaged or cut short "
                f"({exc})",
                path=path,
            ) from exc
        finally:
            end = raw.tell()
            source.track(lambda: end)  # the file closes next; its last position stays
        last = splitter.finish()
        if last is not None:
            yield last


class _Splitter:
    """The state of one pass over the file: fed line pieces, it returns each message as the
    next one's From_ line closes it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.number = 0  # lines read
        self.current: MboxMessage | None = None
        self.in_headers = False
        self.header_lines: list[bytes] = []
        self.header_size = 0
        self.line_start = True  # the piece about to come starts a line
        self.after_blank = True  # the previous line was blank (or there was none)

    def feed(self, piece: bytes) -> MboxMessage | None:
        starts_line, self.line_start = self.line_start, piece.endswith(b"\n")
        if not starts_line:  # the rest of a line longer than a piece
            if self.in_headers:
                self._keep(piece)
            return None
        self.number += 1
        done = None
        if piece.startswith(b"From ") and (self.after_blank or _has_date(piece)):
            done = self._close()
            self._open(piece)
        elif self.current is None:
            if piece not in _BLANK and piece.strip():
                raise SourceError(
                    f"line {self.number}: an mbox file starts with a 'From ' line, and this "
                    "one does not: is it an mbox (one message per .eml file is not)?",
                    path=self.path,
                )
        elif self.in_headers:
            if piece in _BLANK:
                self.in_headers = False
            else:
                self._keep(piece)
        self.after_blank = piece in _BLANK
        return done

    def finish(self) -> MboxMessage | None:
        """The last message, once the file has ended."""
        if self.current is not None and self.in_headers and not self.line_start:
            self.current.problem = (
                "the file ends inside this message's headers: it was cut short; "
                "export the mailbox again"
            )
        return self._close()

    def _open(self, piece: bytes) -> None:
        envelope = piece[5:].rstrip(b"\r\n")
        self.current = MboxMessage(
            (self.current.number + 1) if self.current else 1, self.number, envelope, b""
        )
        self.in_headers = True
        self.header_lines, self.header_size = [], 0

    def _keep(self, piece: bytes) -> None:
        self.header_size += len(piece)
        if self.header_size <= MAX_HEADER_BYTES:
            self.header_lines.append(piece)
        elif self.current is not None and self.current.problem is None:
            self.current.problem = (
                f"its headers run past {MAX_HEADER_BYTES:,} bytes without the blank line "
                "that ends them: not an email message"
            )

    def _close(self) -> MboxMessage | None:
        message = self.current
        if message is not None:
            message.headers = b"".join(self.header_lines)
            self.header_lines = []
        return message


def _has_date(line: bytes) -> bool:
    """Whether a ``From `` line not after a blank line is still a From_ line: it gives a
    sender and a date, which a body line that escaped quoting hardly ever does."""
    return from_line_time(line[5:].rstrip(b"\r\n")) is not None
