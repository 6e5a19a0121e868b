"""A throwaway PostgreSQL cluster for the test run: Debian's server, on a unix socket only.

The cluster lives in a temporary folder, listens on no TCP port, runs with fsync off (it is
thrown away), and is stopped when the test session ends. As root (CI), the server runs as
the ``postgres`` system user that Debian's package creates, because PostgreSQL refuses to
run as root.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PgServer", "find_bindir", "start_postgres"]


def find_bindir() -> Path | None:
    """The folder holding initdb and postgres, or None when no server is installed."""
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


@dataclass
class PgServer:
    """A running cluster: where it is and how to reach it."""

    root: Path
    socket_dir: Path
    process: subprocess.Popen[bytes]
    user: str = "goodwill"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket_dir}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def start_postgres(bindir: Path) -> PgServer:
    """Create and start a cluster; raises RuntimeError with the server's own words on failure."""
    root = Path(tempfile.mkdtemp(prefix="gwpg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        for path in (root, sockets):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    init = subprocess.run(
        _as_server_user(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "goodwill",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--locale=C",
            ]
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")
    log = (root / "server.log").open("wb")
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(root / "server.log", entry.pw_uid, entry.pw_gid)
    process = subprocess.Popen(
        _as_server_user(
            [
                str(bindir / "postgres"),
                "-D",
                str(data),
                "-k",
                str(sockets),
                "-c",
                "listen_addresses=",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=50",
            ]
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()  # the server holds its own descriptor
    server = PgServer(root, sockets, process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        ready = subprocess.run(
            [str(bindir / "pg_isready"), "-h", str(sockets), "-U", "goodwill", "-q"], check=False
        )
        if ready.returncode == 0:
            return server
        time.sleep(0.2)
    text = (root / "server.log").read_text(errors="replace")[-2000:]
    server.stop()
    raise RuntimeError(f"PostgreSQL did not start: {text}")
