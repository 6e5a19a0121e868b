"""Spark's results back into the ledger: the scores Parquet into ``network_scores``.

The scores table a run writes (:func:`~.job.run`) says which scope and which moment it
describes, so loading it needs only the folder. Loading replaces the scope's rows in one
transaction, with the ledger's bulk path, as :mod:`goodwill.trust.network_scores` writes
the numpy engine's: readers see the old scores or the new ones, never a mix, and a folder
that does not match the store (people it does not have) changes nothing. The folder is read
with pyarrow, batch by batch, so this side needs no Spark and no Java: a cluster's results
can be copied to any machine that holds the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds  # type: ignore[import-untyped]  # pyarrow ships no stubs
from sqlalchemy import Connection, delete, func, select

from goodwill.errors import SourceError, StoreError
from goodwill.ledger.schema import network_scores, people
from goodwill.ledger.writer import bulk_insert

__all__ = ["ENGINE", "SCORE_COLUMNS", "LoadedScores", "load_scores"]

ENGINE = "spark"
SCORE_COLUMNS = ("person_id", "mass", "score", "normalized", "scope", "at_us")
_BATCH_ROWS = 10_000
# as goodwill.trust.network_scores writes them
_COLUMNS = ("scope", "person_id", "mass", "score", "normalized", "at_us", "computed_at", "engine")


@dataclass(frozen=True, slots=True)
class LoadedScores:
    """What :func:`load_scores` put in the ledger: one scope's scores as of one moment."""

    scope: str
    at_us: int
    rows: int


def load_scores(
    conn: Connection, folder: Path, *, now_us: int, engine: str = ENGINE
) -> LoadedScores:
    """Replace ``network_scores`` rows of the folder's scope with the folder's scores."""
    dataset = _open(folder)
    scope: str | None = None
    at_us: int | None = None
    written = 0
    for batch in dataset.to_batches(columns=list(SCORE_COLUMNS), batch_size=_BATCH_ROWS):
        columns: dict[str, list[Any]] = batch.to_pydict()
        if not columns["person_id"]:
            continue
        if scope is None:
            scope, at_us = str(columns["scope"][0]), int(columns["at_us"][0])
            conn.execute(delete(network_scores).where(network_scores.c.scope == scope))
        if set(columns["scope"]) != {scope} or set(columns["at_us"]) != {at_us}:
            raise SourceError(
                "holds scores of more than one scope or moment; load one run's output at a time",
                path=folder,
            )
        _check_people(conn, columns["person_id"], folder)
        count = len(columns["person_id"])
        rows = zip(
            [scope] * count, columns["person_id"], columns["mass"], columns["score"],
            columns["normalized"], [at_us] * count, [now_us] * count, [engine] * count,
            strict=True,
        )  # fmt: skip
        bulk_insert(conn, network_scores, _COLUMNS, list(rows))
        written += len(columns["person_id"])
    if scope is None or at_us is None:
        raise SourceError("holds no scores (did the run reach anyone?)", path=folder)
    return LoadedScores(scope, at_us, written)


def _open(folder: Path) -> Any:
    """The scores folder as a pyarrow dataset, or an error naming what is wrong with it."""
    if not folder.is_dir():
        raise SourceError("no such folder: give the folder a goodwill spark run wrote", path=folder)
    dataset = ds.dataset(folder, format="parquet")
    missing = [name for name in SCORE_COLUMNS if name not in dataset.schema.names]
    if missing:
        raise SourceError(
            f"not a goodwill scores folder: no column {', '.join(missing)} "
            "(goodwill spark run writes one)",
            path=folder,
        )
    return dataset


def _check_people(conn: Connection, person_ids: list[int], folder: Path) -> None:
    """Refuse scores for people the store does not have (the export came from another
    store); raising here rolls the caller's transaction back."""
    known = conn.execute(
        select(func.count()).select_from(people).where(people.c.id.in_(person_ids))
    ).scalar_one()
    if known != len(set(person_ids)):
        raise StoreError(
            f"{folder}: {len(set(person_ids)) - known:,} of its people are not in this store, "
            "so these scores come from another store's export; load them into that store "
            "(nothing was changed)"
        )
