"""What each row of LinkedIn's export becomes: the files' layouts and their events.

===============================  ====================================================
file                             a row becomes
===============================  ====================================================
``Connections.csv``              a ``follow`` each way, dated the day of connecting
``Invitations.csv``              a ``follow`` from inviter to invitee when sent, and a
                                 ``message`` too when the invitation has a note
``messages.csv``                 a ``message`` from the sender to each recipient,
                                 unless it is in the ``SPAM`` folder
``Endorsement_*_Info.csv``       an ``endorsement`` of the skill, if accepted
``Recommendations_*.csv``        an ``endorsement`` with the recommendation's text,
                                 if visible
``Profile.csv``                  the owner's name, headline, industry and location
===============================  ====================================================

A connection is mutual, agreed by both, so it is a follow each way; an invitation is one
person's wish to connect, the inviter's follow, and it shares its key with that follow,
so an accepted invitation is one follow from the inviter, dated when they asked, and one
back, dated when the other accepted. Each event's key is built from who, toward whom and
what, so importing the same export, or a newer one, adds only what is new.
"""

from __future__ import annotations

from goodwill.events import Event, Identity, Record
from goodwill.sources import fields
from goodwill.sources.fields import BadRecord
from goodwill.sources.keys import RepeatKeys, content_key
from goodwill.sources.linkedin_dates import linkedin_time
from goodwill.sources.linkedin_people import People, full_name, profile_id, split_names
from goodwill.sources.linkedin_tables import Row, Table

__all__ = [
    "CONNECTIONS",
    "ENDORSEMENTS_GIVEN",
    "ENDORSEMENTS_RECEIVED",
    "INVITATIONS",
    "MESSAGES",
    "PROFILE",
    "RECOMMENDATIONS_GIVEN",
    "RECOMMENDATIONS_RECEIVED",
    "Messages",
    "connection",
    "endorsement",
    "invitation",
    "invitation_owner",
    "message_participants",
    "owner_identity",
    "recommendation",
]

CONNECTIONS = Table(
    "Connections.csv",
    {
        "first": ("First Name",),
        "last": ("Last Name",),
        "url": ("URL", "Profile URL"),
        "email": ("Email Address", "Email"),
        "company": ("Company",),
        "position": ("Position", "Title"),
        "connected": ("Connected On",),
    },
    required=("first", "last", "connected"),
)
INVITATIONS = Table(
    "Invitations.csv",
    {
        "from": ("From",),
        "to": ("To",),
        "sent": ("Sent At",),
        "message": ("Message",),
        "direction": ("Direction",),
        "inviter_url": ("inviterProfileUrl",),
        "invitee_url": ("inviteeProfileUrl",),
    },
    required=("from", "to", "sent", "direction"),
)
MESSAGES = Table(
    "messages.csv",
    {
        "conversation": ("CONVERSATION ID",),
        "from": ("FROM",),
        "sender_url": ("SENDER PROFILE URL",),
        "to": ("TO",),
        "recipient_urls": ("RECIPIENT PROFILE URLS",),
        "date": ("DATE",),
        "subject": ("SUBJECT",),
        "content": ("CONTENT", "Body"),
        "folder": ("FOLDER",),
        "direction": ("Direction",),
    },
    required=("from", "to", "date", "content"),
)


def _endorsements(file: str, role: str) -> Table:
    return Table(
        file,
        {
            "date": ("Endorsement Date",),
            "skill": ("Skill Name",),
            "first": (f"{role} First Name",),
            "last": (f"{role} Last Name",),
            "url": (f"{role} Public Url",),
            "status": ("Endorsement Status",),
        },
        required=("date", "skill", "first", "last"),
    )


def _recommendations(file: str) -> Table:
    return Table(
        file,
        {
            "first": ("First Name",),
            "last": ("Last Name",),
            "company": ("Company",),
            "title": ("Job Title", "Title"),
            "text": ("Text", "Body"),
            "date": ("Creation Date", "Created Date"),
            "status": ("Status",),
            "url": ("Profile URL", "URL"),
        },
        required=("first", "last", "text", "date"),
    )


ENDORSEMENTS_RECEIVED = _endorsements("Endorsement_Received_Info.csv", "Endorser")
ENDORSEMENTS_GIVEN = _endorsements("Endorsement_Given_Info.csv", "Endorsee")
RECOMMENDATIONS_RECEIVED = _recommendations("Recommendations_Received.csv")
RECOMMENDATIONS_GIVEN = _recommendations("Recommendations_Given.csv")
PROFILE = Table(
    "Profile.csv",
    {
        "first": ("First Name",),
        "last": ("Last Name",),
        "headline": ("Headline",),
        "industry": ("Industry",),
        "location": ("Geo Location", "Location"),
    },
    required=("first", "last"),
)
# Statuses of endorsements and recommendations that the owner let stand on their profile.
_SHOWN = frozenset({"", "ACCEPTED", "VISIBLE"})


def owner_identity(owner: str, row: Row | None, url: str | None) -> Identity | None:
    """The owner as ``Profile.csv`` describes them, with the profile address if known."""
    if row is None and url is None:
        return None
    attributes = {"url": url or ""}
    name = ""
    if row is not None:
        name = full_name(row.get("first"), row.get("last"))
        attributes |= {key: row.get(key) for key in ("headline", "industry", "location")}
    return Identity(owner, fields.name(name), {k: v for k, v in attributes.items() if v})


def connection(people: People, row: Row) -> list[Record]:
    """A follow each way, on the day the two connected."""
    name = full_name(row.get("first"), row.get("last"))
    contact = people.handle(url=row.get("url"), name=name, email=row.get("email"))
    time_us = linkedin_time(row.get("connected"), "Connected On")
    if contact is None or contact == people.owner:
        return []
    attributes = {key: row.get(key) for key in ("url", "email", "company", "position")}
    out: list[Record] = [
        identity
        for identity in [people.identity(contact, name, attributes, full=True)]
        if identity is not None
    ]
    for actor, target in ((people.owner, contact), (contact, people.owner)):
        out.append(Event("follow", actor, target, time_us, _key(f"follow:{actor}>{target}")))
    return out


def invitation(people: People, row: Row) -> list[Record]:
    """The inviter's follow, dated when sent, and their note as a message."""
    outgoing = _outgoing(people, row)
    side = "to" if outgoing else "from"
    url = row.get("invitee_url" if outgoing else "inviter_url")
    other = people.handle(url=url, name=row.get(side))
    time_us = linkedin_time(row.get("sent"), "Sent At")
    if other is None or other == people.owner:
        return []
    inviter, invitee = (people.owner, other) if outgoing else (other, people.owner)
    out: list[Record] = []
    identity = people.identity(other, row.get(side), {"url": url})
    if identity is not None:
        out.append(identity)
    out.append(Event("follow", inviter, invitee, time_us, _key(f"follow:{inviter}>{invitee}")))
    note = row.get("message")
    if note:
        key = _key(f"invitation:{inviter}>{invitee}@{time_us}")
        out.append(Event("message", inviter, invitee, time_us, key, text=note))
    return out


def _outgoing(people: People, row: Row) -> bool:
    """Whether the owner sent the invitation: its Direction, else whose address it shows."""
    direction = row.get("direction").upper()
    if direction in ("OUTGOING", "INCOMING"):
        return direction == "OUTGOING"
    if not direction:
        if profile_id(row.get("inviter_url")) in people.owner_ids:
            return True
        if profile_id(row.get("invitee_url")) in people.owner_ids:
            return False
    raise BadRecord(f"Direction {direction[:40]!r} is neither INCOMING nor OUTGOING")


def invitation_owner(row: Row) -> tuple[str, str] | None:
    """The owner's public identifier and address as one invitation shows them, if it does."""
    direction = row.get("direction").upper()
    column = {"OUTGOING": "inviter_url", "INCOMING": "invitee_url"}.get(direction)
    if column is None:
        return None
    try:
        found = profile_id(row.get(column))
    except BadRecord:
        return None
    return None if found is None else (found, row.get(column))


def message_participants(row: Row) -> set[str] | None:
    """The public identifiers of everyone in one message, None if any is unknown."""
    try:
        urls = [row.get("sender_url"), *row.get("recipient_urls").split(",")]
        found = {profile_id(url) for url in urls}
    except BadRecord:
        return None
    return None if None in found else {f for f in found if f is not None}


class Messages:
    """Rows of ``messages.csv`` into a message from the sender to each recipient."""

    def __init__(self) -> None:
        self._keys = RepeatKeys()

    def records(self, people: People, row: Row) -> list[Record]:
        time_us = linkedin_time(row.get("date"), "DATE")
        if row.get("folder").upper() == "SPAM":
            return []
        direction = row.get("direction").upper()
        url, name = row.get("sender_url"), row.get("from")
        if direction == "OUTGOING" and not url:
            sender: str | None = people.owner
        else:
            sender = people.handle(url=url, name=name)
        recipients = _recipients(people, row, direction)
        if sender is None:
            return []
        subject, content = row.get("subject"), row.get("content")
        text = "\n\n".join(part for part in (subject, content) if part) or None
        base = content_key(row.get("conversation"), str(time_us), sender, subject, content)
        base = self._keys.key(str(time_us), base)
        out: list[Record] = []
        for handle, shown_url, shown_name in [(sender, url, name), *recipients]:
            identity = people.identity(handle, shown_name, {"url": shown_url}) if handle else None
            if identity is not None:
                out.append(identity)
        for target in dict.fromkeys(handle for handle, _, _ in recipients):
            if target is not None and target != sender:
                key = _key(f"message:{base}>{target}")
                out.append(Event("message", sender, target, time_us, key, text=text))
        return out


def _recipients(people: People, row: Row, direction: str) -> list[tuple[str | None, str, str]]:
    """Each recipient's handle, address and name: the addresses name them when the file
    has them, the names (paired with the addresses when as many) otherwise."""
    urls = [url.strip() for url in row.get("recipient_urls").split(",") if url.strip()]
    names = split_names(row.get("to"))
    if urls:
        shown = names if len(names) == len(urls) else [""] * len(urls)
        pairs = list(zip(urls, shown, strict=True))
    elif direction == "INCOMING":
        return [(people.owner, "", "")]
    elif names:
        pairs = [("", name) for name in names]
    else:
        raise BadRecord("the message names no recipient (TO is empty)")
    return [(people.handle(url=url, name=name), url, name) for url, name in pairs]


def endorsement(people: People, row: Row, received: bool) -> list[Record]:
    """An endorsement of one skill, from the endorser to the endorsed."""
    if row.get("status").upper() not in _SHOWN:
        return []
    name = full_name(row.get("first"), row.get("last"))
    other = people.handle(url=row.get("url"), name=name)
    skill = row.get("skill")
    if not skill:
        raise BadRecord("Skill Name is empty")
    time_us = linkedin_time(row.get("date"), "Endorsement Date")
    if other is None or other == people.owner:
        return []
    actor, target = (other, people.owner) if received else (people.owner, other)
    out: list[Record] = []
    identity = people.identity(other, name, {"url": row.get("url")})
    if identity is not None:
        out.append(identity)
    key = _key(f"endorsement:{actor}>{target}:{skill.lower()}")
    out.append(Event("endorsement", actor, target, time_us, key, text=skill))
    return out


def recommendation(people: People, row: Row, received: bool) -> list[Record]:
    """A written recommendation: an endorsement carrying its text."""
    if row.get("status").upper() not in _SHOWN:
        return []
    name = full_name(row.get("first"), row.get("last"))
    other = people.handle(url=row.get("url"), name=name)
    time_us = linkedin_time(row.get("date"), "Creation Date")
    if other is None or other == people.owner:
        return []
    actor, target = (other, people.owner) if received else (people.owner, other)
    attributes = {"url": row.get("url"), "company": row.get("company")}
    attributes["position"] = row.get("title")
    out: list[Record] = []
    identity = people.identity(other, name, attributes)
    if identity is not None:
        out.append(identity)
    key = _key(f"recommendation:{actor}>{target}@{time_us}")
    out.append(Event("endorsement", actor, target, time_us, key, text=row.get("text") or None))
    return out


def _key(text: str) -> str:
    return fields.key(text, "the event's key")
