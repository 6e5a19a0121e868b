"""Draft events on one year's clock, and the ids they get once the year is complete.

The scripts that play each kind of person write events in the order that is easiest to
reason about (a whole friendship, then the next), not in the order they happen. A
:class:`Timeline` therefore keeps *drafts* with times in whole seconds from the start of
the year; :meth:`Timeline.finish` sorts them and only then hands out ids, so ids rise with
time and a reply, created after what it answers, always points backwards in the file.

>>> from random import Random
>>> line = Timeline(2025, Random(1))
>>> post = line.add(line.day(3) + 9 * HOUR, "post", "mastodon:@ann@a.social", text="hi")
>>> like = line.add(post.time + 60, "like", "x:@bob", "mastodon:@ann@a.social", answers=post)
>>> [(d.id, d.kind, line.stamp(d.time)) for d in line.finish()]
[('demo-000001', 'post', '2025-01-04T09:00:00Z'), ('demo-000002', 'like', '2025-01-04T09:01:00Z')]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random

__all__ = ["DAY", "HOUR", "Draft", "Timeline"]

HOUR = 3_600
DAY = 24 * HOUR

# People act mostly in working hours and evenings; the weights shape a plausible day.
_HOURS = tuple(range(7, 23))
_HOUR_WEIGHTS = (1, 3, 6, 7, 7, 6, 5, 6, 7, 6, 5, 4, 4, 3, 2, 1)


@dataclass(slots=True)
class Draft:
    """One event before it has an id: ``time`` is seconds from the start of the year."""

    seq: int
    time: int
    kind: str
    actor: str
    target: str | None
    text: str | None = None
    answers: Draft | None = None
    value: float | None = None
    id: str = ""


class Timeline:
    """The year's clock and the drafts placed on it; every time is clamped into the year."""

    def __init__(self, year: int, rng: Random) -> None:
        self.rng = rng
        self.start = datetime(year, 1, 1, tzinfo=UTC)
        self.seconds = int((datetime(year + 1, 1, 1, tzinfo=UTC) - self.start).total_seconds())
        self.days = self.seconds // DAY
        self.drafts: list[Draft] = []

    def day(self, day: float) -> int:
        """Midnight of ``day`` (0 is 1 January), as seconds from the start of the year."""
        return int(day) * DAY

    def moment(self, first_day: float, last_day: float) -> int:
        """A waking-hours moment on a random day in ``[first_day, last_day]``."""
        first = max(0, int(first_day))
        last = min(self.days - 1, max(first, int(last_day)))
        hour = self.rng.choices(_HOURS, _HOUR_WEIGHTS)[0]
        return self.day(self.rng.randint(first, last)) + hour * HOUR + self.rng.randrange(HOUR)

    def after(self, time: int, min_hours: float, max_hours: float) -> int:
        """A moment between ``min_hours`` and ``max_hours`` after ``time`` (at least a minute)."""
        return time + max(60, int(self.rng.uniform(min_hours, max_hours) * HOUR))

    def add(
        self,
        time: int,
        kind: str,
        actor: str,
        target: str | None = None,
        *,
        text: str | None = None,
        answers: Draft | None = None,
        value: float | None = None,
    ) -> Draft:
        """Place one draft; a time past the year's end is pulled back to its last second."""
        clamped = min(max(0, time), self.seconds - 1)
        draft = Draft(len(self.drafts), clamped, kind, actor, target, text, answers, value)
        self.drafts.append(draft)
        return draft

    def finish(self) -> list[Draft]:
        """The drafts in time order (creation order breaks ties), numbered from 1."""
        ordered = sorted(self.drafts, key=lambda d: (d.time, d.seq))
        for number, draft in enumerate(ordered, start=1):
            draft.id = f"demo-{number:06d}"
        return ordered

    def stamp(self, time: int) -> str:
        """ISO 8601 UTC with a ``Z``, the form the jsonl source reads."""
        return (self.start + timedelta(seconds=time)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def used_handles(self) -> set[str]:
        """Every handle that acts or is acted upon in some draft."""
        used = {d.actor for d in self.drafts}
        used.update(d.target for d in self.drafts if d.target is not None)
        return used
