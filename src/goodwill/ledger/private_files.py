"""Files only their owner can read: the store, its logs, backups, exports and derived state.

The store holds whom a person talks to and what was said, so every file goodwill makes
from it is created with mode 0600 (a folder 0700), whatever the umask says: on a shared
machine the usual umask (022) would leave them readable by every user. SQLite gives its
``-wal`` and ``-shm`` files the mode of the database file, so creating the store's file
0600 before SQLite opens it covers those too.

A store that already exists is not changed behind the owner's back: when it can be read by
others, :func:`loose_permissions` says so, naming the file and the ``chmod`` that fixes it
(the owner may share it on purpose, with a group).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> path = create_private(folder / "store.db")
>>> oct(path.stat().st_mode & 0o777), loose_permissions(path)
('0o600', None)
"""

from __future__ import annotations

import os
import shlex
import stat
from pathlib import Path

__all__ = [
    "PRIVATE_DIR",
    "PRIVATE_FILE",
    "create_private",
    "loose_permissions",
    "make_private",
    "private_dir",
    "write_private_text",
]

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
_OTHERS = stat.S_IRWXG | stat.S_IRWXO


def create_private(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 if it does not exist (an existing file is left
    as it is); returns it."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return path
    try:
        os.fchmod(descriptor, PRIVATE_FILE)  # the umask may have taken bits off, never on
    finally:
        os.close(descriptor)
    return path


def make_private(path: Path) -> Path:
    """Give a file goodwill has just written (and nobody else uses yet) mode 0600."""
    path.chmod(PRIVATE_FILE)
    return path


def private_dir(path: Path) -> Path:
    """Create the folder ``path`` (and its parents) if need be, and give it mode 0700."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(PRIVATE_DIR)
    return path


def write_private_text(path: Path, content: str) -> None:
    """Write ``content`` to ``path`` (UTF-8), the file created 0600 or truncated."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    os.fchmod(descriptor, PRIVATE_FILE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(content)


def loose_permissions(path: Path) -> str | None:
    """A warning when the existing store file ``path`` (or its ``-wal``/``-shm``) can be
    read or written by users other than its owner, else ``None``."""
    loose = []
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = candidate.stat().st_mode
        except OSError:
            continue
        if mode & _OTHERS:
            loose.append((candidate, stat.S_IMODE(mode)))
    if not loose:
        return None
    files = ", ".join(f"{p} (mode {m:04o})" for p, m in loose)
    fix = " ".join(shlex.quote(str(p)) for p, _ in loose)
    return (
        f"the store can be read by other users of this machine: {files}; "
        f"to keep it to yourself run: chmod 600 {fix}"
    )
