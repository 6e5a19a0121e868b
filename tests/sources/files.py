"""Plain helpers the source tests share: write an input file, read a source's records."""

from __future__ import annotations

import gzip
from pathlib import Path

from goodwill.events import Record
from goodwill.sources.base import Source


def write(path: Path, text: str, *, compress: bool = False) -> Path:
    """Write ``text`` as UTF-8 to ``path``, gzip-compressed if asked."""
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def read(source: Source, path: Path) -> list[Record]:
    """Every record the source yields for ``path``."""
    return list(source.records(path))
