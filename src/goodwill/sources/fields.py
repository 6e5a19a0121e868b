"""Taking fields out of parsed JSON records safely, for the sources that read exports.

An export's record is whatever its file holds: a field may be missing, of the wrong type,
too long for the ledger or hold characters no database stores. These helpers turn each of
those into a :class:`BadRecord` that says which field and why, which the source reports as
a :class:`~goodwill.events.Rejected` record, and clean the text that is kept.

>>> text({"full_text": "hi\\x00 there"}, "full_text")
'hi there'
>>> text({"full_text": 5}, "full_text")
Traceback (most recent call last):
...
goodwill.sources.fields.BadRecord: full_text must be text, not int
>>> iso_time("2024-06-01T09:30:00.000Z")
1717234200000000
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from goodwill.events import split_handle, to_time_us

__all__ = [
    "EARLIEST_US",
    "LATEST_US",
    "MAX_KEY",
    "MAX_NAME",
    "BadRecord",
    "calendar_time",
    "clean",
    "handle",
    "iso_time",
    "key",
    "listed",
    "mapping",
    "name",
    "one_line",
    "plain_text",
    "text",
]

#: The ledger's width for external ids, accounts and references.
MAX_KEY = 512
#: The ledger's width for display names; longer ones are cut.
MAX_NAME = 300
#: The first and the last microsecond a calendar can show (0001-01-01 and 9999-12-31, UTC).
#: A time outside them (``0001-01-01T00:00:00+01:00`` is one) could be stored but never
#: shown, so it is refused where it is read.
EARLIEST_US = -62_135_596_800 * 1_000_000
LATEST_US = 253_402_300_800 * 1_000_000 - 1
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


class BadRecord(ValueError):
    """A record that cannot become an event; the message says why."""


def clean(value: str) -> str:
    """Text a database can store: no NUL characters, no lone surrogates.

    >>> clean("a\\x00b\\ud800")
    'ab?'
    """
    if "\x00" in value:
        value = value.replace("\x00", "")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def text(record: Mapping[str, Any], field: str) -> str | None:
    """A text field, cleaned; None when absent or null."""
    value = record.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRecord(f"{field} must be text, not {type(value).__name__}")
    return clean(value)


def mapping(record: Mapping[str, Any], field: str) -> dict[str, Any] | None:
    """An object field; None when absent or null."""
    value = record.get(field)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadRecord(f"{field} must be an object, not {type(value).__name__}")
    return value


def listed(record: Mapping[str, Any], field: str) -> list[Any]:
    """A list field; a lone value counts as a list of one (ActivityStreams allows both)."""
    value = record.get(field)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def key(value: str, what: str) -> str:
    """An id or reference that fits the ledger's column, else a BadRecord."""
    value = clean(value).strip()
    if not value:
        raise BadRecord(f"{what} is empty")
    if len(value) > MAX_KEY:
        raise BadRecord(f"{what} is longer than {MAX_KEY} characters")
    return value


def name(value: str | None) -> str | None:
    """A display name, cleaned and cut to the ledger's width; None when blank."""
    if value is None:
        return None
    value = clean(value).strip()
    return value[:MAX_NAME] or None


def handle(network: str, account: str) -> str:
    """``network:account`` checked as the ledger will check it.

    >>> handle("x", "@Ann")
    'x:@Ann'
    """
    if len(account) > MAX_KEY:
        raise BadRecord(f"account {account[:40]!r}... is longer than {MAX_KEY} characters")
    full = f"{network}:{clean(account)}"
    try:
        split_handle(full)
    except ValueError as exc:
        raise BadRecord(str(exc)) from None
    return full


def calendar_time(moment: datetime, what: str = "time") -> int:
    """Microseconds since the epoch for ``moment``, refused when its offset takes it past
    the calendar's first or last day.

    >>> calendar_time(datetime.fromisoformat("9999-12-31T23:59:59-01:00"))
    Traceback (most recent call last):
    ...
    goodwill.sources.fields.BadRecord: time 9999-12-31T23:59:59-01:00 is after the year 9999 in UTC
    """
    time_us = to_time_us(moment)
    if time_us < EARLIEST_US:
        raise BadRecord(f"{what} {moment.isoformat()} is before the year 1 in UTC")
    if time_us > LATEST_US:
        raise BadRecord(f"{what} {moment.isoformat()} is after the year 9999 in UTC")
    return time_us


def iso_time(value: str) -> int:
    """Microseconds since the epoch for an ISO 8601 time (``Z`` or an offset; none is UTC)."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadRecord(f"time {value[:40]!r} is not ISO 8601") from None
    return calendar_time(moment)


def plain_text(markup: str) -> str:
    """The text of a post's HTML: line breaks kept, tags dropped, entities decoded.

    >>> plain_text('<p>Hi <span class="h-card">@bob</span> &amp; all</p><p>bye<br>now</p>')
    'Hi @bob & all\\nbye\\nnow'
    """
    return clean(html.unescape(_TAG.sub("", _BREAK.sub("\n", markup))).strip())


def one_line(raw: str, limit: int = 1 << 20) -> str:
    """A record's raw text on one line, for the rejected-records file (JSON allows any
    whitespace between tokens, and no raw line break inside a string)."""
    return clean(raw[:limit]).replace("\r", " ").replace("\n", " ")
