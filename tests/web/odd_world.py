"""People whose names are the characters an attacker or an unlucky import brings: quotes,
SQL comments, LIKE wildcards, non-ASCII letters, and markup that would run as script if a
page failed to escape it. Written as the jsonl source reads them, to be uploaded.

The script payloads all set ``window.__xss`` (and call ``alert``), so a browser test can
tell whether any of them ran.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

__all__ = ["FLAG", "HOSTILE", "ODD", "OddPerson", "odd_world_jsonl"]

#: What a script payload sets if it runs.
FLAG = "__xss"


@dataclass(frozen=True)
class OddPerson:
    """An identity with a display name, and the texts of what they sent the owner."""

    handle: str
    name: str
    texts: tuple[str, ...] = ()


#: Names for searching: each holds a character SQL or LIKE treats specially.
ODD = (
    OddPerson("x:@ceo_100pct", "100% Real O'Brien"),
    OddPerson("email:dash--dashwood@example.com", "Dash -- Dashwood"),
    OddPerson("mastodon:@emile@zoë.example", "Émile Zoë 日本"),
    OddPerson("x:@bobby", "Robert'); DROP TABLE people;--"),
)

#: Names, handles and texts that are markup: what a hostile export carries.
HOSTILE = (
    OddPerson(
        'x:"><img src=x onerror="window.__xss=1;alert(1)">',
        f"<script>window.{FLAG}=2;alert(2)</script> Mallory",
        (
            f"hi <script>window.{FLAG}=3;alert(3)</script> there",
            f'<img src=x onerror="window.{FLAG}=4;alert(4)">',
            f'<a href="javascript:window.{FLAG}=5;alert(5)">click me</a>',
            f"javascript:window.{FLAG}=6;alert(6)",
        ),
    ),
    OddPerson(
        "mastodon:@quote'\"breaker@evil.example",
        f"\" onmouseover=\"window.{FLAG}=7\" x=' onfocus='window.{FLAG}=8' autofocus '",
        (f"</textarea></title><svg onload=window.{FLAG}=9>", "'\"><!--"),
    ),
)


def odd_world_jsonl(owner_handle: str, people: tuple[OddPerson, ...]) -> bytes:
    """A jsonl export: each of ``people`` (with its name) mentions the owner once in the
    last weeks of the demo year and sends its texts, and the owner answers the first, so
    each is someone the owner has a relationship with and every page can show them."""
    lines: list[dict[str, object]] = []
    for n, person in enumerate(people):
        first, said = f"odd-{n}-0", person.texts or (f"hello from {person.name}",)
        lines.append({"identity": person.handle, "name": person.name})
        lines.append(_event(first, f"2025-12-{1 + n:02d}T09:00:00Z", "mention", person.handle,
                            owner_handle, said[0]))  # fmt: skip
        reply = _event(f"odd-{n}-r", f"2025-12-{1 + n:02d}T11:00:00Z", "reply", owner_handle,
                       person.handle, "thanks, good to hear from you")  # fmt: skip
        lines.append({**reply, "answers": first})
        for k, text in enumerate(said[1:], start=1):
            lines.append(_event(f"odd-{n}-{k}", f"2025-12-{11 + n:02d}T10:0{k}:00Z", "message",
                                person.handle, owner_handle, text))  # fmt: skip
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def _event(key: str, time: str, kind: str, actor: str, target: str, text: str) -> dict[str, object]:
    return {"id": key, "time": time, "kind": kind, "actor": actor, "target": target, "text": text}
