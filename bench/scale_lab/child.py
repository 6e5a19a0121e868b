"""One measurement in a fresh process: its figures as JSON and its own peak memory.

A fresh process per measurement keeps one method's memory and caches from colouring the
next, and lets its peak memory be read alone: the child reports ``VmHWM`` from
``/proc/self/status`` (the high-water mark of its own address space since it started).
Not ``ru_maxrss``: on Linux a child's ``ru_maxrss`` starts from the parent's resident size
when it execs, so every child of a parent holding a 20M-edge graph would report at least
that graph; and ``RUSAGE_CHILDREN`` keeps the largest child so far, not this one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["Figures", "peak_rss_mb", "report", "run"]

Figures = dict[str, Any]
BENCH = Path(__file__).resolve().parents[1]


def run(
    module: str, args: list[str], timeout_s: float, env: dict[str, str] | None = None
) -> Figures:
    """``python -m module *args`` from ``bench/``; the JSON object its last line printed, or
    ``{"error": ...}`` (with ``per_iter_s`` and ``peak_rss_mb`` null) when it failed."""
    child_env = {**os.environ, **(env or {})}
    child_env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(BENCH), child_env.get("PYTHONPATH")])
    )
    command = [sys.executable, "-m", module, *args]
    failed: Figures = {"per_iter_s": None, "peak_rss_mb": None}
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, env=child_env, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired:
        return {**failed, "error": f"over {timeout_s:.0f} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {**failed, "error": done.stderr.strip()[-500:] or f"exit {done.returncode}"}
    figures: Figures = json.loads(lines[-1])
    return figures


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started (``VmHWM``), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # reported in kB
    raise RuntimeError("no VmHWM in /proc/self/status: peak memory needs Linux")


def report(figures: Figures) -> None:
    """Print a child's figures, with its peak memory, as the line :func:`run` reads."""
    figures["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(figures))
