"""Seed inputs for the atheris harnesses, made by the test suite's own builders at run
time (nothing binary is committed): valid inputs of each format, which libFuzzer then
mutates."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Mapping

from tests.sources import test_linkedin, test_mastodon_archive, test_vcard, test_x_archive
from tests.sources.bluesky_data import ANN, repository_records
from tests.sources.car_builder import build_repo, car_bytes
from tests.sources.test_mbox import THREAD

__all__ = ["ARCHIVE_SOURCES", "car", "csv", "json_lists", "mbox", "zips"]

#: The sources the zip harness picks from, by the first byte of its input.
ARCHIVE_SOURCES = ("mastodon-archive", "x-archive", "linkedin", "vcard")


def _zip(members: Mapping[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 6, 1, 12, 0, 0)), content)
    return buffer.getvalue()


def zips() -> dict[str, bytes]:
    """Each archive source's export, after the byte that selects the source."""
    exports = {
        "mastodon-archive": test_mastodon_archive.members(),
        "x-archive": test_x_archive.members(),
        "linkedin": test_linkedin.members(),
        "vcard": {"contacts/ann.vcf": test_vcard.ANN, "bob.vcf": test_vcard.BOB},
    }
    return {
        f"{name}.zip": bytes([ARCHIVE_SOURCES.index(name)]) + _zip(members)
        for name, members in exports.items()
    }


def json_lists() -> dict[str, bytes]:
    """Mastodon's outbox (a keyed list) and X's tweets (a JS assignment), after the byte
    that selects the mode and the chunk size."""
    outbox = test_mastodon_archive.members()["outbox.json"]
    tweets = test_x_archive.members()["data/tweets.js"]
    dms = test_x_archive.members()["data/direct-messages.js"]
    return {
        "outbox.json": b"\x07" + str(outbox).encode(),  # keyed, in 7-byte chunks
        "tweets.js": b"\x08" + str(tweets).encode(),  # at the root, in 64-byte chunks
        "direct-messages.js": b"\x00" + str(dms).encode(),  # at the root, byte by byte
    }


def csv() -> dict[str, bytes]:
    header = "time,kind,actor,target,id,value,text,answers,actor_name,target_name\n"
    rows = [
        '2024-06-01T09:30:00Z,reply,x:@ann,x:@bob,r-1,,"hi, ""bob""",p-1,Ann,Bob\n',
        "1717234200.25,rating,otc:1,otc:2,,-10,,,,\n",
        '2024-06-01 09:30:00+02:00,post,ann@example.com,,,,"line\nbreak",,,\n',
    ]
    text = (header + "".join(rows)).encode()
    return {"events.csv": text, "events.csv.gz": gzip.compress(text, mtime=0)}


def mbox() -> dict[str, bytes]:
    text = "".join(THREAD).encode()
    return {"thread.mbox": text, "thread.mbox.gz": gzip.compress(text, mtime=0)}


def car() -> dict[str, bytes]:
    repo = build_repo(ANN, repository_records())
    return {"repo.car": car_bytes([repo.root], repo.blocks)}


if __name__ == "__main__":  # a look at the seeds: their names and sizes
    for make in (zips, json_lists, csv, mbox, car):
        print(make.__name__, json.dumps({n: len(d) for n, d in make().items()}))
