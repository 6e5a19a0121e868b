"""Reading input files the way every text source needs: plain or gzip, line by line, with
the line number attached and a clear error for bytes that are not UTF-8.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from goodwill.errors import SourceError
from goodwill.sources.base import Source

__all__ = ["MAX_LINE_BYTES", "epoch_us", "is_node_id", "iter_lines"]

#: The longest line a text source reads. A row or a JSON line of one event is at most
#: kilobytes; a file without line breaks (a binary file named .csv, a JSON document
#: written on one line) is refused here rather than read whole into memory.
MAX_LINE_BYTES = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"


def iter_lines(source: Source, path: Path, *, keep_ends: bool = False) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, text)`` for each line of ``path``, unpacking gzip by its magic.

    The source's progress follows the position in the file on disk (compressed bytes for a
    gzip), so a progress bar's total is the file's size.
    """
    try:
        raw = io.BufferedReader(io.FileIO(path), buffer_size=1 << 16)
    except OSError as exc:
        raise SourceError(f"cannot open: {exc.strerror or exc}", path=path) from exc
    with raw:
        source.track(raw.tell)
        try:
            yield from _decoded_lines(raw, path, keep_ends)
        finally:
            end = raw.tell()
            source.track(lambda: end)  # the file closes next; its last position stays


def _decoded_lines(
    raw: io.BufferedReader[io.FileIO], path: Path, keep_ends: bool
) -> Iterator[tuple[int, str]]:
    """Lines of a plain or gzip stream, decoded one by one so errors name their line."""
    stream = gzip.GzipFile(fileobj=raw) if raw.peek(2)[:2] == _GZIP_MAGIC else raw
    number = 0
    try:
        while data := stream.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(data) > MAX_LINE_BYTES and not data.endswith(b"\n"):
                raise SourceError(
                    f"line {number} is longer than {MAX_LINE_BYTES:,} bytes, which no line "
                    "of this format is: is it the right file?",
                    path=path,
                )
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise SourceError(
                    f"line {number}: not UTF-8 text (byte {exc.start + 1} of the line); "
                    "convert the file to UTF-8 and import it again",
                    path=path,
                ) from exc
            yield number, text if keep_ends else text.rstrip("\r\n")
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceError(
            f"after line {number}: the compressed data is damaged or cut short ({exc})",
            path=path,
        ) from exc


def epoch_us(text: str) -> int:
    """Exact microseconds for epoch seconds written as text, without float rounding.

    Only plain decimal numbers are accepted, within the years 1 to 9999, so a time that no
    calendar can show never reaches the ledger.

    >>> epoch_us("1289241911.72836")
    1289241911728360
    >>> epoch_us(" 1082040961 ")
    1082040961000000
    >>> epoch_us("-1.5")
    -1500000
    >>> epoch_us("12a")
    Traceback (most recent call last):
    ...
    ValueError: time '12a' is not a number of epoch seconds
    """
    match = _EPOCH_SECONDS.match(text)
    if match is None:
        raise ValueError(f"time {text!r} is not a number of epoch seconds")
    sign, whole, fraction = match.groups()
    value = int(whole) * 1_000_000 + (int(fraction[:6].ljust(6, "0")) if fraction else 0)
    if value > (_BEFORE_US if sign == "-" else _AFTER_US):
        raise ValueError(f"time {text!r} is outside the years 1 to 9999")
    return -value if sign == "-" else value


# ASCII digits only: str.isdigit() would also take '²' and other scripts' digits.
_EPOCH_SECONDS = re.compile(r"\s*([+-]?)([0-9]+)(?:\.([0-9]*))?\s*\Z", re.ASCII)
_BEFORE_US = 62_135_596_800 * 1_000_000  # from the epoch back to 0001-01-01
_AFTER_US = 253_402_300_799 * 1_000_000  # from the epoch on to 9999-12-31T23:59:59


def is_node_id(text: str) -> bool:
    """Whether ``text`` is a whole-number node id in ASCII digits.

    >>> is_node_id("42"), is_node_id("²"), is_node_id("")
    (True, False, False)
    """
    return text.isascii() and text.isdigit()
