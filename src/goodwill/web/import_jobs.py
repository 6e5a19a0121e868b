"""Imports started from the web: each upload read by :func:`goodwill.importing.run_import`
in a background thread, one at a time per app, its progress kept in memory for the page.

Why a thread and not the request: an import of a large export takes minutes, longer than a
browser or a proxy waits for an answer; the page polls the job instead. Why one at a time:
an import is one write transaction, so a second would only queue behind the first (and
hold its upload on disk meanwhile). The thread checks out its own connection from the
store's pool, reads the source in this process (a forked reader, as the CLI uses for big
files, is no safe thing to start from a server full of threads) and deletes the upload
when it ends, however it ends. Jobs live in memory: a restart forgets them, while the
``imports`` table keeps every import that completed.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from fastapi import FastAPI
from sqlalchemy.exc import DBAPIError

from goodwill.errors import GoodwillError, NotFoundError, StoreError
from goodwill.events import from_time_us, now_us
from goodwill.importing import ImportSummary, run_import
from goodwill.ledger import Ledger
from goodwill.sources.declared import Declared
from goodwill.sources.registry import describe_sources
from goodwill.sources.registry import file_sources as loaded_file_sources
from goodwill.sources.sniffing import detect_source
from goodwill.web.models import ImportJobOut, ImportResultOut, RejectOut
from goodwill.web.uploads import discard_upload
from goodwill.web.warm import wake_warmer

__all__ = ["DETECT", "JOBS_KEPT", "ImportJobs", "file_sources", "jobs_of"]

#: The form's value for "let goodwill tell the source from the file".
DETECT = "detect"
#: Finished jobs remembered for their pages; older ones are forgotten (the history stays).
JOBS_KEPT = 20
#: Where an import's set-aside records go, beside the upload (deleted with it).
_REJECTS_FILE = "rejected-records.txt"
_creating = threading.Lock()


def file_sources() -> dict[str, Declared]:
    """The registered sources that read a file (API syncs are left out: nothing to upload),
    as their modules declare them: the upload form lists them without importing every
    source (the Bluesky SDK alone took one to two seconds of the first ``/imports``)."""
    return {n: d for n, d in describe_sources().items() if d.reads_files}


@dataclass
class _Job:
    """One upload's import as it goes; changed only under :attr:`ImportJobs._lock`."""

    id: str
    file: str
    requested_source: str
    skip_bad: bool
    started_us: int
    status: Literal["running", "complete", "failed"] = "running"
    source: str | None = None
    finished_us: int | None = None
    bytes_read: int = 0
    total_bytes: int = 0
    events_read: int = 0
    summary: ImportSummary | None = None
    error: str | None = None
    thread: threading.Thread | None = field(default=None, repr=False)

    def out(self) -> ImportJobOut:
        summary = self.summary
        result = None
        if summary is not None:
            result = ImportResultOut(
                import_id=summary.import_id,
                events_read=summary.events_read,
                added=summary.added,
                present=summary.present,
                rejected=summary.rejected,
                identities_added=summary.identities_added,
                people_merged=summary.people_merged,
                seconds=round(summary.seconds, 3),
                first_rejects=[
                    RejectOut(location=r.location, reason=r.reason) for r in summary.first_rejects
                ],
            )
        return ImportJobOut(
            id=self.id,
            status=self.status,
            file=self.file,
            requested_source=self.requested_source,
            source=self.source,
            skip_bad=self.skip_bad,
            started=from_time_us(self.started_us).isoformat(),
            finished=None
            if self.finished_us is None
            else from_time_us(self.finished_us).isoformat(),
            bytes_read=self.bytes_read,
            total_bytes=self.total_bytes,
            events_read=self.events_read,
            result=result,
            error=self.error,
        )


class ImportJobs:
    """The uploads one app is importing or has imported since it started."""

    def __init__(self, on_end: Callable[[], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, _Job] = {}  # oldest first
        self._on_end = on_end  # told when an import ends (the warmer: the store changed)

    def running(self) -> ImportJobOut | None:
        """The job importing now, if one is."""
        with self._lock:
            job = self._running()
            return None if job is None else job.out()

    def _running(self) -> _Job | None:
        return next((j for j in self._jobs.values() if j.status == "running"), None)

    def get(self, job_id: str) -> ImportJobOut:
        """One job as it stands, or a :class:`NotFoundError` saying where else to look."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise NotFoundError(
                    f"no import job {job_id!r}: jobs are kept until the server restarts; "
                    "the history on /imports lists every import that completed"
                )
            return job.out()

    def recent(self) -> list[ImportJobOut]:
        """Every remembered job, newest first."""
        with self._lock:
            return [job.out() for job in reversed(self._jobs.values())]

    def refuse_if_busy(self) -> None:
        """A :class:`StoreError` (409) if an import is running: checked before an upload is
        saved, so a second one is refused without taking disk space."""
        with self._lock:
            busy = self._running()
        if busy is not None:
            raise _busy(busy)

    def start(self, ledger: Ledger, upload: Path, *, file: str, source: str, skip_bad: bool) -> str:
        """Import the saved ``upload`` in a new thread and return the job's id; the upload
        is deleted when the import ends. A :class:`StoreError` (409) if one is running."""
        with self._lock:
            busy = self._running()
            if busy is not None:
                discard_upload(upload)
                raise _busy(busy)
            job = _Job(secrets.token_urlsafe(6), file, source, skip_bad, now_us())
            job.thread = threading.Thread(
                target=self._work,
                args=(job, ledger, upload),
                name=f"goodwill-import-{job.id}",
                daemon=True,
            )
            self._jobs[job.id] = job
            self._forget_old()
        job.thread.start()
        return job.id

    def _forget_old(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.status != "running"]
        for key in finished[: max(0, len(self._jobs) - JOBS_KEPT)]:
            del self._jobs[key]

    def _work(self, job: _Job, ledger: Ledger, upload: Path) -> None:
        """The thread: tell the source if asked, import, record how it ended."""
        try:
            source = job.requested_source
            if source == DETECT:
                source = detect_source(upload, loaded_file_sources())
            with self._lock:
                job.source = source
            rejects = upload.with_name(_REJECTS_FILE) if job.skip_bad else None

            def progress(read: int, total: int, events: int) -> None:
                with self._lock:
                    job.bytes_read, job.total_bytes, job.events_read = read, total, events

            summary = run_import(
                ledger, source, upload, skip_bad=rejects, progress=progress, parallel=False
            )
            self._end(job, summary=summary)
        except GoodwillError as exc:
            self._end(job, error=_readable(str(exc), upload, job.file))
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            self._end(job, error=f"the store reported an error: {reason}; nothing was imported")
        finally:
            discard_upload(upload)
            if job.status == "running":  # an unexpected exception, on its way to the log
                stopped = "the import stopped unexpectedly (the server's log says why)"
                self._end(job, error=f"{stopped}; nothing was imported")

    def _end(
        self, job: _Job, *, summary: ImportSummary | None = None, error: str | None = None
    ) -> None:
        with self._lock:
            job.summary, job.error = summary, error
            job.status = "complete" if error is None else "failed"
            job.finished_us = now_us()
            if summary is not None:  # all of it was read, whatever the last report said
                job.events_read = summary.events_read
                job.bytes_read = job.total_bytes = max(job.total_bytes, job.bytes_read)
        if summary is not None and self._on_end is not None:
            self._on_end()


def _busy(job: _Job) -> StoreError:
    return StoreError(
        f"another import is running ({job.file}, started "
        f"{from_time_us(job.started_us):%H:%M:%S} UTC): wait until it ends "
        f"(/imports/jobs/{job.id} shows it), then upload again"
    )


def _readable(message: str, upload: Path, shown_name: str) -> str:
    """goodwill's message with the private temporary path replaced by the uploaded name."""
    return message.replace(str(upload), shown_name).replace(str(upload.parent) + os.sep, "")


def jobs_of(app: FastAPI) -> ImportJobs:
    """The app's jobs, made on first use (the factory needs to know nothing of them)."""
    with _creating:
        jobs = getattr(app.state, "import_jobs", None)
        if jobs is None:
            jobs = app.state.import_jobs = ImportJobs(on_end=lambda: wake_warmer(app))
    assert isinstance(jobs, ImportJobs)
    return jobs
