"""atheris harness: goodwill's zip reading (``goodwill.sources.archive``) through each
source that reads an export as a zip. The input's first byte picks the source
(mastodon-archive, x-archive, linkedin, vcard); the rest is the zip file. See harness.py
for running it."""

from __future__ import annotations

import contextlib

import harness

with harness.instrumented():
    from goodwill.errors import GoodwillError
    from goodwill.sources.linkedin import LinkedinSource
    from goodwill.sources.mastodon_archive import MastodonArchiveSource
    from goodwill.sources.vcard import VcardSource
    from goodwill.sources.x_archive import XArchiveSource

import seeds

_SOURCES = [MastodonArchiveSource(), XArchiveSource(), LinkedinSource(), VcardSource()]
assert [source.name for source in _SOURCES] == list(seeds.ARCHIVE_SOURCES)


def test_one_input(data: bytes) -> None:
    if not data:
        return
    source = _SOURCES[data[0] % len(_SOURCES)]
    with contextlib.suppress(GoodwillError):
        harness.checked(source.records(harness.scratch("input.zip", data[1:])))


if __name__ == "__main__":
    harness.main(test_one_input, seeds.zips)
