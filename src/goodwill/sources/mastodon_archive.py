"""Mastodon's archive ("Request your archive"), as the zip it downloads or the folder it
unpacks to, with the account's CSV exports beside it if the user adds them.

``actor.json`` names the owner; ``outbox.json`` holds what the owner did, in time: posts,
replies, mentions, direct messages and boosts (see :mod:`goodwill.sources.activitypub`).
``following_accounts.csv``, ``blocked_accounts.csv`` and ``muted_accounts.csv`` list who the
owner follows, blocks and mutes *now*, without times: each becomes an event dated when the
file was made (its time stamp, or ``--option as-of=TIME``), meaning "in effect then".
``likes.json`` lists liked statuses without times either; a like is an action, not a state,
so it is left out unless ``--option likes=as-of`` asks for it dated the same way.
``lists.csv`` puts each listed account's lists in its identity's ``lists`` attribute.
``bookmarks.json`` is private to the owner and not read.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from goodwill.errors import SourceError
from goodwill.events import Event, Identity, Record, Rejected
from goodwill.sources import fields
from goodwill.sources.activitypub import (
    NETWORK,
    Owner,
    account_in_url,
    activity_events,
    address,
    owner_from_actor,
)
from goodwill.sources.archive import Archive, as_of_option, iter_byte_lines
from goodwill.sources.base import Source
from goodwill.sources.fields import BadRecord
from goodwill.sources.jsonstream import BadStructure, Item, array_items, load_document
from goodwill.sources.sniffing import Sample

__all__ = ["MastodonArchiveSource"]

_STATES = (
    ("following_accounts.csv", "follow"),
    ("blocked_accounts.csv", "block"),
    ("muted_accounts.csv", "mute"),
)
_HEADERS = frozenset({"account address", "list name"})


class MastodonArchiveSource(Source):
    """Mastodon's account archive: ``actor.json``, ``outbox.json`` and what lies beside them."""

    name: ClassVar[str] = "mastodon-archive"
    description: ClassVar[str] = (
        "Mastodon archive (zip or folder): posts, replies, mentions, DMs, boosts, follows"
    )
    options: ClassVar[dict[str, str]] = {
        "likes": "skip (default; likes.json has no times) or as-of: record likes dated as-of",
        "as-of": "when the archive and CSV exports were made, ISO 8601, for what has no time "
        "(default: each file's own time stamp)",
    }

    @classmethod
    def sniff(cls, sample: Sample) -> int:
        """A zip or folder holding ``actor.json`` and ``outbox.json``."""
        return 90 if sample.has_member("actor.json") and sample.has_member("outbox.json") else 0

    def check_settings(self) -> None:
        if self.settings.get("likes", "skip") not in ("skip", "as-of"):
            raise SourceError(f"option likes={self.settings['likes']!r}: use skip or as-of")
        self._as_of = as_of_option(self.settings)

    def records(self, path: Path) -> Iterator[Record]:
        with Archive(self, path) as archive:
            actor, outbox = archive.find("actor.json"), archive.find("outbox.json")
            if actor is None or outbox is None:
                missing = " and ".join(
                    n for n, m in (("actor.json", actor), ("outbox.json", outbox)) if m is None
                )
                raise SourceError(
                    f"no {missing} in it: is this Mastodon's archive (Preferences > Import and "
                    "export > Request your archive)?",
                    path=path,
                )
            try:
                owner = _owner(archive, actor)
            except (BadStructure, BadRecord) as exc:
                raise archive.error(actor, str(exc)) from None
            yield owner.identity
            yield from _outbox(archive, outbox, owner)
            likes = archive.find("likes.json")
            if likes is not None and self.settings.get("likes") == "as-of":
                yield from _likes(archive, likes, owner, self._time(archive, likes))
            for file_name, kind in _STATES:
                member = archive.find(file_name)
                if member is not None:
                    time_us = self._time(archive, member)
                    yield from _states(archive, member, owner, kind, time_us)
            lists = archive.find("lists.csv")
            if lists is not None:
                yield from _lists(archive, lists, owner)

    def _time(self, archive: Archive, member: str) -> int:
        return self._as_of if self._as_of is not None else archive.timestamp_us(member)


def _owner(archive: Archive, member: str) -> Owner:
    return owner_from_actor(load_document(archive.read_all(member)))


def _collection(archive: Archive, member: str) -> Iterator[tuple[str, Item] | Rejected]:
    """Each item of an OrderedCollection file with its location; an unreadable one rejected."""
    try:
        for item in array_items(archive.chunks(member), key="orderedItems"):
            where = f"{member}:{item.index}"
            if item.problem is not None:
                yield Rejected(where, item.problem, fields.one_line(item.raw))
            else:
                yield where, item
    except BadStructure as exc:
        raise archive.error(member, str(exc)) from None


def _outbox(archive: Archive, member: str, owner: Owner) -> Iterator[Record]:
    for found in _collection(archive, member):
        if isinstance(found, Rejected):
            yield found
            continue
        where, item = found
        try:
            events = activity_events(owner, item.value)
        except BadRecord as exc:
            yield Rejected(where, str(exc), fields.one_line(item.raw))
            continue
        yield from events


def _likes(archive: Archive, member: str, owner: Owner, time_us: int) -> Iterator[Record]:
    """Likes of statuses whose URL names their author, dated ``time_us``."""
    for found in _collection(archive, member):
        if isinstance(found, Rejected):
            yield found
            continue
        where, item = found
        if not isinstance(item.value, str):
            yield Rejected(where, "expected a status URL", fields.one_line(item.raw))
            continue
        author = account_in_url(item.value)
        try:
            target = fields.handle(NETWORK, author) if author else None
            external_id = fields.key(f"like:{owner.handle}>{item.value}", "the like's id")
        except BadRecord as exc:
            yield Rejected(where, str(exc), fields.one_line(item.raw))
            continue
        if target is not None and target != owner.handle:
            # else whose post it was cannot be told, or it was the owner's own
            yield Event("like", owner.handle, target, time_us, external_id)


def _rows(archive: Archive, member: str) -> Iterator[tuple[str, list[str] | Rejected, str]]:
    """``(location, fields, line)`` for each non-blank row of a CSV export, past its header."""
    try:
        for number, line in enumerate(iter_byte_lines(archive.chunks(member)), 1):
            where = f"{member}:{number}"
            try:
                text = line.decode("utf-8").lstrip("\ufeff")
            except UnicodeDecodeError as exc:
                shown = line.decode("utf-8", "replace")
                yield where, Rejected(where, f"not UTF-8 text (byte {exc.start + 1})", shown), shown
                continue
            if not text.strip():
                continue
            try:
                row = next(csv.reader([text], strict=True))
            except csv.Error as exc:
                yield where, Rejected(where, f"malformed CSV ({exc})", fields.clean(text)), text
                continue
            if number == 1 and row and row[0].strip().lower() in _HEADERS:
                continue
            yield where, row, fields.clean(text)
    except ValueError as exc:  # a line far too long to be a row
        raise archive.error(member, str(exc)) from None


def _account(value: str, owner: Owner) -> str:
    """The handle for an account address as the CSV exports write it (``bob@b.social``;
    an account on the owner's own server may lack its domain)."""
    user, _, domain = value.strip().lstrip("@").partition("@")
    return fields.handle(NETWORK, address(user, domain or owner.domain))


def _states(
    archive: Archive, member: str, owner: Owner, kind: str, time_us: int
) -> Iterator[Record]:
    """One event per account in a follow, block or mute list, dated ``time_us``."""
    for where, row, line in _rows(archive, member):
        if isinstance(row, Rejected):
            yield row
            continue
        try:
            target = _account(row[0], owner)
            external_id = fields.key(f"{kind}:{owner.handle}>{target}", "the id")
        except BadRecord as exc:
            yield Rejected(where, f"{exc} (expected an account address first)", line)
            continue
        if target != owner.handle:
            yield Event(kind, owner.handle, target, time_us, external_id)


def _lists(archive: Archive, member: str, owner: Owner) -> Iterator[Record]:
    """Each listed account's lists, as its identity's ``lists`` attribute."""
    lists: dict[str, list[str]] = {}
    for where, row, line in _rows(archive, member):
        if isinstance(row, Rejected):
            yield row
            continue
        try:
            if len(row) != 2:
                raise BadRecord(f"expected 2 fields (list name, account), found {len(row)}")
            list_name = fields.clean(row[0]).strip()
            if not list_name:
                raise BadRecord("the list name is empty")
            handle = _account(row[1], owner)
        except BadRecord as exc:
            yield Rejected(where, str(exc), line)
            continue
        names = lists.setdefault(handle, [])
        if list_name not in names:
            names.append(list_name)
    for handle, names in lists.items():
        yield Identity(handle, attributes={"lists": "; ".join(sorted(names))})
