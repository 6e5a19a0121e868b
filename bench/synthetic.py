"""A synthetic, seeded CSV of interaction events in goodwill's csv format, for benchmarks.

The mix of kinds, networks and text lengths resembles a busy account's export: most rows
are likes, replies and messages between a heavy-tailed population of identities. The
population is ``identities`` in total, split evenly across the networks; an event's actor
and target are always on the same network. The same arguments always give the same file.
"""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

__all__ = ["write_events_csv"]

_KINDS = [
    ("like", 30),
    ("reply", 20),
    ("message", 15),
    ("mention", 10),
    ("share", 10),
    ("follow", 5),
    ("email", 5),
    ("thanks", 3),
    ("meeting", 1),
    ("rating", 1),
]
_WITH_TEXT = frozenset({"reply", "message", "mention", "email", "thanks"})
_NETWORKS = ["mastodon", "bluesky", "x", "linkedin", "email"]
_WORDS = [
    "thanks",
    "for",
    "sharing",
    "great",
    "point",
    "see",
    "you",
    "at",
    "the",
    "meetup",
    "next",
    "week",
    "agreed",
    "interesting",
]
_EPOCH = datetime(1970, 1, 1)  # naive: isoformat() then carries no offset, and "Z" follows
_START_US = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000
_SPAN_US = 365 * 86_400 * 1_000_000


def _handle(network: str, n: int) -> str:
    if network == "email":
        return f"email:user{n}@example.com"
    if network == "mastodon":
        return f"mastodon:@user{n}@example.social"
    return f"{network}:@user{n}"


def _populations(identities: int) -> list[list[str]]:
    """Each network's handles: ``identities`` in all, as evenly split as they divide."""
    count = len(_NETWORKS)
    return [
        [_handle(network, n) for n in range(max(1, identities // count + (i < identities % count)))]
        for i, network in enumerate(_NETWORKS)
    ]


def write_events_csv(path: Path, events: int, *, identities: int = 100_000, seed: int = 1) -> Path:
    """Write ``events`` rows (with ids, sorted by time, over the year 2024) to ``path``.

    ``identities`` is the number of distinct handles across all networks the rows may use
    (a heavy tail of actors, uniformly chosen targets); returns ``path``.
    """
    rng = random.Random(seed)
    uniform, pareto, choices = rng.random, rng.paretovariate, rng.choices
    kinds = [k for k, w in _KINDS for _ in range(w)]
    populations = _populations(identities)
    path.parent.mkdir(parents=True, exist_ok=True)
    last_second, prefix = -1, ""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "time", "kind", "actor", "target", "value", "text"])
        for n in range(events):
            people = populations[n % len(populations)]
            actor = people[int(pareto(1.2)) % len(people)]
            target = people[int(uniform() * len(people))]
            kind = kinds[int(uniform() * len(kinds))]
            value = str(int(uniform() * 21) - 10 or 1) if kind == "rating" else ""
            words = 4 + int(uniform() * 8)
            text = " ".join(choices(_WORDS, k=words)) if kind in _WITH_TEXT else ""
            second, micro = divmod(_START_US + _SPAN_US * n // max(events, 1), 1_000_000)
            if second != last_second:  # one strftime per second of event time, not per row
                last_second = second
                prefix = (_EPOCH + timedelta(seconds=second)).isoformat()
            writer.writerow(
                [f"bench-{n}", f"{prefix}.{micro:06d}Z", kind, actor, target, value, text]
            )
    return path
