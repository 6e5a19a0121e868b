"""Bluesky's records (AT Protocol, ``app.bsky.*`` lexicons) into events.

Shared by the repository export (``bluesky-car``) and the API sync (``bluesky``): both see
the same records, a post, a like, a follow, as a map with its ``$type``. An account is
``bluesky:DID`` (``bluesky:did:plc:ewvi7nxzyoun6zhxrhs64oiz``): a DID never changes, while a
handle (``alice.bsky.social``) can, so handles go into identities' attributes only. A record
is named by its AT URI, ``at://DID/COLLECTION/RECORD-KEY``, which is every event's id: the
same record read from a later export or from the API is the same event.

>>> post = {"$type": "app.bsky.feed.post", "text": "hi", "createdAt": "2024-06-01T09:30:00Z",
...         "reply": {"root": {"uri": "at://did:plc:bob/app.bsky.feed.post/1", "cid": "x"},
...                   "parent": {"uri": "at://did:plc:bob/app.bsky.feed.post/1", "cid": "x"}}}
>>> [(e.kind, e.target, e.external_id) for e in record_events("did:plc:ann", "app.bsky.feed.post", "3k", post)]
[('reply', 'bluesky:did:plc:bob', 'at://did:plc:ann/app.bsky.feed.post/3k')]
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from goodwill.events import Event, Identity
from goodwill.sources import fields
from goodwill.sources.car import cid_text
from goodwill.sources.fields import BadRecord

__all__ = [
    "EVENT_COLLECTIONS",
    "NETWORK",
    "POST",
    "PROFILE",
    "AtUri",
    "account",
    "parse_uri",
    "person_identity",
    "profile_identity",
    "record_events",
    "shown",
]

NETWORK = "bluesky"
POST = "app.bsky.feed.post"
PROFILE = "app.bsky.actor.profile"
_LIKE, _REPOST = "app.bsky.feed.like", "app.bsky.feed.repost"
_FOLLOW, _BLOCK = "app.bsky.graph.follow", "app.bsky.graph.block"
_MENTION = "app.bsky.richtext.facet#mention"
_EMBED_RECORD = "app.bsky.embed.record"
_EMBED_RECORD_WITH_MEDIA = "app.bsky.embed.recordWithMedia"
_DID = re.compile(r"did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]\Z")
_AT_URI = re.compile(r"at://([^/?#\s]+)/([^/?#\s]+)/([^/?#\s]+)\Z")


@dataclass(frozen=True, slots=True)
class AtUri:
    """A record's address: whose repository, which collection, which record."""

    authority: str
    collection: str
    rkey: str

    @property
    def author(self) -> str | None:
        """The handle of the record's author when the URI names them by DID, as records do;
        None for a URI written with a handle, which may since have changed hands."""
        return fields.handle(NETWORK, self.authority) if _DID.match(self.authority) else None

    def __str__(self) -> str:
        return f"at://{self.authority}/{self.collection}/{self.rkey}"


def account(did: Any, what: str) -> str:
    """``bluesky:DID`` for a DID; a BadRecord naming ``what`` otherwise.

    >>> account("did:plc:ewvi7nxzyoun6zhxrhs64oiz", "subject")
    'bluesky:did:plc:ewvi7nxzyoun6zhxrhs64oiz'
    >>> account("alice.bsky.social", "subject")
    Traceback (most recent call last):
    ...
    goodwill.sources.fields.BadRecord: subject 'alice.bsky.social' is not a DID
    """
    if not isinstance(did, str):
        raise BadRecord(f"{what} must be a DID, not {type(did).__name__}")
    if not _DID.match(did):
        raise BadRecord(f"{what} {did[:80]!r} is not a DID")
    return fields.handle(NETWORK, did)


def parse_uri(value: Any, what: str) -> AtUri:
    """The AT URI of a record; a BadRecord naming ``what`` when it is not one."""
    if not isinstance(value, str):
        raise BadRecord(f"{what} must be an AT URI, not {type(value).__name__}")
    match = _AT_URI.match(value)
    if match is None:
        raise BadRecord(f"{what} {value[:80]!r} is not an AT URI of a record")
    return AtUri(*match.groups())


def _time(record: Mapping[str, Any]) -> int:
    created = fields.text(record, "createdAt")
    if not created:
        raise BadRecord("the record has no createdAt time")
    return fields.iso_time(created)


def _ref(record: Mapping[str, Any], field: str, what: str) -> AtUri:
    """The record a strong reference (``{"uri", "cid"}``) in ``field`` points to."""
    ref = fields.mapping(record, field)
    if ref is None:
        raise BadRecord(f"{what} is missing")
    return parse_uri(ref.get("uri"), f"{what}'s uri")


def record_events(owner: str, collection: str, rkey: str, record: Any) -> list[Event]:
    """The events one record of ``owner``'s repository stands for; none for a record that
    names no one else (a like of one's own post) or of a collection that is not read.

    A BadRecord says why a record cannot be read.
    """
    if not isinstance(record, dict):
        raise BadRecord("the record is not a map")
    declared = record.get("$type")
    if declared is not None and declared != collection:
        raise BadRecord(f"the record's $type {str(declared)[:80]!r} is not its collection")
    build = _BUILDERS.get(collection)
    if build is None:
        return []
    uri = fields.key(f"at://{owner}/{collection}/{rkey}", "the record's AT URI")
    return build(fields.handle(NETWORK, owner), uri, record)


def _post(actor: str, uri: str, record: Mapping[str, Any]) -> list[Event]:
    """A post, a reply to the parent's author, a quote of the quoted post's author and a
    mention of every other account its facets tag."""
    time_us = _time(record)
    said = fields.text(record, "text")

    def event(kind: str, target: str | None, suffix: str = "", answers: str | None = None) -> Event:
        return Event(
            kind,
            actor,
            target,
            time_us,
            fields.key(uri + suffix, "the id"),
            text=said,
            answers=answers,
        )

    events: list[Event] = []
    addressed = {actor}
    reply = fields.mapping(record, "reply")
    if reply is not None:
        parent = _ref(reply, "parent", "reply.parent")
        target = parent.author
        answers = fields.key(str(parent), "reply.parent's uri")
        if target == actor:  # a thread of one's own posts
            events.append(event("post", None, answers=answers))
        else:
            events.append(event("reply", target, answers=answers))
            if target is not None:
                addressed.add(target)
    else:
        events.append(event("post", None))
    quoted = _quoted(record)
    if quoted is not None and quoted.author is not None and quoted.author not in addressed:
        events.append(event("quote", quoted.author, "#quote", fields.key(str(quoted), "the quote")))
        addressed.add(quoted.author)
    for mentioned in _mentions(record):
        if mentioned not in addressed:
            events.append(event("mention", mentioned, f"#mention:{mentioned.partition(':')[2]}"))
            addressed.add(mentioned)
    return events


def _quoted(record: Mapping[str, Any]) -> AtUri | None:
    """The post a post quotes (embeds), if any; an embedded list or feed is no quote."""
    embed = fields.mapping(record, "embed")
    if embed is None:
        return None
    kind = embed.get("$type")
    if kind == _EMBED_RECORD_WITH_MEDIA:
        inner = fields.mapping(embed, "record")
        if inner is None:
            raise BadRecord("embed.record is missing")
        embed = inner
    elif kind != _EMBED_RECORD:
        return None  # images, a link card, a video
    quoted = _ref(embed, "record", "the embedded record")
    return quoted if quoted.collection == POST else None


def _mentions(record: Mapping[str, Any]) -> list[str]:
    """The accounts a post's facets mention, in order; links and tags are not people."""
    facets = record.get("facets")
    if facets is None:
        return []
    if not isinstance(facets, list):
        raise BadRecord("facets must be a list")
    found: list[str] = []
    for number, facet in enumerate(facets):
        features = facet.get("features") if isinstance(facet, dict) else None
        if not isinstance(features, list):
            raise BadRecord(f"facet {number} has no list of features")
        for feature in features:
            if not isinstance(feature, dict):
                raise BadRecord(f"facet {number} has a feature that is not a map")
            if feature.get("$type") == _MENTION:
                found.append(account(feature.get("did"), f"facet {number}'s mention"))
    return found


def _subject_record(kind: str) -> Callable[[str, str, Mapping[str, Any]], list[Event]]:
    """A like or repost: toward the author of the record it names (not oneself)."""

    def events(actor: str, uri: str, record: Mapping[str, Any]) -> list[Event]:
        time_us = _time(record)
        subject = _ref(record, "subject", "subject")
        target = subject.author
        if target is None or target == actor:
            return []
        return [
            Event(kind, actor, target, time_us, uri, answers=fields.key(str(subject), "subject"))
        ]

    return events


def _subject_account(kind: str) -> Callable[[str, str, Mapping[str, Any]], list[Event]]:
    """A follow or block: toward the account it names."""

    def events(actor: str, uri: str, record: Mapping[str, Any]) -> list[Event]:
        time_us = _time(record)
        target = account(record.get("subject"), "subject")
        return [] if target == actor else [Event(kind, actor, target, time_us, uri)]

    return events


_BUILDERS: dict[str, Callable[[str, str, Mapping[str, Any]], list[Event]]] = {
    POST: _post,
    _LIKE: _subject_record("like"),
    _REPOST: _subject_record("share"),
    _FOLLOW: _subject_account("follow"),
    _BLOCK: _subject_account("block"),
}
#: The collections whose records become events.
EVENT_COLLECTIONS: tuple[str, ...] = tuple(_BUILDERS)


def profile_identity(owner: str, record: Any) -> Identity:
    """The owner's identity from their ``app.bsky.actor.profile`` record: display name, bio."""
    if not isinstance(record, dict):
        raise BadRecord("the profile is not a map")
    bio = fields.text(record, "description")
    attributes = {"bio": bio.strip()} if bio and bio.strip() else {}
    return Identity(
        fields.handle(NETWORK, owner), fields.name(fields.text(record, "displayName")), attributes
    )


def person_identity(view: Any) -> Identity | None:
    """An account as the API shows it (``{"did", "handle", "displayName"}``): its handle as
    an attribute, its display name as its name; None when it shows no DID."""
    if not isinstance(view, dict) or not isinstance(view.get("did"), str):
        return None
    try:
        handle = account(view["did"], "did")
        shown = fields.text(view, "displayName")
        known = fields.text(view, "handle")
    except BadRecord:
        return None
    attributes = {"handle": known} if known and known != "handle.invalid" else {}
    return Identity(handle, fields.name(shown), attributes)


def shown(record: Any) -> str:
    """A record as JSON on one line, links and bytes as text, for the rejected-records file.

    >>> shown({"text": "hi", "sig": b"\\x01\\x02"})
    '{"text": "hi", "sig": "0102"}'
    """
    return fields.one_line(json.dumps(record, default=_text_of, ensure_ascii=False))


def _text_of(value: Any) -> str:
    return cid_text(value) if isinstance(value, bytes) else repr(value)
