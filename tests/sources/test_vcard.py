"""``vcard``: contacts as vCard 2.1, 3.0 and 4.0, one file, a gzip, or a folder or zip of them.

The cards are written here as the RFCs and the apps that export them write them: CRLF line
ends, long lines folded with a leading space, vCard 2.1's quoted-printable values with a
CHARSET, Apple's grouped labels (``item1.URL`` with ``item1.X-ABLabel``) and
``X-SOCIALPROFILE`` with ``x-user``.
"""

from __future__ import annotations

import contextlib
import gzip
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from goodwill.errors import GoodwillError, SourceError
from goodwill.events import Identity, Link, Record
from goodwill.importing import run_import
from goodwill.ledger import Ledger
from goodwill.ledger.people import identity_person, unmerge
from goodwill.ledger.queries import stats
from goodwill.ledger.schema import person_merges
from goodwill.reading import open_records
from goodwill.sources.sniffing import take_sample
from goodwill.sources.vcard import VcardSource
from tests.sources.files import check_records, rejected, write, write_folder, write_zip


def card(*lines: str, version: str = "3.0") -> str:
    """One card: BEGIN, VERSION, the lines, END, with CRLF line ends."""
    return "".join(
        f"{line}\r\n" for line in ("BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD")
    )


def fold(line: str, width: int = 20) -> str:
    """A content line folded as exporters fold it: CRLF and a space every ``width`` chars."""
    return "\r\n ".join(line[i : i + width] for i in range(0, len(line), width))


ANN = card(
    "UID:ann-1",
    "FN:Ann Lee",
    "N:Lee;Ann;;;",
    "EMAIL;TYPE=INTERNET,HOME:Ann.Lee@Example.com",
    "TEL;TYPE=CELL:+351 912 345 678",
    "TEL;TYPE=HOME:22 123 4567",
    "X-SOCIALPROFILE;TYPE=mastodon:https://a.social/@ann",
    "X-SOCIALPROFILE;type=twitter;x-user=AnnLee:x-apple:AnnLee",
    "X-SOCIALPROFILE;TYPE=bluesky:https://bsky.app/profile/did:plc:ann123",
    "URL:https://www.linkedin.com/in/ann-lee-12/",
    "URL:https://ann.example.com",
    "ORG:Acme\\, Inc.;Sales",
    "TITLE:Head of sales",
    "NOTE:Met at the fair\\nlikes tea",
    "ADR;TYPE=WORK:;;1 Rua Nova;Porto;;4000-001;Portugal",
    "IMPP:xmpp:Ann@Jabber.org",
)
BOB = card(
    "UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1",
    "FN:Bob Brown",
    "EMAIL;TYPE=work;PREF=1:bob@b.org",
    'TEL;VALUE=uri;TYPE="voice,cell":tel:+1-555-555-0100',
    "item1.URL:https://b.social/users/bob",
    "item1.X-ABLabel:Mastodon",
    "X-SOCIALPROFILE;TYPE=bluesky:https://bsky.app/profile/bob.example.org",
    "X-SOCIALPROFILE;TYPE=github:https://github.com/bob",
    version="4.0",
)
JOSE = card(
    "N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Jos=E9;Mar=EDa",
    "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:caf=C3=A9 con le=",
    "che",
    "TEL;CELL:0034 600 123 456",
    version="2.1",
)
NO_ACCOUNT = card("N:Doe;Jane;;;", "ORG:Doe Plumbing", "UID:jane-1")
GROUP = card("KIND:group", "FN:Book club", "MEMBER:urn:uuid:1", version="4.0")
CONTACTS = ANN + BOB + JOSE + NO_ACCOUNT + GROUP

ANN_HANDLES = (
    "email:ann.lee@example.com",
    "tel:+351912345678",
    "mastodon:@ann@a.social",
    "x:@annlee",
    "bluesky:did:plc:ann123",
    "linkedin:ann-lee-12",
    "xmpp:ann@jabber.org",
)
BOB_HANDLES = ("email:bob@b.org", "tel:+15555550100", "mastodon:@bob@b.social")


def read(path: Path, **options: str) -> list[Record]:
    """Every record, after checking that the ledger could store each."""
    records = list(VcardSource(options).records(path))
    check_records(r for r in records if not isinstance(r, Link))
    return records


def links(records: Sequence[Record]) -> list[Link]:
    return [r for r in records if isinstance(r, Link)]


def identities(records: Sequence[Record]) -> dict[str, Identity]:
    return {r.handle: r for r in records if isinstance(r, Identity)}


# --- what a card becomes ---------------------------------------------------------------------


def test_each_card_is_one_person_with_every_account_it_lists(tmp_path: Path) -> None:
    records = read(write(tmp_path / "contacts.vcf", CONTACTS))
    assert [(link.handles, link.evidence, link.name) for link in links(records)] == [
        (ANN_HANDLES, "vcard ann-1", "Ann Lee"),
        (BOB_HANDLES, "vcard urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1", "Bob Brown"),
        (("tel:+34600123456",), links(records)[2].evidence, "María José"),
        (("vcard:jane-1",), "vcard jane-1", "Jane Doe"),
    ]
    assert len(identities(records)) == len(ANN_HANDLES) + len(BOB_HANDLES) + 2
    assert rejected(records) == []


def test_the_first_account_holds_the_card_and_every_account_its_uid(tmp_path: Path) -> None:
    found = identities(read(write(tmp_path / "contacts.vcf", ANN)))
    assert found["email:ann.lee@example.com"] == Identity(
        "email:ann.lee@example.com",
        "Ann Lee",
        {
            "given_name": "Ann",
            "family_name": "Lee",
            "phone": "22 123 4567",
            "website": "https://ann.example.com",
            "org": "Acme, Inc.; Sales",
            "title": "Head of sales",
            "note": "Met at the fair\nlikes tea",
            "city": "Porto",
            "country": "Portugal",
            "vcard": "ann-1",
        },
    )
    # social accounts keep the names their networks give them; email and phone take the card's
    assert found["mastodon:@ann@a.social"] == Identity(
        "mastodon:@ann@a.social", None, {"vcard": "ann-1"}
    )
    assert found["tel:+351912345678"].name == "Ann Lee"


def test_version_4_uri_phones_apple_labels_and_profiles_by_handle(tmp_path: Path) -> None:
    found = identities(read(write(tmp_path / "bob.vcf", BOB)))
    assert tuple(found) == BOB_HANDLES  # the labelled /users/ URL is Mastodon's
    assert found["email:bob@b.org"].attributes == {
        "bluesky_handle": "bob.example.org",  # a handle names no DID: kept, not an identity
        "link:github": "https://github.com/bob",
        "vcard": "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1",
    }


def test_version_2_1_quoted_printable_in_its_charset(tmp_path: Path) -> None:
    (person,) = identities(read(write(tmp_path / "jose.vcf", JOSE))).values()
    assert (person.handle, person.name) == ("tel:+34600123456", "María José")
    assert person.attributes["note"] == "café con leche"
    assert person.attributes["family_name"] == "José"


def test_folded_lines_are_unfolded(tmp_path: Path) -> None:
    folded = card(
        fold("FN:Carol Anne Catherine Cunningham-Castellanos"),
        fold("NOTE:" + "a long note that an exporter folds " * 4),
        fold("X-SOCIALPROFILE;TYPE=mastodon:https://mastodon.example.social/@carol", 30),
    )
    records = read(write(tmp_path / "carol.vcf", folded))
    assert links(records)[0].name == "Carol Anne Catherine Cunningham-Castellanos"
    assert links(records)[0].handles == ("mastodon:@carol@mastodon.example.social",)
    assert (
        identities(records)["mastodon:@carol@mastodon.example.social"].attributes["note"]
        == ("a long note that an exporter folds " * 4).strip()
    )


def test_a_card_without_fn_is_named_by_n_then_org(tmp_path: Path) -> None:
    only_org = card("ORG:Acme Plumbing;Emergencies", "TEL:+44 20 7946 0000")
    records = read(write(tmp_path / "c.vcf", NO_ACCOUNT + only_org))
    assert [link.name for link in links(records)] == ["Jane Doe", "Acme Plumbing"]


def test_a_card_without_an_account_or_uid_is_keyed_by_its_content(tmp_path: Path) -> None:
    plain = card("FN:Neighbour", "TEL:555 0199")
    first = links(read(write(tmp_path / "a.vcf", plain)))
    again = links(read(write(tmp_path / "b.vcf", plain.replace("\r\n", "\n"))))
    assert first == again
    assert first[0].handles[0].startswith("vcard:h:")


def test_group_cards_are_not_people(tmp_path: Path) -> None:
    assert read(write(tmp_path / "g.vcf", GROUP)) == []


def test_goodwill_s_own_property_carries_any_handle(tmp_path: Path) -> None:
    text = card("FN:Node", "X-GOODWILL-HANDLE:soc-sign-bitcoinotc:42", "X-GOODWILL-HANDLE:x:id:12")
    assert links(read(write(tmp_path / "n.vcf", text)))[0].handles == (
        "soc-sign-bitcoinotc:42",
        "x:id:12",
    )


# --- awkward input ---------------------------------------------------------------------------


def test_a_broken_card_costs_only_itself_and_names_its_line(tmp_path: Path) -> None:
    broken = card("FN:Broken", "EMAIL")  # a property with no value
    empty = card()
    records = read(write(tmp_path / "c.vcf", ANN + broken + "stray text\r\n" + empty + BOB))
    assert [(r.location, r.reason) for r in rejected(records)] == [
        ("line 20", "line 23: cannot read 'EMAIL' (expected NAME:VALUE)"),
        ("line 25", "text outside any card (between END:VCARD and BEGIN:VCARD)"),
        ("line 26", "the card has no name, address or account: it names no one"),
    ]
    assert rejected(records)[0].raw == broken.replace("\r\n", "\n").strip()
    assert len(links(records)) == 2


def test_a_file_cut_short_rejects_its_last_card(tmp_path: Path) -> None:
    cut = ANN + BOB[: BOB.index("item1")]
    records = read(write(tmp_path / "cut.vcf", cut))
    assert [(r.location, r.reason) for r in rejected(records)] == [
        ("line 20", "the file ends inside this card (no END:VCARD): is it cut short?")
    ]
    unclosed = read(write(tmp_path / "open.vcf", ANN.replace("END:VCARD\r\n", "") + BOB))
    assert rejected(unclosed)[0].reason == (
        "the card has no END:VCARD before the next card at line 19"
    )
    assert len(links(unclosed)) == 1


def test_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    latin = card("FN:Jos\u00e9 Mar\u00eda", "EMAIL:jose@example.es").encode("latin-1")
    path = tmp_path / "latin.vcf"
    path.write_bytes(ANN.encode() + latin)
    records = read(path)
    assert [(r.location, r.reason) for r in rejected(records)] == [
        (
            "line 20",
            "line 22: not utf-8 text (byte 7 of the line); convert the file to UTF-8, "
            "or pass --option encoding=NAME",
        )
    ]
    assert links(read(path, encoding="cp1252"))[1].name == "José María"
    declared = card("FN;CHARSET=ISO-8859-1:Jos\u00e9", "EMAIL:jose@example.es").encode("latin-1")
    path.write_bytes(declared)
    assert links(read(path))[0].name == "José"  # a line may name its own charset


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,email\nAnn,ann@example.com\n", r"line 1: expected BEGIN:VCARD, found 'name,email'"),
        ("BEGIN:VCARD\r\n".encode("utf-16"), r"the file is UTF-16 text"),
        (b"BEGIN:VCARD\n" + b"x" * (17 * 1024 * 1024), r"a line is longer than"),
    ],
)
def test_a_file_that_is_not_a_vcard_is_a_source_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "not.vcf"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=message):
        read(path)


def test_an_unknown_encoding_option_is_refused_before_reading() -> None:
    with pytest.raises(SourceError, match="option encoding='klingon'"):
        VcardSource({"encoding": "klingon"})


# --- containers ------------------------------------------------------------------------------


def test_gzip_folder_and_zip_read_alike(tmp_path: Path) -> None:
    plain = read(write(tmp_path / "all.vcf", CONTACTS))
    assert read(write(tmp_path / "all.vcf.gz", CONTACTS, compress=True)) == plain
    members = {"contacts/ann.vcf": ANN, "contacts/bob.VCF": BOB, "contacts/jose.vcf": JOSE,
               "contacts/jane.vcard": NO_ACCOUNT, "contacts/notes.txt": "not a card"}  # fmt: skip
    folder = read(write_folder(tmp_path / "folder", members))
    zipped = read(write_zip(tmp_path / "contacts.zip", members))
    assert folder == zipped
    assert {link.evidence for link in links(folder)} == {link.evidence for link in links(plain)}


def test_a_gzip_cut_short_is_a_source_error(tmp_path: Path) -> None:
    packed = gzip.compress(CONTACTS.encode("utf-8"))
    path = tmp_path / "cut.vcf.gz"
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(SourceError, match=r"cut\.vcf\.gz: cannot be read to its end"):
        read(path)


def test_an_archive_rejection_names_the_member(tmp_path: Path) -> None:
    members = {"a.vcf": ANN, "b.vcf": card("FN:x", "EMAIL")}
    records = read(write_zip(tmp_path / "c.zip", members))
    assert [r.location for r in rejected(records)] == ["b.vcf:1"]
    with pytest.raises(SourceError, match=r"holds no \.vcf file"):
        read(write_zip(tmp_path / "none.zip", {"a.txt": "hi"}))
    with pytest.raises(SourceError, match=r"c2\.zip: b\.vcf: line 1: expected BEGIN:VCARD"):
        read(write_zip(tmp_path / "c2.zip", {"a.vcf": ANN, "b.vcf": "hello"}))


def test_goodwill_import_recognises_vcards(tmp_path: Path) -> None:
    assert VcardSource.sniff(take_sample(write(tmp_path / "c.txt", "\ufeff" + ANN))) == 90
    assert VcardSource.sniff(take_sample(write_zip(tmp_path / "c.zip", {"a.vcf": ANN}))) == 50
    assert VcardSource.sniff(take_sample(write(tmp_path / "c.csv", "time,kind\n"))) == 0


def test_links_cross_from_the_reading_process_intact(tmp_path: Path) -> None:
    path = write(tmp_path / "c.vcf", CONTACTS)
    with open_records("vcard", None, path, parallel=True) as stream:
        there = list(stream)
    assert there == list(VcardSource().records(path))


# --- into the ledger -------------------------------------------------------------------------


def test_import_makes_one_person_per_card_and_a_second_import_adds_nothing(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write(tmp_path / "contacts.vcf", CONTACTS)
    first = run_import(ledger, "vcard", path)
    assert (first.events_read, first.identities_added) == (0, 12)
    assert first.people_merged == len(ANN_HANDLES) - 1 + len(BOB_HANDLES) - 1
    with ledger.read() as conn:
        assert stats(conn)["people"] == 4
        ann = {identity_person(conn, h) for h in ANN_HANDLES}
        assert len(ann) == 1
        reasons = set(conn.execute(select(person_merges.c.reason)).scalars())
        assert reasons == {"vcard ann-1", "vcard urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"}
    again = run_import(ledger, "vcard", path)
    assert (again.identities_added, again.people_merged) == (0, 0)
    with ledger.read() as conn:
        assert stats(conn)["people"] == 4


def test_rejected_cards_are_set_aside_as_cards_to_fix(ledger: Ledger, tmp_path: Path) -> None:
    broken = card("FN:Broken", "EMAIL")
    path = write(tmp_path / "c.vcf", ANN + broken + BOB)
    with pytest.raises(SourceError, match=r"c\.vcf: line 20: line 23: cannot read 'EMAIL'"):
        run_import(ledger, "vcard", path)
    summary = run_import(ledger, "vcard", path, skip_bad=tmp_path / "bad.vcf")
    assert (summary.rejected, summary.people_merged) == (1, 8)
    assert (tmp_path / "bad.vcf").read_text() == broken.replace("\r\n", "\n")


def test_an_account_two_cards_share_joins_neither(ledger: Ledger, tmp_path: Path) -> None:
    home = "TEL:+351 220 000 000"
    pair = card("FN:Ann", "EMAIL:ann@x.org", home) + card("FN:Al", "EMAIL:al@x.org", home)
    summary = run_import(ledger, "vcard", write(tmp_path / "family.vcf", pair))
    assert summary.people_merged == 0
    with ledger.read() as conn:
        assert stats(conn)["people"] == 3


def test_a_merge_the_user_undid_is_not_made_again(ledger: Ledger, tmp_path: Path) -> None:
    path = write(tmp_path / "bob.vcf", BOB)
    run_import(ledger, "vcard", path)
    with ledger.write() as conn:
        last = conn.execute(select(func.max(person_merges.c.id))).scalar_one()
        unmerge(conn, last, now_us=1)
    again = run_import(ledger, "vcard", path)
    assert again.people_merged == 0
    with ledger.read() as conn:
        assert len({identity_person(conn, h) for h in BOB_HANDLES}) == 2


# --- mangled input ---------------------------------------------------------------------------


_LINES = CONTACTS.encode("utf-8").split(b"\r\n")
_JUNK = [
    b"", b" ", b":", b";", b"=", b"\\", b"BEGIN:VCARD", b"END:VCARD", b"BEGIN:VCALENDAR",
    b";ENCODING=QUOTED-PRINTABLE", b";CHARSET=nope", b";ENCODING=b", b"\xff\xfe", b"\x00",
    b"item1.", b"\xe9", b"=",
]  # fmt: skip


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, len(_LINES) - 1),
            st.sampled_from(["drop", "insert", "splice"]),
            st.integers(0, 80),
            st.binary(min_size=1, max_size=12) | st.sampled_from(_JUNK),
        ),
        min_size=1,
        max_size=4,
    ),
    cut=st.none() | st.floats(0, 1),
    compress=st.booleans(),
)
def test_mangled_cards_give_only_our_errors(
    tmp_path: Path,
    edits: list[tuple[int, str, int, bytes]],
    cut: float | None,
    compress: bool,
) -> None:
    """Lines dropped, junk lines added, junk spliced into a line; the file (or its gzip)
    cut short."""
    lines = list(_LINES)
    for wanted, how, at, junk in edits:
        number = min(wanted, len(lines) - 1)
        if how == "drop":
            del lines[number]
        elif how == "insert":
            lines.insert(number, junk)
        else:
            lines[number] = lines[number][:at] + junk + lines[number][at:]
    data = b"\r\n".join(lines)
    data = gzip.compress(data) if compress else data
    path = tmp_path / "m.vcf"
    path.write_bytes(data if cut is None else data[: int(cut * len(data))])
    with contextlib.suppress(GoodwillError):
        read(path)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2_000))
def test_random_bytes_give_only_our_errors(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\n" + data)
    with contextlib.suppress(GoodwillError):
        read(path)
