"""A Rich progress bar for imports: bytes through the file, with events per second."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from goodwill.cli.app import err
from goodwill.importing import Progress as ProgressCallback

__all__ = ["import_progress"]


@contextmanager
def import_progress(label: str) -> Iterator[ProgressCallback]:
    """A progress bar on stderr; yields the callback :func:`~goodwill.importing.run_import` calls."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(bar_width=24),
        TaskProgressColumn(),
        TextColumn("{task.fields[events]:>11,} events {task.fields[rate]:>8,.0f}/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    started = time.perf_counter()
    # No refresh thread: the bar redraws when the importer reports, and a large import's
    # reader process is forked from a process with no threads to inherit.
    with Progress(*columns, console=err, transient=False, auto_refresh=False) as bar:
        task = bar.add_task(label, total=None, events=0, rate=0.0)

        def update(done: int, total: int, events: int) -> None:
            elapsed = time.perf_counter() - started
            bar.update(
                task,
                completed=done,
                total=total or None,
                events=events,
                rate=events / elapsed if elapsed > 0 else 0.0,
            )
            bar.refresh()

        yield update
