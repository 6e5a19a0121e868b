"""Reading input files the way every text source needs: plain or gzip, line by line, with
the line number attached and a clear error for bytes that are not UTF-8.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path

from goodwill.errors import SourceError
from goodwill.sources.base import Source

__all__ = ["epoch_us", "iter_lines"]

_GZIP_MAGIC = b"\x1f\x8b"


def iter_lines(source: Source, path: Path, *, keep_ends: bool = False) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, text)`` for each line of ``path``, unpacking gzip by its magic.

    The source's progress follows the position in the file on disk (compressed bytes for a
    gzip), so a progress bar's total is the file's size.
    """
    try:
        raw = io.BufferedReader(io.FileIO(path), buffer_size=1 << 20)
    except OSError as exc:
        raise SourceError(f"cannot open: {exc.strerror or exc}", path=path) from exc
    with raw:
        source.track(raw.tell)
        yield from _decoded_lines(raw, path, keep_ends)
        end = raw.tell()
        source.track(lambda: end)


def _decoded_lines(raw: io.BufferedReader[io.FileIO], path: Path, keep_ends: bool) -> Iterator[tuple[int, str]]:
    """Lines of a plain or gzip stream, decoded one by one so errors name their line."""
    stream = gzip.GzipFile(fileobj=raw) if raw.peek(2)[:2] == _GZIP_MAGIC else raw
    number = 0
    try:
        for number, data in enumerate(stream, 1):
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

    >>> epoch_us("1289241911.72836")
    1289241911728360
    >>> epoch_us("1082040961")
    1082040961000000
    >>> epoch_us("-1.5")
    -1500000
    >>> epoch_us("12a")
    Traceback (most recent call last):
    ...
    ValueError: invalid literal for int() with base 10: '12a'
    """
    if "." not in text:
        return int(text) * 1_000_000
    whole, _, fraction = text.partition(".")
    negative = whole.startswith("-")
    micros = int(fraction[:6].ljust(6, "0")) if fraction else 0
    if fraction and not fraction.isdigit():
        raise ValueError(f"not a number of seconds: {text!r}")
    value = abs(int(whole)) * 1_000_000 + micros
    return -value if negative else value
