"""atheris harness: goodwill's CSV reader (the ``csv`` source, plain or gzip).

The input is the file's bytes. See harness.py for running it."""

from __future__ import annotations

import contextlib

import harness

with harness.instrumented():
    from goodwill.errors import GoodwillError
    from goodwill.sources.tabular import CsvSource

_SOURCE = CsvSource({"network": "email"})


def test_one_input(data: bytes) -> None:
    with contextlib.suppress(GoodwillError):
        harness.checked(_SOURCE.records(harness.scratch("input.csv", data)))


if __name__ == "__main__":
    import seeds

    harness.main(test_one_input, seeds.csv)
