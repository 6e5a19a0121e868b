"""The ``mastodon`` source: one account read over Mastodon's REST API with Mastodon.py, by
``goodwill sync mastodon @me@example.social`` (see :mod:`goodwill.syncing`).

A sync reads the owner's account, then their notifications (mention, reblog, favourite,
follow, quote), their own statuses, their conversations (direct messages), and the
complete listings of their followers and of whom they follow. What the statuses stand
for is :mod:`goodwill.sources.mastodon_entities`'s to say; follows and unfollows are
:mod:`goodwill.sources.follow_lists`'.

The cursor holds, per endpoint, the newest id seen (for conversations, the newest last
status's id, which is what Mastodon pages them by). The next sync asks each endpoint for
what came after it (``min_id``) and walks forward page by page through the ``Link``
headers; a first sync walks back from the newest to the oldest the server keeps.
Mastodon.py waits out a rate limit: on a 429 it sleeps until ``X-RateLimit-Reset`` (at most
five minutes) and asks again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from goodwill.errors import SourceError
from goodwill.events import Identity, Record, Rejected, now_us
from goodwill.sources import fields
from goodwill.sources.activitypub import NETWORK, address
from goodwill.sources.fields import BadRecord
from goodwill.sources.follow_lists import FollowList
from goodwill.sources.mastodon_entities import (
    NOTIFICATION_TYPES,
    Viewer,
    account_identity,
    conversation_status,
    entity_id,
    follow_notification,
    notification_events,
    status_events,
)
from goodwill.syncing import Cursor, SyncSource

__all__ = ["MastodonApiSource"]

_T = TypeVar("_T")
_TIMEOUT_SECONDS = 60.0
_STATUS_PAGE = 40  # the most Mastodon returns per page of statuses or conversations
_ACCOUNT_PAGE = 80  # ... of notifications or accounts
_MAX_PAGES = 1_000_000  # a server whose links never end cannot keep a sync going forever
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_LISTINGS = ("followers", "following")


class MastodonApiSource(SyncSource):
    """A Mastodon account, read over its API: what is new since the last sync."""

    name: ClassVar[str] = "mastodon"
    description: ClassVar[str] = (
        "Mastodon account over its API (goodwill sync): mentions, replies, DMs, boosts, "
        "likes, quotes, follows"
    )
    options: ClassVar[dict[str, str]] = {
        "server": "the server's URL when it is not https://DOMAIN of the account "
        "(e.g. https://social.example.com for @me@example.com)",
    }
    token_variable: ClassVar[str] = "GOODWILL_MASTODON_TOKEN"

    def check_settings(self) -> None:
        server = self.settings.get("server")
        self._server = _server_url(server) if server is not None else None

    def check_account(self, account: str) -> str:
        user, _, domain = account.strip().lstrip("@").partition("@")
        try:
            return address(user, domain)
        except BadRecord:
            raise SourceError(
                f"account {account!r}: write it as @user@domain, e.g. @ann@example.social"
            ) from None

    def restart(self, cursor: Cursor) -> Cursor:
        """A full sync reads every endpoint from the start but keeps the follow listings,
        so it can still tell who has gone from them."""
        return {name: cursor[name] for name in _LISTINGS if name in cursor}

    def fetch(self, account: str, token: str, cursor: Cursor) -> Iterator[Record]:
        user, domain = account[1:].split("@", 1)
        server = self._server or _server_url(f"https://{domain}")
        api = _Api(server, token)
        try:
            owner = api.call("accounts/verify_credentials", api.client.account_verify_credentials)
            viewer = _viewer(owner, user, domain, server)
            sync = _Sync(api, viewer, cursor)
            yield account_identity(owner, viewer)
            yield from sync.notifications()
            yield from sync.statuses()
            yield from sync.conversations()
            yield from sync.listing("followers", api.client.account_followers)
            yield from sync.listing("following", api.client.account_following)
        finally:
            api.client.session.close()


def _server_url(value: str) -> str:
    """The server's base URL; plain http only on this machine, where no token can leak."""
    parts = urlsplit(value.strip())
    if not parts.hostname or parts.scheme not in ("https", "http"):
        raise SourceError(f"option server={value!r}: give a URL, e.g. https://example.social")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise SourceError(
            f"option server={value!r}: use https; a token sent over plain http can be read "
            "on the way"
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _viewer(owner: Any, user: str, domain: str, server: str) -> Viewer:
    """Whose token it is, checked against the account the user named."""
    if not isinstance(owner, Mapping):
        raise SourceError(f"{server} accounts/verify_credentials: expected an account object")
    try:
        username = fields.text(owner, "username") or ""
        handle = fields.handle(NETWORK, address(username, domain))
        owner_id = entity_id(owner)
    except BadRecord as exc:
        raise SourceError(f"{server} accounts/verify_credentials: {exc}") from None
    if username.lower() != user:
        raise SourceError(
            f"{server}: the token is @{username}'s, not @{user}'s: sync @{username}@{domain}, "
            f"or use @{user}'s token"
        )
    return Viewer(handle, owner_id, domain, server)


def _later(one: str, other: str | None) -> bool:
    """Whether id ``one`` is newer than ``other``: Mastodon's ids are numbers in text (and
    other servers' are fixed-width), so the longer is newer, then the greater."""
    return other is None or (len(one), one) > (len(other), other)


def _raw(entity: Any) -> str:
    return fields.one_line(json.dumps(entity, default=str, ensure_ascii=False))


class _Api:
    """Mastodon.py's client for one server, its errors turned into goodwill's."""

    def __init__(self, server: str, token: str) -> None:
        self.server = server
        self.client = Mastodon(
            api_base_url=server,
            ratelimit_method="wait",
            request_timeout=_TIMEOUT_SECONDS,
            version_check_mode="none",
            user_agent="goodwill",
        )
        self.client.access_token = token  # set here: the constructor reads a file by that name

    def call(self, endpoint: str, request: Callable[[], _T]) -> _T:
        """``request()``, or a SourceError that names the server and endpoint and says what
        to do; nothing is imported when one is raised."""
        where = f"{self.server} {endpoint}"
        try:
            return request()
        except MastodonUnauthorizedError:
            raise SourceError(
                f"{where}: the server refused the access token (401); create a new one "
                f"(Preferences > Development) and set {MastodonApiSource.token_variable}"
            ) from None
        except MastodonNetworkError as exc:
            raise SourceError(
                f"{where}: cannot reach the server ({_reason(exc)}); check the address and "
                "the connection, then sync again"
            ) from None
        except MastodonNotFoundError:
            raise SourceError(
                f"{where}: not found (404); is this a Mastodon server? If the account's "
                "server has another address, pass --option server=URL"
            ) from None
        except MastodonServerError as exc:
            raise SourceError(
                f"{where}: the server failed ({_status(exc)}); sync again later"
            ) from None
        except MastodonRatelimitError:
            raise SourceError(f"{where}: rate limited; sync again in a few minutes") from None
        except MastodonAPIError as exc:
            if _status(exc) == "403":
                raise SourceError(
                    f"{where}: forbidden (403); give the token the read scope"
                ) from None
            raise SourceError(
                f"{where}: the answer is not what Mastodon's API returns ({_reason(exc)}); "
                "is this a Mastodon server?"
            ) from None
        except MastodonError as exc:
            raise SourceError(f"{where}: {_reason(exc)}") from None
        except RecursionError:  # Mastodon.py's JSON decoding and casting recurse
            raise SourceError(
                f"{where}: the answer is JSON nested deeper than any API's; is this a "
                "Mastodon server?"
            ) from None

    def pages(self, endpoint: str, first: Callable[[], Any], forward: bool) -> Iterator[Any]:
        """The entities of every page, following ``Link`` headers back in time, or forward
        in time from a ``min_id`` when ``forward``."""
        page = self.call(endpoint, first)
        seen: tuple[str, str] | None = None
        for _ in range(_MAX_PAGES):
            if not isinstance(page, list):
                raise SourceError(
                    f"{self.server} {endpoint}: expected a list, got {type(page).__name__}; "
                    "is this a Mastodon server?"
                )
            ends = (_raw(page[0]), _raw(page[-1])) if page else None
            if not page or ends == seen:  # empty, or the server repeats itself
                return
            seen = ends
            yield from page
            link = getattr(page, "_pagination_prev" if forward else "_pagination_next", None)
            if not link:
                return
            step = self.client.fetch_previous if forward else self.client.fetch_next
            page = self.call(endpoint, partial(step, link))


def _status(exc: MastodonError) -> str:
    return str(exc.args[1]) if len(exc.args) > 1 else "?"


def _reason(exc: MastodonError) -> str:
    text = " ".join(str(a) for a in exc.args if a is not None)
    return fields.clean(text)[:300] or type(exc).__name__


class _Sync:
    """One sync of one account: the endpoints in turn, the cursor advanced as they go."""

    def __init__(self, api: _Api, viewer: Viewer, cursor: Cursor) -> None:
        self.api, self.viewer, self.cursor = api, viewer, cursor
        self.client = api.client
        self.time_us = now_us()
        self.follows = {
            name: FollowList(cursor, name, viewer.handle, incoming=incoming, time_us=self.time_us)
            for name, incoming in zip(_LISTINGS, (True, False), strict=True)
        }
        self._named: set[str] = {viewer.handle}
        self._direct: set[str] = set()  # direct statuses read, which several endpoints show

    def _newer(
        self, endpoint: str, request: Callable[..., Any], position: Callable[[Any], str]
    ) -> Iterator[tuple[str, Any]]:
        """``(location, entity)`` for each entity newer than the cursor's position for
        ``endpoint``, advancing the position."""
        since = self.cursor.get(endpoint)
        if isinstance(since, str):
            pages = self.api.pages(endpoint, lambda: request(min_id=since), forward=True)
        else:
            pages = self.api.pages(endpoint, request, forward=False)
        for number, entity in enumerate(pages, 1):
            try:
                where = f"{endpoint} {entity_id(entity)}"
                reached = position(entity)
            except BadRecord:
                where, reached = f"{endpoint} item {number}", None
            if reached is not None and _later(reached, self.cursor.get(endpoint)):
                self.cursor[endpoint] = reached
            yield where, entity

    def _named_once(self, account: Any) -> Iterator[Identity]:
        """An identity for an account the first time this sync meets it."""
        identity = account_identity(account, self.viewer)
        if identity.handle not in self._named:
            self._named.add(identity.handle)
            yield identity

    def _status_records(self, status: Any) -> list[Record]:
        """A status's events and its author's identity; none for a direct status already
        read through another endpoint in this sync."""
        uri = fields.text(status, "uri") if isinstance(status, Mapping) else None
        if uri and fields.text(status, "visibility") == "direct":
            if uri in self._direct:
                return []
            self._direct.add(uri)
        records: list[Record] = list(status_events(self.viewer, status))
        if records:
            records.extend(self._named_once(status["account"]))
        return records

    def _guarded(
        self, where: str, entity: Any, read: Callable[[Any], list[Record]]
    ) -> list[Record]:
        """What ``read(entity)`` makes of an entity, or the entity rejected saying why."""
        try:
            return read(entity)
        except BadRecord as exc:
            return [Rejected(where, str(exc), _raw(entity))]

    def notifications(self) -> Iterator[Record]:
        def request(**since: Any) -> Any:
            return self.client.notifications(
                types=list(NOTIFICATION_TYPES), limit=_ACCOUNT_PAGE, **since
            )

        for where, note in self._newer("notifications", request, entity_id):
            yield from self._guarded(where, note, self._notification)

    def _notification(self, note: Any) -> list[Record]:
        followed = follow_notification(self.viewer, note)
        if followed is not None:
            follow = self.follows["followers"].noticed(*followed)
            return [] if follow is None else [follow, *self._named_once(note["account"])]
        if fields.text(note, "type") in ("mention", "quote"):
            status = fields.mapping(note, "status")
            if status is None:
                raise BadRecord("has no status")
            return self._status_records(status)
        records: list[Record] = list(notification_events(self.viewer, note))
        if records:
            records.extend(self._named_once(note["account"]))
        return records

    def statuses(self) -> Iterator[Record]:
        def request(**since: Any) -> Any:
            return self.client.account_statuses(self.viewer.account_id, limit=_STATUS_PAGE, **since)

        for where, status in self._newer("statuses", request, entity_id):
            yield from self._guarded(where, status, self._status_records)

    def conversations(self) -> Iterator[Record]:
        def request(**since: Any) -> Any:
            return self.client.conversations(limit=_STATUS_PAGE, **since)

        def last_status(conversation: Any) -> str:
            return entity_id(conversation["last_status"])

        for where, conversation in self._newer("conversations", request, last_status):
            yield from self._guarded(where, conversation, self._conversation)

    def _conversation(self, conversation: Any) -> list[Record]:
        last = conversation_status(conversation)
        return [] if last is None else self._status_records(last)

    def listing(self, name: str, request: Callable[..., Any]) -> Iterator[Record]:
        """The complete listing of followers or following, compared with the last one; an
        account new to it gets a follow and its identity."""
        follows = self.follows[name]
        pages = self.api.pages(
            f"accounts/{name}",
            lambda: request(self.viewer.account_id, limit=_ACCOUNT_PAGE),
            forward=False,
        )
        for number, account in enumerate(pages, 1):
            try:
                identity = account_identity(account, self.viewer)
            except BadRecord as exc:
                yield Rejected(f"{name} item {number}", str(exc), _raw(account))
                continue
            follow = follows.listed(identity.handle)
            if follow is not None:
                yield follow
                yield from self._named_once(account)
        yield from follows.finish()
