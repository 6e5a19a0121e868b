"""ActivityPub as Mastodon writes it: accounts named by their addresses, activities into events.

An account's handle is ``mastodon:@user@domain``, lower-cased (Mastodon treats both parts
case-insensitively). The address comes from a mention's ``name`` where there is one, else
from the account's URL: ``https://b.social/users/bob``, ``https://b.social/@bob`` and the
status URLs below them (``.../users/bob/statuses/1``) all name ``@bob@b.social``.

>>> account_in_url("https://b.social/users/Bob/statuses/110")
'@bob@b.social'
>>> account_in_url("https://a.social/@carol@c.social/1099"), account_in_url("https://x.org/notes/9")
('@carol@c.social', None)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from goodwill.events import Event, Identity
from goodwill.sources import fields
from goodwill.sources.fields import BadRecord

__all__ = ["NETWORK", "Owner", "account_in_url", "activity_events", "address", "owner_from_actor"]

NETWORK = "mastodon"
PUBLIC = frozenset({"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"})
_ACCOUNT_PATH = re.compile(r"/(?:users|u|accounts|profile)/([^/]+)|/@([^/]+)")
_PART = re.compile(r"[^\s@/:?#]+\Z")
_HOST = re.compile(r"[^\s@/?#]+\Z")
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def address(user: str, domain: str) -> str:
    """``@user@domain`` for a valid pair, lower-cased; a BadRecord otherwise."""
    user, domain = user.strip().lstrip("@"), domain.strip()
    if not (_PART.match(user) and _HOST.match(domain)):
        raise BadRecord(f"account {user[:60]}@{domain[:60]} is not a valid address")
    return f"@{user}@{domain}".lower()


def _host(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if not host:
        return None
    return f"{host}:{port}" if port else host


def account_in_url(url: str) -> str | None:
    """The address an account's or a status's URL names, if its path follows a known
    pattern (Mastodon, Pleroma, GoToSocial, Pixelfed, PeerTube, Lemmy, Friendica)."""
    host = _host(url)
    if host is None:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    match = _ACCOUNT_PATH.match(path)
    if match is None:
        return None
    user = unquote(match.group(1) or match.group(2))
    user, _, domain = user.partition("@")  # /@bob@b.social: a remote account's page
    try:
        return address(user, domain or host)
    except BadRecord:
        return None


def _actor_of_status(url: str) -> str | None:
    """``https://b.social/users/bob`` for ``https://b.social/users/bob/statuses/1``."""
    match = re.match(r"(https?://[^/]+/users/[^/]+)/statuses/", url)
    return match.group(1) if match else None


@dataclass(frozen=True)
class Owner:
    """Whose archive it is."""

    handle: str
    domain: str
    actor: str
    followers: str | None
    identity: Identity = field(compare=False)

    def mention(self, tag: Mapping[str, Any]) -> str | None:
        """The handle a ``Mention`` tag names (``@bob`` alone is on the tagged URL's server)."""
        href = fields.text(tag, "href")
        label = fields.text(tag, "name")
        if label and label.strip().lstrip("@"):
            user, _, domain = label.strip().lstrip("@").partition("@")
            if not domain:
                host = _host(href) if href else None
                domain = self.domain if host is None or href == self.actor else host
            return fields.handle(NETWORK, address(user, domain))
        if href:
            found = account_in_url(href)
            return fields.handle(NETWORK, found) if found else None
        raise BadRecord("a Mention tag has neither name nor href")


def owner_from_actor(actor: Any) -> Owner:
    """The archive's owner from ``actor.json``; a BadRecord when it cannot say who."""
    if not isinstance(actor, dict):
        raise BadRecord("expected the owner's actor object")
    actor_id = fields.text(actor, "id")
    user = fields.text(actor, "preferredUsername")
    host = _host(actor_id) if actor_id else None
    if not (actor_id and user and host):
        raise BadRecord("has no id URL and preferredUsername: cannot tell whose archive it is")
    handle = fields.handle(NETWORK, address(user, host))
    attributes: dict[str, str] = {"actor": actor_id}
    for field_name, attribute in (("url", "url"), ("summary", "bio")):
        value = fields.text(actor, field_name)
        if value:
            attributes[attribute] = fields.plain_text(value)
    for entry in fields.listed(actor, "attachment"):
        if isinstance(entry, dict) and entry.get("type") == "PropertyValue":
            label, value = fields.text(entry, "name"), fields.text(entry, "value")
            if label and value:
                link = _HREF.search(value)
                attributes[f"link:{label}"] = link.group(1) if link else fields.plain_text(value)
    aliases = [a for a in fields.listed(actor, "alsoKnownAs") if isinstance(a, str)]
    if aliases:
        attributes["also_known_as"] = " ".join(fields.clean(a) for a in aliases)
    identity = Identity(handle, fields.name(fields.text(actor, "name")), attributes)
    return Owner(handle, host, actor_id, fields.text(actor, "followers"), identity)


def _reference(value: Any, what: str) -> str | None:
    """A link to another object: its URL, or the ``id`` of an embedded object."""
    if isinstance(value, dict):
        value = value.get("id")
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRecord(f"{what} must be a URL, not {type(value).__name__}")
    return fields.key(value, what)


def _published(*objects: Mapping[str, Any]) -> int:
    for obj in objects:
        value = fields.text(obj, "published")
        if value:
            return fields.iso_time(value)
    raise BadRecord("has no published time")


def activity_events(owner: Owner, activity: Any) -> list[Event]:
    """The events one outbox activity stands for (none for a boost of one's own post)."""
    if not isinstance(activity, dict):
        raise BadRecord("expected an activity object")
    kind = activity.get("type")
    if kind == "Create":
        note = fields.mapping(activity, "object")
        if note is None:
            raise BadRecord("Create has no object")
        return _note_events(owner, activity, note)
    if kind == "Announce":
        return _boost_events(owner, activity)
    shown = kind if isinstance(kind, str) else type(kind).__name__
    raise BadRecord(f"activity type {shown!r} is not one goodwill reads (Create, Announce)")


def _note_events(owner: Owner, activity: Mapping[str, Any], note: Mapping[str, Any]) -> list[Event]:
    status = _reference(note.get("id"), "the status id")
    if status is None:
        raise BadRecord("the status has no id")
    time_us = _published(note, activity)
    content = fields.text(note, "content")
    said = fields.plain_text(content) if content else None
    mentions: dict[str, str] = {}  # handle -> actor URL, in the order written
    for tag in fields.listed(note, "tag"):
        if isinstance(tag, dict) and tag.get("type") == "Mention":
            handle = owner.mention(tag)
            if handle is not None:
                mentions.setdefault(handle, fields.text(tag, "href") or "")
    audience = [
        a for a in fields.listed(note, "to") + fields.listed(note, "cc") if isinstance(a, str)
    ]
    replied = _reference(note.get("inReplyTo"), "inReplyTo")

    def event(kind: str, target: str | None, suffix: str = "", answers: str | None = None) -> Event:
        return Event(
            kind,
            owner.handle,
            target,
            time_us,
            fields.key(status + suffix, "the id"),
            text=said,
            answers=answers,
        )

    if not any(a in PUBLIC or a == owner.followers or a.endswith("/followers") for a in audience):
        recipients = dict.fromkeys(mentions)
        for url in audience:
            found = account_in_url(url)
            if found and url not in mentions.values():
                recipients[fields.handle(NETWORK, found)] = None
        recipients.pop(owner.handle, None)
        if not recipients:
            return [event("post", None, answers=replied)]
        return [event("message", r, f"#to:{r}", answers=replied) for r in recipients]
    events: list[Event] = []
    addressed = {owner.handle}
    if replied is not None:
        target = _reply_target(replied, mentions)
        if target is None or target == owner.handle:
            events.append(event("reply" if target is None else "post", None, answers=replied))
        else:
            events.append(event("reply", target, answers=replied))
            addressed.add(target)
    else:
        events.append(event("post", None))
    quoted = None
    for quote_field in ("quote", "quoteUri", "quoteUrl", "_misskey_quote"):
        quoted = quoted or _reference(note.get(quote_field), quote_field)
    if quoted is not None:
        found = account_in_url(quoted)
        author = fields.handle(NETWORK, found) if found else None
        if author is not None and author not in addressed:
            events.append(event("quote", author, "#quote", answers=quoted))
            addressed.add(author)
    events.extend(
        event("mention", handle, f"#mention:{handle}")
        for handle in mentions
        if handle not in addressed
    )
    return events


def _reply_target(replied: str, mentions: Mapping[str, str]) -> str | None:
    """Whose status a reply answers: by the status URL's account (preferring the matching
    mention's address), else the only account mentioned; None when the archive cannot say."""
    actor = _actor_of_status(replied)
    if actor is not None:
        for handle, href in mentions.items():
            if href == actor:
                return handle
    found = account_in_url(replied)
    if found is not None:
        return fields.handle(NETWORK, found)
    return next(iter(mentions)) if len(mentions) == 1 else None


def _boost_events(owner: Owner, activity: Mapping[str, Any]) -> list[Event]:
    boost = _reference(activity.get("id"), "the activity id")
    if boost is None:
        raise BadRecord("the boost has no id")
    time_us = _published(activity)
    target = activity.get("object")
    boosted = _reference(target, "the boosted status")
    author = None
    if isinstance(target, dict) and isinstance(target.get("attributedTo"), str):
        author = account_in_url(target["attributedTo"])
    if author is None and boosted is not None:
        author = account_in_url(boosted)
    if author is None:  # Mastodon addresses a boost to the boosted account too
        others = {
            found
            for url in fields.listed(activity, "cc") + fields.listed(activity, "to")
            if isinstance(url, str)
            and url not in PUBLIC
            and not url.endswith("/followers")
            and (found := account_in_url(url)) is not None
        }
        author = others.pop() if len(others) == 1 else None
    handle = fields.handle(NETWORK, author) if author else None
    if handle == owner.handle:
        return []  # a boost of one's own post says nothing about anyone else
    return [Event("share", owner.handle, handle, time_us, boost)]
