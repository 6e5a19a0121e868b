"""Sources stream: reading ten times more input does not take more memory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from goodwill.sources.base import Source
from goodwill.sources.snap import SnapSignedSource, SnapTemporalSource
from goodwill.sources.tabular import CsvSource, JsonlSource
from tests.sources.files import peak_bytes


def _signed(n: int) -> str:
    return f"{n % 977},{n % 1009 + 1},{n % 21 - 10 or 1},{1_300_000_000 + n}\n"


def _temporal(n: int) -> str:
    return f"{n % 977} {n % 1009 + 1} {1_300_000_000 + n}\n"


def _csv(n: int) -> str:
    return f"{1_300_000_000 + n},reply,x:@u{n % 977},x:@u{n % 1009},reply number {n}\n"


def _jsonl(n: int) -> str:
    return f'{{"time": {1_300_000_000 + n}, "kind": "like", "actor": "x:@u{n % 977}", "target": "x:@u{n % 1009}"}}\n'


CASES: list[tuple[type[Source], Callable[[int], str], str]] = [
    (SnapSignedSource, _signed, ""),
    (SnapTemporalSource, _temporal, ""),
    (CsvSource, _csv, "time,kind,actor,target,text\n"),
    (JsonlSource, _jsonl, ""),
]


@pytest.mark.parametrize(("source_class", "line", "header"), CASES)
def test_memory_does_not_grow_with_the_input(
    tmp_path: Path, source_class: type[Source], line: Callable[[int], str], header: str
) -> None:
    small, large = tmp_path / "small.txt", tmp_path / "large.txt"
    small.write_text(header + "".join(line(n) for n in range(4_000)))
    large.write_text(header + "".join(line(n) for n in range(40_000)))
    small_peak = peak_bytes(source_class(), small)
    large_peak = peak_bytes(source_class(), large)
    # Ten times the input; the same identities. Allow slack for interpreter noise only.
    assert large_peak < small_peak * 1.5 + 64 * 1024, (small_peak, large_peak)
