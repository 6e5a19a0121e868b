"""The owner's network mass as the last refresh left it, kept beside the trust state for the
next warm walk (``goodwill refresh --warm``).

A warm walk goes to the walk's fixed point, which does not depend on where it starts, so
this file only decides how many steps the next refresh takes: a stale, partial or foreign
one costs steps, never correctness, and is read as nothing at all when it cannot be used.
It lives in the state's folder, is written as privately as the state, and goes with it
(the state discarded, rebuilt, or never kept beside an encrypted store).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from goodwill.ledger.private_files import create_private
from goodwill.trust.state_files import keeps_state

__all__ = ["MASS_FILE", "keep_mass", "kept_mass"]

MASS_FILE = "network_mass.npy"


def kept_mass(location: Path, people: npt.NDArray[np.int64]) -> npt.NDArray[np.float64] | None:
    """The last refresh's network mass over ``people`` (0 for anyone new), or ``None`` if
    there is none. Only where a warm walk starts: a stale or foreign file costs steps,
    never correctness (the fixed point does not depend on the start)."""
    try:
        kept = np.load(location / MASS_FILE)
    except (OSError, ValueError):
        return None
    if kept.dtype.names != ("person_id", "mass") or not len(kept) or not len(people):
        return None
    mass = np.zeros(len(people))
    at = np.minimum(np.searchsorted(people, kept["person_id"]), len(people) - 1)
    found = people[at] == kept["person_id"]
    mass[at[found]] = kept["mass"][found]
    usable = np.isfinite(mass).all() and (mass >= 0).all() and mass.sum() > 0
    return mass if usable else None


def keep_mass(location: Path, people: npt.NDArray[np.int64], mass: npt.NDArray[np.float64]) -> None:
    """Keep ``mass`` (node ``i`` is ``people[i]``) for the next warm walk, in the state's
    folder (after :func:`~goodwill.trust.state_files.save_state` made it) and as privately as the state; nothing
    beside an encrypted store, which keeps no state."""
    if not keeps_state(location) or not location.is_dir():
        return
    kept = np.empty(len(people), dtype=[("person_id", "i8"), ("mass", "f8")])
    kept["person_id"], kept["mass"] = people, mass
    partial = location / (MASS_FILE + ".partial")
    partial.unlink(missing_ok=True)
    create_private(partial)
    with partial.open("wb") as handle:
        np.save(handle, kept)
    partial.replace(location / MASS_FILE)
