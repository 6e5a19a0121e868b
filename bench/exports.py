"""Seeded synthetic exports for the import benchmark: an mbox and an X archive.

Both are shaped as their programs write them, at sizes a real account reaches, so
``bench/ingest.py`` can measure the sources that read them beside the CSV it already
measures. An mbox message is a From_ line, a dozen headers (two Received hops, From, To,
sometimes Cc, Date, Message-ID, In-Reply-To and References for a reply, Subject, MIME
headers, a List-Id for one message in ten) and a body of 5 to 40 lines. The X archive is a
zip holding ``data/account.js``, ``data/tweets.js`` (posts, replies, mentions and retweets)
and ``data/direct-messages.js``. The same arguments always give the same file.
"""

from __future__ import annotations

import json
import random
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

__all__ = ["write_mbox", "write_x_archive"]

_START = datetime(2024, 1, 1, tzinfo=UTC)
_WORDS = [
    "thanks",
    "for",
    "the",
    "notes",
    "see",
    "you",
    "at",
    "the",
    "meetup",
    "next",
    "week",
    "agreed",
    "lunch",
    "draft",
    "plan",
]


def write_mbox(path: Path, messages: int, *, people: int = 2_000, seed: int = 1) -> Path:
    """Write ``messages`` messages among ``people`` addresses to ``path``; returns it."""
    rng = random.Random(seed)
    step = 365 * 86_400 / max(messages, 1)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for n in range(messages):
            sender, to = rng.randrange(people), rng.randrange(people)
            when = _START + timedelta(seconds=n * step)
            stamp = when.strftime("%a, %d %b %Y %H:%M:%S +0000")
            lines = [
                f"From user{sender}@example.com {when.strftime('%a %b %d %H:%M:%S %Y')}",
                f"Received: from mx{n % 7}.example.net by mail.example.com; {stamp}",
                f"Received: from client.example.org by mx{n % 7}.example.net; {stamp}",
                f"From: User {sender} <user{sender}@example.com>",
                f"To: User {to} <user{to}@example.com>",
            ]
            if rng.random() < 0.3:
                lines.append(f"Cc: user{rng.randrange(people)}@example.com")
            lines += [f"Date: {stamp}", f"Message-ID: <{n}.{seed}@example.com>"]
            if n and rng.random() < 0.5:
                parent = rng.randrange(n)
                lines += [f"In-Reply-To: <{parent}.{seed}@example.com>"]
                lines += [f"References: <{parent}.{seed}@example.com>"]
            if rng.random() < 0.1:
                lines.append(f"List-Id: Group {n % 13} <group{n % 13}.lists.example.com>")
            lines += [
                f"Subject: {' '.join(rng.choices(_WORDS, k=4))}",
                "MIME-Version: 1.0",
                'Content-Type: text/plain; charset="utf-8"',
                "",
            ]
            lines += [" ".join(rng.choices(_WORDS, k=10)) for _ in range(rng.randint(5, 40))]
            out.write("\n".join(lines) + "\n\n")
    return path


def write_x_archive(path: Path, tweets: int, *, people: int = 2_000, seed: int = 1) -> Path:
    """Write an X archive zip of ``tweets`` tweets and one direct message per ten tweets,
    among ``people`` other accounts, to ``path``; returns it."""
    rng = random.Random(seed)
    step = 365 * 86_400 / max(tweets, 1)
    account = [{"account": {"accountId": "1", "username": "owner", "accountDisplayName": "O"}}]
    items, messages = [], []
    for n in range(tweets):
        when = _START + timedelta(seconds=n * step)
        other = rng.randrange(people)
        who = {"screen_name": f"user{other}", "name": f"User {other}", "id_str": str(other + 10)}
        tweet: dict[str, object] = {
            "id_str": str(10_000 + n),
            "created_at": when.strftime("%a %b %d %H:%M:%S +0000 %Y"),
            "full_text": " ".join(rng.choices(_WORDS, k=8)),
            "entities": {"user_mentions": [], "urls": []},
        }
        roll = rng.random()
        if roll < 0.4:  # a reply
            tweet["in_reply_to_status_id_str"] = str(rng.randrange(10**9))
            tweet["in_reply_to_user_id_str"] = who["id_str"]
            tweet["in_reply_to_screen_name"] = who["screen_name"]
            tweet["entities"] = {"user_mentions": [who], "urls": []}
        elif roll < 0.6:  # a post that mentions someone
            tweet["full_text"] = f"@{who['screen_name']} {tweet['full_text']}"
            tweet["entities"] = {"user_mentions": [who], "urls": []}
        elif roll < 0.75:  # a retweet
            tweet["full_text"] = f"RT @{who['screen_name']}: {tweet['full_text']}"
        items.append({"tweet": tweet})
        if n % 10 == 0:
            sender, recipient = (who["id_str"], "1") if rng.random() < 0.5 else ("1", who["id_str"])
            message = {
                "messageCreate": {
                    "id": str(n),
                    "senderId": sender,
                    "recipientId": recipient,
                    "text": " ".join(rng.choices(_WORDS, k=6)),
                    "createdAt": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                }
            }
            conversation = "-".join(sorted((sender, recipient)))
            messages.append(
                {"dmConversation": {"conversationId": conversation, "messages": [message]}}
            )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, key, records in (
            ("account", "account", account),
            ("tweets", "tweets", items),
            ("direct-messages", "direct_messages", messages),
        ):
            text = f"window.YTD.{key}.part0 = " + json.dumps(records, indent=2)
            archive.writestr(f"data/{name}.js", text)
    return path
