"""atheris harness: goodwill's mbox reader (the ``mbox`` source: the file split into
messages, each message's headers read). The input is the file's bytes, plain or gzip.
See harness.py for running it."""

from __future__ import annotations

import contextlib

import harness

with harness.instrumented():
    from goodwill.errors import GoodwillError
    from goodwill.sources.mbox import MboxSource

_SOURCE = MboxSource({"me": "ann@example.com"})


def test_one_input(data: bytes) -> None:
    with contextlib.suppress(GoodwillError):
        harness.checked(_SOURCE.records(harness.scratch("input.mbox", data)))


if __name__ == "__main__":
    import seeds

    harness.main(test_one_input, seeds.mbox)
