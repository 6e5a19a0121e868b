"""``linkedin``: LinkedIn's "Get a copy of your data" zip (or folder) of CSV files.

The exports are built here from Python rows shaped as LinkedIn writes them, in the newer
layouts (``Connections.csv`` behind its "Notes:" preamble, with ``URL``; ``messages.csv``
with ``CONVERSATION ID`` and profile addresses) and the older ones (no preamble, no
addresses, ``messages.csv`` with a ``Direction``).
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwill.errors import GoodwillError, SourceError
from goodwill.events import Event, Identity, Record
from goodwill.importing import run_import
from goodwill.ledger import Ledger
from goodwill.ledger.queries import stats
from goodwill.sources import archive as archive_module
from goodwill.sources.linkedin import LinkedinSource
from goodwill.sources.tabular import parse_time
from tests.sources.files import (
    check_records,
    events,
    kinds,
    mangle,
    peak_bytes,
    rejected,
    write_folder,
    write_zip,
)

ME, BOB, CAROL, DAVE = "linkedin:me", "linkedin:bob-brown-12", "linkedin:carolchu", "linkedin:dave"
IN = "https://www.linkedin.com/in/"

# --- the export, as LinkedIn writes it -------------------------------------------------------


def table(header: Sequence[str], rows: Sequence[Sequence[str]], preamble: str = "") -> str:
    """A CSV file as LinkedIn writes it: quoted where needed, CRLF line ends."""
    out = io.StringIO()
    out.write(preamble)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


NOTES = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    'connections to see or download their email address using this setting."\r\n'
    "\r\n"
)
CONNECTIONS = table(
    ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"],
    [
        ["Bob", "Brown", IN + "bob-brown-12", "", "Acme", "Engineer", "12 Mar 2021"],
        ["Carol", "Chu", IN + "carolchu", "carol@example.com", "Initech", "CTO, founder",
         "01 Feb 2020"],
        ["Dave", "Diaz", IN + "Dave/", "", "", "", "30 Jun 2019"],
    ],
    preamble=NOTES,
)  # fmt: skip
OLD_CONNECTIONS = table(
    ["First Name", "Last Name", "Email Address", "Company", "Position", "Connected On"],
    [
        ["Erin", "Eng", "Erin@Example.com", "Globex", "Buyer", "3/12/21"],
        ["Frank", "Fox", "", "", "", "11/2/15"],
    ],
)
MESSAGES_HEADER = ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO",
                   "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER"]  # fmt: skip
MESSAGES = table(
    MESSAGES_HEADER,
    [
        ["c1", "", "Bob Brown", IN + "bob-brown-12", "Ann Lee", IN + "ann-lee",
         "2023-05-04 10:11:12 UTC", "", "Hi Ann,\r\nhow are you?\r\n\r\nBob", "INBOX"],
        ["c1", "", "Ann Lee", IN + "ann-lee", "Bob Brown", IN + "bob-brown-12",
         "2023-05-04 11:00:00 UTC", "Re: hi", "Fine, thanks!", "INBOX"],
        ["c2", "Kiln club", "Carol Chu", IN + "carolchu", "Ann Lee, Bob Brown",
         f"{IN}ann-lee,{IN}bob-brown-12", "2023-05-05 09:00:00 UTC", "", "Hello all", "INBOX"],
        ["c3", "", "Dave Diaz", IN + "dave", "Ann Lee", IN + "ann-lee",
         "2023-05-06 09:00:00 UTC", "", "Coffee?", "INBOX"],
        ["c3", "", "Ann Lee", IN + "ann-lee", "Dave Diaz", IN + "dave",
         "2023-05-06 09:30:00 UTC", "", "Yes", "INBOX"],
    ],
)  # fmt: skip
OLD_MESSAGES = table(
    ["From", "To", "Date", "Subject", "Content", "Direction"],
    [
        ["Frank Fox", "Ann Lee", "2016-01-02 10:00:00 UTC", "Hello", "Hi there", "INCOMING"],
        ["Ann Lee", "Frank Fox, Erin Eng, MBA", "2016-01-03 10:00:00 UTC", "", "Hi both",
         "OUTGOING"],
    ],
)  # fmt: skip
INVITATIONS = table(
    ["From", "To", "Sent At", "Message", "Direction", "inviterProfileUrl", "inviteeProfileUrl"],
    [
        ["Ann Lee", "Gina Gold", "5/4/23, 10:11 AM", "Loved your talk on glazes!", "OUTGOING",
         IN + "ann-lee", IN + "gina-gold"],
        ["Hank Hill", "Ann Lee", "6/1/23, 4:05 PM", "", "INCOMING", IN + "hank",
         IN + "ann-lee"],
        ["Ann Lee", "Bob Brown", "3/10/21, 9:00 AM", "", "OUTGOING", IN + "ann-lee",
         IN + "bob-brown-12"],
    ],
)  # fmt: skip
ENDORSEMENTS_RECEIVED = table(
    ["Endorsement Date", "Skill Name", "Endorser First Name", "Endorser Last Name",
     "Endorser Public Url", "Endorsement Status"],
    [
        ["2021/05/14 17:26:03 UTC", "Pottery", "Bob", "Brown", "www.linkedin.com/in/bob-brown-12",
         "ACCEPTED"],
        ["2021/05/15 10:00:00 UTC", "Glazing", "Carol", "Chu", "www.linkedin.com/in/carolchu",
         "HIDDEN"],
        ["2022/01/02 08:00:00 UTC", "Kilns", "Ivan", "Ito", "www.linkedin.com/in/ivan-ito",
         "ACCEPTED"],
    ],
)  # fmt: skip
ENDORSEMENTS_GIVEN = table(
    ["Endorsement Date", "Skill Name", "Endorsee First Name", "Endorsee Last Name",
     "Endorsee Public Url", "Endorsement Status"],
    [["2021/06/01 12:00:00 UTC", "Python", "Bob", "Brown", "www.linkedin.com/in/bob-brown-12",
      "ACCEPTED"]],
)  # fmt: skip
RECOMMENDATIONS_RECEIVED = table(
    ["First Name", "Last Name", "Company", "Job Title", "Text", "Creation Date", "Status"],
    [
        ["Carol", "Chu", "Initech", "CTO", "Ann's pots are the best.\nHire her.",
         "04/20/19, 02:32 PM", "VISIBLE"],
        ["Jill", "Jones", "Hooli", "PM", "Meh.", "04/21/19, 02:32 PM", "HIDDEN"],
    ],
)  # fmt: skip
RECOMMENDATIONS_GIVEN = table(
    ["First Name", "Last Name", "Company", "Job Title", "Text", "Creation Date", "Status"],
    [["Bob", "Brown", "Acme", "Engineer", "Bob builds.", "05/01/19, 09:00 AM", "VISIBLE"]],
)
PROFILE = table(
    ["First Name", "Last Name", "Maiden Name", "Address", "Birth Date", "Headline", "Summary",
     "Industry", "Zip Code", "Geo Location", "Twitter Handles", "Websites", "Instant Messengers"],
    [["Ann", "Lee", "", "", "", "Potter", "Makes pots.\nSells them.", "Crafts", "", "Porto", "",
      "", ""]],
)  # fmt: skip


def members(**changes: str | bytes | None) -> dict[str, str | bytes]:
    """The export's files, some replaced; ``name=None`` leaves one out."""
    files: dict[str, str | bytes | None] = {
        "Profile.csv": PROFILE,
        "Connections.csv": CONNECTIONS,
        "messages.csv": MESSAGES,
        "Invitations.csv": INVITATIONS,
        "Endorsement_Received_Info.csv": ENDORSEMENTS_RECEIVED,
        "Endorsement_Given_Info.csv": ENDORSEMENTS_GIVEN,
        "Recommendations_Received.csv": RECOMMENDATIONS_RECEIVED,
        "Recommendations_Given.csv": RECOMMENDATIONS_GIVEN,
        "Skills.csv": table(["Name"], [["Pottery"]]),
    }
    files.update({name.replace("_csv", ".csv"): value for name, value in changes.items()})
    return {name: value for name, value in files.items() if value is not None}


def export(
    tmp_path: Path, name: str = "Basic_LinkedInDataExport.zip", **changes: str | bytes | None
) -> Path:
    return write_zip(tmp_path / name, members(**changes))


def read(path: Path, **options: str) -> list[Record]:
    return check_records(LinkedinSource(options).records(path))


def by_key(records: Sequence[Record]) -> dict[str, Event]:
    return {e.external_id: e for e in events(records)}


def owner(records: Sequence[Record]) -> Identity:
    """The first record, which describes the export's owner."""
    assert isinstance(records[0], Identity), records[0]
    return records[0]


def identity(records: Sequence[Record], handle: str) -> Identity:
    return next(r for r in records if isinstance(r, Identity) and r.handle == handle)


def messages_of(records: Sequence[Record]) -> list[Event]:
    """The events made of ``messages.csv`` (not of invitations' notes)."""
    return [e for e in events(records) if e.external_id.startswith("message:")]


# follows: 3 from invitations (one shared with a connection's) and 2 per connection;
# messages: the invitation's note and 6 in messages.csv; endorsements: 3 of skills, 2 written
ALL_KINDS = {"follow": 9, "message": 7, "endorsement": 5}

# --- a real import ---------------------------------------------------------------------------


def test_import_counts_by_kind_and_a_second_import_adds_nothing(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = export(tmp_path)
    first = run_import(ledger, "linkedin", path)
    with ledger.read() as conn:
        assert stats(conn)["by_kind"] == {"endorsement": 5, "follow": 8, "message": 7}
    assert (first.events_read, first.added, first.present) == (21, 20, 1)
    again = run_import(ledger, "linkedin", path)
    assert (again.added, again.present) == (0, 21)


def test_what_the_export_holds_by_kind(tmp_path: Path) -> None:
    records = read(export(tmp_path))
    assert kinds(records) == ALL_KINDS
    assert rejected(records) == []


# --- what the files become -------------------------------------------------------------------


def test_the_owner_is_linkedin_me_named_by_the_profile(tmp_path: Path) -> None:
    records = read(export(tmp_path))
    assert records[0] == Identity(
        ME,
        "Ann Lee",
        {"url": IN + "ann-lee", "headline": "Potter", "industry": "Crafts", "location": "Porto"},
    )
    assert not any(h != ME and "ann-lee" in h for e in events(records) for h in (e.actor, e.target))


def test_connections_are_a_follow_each_way_on_the_day_of_connecting(tmp_path: Path) -> None:
    records = read(export(tmp_path, Invitations_csv=None))
    keyed = by_key(records)
    assert {(e.actor, e.target) for e in keyed.values() if e.kind == "follow"} == {
        (ME, BOB), (BOB, ME), (ME, CAROL), (CAROL, ME), (ME, DAVE), (DAVE, ME),
    }  # fmt: skip
    assert keyed[f"follow:{ME}>{BOB}"].time_us == parse_time("2021-03-12")
    assert keyed[f"follow:{CAROL}>{ME}"].time_us == parse_time("2020-02-01")
    assert Identity(
        CAROL,
        "Carol Chu",
        {"url": IN + "carolchu", "email": "carol@example.com", "company": "Initech",
         "position": "CTO, founder"},
    ) in records  # fmt: skip


def test_older_connections_without_preamble_or_url_use_email_or_name(tmp_path: Path) -> None:
    records = read(export(tmp_path, Connections_csv=OLD_CONNECTIONS, Invitations_csv=None))
    follows = [e for e in events(records) if e.kind == "follow"]
    erin, frank = "email:erin@example.com", "linkedin:me/name:frank-fox"
    assert {(e.actor, e.target, e.time_us) for e in follows} == {
        (ME, erin, parse_time("2021-03-12")),
        (erin, ME, parse_time("2021-03-12")),
        (ME, frank, parse_time("2015-11-02")),
        (frank, ME, parse_time("2015-11-02")),
    }
    assert identity(records, frank) == Identity(
        frank, "Frank Fox", {"identified_by": f"name only, in the LinkedIn export of {ME}"}
    )
    assert identity(records, erin).attributes["identified_by"] == "email address"


def test_messages_go_to_each_recipient_with_their_lines(tmp_path: Path) -> None:
    records = read(export(tmp_path))
    messages = messages_of(records)
    assert [(e.actor, e.target, e.text) for e in messages] == [
        (BOB, ME, "Hi Ann,\nhow are you?\n\nBob"),
        (ME, BOB, "Re: hi\n\nFine, thanks!"),
        (CAROL, ME, "Hello all"),
        (CAROL, BOB, "Hello all"),
        (DAVE, ME, "Coffee?"),
        (ME, DAVE, "Yes"),
    ]
    assert messages[0].time_us == parse_time("2023-05-04T10:11:12Z")
    assert len({e.external_id for e in messages}) == 6


def test_older_messages_use_their_direction(tmp_path: Path) -> None:
    records = read(export(tmp_path, messages_csv=OLD_MESSAGES, Invitations_csv=None))
    frank, erin = "linkedin:me/name:frank-fox", "linkedin:me/name:erin-eng,-mba"
    messages = [e for e in events(records) if e.kind == "message"]
    assert [(e.actor, e.target, e.text) for e in messages] == [
        (frank, ME, "Hello\n\nHi there"),
        (ME, frank, "Hi both"),
        (ME, erin, "Hi both"),
    ]


def test_invitations_are_the_inviters_follow_and_their_note(tmp_path: Path) -> None:
    records = read(write_zip(tmp_path / "invitations.zip", {"Invitations.csv": INVITATIONS}))
    gina, hank = "linkedin:gina-gold", "linkedin:hank"
    sent = parse_time("2023-05-04T10:11:00Z")
    assert {e.external_id: (e.kind, e.actor, e.target, e.time_us) for e in events(records)} == {
        f"follow:{ME}>{gina}": ("follow", ME, gina, sent),
        f"invitation:{ME}>{gina}@{sent}": ("message", ME, gina, sent),
        f"follow:{hank}>{ME}": ("follow", hank, ME, parse_time("2023-06-01T16:05:00Z")),
        f"follow:{ME}>{BOB}": ("follow", ME, BOB, parse_time("2021-03-10T09:00:00Z")),
    }
    assert by_key(records)[f"invitation:{ME}>{gina}@{sent}"].text == "Loved your talk on glazes!"
    assert owner(records) == Identity(ME, None, {"url": IN + "ann-lee"})


def test_the_owner_is_the_one_person_in_every_conversation(tmp_path: Path) -> None:
    records = read(export(tmp_path, Invitations_csv=None))
    assert (owner(records).handle, owner(records).attributes["url"]) == (ME, IN + "ann-lee")
    assert {e.actor for e in events(records) if e.kind == "message"} == {BOB, CAROL, DAVE, ME}
    only_bob = MESSAGES.split("\r\nc2,")[0]
    records = read(export(tmp_path, "bob.zip", Invitations_csv=None, messages_csv=only_bob))
    # Ann and Bob are both in every message: the export cannot say which is its owner
    assert {e.actor for e in events(records) if e.kind == "message"} == {BOB, "linkedin:ann-lee"}


def test_option_me_names_the_owner(tmp_path: Path) -> None:
    records = read(export(tmp_path, Connections_csv=OLD_CONNECTIONS), me=IN + "Ann-Lee/")
    ann = "linkedin:ann-lee"
    assert owner(records).handle == ann
    people = {h for e in events(records) for h in (e.actor, e.target)}
    assert ME not in people and "linkedin:ann-lee/name:frank-fox" in people
    assert owner(read(export(tmp_path, "b.zip"), me="linkedin:Ann-Lee")).handle == ann
    with pytest.raises(
        SourceError, match=r"option me='https://example\.com/ann': .* not a LinkedIn"
    ):
        LinkedinSource({"me": "https://example.com/ann"})


def test_only_visible_endorsements_and_recommendations_count(tmp_path: Path) -> None:
    records = read(export(tmp_path))
    nods = [e for e in events(records) if e.kind == "endorsement"]
    carol_by_name, ivan = "linkedin:me/name:carol-chu", "linkedin:ivan-ito"
    assert [(e.actor, e.target, e.text) for e in nods] == [
        (BOB, ME, "Pottery"),
        (ivan, ME, "Kilns"),
        (ME, BOB, "Python"),
        (carol_by_name, ME, "Ann's pots are the best.\nHire her."),
        (ME, "linkedin:me/name:bob-brown", "Bob builds."),  # recommendations show no address
    ]
    assert nods[0].external_id == f"endorsement:{BOB}>{ME}:pottery"
    assert nods[3].time_us == parse_time("2019-04-20T14:32:00Z")
    assert Identity(
        carol_by_name,
        "Carol Chu",
        {"company": "Initech", "position": "CTO",
         "identified_by": f"name only, in the LinkedIn export of {ME}"},
    ) in records  # fmt: skip


def test_the_unpacked_folder_reads_as_the_zip_does(tmp_path: Path) -> None:
    zipped = read(export(tmp_path))
    assert read(write_folder(tmp_path / "folder", members())) == zipped
    nested = {f"Complete_LinkedInDataExport/{k}": v for k, v in members().items()}
    assert read(write_zip(tmp_path / "nested.zip", nested)) == zipped


# --- awkward input ---------------------------------------------------------------------------


def test_a_zip_without_connections_imports_the_rest(tmp_path: Path) -> None:
    records = read(export(tmp_path, Connections_csv=None))
    assert kinds(records) == {"follow": 3, "message": 7, "endorsement": 5}


def test_an_input_with_none_of_the_files_is_a_source_error(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "other.zip", {"Skills.csv": "Name\r\nPottery\r\n"})
    with pytest.raises(SourceError, match=r"other\.zip: none of Invitations\.csv, Connections"):
        read(path)


def test_headers_are_matched_by_name_whatever_their_case_order_or_bom(tmp_path: Path) -> None:
    shuffled = "\ufeff" + table(
        ["connected on", "FIRST NAME", "Extra", "last_name", "url"],
        [["12 Mar 2021", "Bob", "x", "Brown", IN + "bob-brown-12"]],
    )
    records = read(export(tmp_path, Connections_csv=shuffled, Invitations_csv=None))
    assert by_key(records)[f"follow:{BOB}>{ME}"].time_us == parse_time("2021-03-12")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"Connections_csv": NOTES + "First Name,Last Name,URL\r\nBob,Brown,x\r\n"},
            r"Connections\.csv: line 4: the header lacks 'Connected On'",
        ),
        (
            {"messages_csv": "FROM,TO,DATE\r\nBob,Ann,2023-01-01\r\n"},
            r"messages\.csv: line 1: the header lacks 'CONTENT'",
        ),
        (
            {"Invitations_csv": "just,some\r\nwords,here\r\n"},
            r"Invitations\.csv: found no header row naming 'From', 'To', 'Sent At', 'Direction'",
        ),
    ],
)
def test_a_file_without_its_required_columns_says_which(
    tmp_path: Path, changes: dict[str, str], message: str
) -> None:
    with pytest.raises(SourceError, match=rf"\.zip: {message}"):
        read(export(tmp_path, **changes))


def test_bad_rows_are_rejected_by_line(tmp_path: Path) -> None:
    connections = CONNECTIONS.replace("12 Mar 2021", "Mar the 12th") + "Gus\r\n"
    connections += ",,,,,,01 Jan 2020\r\n"
    latin = table(["From", "To", "Date", "Subject", "Content", "Direction"], [
        ["Frank Fox", "Ann Lee", "2016-01-02 10:00:00 UTC", "", "Caf\u00e9?", "INCOMING"],
        ["Frank Fox", "Ann Lee", "2016-01-03 10:00:00 UTC", "", "ok", "INCOMING"],
    ]).encode("latin-1")  # fmt: skip
    invitations = INVITATIONS.replace("INCOMING", "SIDEWAYS")
    records = read(
        export(
            tmp_path, Connections_csv=connections, messages_csv=latin, Invitations_csv=invitations
        )
    )
    assert [(r.location, r.reason) for r in rejected(records)] == [
        ("Invitations.csv:3", "Direction 'SIDEWAYS' is neither INCOMING nor OUTGOING"),
        ("Connections.csv:5", "Connected On 'Mar the 12th' is not a date as LinkedIn writes them "
         "(e.g. 12 Mar 2021, 3/12/21, 2021-03-12 10:11:12 UTC)"),
        ("Connections.csv:8", "expected 7 fields as in the header, found 1"),
        ("Connections.csv:9", "names no one: it has no profile address, email or name"),
        ("messages.csv:2", "not UTF-8 text (line 2, byte 47); save the file as UTF-8 and "
         "import it again"),
    ]  # fmt: skip
    assert rejected(records)[0].raw.startswith("Hank Hill,Ann Lee,")
    assert "ok" in {e.text for e in events(records)}


def test_a_file_cut_short_rejects_its_last_row(tmp_path: Path) -> None:
    inside = MESSAGES[: MESSAGES.index("how are")]
    records = read(export(tmp_path, messages_csv=inside))
    assert [(r.location, r.reason) for r in rejected(records)] == [
        ("messages.csv:2", "the file ends inside a quoted field: is it cut short?")
    ]
    assert not [e for e in events(records) if e.external_id.startswith("message:")]
    between = MESSAGES[: MESSAGES.index("Hello all") + 5]
    records = read(export(tmp_path, "b.zip", messages_csv=between))
    assert [(r.location, r.reason) for r in rejected(records)] == [
        ("messages.csv:7", "expected 10 fields as in the header, found 9")
    ]
    assert len([e for e in events(records) if e.external_id.startswith("message:")]) == 2


def test_spam_is_not_a_message(tmp_path: Path) -> None:
    spam = MESSAGES.replace("Coffee?,INBOX", "Coffee?,SPAM")
    texts = {e.text for e in messages_of(read(export(tmp_path, messages_csv=spam)))}
    assert "Coffee?" not in texts and "Yes" in texts


def test_members_who_left_are_skipped(tmp_path: Path) -> None:
    left = MESSAGES.replace(f"Dave Diaz,{IN}dave,", "LinkedIn Member,,", 1)
    records = read(export(tmp_path, messages_csv=left))
    assert DAVE not in {e.actor for e in events(records) if e.kind == "message"}
    assert (ME, DAVE, "Yes") in {(e.actor, e.target, e.text) for e in events(records)}
    assert rejected(records) == []


def test_memory_stays_flat_as_the_messages_grow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive_module, "_CHUNK", 1 << 16)  # both files span many chunks

    def peak(count: int) -> int:
        rows = [
            [f"c{n}", "", "Bob Brown", IN + "bob-brown-12", "Ann Lee", IN + "ann-lee",
             f"2023-05-04 10:{n // 3600 % 60:02d}:{n % 60:02d} UTC", "", f"Message {n}\nbye",
             "INBOX"]
            for n in range(count)
        ]  # fmt: skip
        path = export(tmp_path, f"m{count}.zip", messages_csv=table(MESSAGES_HEADER, rows))
        return peak_bytes(LinkedinSource(), path, at_least=count + 1)

    small, large = peak(1_000), peak(10_000)
    assert large < small * 1.5 + 256 * 1024, (small, large)


# --- mangled input ---------------------------------------------------------------------------

_GOOD = members()


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(sorted(_GOOD)),
    how=st.sampled_from(["truncate", "replace", "insert"]),
    where=st.floats(0, 1),
    junk=st.binary(min_size=1, max_size=12)
    | st.sampled_from([b'"', b",", b"\r\n", b'"\n', b"\xff\xfe", b"\x00", b"\xef\xbb\xbf", b"/"]),
)
def test_mangled_files_inside_the_zip_give_only_our_errors(
    tmp_path: Path, name: str, how: str, where: float, junk: bytes
) -> None:
    content = _GOOD[name]
    data = content.encode("utf-8") if isinstance(content, str) else content
    path = write_zip(tmp_path / "m.zip", {**_GOOD, name: mangle(data, how, where, junk)})
    with contextlib.suppress(GoodwillError):
        read(path)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2_000))
def test_random_bytes_give_only_our_errors(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.zip"
    path.write_bytes(data)
    with pytest.raises(GoodwillError):
        read(path)
