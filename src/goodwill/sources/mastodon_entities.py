"""Mastodon's REST API entities (Account, Status, Notification, Conversation) into events.

The events are those the ``mastodon-archive`` source makes of the same statuses, with the
same handles (``mastodon:@user@domain``) and the same external ids: a status's ``uri``
(its ActivityPub id, the archive's key), suffixed ``#to:HANDLE`` for each recipient of a
direct message, ``#mention:HANDLE`` and ``#quote`` as there. Every event is a function of
the status alone, never of the endpoint that returned it, so a status seen twice (as a
mention notification and as a conversation's last status, say) gives the same events
with the same ids, and the ledger keeps one of each.

Of the owner's statuses every event is kept; of anyone else's, only those aimed at the
owner (the API shows others' statuses because they mention, answer or quote the owner;
what they say to third parties in the same status is not the owner's to record).

The API gives a reply's parent only by the server's local id, not by its ``uri``, so
``answers`` names it by its API address, ``https://SERVER/api/v1/statuses/ID``.

>>> viewer = Viewer("mastodon:@ann@a.social", "1", "a.social", "https://a.social")
>>> account_handle({"acct": "Bob@B.social"}, viewer), account_handle({"acct": "cy"}, viewer)
('mastodon:@bob@b.social', 'mastodon:@cy@a.social')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from goodwill.events import Event, Identity
from goodwill.sources import fields
from goodwill.sources.activitypub import NETWORK, address
from goodwill.sources.fields import BadRecord

__all__ = [
    "NOTIFICATION_TYPES",
    "Viewer",
    "account_handle",
    "account_identity",
    "conversation_status",
    "entity_id",
    "follow_notification",
    "notification_events",
    "status_events",
]

#: The notification types goodwill asks for; ``follow`` is read by :func:`follow_notification`.
NOTIFICATION_TYPES = ("mention", "reblog", "favourite", "follow", "quote")
_FOLLOW_NOTE = "follow"


@dataclass(frozen=True)
class Viewer:
    """Whose API it is: the owner's handle and account id, the domain the server's own
    accounts belong to (their ``acct`` has none) and the server's URL."""

    handle: str
    account_id: str
    domain: str
    server: str


def entity_id(entity: Mapping[str, Any], field: str = "id") -> str:
    """An entity's id as text (the API sends strings; Mastodon.py may wrap them)."""
    if not isinstance(entity, Mapping):
        raise BadRecord(f"expected an object with an {field}")
    value = entity.get(field)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadRecord(f"{field} must be an id string")
    return fields.key(str(value), field)


def _time(entity: Mapping[str, Any], field: str = "created_at") -> int:
    """A time field, as the API sends it (ISO 8601) or as Mastodon.py parsed it."""
    value = entity.get(field)
    if isinstance(value, datetime):
        return fields.calendar_time(value, field)
    if isinstance(value, str):
        return fields.iso_time(value)
    raise BadRecord(f"{field} must be an ISO 8601 time")


def _object(entity: Mapping[str, Any], field: str) -> dict[str, Any]:
    found = fields.mapping(entity, field)
    if found is None:
        raise BadRecord(f"has no {field}")
    return found


def account_handle(account: Mapping[str, Any], viewer: Viewer) -> str:
    """The handle of an Account or a Mention: ``acct`` is ``user@domain``, or ``user`` alone
    for an account on the viewer's own server."""
    if not isinstance(account, Mapping):
        raise BadRecord("expected an account object")
    acct = fields.text(account, "acct")
    if not acct:
        raise BadRecord("the account has no acct")
    user, _, domain = acct.strip().lstrip("@").partition("@")
    return fields.handle(NETWORK, address(user, domain or viewer.domain))


def account_identity(account: Mapping[str, Any], viewer: Viewer) -> Identity:
    """What the API says about an account: its display name, profile URL, bio and links."""
    handle = account_handle(account, viewer)
    attributes: dict[str, str] = {}
    url = fields.text(account, "url")
    if url:
        attributes["url"] = url
    note = fields.text(account, "note")
    if note and fields.plain_text(note):
        attributes["bio"] = fields.plain_text(note)
    for entry in fields.listed(account, "fields"):
        if isinstance(entry, dict):
            label, value = fields.text(entry, "name"), fields.text(entry, "value")
            if label and value:
                attributes[f"link:{label}"] = fields.plain_text(value)
    name = fields.text(account, "display_name")
    return Identity(handle, fields.name(name), attributes)


def status_events(viewer: Viewer, status: Mapping[str, Any]) -> list[Event]:
    """The events a status stands for, as the module docstring says."""
    if not isinstance(status, Mapping):
        raise BadRecord("expected a status object")
    uri = fields.key(fields.text(status, "uri") or "", "the status uri")
    author = account_handle(_object(status, "account"), viewer)
    time_us = _time(status)
    reblog = fields.mapping(status, "reblog")
    if reblog is not None:
        boosted = account_handle(_object(reblog, "account"), viewer)
        shared = [] if boosted == author else [Event("share", author, boosted, time_us, uri)]
        return _aimed(viewer, author, shared)
    content = fields.text(status, "content")
    said = fields.plain_text(content) if content else None
    mentions: dict[str, str | None] = {}  # handle -> account id, in the order written
    for mention in fields.listed(status, "mentions"):
        if not isinstance(mention, dict):
            raise BadRecord("a mention must be an object")
        mentioned = mention.get("id")
        mentions.setdefault(account_handle(mention, viewer), str(mentioned) if mentioned else None)
    replied = status.get("in_reply_to_id")
    answers = None
    if replied is not None:
        answers = fields.key(
            f"{viewer.server}/api/v1/statuses/{entity_id(status, 'in_reply_to_id')}",
            "in_reply_to_id",
        )

    def event(kind: str, target: str | None, suffix: str = "", answer: str | None = None) -> Event:
        return Event(kind, author, target, time_us, uri + suffix, text=said, answers=answer)

    if fields.text(status, "visibility") == "direct":
        recipients = [h for h in mentions if h != author]
        if not recipients:
            return _aimed(viewer, author, [event("post", None, answer=answers)])
        return _aimed(
            viewer, author, [event("message", r, f"#to:{r}", answers) for r in recipients]
        )
    events: list[Event] = []
    addressed = {author}
    if answers is not None:
        target = _reply_target(viewer, status, author, mentions)
        if target == author:
            events.append(event("post", None, answer=answers))
        else:
            events.append(event("reply", target, answer=answers))
            if target is not None:
                addressed.add(target)
    else:
        events.append(event("post", None))
    quoted = _quoted(status)
    if quoted is not None:
        quoted_author = account_handle(_object(quoted, "account"), viewer)
        if quoted_author not in addressed:
            quoted_uri = fields.text(quoted, "uri")
            answer = fields.key(quoted_uri, "the quoted uri") if quoted_uri else None
            events.append(event("quote", quoted_author, "#quote", answer))
            addressed.add(quoted_author)
    events.extend(
        event("mention", handle, f"#mention:{handle}")
        for handle in mentions
        if handle not in addressed
    )
    return _aimed(viewer, author, events)


def _reply_target(
    viewer: Viewer, status: Mapping[str, Any], author: str, mentions: Mapping[str, str | None]
) -> str | None:
    """Whose status a reply answers, by ``in_reply_to_account_id``; None when the status
    does not say (that account is neither its author, the viewer nor mentioned)."""
    if status.get("in_reply_to_account_id") is None:
        return None
    account_id = entity_id(status, "in_reply_to_account_id")
    account = fields.mapping(status, "account") or {}
    if str(account.get("id")) == account_id:
        return author
    if account_id == viewer.account_id:
        return viewer.handle
    return next((h for h, i in mentions.items() if i == account_id), None)


def _quoted(status: Mapping[str, Any]) -> dict[str, Any] | None:
    """The quoted status (Mastodon 4.4's ``quote``), when the server shows it."""
    quote = fields.mapping(status, "quote")
    return None if quote is None else fields.mapping(quote, "quoted_status")


def _aimed(viewer: Viewer, author: str, events: list[Event]) -> list[Event]:
    """All the owner's events; of others', those aimed at the owner."""
    if author == viewer.handle:
        return events
    return [e for e in events if e.target == viewer.handle]


def notification_events(viewer: Viewer, note: Mapping[str, Any]) -> list[Event]:
    """The events a mention, quote, reblog or favourite notification stands for (follows
    are :func:`follow_notification`'s; other types give none)."""
    if not isinstance(note, Mapping):
        raise BadRecord("expected a notification object")
    kind = fields.text(note, "type")
    if kind in ("mention", "quote"):
        return status_events(viewer, _object(note, "status"))
    if kind not in ("reblog", "favourite"):
        return []
    actor = account_handle(_object(note, "account"), viewer)
    uri = fields.text(_object(note, "status"), "uri")
    if not uri:
        raise BadRecord("the status has no uri")
    if actor == viewer.handle:
        return []  # the owner boosting or liking their own status
    event_kind = "share" if kind == "reblog" else "like"
    key = fields.key(f"{uri}#{event_kind}:{actor}", "the id")
    return [Event(event_kind, actor, viewer.handle, _time(note), key)]


def follow_notification(viewer: Viewer, note: Mapping[str, Any]) -> tuple[str, int] | None:
    """Who followed the owner and when, for a ``follow`` notification; None for others."""
    if not isinstance(note, Mapping):
        raise BadRecord("expected a notification object")
    if fields.text(note, "type") != _FOLLOW_NOTE:
        return None
    return account_handle(_object(note, "account"), viewer), _time(note)


def conversation_status(conversation: Mapping[str, Any]) -> dict[str, Any] | None:
    """A Conversation's newest status (the API shows no other), if it has one."""
    if not isinstance(conversation, Mapping):
        raise BadRecord("expected a conversation object")
    return fields.mapping(conversation, "last_status")
