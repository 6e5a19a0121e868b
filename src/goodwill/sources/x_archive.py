"""X's (Twitter's) archive ("Download an archive of your data"), as the zip or its folder.

Read, from ``data/``: ``account.js`` (or ``manifest.js``) for the owner and ``profile.js``
for their bio; ``tweets.js`` (``tweet.js`` in older archives, ``tweets-part1.js`` and so on
in large ones) for posts, replies, mentions, retweets and quotes; ``direct-messages.js`` and
``direct-messages-group.js`` for messages; ``follower.js``, ``following.js``, ``block.js``
and ``mute.js`` for who follows, is followed, blocked and muted *now*, without times: each
becomes an event dated when the file was made (its time stamp in the archive, or
``--option as-of=TIME``), meaning "in effect then". ``like.js`` has neither times nor the
liked tweet's author, so no like can be recorded from it. Each file is a JavaScript
assignment, ``window.YTD.tweets.part0 = [...]``, read as the JSON list it holds, one record
at a time (see :mod:`goodwill.sources.twitter` for what each record becomes).
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any, ClassVar

from goodwill.errors import SourceError
from goodwill.events import Identity, Record, Rejected
from goodwill.sources import fields
from goodwill.sources.archive import Archive, as_of_option
from goodwill.sources.base import Source
from goodwill.sources.fields import BadRecord
from goodwill.sources.jsonstream import BadStructure, Item, array_items, load_document
from goodwill.sources.sniffing import Sample
from goodwill.sources.twitter import People, dm_events, id_number, state_event, tweet_events

__all__ = ["XArchiveSource"]

# file stem, the key each record is wrapped in, the kind, and whether the owner is the actor
_STATES = (
    ("following", "following", "follow", True),
    ("follower", "follower", "follow", False),
    ("block", "blocking", "block", True),
    ("mute", "muting", "mute", True),
)


class XArchiveSource(Source):
    """X's account archive: ``data/tweets.js``, ``data/direct-messages.js`` and the rest."""

    name: ClassVar[str] = "x-archive"
    description: ClassVar[str] = (
        "X/Twitter archive (zip or folder): tweets, replies, mentions, retweets, quotes, DMs, follows"
    )
    options: ClassVar[dict[str, str]] = {
        "as-of": "when the archive was made, ISO 8601, for follows, blocks and mutes, which have "
        "no time (default: each file's own time stamp)",
    }

    @classmethod
    def sniff(cls, sample: Sample) -> int:
        """A zip or folder holding X's ``tweets.js`` (or ``tweet.js``) and its account."""
        tweets = sample.has_member("data/tweets.js", "data/tweet.js", "data/tweets-part1.js")
        account = sample.has_member("data/account.js", "data/manifest.js")
        return 90 if tweets and account else 0

    def check_settings(self) -> None:
        self._as_of = as_of_option(self.settings)

    def records(self, path: Path) -> Iterator[Record]:
        with Archive(self, path) as archive:
            tweets = _parts(archive, "tweets", "tweet")
            account = archive.find("data/account.js", "account.js")
            manifest = archive.find("data/manifest.js", "manifest.js")
            if not tweets or (account is None and manifest is None):
                missing = "data/tweets.js (or tweet.js)" if not tweets else "data/account.js"
                raise SourceError(
                    f"no {missing} in it: is this X's archive (Settings > Your account > "
                    "Download an archive of your data)?",
                    path=path,
                )
            owner, owner_id = yield from _owner(archive, account, manifest)
            people = People()
            people.described(owner)
            people.learn(owner_id, owner.removeprefix("x:@"))
            for member in tweets:
                for item, value in _items(archive, member):
                    if isinstance(value, Rejected):
                        yield value
                        continue
                    try:
                        learned, events = tweet_events(owner, owner_id, people, value)
                    except BadRecord as exc:
                        yield _rejected(member, item, str(exc))
                        continue
                    yield from learned
                    yield from events
            for stem, group in (("direct-messages", False), ("direct-messages-group", True)):
                for member in _parts(archive, stem):
                    yield from _messages(archive, member, people, group)
            for stem, wrapper, kind, outgoing in _STATES:
                for member in _parts(archive, stem):
                    as_of = self._as_of
                    time_us = as_of if as_of is not None else archive.timestamp_us(member)
                    states = (wrapper, kind, outgoing, time_us)
                    yield from _states(archive, member, people, owner, owner_id, states)


def _states(
    archive: Archive,
    member: str,
    people: People,
    owner: str,
    owner_id: str,
    states: tuple[str, str, bool, int],
) -> Iterator[Record]:
    """The events of a follower, following, block or mute list."""
    wrapper, kind, outgoing, time_us = states
    for item, value in _items(archive, member):
        if isinstance(value, Rejected):
            yield value
            continue
        try:
            entry = _entry(value, wrapper)
            event = state_event(people, owner, owner_id, entry, kind, outgoing, time_us)
        except BadRecord as exc:
            yield _rejected(member, item, str(exc))
            continue
        if event is not None:
            yield event


def _parts(archive: Archive, *stems: str) -> list[str]:
    """The members holding a record file, ``tweets.js`` and its ``tweets-part1.js``...
    in part order, under ``data/`` or wherever the shallowest copy lies."""
    names = "|".join(re.escape(stem) for stem in stems)
    pattern = re.compile(rf"(?:.*/)?(?:{names})(?:-part([0-9]{{1,4}}))?\.js", re.IGNORECASE)
    found = [
        (name.count("/"), int(match.group(1) or 0), name)
        for name in archive.names
        if (match := pattern.fullmatch(name)) is not None
    ]
    if not found:
        return []
    depth = min(d for d, _, _ in found)
    return [name for d, _, name in sorted(found) if d == depth]


def _owner(
    archive: Archive, account: str | None, manifest: str | None
) -> Generator[Identity | Rejected, None, tuple[str, str]]:
    """Yield the owner's identity; return ``(handle, account number)``."""
    member = account if account is not None else manifest
    assert member is not None
    try:
        document = load_document(archive.read_all(member))
        if account is not None:
            record = _entry(_first(document), "account")
            number, name = record.get("accountId"), record.get("username")
            shown = record.get("accountDisplayName")
        else:
            info = _entry(document, "userInfo")
            number, name, shown = (
                info.get("accountId"),
                info.get("userName"),
                info.get("displayName"),
            )
        handle = People().handle(None, name)
        number = id_number(number)
        if number is None:
            raise BadRecord("has no accountId")
    except (BadStructure, BadRecord) as exc:
        raise archive.error(member, f"{exc}: cannot tell whose archive it is") from None
    attributes = {"account_id": number}
    profile = archive.find("data/profile.js", "profile.js")
    if profile is not None:
        try:
            description = _entry(
                _entry(_first(load_document(archive.read_all(profile))), "profile"), "description"
            )
            for field_name in ("bio", "website", "location"):
                value = fields.text(description, field_name)
                if value and value.strip():
                    attributes[field_name] = value.strip()
        except (BadStructure, BadRecord) as exc:
            yield Rejected(f"{profile}:0", str(exc), "")
    yield Identity(handle, fields.name(shown) if isinstance(shown, str) else None, attributes)
    return handle, number


def _first(document: Any) -> Any:
    if not isinstance(document, list) or not document:
        raise BadRecord("expected a list of one record")
    return document[0]


def _entry(record: Any, wrapper: str) -> dict[str, Any]:
    """The object under ``wrapper`` in a record such as ``{"follower": {...}}``."""
    inner = record.get(wrapper) if isinstance(record, dict) else None
    if not isinstance(inner, dict):
        raise BadRecord(f"expected an object with a {wrapper!r} object in it")
    return inner


def _items(archive: Archive, member: str) -> Iterator[tuple[Item, Any]]:
    """The records of one file: ``(item, value)``, or a Rejected as the value."""
    try:
        for item in array_items(archive.chunks(member)):
            if item.problem is not None:
                yield item, _rejected(member, item, item.problem)
            else:
                yield item, item.value
    except BadStructure as exc:
        raise archive.error(member, str(exc)) from None


def _rejected(member: str, item: Item, reason: str) -> Rejected:
    return Rejected(f"{member}:{item.index}", reason, fields.one_line(item.raw))


def _messages(archive: Archive, member: str, people: People, group: bool) -> Iterator[Record]:
    for item, value in _items(archive, member):
        if isinstance(value, Rejected):
            yield value
            continue
        try:
            identities, events, problems = dm_events(people, value, group)
        except BadRecord as exc:
            yield _rejected(member, item, str(exc))
            continue
        yield from identities
        yield from events
        for reason, raw in problems:
            yield Rejected(f"{member}:{item.index}", reason, fields.one_line(raw))
