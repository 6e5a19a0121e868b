"""The generic sources: ``csv`` (a header naming the columns) and ``jsonl`` (one object a line)."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.errors import SourceError
from goodwill.events import KINDS, Event, Identity, Record, Rejected, from_time_us, to_time_us
from goodwill.sources.tabular import COLUMNS, CsvSource, JsonlSource
from tests.sources.files import read, write

# --- helpers ---------------------------------------------------------------------------------

ANN = "mastodon:@ann@a.social"
BOB = "mastodon:@bob@b.social"
T0 = 1_717_234_200_000_000  # 2024-06-01T09:30:00Z


def csv_text(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def jsonl_text(objects: Sequence[object]) -> str:
    return "".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in objects)


def read_csv(path: Path, **options: str) -> list[Record]:
    return read(CsvSource(options), path)


def read_jsonl(path: Path, **options: str) -> list[Record]:
    return read(JsonlSource(options), path)


def rows_as_file(folder: Path, fmt: str, rows: Sequence[Mapping[str, Any]]) -> Path:
    """Rows (dicts of column -> value) as a CSV file with every column seen, or as JSON lines."""
    if fmt == "csv":
        header = list(dict.fromkeys(key for row in rows for key in row))
        body = [[row.get(key, "") for key in header] for row in rows]
        return write(folder / "events.csv", csv_text(header, body))
    return write(folder / "events.jsonl", jsonl_text(rows))


def read_rows(
    folder: Path, fmt: str, rows: Sequence[Mapping[str, Any]], **options: str
) -> list[Record]:
    path = rows_as_file(folder, fmt, rows)
    return read_csv(path, **options) if fmt == "csv" else read_jsonl(path, **options)


def only(records: list[Record]) -> Record:
    assert len(records) == 1, records
    return records[0]


def one_event(records: list[Record]) -> Event:
    event = only(records)
    assert isinstance(event, Event), event
    return event


def event_keys(records: list[Record]) -> list[str]:
    return [r.external_id for r in records if isinstance(r, Event)]


both_formats = pytest.mark.parametrize("fmt", ["csv", "jsonl"])


# --- columns ---------------------------------------------------------------------------------


@both_formats
def test_every_column_is_honoured(tmp_path: Path, fmt: str) -> None:
    row = {
        "text": 'hi, "Bob"\nsee you',
        "target_name": "Bob B.",
        "time": "2024-06-01T09:30:00Z",
        "answers": " 108 ",
        "kind": " reply ",
        "unused": "ignored",
        "actor": f" {ANN} ",
        "value": "4.5",
        "target": BOB,
        "id": " 109 ",
        "actor_name": "Ann A.",
    }
    assert read_rows(tmp_path, fmt, [row]) == [
        Identity(ANN, name="Ann A."),
        Identity(BOB, name="Bob B."),
        Event("reply", ANN, BOB, T0, "109", value=4.5, text='hi, "Bob"\nsee you', answers="108"),
    ]


@both_formats
def test_optional_columns_may_be_absent_or_empty(tmp_path: Path, fmt: str) -> None:
    rows = [
        {"time": "1717234200", "kind": "post", "actor": ANN},
        {
            "time": "1717234200",
            "kind": "post",
            "actor": BOB,
            "target": " ",
            "value": "",
            "text": "",
        },
    ]
    records = read_rows(tmp_path, fmt, rows)
    assert [(e.kind, e.actor, e.target, e.value, e.text, e.answers) for e in records] == [
        ("post", ANN, None, None, None, None),
        ("post", BOB, None, None, None, None),
    ]


def test_text_keeps_its_spaces(tmp_path: Path) -> None:
    rows = [{"time": "1", "kind": "post", "actor": ANN, "text": "  indented  "}]
    assert one_event(read_rows(tmp_path, "csv", rows)).text == "  indented  "


def test_jsonl_numbers_become_text_for_time_value_and_id(tmp_path: Path) -> None:
    path = write(
        tmp_path / "e.jsonl",
        jsonl_text(
            [
                {"time": 1717234200, "kind": "rating", "actor": ANN, "value": 4, "id": 7},
                {"time": 1717234200.25, "kind": "rating", "actor": ANN, "value": -1.5, "id": 8.5},
            ]
        ),
    )
    assert read_jsonl(path) == [
        Event("rating", ANN, None, T0, "7", value=4.0),
        Event("rating", ANN, None, T0 + 250_000, "8.5", value=-1.5),
    ]


def test_csv_header_may_have_a_byte_order_mark_spaces_and_any_order(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", "\ufeffactor , kind,time\r\nemail:a@x.org,post,1717234200\r\n")
    [event] = read_csv(path)
    assert isinstance(event, Event)
    assert event == Event("post", "email:a@x.org", None, T0, event.external_id)
    assert event.external_id.startswith("h:")


@both_formats
def test_gzip_files_are_read_too(tmp_path: Path, fmt: str) -> None:
    plain = rows_as_file(tmp_path, fmt, [{"time": "1", "kind": "post", "actor": ANN, "id": "a"}])
    packed = write(tmp_path / (plain.name + ".gz"), plain.read_text(), compress=True)
    source = CsvSource() if fmt == "csv" else JsonlSource()
    assert read(source, packed) == [Event("post", ANN, None, 1_000_000, "a")]


# --- times -----------------------------------------------------------------------------------


@both_formats
@pytest.mark.parametrize(
    ("text", "time_us"),
    [
        ("2024-06-01T09:30:00Z", T0),
        ("2024-06-01T09:30:00.123456Z", T0 + 123_456),
        ("2024-06-01T11:30:00+02:00", T0),
        ("2024-06-01T04:00:00-05:30", T0),
        ("2024-06-01T09:30:00+00:00", T0),
        ("2024-06-01T09:30:00", T0),
        ("2024-06-01 09:30:00", T0),
        ("2024-06-01", T0 - (9 * 3600 + 1800) * 1_000_000),
        ("1717234200", T0),
        ("1717234200.25", T0 + 250_000),
        ("1717234200.123456789", T0 + 123_456),
        (" 1717234200 ", T0),
        ("0", 0),
        ("1969-12-31T23:59:59Z", -1_000_000),
    ],
)
def test_times_iso_8601_or_epoch_seconds(tmp_path: Path, fmt: str, text: str, time_us: int) -> None:
    records = read_rows(tmp_path, fmt, [{"time": text, "kind": "post", "actor": ANN}])
    assert one_event(records).time_us == time_us


@both_formats
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "time is empty"),
        ("   ", "time is empty"),
        ("yesterday", "time 'yesterday' is not ISO 8601 (e.g. 2024-06-01T09:30:00Z)"),
        ("1717234200x", "time '1717234200x' is not ISO 8601"),
        ("1.2.3", "time '1.2.3' is not ISO 8601"),
        ("2024-13-01T00:00:00Z", "time '2024-13-01T00:00:00Z' is not ISO 8601"),
        ("--5", "time '--5' is not ISO 8601"),
    ],
)
def test_bad_times_are_rejected(tmp_path: Path, fmt: str, text: str, reason: str) -> None:
    record = only(read_rows(tmp_path, fmt, [{"time": text, "kind": "post", "actor": ANN}]))
    assert isinstance(record, Rejected)
    assert record.location == ("line 2" if fmt == "csv" else "line 1")
    assert record.reason.startswith(reason)


# --- accounts --------------------------------------------------------------------------------


@both_formats
def test_bare_accounts_need_the_network_option(tmp_path: Path, fmt: str) -> None:
    rows = [{"time": "1", "kind": "email", "actor": "ann@example.com", "target": "bob@example.com"}]
    record = only(read_rows(tmp_path, fmt, rows))
    assert isinstance(record, Rejected)
    assert record.reason == (
        "actor 'ann@example.com' has no network; write network:account or pass --option network=NAME"
    )
    event = one_event(read_rows(tmp_path, fmt, rows, network="email"))
    assert (event.actor, event.target) == ("email:ann@example.com", "email:bob@example.com")


def test_a_bare_target_alone_is_rejected_without_the_option(tmp_path: Path) -> None:
    rows = [{"time": "1", "kind": "email", "actor": "email:ann@x.org", "target": "bob@x.org"}]
    record = only(read_rows(tmp_path, "csv", rows))
    assert isinstance(record, Rejected)
    assert record.reason.startswith("target 'bob@x.org' has no network")


def test_the_network_option_leaves_full_handles_alone(tmp_path: Path) -> None:
    rows = [{"time": "1", "kind": "reply", "actor": ANN, "target": "@bob"}]
    event = one_event(read_rows(tmp_path, "jsonl", rows, network="mastodon"))
    assert (event.actor, event.target) == (ANN, "mastodon:@bob")


@both_formats
@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            {"time": "1", "kind": "chat", "actor": ANN},
            "kind 'chat' is not one of block, call, comment, ",
        ),
        ({"time": "1", "kind": "", "actor": ANN}, "kind '' is not one of"),
        ({"time": "1", "kind": "Reply", "actor": ANN}, "kind 'Reply' is not one of"),
        ({"time": "1", "kind": "post", "actor": "  "}, "actor is empty"),
        (
            {"time": "1", "kind": "post", "actor": ANN, "value": "lots"},
            "value 'lots' is not a number",
        ),
        # what no database column stores, or no calendar shows (found by the fuzz suites)
        (
            {"time": "1", "kind": "post", "actor": "email:a\x00@b.c"},
            r"actor 'email:a\x00@b.c' holds a NUL",
        ),
        ({"time": "1", "kind": "post", "actor": "x:" + "a" * 513}, "actor is longer than 512"),
        ({"time": "1", "kind": "post", "actor": ANN, "id": "i" * 513}, "id is longer than 512"),
        (
            {"time": "9999-12-31T23:59:59-01:00", "kind": "post", "actor": ANN},
            "time '9999-12-31T23:59:59-01:00' is outside the years 1 to 9999",
        ),
    ],
)
def test_bad_fields_are_rejected_with_a_reason(
    tmp_path: Path, fmt: str, row: dict[str, str], reason: str
) -> None:
    record = only(read_rows(tmp_path, fmt, [row]))
    assert isinstance(record, Rejected)
    assert record.reason.startswith(reason)


# --- keys ------------------------------------------------------------------------------------


@both_formats
def test_rows_without_id_get_content_keys_stable_across_reads(tmp_path: Path, fmt: str) -> None:
    rows = [
        {"time": "1", "kind": "post", "actor": ANN, "text": "a"},
        {"time": "1", "kind": "post", "actor": ANN, "text": "b"},
        {"time": "1", "kind": "post", "actor": ANN, "text": "a"},
        {"time": "1", "kind": "post", "actor": ANN, "text": "a"},
        {"time": "2", "kind": "post", "actor": ANN, "text": "a"},
        {"time": "1", "kind": "like", "actor": ANN, "text": "a"},
        {"time": "1", "kind": "post", "actor": BOB, "text": "a"},
        {"time": "1", "kind": "post", "actor": ANN, "target": BOB, "text": "a"},
        {"time": "1", "kind": "post", "actor": ANN, "text": "a", "value": "1"},
        {"time": "1", "kind": "post", "actor": ANN, "text": "a", "answers": "x"},
    ]
    first = event_keys(read_rows(tmp_path, fmt, rows))
    assert all(key.startswith("h:") for key in first)
    a = first[0]
    assert first[2:4] == [f"{a}#1", f"{a}#2"]
    assert len(set(first)) == len(rows)
    assert event_keys(read_rows(tmp_path, fmt, rows)) == first


def test_content_keys_do_not_depend_on_the_row_number(tmp_path: Path) -> None:
    row = {"time": "1", "kind": "post", "actor": ANN, "text": "same"}
    alone = event_keys(read_rows(tmp_path, "csv", [row]))
    after = event_keys(read_rows(tmp_path, "csv", [{**row, "text": "other"}, row]))
    assert after[1] == alone[0]


@both_formats
def test_the_id_column_is_the_external_id(tmp_path: Path, fmt: str) -> None:
    rows = [
        {"time": "1", "kind": "post", "actor": ANN, "id": "crm-1"},
        {"time": "1", "kind": "post", "actor": ANN, "id": "crm-2"},
        {"time": "1", "kind": "post", "actor": ANN, "id": ""},
    ]
    keys = event_keys(read_rows(tmp_path, fmt, rows))
    assert keys[:2] == ["crm-1", "crm-2"]
    assert keys[2].startswith("h:")


# --- identities ------------------------------------------------------------------------------


@both_formats
def test_names_give_one_identity_per_handle_and_another_when_it_changes(
    tmp_path: Path, fmt: str
) -> None:
    rows = [
        {
            "time": "1",
            "kind": "reply",
            "actor": ANN,
            "target": BOB,
            "actor_name": "Ann",
            "target_name": "Bob",
        },
        {
            "time": "2",
            "kind": "reply",
            "actor": BOB,
            "target": ANN,
            "actor_name": "Bob",
            "target_name": "Ann",
        },
        {
            "time": "3",
            "kind": "reply",
            "actor": ANN,
            "target": BOB,
            "actor_name": "Ann",
            "target_name": "",
        },
        {
            "time": "4",
            "kind": "reply",
            "actor": ANN,
            "target": BOB,
            "actor_name": "Ann Lee",
            "target_name": "Bob",
        },
        {"time": "5", "kind": "post", "actor": ANN, "actor_name": "Ann", "target_name": "Nobody"},
    ]
    identities = [r for r in read_rows(tmp_path, fmt, rows) if isinstance(r, Identity)]
    assert identities == [
        Identity(ANN, name="Ann"),
        Identity(BOB, name="Bob"),
        Identity(ANN, name="Ann Lee"),
        Identity(ANN, name="Ann"),
    ]


def test_identities_come_before_their_event(tmp_path: Path) -> None:
    rows = [{"time": "1", "kind": "reply", "actor": "@ann", "target": "@bob", "target_name": "Bob"}]
    records = read_rows(tmp_path, "csv", rows, network="x")
    assert [type(r) for r in records] == [Identity, Event]
    assert records[0] == Identity("x:@bob", name="Bob")


def test_jsonl_identity_lines(tmp_path: Path) -> None:
    lines = [
        {"identity": "email:ann@example.com", "name": "Ann Lee", "attributes": {"city": "Porto"}},
        {"identity": "email:bob@example.com"},
        {"identity": "carol@example.com", "name": "Carol", "attributes": {}},
    ]
    path = write(tmp_path / "people.jsonl", jsonl_text(lines))
    assert read_jsonl(path, network="email") == [
        Identity("email:ann@example.com", name="Ann Lee", attributes={"city": "Porto"}),
        Identity("email:bob@example.com"),
        Identity("email:carol@example.com", name="Carol"),
    ]
    bare = read_jsonl(path)[2]
    assert isinstance(bare, Rejected)
    assert bare.location == "line 3"
    assert bare.reason.startswith("identity 'carol@example.com' has no network")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ({"identity": ""}, "identity is empty"),
        ({"identity": "  ", "name": "x"}, "identity is empty"),
        ({"identity": ["email:a@x.org"]}, "identity must be text or a number, not list"),
        ({"identity": "email:a@x.org", "name": True}, "name must be text or a number, not bool"),
        (
            {"identity": "email:a@x.org", "attributes": {"age": 3}},
            "attributes must be an object of text values",
        ),
        (
            {"identity": "email:a@x.org", "attributes": ["city"]},
            "attributes must be an object of text values",
        ),
        (
            {"identity": "email:a@x.org", "attributes": "Porto"},
            "attributes must be an object of text values",
        ),
    ],
)
def test_bad_identity_lines_are_rejected(tmp_path: Path, line: dict[str, Any], reason: str) -> None:
    path = write(tmp_path / "people.jsonl", jsonl_text([line]))
    assert read_jsonl(path) == [Rejected("line 1", reason, json.dumps(line, ensure_ascii=False))]


# --- structure: headers, field counts, line numbers ------------------------------------------


@pytest.mark.parametrize("missing", ["time", "kind", "actor"])
def test_a_header_without_a_required_column_is_a_source_error(tmp_path: Path, missing: str) -> None:
    header = [c for c in ("time", "kind", "actor", "target") if c != missing]
    path = write(tmp_path / "e.csv", csv_text(header, [["1", "post", ANN]]))
    with pytest.raises(
        SourceError, match=rf"line 1: the header lacks {missing}; columns are time, kind"
    ) as caught:
        read_csv(path)
    assert caught.value.path == path


def test_a_header_lacking_several_columns_names_them_all(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", "when,who\n1,ann\n")
    with pytest.raises(SourceError, match="line 1: the header lacks time, kind, actor;"):
        read_csv(path)


def test_wrong_field_counts_are_rejected_at_their_first_line(tmp_path: Path) -> None:
    text = (
        "time,kind,actor,text\n"  # line 1
        '1,post,x:a,"three\nline\ntext"\n'  # lines 2-4
        "2,post,x:a\n"  # line 5: too few
        "\n"  # line 6: blank
        "3,post,x:a,t,extra\n"  # line 7: too many
        '4,post,x:a,"two\nlines",extra\n'  # lines 8-9: too many, spanning two lines
        "5,chat,x:a,t\n"  # line 10: a bad kind
        "6,post,x:a,ok\n"  # line 11
    )
    records = read_csv(write(tmp_path / "e.csv", text))
    assert [type(r) for r in records] == [Event, Rejected, Rejected, Rejected, Rejected, Event]
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert [r.location for r in rejected] == ["line 5", "line 7", "line 8", "line 10"]
    assert rejected[0] == Rejected(
        "line 5", "expected 4 fields as in the header, found 3", "2,post,x:a"
    )
    assert rejected[1].reason == "expected 4 fields as in the header, found 5"
    first, last = records[0], records[-1]
    assert isinstance(first, Event) and first.text == "three\nline\ntext"
    assert isinstance(last, Event) and last.text == "ok"


def test_csv_crlf_files_number_lines_the_same(tmp_path: Path) -> None:
    text = 'time,kind,actor,text\r\n1,post,x:a,"a\r\nb"\r\n\r\n2,post\r\n'
    [event, rejected] = read_csv(write(tmp_path / "e.csv", text))
    assert isinstance(event, Event) and event.text == "a\r\nb"
    assert isinstance(rejected, Rejected) and rejected.location == "line 5"


@pytest.mark.parametrize(
    ("row", "line"),
    [('2,post,"x:a"b', 3), ('2,post,"x:a', 3)],
    ids=["text-after-quote", "unterminated-quote"],
)
def test_malformed_csv_is_a_source_error_naming_the_line(
    tmp_path: Path, row: str, line: int
) -> None:
    path = write(tmp_path / "e.csv", f"time,kind,actor\n1,post,x:a\n{row}\n3,post,x:a\n")
    with pytest.raises(SourceError, match=rf"line {line}: malformed CSV") as caught:
        read_csv(path)
    assert caught.value.path == path


@both_formats
def test_an_empty_file_yields_nothing(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path / f"e.{fmt}", "")
    assert read(CsvSource() if fmt == "csv" else JsonlSource(), path) == []


def test_a_header_alone_yields_nothing(tmp_path: Path) -> None:
    assert read_csv(write(tmp_path / "e.csv", "time,kind,actor\n")) == []


def test_csv_bytes_that_are_not_utf8_are_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(b"time,kind,actor,text\n1,post,x:a,caf\xe9\n")
    with pytest.raises(SourceError, match=r"line 2: not UTF-8 text"):
        read_csv(path)


# --- jsonl line by line ----------------------------------------------------------------------


def test_jsonl_bad_lines_are_rejected_with_reasons_and_line_numbers(tmp_path: Path) -> None:
    good = json.dumps({"time": "1", "kind": "post", "actor": ANN, "id": "ok"})
    lines = [
        good,  # 1
        "",  # 2: blank, skipped
        "{not json",  # 3
        "[1, 2]",  # 4
        '"a string"',  # 5
        "null",  # 6
        json.dumps({"time": "1", "kind": "post", "actor": ANN, "text": ["a", "list"]}),  # 7
        json.dumps({"time": "1", "kind": "post", "actor": ANN, "value": True}),  # 8
        json.dumps({"time": {"s": 1}, "kind": "post", "actor": ANN}),  # 9
        json.dumps({"time": "1", "kind": "post", "actor": 5}),  # 10
        "   ",  # 11: blank, skipped
        good.replace('"ok"', '"ok2"'),  # 12
    ]
    records = read_jsonl(write(tmp_path / "e.jsonl", "\n".join(lines) + "\n"))
    assert [type(r) for r in records] == [Event, *[Rejected] * 8, Event]
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert [(r.location, r.raw) for r in rejected] == [
        (f"line {n}", lines[n - 1]) for n in (3, 4, 5, 6, 7, 8, 9, 10)
    ]
    reasons = [r.reason for r in rejected]
    assert reasons[0].startswith("not valid JSON (Expecting property name")
    assert reasons[1:4] == ["expected a JSON object"] * 3
    assert reasons[4:7] == [
        "text must be text or a number, not list",
        "value must be text or a number, not bool",
        "time must be text or a number, not dict",
    ]
    assert reasons[7].startswith("actor '5' has no network")


@pytest.mark.parametrize("opening", ["[", '{"a":'], ids=["lists", "objects"])
def test_deeply_nested_json_is_rejected_not_a_crash(tmp_path: Path, opening: str) -> None:
    deep = opening * 100_000
    path = write(
        tmp_path / "e.jsonl",
        deep + "\n" + json.dumps({"time": "1", "kind": "post", "actor": ANN}) + "\n",
    )
    [rejected, event] = read_jsonl(path)
    assert isinstance(rejected, Rejected)
    assert rejected.location == "line 1"
    assert rejected.reason
    assert isinstance(event, Event)


# --- edge cases found by review (each was a bug once) ---------------------------------


def test_jsonl_huge_integers_are_rejected_not_a_crash(tmp_path: Path) -> None:
    line = '{"time": ' + "1" * 5000 + ', "kind": "post", "actor": "x:a"}'
    [record] = read_jsonl(write(tmp_path / "e.jsonl", line + "\n"))
    assert isinstance(record, Rejected)


@both_formats
def test_a_handle_with_an_empty_account_is_rejected(tmp_path: Path, fmt: str) -> None:
    record = only(read_rows(tmp_path, fmt, [{"time": "1", "kind": "post", "actor": "email:"}]))
    assert isinstance(record, Rejected)


def test_a_network_option_that_is_not_a_network_name_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="network"):
        read_rows(
            tmp_path, "csv", [{"time": "1", "kind": "post", "actor": "ann"}], network="My Mail"
        )


@both_formats
@pytest.mark.parametrize("value", ["nan", "inf"])
def test_values_that_are_not_finite_are_rejected(tmp_path: Path, fmt: str, value: str) -> None:
    record = only(
        read_rows(tmp_path, fmt, [{"time": "1", "kind": "rating", "actor": ANN, "value": value}])
    )
    assert isinstance(record, Rejected)


@both_formats
def test_times_beyond_any_datetime_are_rejected(tmp_path: Path, fmt: str) -> None:
    rows = [{"time": "99999999999999999999", "kind": "post", "actor": ANN}]
    assert isinstance(only(read_rows(tmp_path, fmt, rows)), Rejected)


def test_iso_8601_basic_format_is_read(tmp_path: Path) -> None:
    rows = [{"time": "20240601T093000Z", "kind": "post", "actor": ANN}]
    assert one_event(read_rows(tmp_path, "csv", rows)).time_us == T0


# --- properties ------------------------------------------------------------------------------

_CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")  # no column stores it
_TEXT = st.text(_CHARS, min_size=1, max_size=20)
_STRIPPED = _TEXT.map(str.strip).filter(bool)
_NETWORK = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,8}", fullmatch=True)
_HANDLE = st.builds(lambda network, account: f"{network}:{account}", _NETWORK, _STRIPPED)
_TIME_US = st.integers(
    min_value=to_time_us(datetime(1, 1, 2, tzinfo=UTC)),
    max_value=to_time_us(datetime(9999, 12, 30, tzinfo=UTC)),
)
_EVENTS = st.builds(
    Event,
    kind=st.sampled_from(sorted(KINDS)),
    actor=_HANDLE,
    target=st.none() | _HANDLE,
    time_us=_TIME_US,
    external_id=st.just(""),
    value=st.none() | st.floats(allow_nan=False, allow_infinity=False),
    text=st.none() | _TEXT,
    answers=st.none() | _STRIPPED,
)


def time_text(time_us: int, style: str) -> str:
    """The time written as ISO 8601 with an offset, with Z, or as epoch seconds."""
    iso = from_time_us(time_us).isoformat()
    if style == "epoch" and time_us >= 0:
        seconds, micros = divmod(time_us, 1_000_000)
        return f"{seconds}.{micros:06d}" if micros else str(seconds)
    return iso.replace("+00:00", "Z") if style == "z" else iso


def as_row(event: Event, external_id: str | None, style: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "time": time_text(event.time_us, style),
        "kind": event.kind,
        "actor": event.actor,
        "target": event.target,
        "id": external_id,
        "value": event.value,
        "text": event.text,
        "answers": event.answers,
    }
    return {key: value for key, value in row.items() if value is not None}


@settings(max_examples=60, deadline=None)
@given(
    events=st.lists(_EVENTS, min_size=1, max_size=4),
    ids=st.lists(st.none() | _STRIPPED, min_size=4, max_size=4),
    style=st.sampled_from(["iso", "z", "epoch"]),
    header=st.permutations(COLUMNS),
)
def test_events_written_as_csv_and_jsonl_read_back_identical(
    events: list[Event], ids: list[str | None], style: str, header: list[str]
) -> None:
    rows = [as_row(e, i, style) for e, i in zip(events, ids, strict=False)]
    csv_body = [[row.get(column, "") for column in header] for row in rows]
    with tempfile.TemporaryDirectory() as folder:
        csv_path = write(Path(folder) / "e.csv", csv_text(header, csv_body))
        jsonl_path = write(Path(folder) / "e.jsonl", jsonl_text(rows))
        for records in (read_csv(csv_path), read_jsonl(jsonl_path)):
            assert all(isinstance(r, Event) for r in records)
            assert len(records) == len(events)
            for event, read_back, given_id in zip(events, records, ids, strict=False):
                assert isinstance(read_back, Event)
                if given_id is None:
                    assert read_back.external_id.startswith("h:")
                assert read_back == Event(
                    event.kind,
                    event.actor,
                    event.target,
                    event.time_us,
                    read_back.external_id if given_id is None else given_id,
                    value=event.value,
                    text=event.text,
                    answers=event.answers,
                )


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(_CHARS, max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from([*COLUMNS, "identity", "name", "attributes"]) | st.text(max_size=5),
            inner,
            max_size=5,
        )
    ),
    max_leaves=10,
)
_LINES = st.lists(st.text(_CHARS, max_size=30) | _JSON.map(json.dumps), max_size=6)


def is_identity_line(line: str) -> bool:
    """Whether a line is a JSON object with an ``identity`` key (it answers with no event)."""
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return False
    return isinstance(obj, dict) and "identity" in obj


@settings(max_examples=150, deadline=None)
@given(lines=_LINES)
def test_any_text_never_crashes_the_jsonl_source(lines: list[str]) -> None:
    text = "\n".join(lines)
    with tempfile.TemporaryDirectory() as folder:
        records = read_jsonl(write(Path(folder) / "e.jsonl", text))
    assert all(type(r) in (Event, Identity, Rejected) for r in records)
    physical = [line.rstrip("\r") for line in text.split("\n")]
    rejected_lines = set()
    for record in records:
        if isinstance(record, Rejected):
            number = int(record.location.removeprefix("line "))
            assert physical[number - 1] == record.raw
            assert record.reason
            rejected_lines.add(number)
    # Every line that is not blank gives one event, one identity or one rejection.
    identity_lines = sum(
        1
        for number, line in enumerate(physical, 1)
        if number not in rejected_lines and is_identity_line(line)
    )
    events = sum(1 for r in records if isinstance(r, Event))
    assert events + len(rejected_lines) + identity_lines == sum(
        1 for line in physical if line.strip()
    )


@settings(max_examples=100, deadline=None)
@given(lines=st.lists(st.text(_CHARS, max_size=30), max_size=6))
def test_any_text_gives_the_csv_source_records_or_a_source_error(lines: list[str]) -> None:
    text = "time,kind,actor\n" + "\n".join(lines)
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "e.csv", text)
        try:
            records = read_csv(path)
        except SourceError as exc:
            assert "malformed CSV" in str(exc)
        else:
            assert all(type(r) in (Event, Identity, Rejected) for r in records)
