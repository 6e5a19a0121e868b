"""Running an import: a source's records into the ledger, all or nothing.

The whole import is one write transaction. A record the source cannot read stops it with
an error naming the file, the place and the reason, and the rollback leaves the store
exactly as it was; with ``skip_bad`` such records go to a file instead and the rest lands.
The ``imports`` row written at the end records the file's sha256 and the counts. Links
(a contact card's word that its accounts are one person) become recorded merges at the end.

:func:`import_records` is the machinery under :func:`run_import` for inputs that are not
one file (an API sync, see :mod:`goodwill.syncing`): it takes the records, what to record
as their path and digest, and a hook that runs inside the transaction just before commit.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from sqlalchemy import Connection

from goodwill.errors import SourceError
from goodwill.events import Event, Identity, Link, Record, Rejected, now_us
from goodwill.ledger.imports import begin_import, finish_import
from goodwill.ledger.store import Ledger
from goodwill.ledger.writer import EventWriter
from goodwill.reading import RecordStream, open_records
from goodwill.sources.base import Source
from goodwill.sources.registry import source_class

__all__ = [
    "ImportSummary",
    "Progress",
    "check_import",
    "file_sha256",
    "import_records",
    "run_import",
]

#: Called as ``progress(bytes_read, total_bytes, events_read)`` after every batch.
Progress = Callable[[int, int, int], None]
_SHOWN_REJECTS = 5


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    import_id: int
    source: str
    path: Path
    sha256: str
    events_read: int
    added: int
    present: int
    rejected: int
    identities_added: int
    seconds: float
    rejects_path: Path | None = None
    first_rejects: list[Rejected] = field(default_factory=list)
    #: Merges made from the source's links (a contact card's accounts made one person).
    people_merged: int = 0
    #: Events left out because they name a forgotten person (see goodwill.ledger.forgotten).
    forgotten: int = 0

    @property
    def events_per_second(self) -> float:
        """Events read per second of the whole import, hashing and commit included."""
        return self.events_read / self.seconds if self.seconds > 0 else 0.0


def file_sha256(path: Path) -> str:
    """The sha256 of a file (or, for a folder, of its files' names and contents in order)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode("utf-8") + b"\0")
        with file.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


class _RejectLog:
    """Rejected records, written raw to FILE (fix them and import FILE again) and with their
    reasons to FILE.reasons; both appear only when the import succeeds."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._raw: IO[str] | None = None
        self._why: IO[str] | None = None
        self._parts = (
            path.with_name(path.name + ".part"),
            path.with_name(path.name + ".reasons.part"),
        )

    def write(self, record: Rejected) -> None:
        if self._raw is None or self._why is None:
            try:
                self._raw = self._parts[0].open("w", encoding="utf-8")
                self._why = self._parts[1].open("w", encoding="utf-8")
            except OSError as exc:
                raise SourceError(f"cannot write rejected records: {exc}", path=self.path) from exc
        self._raw.write(record.raw.rstrip("\n") + "\n")
        self._why.write(f"{record.location}\t{record.reason}\n")

    def finish(self, keep: bool) -> None:
        for handle in (self._raw, self._why):
            if handle is not None:
                handle.close()
        if self._raw is None:
            return
        if keep:
            self._parts[0].replace(self.path)
            self._parts[1].replace(self.path.with_name(self.path.name + ".reasons"))
        else:
            for part in self._parts:
                part.unlink(missing_ok=True)


def check_import(source_name: str, path: Path, options: Mapping[str, str] | None = None) -> Source:
    """The configured source for an import, after the checks that need no store or reading.

    Callers run it before showing progress, so a typo fails at once with one clear line.
    """
    source = source_class(source_name)(options)
    if not path.exists():
        raise SourceError("no such file or folder; check the path", path=path)
    if not (path.is_file() or path.is_dir()):
        # a device, pipe or socket: hashing it for the import's fingerprint could read for
        # ever (/dev/zero), and a repeat import could not be recognised anyway
        raise SourceError(
            "not a regular file or folder (a device, pipe or socket?); save the export to a "
            "file and import that",
            path=path,
        )
    return source


class _Batches:
    """The records of one import on their way to the writer: events and identities in
    batches, rejected records to the reject log or, without one, to an error."""

    def __init__(
        self,
        writer: EventWriter,
        source: RecordStream,
        path: Path,
        rejects: _RejectLog | None,
        *,
        total: int,
        batch_size: int,
        progress: Progress | None,
    ) -> None:
        self.writer, self.source, self.path, self.rejects = writer, source, path, rejects
        self.batch_size, self.progress, self.total = batch_size, progress, total
        self.events: list[Event] = []
        self.names: list[Identity] = []
        self.links: list[Link] = []  # one per contact card at most: applied at the end
        self.events_read = 0
        self.rejected = 0
        self.shown: list[Rejected] = []

    def take(self, record: Record) -> None:
        if isinstance(record, Event):
            self.events.append(record)
            self.events_read += 1
            if len(self.events) >= self.batch_size:
                self.flush()
        elif isinstance(record, Identity):
            self.names.append(record)
        elif isinstance(record, Link):
            self.links.append(record)
        elif isinstance(record, Rejected):
            if self.rejects is None:
                raise SourceError(
                    f"{record.location}: {record.reason}; nothing was imported "
                    "(fix the record, or pass --skip-bad FILE to set such records aside)",
                    path=self.path,
                )
            self.rejected += 1
            self.rejects.write(record)
            if len(self.shown) < _SHOWN_REJECTS:
                self.shown.append(record)
        else:
            raise SourceError(
                f"source {self.source.name!r} yielded {type(record).__name__}, not a record"
            )

    def flush(self) -> None:
        try:
            if self.names:
                self.writer.add_identities(self.names)
                self.names.clear()
            if self.events:
                self.writer.add_events(self.events)
                self.events.clear()
        except SourceError as exc:  # the writer knows the record, not the file
            raise SourceError(f"{exc.detail}; nothing was imported", path=self.path) from exc
        if self.progress is not None:
            self.progress(self.source.bytes_read(), self.total, self.events_read)

    def finish(self) -> None:
        """Write what is left, then apply the links, all at once: a handle two of them
        share is known only when all have been read."""
        self.flush()
        try:
            self.writer.add_links(self.links)
        except SourceError as exc:
            raise SourceError(f"{exc.detail}; nothing was imported", path=self.path) from exc


def run_import(
    ledger: Ledger,
    source_name: str,
    path: Path,
    *,
    options: Mapping[str, str] | None = None,
    skip_bad: Path | None = None,
    progress: Progress | None = None,
    batch_size: int = 10_000,
    parallel: bool | None = None,
) -> ImportSummary:
    """Import ``path`` with the source named ``source_name``; see the module docstring.

    ``parallel`` chooses whether a second process parses (see :mod:`goodwill.reading`);
    by default large inputs get one.
    """
    check_import(source_name, path, options)
    started = time.perf_counter()
    return import_records(
        ledger,
        source_name,
        lambda: open_records(source_name, options, path, parallel=parallel),
        where=path,
        recorded_path=str(path.resolve()),
        sha256=file_sha256(path),
        total=path.stat().st_size if path.is_file() else 0,
        options=options,
        skip_bad=skip_bad,
        progress=progress,
        batch_size=batch_size,
        started=started,
    )


def import_records(
    ledger: Ledger,
    source_name: str,
    open_stream: Callable[[], AbstractContextManager[RecordStream]],
    *,
    where: Path,
    recorded_path: str,
    sha256: str,
    total: int = 0,
    options: Mapping[str, str] | None = None,
    skip_bad: Path | None = None,
    progress: Progress | None = None,
    batch_size: int = 10_000,
    before_commit: Callable[[Connection], None] | None = None,
    started: float | None = None,
) -> ImportSummary:
    """Import the records ``open_stream`` gives, all or nothing, as :func:`run_import` does.

    ``where`` names the input in messages and the summary; ``recorded_path`` and ``sha256``
    go into the ``imports`` row; ``total`` is the input's size for progress (0: unknown).
    ``before_commit(conn)`` runs in the import's transaction after its last record, so what
    it writes (a sync's cursor) lands if and only if the import does.
    """
    started = time.perf_counter() if started is None else started
    rejects = _RejectLog(skip_bad) if skip_bad is not None else None
    ok = False
    try:
        with ledger.write() as conn:
            now = now_us()
            import_id = begin_import(
                conn,
                source=source_name,
                path=recorded_path,
                sha256=sha256,
                options=options,
                now_us=now,
            )
            writer = EventWriter(conn, source=source_name, import_id=import_id, now_us=now)
            with open_stream() as records:
                batches = _Batches(
                    writer,
                    records,
                    where,
                    rejects,
                    total=total,
                    batch_size=batch_size,
                    progress=progress,
                )
                for record in records:
                    batches.take(record)
                batches.finish()
            finish_import(
                conn,
                import_id,
                counts=writer.counts,
                rejected=batches.rejected,
                events_read=batches.events_read,
                now_us=now_us(),
            )
            if before_commit is not None:
                before_commit(conn)
        ok = True
    finally:
        if rejects is not None:
            rejects.finish(keep=ok)
    return ImportSummary(
        import_id=import_id,
        source=source_name,
        path=where,
        sha256=sha256,
        events_read=batches.events_read,
        added=writer.counts.events_added,
        present=writer.counts.events_present,
        rejected=batches.rejected,
        identities_added=writer.counts.identities_added,
        seconds=time.perf_counter() - started,
        rejects_path=skip_bad if batches.rejected else None,
        first_rejects=batches.shown,
        people_merged=writer.counts.people_merged,
        forgotten=writer.counts.events_forgotten,
    )
