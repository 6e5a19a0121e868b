"""A seeded synthetic history over many people, as columns: the Spark engine's large test.

Every rule of the evidence policy gets work: replies answered within the week (exchanges),
likes and mentions, a few accounts that mention a hundred and more people in one week
(broadcasts thinned by the personal limit), lasting follows, unfollows and blocks, ratings
from -10 to +10, repeated acts in one week (saturation), events with oneself (ignored),
and two years of history (decay and maturity). Actors and targets are skewed: a few
people act and are acted on far more than most, as in real networks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from goodwill.export.parquet import (
    EVENTS_SCHEMA,
    IDENTITIES_SCHEMA,
    PEOPLE_SCHEMA,
    Manifest,
    TableWriter,
    write_manifest,
)
from goodwill.trust.engines.spark.inputs import INTERACTION_KINDS
from goodwill.trust.evidence import EventTable

DAY_US = 86_400 * 1_000_000
START_US = 1_672_531_200 * 1_000_000  # 2023-01-01
SPAN_DAYS = 730
# kind -> share of the drawn events (answers and broadcasts come on top)
KIND_SHARES = {
    "reply": 0.30, "like": 0.18, "mention": 0.08, "share": 0.07, "message": 0.08,
    "thanks": 0.03, "follow": 0.10, "unfollow": 0.03, "rating": 0.09, "block": 0.02,
    "meeting": 0.02,
}  # fmt: skip
BROADCASTERS = 30
BROADCAST_REACH = 150


@dataclass(frozen=True)
class History:
    """Event columns over person ids ``1 .. n_people`` (``kind`` as names)."""

    actor: npt.NDArray[np.int64]
    target: npt.NDArray[np.int64]
    kind: npt.NDArray[np.str_]
    time_us: npt.NDArray[np.int64]
    value: npt.NDArray[np.float64]
    n_people: int
    at_us: int

    def __len__(self) -> int:
        return len(self.actor)


def history(n_people: int, n_events: int, seed: int) -> History:
    """A seeded history of about ``n_events`` events among ``n_people`` people."""
    rng = np.random.default_rng(seed)
    actor = _skewed(rng, n_people, n_events, 2.0)
    target = _skewed(rng, n_people, n_events, 1.5)
    kinds = np.array(list(KIND_SHARES))
    shares = np.array(list(KIND_SHARES.values()))
    kind = rng.choice(kinds, size=n_events, p=shares / shares.sum())
    time_us = START_US + rng.integers(0, SPAN_DAYS * DAY_US, size=n_events)
    # replies answered within two days, so many weeks are exchanges
    replies = np.flatnonzero((kind == "reply") & (rng.random(n_events) < 0.4))
    answer_us = time_us[replies] + rng.integers(0, 2 * DAY_US, size=len(replies))
    # bursts: the same act repeated within the hour, so windows saturate
    bursts = np.flatnonzero(rng.random(n_events) < 0.05)
    burst_us = time_us[bursts] + rng.integers(0, 3_600_000_000, size=len(bursts))
    # broadcasters mentioning many people in one week
    loud = rng.choice(n_people, size=BROADCASTERS, replace=False) + 1
    loud_actor = np.repeat(loud, BROADCAST_REACH)
    loud_target = rng.integers(1, n_people + 1, size=len(loud_actor))
    loud_us = np.repeat(START_US + rng.integers(0, SPAN_DAYS * DAY_US, size=BROADCASTERS),
                        BROADCAST_REACH) + rng.integers(0, 5 * DAY_US, size=len(loud_actor))  # fmt: skip
    all_actor = np.concatenate([actor, target[replies], actor[bursts], loud_actor])
    all_target = np.concatenate([target, actor[replies], target[bursts], loud_target])
    all_kind = np.concatenate(
        [kind, np.full(len(replies), "reply"), kind[bursts], np.full(len(loud_actor), "mention")]
    )
    all_time = np.concatenate([time_us, answer_us, burst_us, loud_us])
    value = np.full(len(all_kind), np.nan)
    rated = all_kind == "rating"
    drawn = rng.integers(1, 11, size=int(rated.sum())).astype(np.float64)
    value[rated] = np.where(rng.random(len(drawn)) < 0.15, -drawn, drawn)
    return History(
        actor=all_actor.astype(np.int64),
        target=all_target.astype(np.int64),
        kind=all_kind,
        time_us=all_time.astype(np.int64),
        value=value,
        n_people=n_people,
        at_us=START_US + (SPAN_DAYS + 10) * DAY_US,  # after every event, answers included
    )


def event_table(events: History) -> tuple[EventTable, npt.NDArray[np.int64]]:
    """The history as the numpy engine loads it (``load_events``): dense indices over the
    people who take part, and those people's ids (sorted)."""
    people, dense = np.unique(np.stack([events.actor, events.target]), return_inverse=True)
    dense = dense.reshape(2, -1)
    code = {kind: i for i, kind in enumerate(INTERACTION_KINDS)}
    table = EventTable(
        actor=dense[0].astype(np.int64),
        target=dense[1].astype(np.int64),
        kind=np.array([code[k] for k in events.kind], dtype=np.int64),
        time_us=events.time_us,
        value=events.value,
        event_id=np.arange(1, len(events) + 1, dtype=np.int64),
        kinds=INTERACTION_KINDS,
        n_nodes=len(people),
    )
    return table, people.astype(np.int64)


def write_export(events: History, folder: Path, owner: int | None = None) -> Manifest:
    """The history as a goodwill Parquet export (identity id = person id), in batches."""
    batch = 100_000
    with TableWriter(folder, "events", EVENTS_SCHEMA) as writer:
        for start in range(0, len(events), batch):
            part = slice(start, start + batch)
            ids = np.arange(start + 1, start + 1 + len(events.actor[part]), dtype=np.int64)
            writer.write_columns(
                [
                    ids, np.full(len(ids), "synthetic"), events.kind[part], events.time_us[part],
                    events.actor[part], events.actor[part], events.target[part],
                    events.target[part], events.value[part],
                ]
            )  # fmt: skip
    people = np.arange(1, events.n_people + 1, dtype=np.int64)
    with TableWriter(folder, "identities", IDENTITIES_SCHEMA) as writer:
        writer.write_columns(
            [people, np.full(len(people), "synthetic"), people.astype(str), people]
        )
    with TableWriter(folder, "people", PEOPLE_SCHEMA) as writer:
        writer.write_columns([people, [None] * len(people), np.zeros(len(people), np.int64)])
    counts = {"events": len(events), "identities": len(people), "people": len(people)}
    manifest = Manifest(events.at_us, events.at_us, owner, counts)
    write_manifest(folder, manifest)
    return manifest


def _skewed(
    rng: np.random.Generator, n_people: int, size: int, power: float
) -> npt.NDArray[np.int64]:
    """Half uniform, half concentrated on low ids (``n u^power``): a few very active people
    and everyone else now and then."""
    uniform = rng.integers(0, n_people, size=size)
    heavy = np.minimum((n_people * rng.random(size) ** power).astype(np.int64), n_people - 1)
    return np.where(rng.random(size) < 0.5, uniform, heavy) + 1
