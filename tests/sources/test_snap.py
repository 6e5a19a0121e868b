"""SNAP sources: ``snap-signed`` (SOURCE,TARGET,RATING,TIME) and ``snap-temporal`` (SRC TGT UNIXTS)."""

from __future__ import annotations

import gzip
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.errors import SourceError
from goodwill.events import Event, Record, Rejected
from goodwill.sources.base import Source
from goodwill.sources.snap import SnapSignedSource, SnapTemporalSource
from tests.sources.files import read, write

# --- helpers ---------------------------------------------------------------------------------


def signed(path: Path, **options: str) -> list[Record]:
    return read(SnapSignedSource(options), path)


def temporal(path: Path, **options: str) -> list[Record]:
    return read(SnapTemporalSource(options), path)


def events_of(records: list[Record]) -> list[Event]:
    return [r for r in records if isinstance(r, Event)]


def rejected_of(records: list[Record]) -> list[Rejected]:
    return [r for r in records if isinstance(r, Rejected)]


def epoch_text(time_us: int) -> str:
    """Epoch seconds with six decimals, as SNAP writes fractional times."""
    sign = "-" if time_us < 0 else ""
    whole, micros = divmod(abs(time_us), 1_000_000)
    return f"{sign}{whole}.{micros:06d}"


@pytest.fixture(params=[False, True], ids=["plain", "gzip"])
def compress(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


# --- snap-signed -----------------------------------------------------------------------------


def test_signed_rows_become_rating_events(tmp_path: Path, compress: bool) -> None:
    name = "soc-sign-bitcoinotc.csv" + (".gz" if compress else "")
    path = write(tmp_path / name, "6,2,4,1289241911.72836\n6,5,-2,1289241941\n", compress=compress)
    assert signed(path) == [
        Event(
            "rating",
            "soc-sign-bitcoinotc:6",
            "soc-sign-bitcoinotc:2",
            1_289_241_911_728_360,
            "soc-sign-bitcoinotc:6>2@1289241911.72836",
            value=4.0,
        ),
        Event(
            "rating",
            "soc-sign-bitcoinotc:6",
            "soc-sign-bitcoinotc:5",
            1_289_241_941_000_000,
            "soc-sign-bitcoinotc:6>5@1289241941",
            value=-2.0,
        ),
    ]


def test_signed_network_option_overrides_the_file_name(tmp_path: Path) -> None:
    path = write(tmp_path / "soc-sign-bitcoinotc.csv", "6,2,4,100\n")
    [event] = signed(path, network="otc")
    assert (event.actor, event.target, event.external_id) == ("otc:6", "otc:2", "otc:6>2@100")


def test_signed_fractional_ratings_and_negative_times(tmp_path: Path) -> None:
    path = write(tmp_path / "net.csv", "1,2,0.5,-1.5\n1,2,-10,0\n")
    assert [(e.value, e.time_us) for e in signed(path)] == [(0.5, -1_500_000), (-10.0, 0)]


def test_signed_fields_may_carry_spaces_around_ids(tmp_path: Path) -> None:
    path = write(tmp_path / "net.csv", "1, 2, 3, 100\n 4 ,5,6,7\n")
    assert [(e.actor, e.target, e.value, e.time_us) for e in signed(path)] == [
        ("net:1", "net:2", 3.0, 100_000_000),
        ("net:4", "net:5", 6.0, 7_000_000),
    ]


def test_signed_windows_line_endings_are_not_part_of_the_time(tmp_path: Path) -> None:
    path = write(tmp_path / "net.csv", "1,2,3,100\r\n1,2,3,x\r\n")
    records = signed(path)
    assert records[0] == Event("rating", "net:1", "net:2", 100_000_000, "net:1>2@100", value=3.0)
    assert records[1] == Rejected(
        "line 2",
        "time 'x' is not a number of epoch seconds (SOURCE,TARGET,RATING,TIME)",
        "1,2,3,x",
    )


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("1,2,3", "expected 4 comma-separated fields SOURCE,TARGET,RATING,TIME, found 3"),
        ("1,2,3,4,5", "expected 4 comma-separated fields SOURCE,TARGET,RATING,TIME, found 5"),
        ("1 2 3 4", "expected 4 comma-separated fields SOURCE,TARGET,RATING,TIME, found 1"),
        ("a,2,3,100", "SOURCE and TARGET must be whole-number node ids"),
        ("1,-2,3,100", "SOURCE and TARGET must be whole-number node ids"),
        ("1,2.0,3,100", "SOURCE and TARGET must be whole-number node ids"),
        ("1,2,good,100", "could not convert string to float: 'good'"),
        ("1,2,3,", "time '' is not a number of epoch seconds"),
        ("1,2,3,2011-01-01", "time '2011-01-01' is not a number of epoch seconds"),
        ("1,2,3,1.5x", "time '1.5x' is not a number of epoch seconds"),
        ("1,2,3,1.-5", "time '1.-5' is not a number of epoch seconds"),
    ],
)
def test_signed_bad_rows_are_rejected_at_their_line(tmp_path: Path, line: str, reason: str) -> None:
    # Line numbers count the comment and the blank line before the bad row.
    path = write(tmp_path / "net.csv", f"# SOURCE,TARGET,RATING,TIME\n\n{line}\n7,8,9,10\n")
    records = signed(path)
    assert len(records) == 2
    assert isinstance(records[0], Rejected)
    assert records[0].location == "line 3"
    assert records[0].raw == line
    assert records[0].reason.startswith(reason)
    assert records[1] == Event("rating", "net:7", "net:8", 10_000_000, "net:7>8@10", value=9.0)


# --- snap-temporal ---------------------------------------------------------------------------


def test_temporal_rows_become_message_events(tmp_path: Path, compress: bool) -> None:
    name = "CollegeMsg.txt" + (".gz" if compress else "")
    path = write(tmp_path / name, "1 2 1082040961\n3\t4\t1082155839.5\n", compress=compress)
    assert temporal(path) == [
        Event(
            "message",
            "collegemsg:1",
            "collegemsg:2",
            1_082_040_961_000_000,
            "collegemsg:1>2@1082040961",
        ),
        Event(
            "message",
            "collegemsg:3",
            "collegemsg:4",
            1_082_155_839_500_000,
            "collegemsg:3>4@1082155839.5",
        ),
    ]


def test_temporal_network_option_overrides_the_file_name(tmp_path: Path) -> None:
    path = write(tmp_path / "CollegeMsg.txt", "1 2 100\n")
    [event] = temporal(path, network="college")
    assert (event.actor, event.target, event.external_id) == (
        "college:1",
        "college:2",
        "college:1>2@100",
    )


def test_temporal_higgs_codes_give_share_mention_and_reply(tmp_path: Path) -> None:
    path = write(
        tmp_path / "higgs-activity_time.txt", "1 2 100 RT\n3 4 101 MT\n5 6 102 RE\n7 8 103\n"
    )
    events = temporal(path)
    assert [(e.kind, e.actor, e.target, e.time_us) for e in events] == [
        ("share", "higgs-activity_time:1", "higgs-activity_time:2", 100_000_000),
        ("mention", "higgs-activity_time:3", "higgs-activity_time:4", 101_000_000),
        ("reply", "higgs-activity_time:5", "higgs-activity_time:6", 102_000_000),
        ("message", "higgs-activity_time:7", "higgs-activity_time:8", 103_000_000),
    ]
    assert [e.external_id for e in events] == [
        "higgs-activity_time:1>2@100:RT",
        "higgs-activity_time:3>4@101:MT",
        "higgs-activity_time:5>6@102:RE",
        "higgs-activity_time:7>8@103",
    ]


def test_temporal_same_pair_and_time_with_different_codes_are_different_events(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "higgs.txt", "1 2 100 RT\n1 2 100 RE\n1 2 100\n")
    keys = [e.external_id for e in temporal(path)]
    assert keys == ["higgs:1>2@100:RT", "higgs:1>2@100:RE", "higgs:1>2@100"]


def test_temporal_kind_option_sets_the_kind_of_uncoded_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "email-Eu-core-temporal.txt", "1 2 100\n1 2 101 RE\n")
    assert [e.kind for e in temporal(path, kind="email")] == ["email", "reply"]


def test_temporal_bad_kind_option_is_a_source_error(tmp_path: Path) -> None:
    path = write(tmp_path / "net.txt", "1 2 100\n")
    with pytest.raises(SourceError, match=r"option kind='chat' is not an event kind; use one of"):
        temporal(path, kind="chat")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("1 2", "expected SRC TGT UNIXTS (and an optional RT/MT/RE code), found 2 fields"),
        ("1 2 3 RT x", "expected SRC TGT UNIXTS (and an optional RT/MT/RE code), found 5 fields"),
        ("1,2,3", "expected SRC TGT UNIXTS (and an optional RT/MT/RE code), found 1 fields"),
        ("1 2 3 XX", "unknown interaction code 'XX'; expected RT, MT or RE"),
        ("1 2 3 rt", "unknown interaction code 'rt'; expected RT, MT or RE"),
        ("a 2 3", "SRC and TGT must be whole-number node ids (SRC TGT UNIXTS)"),
        ("1 b 3", "SRC and TGT must be whole-number node ids (SRC TGT UNIXTS)"),
        ("1 2 later", "time 'later' is not a number of epoch seconds (SRC TGT UNIXTS)"),
        ("1 2 1.-5", "time '1.-5' is not a number of epoch seconds (SRC TGT UNIXTS)"),
    ],
)
def test_temporal_bad_rows_are_rejected_at_their_line(
    tmp_path: Path, line: str, reason: str
) -> None:
    path = write(tmp_path / "net.txt", f"\n# SRC TGT UNIXTS\n   \n{line}\n7 8 10\n")
    records = temporal(path)
    assert records == [
        Rejected("line 4", reason, line),
        Event("message", "net:7", "net:8", 10_000_000, "net:7>8@10"),
    ]


# --- both: names, comments, keys -------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_name", "network"),
    [
        ("soc-sign-bitcoinotc.csv", "soc-sign-bitcoinotc"),
        ("soc-sign-bitcoinalpha.csv.gz", "soc-sign-bitcoinalpha"),
        ("CollegeMsg.txt.gz", "collegemsg"),
        ("email-Eu-core-temporal.txt", "email-eu-core-temporal"),
        ("wiki talk (en).tsv", "wiki-talk-en"),
        ("graph.edges", "graph"),
        ("data.v2.txt", "data.v2"),
    ],
)
def test_network_is_derived_from_the_file_name(
    tmp_path: Path, file_name: str, network: str
) -> None:
    text = "1,2,3,100\n" if "sign" in file_name else "1 2 100\n"
    path = write(tmp_path / file_name, text, compress=file_name.endswith(".gz"))
    source = SnapSignedSource() if "sign" in file_name else SnapTemporalSource()
    [event] = read(source, path)
    assert (event.actor, event.target) == (f"{network}:1", f"{network}:2")


def test_a_file_name_with_no_usable_letters_needs_the_network_option(tmp_path: Path) -> None:
    path = write(tmp_path / "!!!.txt", "1 2 100\n")
    with pytest.raises(SourceError, match="pass --option network=NAME") as caught:
        temporal(path)
    assert caught.value.path == path
    [event] = temporal(path, network="bangs")
    assert event.actor == "bangs:1"


def test_blank_lines_and_comments_are_skipped(tmp_path: Path) -> None:
    text = "# Directed graph\n#\n\n   \n\t\n1 2 100\n# 3 4 101\n\n5 6 102\n"
    path = write(tmp_path / "net.txt", text)
    assert [(e.actor, e.target) for e in temporal(path)] == [("net:1", "net:2"), ("net:5", "net:6")]
    path = write(tmp_path / "net.csv", "# SOURCE,TARGET\n\n \n1,2,3,100\n#4,5,6,7\n8,9,1,2\n")
    assert [(e.actor, e.target) for e in signed(path)] == [("net:1", "net:2"), ("net:8", "net:9")]


def test_only_a_hash_at_the_start_makes_a_comment(tmp_path: Path) -> None:
    path = write(tmp_path / "net.txt", " # 1 2 100\n")
    [record] = temporal(path)
    assert isinstance(record, Rejected)
    assert record.location == "line 1"


def test_repeated_identical_rows_get_numbered_keys(tmp_path: Path) -> None:
    path = write(tmp_path / "net.csv", "1,2,3,100\n1,2,3,100\n1,2,3,100\n2,1,3,100\n1,2,3,101\n")
    keys = [e.external_id for e in signed(path)]
    assert keys == [
        "net:1>2@100",
        "net:1>2@100#1",
        "net:1>2@100#2",
        "net:2>1@100",
        "net:1>2@101",
    ]
    assert [e.external_id for e in signed(path)] == keys


def test_temporal_repeats_are_numbered_the_same_on_every_read(
    tmp_path: Path, compress: bool
) -> None:
    path = write(tmp_path / "net.txt", "1 2 100\n1 2 100\n\n1 2 100\n", compress=compress)
    first = [e.external_id for e in temporal(path)]
    assert first == ["net:1>2@100", "net:1>2@100#1", "net:1>2@100#2"]
    assert [e.external_id for e in temporal(path)] == first


def test_a_new_source_instance_gives_the_same_keys(tmp_path: Path) -> None:
    path = write(tmp_path / "net.txt", "1 2 100\n1 2 100\n3 4 100\n")
    assert temporal(path) == temporal(path)


# --- both: bad input files -------------------------------------------------------------------


@pytest.mark.parametrize("source_class", [SnapSignedSource, SnapTemporalSource])
def test_a_truncated_gzip_is_a_source_error_naming_the_file(
    tmp_path: Path, source_class: type[Source]
) -> None:
    if source_class is SnapTemporalSource:
        rows = "".join(f"{i} {i + 1} {1000 + i}\n" for i in range(3000))
    else:
        rows = "".join(f"{i},{i + 1},1,{1000 + i}\n" for i in range(3000))
    data = gzip.compress(rows.encode())
    path = tmp_path / "net.txt.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError, match="the compressed data is damaged or cut short") as caught:
        read(source_class(), path)
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{path}: after line ")


def test_a_gzip_with_a_bad_checksum_is_a_source_error(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(b"1 2 100\n"))
    data[-8] ^= 0xFF  # the CRC32 of the content
    path = tmp_path / "net.txt.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(SourceError, match="damaged or cut short") as caught:
        temporal(path)
    assert caught.value.path == path


@pytest.mark.parametrize("compress_it", [False, True], ids=["plain", "gzip"])
def test_bytes_that_are_not_utf8_are_a_source_error_naming_the_line(
    tmp_path: Path, compress_it: bool
) -> None:
    data = b"# ok\n1 2 100\n1 2 \xff100\n"
    path = tmp_path / "net.txt"
    path.write_bytes(gzip.compress(data) if compress_it else data)
    source = SnapTemporalSource()
    records = source.records(path)
    assert next(records) == Event("message", "net:1", "net:2", 100_000_000, "net:1>2@100")
    with pytest.raises(
        SourceError, match=r"line 3: not UTF-8 text \(byte 5 of the line\)"
    ) as caught:
        next(records)
    assert caught.value.path == path


def test_a_missing_file_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.csv"
    with pytest.raises(SourceError, match="cannot open") as caught:
        signed(path)
    assert caught.value.path == path


def test_an_empty_file_yields_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "net.txt", "")
    assert temporal(path) == []
    assert signed(path) == []


# --- progress --------------------------------------------------------------------------------


def positions(source: Source, path: Path) -> Iterator[int]:
    """``bytes_read()`` before reading, after each record, and once the records are exhausted."""
    yield source.bytes_read()
    for _ in source.records(path):
        yield source.bytes_read()
    yield source.bytes_read()


def test_bytes_read_climbs_to_the_file_size(tmp_path: Path, compress: bool) -> None:
    # Enough rows to span several reads of the 1 MiB buffer (and of gzip's chunks).
    rows = "".join(f"{i} {i + 1} {1_000_000_000 + i}\n" for i in range(60_000))
    path = write(tmp_path / "net.txt", rows, compress=compress)
    seen = list(positions(SnapTemporalSource(), path))
    assert seen[0] == 0
    assert seen == sorted(seen)
    assert 0 < seen[len(seen) // 2] < path.stat().st_size
    assert seen[-1] == path.stat().st_size


def test_bytes_read_reaches_the_size_of_a_file_without_a_final_newline(tmp_path: Path) -> None:
    path = write(tmp_path / "net.csv", "1,2,3,100\n1,2,3,101")
    assert list(positions(SnapSignedSource(), path))[-1] == path.stat().st_size


# --- edge cases found by review (each was a bug once) ---------------------------------


def test_signed_negative_fractional_time_after_a_space_keeps_its_sign(tmp_path: Path) -> None:
    path = write(tmp_path / "net.csv", "1,2,3, -1.5\n")
    [event] = signed(path)
    assert event.time_us == -1_500_000


def test_superscript_digits_are_not_node_ids(tmp_path: Path) -> None:
    path = write(tmp_path / "net.txt", "\u00b2 1 100\n")
    [record] = temporal(path)
    assert isinstance(record, Rejected)


@pytest.mark.parametrize("rating", ["nan", "inf", "-Infinity"])
def test_signed_ratings_that_are_not_finite_are_rejected(tmp_path: Path, rating: str) -> None:
    path = write(tmp_path / "net.csv", f"1,2,{rating},100\n")
    [record] = signed(path)
    assert isinstance(record, Rejected)


@pytest.mark.parametrize("source_class", [SnapSignedSource, SnapTemporalSource])
def test_times_beyond_any_datetime_are_rejected(tmp_path: Path, source_class: type[Source]) -> None:
    row = "1,2,3,99999999999999999999\n"
    if source_class is SnapTemporalSource:
        row = "1 2 99999999999999999999\n"
    path = write(tmp_path / "net.txt", row)
    [record] = read(source_class(), path)
    assert isinstance(record, Rejected)


def test_a_network_option_that_is_not_a_network_name_is_a_source_error(tmp_path: Path) -> None:
    path = write(tmp_path / "net.csv", "1,2,3,100\n")
    with pytest.raises(SourceError, match="network"):
        signed(path, network="Bitcoin OTC")


def test_bytes_read_after_stopping_early_is_still_a_number(tmp_path: Path) -> None:
    path = write(tmp_path / "net.txt", "1 2 100\n3 4 101\n")
    source = SnapTemporalSource()
    records = source.records(path)
    next(records)
    records.close()
    assert 0 < source.bytes_read() <= path.stat().st_size


# --- properties ------------------------------------------------------------------------------

_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


def counted_lines(text: str) -> int:
    """Lines a SNAP source must answer with exactly one record: not blank, not a comment."""
    lines = (line.rstrip("\r\n") for line in text.split("\n"))
    return sum(1 for line in lines if line.strip() and not line.startswith("#"))


def records_for(source: Source, data: bytes) -> list[Record]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "net.txt"
        path.write_bytes(data)
        return read(source, path)


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(_TEXT, max_size=8), signed_source=st.booleans())
def test_any_text_gives_one_event_or_rejection_per_counted_line(
    lines: list[str], signed_source: bool
) -> None:
    text = "\n".join(lines)
    source = SnapSignedSource() if signed_source else SnapTemporalSource()
    records = records_for(source, text.encode("utf-8"))
    assert all(type(r) in (Event, Rejected) for r in records)
    assert len(records) == counted_lines(text)
    for record in records:
        if isinstance(record, Event):
            assert record.actor.startswith("net:") and record.target is not None
        else:
            assert record.location.startswith("line ")


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=60), signed_source=st.booleans())
def test_any_bytes_give_records_or_a_source_error_only_when_not_utf8(
    data: bytes, signed_source: bool
) -> None:
    source = SnapSignedSource() if signed_source else SnapTemporalSource()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        with pytest.raises(SourceError):
            records_for(source, data)
    else:
        records = records_for(source, data)
        assert all(type(r) in (Event, Rejected) for r in records)


_NODES = st.integers(min_value=0, max_value=10**12)
# Times the ledger accepts: the years 1 to 9999.
_TIMES = st.integers(min_value=-62_135_596_800_000_000, max_value=253_402_300_799_000_000)


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(_NODES, _NODES, st.floats(allow_nan=False, allow_infinity=False), _TIMES),
        max_size=10,
    )
)
def test_signed_rows_round_trip(rows: list[tuple[int, int, float, int]]) -> None:
    rows = sorted(rows, key=lambda row: row[3])
    text = "".join(f"{s},{t},{r!r},{epoch_text(us)}\n" for s, t, r, us in rows)
    events = records_for(SnapSignedSource({"network": "otc"}), text.encode())
    assert [(e.kind, e.actor, e.target, e.value, e.time_us) for e in events] == [
        ("rating", f"otc:{s}", f"otc:{t}", r, us) for s, t, r, us in rows
    ]
    # In a time-sorted file every row gets its own key.
    assert len({e.external_id for e in events}) == len(rows)


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            _NODES,
            _NODES,
            st.integers(min_value=0, max_value=10**11),
            st.sampled_from(["", " RT", " MT", " RE"]),
        ),
        max_size=10,
    ),
    separator=st.sampled_from([" ", "\t", "  "]),
)
def test_temporal_rows_round_trip(rows: list[tuple[int, int, int, str]], separator: str) -> None:
    rows = sorted(rows, key=lambda row: row[2])
    text = "".join(f"{s}{separator}{t}{separator}{sec}{code}\n" for s, t, sec, code in rows)
    events = records_for(SnapTemporalSource({"network": "college"}), text.encode())
    kinds = {"": "message", " RT": "share", " MT": "mention", " RE": "reply"}
    assert events == [
        Event(kinds[code], f"college:{s}", f"college:{t}", sec * 1_000_000, e.external_id)
        for (s, t, sec, code), e in zip(rows, events, strict=True)
    ]
    assert len({e.external_id for e in events}) == len(rows)
