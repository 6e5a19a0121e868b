"""Reading inputs in a child process under hard limits, for the hostile-input tests.

A bomb that works must not take the test run (or the machine others share) down with it,
and memory a native library allocates (zlib, libipld) is invisible to ``tracemalloc``. So
the child caps its address space with ``RLIMIT_AS``, reads every record of each input in
turn, and reports for each what happened and what it cost: the peak of Python's own
allocations while reading it, how long it took, and the child's peak resident memory so
far (``VmHWM`` from ``/proc``; ``ru_maxrss`` would carry the parent's from before
``exec``). The parent gives the child a wall-clock limit. A crash (a segfault, a stack
overflow in native code) shows as ``crash``, and ends the batch.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Reading", "read_limited", "read_many_limited"]

_CHILD = """
import json, resource, sys, time, tracemalloc
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from pathlib import Path
from goodwill.errors import GoodwillError
from goodwill.events import Rejected
from goodwill.sources.registry import source_class

def resident_peak():
    with open("/proc/self/status") as status:
        peak = [line for line in status if line.startswith("VmHWM:")]
    return int(peak[0].split()[1]) * 1024 if peak else 0

for name, path, options in json.loads(sys.argv[2]):
    source = source_class(name)(options)
    report = {"records": 0, "rejected": [], "outcome": "records", "message": ""}
    tracemalloc.start()
    started = time.perf_counter()
    try:
        for record in source.records(Path(path)):
            report["records"] += 1
            if isinstance(record, Rejected) and len(report["rejected"]) < 20:
                report["rejected"].append(f"{record.location}: {record.reason}")
    except GoodwillError as exc:
        report["outcome"], report["message"] = "error", str(exc)
    except MemoryError:
        report["outcome"] = "memory"
    except BaseException as exc:
        report["outcome"], report["message"] = "crash", f"{type(exc).__name__}: {exc}"[:2000]
    report["seconds"] = time.perf_counter() - started
    report["python_peak"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    report["rss_peak"] = resident_peak()
    print(json.dumps(report), flush=True)
"""


@dataclass(frozen=True)
class Reading:
    """What one limited read came to."""

    #: ``records`` (read to the end), ``error`` (a goodwill error), ``memory`` (the
    #: address-space limit was hit), ``crash`` (another exception, or the process died),
    #: or ``timeout``.
    outcome: str
    message: str = ""
    records: int = 0
    rejected: tuple[str, ...] = ()
    python_peak: int = 0  # bytes Python allocated at the peak, while reading
    rss_peak: int = 0  # the child's peak resident memory so far, interpreter included
    seconds: float = 0.0


def read_many_limited(
    inputs: Sequence[tuple[str, Path, Mapping[str, str] | None]],
    *,
    memory: int = 1024 * 1024 * 1024,
    seconds: float = 300.0,
) -> list[Reading]:
    """Read each ``(source, path, options)`` in turn in one child process limited to
    ``memory`` bytes of address space and ``seconds`` of wall-clock time in all."""
    root = Path(__file__).resolve().parents[2]
    cases = json.dumps([(name, str(path), dict(options or {})) for name, path, options in inputs])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root)])}
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(memory), cases],
            capture_output=True,
            text=True,
            timeout=seconds,
            env=env,
            check=False,
        )
        output, problem = done.stdout, f"exit {done.returncode}: {done.stderr[-2000:]}"
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        problem = f"still reading after {seconds} s"
    readings = []
    for line in output.strip().splitlines():
        report = json.loads(line)
        readings.append(
            Reading(
                report["outcome"],
                report["message"],
                report["records"],
                tuple(report["rejected"]),
                report["python_peak"],
                report["rss_peak"],
                report["seconds"],
            )
        )
    missing = len(inputs) - len(readings)
    outcome = "timeout" if problem.startswith("still") else "crash"
    return readings + [Reading(outcome, problem)] * missing


def read_limited(
    source: str,
    path: Path,
    *,
    options: Mapping[str, str] | None = None,
    memory: int = 1024 * 1024 * 1024,
    seconds: float = 300.0,
) -> Reading:
    """Read ``path`` with ``source`` in a child process, as :func:`read_many_limited`."""
    return read_many_limited([(source, path, options)], memory=memory, seconds=seconds)[0]
