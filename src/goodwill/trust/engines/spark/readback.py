"""Spark's results back into the ledger: the scores Parquet into the stored network scores.

The scores table a run writes (:func:`~.job.run`) says which scope and which moment it
describes, so loading it needs only the folder. Its columns are collected as arrays and
written once, through the same writer as the numpy engine's
(:func:`goodwill.trust.network_scores.write_scores`): the scope is replaced in one
transaction, readers see the old scores or the new ones, never a mix, and a folder that
does not match the store (people it does not have) changes nothing. The folder is read
with pyarrow, batch by batch, so this side needs no Spark and no Java: a cluster's results
can be copied to any machine that holds the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow.compute as pc  # type: ignore[import-untyped]  # pyarrow ships no stubs
import pyarrow.dataset as ds  # type: ignore[import-untyped]
from sqlalchemy import Connection, func, select

from goodwill.errors import SourceError, StoreError
from goodwill.ledger.schema import people
from goodwill.trust.network_scores import write_scores

__all__ = ["ENGINE", "SCORE_COLUMNS", "LoadedScores", "load_scores"]

ENGINE = "spark"
SCORE_COLUMNS = ("person_id", "mass", "score", "normalized", "scope", "at_us")
_BATCH_ROWS = 10_000
_ARRAYS = ("person_id", "mass", "score", "normalized")


@dataclass(frozen=True, slots=True)
class LoadedScores:
    """What :func:`load_scores` put in the ledger: one scope's scores as of one moment."""

    scope: str
    at_us: int
    rows: int


def load_scores(
    conn: Connection, folder: Path, *, now_us: int, engine: str = ENGINE
) -> LoadedScores:
    """Replace the folder's scope's stored scores with the folder's scores."""
    dataset = _open(folder)
    scope: str | None = None
    at_us: int | None = None
    parts: dict[str, list[npt.NDArray[Any]]] = {name: [] for name in _ARRAYS}
    for batch in dataset.to_batches(columns=list(SCORE_COLUMNS), batch_size=_BATCH_ROWS):
        if not batch.num_rows:
            continue
        scopes = pc.unique(batch.column("scope")).to_pylist()
        moments = pc.unique(batch.column("at_us")).to_pylist()
        if scope is None:
            scope, at_us = str(scopes[0]), int(moments[0])
        if scopes != [scope] or moments != [at_us]:
            raise SourceError(
                "holds scores of more than one scope or moment; load one run's output at a time",
                path=folder,
            )
        for name in _ARRAYS:
            if batch.column(name).null_count:
                raise SourceError(f"column {name} has empty values; every score needs one",
                                  path=folder)  # fmt: skip
            parts[name].append(batch.column(name).to_numpy(zero_copy_only=False))
        _check_people(conn, parts["person_id"][-1].tolist(), folder)
    if scope is None or at_us is None:
        raise SourceError("holds no scores (did the run reach anyone?)", path=folder)
    ids, mass, score, normalized = (np.concatenate(parts[name]) for name in _ARRAYS)
    written = write_scores(
        conn, scope, ids, mass, score, normalized, at_us=at_us, now_us=now_us, engine=engine
    )
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
