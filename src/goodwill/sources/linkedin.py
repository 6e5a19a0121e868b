"""LinkedIn's export ("Get a copy of your data"), as the zip it downloads or its folder.

Read: ``Profile.csv`` for the owner's name; ``Invitations.csv``, ``Connections.csv``,
``messages.csv``, ``Endorsement_Received_Info.csv`` and ``Endorsement_Given_Info.csv``,
``Recommendations_Received.csv`` and ``Recommendations_Given.csv`` for what passed between
the owner and others (see :mod:`goodwill.sources.linkedin_events` for what each row
becomes). Every file is optional, since LinkedIn sends a first, partial archive before the
full one: the source reads those present and refuses only an input holding none of them.

The export does not say whose it is. The owner is ``--option me=`` when given, else
``linkedin:me``; their profile address, where the export shows it (the inviter of an
invitation they sent, or the one person in every conversation of ``messages.csv``), is
taken to be the owner wherever it appears, so their own messages are theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

from goodwill.errors import SourceError
from goodwill.events import Record, Rejected
from goodwill.sources.archive import Archive
from goodwill.sources.base import Source
from goodwill.sources.fields import BadRecord
from goodwill.sources.linkedin_events import (
    CONNECTIONS,
    ENDORSEMENTS_GIVEN,
    ENDORSEMENTS_RECEIVED,
    INVITATIONS,
    MESSAGES,
    PROFILE,
    RECOMMENDATIONS_GIVEN,
    RECOMMENDATIONS_RECEIVED,
    Messages,
    connection,
    endorsement,
    invitation,
    invitation_owner,
    message_participants,
    owner_identity,
    recommendation,
)
from goodwill.sources.linkedin_people import OWNER, People, me_option
from goodwill.sources.linkedin_tables import Row, Table, rows
from goodwill.sources.sniffing import Sample

__all__ = ["LinkedinSource"]

_RowRecords = Callable[[People, Row], list[Record]]


class LinkedinSource(Source):
    """LinkedIn's data export: connections, messages, invitations, endorsements."""

    name: ClassVar[str] = "linkedin"
    description: ClassVar[str] = (
        "LinkedIn export (zip or folder): connections, messages, invitations, "
        "endorsements, recommendations"
    )
    options: ClassVar[dict[str, str]] = {
        "me": "your profile address (https://www.linkedin.com/in/YOUR-ID) or linkedin:YOUR-ID: "
        "whose export it is, which the export does not say (default: linkedin:me)",
    }

    @classmethod
    def sniff(cls, sample: Sample) -> int:
        """A zip or folder holding LinkedIn's ``Connections.csv`` or its ``Invitations.csv``."""
        return 80 if sample.has_member("connections.csv", "invitations.csv") else 0

    def check_settings(self) -> None:
        given = self.settings.get("me")
        self._owner, self._known = (OWNER, None) if given is None else me_option(given)

    def records(self, path: Path) -> Iterator[Record]:
        with Archive(self, path) as archive:
            members = {table: archive.find(table.title) for table in _READ}
            members[PROFILE] = archive.find(PROFILE.title)
            if not any(members.values()):
                raise SourceError(
                    f"none of {', '.join(t.title for t in members)} is in it: is this "
                    "LinkedIn's export (Settings > Data privacy > Get a copy of your data)?",
                    path=path,
                )
            owner_ids, url = _owner_ids(archive, members, self._known)
            people = People(self._owner, owner_ids)
            profile = members[PROFILE]
            first = _first_row(archive, profile) if profile is not None else None
            if isinstance(first, Rejected):
                yield first
                first = None
            me = owner_identity(self._owner, first, url)
            if me is not None:
                yield me
            for table, read in _readers().items():
                member = members[table]
                if member is not None:
                    yield from _read(archive, member, table, people, read)


# The files read, in this order: an invitation dates the inviter's follow before
# Connections.csv, and a connection describes a person best, before messages do.
_READ = (
    INVITATIONS,
    CONNECTIONS,
    MESSAGES,
    ENDORSEMENTS_RECEIVED,
    ENDORSEMENTS_GIVEN,
    RECOMMENDATIONS_RECEIVED,
    RECOMMENDATIONS_GIVEN,
)


def _readers() -> dict[Table, _RowRecords]:
    """Each file's row reader; the messages' one is fresh per import (it numbers repeats)."""
    return {
        INVITATIONS: invitation,
        CONNECTIONS: connection,
        MESSAGES: Messages().records,
        ENDORSEMENTS_RECEIVED: lambda people, row: endorsement(people, row, True),
        ENDORSEMENTS_GIVEN: lambda people, row: endorsement(people, row, False),
        RECOMMENDATIONS_RECEIVED: lambda people, row: recommendation(people, row, True),
        RECOMMENDATIONS_GIVEN: lambda people, row: recommendation(people, row, False),
    }


def _read(
    archive: Archive, member: str, table: Table, people: People, read: _RowRecords
) -> Iterator[Record]:
    for row in rows(archive, member, table):
        if isinstance(row, Rejected):
            yield row
            continue
        try:
            found = read(people, row)
        except BadRecord as exc:
            yield Rejected(row.location, str(exc), row.raw)
            continue
        yield from found


def _first_row(archive: Archive, member: str) -> Row | Rejected | None:
    """The profile's one row (the owner's); None for an empty file."""
    return next(rows(archive, member, PROFILE), None)


def _owner_ids(
    archive: Archive, members: dict[Table, str | None], known: str | None
) -> tuple[set[str], str | None]:
    """The public identifiers the export gives its owner, and an address among them.

    An invitation shows the owner's address on its owner's side (``Direction`` says which);
    failing that, the owner is the one person in every conversation of ``messages.csv``.
    """
    shown: dict[str, str] = {}
    invitations = members[INVITATIONS]
    if invitations is not None:
        for row in rows(archive, invitations, INVITATIONS):
            found = invitation_owner(row) if isinstance(row, Row) else None
            if found is not None:
                shown.setdefault(*found)
    messages = members[MESSAGES]
    if not shown and messages is not None:
        found_id = _in_every_conversation(archive, messages)
        if found_id is not None:
            shown[found_id] = f"https://www.linkedin.com/in/{found_id}"
    if known is not None:
        shown = {known: shown.get(known, f"https://www.linkedin.com/in/{known}"), **shown}
    return set(shown), next(iter(shown.values()), None)


def _in_every_conversation(archive: Archive, member: str) -> str | None:
    """The one person taking part in every message, if the messages tell one apart: the
    owner is in all, and two conversations with different people leave only them."""
    common: set[str] | None = None
    for row in rows(archive, member, MESSAGES):
        if not isinstance(row, Row):
            continue
        if not row.has("sender_url"):
            return None
        found = message_participants(row)
        if found is None or len(found) < 2:
            continue
        common = found if common is None else common & found
        if len(common) <= 1:
            break
    return next(iter(common)) if common is not None and len(common) == 1 else None
