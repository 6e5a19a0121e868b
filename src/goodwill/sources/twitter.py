"""X (Twitter) archive records into events: tweets, direct messages and account lists.

An account is ``x:@name`` (lower-cased: X names are case-insensitive) when its screen name
is known, and ``x:id:NUMBER`` when the archive gives only its number, as direct messages
and follower lists do. Where one record shows both, :class:`People` remembers the pair, so
later records of the same archive use the name, and yields an identity for ``x:@name`` with
the number in its ``account_id`` attribute, so a later import can connect the two.

>>> people = People()
>>> [i.attributes for i in people.learn("12", "Bob", "Bob B")]
[{'account_id': '12'}]
>>> people.handle("12", None), people.handle("13", None)
('x:@bob', 'x:id:13')
>>> twitter_time("Wed Oct 10 20:19:24 +0000 2018") == iso_time("2018-10-10T20:19:24Z")
True
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from goodwill.events import Event, Identity
from goodwill.sources import fields
from goodwill.sources.fields import BadRecord, iso_time

__all__ = [
    "NETWORK",
    "People",
    "dm_events",
    "group_handle",
    "id_number",
    "state_event",
    "tweet_events",
    "twitter_time",
]

NETWORK = "x"
_SCREEN_NAME = re.compile(r"[A-Za-z0-9_]{1,50}\Z")
_NUMBER = re.compile(r"[0-9]{1,30}\Z")
_RETWEET = re.compile(r"RT @([A-Za-z0-9_]{1,50}):")
_STATUS_URL = re.compile(
    r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/([A-Za-z0-9_]{1,50})/status(?:es)?/([0-9]{1,30})",
    re.IGNORECASE,
)
_MONTHS = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
    "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}  # fmt: skip
_TWITTER_TIME = re.compile(
    r"[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([0-9]{1,2}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) "
    r"([+-])([0-9]{2})([0-9]{2}) ([0-9]{4})\Z"
)


def twitter_time(value: str) -> int:
    """Microseconds since the epoch for X's ``Wed Oct 10 20:19:24 +0000 2018``."""
    match = _TWITTER_TIME.match(value.strip())
    if match is None or match.group(1) not in _MONTHS:
        raise BadRecord(f"created_at {value[:40]!r} is not X's time format")
    month, day, hour, minute, second, sign, off_h, off_m, year = match.groups()
    offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (1 if sign == "+" else -1)
    try:
        zone = timezone(offset)
        moment = datetime(
            int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second), tzinfo=zone
        )
    except ValueError as exc:
        raise BadRecord(f"created_at {value[:40]!r}: {exc}") from None
    return fields.calendar_time(moment, "created_at")


def id_number(value: Any) -> str | None:
    """An account or status number, written as text or as a JSON number; None if it is
    absent or not one (X writes ``-1`` for an account that no longer exists)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        return value.strip()
    return None


def _screen_name(value: Any) -> str | None:
    if isinstance(value, str) and _SCREEN_NAME.match(value.strip()):
        return value.strip().lower()
    return None


class People:
    """Handles for X accounts, and what one archive has shown about which number is whom."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}  # account number -> screen name
        self._described: set[str] = set()

    def learn(self, number: Any, screen_name: Any, display: Any = None) -> list[Identity]:
        """Remember a number and name seen together; the identity to record, if new."""
        account, name = id_number(number), _screen_name(screen_name)
        if account is None or name is None:
            return []
        self._names.setdefault(account, name)
        handle = fields.handle(NETWORK, "@" + name)
        if handle in self._described:
            return []
        self._described.add(handle)
        shown = fields.name(display) if isinstance(display, str) else None
        return [Identity(handle, shown, {"account_id": account})]

    def described(self, handle: str) -> None:
        """Note an identity recorded elsewhere (the owner's), so it is not recorded again."""
        self._described.add(handle)

    def handle(self, number: Any, screen_name: Any) -> str:
        """``x:@name`` when the name is given or known for the number, else ``x:id:N``."""
        name = _screen_name(screen_name)
        account = id_number(number)
        if name is None and account is not None:
            name = self._names.get(account)
        if name is not None:
            return fields.handle(NETWORK, "@" + name)
        if account is not None:
            return fields.handle(NETWORK, "id:" + account)
        raise BadRecord("the account has neither a screen name nor a number")


def group_handle(conversation: Any) -> str:
    """The identity of a group conversation: its messages go to the group, not to each member."""
    if not isinstance(conversation, str) or not conversation.strip():
        raise BadRecord("conversationId must be non-empty text")
    return fields.handle(NETWORK, "dm-group:" + conversation.strip())


def tweet_events(
    owner: str, owner_id: str, people: People, element: Any
) -> tuple[list[Identity], list[Event]]:
    """Identities learned from and events made by one element of ``tweets.js``."""
    if not isinstance(element, dict):
        raise BadRecord("expected a tweet object")
    tweet = element.get("tweet", element)  # older archives have no {"tweet": ...} wrapper
    if not isinstance(tweet, dict):
        raise BadRecord("tweet must be an object")
    number = id_number(tweet.get("id_str")) or id_number(tweet.get("id"))
    if number is None:
        raise BadRecord("the tweet has no id_str")
    created = fields.text(tweet, "created_at")
    if created is None:
        raise BadRecord("the tweet has no created_at time")
    time_us = twitter_time(created)
    said = fields.text(tweet, "full_text") or fields.text(tweet, "text")
    said = html.unescape(said) if said else None
    learned: list[Identity] = []
    entities = fields.mapping(tweet, "entities") or {}
    mentions: dict[str, str] = {}  # handle -> key for the event id
    for mention in fields.listed(entities, "user_mentions"):
        if not isinstance(mention, dict):
            raise BadRecord("a user_mentions entry must be an object")
        learned += people.learn(
            mention.get("id_str"), mention.get("screen_name"), mention.get("name")
        )
        account = id_number(mention.get("id_str"))
        handle = people.handle(account, mention.get("screen_name"))
        mentions.setdefault(handle, account or handle)

    def event(kind: str, target: str | None, suffix: str = "", answers: str | None = None) -> Event:
        return Event(
            kind, owner, target, time_us, f"tweet:{number}{suffix}", text=said, answers=answers
        )

    shared = _retweeted(tweet, said, people, learned)
    if shared is not None:
        return learned, ([] if shared == owner else [event("share", shared)])
    addressed = {owner}
    replied = id_number(tweet.get("in_reply_to_status_id_str"))
    answers = f"tweet:{replied}" if replied else None
    reply_id, reply_name = (
        tweet.get("in_reply_to_user_id_str"),
        tweet.get("in_reply_to_screen_name"),
    )
    learned += people.learn(reply_id, reply_name)
    if id_number(reply_id) or _screen_name(reply_name):
        target = people.handle(reply_id, reply_name)
        if target == owner or id_number(reply_id) == owner_id:
            events = [event("post", None, answers=answers)]
        else:
            events = [event("reply", target, answers=answers)]
            addressed.add(target)
    elif replied:
        events = [event("reply", None, answers=answers)]
    else:
        events = [event("post", None)]
    quoted = _quoted(tweet, entities)
    if quoted is not None:
        author = people.handle(None, quoted[0])
        if author not in addressed:
            events.append(event("quote", author, "#quote", answers=f"tweet:{quoted[1]}"))
            addressed.add(author)
    events.extend(
        event("mention", handle, f"#mention:{key}")
        for handle, key in mentions.items()
        if handle not in addressed
    )
    return learned, events


def _retweeted(
    tweet: Mapping[str, Any], said: str | None, people: People, learned: list[Identity]
) -> str | None:
    """Whose tweet a retweet shares, or None for a tweet that is not a retweet."""
    original = fields.mapping(tweet, "retweeted_status")
    if original is not None:
        user = fields.mapping(original, "user") or {}
        learned.extend(people.learn(user.get("id_str"), user.get("screen_name"), user.get("name")))
        return people.handle(user.get("id_str"), user.get("screen_name"))
    match = _RETWEET.match(said or "")
    return fields.handle(NETWORK, "@" + match.group(1).lower()) if match else None


def _quoted(tweet: Mapping[str, Any], entities: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(screen name, status number)`` of the tweet a tweet quotes, from its permalink or
    a link to a tweet (X's own ``i/web`` links name no one)."""
    links: list[Any] = []
    permalink = fields.mapping(tweet, "quoted_status_permalink")
    if permalink is not None:
        links.append(permalink.get("expanded"))
    for url in fields.listed(entities, "urls"):
        if isinstance(url, dict):
            links.append(url.get("expanded_url"))
    for link in links:
        match = _STATUS_URL.match(link) if isinstance(link, str) else None
        if match is not None and match.group(1).lower() != "i":
            return match.group(1).lower(), match.group(2)
    return None


def dm_events(
    people: People, conversation: Any, group: bool
) -> tuple[list[Identity], list[Event], list[tuple[str, str]]]:
    """Identities, events and ``(reason, raw)`` problems of one DM conversation.

    One-to-one messages go from sender to recipient; a group's go to the group.
    """
    if not isinstance(conversation, dict):
        raise BadRecord("expected a dmConversation object")
    body = conversation.get("dmConversation")
    if not isinstance(body, dict):
        raise BadRecord("dmConversation must be an object")
    messages = body.get("messages")
    if not isinstance(messages, list):
        raise BadRecord("messages must be a list")
    identities: list[Identity] = []
    target = None
    if group:
        target = group_handle(body.get("conversationId"))
        title = None
        for entry in messages:
            update = entry.get("conversationNameUpdate") if isinstance(entry, dict) else None
            if isinstance(update, dict) and isinstance(update.get("name"), str):
                title = fields.name(update["name"])
        identities.append(Identity(target, title, {"kind": "group conversation"}))
    events: list[Event] = []
    problems: list[tuple[str, str]] = []
    for place, entry in enumerate(messages):
        if not isinstance(entry, dict) or "messageCreate" not in entry:
            continue  # reactions, joins, name changes: not messages
        try:
            events.append(_message(people, entry["messageCreate"], target))
        except BadRecord as exc:
            problems.append((f"message {place}: {exc}", json.dumps(entry, ensure_ascii=False)))
    return identities, events, problems


def _message(people: People, message: Any, group: str | None) -> Event:
    if not isinstance(message, dict):
        raise BadRecord("messageCreate must be an object")
    number = id_number(message.get("id"))
    if number is None:
        raise BadRecord("the message has no id")
    created = fields.text(message, "createdAt")
    if created is None:
        raise BadRecord("the message has no createdAt time")
    sender = id_number(message.get("senderId"))
    if sender is None:
        raise BadRecord("the message has no senderId")
    target = group
    if target is None:
        recipient = id_number(message.get("recipientId"))
        if recipient is None:
            raise BadRecord("the message has no recipientId")
        target = people.handle(recipient, None)
    said = fields.text(message, "text")
    return Event(
        "message",
        people.handle(sender, None),
        target,
        iso_time(created),
        f"dm:{number}",
        text=html.unescape(said) if said else None,
    )


def state_event(
    people: People,
    owner: str,
    owner_id: str,
    record: Mapping[str, Any],
    kind: str,
    outgoing: bool,
    time_us: int,
) -> Event | None:
    """The event for one entry of a follower, following, block or mute list: from the owner
    when ``outgoing``, else toward them. Keyed by both account numbers, so the follow that
    two people's archives both show is one event."""
    other = id_number(record.get("accountId"))
    if other is None:
        raise BadRecord("the entry has no accountId")
    if other == owner_id:
        return None
    handle = people.handle(other, None)
    actor, target = (owner, handle) if outgoing else (handle, owner)
    first, second = (owner_id, other) if outgoing else (other, owner_id)
    return Event(kind, actor, target, time_us, f"{kind}:{first}>{second}")
