"""An Activity from bare columns: for data that never enters a ledger.

A benchmark over a public network (millions of retweets with user numbers and times, no
text, no owner) needs the detectors but not the store. :func:`edge_activity` builds the
same :class:`~goodwill.insights.activity.Activity` columns ``load_activity`` reads from a
ledger, with accounts renumbered from 0 so matrices stay small; the second value it
returns maps those numbers back to the data's own ids.

>>> import numpy as np
>>> activity, ids = edge_activity(
...     np.array([30, 10]), np.array([10, 30]), np.array([5, 2]),
...     np.array([0, 1]), ("share", "mention"))
>>> activity.kind_name(0), int(ids[activity.actor[0]]), len(activity)
('mention', 10, 2)
"""

from __future__ import annotations

import numpy as np

from goodwill.errors import AlgorithmInputError
from goodwill.events import KINDS
from goodwill.insights.activity import Activity, Ints

__all__ = ["edge_activity"]


def edge_activity(
    actor: Ints,
    target: Ints,
    time_us: Ints,
    kind: Ints,
    kinds: tuple[str, ...],
    *,
    owner: int | None = None,
) -> tuple[Activity, Ints]:
    """Columns in time order over accounts numbered from 0, and each number's original id.

    ``kind`` holds codes into ``kinds``; ``target`` may be -1 for a post. ``owner``, when
    given, is an original id.
    """
    unknown = set(kinds) - KINDS
    if unknown:
        raise AlgorithmInputError(f"not event kinds: {', '.join(sorted(unknown))}")
    sizes = {len(actor), len(target), len(time_us), len(kind)}
    if len(sizes) != 1:
        raise AlgorithmInputError("actor, target, time and kind columns differ in length")
    order = np.argsort(time_us, kind="stable")
    present = target[order] >= 0
    ids, numbered = np.unique(
        np.concatenate([actor[order], target[order][present]]), return_inverse=True
    )
    count = len(order)
    renumbered_target = np.full(count, -1, dtype=np.int64)
    renumbered_target[present] = numbered[count:]
    actor_number = numbered[:count].astype(np.int64)
    owner_number = None
    if owner is not None:
        found = np.searchsorted(ids, owner)
        owner_number = int(found) if found < len(ids) and ids[found] == owner else None
    activity = Activity(
        event_id=np.arange(count, dtype=np.int64)[order],
        kind=kind[order].astype(np.int64),
        time_us=time_us[order].astype(np.int64),
        actor=actor_number,
        target=renumbered_target,
        actor_identity=actor_number.copy(),
        target_identity=renumbered_target.copy(),
        answers=np.full(count, -1, dtype=np.int64),
        value=np.full(count, np.nan),
        kinds=kinds,
        owner=owner_number,
        at_us=int(time_us.max()) if count else 0,
    )
    return activity, ids.astype(np.int64)
