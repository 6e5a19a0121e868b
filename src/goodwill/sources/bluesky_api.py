"""The ``bluesky`` source: one account read over the AT Protocol API with the atproto SDK,
by ``goodwill sync bluesky alice.bsky.social`` (see :mod:`goodwill.syncing`).

A sync logs in with an app password, then reads the owner's own records of each
collection goodwill maps (``com.atproto.repo.listRecords``: posts, likes, reposts,
follows, blocks), and their notifications (``app.bsky.notification.listNotifications``:
others' likes, reposts, follows, mentions, replies and quotes of them). Records become
events exactly as in the repository export (:mod:`goodwill.sources.atproto_records`), with
the same AT URI ids, so a sync and an import of the ``.car`` agree on what each event is.

The cursor holds, per collection, the greatest record key read (record keys are
timestamps, so later records sort after it; the next sync lists from there, oldest first),
and the newest notification's ``indexedAt`` (notifications come newest first: the next
sync reads back until it reaches one older than that).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from atproto_client import models  # type: ignore[import-untyped]

from goodwill.errors import SourceError
from goodwill.events import Event, Identity, Record, Rejected
from goodwill.sources import fields
from goodwill.sources.atproto_records import (
    EVENT_COLLECTIONS,
    NETWORK,
    PROFILE,
    account,
    parse_uri,
    person_identity,
    profile_identity,
    record_events,
    shown,
)
from goodwill.sources.fields import BadRecord
from goodwill.sources.xrpc import Xrpc, server_url
from goodwill.syncing import Cursor, SyncSource

__all__ = ["BlueskyApiSource"]

DEFAULT_SERVER = "https://bsky.social"
_PAGE = 100  # the most either listing returns at once
_REASONS = ("like", "repost", "follow", "mention", "reply", "quote")
_NOTIFICATIONS = "app.bsky.notification.listNotifications"
_LIST_RECORDS = "com.atproto.repo.listRecords"
_HANDLE = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?\Z"
)


class BlueskyApiSource(SyncSource):
    """A Bluesky account, read over its API: what is new since the last sync."""

    name: ClassVar[str] = "bluesky"
    description: ClassVar[str] = (
        "Bluesky account over its API (goodwill sync): posts, replies, mentions, quotes, "
        "likes, reposts, follows, blocks, and others' toward you"
    )
    options: ClassVar[dict[str, str]] = {
        "server": f"the account's server when it is not {DEFAULT_SERVER} (a self-hosted PDS)",
    }
    token_variable: ClassVar[str] = "GOODWILL_BLUESKY_APP_PASSWORD"

    def check_settings(self) -> None:
        self._server = server_url(self.settings.get("server", DEFAULT_SERVER))

    def check_account(self, account: str) -> str:
        value = account.strip().removeprefix("@")
        if value.startswith("did:"):
            try:
                return _did(value)
            except BadRecord as exc:
                raise SourceError(f"account {account!r}: {exc}") from None
        if _HANDLE.match(value.lower()):
            return value.lower()
        raise SourceError(
            f"account {account!r}: give the handle (alice.bsky.social) or the DID (did:plc:...)"
        )

    def fetch(self, account: str, token: str, cursor: Cursor) -> Iterator[Record]:
        api = Xrpc(self._server)
        try:
            owner, handle = _owner(api, account, token)
            yield from _profile(api, owner, handle)
            for collection in EVENT_COLLECTIONS:
                yield from _own_records(api, owner, collection, cursor)
            yield from _notifications(api, owner, cursor)
        finally:
            api.close()


def _did(value: Any) -> str:
    """A DID, checked."""
    return account(value, "the DID").partition(":")[2]


def _owner(api: Xrpc, wanted: str, password: str) -> tuple[str, str]:
    """The logged-in account's DID and handle, checked against the one the user named."""
    session = api.login(wanted, password)
    where = f"{api.server} com.atproto.server.getSession"
    try:
        did = _did(session.get("did"))
        handle = fields.text(session, "handle") or ""
    except BadRecord as exc:
        raise SourceError(f"{where}: {exc}") from None
    if wanted not in (did, handle.lower()):
        raise SourceError(
            f"{where}: the app password logs in as {handle} ({did}), not {wanted}: sync "
            f"{handle}, or use {wanted}'s app password"
        )
    return did, handle


def _profile(api: Xrpc, owner: str, handle: str) -> Iterator[Record]:
    """The owner's identity: handle, and display name and bio from their profile record."""
    params = models.ComAtprotoRepoListRecords.Params(repo=owner, collection=PROFILE, limit=1)
    found = api.query(_LIST_RECORDS, params).get("records")
    record = (
        found[0].get("value")
        if isinstance(found, list) and found and isinstance(found[0], dict)
        else None
    )
    try:
        identity = profile_identity(owner, record if record is not None else {})
    except BadRecord as exc:
        yield Rejected(f"{PROFILE}/self", str(exc), shown(record))
        identity = Identity(fields.handle(NETWORK, owner))
    known = {"handle": handle} if handle and handle != "handle.invalid" else {}
    yield Identity(identity.handle, identity.name, {**identity.attributes, **known})


def _own_records(api: Xrpc, owner: str, collection: str, cursor: Cursor) -> Iterator[Record]:
    """The owner's records of ``collection`` after the cursor's record key, oldest first."""
    since = cursor.get(collection)
    since = since if isinstance(since, str) else None

    def params(page: str | None) -> Any:
        return models.ComAtprotoRepoListRecords.Params(
            repo=owner, collection=collection, limit=_PAGE, reverse=True, cursor=page or since
        )

    number = 0
    for page in api.pages(_LIST_RECORDS, params, "records"):
        for item in page:
            number += 1
            where = f"{collection} item {number}"
            try:
                at = parse_uri(item.get("uri") if isinstance(item, dict) else None, "uri")
                where = f"{collection}/{at.rkey}"
                if at.authority != owner or at.collection != collection:
                    raise BadRecord(f"the record {at} is not one of {owner}'s {collection}")
                events = record_events(owner, collection, at.rkey, item.get("value"))
            except BadRecord as exc:
                yield Rejected(where, str(exc), shown(item))
                continue
            newest = cursor.get(collection)
            if not isinstance(newest, str) or at.rkey > newest:
                cursor[collection] = at.rkey
            yield from events


def _notifications(api: Xrpc, owner: str, cursor: Cursor) -> Iterator[Record]:
    """What others did toward the owner, newest first, back to the cursor's time."""
    since_us = newest_us = _time_or_none(cursor.get("notifications"))
    me = fields.handle(NETWORK, owner)
    named: set[str] = {me}
    done: set[str] = set()

    def params(page: str | None) -> Any:
        return models.AppBskyNotificationListNotifications.Params(
            limit=_PAGE, cursor=page, reasons=list(_REASONS)
        )

    for page in api.pages(_NOTIFICATIONS, params, "notifications"):
        for number, item in enumerate(page):
            indexed = item.get("indexedAt") if isinstance(item, dict) else None
            time_us = _time_or_none(indexed)
            if since_us is not None and time_us is not None and time_us < since_us:
                return
            if time_us is not None and (newest_us is None or time_us > newest_us):
                cursor["notifications"], newest_us = indexed, time_us
            try:
                events, identity = _notification(me, item)
            except BadRecord as exc:
                yield Rejected(f"notification {_uri_of(item) or number}", str(exc), shown(item))
                continue
            fresh = [e for e in events if e.external_id not in done]
            done.update(e.external_id for e in fresh)
            yield from fresh
            if fresh and identity is not None and identity.handle not in named:
                named.add(identity.handle)
                yield identity


def _notification(me: str, item: Any) -> tuple[list[Event], Identity | None]:
    """The events toward the owner that one notification tells of, and who acted."""
    if not isinstance(item, dict):
        raise BadRecord("expected a notification object")
    if item.get("reason") not in _REASONS:
        return [], None
    at = parse_uri(item.get("uri"), "uri")
    author = _did(at.authority)
    identity = person_identity(item.get("author"))
    if identity is not None and identity.handle != fields.handle(NETWORK, author):
        raise BadRecord(f"its author is not the author of {at}")
    events = record_events(author, at.collection, at.rkey, item.get("record"))
    return [e for e in events if e.target == me], identity


def _time_or_none(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        return fields.iso_time(value)
    except BadRecord:
        return None


def _uri_of(item: Any) -> str | None:
    value = item.get("uri") if isinstance(item, dict) else None
    return value if isinstance(value, str) else None
