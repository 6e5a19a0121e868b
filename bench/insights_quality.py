"""Insight quality: each detector scored against the demo worlds' ground truth.

Two worlds are generated and imported into fresh SQLite stores: the README's (seed 7) and
one under another seed with twice the people (seed 23, scale 2), so a detector fitted to
one world shows it on the other. For each, every scorer in ``bench/insight_checks/``
reports precision and recall (targets: both at least 0.9) and what it counted. Scorers
with a ``measure_real(data_dir)`` run once on the shared real datasets (no ground truth
there) and report counts and run time instead.

It prints one table per world and asserts nothing. Run from the repository root::

    .venv/bin/python bench/insights_quality.py
    .venv/bin/python bench/insights_quality.py --json /tmp/insights.json
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rich.console import Console
from rich.table import Table

import insight_checks
from goodwill.demo import install_demo
from goodwill.ledger import open_ledger

WORLDS = {"seed-7": (7, 1), "seed-23-x2": (23, 2)}
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TARGET = 0.9


def _scorers(*, real: bool = False) -> list[Any]:
    """Every module in ``insight_checks`` with a ``measure`` function (``measure_real`` with
    ``real``), by name."""
    wanted = "measure_real" if real else "measure"
    found = []
    for info in sorted(pkgutil.iter_modules(insight_checks.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"insight_checks.{info.name}")
        if hasattr(module, wanted):
            found.append(module)
    return found


def run_worlds(worlds: dict[str, tuple[int, int]]) -> dict[str, dict[str, dict[str, float]]]:
    """Scores per world and detector."""
    results: dict[str, dict[str, dict[str, float]]] = {}
    scorers = _scorers()
    for name, (seed, scale) in worlds.items():
        with (
            tempfile.TemporaryDirectory() as folder,
            open_ledger(f"sqlite:///{Path(folder) / 'world.db'}") as ledger,
        ):
            installed = install_demo(ledger, Path(folder), seed=seed, scale=scale)
            results[name] = {}
            for module in scorers:
                started = time.perf_counter()
                scores = module.measure(ledger, installed)
                seconds = time.perf_counter() - started
                for detector, metrics in scores.items():
                    results[name][detector] = {**metrics, "seconds": round(seconds, 2)}
    return results


def run_real(data_dir: Path) -> dict[str, dict[str, float]]:
    """Counts and run time of the scorers that run on real data (``measure_real``)."""
    results: dict[str, dict[str, float]] = {}
    for module in _scorers(real=True):
        started = time.perf_counter()
        scores = module.measure_real(data_dir)
        seconds = time.perf_counter() - started
        for detector, metrics in scores.items():
            results[detector] = {**metrics, "seconds": round(seconds, 2)}
    return results


def _mark(metrics: dict[str, float], key: str) -> str:
    """A score with a cross when it misses :data:`TARGET`, or a dash when not measured."""
    if key not in metrics:
        return "-"
    return f"{metrics[key]:.3f}" + ("" if metrics[key] >= TARGET else " ✗")


def _table(world: str, scores: dict[str, dict[str, float]]) -> Table:
    table = Table("detector", "precision", "recall", "found", "truth", "s", title=world, box=None)
    for detector, m in scores.items():
        table.add_row(
            detector,
            _mark(m, "precision"),
            _mark(m, "recall"),
            str(int(m.get("found", 0))),
            str(int(m.get("truth", 0))),
            f"{m['seconds']:.1f}",
        )
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--world", choices=sorted(WORLDS), action="append", help="only these")
    parser.add_argument(
        "--data", type=Path, default=DATA, help="the shared datasets (default: ../shared/data)"
    )
    parser.add_argument("--no-real", action="store_true", help="skip the real-data scorers")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    chosen = {w: WORLDS[w] for w in (args.world or WORLDS)}
    results = run_worlds(chosen)
    console = Console()
    for world, scores in results.items():
        console.print(_table(world, scores))
    if not args.no_real:
        if args.data.is_dir():
            real = run_real(args.data)
            results["real-data"] = real
            table = Table("detector", "figures", "s", title="real data (no truth)", box=None)
            for detector, m in real.items():
                figures = ", ".join(f"{k} {v:g}" for k, v in m.items() if k != "seconds")
                table.add_row(detector, figures, f"{m['seconds']:.1f}")
            console.print(table)
        else:
            console.print(f"real-data scorers skipped: no datasets at {args.data}")
    console.print(f"total {time.perf_counter() - started:.1f} s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
