"""What goodwill's atheris harnesses share: the path set-up, the instrumented imports, a
scratch file per process, the check every record must pass, and ``main``.

Each harness (``fuzz_zip.py``, ``fuzz_json.py``, ``fuzz_csv.py``, ``fuzz_mbox.py``,
``fuzz_car.py``) feeds libFuzzer's bytes to one of goodwill's own readers and lets only
goodwill's errors through: any other exception, a hang past ``-timeout`` or memory past
``-rss_limit_mb`` is a finding, saved as a ``crash-...`` file to replay with
``python fuzz/fuzz_csv.py crash-...``. Run one for hours with a corpus folder, which is
seeded from the test suite's builders the first time (docs/sources.md, "Fuzzing")::

    .venv/bin/python fuzz/fuzz_csv.py fuzz/corpus/csv -max_total_time=14400 \\
        -rss_limit_mb=2048 -timeout=30
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import atheris  # noqa: E402 - after the path, which a checkout run needs

__all__ = ["ROOT", "checked", "instrumented", "main", "scratch"]

_SCRATCH = Path(tempfile.mkdtemp(prefix="goodwill-fuzz-"))


def instrumented() -> AbstractContextManager[Any]:
    """Import goodwill's modules inside this block so that libFuzzer sees their branches."""
    return atheris.instrument_imports(include=["goodwill"])  # type: ignore[no-any-return]


def scratch(name: str, data: bytes) -> Path:
    """``data`` written to this process's scratch file ``name``, for readers of paths."""
    path = _SCRATCH / name
    path.write_bytes(data)
    return path


def checked(records: Iterable[Any]) -> int:
    """Consume ``records``, checking each is one the ledger can store (as the hypothesis
    suites do); how many there were."""
    from tests.sources.fuzzing import check_record  # after goodwill's instrumented imports

    count = 0
    for record in records:
        check_record(record)
        count += 1
    return count


def main(test_one_input: Callable[[bytes], None], seeds: Callable[[], Mapping[str, bytes]]) -> None:
    """Seed the corpus folder (the first argument that is not an option) when it is new or
    empty, then fuzz; a file given instead is an input to run once (a crash to replay)."""
    given = [Path(arg) for arg in sys.argv[1:] if not arg.startswith("-")]
    if given and not given[0].is_file() and not (given[0].is_dir() and any(given[0].iterdir())):
        given[0].mkdir(parents=True, exist_ok=True)
        for name, data in seeds().items():
            (given[0] / name).write_bytes(data)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
