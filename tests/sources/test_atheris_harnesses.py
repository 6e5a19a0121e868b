"""The atheris harnesses in ``fuzz/`` run, and find nothing in a short run.

Each harness is started as a user would start it for hours (docs/sources.md, "Fuzzing"),
with a fresh corpus folder it seeds from the test builders, but for a bounded number of
runs (``-runs``) and seconds (``-max_total_time``), with libFuzzer's own limits on memory
and on the time one input may take. A finding (an exception other than goodwill's, a hang,
memory past the limit) ends the run with a non-zero status and a ``crash-`` file, which
the failure message shows how to replay.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris", reason="atheris is a development dependency: pip install -e .[dev]")

FUZZ = Path(__file__).resolve().parents[2] / "fuzz"
HARNESSES = ("zip", "json", "csv", "mbox", "car")
#: A short run each: the seeds, then mutations of them. GOODWILL_FUZZ raises it.
RUNS = int(os.environ.get("GOODWILL_FUZZ") or 400)


@pytest.mark.parametrize("name", HARNESSES)
def test_a_short_run_finds_nothing(name: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    command = [
        sys.executable,
        str(FUZZ / f"fuzz_{name}.py"),
        str(corpus),
        f"-runs={RUNS}",
        f"-max_total_time={max(30, RUNS // 20)}",
        "-timeout=30",
        "-rss_limit_mb=1536",
        f"-artifact_prefix={tmp_path}/",
        "-print_final_stats=1",
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path
    )
    findings = sorted(p.name for p in tmp_path.glob("crash-*"))
    replay = f"replay: {sys.executable} {FUZZ / f'fuzz_{name}.py'} {tmp_path}/CRASH-FILE"
    assert done.returncode == 0 and not findings, (findings, replay, done.stderr[-3000:])
    assert any(corpus.iterdir()), "the corpus was not seeded"
    assert "stat::number_of_executed_units" in done.stderr, done.stderr[-2000:]
