"""The trust state on disk: derived files next to the store, rebuilt whenever in doubt.

``goodwill refresh`` keeps what it needs to absorb new events without rereading the ledger:

* ``meta.json``: what the state describes (the as-of date, the last event absorbed and a
  check of it, the merges seen, the policy's fingerprint, the reference date of the
  decaying sums);
* ``records/<window>.npy``: the interactions absorbed, one file per saturation window
  (event and identity ids, the people holding them, kind, time, value: no text), since
  new events change their window's groups and a window is recomputed from its records;
* ``pending.npy``: interactions dated after the as-of date, absorbed once it passes them;
* ``pairs/``: the :class:`~goodwill.trust.pair_state.PairState`'s arrays (its main part
  memory-mapped and changed in place by a refresh, its tail and mixed groups rewritten)
  and the people.

Why files and not a table: a refresh reads every pair's sums (a walk needs the whole
graph) and rewrites a few windows; as numpy files that is a read at disk speed, as rows in
SQLite or PostgreSQL seconds per million. The files are derived data: delete them and the
next refresh rebuilds them from the ledger. Everything in them is keyed by person ids (and
event and identity ids), so erasing a person can drop their rows; :func:`discard_state`
drops the whole state, which is always correct.

**Crashes.** ``meta.json`` is removed before anything changes and written last, so a
refresh that dies midway leaves no state, and the next one rebuilds it; what the process
wrote is in the system's page cache and reaches the disk even if the process does not
survive. Only a crash of the machine itself can lose writes the disk has not seen yet,
so the meta records the machine's boot id and a state saved before a restart is rebuilt
(:func:`boot_id`; see ``goodwill.trust.refresh``) instead of being forced to the disk at
every refresh: waiting for the changed rows of the memory-mapped pairs to be written
(``msync``) took about 0.4 s of a 20M-event refresh that changed ten thousand of them.
Where the system has no boot id, they are still forced to the disk.

A SQLite store ``goodwill.db`` keeps its state in ``goodwill.db.trust/``; a PostgreSQL
store in the user's cache folder, under a digest of its URL. The folder is made 0700 and
every file in it 0600: ids of who interacts with whom, when, are the owner's alone.

An **encrypted** store (``goodwill encrypt``) keeps no state at all: these files would be
plaintext beside a file whose point is that nothing in it can be read without the key.
Encrypting them under a key derived from the store's would need a second cipher format to
get right; dropping them costs only speed, since the state is derived. So beside an
encrypted store :func:`load_state` finds nothing (and deletes any state left from before
it was encrypted) and :func:`save_state` writes nothing: every refresh recomputes from the
ledger (:func:`keeps_state` says which).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import platformdirs
from sqlalchemy.engine import make_url

from goodwill.errors import StoreError
from goodwill.ledger.encryption import is_encrypted_file
from goodwill.ledger.private_files import create_private, private_dir, write_private_text
from goodwill.trust.network_graph import PERSONAL_LIMIT
from goodwill.trust.pair_state import PairColumns, PairState
from goodwill.trust.policy import Policy

__all__ = [
    "RECORD",
    "STATE_VERSION",
    "StateMeta",
    "TrustState",
    "boot_id",
    "discard_state",
    "invalidate",
    "keeps_state",
    "load_state",
    "policy_fingerprint",
    "save_state",
    "state_location",
    "state_lock",
]

STATE_VERSION = 1
_SUFFIX = ".trust"
_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")
# one absorbed interaction: 64 bytes
RECORD = np.dtype(
    [("event_id", "i8"), ("actor_identity", "i8"), ("target_identity", "i8"),
     ("actor", "i8"), ("target", "i8"), ("kind", "i8"), ("time_us", "i8"), ("value", "f8")]
)  # fmt: skip
Records = npt.NDArray[Any]
_COLUMNS = ("code", "floats", "ints")
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class StateMeta:
    """What a trust state describes (``meta.json``)."""

    policy: str  # policy_fingerprint
    kinds: tuple[str, ...]  # what record kind codes index
    at_us: int  # the as-of date of the evidence
    last_event_id: int  # every event up to this id is absorbed or pending
    last_event: tuple[int, int, int]  # its time, actor and target identity: a check
    merges: tuple[int, ...]  # person_merges as seen: count, last id, undone, last undone
    windows: tuple[int, ...] = field(default=())  # windows with a records file
    boot: str = ""  # the machine's boot id when the state was saved (see boot_id)
    version: int = STATE_VERSION


@dataclass(frozen=True, slots=True)
class TrustState:
    """A trust state: its meta, pairs and people in memory; records stay on disk until a
    refresh asks for a window's (:meth:`records`) or all of them."""

    location: Path
    meta: StateMeta
    pairs: PairState
    people: Ints  # sorted person ids of everyone in an absorbed interaction
    pending: Records

    def records(self, windows: npt.ArrayLike) -> Records:
        """The absorbed records of ``windows`` (in event order)."""
        present = [w for w in np.asarray(windows).tolist() if w in set(self.meta.windows)]
        parts = [np.load(self.location / "records" / f"{w}.npy") for w in present]
        return _by_event(np.concatenate(parts) if parts else np.zeros(0, RECORD))

    def all_records(self) -> Records:
        """Every absorbed record."""
        return self.records(self.meta.windows)


def _by_event(records: Records) -> Records:
    return records[np.argsort(records["event_id"], kind="stable")]


def state_location(url: str) -> Path:
    """Where the trust state of the store at ``url`` lives."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        database = Path(parsed.database)
        return database.with_name(database.name + _SUFFIX)
    digest = hashlib.sha256(parsed.render_as_string(hide_password=True).encode()).hexdigest()
    return Path(platformdirs.user_cache_dir("goodwill", appauthor=False)) / "trust" / digest[:16]


def keeps_state(location: Path) -> bool:
    """Whether a state may be kept at ``location``: not beside an encrypted store (see the
    module)."""
    if not location.name.endswith(_SUFFIX):
        return True
    return not is_encrypted_file(location.with_name(location.name[: -len(_SUFFIX)]))


def policy_fingerprint(policy: Policy) -> str:
    """A digest of everything in the policy that the kept evidence depends on."""
    rules = sorted(
        (k, r.earns, r.states, r.value_scale, r.lasting, r.earns_standing)
        for k, r in policy.rules.items()
    )
    settings = (
        policy.half_life_days, policy.window_days, policy.ceiling, policy.negative_factor,
        policy.reciprocity_bonus, PERSONAL_LIMIT, rules,
    )  # fmt: skip
    return hashlib.sha256(repr(settings).encode()).hexdigest()


def load_state(location: Path) -> TrustState | None:
    """The state at ``location``, or ``None`` if there is none or it cannot be used (a
    partial write, another version, or beside an encrypted store): then it is rebuilt."""
    if not keeps_state(location):
        discard_state(location)  # plaintext left from before the store was encrypted
        return None
    try:
        raw = json.loads((location / "meta.json").read_text(encoding="utf-8"))
        if raw.get("version") != STATE_VERSION:
            return None
        check = raw["last_event"]
        meta = StateMeta(
            policy=raw["policy"],
            kinds=tuple(raw["kinds"]),
            at_us=int(raw["at_us"]),
            last_event_id=int(raw["last_event_id"]),
            last_event=(int(check[0]), int(check[1]), int(check[2])),
            merges=tuple(raw["merges"]),
            windows=tuple(raw["windows"]),
            boot=str(raw.get("boot", "")),
        )
        folder = location / "pairs"
        main = PairColumns(*(np.load(folder / f"main_{c}.npy", mmap_mode="r+") for c in _COLUMNS))
        tail = PairColumns(*(np.load(folder / f"tail_{c}.npy") for c in _COLUMNS))
        pairs = PairState(main, tail, np.load(folder / "mixed.npy"),
                          np.load(folder / "mixed_key.npy"), int(raw["reference_us"]))  # fmt: skip
        people = np.load(folder / "people.npy")
        pending = np.load(location / "pending.npy")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return TrustState(location, meta, pairs, people, pending)


def invalidate(location: Path) -> None:
    """Mark the state at ``location`` as being changed: until :func:`save_state` finishes,
    it is not used (a crash midway leaves a state that is rebuilt). Called before the main
    pairs are changed in place."""
    (location / "meta.json").unlink(missing_ok=True)


def save_state(state: TrustState, records: dict[int, Records] | None = None) -> TrustState:
    """Write ``state`` (and the records of the windows given, replacing theirs); the meta
    goes last and is removed first, so a crash midway leaves a state that is rebuilt.
    Beside an encrypted store nothing is written (see the module)."""
    location = state.location
    if not keeps_state(location):
        return state
    boot = boot_id()
    try:
        private_dir(location)
        (location / "records").mkdir(exist_ok=True, mode=0o700)
        invalidate(location)
        windows = set(state.meta.windows)
        for window, rows in (records or {}).items():
            _write(location / "records" / f"{window}.npy", _by_event(rows))
            windows.add(window)
        folder = location / "pairs"
        folder.mkdir(exist_ok=True, mode=0o700)
        for part, columns in zip(("main", "tail"), state.pairs.parts(), strict=True):
            for name in _COLUMNS:
                array = getattr(columns, name)
                if isinstance(array, np.memmap) and Path(str(array.filename)).parent == folder:
                    if not boot:  # no boot id to tell a restart by: the changes to disk now
                        array.flush()  # the state's own file, changed in place
                else:
                    _write(folder / f"{part}_{name}.npy", array)
        _write(folder / "mixed.npy", state.pairs.mixed)
        _write(folder / "mixed_key.npy", state.pairs.mixed_key)
        _write(folder / "people.npy", state.people)
        _write(location / "pending.npy", state.pending)
        meta = replace(state.meta, windows=tuple(sorted(windows)), boot=boot)
        saved = {**_as_dict(meta), "version": STATE_VERSION,
                 "reference_us": state.pairs.reference_us}  # fmt: skip
        text = json.dumps(saved, indent=1)
        write_private_text(location / "meta.json", text)
    except OSError as exc:
        raise StoreError(
            f"cannot write the trust state in {location}: {exc}; it is derived data, so "
            "free some space or fix the folder's permissions and run goodwill refresh again"
        ) from exc
    return replace(state, meta=meta)


def boot_id() -> str:
    """This boot of the machine ("" where the system does not say, as outside Linux)."""
    try:
        return _BOOT_ID.read_text(encoding="ascii").strip()
    except OSError:
        return ""


def _write(path: Path, array: npt.NDArray[Any]) -> None:
    """``array`` to ``path`` through a new file renamed over the old one: a memory map of
    the old file (a state still open) keeps its own copy rather than seeing it cut."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    create_private(partial)
    with partial.open("wb") as handle:
        np.save(handle, array)
    partial.replace(path)


def _as_dict(meta: StateMeta) -> dict[str, Any]:
    return {name: getattr(meta, name) for name in StateMeta.__dataclass_fields__}


@contextmanager
def state_lock(location: Path) -> Iterator[None]:
    """Hold the state at ``location`` for one refresh: a second refresh waits for the first,
    since both would change the main pairs in place."""
    location.parent.mkdir(parents=True, exist_ok=True)
    lock = create_private(location.parent / f"{location.name}.lock")
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def discard_state(location: Path) -> bool:
    """Delete the trust state at ``location`` (whether there was one): the next refresh
    rebuilds it from the ledger. Erasing people from the ledger should call this."""
    if not location.exists():
        return False
    shutil.rmtree(location)
    return True
