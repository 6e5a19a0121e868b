"""The property every source keeps on any input, and the bounds a fuzz run keeps to.

Reading an input either gives records the ledger can store (events with a kind, handles it
accepts, times a calendar can show, finite values; identities; links; rejected records that
say where they were and why) or raises one of goodwill's own errors whose message names the
input. Nothing else: no other exception type, no hang, no memory that grows with what the
input *claims* rather than with what it holds. :func:`outcome` checks all of it for one
read, under a wall-clock alarm (:data:`EXAMPLE_SECONDS`) and a ``tracemalloc`` cap on the
memory Python allocates while reading (:data:`EXAMPLE_MEMORY`).

The fuzz tests are bounded for CI by :func:`fuzz_settings`; ``GOODWILL_FUZZ=N`` runs every
one of them for N examples instead (``GOODWILL_FUZZ=20000 pytest tests/sources -k fuzz``
for a night's run).
"""

from __future__ import annotations

import math
import os
import signal
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from types import FrameType

from hypothesis import HealthCheck, settings

from goodwill.errors import GoodwillError
from goodwill.events import KINDS, Event, Identity, Link, Record, Rejected, split_handle

__all__ = [
    "EXAMPLE_MEMORY",
    "EXAMPLE_SECONDS",
    "Hung",
    "bounded",
    "check_record",
    "fuzz_settings",
    "outcome",
]

#: The wall-clock time one example may take before it counts as a hang. Generous: the
#: inputs are kilobytes and read in milliseconds, but CI machines are shared.
EXAMPLE_SECONDS = 30.0
#: What Python may allocate while reading one fuzzed input (a few kilobytes to a few
#: hundred): buffers of a MiB or two and the records, never a size the input declares.
EXAMPLE_MEMORY = 48 * 1024 * 1024
_DEADLINE = timedelta(seconds=10)
_MIN_US = -62_135_596_800 * 1_000_000  # 0001-01-01T00:00:00Z
_MAX_US = 253_402_300_799_999_999  # 9999-12-31T23:59:59.999999Z
_LEDGER_KEY = 512
_LEDGER_NAME = 300


def _examples_from_env() -> int | None:
    value = os.environ.get("GOODWILL_FUZZ", "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"GOODWILL_FUZZ={value!r}: give a number of examples, e.g. 5000")
    return int(value)


_FROM_ENV = _examples_from_env()


def fuzz_settings(examples: int) -> settings:
    """Hypothesis settings for a fuzz test: ``examples`` in CI, or ``GOODWILL_FUZZ``'s."""
    return settings(
        max_examples=_FROM_ENV or examples,
        deadline=_DEADLINE,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


class Hung(BaseException):
    """An example ran past its wall-clock limit. A BaseException, so that no ``except
    Exception`` in a library the source calls can swallow it."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hung(f"reading took more than {EXAMPLE_SECONDS} s: a hang")


@contextmanager
def bounded(
    seconds: float = EXAMPLE_SECONDS, memory: int = EXAMPLE_MEMORY
) -> Iterator[Callable[[], int]]:
    """Run the block under a wall-clock alarm and fail it if Python allocated more than
    ``memory`` bytes at its peak; yields a function giving that peak so far."""
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)

    def peak() -> int:
        return tracemalloc.get_traced_memory()[1] - base

    try:
        yield peak
        used = peak()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if not tracing:
            tracemalloc.stop()
    assert used <= memory, f"reading allocated {used:,} bytes at its peak (limit {memory:,})"


def _text(value: str, what: str, record: Record) -> None:
    assert "\x00" not in value, (what, record)
    value.encode("utf-8")  # a lone surrogate raises here: no database stores one


def _handle(handle: str, record: Record) -> None:
    _, account = split_handle(handle)
    assert len(account) <= _LEDGER_KEY, record
    _text(handle, "handle", record)


def check_record(record: Record) -> Record:
    """``record``, after checking it is one the ledger can store and show as it is."""
    if isinstance(record, Event):
        assert record.kind in KINDS, record
        _handle(record.actor, record)
        if record.target is not None:
            _handle(record.target, record)
        assert isinstance(record.time_us, int), record
        assert _MIN_US <= record.time_us <= _MAX_US, f"time outside the calendar: {record}"
        record.time.isoformat()  # shows it, as screens do
        assert 0 < len(record.external_id) <= _LEDGER_KEY, record
        _text(record.external_id, "external_id", record)
        assert record.value is None or math.isfinite(record.value), record
        for what, value in (("text", record.text), ("answers", record.answers)):
            if value is not None:
                _text(value, what, record)
        assert record.answers is None or len(record.answers) <= _LEDGER_KEY, record
    elif isinstance(record, Identity):
        _handle(record.handle, record)
        assert record.name is None or len(record.name) <= _LEDGER_NAME, record
        if record.name is not None:
            _text(record.name, "name", record)
        for key, value in record.attributes.items():
            assert isinstance(key, str) and isinstance(value, str), record
            _text(key + value, "attribute", record)
    elif isinstance(record, Link):
        assert record.handles and record.evidence, record
        for handle in record.handles:
            _handle(handle, record)
    else:
        assert isinstance(record, Rejected), f"not a record: {record!r}"
        assert record.location.strip() and record.reason.strip(), record
        (record.location + record.reason + record.raw).encode("utf-8")
    return record


def outcome(read: Callable[[], Iterable[Record]], where: str) -> list[Record] | GoodwillError:
    """Every record ``read()`` gives, each checked, or the goodwill error it raised, whose
    message must name ``where`` (the input's path, or the server asked); under
    :func:`bounded`'s limits. Any other exception fails the test that calls it."""
    with bounded():
        try:
            return [check_record(record) for record in read()]
        except GoodwillError as exc:
            assert where in str(exc), f"the error does not name {where!r}: {exc}"
            return exc
