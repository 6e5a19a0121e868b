"""The events behind an insight, as a reader wants them: when, what, who to whom, what was said.

Every insight item carries the ids of the events it rests on. :func:`cite` turns ids into
:class:`Cited` lines for the CLI, ``--json`` and the web app, so each of them shows its
evidence the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, select
from sqlalchemy.orm import aliased

from goodwill.events import from_time_us
from goodwill.ledger.schema import events, identities

__all__ = ["Cited", "cite", "snippet"]

_IN_CHUNK = 500
SNIPPET_CHARS = 120


@dataclass(frozen=True, slots=True)
class Cited:
    """One event as evidence: ``actor`` and ``target`` are ``network:account`` handles."""

    event_id: int
    time: str  # ISO 8601, UTC
    kind: str
    actor: str
    target: str | None
    text: str | None  # shortened to :data:`SNIPPET_CHARS`

    def line(self) -> str:
        """One readable line: date, who did what to whom, and what they said."""
        towards = f" → {self.target}" if self.target else ""
        said = f": {self.text}" if self.text else ""
        return f"{self.time[:10]} {self.kind} {self.actor}{towards}{said}"


def snippet(text: str | None, limit: int = SNIPPET_CHARS) -> str | None:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis.

    >>> snippet("a\\nlong   line", 8)
    'a long …'
    """
    if text is None:
        return None
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 2].rstrip() + " …"


def cite(conn: Connection, event_ids: Iterable[int]) -> list[Cited]:
    """The events with ``event_ids``, in time order (ids not in the ledger are skipped)."""
    wanted = list(dict.fromkeys(int(i) for i in event_ids))
    actor, target = aliased(identities), aliased(identities)
    found: list[Cited] = []
    order: list[tuple[int, int]] = []
    for start in range(0, len(wanted), _IN_CHUNK):
        rows = conn.execute(
            select(
                events.c.id,
                events.c.occurred_at,
                events.c.kind,
                actor.c.network,
                actor.c.account,
                target.c.network,
                target.c.account,
                events.c.text,
            )
            .join(actor, actor.c.id == events.c.actor_id)
            .outerjoin(target, target.c.id == events.c.target_id)
            .where(events.c.id.in_(wanted[start : start + _IN_CHUNK]))
        )
        for event_id, when, kind, a_net, a_acc, t_net, t_acc, text in rows:
            order.append((int(when), int(event_id)))
            found.append(
                Cited(
                    int(event_id),
                    from_time_us(int(when)).isoformat(),
                    str(kind),
                    f"{a_net}:{a_acc}",
                    None if t_net is None else f"{t_net}:{t_acc}",
                    snippet(text),
                )
            )
    return [c for _, c in sorted(zip(order, found, strict=True), key=lambda pair: pair[0])]
