"""Reading a source's records, in this process or, for a large input, in a second one.

An import spends about a third of its time parsing and two thirds writing (see
``bench/ingest.py``). For a large input a second process parses while this one writes,
so the two overlap on a machine's two cores; the records cross over in chunks, as plain
tuples, through a bounded queue, so memory stays flat. A small input is read here: a
second process costs a little to start and to feed.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from goodwill.errors import GoodwillError, SourceError
from goodwill.events import Event, Identity, Link, Record, Rejected
from goodwill.sources.registry import source_class

__all__ = ["PARALLEL_MIN_BYTES", "RecordStream", "open_records"]

#: Inputs at least this large are parsed in a second process.
PARALLEL_MIN_BYTES = 16 * 1024 * 1024
_CHUNK = 4_096  # records per message between the processes
_QUEUE_CHUNKS = 8  # messages in flight: bounds the memory the pipeline holds
_POLL_SECONDS = 1.0


class RecordStream:
    """Records of one input, and how far into the file their reading has come."""

    def __init__(self, records: Iterator[Record], position: Any) -> None:
        self._records = records
        self._position = position

    def __iter__(self) -> Iterator[Record]:
        return self._records

    def bytes_read(self) -> int:
        """Bytes of the input read so far (compressed bytes for a gzip)."""
        return int(self._position())


@contextmanager
def open_records(
    source_name: str, options: Mapping[str, str] | None, path: Path, *, parallel: bool | None = None
) -> Iterator[RecordStream]:
    """The records of ``path``; ``parallel`` forces or forbids the second process, and
    ``None`` decides by the input's size (:data:`PARALLEL_MIN_BYTES`)."""
    if parallel is None:
        parallel = path.is_file() and path.stat().st_size >= PARALLEL_MIN_BYTES
    if "fork" not in multiprocessing.get_all_start_methods():
        parallel = False  # e.g. Windows: reading here is slower, never wrong
    if not parallel:
        source = source_class(source_name)(options)
        yield RecordStream(source.records(path), source.bytes_read)
        return
    # fork: the reader starts at once and needs nothing of the parent but the file name; it
    # touches none of the parent's connections or locks and leaves through os._exit.
    context = multiprocessing.get_context("fork")
    channel = context.Queue(maxsize=_QUEUE_CHUNKS)
    reader = context.Process(
        target=_read_in_child,
        args=(source_name, dict(options or {}), path, channel, os.getpid()),
        name="goodwill-reader",
        daemon=True,
    )
    reader.start()
    progress = _Progress()
    try:
        yield RecordStream(_receive(channel, reader, progress, path), progress.get)
    finally:
        if reader.is_alive():
            reader.terminate()
        reader.join(timeout=10)
        channel.cancel_join_thread()
        channel.close()


@dataclass
class _Progress:
    done: int = 0

    def get(self) -> int:
        return self.done


@dataclass(frozen=True)
class _Failure:
    """An error raised while reading in the second process, carried back to this one."""

    message: str
    path: str | None
    ours: bool


def _read_in_child(
    source_name: str,
    options: dict[str, str],
    path: Path,
    channel: multiprocessing.Queue[Any],
    parent: int,
) -> None:
    """The second process: read the input, send the records in chunks, then ``None``."""

    def send(message: Any) -> None:
        # A parent killed outright (SIGKILL, out of memory) reads no more: leave rather
        # than wait on a full queue for ever.
        while True:
            try:
                channel.put(message, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                if os.getppid() != parent:
                    os._exit(1)

    try:
        source = source_class(source_name)(options)
        chunk: list[tuple[Any, ...]] = []
        for record in source.records(path):
            chunk.append(_pack(record))
            if len(chunk) >= _CHUNK:
                send((chunk, source.bytes_read()))
                chunk = []
        send((chunk, source.bytes_read()))
        send(None)
    except GoodwillError as exc:
        where = str(exc.path) if isinstance(exc, SourceError) and exc.path else None
        detail = exc.detail if isinstance(exc, SourceError) else str(exc)
        send(_Failure(detail, where, ours=True))
    except Exception as exc:  # a bug in a source: report it, never hang the importer
        send(_Failure(f"{type(exc).__name__}: {exc}", str(path), ours=False))


def _receive(
    channel: multiprocessing.Queue[Any], reader: Any, progress: _Progress, path: Path
) -> Iterator[Record]:
    """This process's side: unpack chunks until the reader says it is done."""
    while True:
        try:
            message = channel.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            if reader.is_alive():
                continue
            raise SourceError(
                f"the process reading the input stopped (exit code {reader.exitcode}) "
                "before it finished; nothing was imported",
                path=path,
            ) from None
        if message is None:
            return
        if isinstance(message, _Failure):
            if message.ours:
                raise SourceError(message.message, path=message.path)
            raise RuntimeError(f"reading {message.path} failed: {message.message}")
        chunk, progress.done = message
        for packed in chunk:
            yield _unpack(packed)


def _pack(record: Record) -> tuple[Any, ...]:
    """A record as a plain tuple: several times cheaper to pickle than the object."""
    if isinstance(record, Event):
        return (
            "e",
            record.kind,
            record.actor,
            record.target,
            record.time_us,
            record.external_id,
            record.value,
            record.text,
            record.answers,
        )
    if isinstance(record, Identity):
        return ("i", record.handle, record.name, dict(record.attributes))
    if isinstance(record, Link):
        return ("l", record.handles, record.evidence, record.name)
    return ("r", record.location, record.reason, record.raw)


def _unpack(packed: tuple[Any, ...]) -> Record:
    tag = packed[0]
    if tag == "e":
        return Event(*packed[1:])
    if tag == "i":
        return Identity(packed[1], packed[2], packed[3])
    if tag == "l":
        return Link(tuple(packed[1]), packed[2], packed[3])
    return Rejected(packed[1], packed[2], packed[3])
