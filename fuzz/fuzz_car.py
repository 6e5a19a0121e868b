"""atheris harness: goodwill's CAR reader (the ``bluesky-car`` source: the file indexed,
the repository's tree walked, each record decoded). The input is the file's bytes. See
harness.py for running it."""

from __future__ import annotations

import contextlib

import harness

with harness.instrumented():
    from goodwill.errors import GoodwillError
    from goodwill.sources.bluesky_car import BlueskyCarSource

_SOURCE = BlueskyCarSource()


def test_one_input(data: bytes) -> None:
    with contextlib.suppress(GoodwillError):
        harness.checked(_SOURCE.records(harness.scratch("input.car", data)))


if __name__ == "__main__":
    import seeds

    harness.main(test_one_input, seeds.car)
