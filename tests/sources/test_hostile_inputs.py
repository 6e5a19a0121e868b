"""Inputs built to exhaust a reader: zip bombs, nested and many-member zips, JSON nested a
hundred thousand deep or inflating twenty-fold when parsed, lines and records of tens of
megabytes, mail headers that make the email package work quadratically, CAR files with
absurd lengths, cycles and trees deeper than any repository.

Each must be refused with one of goodwill's errors (or the record alone rejected) under a
documented limit, before the bomb is allocated. What could allocate gigabytes if a guard
failed is read in a child process under ``RLIMIT_AS`` (:mod:`tests.sources.limited`), which
also reports the peak memory that the tests bound; the rest is read here under
:func:`tests.sources.fuzzing.bounded`, whose ``tracemalloc`` peak the tests bound.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

import libipld
import pytest

from goodwill.errors import SourceError
from goodwill.events import Rejected
from goodwill.sources.archive import MAX_DIRECTORY_BYTES
from goodwill.sources.car import MAX_DECODED_BLOCK
from goodwill.sources.inputs import MAX_LINE_BYTES
from goodwill.sources.jsonstream import MAX_ITEM_CONTAINERS
from goodwill.sources.mst import MAX_DEPTH
from goodwill.sources.registry import source_class
from goodwill.sources.vcard import MAX_CARD_PROPERTIES
from tests.sources import test_linkedin, test_mastodon_archive, test_x_archive
from tests.sources.bluesky_data import ANN
from tests.sources.car_builder import car_bytes, cid_of, varint
from tests.sources.fuzzing import bounded
from tests.sources.limited import Reading, read_limited, read_many_limited

MIB = 1024 * 1024
#: What a child reading a refused bomb may reach, interpreter and libraries included.
_SMALL_RSS = 200 * MIB


def _records(name: str, path: Path, options: dict[str, str] | None = None) -> Any:
    """A source's reading of ``path``, made ready (its libraries imported) outside the
    measured block; iterate it inside."""
    return source_class(name)(options).records(path)


# --- zips built by hand: sizes and methods as declared, not as zipfile would write them --


def _zeros_deflated(mib: int) -> bytes:
    """A raw deflate stream of ``mib`` MiB of zeros, made from one compressed MiB repeated
    (a full flush makes each MiB's output independent), so a GiB costs a MiB of work."""
    zeros = bytes(MIB)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    assert first == again
    return first * mib + packer.flush()


def _zip(entries: list[tuple[str, int, bytes, int, int]]) -> bytes:
    """A zip of ``(name, method, stored bytes, declared size, crc)`` entries."""
    local, central = bytearray(), bytearray()
    for name, method, data, size, crc in entries:
        raw = name.encode()
        central += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21,
            crc, len(data), size, len(raw), 0, 0, 0, 0, 0, len(local),
        ) + raw  # fmt: skip
        local += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0x21, crc, len(data), size, len(raw), 0
        ) + raw + data  # fmt: skip
    count = len(entries)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), len(local), 0)
    return bytes(local + central + end)


def _stored(members: dict[str, str | bytes]) -> list[tuple[str, int, bytes, int, int]]:
    out = []
    for name, content in members.items():
        data = content.encode() if isinstance(content, str) else content
        out.append((name, 0, data, len(data), zlib.crc32(data)))
    return out


#: Per archive source: its export's members, and the member a bomb replaces.
_ARCHIVES: dict[str, tuple[dict[str, str | bytes], str]] = {
    "mastodon-archive": (test_mastodon_archive.members(), "outbox.json"),
    "x-archive": (test_x_archive.members(), "data/tweets.js"),
    "linkedin": (test_linkedin.members(), "Connections.csv"),
    "vcard": ({"contacts.vcf": "BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n"}, "contacts.vcf"),
}


def _with_member(name: str, entry: tuple[str, int, bytes, int, int]) -> bytes:
    members, _ = _ARCHIVES[name]
    return _zip([e for e in _stored(members) if e[0] != entry[0]] + [entry])


def _refused(reading: Reading, *words: str) -> None:
    assert reading.outcome == "error", reading
    for word in words:
        assert word in reading.message, reading


def _each_archive(tmp_path: Path, entry: Any) -> list[Reading]:
    """Every archive source's export with its bomb member replaced by ``entry(member)``,
    read in one limited child."""
    inputs = []
    for name, (_, member) in sorted(_ARCHIVES.items()):
        path = tmp_path / f"{name}.zip"
        path.write_bytes(_with_member(name, entry(member)))
        inputs.append((name, path, None))
    return read_many_limited(inputs)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    """3.9 GiB of zeros in a 4 MB member: refused by the size its header declares."""
    bomb = _zeros_deflated(3_900)
    readings = _each_archive(tmp_path, lambda member: (member, 8, bomb, 3_900 * MIB, 0))
    for (_, (_, member)), reading in zip(sorted(_ARCHIVES.items()), readings, strict=True):
        _refused(reading, member, "zip bomb")
        assert reading.python_peak < 8 * MIB and reading.rss_peak < _SMALL_RSS, reading


def test_a_bomb_whose_header_understates_its_size_is_read_no_further(tmp_path: Path) -> None:
    """The same stream declared as 1 MiB: unpacking stops at 1 MiB (zipfile stops where
    the header says), far from the 3.9 GiB it would give."""
    bomb = _zeros_deflated(3_900)
    for reading in _each_archive(tmp_path, lambda member: (member, 8, bomb, MIB, 0)):
        assert reading.outcome in ("error", "records"), reading
        assert reading.python_peak < 16 * MIB and reading.rss_peak < _SMALL_RSS, reading


def test_a_zip_inside_the_zip_is_not_unpacked(tmp_path: Path) -> None:
    inner = _zip([("x", 8, _zeros_deflated(1_000), 1_000 * MIB, 0)])

    def nested(member: str) -> tuple[str, int, bytes, int, int]:
        data = _zip([(member, 0, inner, len(inner), zlib.crc32(inner))])
        return (member, 0, data, len(data), zlib.crc32(data))

    for reading in _each_archive(tmp_path, nested):
        assert reading.outcome in ("error", "records"), reading
        assert reading.rss_peak < _SMALL_RSS, reading


def _many_members(count: int, name_length: int) -> bytes:
    """A zip of ``count`` empty stored members (their directory entries only point at one
    local header, which is all zipfile reads before a member is opened)."""
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0x21, 0, 0, 0, 1, 0) + b"a"
    central = bytearray()
    for number in range(count):
        raw = b"m/%0*d" % (name_length - 2, number)
        central += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0x21, 0, 0, 0, len(raw), 0, 0, 0, 0, 0, 0
        ) + raw  # fmt: skip
    entries = min(count, 0xFFFF)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, entries, entries, len(central), len(local), 0
    )
    return local + bytes(central) + end


def test_a_zip_listing_too_many_members_is_refused_before_they_are_read(tmp_path: Path) -> None:
    count = MAX_DIRECTORY_BYTES // 100 + 1_000  # 100-byte entries: past the limit
    path = tmp_path / "many.zip"
    path.write_bytes(_many_members(count, 54))
    for reading in read_many_limited([("x-archive", path, None), ("vcard", path, None)]):
        _refused(reading, "list of members", "zip bomb")
        assert reading.rss_peak < _SMALL_RSS, reading


def test_many_members_within_the_limit_cost_bounded_memory(tmp_path: Path) -> None:
    """100,000 members (a 10 MiB directory, as an X archive with as many media files) are
    read; zipfile's objects take some 500 bytes each, 8 times the directory's size, which
    the limit on it bounds."""
    path = tmp_path / "many.zip"
    path.write_bytes(_many_members(100_000, 54))
    reading = read_limited("x-archive", path)
    _refused(reading, "no data/tweets.js")
    assert reading.python_peak < 8 * 1.3 * MAX_DIRECTORY_BYTES, reading


# --- JSON --------------------------------------------------------------------------------


def _outbox(item_text: str) -> str:
    return '{"orderedItems": [' + item_text + "]}"


def test_json_nested_a_hundred_thousand_deep_costs_only_its_record(tmp_path: Path) -> None:
    members = test_mastodon_archive.members(outbox__json=_outbox("[" * 100_000 + "]" * 100_000))
    path = tmp_path / "deep.zip"
    path.write_bytes(_zip(_stored(members)))
    reading = _records("mastodon-archive", path)
    with bounded(memory=16 * MIB):
        records = list(reading)
    (rejected,) = [r for r in records if isinstance(r, Rejected)]
    assert rejected.location == "outbox.json:0" and "nested too deeply" in rejected.reason


@pytest.mark.parametrize(
    ("name", "member", "text"),
    [
        ("mastodon-archive", "actor.json", "[" * 100_000 + "]" * 100_000),
        ("x-archive", "data/account.js", "window.YTD.account.part0 = " + "[" * 100_000),
    ],
)
def test_a_document_nested_too_deep_is_refused(
    name: str, member: str, text: str, tmp_path: Path
) -> None:
    members, _ = _ARCHIVES[name]
    path = tmp_path / "deep.zip"
    path.write_bytes(_zip(_stored({**members, member: text})))
    expected = rf"{member}: .*(nested too deeply|not valid JSON)"
    reading = _records(name, path)
    with bounded(memory=16 * MIB), pytest.raises(SourceError, match=expected):
        list(reading)


def test_a_record_that_would_inflate_twentyfold_is_refused_unparsed(tmp_path: Path) -> None:
    """3 MiB of ``{},`` (far inside the 32M-character record limit) would take 80 MB as
    Python dicts, and 30 MiB 800 MB; refused by its count of objects and lists, unparsed.
    (Reading the start of a record to see whether it is complete parses at most the 1 MiB
    chunk at hand: some 25 MB.)"""
    item = "[" + "{}," * MAX_ITEM_CONTAINERS + "{}]"
    members = test_mastodon_archive.members(outbox__json=_outbox(item))
    path = tmp_path / "inflating.zip"
    path.write_bytes(_zip(_stored(members)))
    reading = read_limited("mastodon-archive", path)
    assert reading.outcome == "records", reading
    assert reading.rejected[0] == (
        f"outbox.json:0: the record holds more than {MAX_ITEM_CONTAINERS:,} objects and lists"
    )
    assert reading.python_peak < 48 * MIB, reading


def test_a_small_document_read_whole_is_capped(tmp_path: Path) -> None:
    """actor.json is read whole; 30 MiB of ``{},`` is refused at 1 MiB, never parsed."""
    members = test_mastodon_archive.members(actor__json="[" + "{}," * (10 * MIB) + "{}]")
    path = tmp_path / "actor.zip"
    path.write_bytes(_zip(_stored(members)))
    reading = read_limited("mastodon-archive", path)
    _refused(reading, "actor.json: is larger than 1 MiB")
    assert reading.python_peak < 8 * MIB, reading


# --- huge lines and records --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "header"),
    [("csv", b"time,kind,actor\n"), ("jsonl", b""), ("snap-signed", b""), ("snap-temporal", b"")],
)
def test_a_line_of_32_mib_is_refused_at_the_line_limit(
    name: str, header: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(header + b"7" * (32 * MIB))
    reading = _records(name, path, {"network": "x"} if name in ("csv", "jsonl") else {})
    with bounded(memory=4 * MAX_LINE_BYTES), pytest.raises(SourceError, match="is longer than"):
        list(reading)


@pytest.mark.parametrize(
    ("name", "member"),
    [("linkedin", "Connections.csv"), ("mastodon-archive", "following_accounts.csv")],
)
def test_a_csv_member_of_one_32_mib_line_is_refused(name: str, member: str, tmp_path: Path) -> None:
    members, _ = _ARCHIVES[name]
    path = tmp_path / "long.zip"
    path.write_bytes(_zip(_stored({**members, member: b"a" * (32 * MIB)})))
    reading = _records(name, path)
    with bounded(memory=8 * MIB), pytest.raises(SourceError, match="longer than"):
        list(reading)


def test_a_card_of_too_many_properties_is_rejected_unparsed(tmp_path: Path) -> None:
    lines = "".join(f"X-N{n}:v\r\n" for n in range(MAX_CARD_PROPERTIES + 1))
    path = tmp_path / "many.vcf"
    path.write_text(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\n{lines}END:VCARD\r\n")
    reading = _records("vcard", path)
    with bounded(memory=16 * MIB):
        (record,) = list(reading)
    assert isinstance(record, Rejected) and "more than 1,000 properties" in record.reason


def test_a_photo_of_12_mib_is_skipped_unread(tmp_path: Path) -> None:
    """The photo, folded into 160,000 lines, is not handed to vobject (which would take
    hours on it); the card's accounts are read."""
    photo = "\r\n ".join(["A" * 74] * (12 * MIB // 76))
    card = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nPHOTO;ENCODING=b:{photo}\r\nEMAIL:a@b.org\r\nEND:VCARD\r\n"
    path = tmp_path / "photo.vcf"
    path.write_text(card)
    reading = _records("vcard", path)
    with bounded(memory=64 * MIB):
        records = list(reading)
    assert [r.handle for r in records if hasattr(r, "handle")] == ["email:a@b.org"]


def test_a_vcard_line_that_backtracks_for_ever_is_rejected(tmp_path: Path) -> None:
    """vobject's own pattern takes 40 s on this 550-byte line, twice as long for every
    few bytes more; goodwill's check of the same grammar rejects it at once."""
    line = 'TEL;TYPE="' + '=uri;TYPE="' * 2_001 + 'voice":tel:+1-555-555-0100'
    path = tmp_path / "redos.vcf"
    path.write_text(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\n{line}\r\nEND:VCARD\r\n")
    reading = _records("vcard", path)
    with bounded(seconds=20):
        (record,) = list(reading)
    assert isinstance(record, Rejected) and "line 4: cannot read" in record.reason


# --- mail --------------------------------------------------------------------------------

_MESSAGE = b"From MAILER-DAEMON Tue Jun  4 10:00:00 2024\nFrom: ann@example.com\n"
_END = b"\nDate: Tue, 4 Jun 2024 10:00:00 +0000\nMessage-ID: <1@x>\n\nbody\n"


def test_headers_without_end_are_rejected_at_a_mib(tmp_path: Path) -> None:
    path = tmp_path / "giant.mbox"
    path.write_bytes(_MESSAGE + b"X-Junk: " + b'"' * (48 * MIB) + b"\n")
    reading = _records("mbox", path)
    with bounded(memory=8 * MIB):
        (record,) = list(reading)
    assert isinstance(record, Rejected) and "run past 1,048,576 bytes" in record.reason


@pytest.mark.parametrize(
    "unit",
    [
        b'"',
        b"\\",
        b"=?utf-8?q?a?= ",
        b"(",
        b'"a" <a@b.c>,',
        b"(c) a@b.c,",
        b"=?utf-8?q?b?= <b@c.d>,",
    ],
)
def test_a_mib_long_recipient_header_reads_in_bounded_time(unit: bytes, tmp_path: Path) -> None:
    """The email package takes time growing with the square of such a header's length
    (hours for a MiB of quotes) and recurses on nested comments; goodwill splits long
    lists, reads the rest plainly, and rejects what still cannot be read."""
    text = unit * (900 * 1024 // len(unit))  # the header block stays under its 1 MiB limit
    path = tmp_path / "slow.mbox"
    path.write_bytes(_MESSAGE + b"To: x@y.z, " + text + b"\nSubject: " + text[:60_000] + _END)
    reading = _records("mbox", path)
    with bounded(seconds=60, memory=64 * MIB):
        records = list(reading)
    assert "email:x@y.z" in [getattr(r, "target", None) for r in records], records[:3]


# --- CAR ---------------------------------------------------------------------------------


def _header(roots: list[bytes]) -> bytes:
    block = libipld.encode_dag_cbor({"version": 1, "roots": roots})
    return varint(len(block)) + block


def _trusted_cid(number: int) -> bytes:
    """A CID under SHA-512, which goodwill takes on trust (atproto uses SHA-256 only), so a
    test can make blocks link in ways no hash allows: a node that is its own child."""
    return b"\x01\x71\x13\x40" + number.to_bytes(64, "big")


def _commit(tree: bytes) -> bytes:
    return libipld.encode_dag_cbor(
        {"did": ANN, "version": 3, "data": tree, "rev": "x", "prev": None, "sig": b"\x00" * 64}
    )


def _car_with_tree(nodes: dict[bytes, Any], root: bytes) -> bytes:
    commit = _commit(root)
    blocks = {cid_of(commit): commit}
    blocks.update({cid: libipld.encode_dag_cbor(node) for cid, node in nodes.items()})
    return car_bytes([cid_of(commit)], blocks)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (varint(2**62) + b"\xa0", "declares a header of"),
        (_header([cid_of(b"x")]) + varint(2**62) + b"\x01", "declares 4,611,686,018,427,387,904"),
        (_header([cid_of(b"x")]) + varint(2**70), "runs past 9 bytes"),
        (_header([cid_of(b"x")]) + varint(40) + b"\x01\x71\x12" + varint(2**60) + b"\x00" * 30,
         "its CID runs past the block"),
    ],
)  # fmt: skip
def test_absurd_lengths_are_refused_before_anything_is_read(
    data: bytes, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "absurd.car"
    path.write_bytes(data)
    with bounded(memory=MIB), pytest.raises(SourceError) as raised:
        list(_records("bluesky-car", path))
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("shape", "message"),
    [("cycle", "the tree links to it twice"), ("deep", f"more than {MAX_DEPTH} levels deep")],
)
def test_a_tree_with_a_cycle_or_too_deep_stops_the_import(
    shape: str, message: str, tmp_path: Path
) -> None:
    if shape == "cycle":
        nodes = {_trusted_cid(1): {"l": _trusted_cid(2), "e": []},
                 _trusted_cid(2): {"l": _trusted_cid(1), "e": []}}  # fmt: skip
    else:
        nodes = {_trusted_cid(n): {"l": _trusted_cid(n + 1), "e": []} for n in range(1_000)}
    path = tmp_path / "tree.car"
    path.write_bytes(_car_with_tree(nodes, _trusted_cid(1)))
    reading = _records("bluesky-car", path)
    with bounded(memory=8 * MIB), pytest.raises(SourceError, match=message):
        list(reading)


def _car_with_record(record_block: bytes) -> bytes:
    cid = cid_of(record_block)
    node = libipld.encode_dag_cbor(
        {"l": None, "e": [{"p": 0, "k": b"app.bsky.feed.post/3kq2a", "v": cid, "t": None}]}
    )
    commit = _commit(cid_of(node))
    return car_bytes(
        [cid_of(commit)], {cid_of(commit): commit, cid_of(node): node, cid: record_block}
    )


#: Record blocks, and why each is rejected: nested 200,000 deep; 2 MiB of empty maps
#: (150 MB once decoded, refused unread); an array declaring 2**40 items.
_RECORD_BLOCKS = (
    (b"\x81" * 200_000 + b"\x00", "not valid DAG-CBOR"),
    (b"\x9a" + (MAX_DECODED_BLOCK + 1).to_bytes(4, "big") + b"\xa0" * (MAX_DECODED_BLOCK + 1),
     "more than any record"),
    (b"\x9b" + (2**40).to_bytes(8, "big") + b"\xa0", "not valid DAG-CBOR"),
)  # fmt: skip


def test_a_record_block_that_would_crash_or_inflate_costs_only_itself(tmp_path: Path) -> None:
    inputs = []
    for number, (block, _) in enumerate(_RECORD_BLOCKS):
        path = tmp_path / f"record{number}.car"
        path.write_bytes(_car_with_record(block))
        inputs.append(("bluesky-car", path, None))
    readings = read_many_limited(inputs)  # in a child: native code could crash
    for (_, reason), reading in zip(_RECORD_BLOCKS, readings, strict=True):
        assert reading.outcome == "records", reading  # the record is reported, no crash
        assert len(reading.rejected) == 1 and reason in reading.rejected[0], reading
        assert reading.rss_peak < _SMALL_RSS, reading


def test_many_tiny_blocks_cost_about_150_bytes_each(tmp_path: Path) -> None:
    """The index holds a CID and an offset per block: 300,000 sections of 38 bytes (an
    11 MB file; no real repository is this fragmented) take about 150 bytes each."""
    sections = bytearray(_header([cid_of(b"none")]))
    for number in range(300_000):
        sections += b"\x25" + b"\x01\x71\x12\x20" + number.to_bytes(32, "big") + b"\xa0"
    path = tmp_path / "tiny.car"
    path.write_bytes(bytes(sections))
    reading = read_limited("bluesky-car", path)
    _refused(reading, "the root block")
    assert reading.python_peak < 300_000 * 200, reading
