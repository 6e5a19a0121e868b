"""Everything goodwill writes from the store is its owner's alone (0600, folders 0700),
whatever the umask; a store someone made readable is reported, not changed."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.ledger import open_ledger
from tests.cli.hostile_world import EVIL, hostile_store

runner = CliRunner()
WARNING = "goodwill: warning: the store can be read by other users of this machine:"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual umask of a shared machine: new files readable by everyone."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def run(db: str, *args: str) -> str:
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == 0, result.output
    return result.stderr


@pytest.mark.usefixtures("open_umask")
def test_a_new_store_and_its_logs_are_the_owners_alone(tmp_path: Path) -> None:
    store = tmp_path / "new" / "goodwill.db"
    with open_ledger(f"sqlite:///{store}") as ledger, ledger.write() as conn:
        conn.exec_driver_sql("CREATE TABLE scratch (x)")  # the log files exist meanwhile
        wal, shm = Path(f"{store}-wal"), Path(f"{store}-shm")
        assert wal.exists() and shm.exists()
        assert (mode(store), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
    assert mode(store.parent) == 0o700  # the folder goodwill made for it


@pytest.mark.usefixtures("open_umask")
def test_backups_exports_and_the_trust_state_are_the_owners_alone(tmp_path: Path) -> None:
    db = hostile_store(tmp_path)
    store = tmp_path / "hostile.db"
    assert mode(store) == 0o600
    run(db, "backup", str(tmp_path / "b.backup"))
    run(db, "export", "person", EVIL, "--out", str(tmp_path / "eve.json"))
    run(db, "export", "vcard", "--out", str(tmp_path / "all.vcf"))
    run(db, "export", "circle", "acquaintance", "--at", "2024-07-01", "-o", str(tmp_path / "c.csv"))
    for name in ("b.backup", "eve.json", "all.vcf", "c.csv"):
        assert mode(tmp_path / name) == 0o600, name
    run(db, "refresh", "--at", "2024-07-01")
    state = tmp_path / "hostile.db.trust"
    files = [p for p in state.rglob("*") if p.is_file()]
    assert files and all(mode(p) == 0o600 for p in files), [(p, oct(mode(p))) for p in files]
    assert mode(state) == 0o700
    assert mode(tmp_path / "hostile.db.trust.lock") == 0o600
    # a restore puts a private file in the store's place
    run(db, "restore", str(tmp_path / "b.backup"), "--yes")
    assert mode(store) == 0o600


def stderr_on_a_terminal(db: str, *args: str) -> str:
    """What ``goodwill`` writes to stderr when stderr is a terminal (a pseudo-terminal)."""
    controller, terminal = os.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "goodwill", "--db", db, *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=terminal,
            timeout=120, check=False,
        )  # fmt: skip
        os.close(terminal)
        said = b""
        while True:
            try:
                block = os.read(controller, 65536)
            except OSError:  # the terminal's other end is closed: all was read
                break
            if not block:
                break
            said += block
    finally:
        os.close(controller)
    assert done.returncode == 0, said
    return " ".join(said.decode().split())


def stderr_of_a_script(db: str, *args: str) -> str:
    """What ``goodwill`` writes to stderr when stderr is a pipe, as under cron."""
    done = subprocess.run(
        [sys.executable, "-m", "goodwill", "--db", db, *args],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return " ".join(done.stderr.decode().split())


def test_a_store_others_can_read_is_reported_and_left_as_it_is(tmp_path: Path) -> None:
    db = hostile_store(tmp_path)
    store = tmp_path / "hostile.db"
    assert "warning" not in stderr_on_a_terminal(db, "stats")
    assert "warning" not in stderr_of_a_script(db, "stats")
    store.chmod(0o644)
    said = stderr_on_a_terminal(db, "stats")
    assert said.count(WARNING) == 1, said
    assert f"{WARNING} {store} (mode 0644)" in said
    assert f"to keep it to yourself run: chmod 600 {store}" in said
    assert mode(store) == 0o644  # reported, not changed behind the owner's back


def test_a_script_is_told_too_once_per_command(tmp_path: Path) -> None:
    # Under cron stderr is a pipe (mailed or logged): the only place the owner would see it.
    db = hostile_store(tmp_path)
    store = tmp_path / "hostile.db"
    store.chmod(0o640)  # readable by the group
    said = stderr_of_a_script(db, "people", "--json")  # many queries, one warning
    assert said.count(WARNING) == 1, said
    assert f"{WARNING} {store} (mode 0640)" in said
    assert f"to keep it to yourself run: chmod 600 {store}" in said
    in_process = runner.invoke(app, ["--db", db, "stats", "--json"])
    assert in_process.exit_code == 0, in_process.output
    assert in_process.stderr.count(WARNING) == 1, in_process.stderr
    assert json.loads(in_process.stdout)  # the warning stays out of the --json output
    assert mode(store) == 0o640
