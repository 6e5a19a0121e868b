"""Follows read from complete listings (an API's followers and following), each compared
with the listing the previous sync saw, for the API sources of :mod:`goodwill.syncing`.

A listing has no times. A follow first seen in it is dated at the sync, meaning "in
effect then", unless a notification in the same sync dated it (:meth:`FollowList.noticed`).
Its external id is the pair, ``follow:ACTOR>TARGET``, so an unchanged follow is recorded
once, even by a sync that has lost its cursor. An account gone from a complete listing
becomes an ``unfollow`` dated at the sync, keyed ``unfollow:ACTOR>TARGET@TIME``, and a
later follow of the same pair is keyed with its time too. Keys with times cannot double:
the listing they were compared with is saved in the cursor, which commits with them.

An account can leave a listing because it unfollowed, or because it was deleted,
suspended or blocked; a listing cannot tell which, and goodwill records an unfollow.

>>> cursor = {}
>>> first = FollowList(cursor, "followers", "m:@me", incoming=True, time_us=10)
>>> [e.external_id for e in filter(None, [first.listed("m:@a"), first.listed("m:@b")])]
['follow:m:@a>m:@me', 'follow:m:@b>m:@me']
>>> list(first.finish()), cursor["followers"]["accounts"]
([], ['m:@a', 'm:@b'])
>>> second = FollowList(cursor, "followers", "m:@me", incoming=True, time_us=20)
>>> second.listed("m:@a") is None, [(e.kind, e.actor) for e in second.finish()]
(True, [('unfollow', 'm:@b')])
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from goodwill.events import Event
from goodwill.sources.fields import MAX_KEY
from goodwill.sources.keys import content_key

__all__ = ["FollowList"]


def _key(text: str) -> str:
    """``text`` as an external id; a digest of it when two long handles overflow the column."""
    return text if len(text) <= MAX_KEY else content_key(text)


def _strings(value: Any) -> set[str]:
    return {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()


class FollowList:
    """One listing (the owner's followers, or whom the owner follows) during one sync.

    Its state lives in ``cursor[name]`` as ``{"accounts": [...], "ended": [...]}``: the
    handles listed last time and the pairs ever unfollowed.
    """

    def __init__(
        self, cursor: dict[str, Any], name: str, owner: str, *, incoming: bool, time_us: int
    ) -> None:
        self._cursor, self._name, self._owner = cursor, name, owner
        self._incoming, self._time_us = incoming, time_us
        stored = cursor.get(name)
        stored = stored if isinstance(stored, dict) else {}
        # None the first time: nothing to compare with, so nothing can have ended.
        self._previous = _strings(stored["accounts"]) if "accounts" in stored else None
        self._ended = _strings(stored.get("ended"))
        self._current: set[str] = set()
        self._recorded: set[str] = set()

    def _pair(self, other: str) -> tuple[str, str]:
        return (other, self._owner) if self._incoming else (self._owner, other)

    def _follow(self, other: str, time_us: int) -> Event | None:
        if other == self._owner or other in self._recorded:
            return None
        if self._previous is not None and other in self._previous:
            return None
        self._recorded.add(other)
        actor, target = self._pair(other)
        key = f"follow:{actor}>{target}"
        if key[len("follow:") :] in self._ended:
            key = f"{key}@{time_us}"
        return Event("follow", actor, target, time_us, _key(key))

    def noticed(self, other: str, time_us: int) -> Event | None:
        """A follow a notification dated; an event unless the pair is already recorded."""
        return self._follow(other, time_us)

    def listed(self, other: str) -> Event | None:
        """An account in the listing; a follow event if it is new to it."""
        self._current.add(other)
        return self._follow(other, self._time_us)

    def finish(self) -> Iterator[Event]:
        """After the whole listing: an unfollow for each account gone from it, and the
        listing saved in the cursor for the next sync to compare with."""
        known = (self._previous or set()) | self._recorded
        for other in sorted(known - self._current - {self._owner}):
            actor, target = self._pair(other)
            self._ended.add(f"{actor}>{target}")
            key = _key(f"unfollow:{actor}>{target}@{self._time_us}")
            yield Event("unfollow", actor, target, self._time_us, key)
        self._cursor[self._name] = {
            "accounts": sorted(self._current),
            "ended": sorted(self._ended),
        }
