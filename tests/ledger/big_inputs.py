"""Seeded import inputs large enough to take seconds, with the counts they must produce.

The crash and concurrency tests import these through ``goodwill import jsonl``. Each input
knows exactly how many events it holds and which handles it names, so a test can say what
the store must contain after it, to the row. Inputs made with different ``prefix`` es never
share an event id; made over the same ``people`` they share accounts, which is what makes
two imports meet on the same new identity.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

__all__ = ["JsonlInput", "write_jsonl"]

_KINDS = ("reply", "mention", "like", "share", "thanks", "message", "follow")
_WORDS = ("thanks", "for", "the", "intro", "great", "talk", "merci", "☕", "see", "you", "soon")
_START_S = 1_700_000_000


@dataclass(frozen=True)
class JsonlInput:
    """A written input: where it is, how many events it holds, which handles it names."""

    path: Path
    events: int
    handles: frozenset[str]


def write_jsonl(
    path: Path,
    *,
    seed: int,
    events: int,
    people: int,
    prefix: str,
    words: tuple[int, int] = (2, 9),
    names_every: int = 40,
) -> JsonlInput:
    """Write ``events`` events among ``people`` accounts, each saying ``words`` (at least,
    less than) words, and every ``names_every`` lines a line naming an account, in the
    ``jsonl`` source's format."""
    rng = random.Random(seed)
    handles: set[str] = set()
    with path.open("w", encoding="utf-8") as out:
        for n in range(events):
            actor, target = (f"email:p{rng.randrange(people)}@example.org" for _ in range(2))
            handles.update((actor, target))
            record = {
                "id": f"{prefix}-{n}",
                "time": _START_S + n * 7 + rng.randrange(7),
                "kind": rng.choice(_KINDS),
                "actor": actor,
                "target": target,
                "text": " ".join(rng.choices(_WORDS, k=rng.randrange(*words))),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if n % names_every == 0:
                named = f"email:p{rng.randrange(people)}@example.org"
                handles.add(named)
                name = {"identity": named, "name": f"Person {named[7:-12]} ({prefix})"}
                out.write(json.dumps(name) + "\n")
    return JsonlInput(path, events, frozenset(handles))
