"""Bluesky records shaped as the ``app.bsky`` lexicons define them, and one account's
repository of them, shared by the export (CAR) and the API tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

ANN = "did:plc:7n2ky3ffvd5xdhhmoyl4aq3q"
BOB = "did:plc:bobbbb3ffvd5xdhhmoyl4aq3"
CAROL = "did:plc:carol3ffvd5xdhhmoyl4aq3"
DAVE = "did:web:dave.example.com"
EVE = "did:plc:eveeee3ffvd5xdhhmoyl4aq3"
FRANK = "did:plc:frank3ffvd5xdhhmoyl4aq3"
MALLORY = "did:plc:ma11ory3ffvd5xdhhmoyl4aq"
_TID_CHARS = "234567abcdefghijklmnopqrstuvwxyz"
_CID = "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a"


def tid(n: int) -> str:
    """A record key as Bluesky makes them: a 13-character timestamp id, sortable."""
    value = (1_717_000_000_000_000 + n) << 10
    return "".join(_TID_CHARS[(value >> (5 * i)) & 31] for i in range(12, -1, -1))


def when(n: int) -> str:
    """A ``createdAt`` time, ``n`` minutes into 2024-06-01."""
    return f"2024-06-01T{n // 60:02d}:{n % 60:02d}:00.000Z"


def uri(did: str, collection: str, rkey: str) -> str:
    return f"at://{did}/{collection}/{rkey}"


def ref(at_uri: str) -> dict[str, str]:
    """A strong reference to a record."""
    return {"uri": at_uri, "cid": _CID}


def post(
    n: int,
    text: str = "hello",
    *,
    reply_to: str | None = None,
    mentions: Sequence[str] = (),
    embed: dict[str, Any] | None = None,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": when(n),
        "langs": ["en"],
    }
    if reply_to is not None:
        record["reply"] = {"root": ref(reply_to), "parent": ref(reply_to)}
    if mentions:
        record["facets"] = [
            {
                "$type": "app.bsky.richtext.facet",
                "index": {"byteStart": 0, "byteEnd": 4},
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
            }
            for did in mentions
        ] + [
            {
                "index": {"byteStart": 5, "byteEnd": 9},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://a.b"}],
            }
        ]
    if embed is not None:
        record["embed"] = embed
    return record


def quote(at_uri: str) -> dict[str, Any]:
    return {"$type": "app.bsky.embed.record", "record": ref(at_uri)}


def quote_with_media(at_uri: str) -> dict[str, Any]:
    return {
        "$type": "app.bsky.embed.recordWithMedia",
        "record": {"$type": "app.bsky.embed.record", "record": ref(at_uri)},
        "media": {"$type": "app.bsky.embed.images", "images": []},
    }


def subject_record(collection: str, n: int, at_uri: str) -> dict[str, Any]:
    """A like or a repost of the record at ``at_uri``."""
    return {"$type": collection, "subject": ref(at_uri), "createdAt": when(n)}


def subject_account(collection: str, n: int, did: str) -> dict[str, Any]:
    """A follow or a block of ``did``."""
    return {"$type": collection, "subject": did, "createdAt": when(n)}


def bob_post(n: int) -> str:
    return uri(BOB, "app.bsky.feed.post", tid(900 + n))


def own_post(n: int) -> str:
    return uri(ANN, "app.bsky.feed.post", tid(n))


POST, LIKE, REPOST = "app.bsky.feed.post", "app.bsky.feed.like", "app.bsky.feed.repost"
FOLLOW, BLOCK = "app.bsky.graph.follow", "app.bsky.graph.block"
PROFILE = {
    "$type": "app.bsky.actor.profile",
    "displayName": "Ann Lee",
    "description": "Potter in Porto",
}

#: Ann's records by collection: record key -> record.
ANN_RECORDS: dict[str, dict[str, dict[str, Any]]] = {
    POST: {
        tid(1): post(1),  # post
        tid(2): post(2, "@bob @carol see", mentions=[BOB, CAROL]),  # post, 2 mentions
        tid(3): post(3, "@bob yes", reply_to=bob_post(1), mentions=[BOB]),  # reply bob
        tid(4): post(4, "and more", reply_to=own_post(1)),  # a thread: post
        tid(5): post(5, "look", embed=quote(uri(DAVE, POST, tid(500)))),  # post, quote dave
        tid(6): post(
            6, "both", reply_to=bob_post(2), embed=quote_with_media(uri(EVE, POST, tid(600)))
        ),  # reply bob, quote eve
        tid(7): post(7, "my list", embed=quote(uri(ANN, "app.bsky.graph.list", tid(70)))),
        tid(8): post(8, "hm", reply_to=uri("gone.bsky.social", POST, tid(800))),  # reply, no one
    },
    LIKE: {
        tid(20): subject_record(LIKE, 20, bob_post(1)),  # like bob
        tid(21): subject_record(LIKE, 21, own_post(1)),  # one's own: nothing
        tid(22): subject_record(LIKE, 22, uri(FRANK, "app.bsky.feed.generator", "cats")),
    },
    REPOST: {tid(30): subject_record(REPOST, 30, uri(CAROL, POST, tid(300)))},
    FOLLOW: {
        tid(40 + i): subject_account(FOLLOW, 40 + i, d) for i, d in enumerate([BOB, CAROL, DAVE])
    },
    BLOCK: {tid(50): subject_account(BLOCK, 50, MALLORY)},
    "app.bsky.actor.profile": {"self": PROFILE},
    "app.bsky.graph.list": {
        tid(70): {
            "$type": "app.bsky.graph.list",
            "name": "potters",
            "purpose": "app.bsky.graph.defs#curatelist",
            "createdAt": when(70),
        }
    },
    "app.bsky.graph.listitem": {
        tid(71 + i): {
            "$type": "app.bsky.graph.listitem",
            "subject": d,
            "list": uri(ANN, "app.bsky.graph.list", tid(70)),
            "createdAt": when(71 + i),
        }
        for i, d in enumerate([BOB, CAROL])
    },
    "app.bsky.feed.threadgate": {
        tid(3): {"$type": "app.bsky.feed.threadgate", "post": own_post(3), "createdAt": when(3)}
    },
    "chat.bsky.actor.declaration": {
        "self": {"$type": "chat.bsky.actor.declaration", "allowIncoming": "following"}
    },
}
KINDS = {
    "post": 5,
    "reply": 3,
    "mention": 2,
    "quote": 2,
    "like": 2,
    "share": 1,
    "follow": 3,
    "block": 1,
}
SKIPPED = {
    "app.bsky.graph.list": 1,
    "app.bsky.graph.listitem": 2,
    "app.bsky.feed.threadgate": 1,
    "chat.bsky.actor.declaration": 1,
}


def repository_records(
    records: dict[str, dict[str, dict[str, Any]]] = ANN_RECORDS,
) -> dict[str, Any]:
    """The records by repository key, ``collection/record-key``."""
    return {
        f"{collection}/{rkey}": record
        for collection, by_key in records.items()
        for rkey, record in by_key.items()
    }
