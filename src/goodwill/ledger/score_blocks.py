"""Network scores in the ledger, as columnar blocks (table ``network_score_blocks``).

Every score of a scope moves at every refresh, and a community's scope holds nearly
everyone: a million rows rewritten each time cost more than the walk that computed them.
So a scope is stored as its people sorted by id, cut into blocks of up to
:data:`BLOCK_PEOPLE`, one row per block, each array one binary value:

- ``person_ids``: ``people`` signed 64-bit integers, little-endian, ascending;
- ``mass``, ``score``, ``normalized``: ``people`` IEEE 754 doubles, little-endian, the
  i-th belonging to the i-th person id;

with no header (``numpy.frombuffer(row.score, dtype="<f8")`` reads one; so does any
language that reads little-endian doubles). ``first_person`` and ``last_person`` name a
block's id range, so one person's scores cost one block per scope.

Writing replaces a scope as a whole in the caller's transaction, so readers see the old
scores or the new ones, never a mix. The table has no foreign key to ``people`` (a blob
cannot hold one): :func:`remove_people` is what ``goodwill forget`` calls instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import ColumnElement, Connection, delete, insert, select, update

from goodwill.errors import AlgorithmInputError
from goodwill.ledger.schema import network_score_blocks as blocks

__all__ = [
    "BLOCK_PEOPLE",
    "PersonScore",
    "StoredScores",
    "person_scores",
    "read_scores",
    "remove_people",
    "write_scores",
]

#: People per block: 512 KiB per array, so a million people are 16 rows.
BLOCK_PEOPLE = 65_536
_IDS = np.dtype("<i8")
_VALUES = np.dtype("<f8")
_ARRAYS = ("mass", "score", "normalized")


@dataclass(frozen=True, slots=True)
class StoredScores:
    """A scope's scores as stored, sorted by person id."""

    person_id: npt.NDArray[np.int64]
    mass: npt.NDArray[np.float64]
    score: npt.NDArray[np.float64]
    normalized: npt.NDArray[np.float64]
    at_us: int | None


@dataclass(frozen=True, slots=True)
class PersonScore:
    """One person's stored score in one scope."""

    scope: str
    mass: float
    score: float
    normalized: float
    at_us: int
    computed_at: int
    engine: str


def _block_rows(
    scope: str, ids: npt.NDArray[np.int64], values: dict[str, npt.NDArray[np.float64]]
) -> list[dict[str, object]]:
    """The block rows (without their moment and engine) of people sorted by id."""
    rows: list[dict[str, object]] = []
    for number, start in enumerate(range(0, len(ids), BLOCK_PEOPLE)):
        part = slice(start, start + BLOCK_PEOPLE)
        rows.append(
            {
                "scope": scope,
                "block": number,
                "first_person": int(ids[part][0]),
                "last_person": int(ids[part][-1]),
                "people": len(ids[part]),
                "person_ids": ids[part].astype(_IDS, copy=False).tobytes(),
                **{name: values[name][part].astype(_VALUES, copy=False).tobytes()
                   for name in _ARRAYS},
            }
        )  # fmt: skip
    return rows


def write_scores(
    conn: Connection,
    scope: str,
    person_ids: npt.ArrayLike,
    mass: npt.ArrayLike,
    score: npt.ArrayLike,
    normalized: npt.ArrayLike,
    *,
    at_us: int,
    now_us: int,
    engine: str,
) -> int:
    """Replace ``scope``'s scores with these (``mass[i]`` is ``person_ids[i]``'s, in any
    order); returns how many people were written."""
    ids = np.asarray(person_ids, dtype=np.int64)
    arrays = [np.asarray(a, dtype=np.float64) for a in (mass, score, normalized)]
    if any(a.shape != ids.shape for a in arrays) or ids.ndim != 1:
        raise AlgorithmInputError(
            f"scores for scope {scope!r}: {len(ids)} person ids but "
            f"{', '.join(str(a.shape) for a in arrays)} values; give one value per person"
        )
    if len(ids) > 1 and not bool(np.all(ids[1:] > ids[:-1])):
        order = np.argsort(ids, kind="stable")
        ids, arrays = ids[order], [a[order] for a in arrays]
        repeated = ids[1:][ids[1:] == ids[:-1]]
        if len(repeated):
            raise AlgorithmInputError(
                f"scores for scope {scope!r} name person {int(repeated[0])} more than once"
            )
    conn.execute(delete(blocks).where(blocks.c.scope == scope))
    rows = _block_rows(scope, ids, dict(zip(_ARRAYS, arrays, strict=True)))
    moment = {"at_us": at_us, "computed_at": now_us, "engine": engine}
    if rows:
        conn.execute(insert(blocks), [row | moment for row in rows])
    return len(ids)


def _decode(row: object, name: str) -> npt.NDArray[np.float64]:
    return np.frombuffer(getattr(row, name), dtype=_VALUES).astype(np.float64)


def read_scores(conn: Connection, scope: str) -> StoredScores:
    """``scope``'s stored scores (empty if none)."""
    rows = conn.execute(
        select(blocks.c.person_ids, blocks.c.mass, blocks.c.score, blocks.c.normalized,
               blocks.c.at_us)
        .where(blocks.c.scope == scope)
        .order_by(blocks.c.block)
    ).all()  # fmt: skip

    def joined(name: str) -> npt.NDArray[np.float64]:
        return np.concatenate([_decode(r, name) for r in rows]) if rows else np.empty(0)

    ids = [np.frombuffer(r.person_ids, dtype=_IDS).astype(np.int64) for r in rows]
    return StoredScores(
        np.concatenate(ids) if ids else np.empty(0, dtype=np.int64),
        joined("mass"),
        joined("score"),
        joined("normalized"),
        int(rows[0].at_us) if rows else None,
    )


def _holding(person_id: int) -> ColumnElement[bool]:
    return (blocks.c.first_person <= person_id) & (blocks.c.last_person >= person_id)


def person_scores(conn: Connection, person_id: int) -> list[PersonScore]:
    """``person_id``'s stored scores in every scope that holds them, by scope."""
    found = []
    for row in conn.execute(
        select(blocks).where(_holding(person_id)).order_by(blocks.c.scope, blocks.c.block)
    ):
        ids = np.frombuffer(row.person_ids, dtype=_IDS)
        at = int(np.searchsorted(ids, person_id))
        if at < len(ids) and ids[at] == person_id:
            mass, score, normalized = (float(_decode(row, name)[at]) for name in _ARRAYS)
            found.append(
                PersonScore(row.scope, mass, score, normalized, int(row.at_us),
                            int(row.computed_at), str(row.engine))
            )  # fmt: skip
    return found


def remove_people(conn: Connection, person_ids: Iterable[int]) -> int:
    """Take these people out of every scope's blocks (a block left empty goes); returns how
    many scores were removed. Blocks that do not hold them are not rewritten."""
    gone = np.unique(np.fromiter((int(p) for p in person_ids), dtype=np.int64))
    if not len(gone):
        return 0
    removed = 0
    ranges = conn.execute(
        select(blocks.c.scope, blocks.c.block, blocks.c.first_person, blocks.c.last_person)
    ).all()
    for scope, number, first, last in ranges:
        inside = gone[(gone >= first) & (gone <= last)]
        if not len(inside):
            continue
        key = (blocks.c.scope == scope) & (blocks.c.block == number)
        row = conn.execute(select(blocks).where(key)).one()
        ids = np.frombuffer(row.person_ids, dtype=_IDS)
        keep = ~np.isin(ids, inside)
        if keep.all():
            continue
        removed += int((~keep).sum())
        if not keep.any():
            conn.execute(delete(blocks).where(key))
            continue
        kept = ids[keep]
        conn.execute(
            update(blocks).where(key).values(
                first_person=int(kept[0]), last_person=int(kept[-1]), people=len(kept),
                person_ids=kept.tobytes(),
                **{name: _decode(row, name)[keep].astype(_VALUES).tobytes() for name in _ARRAYS},
            )
        )  # fmt: skip
    return removed
