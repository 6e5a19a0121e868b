"""What one email's headers say: who wrote to whom, when, in answer to what, and whether it
was mail between people at all.

The header block is split by the standard library's :mod:`email` parser and each header
read as written (policy ``compat32``); an address list or a subject that needs more than
plain reading (``=?utf-8?q?...?=`` words, quoted names, groups, comments, bytes beyond
ASCII) goes through the modern policy's header classes, which decode it and note rather than
raise on most malformed input. Plain ones, most of them, are read by
:func:`email.utils.getaddresses`: the full parse of every header would take three times as
long, and a mailbox holds hundreds of thousands of messages. Where the modern parser still
fails on a broken header (``To: a@``), ``getaddresses`` takes what it can. Bytes that are
not UTF-8 become U+FFFD, so a message in a wrong charset costs only the letters it garbles.

Bulk mail is told apart by what the standards and mail servers put on it: a mailing list's
``List-Id``, ``List-Unsubscribe`` or ``List-Post``; ``Precedence: bulk``, ``list`` or
``junk``; ``Auto-Submitted`` other than ``no`` (out-of-office replies, notifications,
RFC 3834); and senders that cannot be answered (``noreply@``, ``no-reply@``,
``do-not-reply@``, ``mailer-daemon@``, ``postmaster@``, ``notifications@``, ``bounce@``).

>>> mail = read_mail(b"From: Bob <Bob@Example.com>\\nTo: ann@example.com\\n"
...                  b"Date: Tue, 4 Jun 2024 10:00:00 +0000\\nMessage-ID: <1@b>\\n\\n", None)
>>> mail.sender, mail.recipients, mail.message_id, mail.bulk
(('email:bob@example.com', 'Bob'), [('email:ann@example.com', None)], '<1@b>', False)
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from email import policy
from email.errors import MessageError
from email.headerregistry import AddressHeader
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parsedate_to_datetime

from goodwill.sources import fields
from goodwill.sources.fields import BadRecord
from goodwill.sources.keys import content_key

__all__ = ["Mail", "Person", "email_handle", "message_key", "read_mail"]

#: ``(handle, display name or None)``.
Person = tuple[str, str | None]

# What the email package's header parsers raise on input they were not written for
# (RecursionError: comments nest, and ``((((...`` a thousand deep exhausts the stack).
_PARSE_ERRORS = (
    MessageError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    LookupError,
    RecursionError,
)
_SPLITTER = BytesHeaderParser(policy=policy.compat32)
_HEADER = policy.default.header_factory
# What plain reading cannot take: quoting, comments, groups, encoded words, control bytes.
_NOT_PLAIN = re.compile(r'["\\()\[\]:;=\x00-\x08\x0a-\x1f\x7f]')
_BREAKS_ADDRESS = re.compile(r"[\s\x00-\x1f\x7f]")
_ID = re.compile(r"<([^<>\s]+)>")
_BARE_ID = re.compile(r"[^<>\s]+\Z")
_NO_REPLY = re.compile(
    r"no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]?daemon|\A(?:postmaster|notifications?"
    r"|bounces?)(?:[-+].*)?\Z",
    re.IGNORECASE,
)
_LIST_HEADERS = ("list-id", "list-unsubscribe", "list-post")
_BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})
_LONGEST_ID = 300  # longer Message-IDs are hashed, so ids built on them fit the ledger
#: The longest value handed to the email package's modern parser. Its time grows with the
#: square of a value's length when the value is full of quotes, backslashes or encoded
#: words (a 16 KiB one takes seconds, a 1 MiB one hours), so a longer address list is
#: split at the commas between addresses first, and a piece still longer (no address is)
#: is read by getaddresses alone.
_MODERN_MAX = 1024
#: Of a long address list, only the first this many addresses go to the modern parser
#: (0.1 ms each); the rest, by then a blast to a crowd, are read by getaddresses alone.
_MODERN_PIECES = 100
#: A free-text header (Subject) is cut to this many characters before it is decoded: no
#: subject is longer, and decoding a long run of encoded words takes quadratic time too.
_TEXT_MAX = 16 * 1024


@dataclass(frozen=True, slots=True)
class Mail:
    """The facts of one message that goodwill keeps."""

    sender: Person
    #: To, then Cc, then Bcc, each address once, in the order written; never the sender.
    recipients: list[Person]
    time_us: int
    #: The Message-ID as ``<...>`` (hashed when very long), or None.
    message_id: str | None
    #: The Message-ID of the message this one answers (In-Reply-To, else the last of
    #: References), or None.
    parent: str | None
    subject: str | None
    #: Whether it is list, bulk or automated mail rather than mail between people.
    bulk: bool
    #: Its Gmail labels (X-Gmail-Labels), lower-cased.
    labels: frozenset[str]


def read_mail(headers: bytes, fallback_time_us: int | None) -> Mail:
    """The facts of a message's header block; ``fallback_time_us`` (the From_ line's time)
    serves when the Date header is missing or unreadable. A BadRecord says what is wrong."""
    try:
        items = _SPLITTER.parsebytes(headers).raw_items()
    except _PARSE_ERRORS as exc:
        raise BadRecord(f"the headers cannot be parsed ({exc})") from None
    raw: dict[str, list[str]] = {}
    for name, value in items:  # unfolded, as the modern policy does before parsing
        raw.setdefault(name.lower(), []).append(value.replace("\r", "").replace("\n", ""))
    senders = _people(raw, "from")
    if not senders:
        found = raw.get("from")
        raise BadRecord(
            "no sender: the message has no From header"
            if found is None
            else f"no sender: the From header {_shown(found[0])} holds no email address"
        )
    sender = senders[0]
    seen = {sender[0]}
    recipients: list[Person] = []
    for header in ("to", "cc", "bcc"):
        for person in _people(raw, header):
            if person[0] not in seen:
                seen.add(person[0])
                recipients.append(person)
    first = {name: values[0] for name, values in raw.items()}
    return Mail(
        sender,
        recipients,
        _time(first.get("date"), fallback_time_us),
        _first_id(first.get("message-id")),
        _parent(first.get("in-reply-to"), first.get("references")),
        _unstructured("subject", first.get("subject")),
        _is_bulk(first, sender[0]),
        _labels(_unstructured("x-gmail-labels", first.get("x-gmail-labels"))),
    )


def message_key(message_id: str) -> str:
    """A Message-ID as goodwill keys on it: itself, or its digest when it is too long to
    leave room for a recipient in an event id.

    >>> message_key("<1@b>"), message_key("<" + "x" * 400 + ">")
    ('<1@b>', 'h:bfa843a28d6fcee2db1f22f2')
    """
    return message_id if len(message_id) <= _LONGEST_ID else content_key(message_id)


def _people(raw: dict[str, list[str]], header: str) -> list[Person]:
    """The addresses in every ``header`` of the message, as handles with their names."""
    people = []
    for value in raw.get(header, ()):
        for name, address in _addresses(header, value):
            person = _person(address, name)
            if person is not None:
                people.append(person)
    return people


def _addresses(header: str, value: str) -> list[tuple[str, str]]:
    """``(display name, address)`` for each address in one header's value."""
    if value.isascii() and _NOT_PLAIN.search(value) is None:
        return getaddresses([value])
    if len(value) <= _MODERN_MAX:
        return _parsed(header, value)
    found = []
    for number, piece in enumerate(_between_commas(value)):
        found += _parsed(header, piece) if number < _MODERN_PIECES else _plain(piece)
    return found


def _parsed(header: str, value: str) -> list[tuple[str, str]]:
    """The addresses of one value by the modern parser when it is short enough, else (or
    when that fails) by getaddresses."""
    if len(value) <= _MODERN_MAX:
        with contextlib.suppress(*_PARSE_ERRORS):
            parsed = _HEADER(header, value)
            if isinstance(parsed, AddressHeader):
                return [(a.display_name, a.addr_spec) for a in parsed.addresses]
    return _plain(value)


def _plain(value: str) -> list[tuple[str, str]]:
    """The addresses getaddresses finds; none when it cannot read the value."""
    try:
        return getaddresses([value])
    except _PARSE_ERRORS:
        return []


def _between_commas(value: str) -> list[str]:
    """``value`` cut at the commas that separate addresses: not those inside quotes,
    comments or angle brackets.

    >>> _between_commas('"Doe, Jane" <j@d.org>, (a, b) k@e.org,<x,y@z>')
    ['"Doe, Jane" <j@d.org>', ' (a, b) k@e.org', '<x,y@z>']
    """
    pieces, start, depth = [], 0, 0
    quoted = escaped = angled = False
    for at, char in enumerate(value):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif quoted:
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif depth:
            continue
        elif char in "<>":
            angled = char == "<"
        elif char == "," and not angled:
            pieces.append(value[start:at])
            start = at + 1
    pieces.append(value[start:])
    return pieces


def email_handle(address: str) -> str | None:
    """``email:ADDRESS`` lower-cased, or None for what is not an address.

    >>> email_handle(" Ann@Example.COM"), email_handle("ann"), email_handle("@example.com")
    ('email:ann@example.com', None, None)
    """
    address = address.strip().strip("<>").lower()
    local, at, domain = address.rpartition("@")
    if not (at and local and domain) or _BREAKS_ADDRESS.search(address):
        return None
    try:
        return fields.handle("email", address)
    except BadRecord:
        return None


def _person(address: str, name: str) -> Person | None:
    """A handle and display name for one address, or None for what is not an address."""
    handle = email_handle(_text(address))
    if handle is None:
        return None
    address = handle.removeprefix("email:")
    shown = fields.name(" ".join(_text(name).split()))
    if shown is not None and shown.strip("'\"").lower() == address:
        shown = None
    return handle, shown


def _text(value: str) -> str:
    """Header text with the bytes the parser could not decode read as UTF-8 where they are,
    else as U+FFFD."""
    if value.isascii():
        return value
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that no byte made
        return fields.clean(value)


def _unstructured(header: str, value: str | None) -> str | None:
    """A free-text header (Subject) decoded and on one line; None when absent or blank."""
    if value is None:
        return None
    value = value[:_TEXT_MAX]
    if not value.isascii() or "=?" in value:
        with contextlib.suppress(*_PARSE_ERRORS):
            value = str(_HEADER(header, value))
    text = fields.clean(" ".join(_text(value).split()))
    return text or None


def _time(date: str | None, fallback_time_us: int | None) -> int:
    if date is not None and date.strip():
        try:
            return fields.calendar_time(parsedate_to_datetime(_text(date)), "Date")
        except (ValueError, TypeError, IndexError, OverflowError):  # BadRecord too
            if fallback_time_us is None:
                raise BadRecord(
                    f"the Date header {_shown(date)} is not a date, and the From line gives none"
                ) from None
    if fallback_time_us is None:
        raise BadRecord("no time: the message has no Date header, and the From line gives none")
    return fallback_time_us


def _first_id(value: str | None) -> str | None:
    """The Message-ID in a header: the first ``<...>``, or a lone word without brackets."""
    if value is None:
        return None
    value = fields.clean(_text(value)).strip()
    match = _ID.search(value)
    if match is not None:
        return message_key(match.group(0))
    if _BARE_ID.match(value):
        return message_key(f"<{value}>")
    return None


def _parent(in_reply_to: str | None, references: str | None) -> str | None:
    """The id of the message answered: In-Reply-To's, else the last of References."""
    for value, pick in ((in_reply_to, 0), (references, -1)):
        if value:
            found = _ID.findall(fields.clean(_text(value)))
            if found:
                return message_key(f"<{found[pick]}>")
    return None


def _is_bulk(raw: dict[str, str], sender: str) -> bool:
    """Whether list, bulk or automated mail: see the module's docstring."""
    if any(name in raw for name in _LIST_HEADERS):
        return True
    if raw.get("precedence", "").strip().lower() in _BULK_PRECEDENCE:
        return True
    auto = raw.get("auto-submitted", "").partition(";")[0].strip().lower()
    if auto and auto != "no":
        return True
    local = sender.removeprefix("email:").rpartition("@")[0]
    return _NO_REPLY.search(local) is not None


def _labels(value: str | None) -> frozenset[str]:
    """Gmail's labels, ``Inbox,Important,"\\\\Sent"``, lower-cased without quotes or
    backslashes."""
    if not value:
        return frozenset()
    return frozenset(
        label.strip().strip('"').lstrip("\\").lower() for label in value.split(",") if label
    )


def _shown(value: str) -> str:
    return repr(fields.clean(_text(value)).strip()[:60])
