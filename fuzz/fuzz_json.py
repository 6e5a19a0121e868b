"""atheris harness: goodwill's JSON stream reader (``goodwill.sources.jsonstream``), which
reads the items of an export's large JSON list one at a time from chunks of bytes.

The input's first byte picks the list (bit 0: the root list, after an optional
``window.NAME =``, or the ``orderedItems`` list of the root object) and the size of the
chunks the rest, the file, comes in (bits 1 to 3: from 1 byte, so that a chunk ends inside
every kind of token, to 1 MiB, as the archive reader gives them). The reader may raise
only its own BadStructure (which the sources report as a goodwill error); every item must
carry a value or a problem. See harness.py for running it."""

from __future__ import annotations

import contextlib

import harness

with harness.instrumented():
    from goodwill.sources.jsonstream import BadStructure, array_items, load_document

_CHUNK_SIZES = (1, 2, 3, 7, 64, 1_000, 4_096, 1 << 20)


def test_one_input(data: bytes) -> None:
    if not data:
        return
    key = "orderedItems" if data[0] & 1 else None
    size = _CHUNK_SIZES[(data[0] >> 1) & 7]
    body = data[1:]
    chunks = (body[at : at + size] for at in range(0, len(body), size))
    with contextlib.suppress(BadStructure):
        for number, item in enumerate(array_items(chunks, key=key)):
            assert item.index == number, (item, number)
            assert item.problem is None or item.value is None, item
    with contextlib.suppress(BadStructure):
        load_document(body)


if __name__ == "__main__":
    import seeds

    harness.main(test_one_input, seeds.json_lists)
