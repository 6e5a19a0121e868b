"""Plain helpers the source tests share: write an input file or archive, read a source's
records and check that the ledger could store each."""

from __future__ import annotations

import gzip
import tracemalloc
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from goodwill.events import KINDS, Event, Identity, Record, Rejected, split_handle
from goodwill.sources.base import Source


def write(path: Path, text: str, *, compress: bool = False) -> Path:
    """Write ``text`` as UTF-8 to ``path``, gzip-compressed if asked."""
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def read(source: Source, path: Path) -> list[Record]:
    """Every record the source yields for ``path``."""
    return list(source.records(path))


#: The time stamp zip entries get unless a test says otherwise (zip stores no zone: UTC).
ZIP_TIME = (2024, 6, 1, 12, 0, 0)


def write_zip(
    path: Path,
    members: Mapping[str, str | bytes],
    *,
    date_time: tuple[int, int, int, int, int, int] = ZIP_TIME,
) -> Path:
    """A zip archive at ``path`` holding ``members`` (name -> text or bytes), deflated."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content.encode("utf-8") if isinstance(content, str) else content)
    return path


def write_folder(path: Path, members: Mapping[str, str | bytes]) -> Path:
    """The folder an archive unpacks to: ``members`` written under ``path``."""
    for name, content in members.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def check_records(records: Iterable[Record]) -> list[Record]:
    """The records, after checking each is one the ledger can store as it is."""
    out = []
    for record in records:
        if isinstance(record, Event):
            assert record.kind in KINDS, record
            split_handle(record.actor)
            if record.target is not None:
                split_handle(record.target)
            assert 0 < len(record.external_id) <= 512, record
            for value in (record.actor, record.target, record.text, record.answers):
                if value is not None:
                    assert "\x00" not in value
                    value.encode("utf-8")
            assert record.answers is None or len(record.answers) <= 512
        elif isinstance(record, Identity):
            split_handle(record.handle)
            assert record.name is None or len(record.name) <= 300
            assert all(isinstance(v, str) for v in record.attributes.values())
        else:
            assert isinstance(record, Rejected), record
            assert record.location and record.reason
            (record.raw + record.reason + record.location).encode("utf-8")
        out.append(record)
    return out


def kinds(records: Sequence[Record]) -> dict[str, int]:
    """How many events of each kind ``records`` hold."""
    return dict(Counter(r.kind for r in records if isinstance(r, Event)))


def events(records: Sequence[Record]) -> list[Event]:
    """The events among ``records``."""
    return [r for r in records if isinstance(r, Event)]


def rejected(records: Sequence[Record]) -> list[Rejected]:
    """The rejected records among ``records``."""
    return [r for r in records if isinstance(r, Rejected)]


def mangle(data: bytes, how: str, where: float, junk: bytes) -> bytes:
    """``data`` cut at ``where`` (a fraction), or with ``junk`` written over or into it there."""
    at = int(where * len(data))
    if how == "truncate":
        return data[:at]
    if how == "replace":
        return data[:at] + junk + data[at + len(junk) :]
    return data[:at] + junk + data[at:]


def peak_bytes(source: Source, path: Path, *, at_least: int = 1) -> int:
    """The peak memory Python allocated while ``source`` read every record of ``path``,
    after checking it read at least ``at_least`` records."""
    tracemalloc.start()
    try:
        count = sum(1 for _ in source.records(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count >= at_least, (count, at_least)
    return peak
