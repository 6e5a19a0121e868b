"""``goodwill import PATH``: each built-in file format is recognised from a sample of it."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from goodwill.errors import SourceError
from goodwill.sources.registry import available_sources
from goodwill.sources.sniffing import detect_source, take_sample
from tests.sources.car_builder import build_repo, write_car
from tests.sources.files import write, write_folder, write_zip

CSV = "time,kind,actor,target\n2024-06-01T09:00:00Z,reply,email:a@x.org,email:b@x.org\n"
JSONL = '{"time": 1717232400, "kind": "reply", "actor": "email:a@x.org"}\n'
SIGNED = "6,2,4,1289241911.72836\n6,5,2,1289241941.53378\n"
TEMPORAL = "1 2 1082040961\n3 4 1082155839\n"


def detect(path: Path) -> str:
    return detect_source(path, available_sources())


@pytest.mark.parametrize(
    ("name", "text", "source"),
    [
        ("events.csv", CSV, "csv"),
        ("events.jsonl", JSONL, "jsonl"),
        ("soc-sign-bitcoinotc.csv", SIGNED, "snap-signed"),
        ("CollegeMsg.txt", TEMPORAL, "snap-temporal"),
    ],
)
def test_files_are_told_by_their_first_lines(
    tmp_path: Path, name: str, text: str, source: str
) -> None:
    assert detect(write(tmp_path / name, text)) == source
    # the name does not decide, and gzip is looked through
    assert detect(write(tmp_path / "renamed.gz", text, compress=True)) == source


def test_archives_are_told_by_their_members(tmp_path: Path) -> None:
    x_members = {"data/account.js": "window.YTD.account.part0 = []", "data/tweets.js": "[]"}
    mastodon_members = {"actor.json": "{}", "outbox.json": "{}"}
    assert detect(write_zip(tmp_path / "x.zip", x_members)) == "x-archive"
    assert detect(write_folder(tmp_path / "x", x_members)) == "x-archive"
    assert detect(write_zip(tmp_path / "m.zip", mastodon_members)) == "mastodon-archive"
    assert detect(write_folder(tmp_path / "m", mastodon_members)) == "mastodon-archive"


def test_what_nothing_recognises_asks_for_a_source(tmp_path: Path) -> None:
    for path in (write(tmp_path / "notes.txt", "dear diary\n"), write(tmp_path / "empty", "")):
        with pytest.raises(SourceError, match="cannot tell what this is") as caught:
            detect(path)
        assert path.name in str(caught.value)
    with pytest.raises(SourceError, match="no such file"):
        detect(tmp_path / "missing.csv")


def test_a_sample_is_bounded(tmp_path: Path) -> None:
    big = tmp_path / "big.gz"
    big.write_bytes(gzip.compress(b"1 2 3\n" * 1_000_000))
    assert len(take_sample(big).head) == 64 * 1024


def test_the_newer_formats_are_told_too(tmp_path: Path) -> None:
    repo = build_repo("did:plc:owner", {"app.bsky.graph.follow/3k": {"subject": "did:plc:x"}})
    assert detect(write_car(tmp_path / "repo.car", repo)) == "bluesky-car"
    mbox = "From ann@x.org Sat Jun  1 09:00:00 2024\nFrom: ann@x.org\nTo: bo@x.org\n\nhi\n"
    assert detect(write(tmp_path / "All mail.mbox.gz", mbox, compress=True)) == "mbox"
    linkedin = {"Connections.csv": "First Name,Last Name,URL,Email Address,Company,Position,"}
    assert detect(write_zip(tmp_path / "Basic_LinkedInDataExport.zip", linkedin)) == "linkedin"
    card = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann\r\nEMAIL:ann@x.org\r\nEND:VCARD\r\n"
    assert detect(write(tmp_path / "contacts.vcf", card)) == "vcard"
