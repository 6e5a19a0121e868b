"""A circle of trust in other tools' formats: a CSV sheet and a Mastodon list import file.

(vCards come from :mod:`goodwill.export.vcard`, the same cards ``goodwill export vcard``
writes.) The Mastodon file is what Mastodon's own *Import and export → Lists* reads and
writes: one row per list member, ``List name,Account address``, without a header (the
headers are optional on import; Mastodon's export writes none), the address as
``user@server`` without the leading ``@``. Mastodon adds each account to the list, following
it first if need be. Only people with a Mastodon identity can be on one, so the writer
counts those without.

The CSV sheet is meant for spreadsheets, which read a cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula, and a name or handle is whatever an
import said. So every text cell starting with one of those gets a leading single quote
(OWASP's advice for CSV injection: the spreadsheet shows the text, and the quote, rather
than running it); numbers are written as numbers. The Mastodon file is read by Mastodon, so
its cells are not changed; instead an address that cannot be a Mastodon account (user
names are letters, digits and ``_``) is left out, which also keeps formulas out of it.
vCards are not spreadsheets.

>>> import io
>>> from goodwill.export.contacts import Contact
>>> member = CircleMember(7, "Ann Lee", "friend", 0.91, Contact(
...     7, "Ann Lee", ("email:ann@example.com", "mastodon:@ann@a.social")))
>>> out = io.StringIO()
>>> write_mastodon_list([member], out, "Friends")
(1, 0)
>>> out.getvalue()
'Friends,ann@a.social\\r\\n'
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

from sqlalchemy import Connection

from goodwill.errors import AlgorithmInputError
from goodwill.export.contacts import Contact, contacts
from goodwill.export.vcard import write_vcards
from goodwill.insights.circles import Circles

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "CircleMember",
    "circle_members",
    "mastodon_addresses",
    "neutralise_formula",
    "write_circle",
    "write_csv",
    "write_mastodon_list",
]

CSV_COLUMNS = ("person", "name", "tier", "trust", "identities")
#: The formats a circle is written in: ``goodwill export circle --format`` and the web app.
FORMATS = ("csv", "vcard", "mastodon")
#: What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MASTODON_ADDRESS = re.compile(r"[A-Za-z0-9_]+@[A-Za-z0-9.-]+(:[0-9]+)?")


@dataclass(frozen=True, slots=True)
class CircleMember:
    """One person of an exported circle: their circle, the owner's trust, their card."""

    person: int
    name: str
    tier: str
    trust: float | None  # None for someone pinned with no contact yet
    contact: Contact


def neutralise_formula(cell: str) -> str:
    """``cell`` as a spreadsheet shows it literally: a leading quote when it would start a
    formula (see the module).

    >>> neutralise_formula("=1+2"), neutralise_formula("-x"), neutralise_formula("Ann")
    ("'=1+2", "'-x", 'Ann')
    """
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def write_csv(members: Iterable[CircleMember], out: TextIO) -> int:
    """One row per member with a header; identities are space-separated handles; text
    cells that a spreadsheet would run as a formula are neutralised (see the module)."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    written = 0
    for m in members:
        trust = "" if m.trust is None else f"{m.trust:.3f}"
        text = (m.name, m.tier, " ".join(m.contact.handles))
        name, tier, handles = (neutralise_formula(t) for t in text)
        writer.writerow([m.person, name, tier, trust, handles])
        written += 1
    return written


def mastodon_addresses(contact: Contact) -> list[str]:
    """The ``user@server`` addresses of a contact's Mastodon identities (those that can be
    Mastodon accounts).

    >>> mastodon_addresses(Contact(1, "A", ("mastodon:@a@x.social", "x:@a", "mastodon:@=1@x")))
    ['a@x.social']
    """
    found = []
    for handle in contact.handles:
        network, _, account = handle.partition(":")
        address = account[1:]
        if (
            network == "mastodon"
            and account.startswith("@")
            and _MASTODON_ADDRESS.fullmatch(address)
        ):
            found.append(address)
    return found


def write_mastodon_list(
    members: Iterable[CircleMember], out: TextIO, list_name: str
) -> tuple[int, int]:
    """Write the members' Mastodon accounts as list ``list_name``; returns the number of
    accounts written and of members left out for having none."""
    if not list_name.strip():
        raise ValueError("a Mastodon list needs a name")
    writer = csv.writer(out)
    written = without = 0
    for m in members:
        addresses = mastodon_addresses(m.contact)
        if not addresses:
            without += 1
        for address in addresses:
            writer.writerow([list_name.strip(), address])
            written += 1
    return written, without


def circle_members(conn: Connection, circles: Circles, level: str) -> list[CircleMember]:
    """Everyone in circle ``level`` and the narrower ones, narrowest first, with their cards."""
    members = circles.members(level)
    cards = {c.person: c for c in contacts(conn, [m.person for m in members])}
    return [
        CircleMember(
            m.person,
            m.name,
            m.tier or level,
            m.figures.trust if m.figures else None,
            cards[m.person],
        )
        for m in members
        if m.person in cards
    ]


def write_circle(
    members: list[CircleMember], form: str, out: TextIO, *, list_name: str
) -> tuple[int, int]:
    """Write ``members`` in ``form`` (one of :data:`FORMATS`); returns what was written (rows,
    cards or list entries) and how many members a Mastodon list had to leave out."""
    if form == "csv":
        return write_csv(members, out), 0
    if form == "vcard":
        return write_vcards((m.contact for m in members), out), 0
    if form == "mastodon":
        return write_mastodon_list(members, out, list_name)
    raise AlgorithmInputError(f"format must be one of {', '.join(FORMATS)}, not {form!r}")
