"""``mbox``: email from an mbox file, as mail programs and Gmail Takeout write it.

The files are built here: each message opens with a From_ line (``From SENDER DATE``), then
its headers, a blank line, its body with ``>From `` quoting, and a blank line. Gmail
Takeout's variant has CRLF line endings, ``From 1790...@xxx DATE +0000 YEAR`` lines and an
``X-Gmail-Labels`` header.
"""

from __future__ import annotations

import contextlib
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwill.errors import GoodwillError, SourceError
from goodwill.events import Identity, Record
from goodwill.importing import run_import
from goodwill.ledger import Ledger
from goodwill.ledger.queries import stats
from goodwill.sources.mbox import MboxSource
from goodwill.sources.mboxfile import MAX_HEADER_BYTES
from goodwill.sources.tabular import parse_time
from tests.sources.files import (
    check_records,
    events,
    kinds,
    mangle,
    peak_bytes,
    rejected,
    write,
)

ANN, BOB, CAROL = "email:ann@example.com", "email:bob@example.org", "email:carol@example.net"
DAVE, ERIN = "email:dave@example.com", "email:erin@example.com"
ENVELOPE = "MAILER-DAEMON Tue Jun  4 10:00:00 2024"

# --- the files, as mail programs write them --------------------------------------------------


def message(
    headers: Sequence[tuple[str, str]],
    body: str = "Hi.\n",
    *,
    envelope: str = ENVELOPE,
    newline: str = "\n",
) -> str:
    """One message as an mbox holds it, From_ line first, ``>From``-quoted, blank line last."""
    quoted = "".join(
        ">" + line if line.lstrip(">").startswith("From ") else line
        for line in body.splitlines(keepends=True)
    )
    text = f"From {envelope}\n" + "".join(f"{k}: {v}\n" for k, v in headers) + "\n" + quoted
    return (text + "\n").replace("\n", newline)


def date(day: int, hour: int = 10) -> str:
    return f"Tue, {day:02d} Jun 2024 {hour:02d}:00:00 +0200"


THREAD = [
    message(
        [
            ("From", "Bob Stone <Bob@Example.org>"),
            ("To", "Ann Lee <ann@example.com>"),
            ("Cc", "carol@example.net"),
            ("Date", date(4)),
            ("Message-ID", "<1@example.org>"),
            ("Subject", "Lunch?"),
        ],
        "Shall we?\nFrom my side, any day.\n\nFrom the office, Bob\n",
    ),  # email to ann and carol; its body's From lines are quoted
    message(
        [
            ("From", "Ann Lee <ann@example.com>"),
            ("To", "Bob Stone <bob@example.org>"),
            ("Cc", "Carol <carol@example.net>, ann@example.com"),
            ("Date", date(4, 12)),
            ("Message-ID", "<2@example.com>"),
            ("In-Reply-To", "<1@example.org>"),
            ("References", "<1@example.org>"),
            ("Subject", "Re: Lunch?"),
        ],
        "Yes!\nFrom Ann\n",  # an unquoted From line, not after a blank line: body all the same
    ),  # reply to bob and carol (not to herself)
    message(
        [
            ("From", "carol@example.net"),
            ("To", "ann@example.com, =?utf-8?q?Bob_St=C3=B6ne?= <bob@example.org>"),
            ("Date", date(5)),
            ("Message-ID", "<3@example.net>"),
            ("References", "<1@example.org>\n <2@example.com>"),
            ("Subject", "Re: Lunch?"),
        ],
    ),  # reply (References only) to ann and bob, answering <2@...>
    message(
        [
            ("From", "ann@example.com"),
            ("To", "Dave <dave@example.com>"),
            ("Bcc", "erin@example.com"),
            ("Date", date(6)),
            ("Subject", "No id"),
        ],
    ),  # email to dave and erin, keyed by content
    message(
        [
            ("From", "Bob Stone <bob@example.org>"),
            ("To", "potters@lists.example.org"),
            ("List-Id", "Potters <potters.lists.example.org>"),
            ("Date", date(7)),
            ("Message-ID", "<5@example.org>"),
            ("Subject", "Kiln day"),
        ],
    ),  # a mailing list: a post by bob
    message(
        [
            ("From", "GitHub <noreply@github.com>"),
            ("To", "ann@example.com"),
            ("Date", date(8)),
            ("Message-ID", "<6@github.com>"),
        ],
    ),  # a no-reply sender: a post
    message(
        [
            ("From", "Shop <news@shop.example>"),
            ("To", "ann@example.com"),
            ("Precedence", "bulk"),
            ("Date", date(8)),
            ("Message-ID", "<7@shop.example>"),
        ],
    ),  # bulk: a post
    message(
        [
            ("From", "Dave <dave@example.com>"),
            ("To", "ann@example.com"),
            ("Auto-Submitted", "auto-replied"),
            ("Date", date(9)),
            ("Message-ID", "<8@example.com>"),
            ("Subject", "Out of office"),
        ],
    ),  # an automatic reply: a post
    message(
        [
            ("From", "ann@example.com"),
            ("To", "Ann <ann@example.com>"),
            ("Date", date(9)),
            ("Message-ID", "<9@example.com>"),
        ],
    ),  # a note to herself: nothing
]
THREAD_KINDS = {"email": 4, "reply": 4, "post": 4}


def mbox(tmp_path: Path, *messages: str, name: str = "mail.mbox", compress: bool = False) -> Path:
    return write(tmp_path / name, "".join(messages), compress=compress)


def read(path: Path, **options: str) -> list[Record]:
    return check_records(MboxSource(options).records(path))


# --- a real import ---------------------------------------------------------------------------


def test_import_counts_by_kind_and_a_second_import_adds_nothing(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = mbox(tmp_path, *THREAD)
    seen: list[tuple[int, int, int]] = []
    first = run_import(ledger, "mbox", path, progress=lambda *a: seen.append(a))
    with ledger.read() as conn:
        assert stats(conn)["by_kind"] == dict(sorted(THREAD_KINDS.items()))
    assert (first.added, first.rejected) == (12, 0)
    assert seen[-1] == (path.stat().st_size, path.stat().st_size, 12)
    again = run_import(ledger, "mbox", path)
    assert (again.added, again.present) == (0, 12)


def test_rejected_messages_set_aside_can_be_fixed_and_imported(
    ledger: Ledger, tmp_path: Path
) -> None:
    nameless = [("To", "bob@example.org"), ("Date", date(4)), ("Message-ID", "<x1@a>")]
    path = mbox(
        tmp_path, THREAD[0], message(nameless), message([*nameless[:2], ("Message-ID", "<x2@a>")])
    )
    rejects = tmp_path / "rejects.mbox"
    summary = run_import(ledger, "mbox", path, skip_bad=rejects)
    assert (summary.added, summary.rejected) == (2, 2)
    reasons = (tmp_path / "rejects.mbox.reasons").read_text().splitlines()
    assert reasons == [
        "message 2 (line 14)\tno sender: the message has no From header",
        "message 3 (line 21)\tno sender: the message has no From header",
    ]
    fixed = rejects.read_text().replace("To: ", "From: ann@example.com\nTo: ")
    again = run_import(ledger, "mbox", write(tmp_path / "fixed.mbox", fixed))
    assert (again.added, again.rejected) == (2, 0)


# --- what the messages become ----------------------------------------------------------------


def test_a_thread_becomes_emails_and_replies_to_every_recipient(tmp_path: Path) -> None:
    records = read(mbox(tmp_path, *THREAD))
    assert kinds(records) == THREAD_KINDS
    mail = {
        e.external_id: (e.kind, e.actor, e.target, e.answers)
        for e in events(records)
        if e.kind != "post"
    }
    no_id = [key for key in mail if key.startswith("h:")]
    assert len(no_id) == 2 and no_id[0].endswith("#to:dave@example.com")
    assert mail == {
        "<1@example.org>#to:ann@example.com": ("email", BOB, ANN, None),
        "<1@example.org>#to:carol@example.net": ("email", BOB, CAROL, None),
        "<2@example.com>#to:bob@example.org": ("reply", ANN, BOB, "<1@example.org>"),
        "<2@example.com>#to:carol@example.net": ("reply", ANN, CAROL, "<1@example.org>"),
        "<3@example.net>#to:ann@example.com": ("reply", CAROL, ANN, "<2@example.com>"),
        "<3@example.net>#to:bob@example.org": ("reply", CAROL, BOB, "<2@example.com>"),
        no_id[0]: ("email", ANN, DAVE, None),
        no_id[1]: ("email", ANN, ERIN, None),
    }
    first = events(records)[0]
    assert (first.time_us, first.text) == (parse_time("2024-06-04T08:00:00Z"), "Lunch?")


def test_list_bulk_and_automatic_mail_is_a_post_toward_nobody(tmp_path: Path) -> None:
    posts = [e for e in events(read(mbox(tmp_path, *THREAD))) if e.kind == "post"]
    assert [(e.actor, e.target, e.external_id, e.text) for e in posts] == [
        (BOB, None, "<5@example.org>", "Kiln day"),
        ("email:noreply@github.com", None, "<6@github.com>", None),
        ("email:news@shop.example", None, "<7@shop.example>", None),
        (DAVE, None, "<8@example.com>", "Out of office"),
    ]
    assert kinds(read(mbox(tmp_path, *THREAD), bulk="skip")) == {"email": 4, "reply": 4}


def test_identities_carry_display_names_once_each(tmp_path: Path) -> None:
    identities = [r for r in read(mbox(tmp_path, *THREAD)) if isinstance(r, Identity)]
    assert identities == [
        Identity(BOB, "Bob Stone"),
        Identity(ANN, "Ann Lee"),
        Identity(CAROL, "Carol"),
        Identity(BOB, "Bob Stöne"),  # a new name for bob, decoded from =?utf-8?q?...?=
        Identity(DAVE, "Dave"),
        Identity(BOB, "Bob Stone"),
        Identity("email:noreply@github.com", "GitHub"),
        Identity("email:news@shop.example", "Shop"),
    ]


def test_a_gzip_file_reads_as_the_plain_one(tmp_path: Path) -> None:
    plain = read(mbox(tmp_path, *THREAD))
    assert read(mbox(tmp_path, *THREAD, name="mail.mbox.gz", compress=True)) == plain


def takeout(n: int, labels: str, sender: str = "bob@example.org") -> str:
    return message(
        [
            ("X-GM-THRID", "1790000000000000000"),
            ("X-Gmail-Labels", labels),
            ("From", sender),
            ("To", "ann@example.com"),
            ("Date", date(n)),
            ("Message-ID", f"<g{n}@mail.gmail.com>"),
        ],
        envelope=f"17900000000000000{n:02d}@xxx Tue Jun 04 10:00:00 +0000 2024",
        newline="\r\n",
    )


def test_gmail_takeout_skips_spam_trash_and_drafts(tmp_path: Path) -> None:
    path = mbox(
        tmp_path,
        takeout(1, "Inbox,Important,Opened"),
        takeout(2, "Spam,Opened"),
        takeout(3, "Trash"),
        takeout(4, "Drafts", sender="ann@example.com"),
        takeout(5, "Posteingang,Papierkorb"),
        takeout(6, '"\\\\Sent"', sender="bob@example.org"),
        name="All mail Including Spam and Trash.mbox",
    )
    assert [e.external_id for e in events(read(path))] == [
        "<g1@mail.gmail.com>#to:ann@example.com",
        "<g5@mail.gmail.com>#to:ann@example.com",
        "<g6@mail.gmail.com>#to:ann@example.com",
    ]
    german = read(path, **{"skip-labels": "Spam,Papierkorb,Entwürfe"})
    assert [e.external_id[:4] for e in events(german)] == ["<g1@", "<g3@", "<g6@"]  # "Trash"


def test_me_joins_own_addresses_and_takes_mail_sent_to_no_one_visible(tmp_path: Path) -> None:
    path = mbox(
        tmp_path,
        message([("From", "ann@example.com"), ("To", "Ann <ann@home.example>")]),
        message([("From", "bob@example.org"), ("To", "undisclosed-recipients:;")]),
        message([("From", "bob@example.org"), ("To", "bob@example.org")]),
    )
    alone = read(path)
    assert [(e.actor, e.target) for e in events(alone)] == [(ANN, "email:ann@home.example")]
    records = read(path, me="email:Ann@Example.com, ann@home.example")
    assert [(e.actor, e.target) for e in events(records)] == [(BOB, ANN), (BOB, ANN)]
    with pytest.raises(SourceError, match="option me: 'ann' is not an email address"):
        MboxSource({"me": "ann"})
    with pytest.raises(SourceError, match="option bulk='keep': use post or skip"):
        MboxSource({"bulk": "keep"})


def test_times_fall_back_on_the_from_line(tmp_path: Path) -> None:
    sender = ("From", "bob@example.org"), ("To", "ann@example.com")
    path = mbox(
        tmp_path,
        message([*sender, ("Date", "Tue, 4 Jun 2024 10:00:00")]),  # no zone: UTC
        message([*sender]),  # no Date: the From_ line's
        message([*sender, ("Date", "last Tuesday")]),
        message([*sender, ("Date", "last Tuesday")], envelope="bob@example.org"),
        message([*sender], envelope="bob@example.org"),
    )
    records = read(path)
    expected = parse_time("2024-06-04T10:00:00Z")
    assert [e.time_us for e in events(records)] == [expected] * 3
    assert [(r.location, r.reason) for r in rejected(records)] == [
        (
            "message 4 (line 21)",
            "the Date header 'last Tuesday' is not a date, and the From line gives none",
        ),
        ("message 5 (line 28)", "no time: the message has no Date header, and the From line gives none"),
    ]  # fmt: skip


def test_messages_without_an_id_are_told_apart_and_keyed_alike_each_time(
    tmp_path: Path,
) -> None:
    twice = THREAD[3]
    path = mbox(tmp_path, twice, twice)
    keys = [e.external_id for e in events(read(path))]
    assert keys[2:] == [key.replace("#to:", "#1#to:") for key in keys[:2]]
    assert keys == [e.external_id for e in events(read(path))]


# --- awkward input ---------------------------------------------------------------------------


def test_bad_charsets_cost_only_the_letters_they_garble(tmp_path: Path) -> None:
    text = message(
        [
            ("From", "J\u00fcrgen M\u00fcller <j@example.de>"),
            ("To", "Ren\u00e9 <rene@example.fr>"),
            ("Date", date(4)),
            ("Message-ID", "<c@example.de>"),
            ("Subject", "=?x-unknown?q?Gr=FC=DFe?= and =?utf-8?q?caf=C3=A9?="),
        ],
        "Gr\u00fc\u00dfe\n",
    ).encode("utf-8")
    latin1 = text.replace("Ren\u00e9".encode(), "Ren\u00e9".encode("latin-1"))
    path = tmp_path / "charsets.mbox"
    path.write_bytes(latin1)
    records = read(path)
    assert [r for r in records if isinstance(r, Identity)] == [
        Identity("email:j@example.de", "J\u00fcrgen M\u00fcller"),  # raw UTF-8: read as such
        Identity("email:rene@example.fr", "Ren\ufffd"),  # raw latin-1: one letter lost
    ]
    [event] = events(records)
    assert event.text is not None and event.text.endswith(" and caf\u00e9")


def test_the_quoting_of_from_lines_keeps_messages_whole(tmp_path: Path) -> None:
    body = "Hello\n\n>From the start\n>>From inside\nFrom here on, a line escaped quoting\n"
    records = read(mbox(tmp_path, THREAD[0].replace("Shall we?\n", body), THREAD[1]))
    assert kinds(records) == {"email": 2, "reply": 2}


def test_a_message_cut_short_in_its_headers_is_rejected(tmp_path: Path) -> None:
    whole = "".join(THREAD[:2])
    cut = whole[: whole.index("Cc: Carol") + 6]
    records = read(mbox(tmp_path, cut))
    assert [(r.location, r.reason[:46]) for r in rejected(records)] == [
        ("message 2 (line 14)", "the file ends inside this message's headers: i")
    ]
    assert rejected(records)[0].raw.endswith("Cc: Ca")
    assert kinds(records) == {"email": 2}
    in_body = read(mbox(tmp_path, whole[: whole.index("Yes!") + 2], name="body.mbox"))
    assert kinds(in_body) == {"email": 2, "reply": 2}  # the headers are whole: kept


def test_messages_that_name_no_sender_are_rejected_by_place(tmp_path: Path) -> None:
    path = mbox(
        tmp_path,
        message([("To", "ann@example.com"), ("Date", date(4))]),
        message([("From", "Bob"), ("To", "ann@example.com"), ("Date", date(4))]),
        message([("From", "ann@"), ("To", "bob@, carol@example.net"), ("Date", date(4))]),
        message([("From", "bob@example.org"), ("To", "carol@example.net, ann@"), ("Date", date(4))]),
    )  # fmt: skip
    records = read(path)
    assert [(r.location, r.reason) for r in rejected(records)] == [
        ("message 1 (line 1)", "no sender: the message has no From header"),
        ("message 2 (line 7)", "no sender: the From header 'Bob' holds no email address"),
        ("message 3 (line 14)", "no sender: the From header 'ann@' holds no email address"),
    ]
    assert [(e.actor, e.target) for e in events(records)] == [(BOB, CAROL)]


def test_headers_without_end_are_rejected_without_filling_memory(tmp_path: Path) -> None:
    path = tmp_path / "endless.mbox"
    line = b"X-Filler: " + b"x" * 70 + b"\n"
    path.write_bytes(
        f"From {ENVELOPE}\n".encode() + line * (4 * MAX_HEADER_BYTES // len(line))
        + b"y" * (8 << 20)  # and a line of 8 MiB
        + b"\n\n" + THREAD[0].encode()
    )  # fmt: skip
    tracemalloc.start()
    try:
        records = read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [r.location for r in rejected(records)] == ["message 1 (line 1)"]
    assert rejected(records)[0].reason.startswith("its headers run past 1,048,576 bytes")
    assert kinds(records) == {"email": 2}
    assert peak < 6 * MAX_HEADER_BYTES < path.stat().st_size / 2, peak


@pytest.mark.parametrize(
    ("content", "message_"),
    [
        (b"Return-Path: <a@b>\nFrom: a@b\n\nhi\n", "line 1: an mbox file starts with a 'From ' line"),
        (b"\n\n{\"not\": \"mail\"}\n", "line 3: an mbox file starts with a 'From ' line"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_an_mbox_is_a_source_error(
    tmp_path: Path, content: bytes, message_: str
) -> None:
    path = tmp_path / "x.eml"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=rf"x\.eml: {message_}"):
        read(path)


def test_an_empty_file_holds_no_records_and_a_damaged_gzip_says_so(tmp_path: Path) -> None:
    assert read(write(tmp_path / "empty.mbox", "")) == []
    packed = mbox(tmp_path, *THREAD, name="mail.mbox.gz", compress=True).read_bytes()
    cut = tmp_path / "cut.mbox.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(SourceError, match=r"cut\.mbox\.gz: after line \d+: the compressed data"):
        read(cut)


def _letters(count: int) -> str:
    """``count`` messages among a fixed set of people, each with a body of a few lines."""
    return "".join(
        message(
            [
                ("From", f"Person {n % 40} <p{n % 40}@example.com>"),
                ("To", f"p{n % 37}@example.org"),
                ("Date", date(n % 28 + 1)),
                ("Message-ID", f"<{n}@example.com>"),
            ],
            "Some words.\n" * 30,
        )
        for n in range(count)
    )


def test_memory_does_not_grow_with_the_mailbox(tmp_path: Path) -> None:
    small = peak_bytes(MboxSource(), write(tmp_path / "small.mbox", _letters(300)))
    large = peak_bytes(MboxSource(), write(tmp_path / "large.mbox", _letters(3_000)))
    assert large < small * 1.5 + 64 * 1024, (small, large)


# --- mangled input ---------------------------------------------------------------------------

_GOOD = "".join(THREAD).encode("utf-8")


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    how=st.sampled_from(["truncate", "replace", "insert"]),
    where=st.floats(0, 1),
    junk=st.binary(min_size=1, max_size=24)
    | st.sampled_from(
        [b"\nFrom ", b"\n\nFrom x\n", b"=?", b"?=", b"<", b">", b",", b":", b"\r", b"\xff\xfe",
         b"\x00", b"\n", b"@", b'"', b"=?x?q?=FF?="]
    ),
)  # fmt: skip
def test_mangled_mailboxes_give_only_our_errors(
    tmp_path: Path, how: str, where: float, junk: bytes
) -> None:
    path = tmp_path / "m.mbox"
    path.write_bytes(mangle(_GOOD, how, where, junk))
    with contextlib.suppress(GoodwillError):
        read(path)
