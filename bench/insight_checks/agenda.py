"""The agenda against a demo world's open items: answers and thank-yous owed.

The truth (``truth["open_items"]``, written by the generator from its own script) lists
every event addressed to the owner that a sensible person would answer or thank, with the
event that eventually did it, if any. The agenda is built with no exclusions (no hygiene
verdicts) at four moments, the end of each quarter of the simulated year, and compared
event by event with what was owed and still open at that moment within the agenda's
horizons (``agenda.toml``): an owed event is found when a reply (or thank) item is about
it. Cold items (strangers' first contacts nobody answered, ranked after all others) are
left aside and counted apart. The figures pool the four moments.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from goodwill.events import to_time_us
from goodwill.insights.agenda import build_agenda
from goodwill.insights.agenda_settings import default_settings
from goodwill.ledger import Ledger
from goodwill.ledger.schema import events

_US_PER_DAY = 86_400 * 1_000_000
# detector -> (agenda action, never-handled truth key, handled truth key)
DETECTORS = {
    "agenda-unanswered": ("reply", "unanswered", "answered"),
    "agenda-unthanked": ("thank", "unthanked", "thanked"),
}


def _moments(year: int) -> list[int]:
    """The first instant of April, July, October and of the next year."""
    starts = [datetime(year, m, 1, tzinfo=UTC) for m in (4, 7, 10)]
    return [to_time_us(d) for d in [*starts, datetime(year + 1, 1, 1, tzinfo=UTC)]]


def _owed_at(
    open_items: dict[str, Any], never: str, handled: str, moment: int, since: int,
    place: dict[str, tuple[int, int]],
) -> set[int]:  # fmt: skip
    """Ledger ids of the events owed at ``moment`` and made after ``since``."""
    owed = dict.fromkeys(open_items[never]) | dict(open_items[handled])
    return {
        place[e][0]
        for e, by in owed.items()
        if since < place[e][1] <= moment and (by is None or place[by][1] > moment)
    }


def measure(ledger: Ledger, installed: Any) -> dict[str, dict[str, float]]:
    """Precision and recall of reply and thank items, pooled over four moments."""
    settings = default_settings()
    horizon = {"reply": settings.reply_horizon_days, "thank": settings.thank_horizon_days}
    open_items = installed.truth["open_items"]
    tally = {d: {"hits": 0, "found": 0, "truth": 0, "cold": 0} for d in DETECTORS}
    with ledger.read() as conn:
        place = {
            str(external): (int(event_id), int(when))
            for external, event_id, when in conn.execute(
                select(events.c.external_id, events.c.id, events.c.occurred_at).where(
                    events.c.source == "jsonl"
                )
            )
        }
        for moment in _moments(installed.truth["year"]):
            agenda = build_agenda(conn, at_us=moment)
            for detector, (action, never, handled) in DETECTORS.items():
                since = moment - int(horizon[action] * _US_PER_DAY)
                expected = _owed_at(open_items, never, handled, moment, since, place)
                mine = [i for i in agenda.items if i.action == action]
                found = {e for i in mine if not i.cold for e in i.about}
                counts = tally[detector]
                counts["hits"] += len(found & expected)
                counts["found"] += len(found)
                counts["truth"] += len(expected)
                counts["cold"] += sum(len(i.about) for i in mine if i.cold)
    return {
        detector: {
            "precision": c["hits"] / c["found"] if c["found"] else 0.0,
            "recall": c["hits"] / c["truth"] if c["truth"] else 0.0,
            "found": float(c["found"]),
            "truth": float(c["truth"]),
            "cold": float(c["cold"]),
        }
        for detector, c in tally.items()
    }
