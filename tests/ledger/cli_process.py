"""``goodwill`` commands in processes of their own, started on cue from a warm fork server.

The console script spends seconds importing its modules (and every source's, when it looks
one up) before it does anything; a crash test that starts a dozen imports would spend most
of its time, and both of a small machine's cores, on that. :class:`ForkServer` imports it all
once, then forks one process per command: each runs the console script's own entry point
(:func:`goodwill.cli.main`) with the command's argv in a session of its own, its stdout and
stderr going to files. A test can start two commands at the same instant, or SIGKILL one a
measured time into its work; :meth:`Command.kill` also reaches what the command forked (an
import's reader process), which a killed parent leaves behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = ["Command", "ForkServer"]

_SERVER = r"""
import json, os, sys, traceback
from goodwill.cli import main
from goodwill.sources.registry import available_sources
available_sources()
print("ready", flush=True)
for line in sys.stdin:
    pids = []
    for command in json.loads(line):
        pid = os.fork()
        if pid == 0:
            os.setsid()
            for fd, name in ((1, command["stdout"]), (2, command["stderr"])):
                target = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(target, fd)
                os.close(target)
            sys.argv = ["goodwill", *command["args"]]
            code = 0
            try:
                main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
            except BaseException:
                traceback.print_exc()
                code = 1
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        pids.append(pid)
    print(json.dumps({"started": pids}), flush=True)
    for _ in pids:
        pid, status = os.wait()
        print(json.dumps({"ended": pid, "code": os.waitstatus_to_exitcode(status)}), flush=True)
"""
_START_S = 180.0  # importing everything on a loaded two-core machine


class Command:
    """One ``goodwill ARGS...`` process forked by the server."""

    def __init__(self, server: ForkServer, pid: int, args: Sequence[str], log: Path) -> None:
        self.server, self.pid, self.args, self.log = server, pid, tuple(args), log
        self.started = time.monotonic()

    @property
    def code(self) -> int | None:
        """The exit code once the process has ended (negative: the signal that ended it)."""
        return self.server.codes.get(self.pid)

    def running(self) -> bool:
        self.server.collect(timeout=0)
        return self.code is None

    def kill(self) -> bool:
        """SIGKILL the command, then anything it forked; whether it was still running."""
        was_running = self.running()
        sends = (os.kill, os.killpg) if was_running else (os.killpg,)
        for send in sends:  # the group outlives its leader while its members live
            with contextlib.suppress(ProcessLookupError):
                send(self.pid, signal.SIGKILL)
        self.wait(timeout=30)
        return was_running

    def wait(self, timeout: float) -> int:
        """The exit code, waiting up to ``timeout`` seconds for it."""
        deadline = time.monotonic() + timeout
        while self.code is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"goodwill {' '.join(self.args)} ran over {timeout} s")
            self.server.collect(timeout=left)
        return self.code

    def stdout(self) -> str:
        return self.log.with_suffix(".out").read_text(errors="replace")

    def stderr(self) -> str:
        return self.log.with_suffix(".err").read_text(errors="replace")[-3000:]


class ForkServer:
    """A warm process that forks ``goodwill`` commands; close it when done."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.codes: dict[int, int] = {}
        self._commands: list[Command] = []
        self._said: list[object] = []  # what the server said, other than that a command ended
        self._buffer = b""
        self.process = subprocess.Popen(
            [sys.executable, "-c", _SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert self._next_said(_START_S) == "ready", "the fork server did not start"

    def start(self, *commands: Sequence[str]) -> list[Command]:
        """Start every command at once (the previous ones must have ended)."""
        assert self.process.stdin is not None
        logs = [self.folder / f"command-{len(self._commands) + n}" for n in range(len(commands))]
        order = [
            {"args": list(args), "stdout": f"{log}.out", "stderr": f"{log}.err"}
            for args, log in zip(commands, logs, strict=True)
        ]
        self.process.stdin.write(json.dumps(order).encode() + b"\n")
        self.process.stdin.flush()
        said = self._next_said(30.0)
        assert isinstance(said, dict), f"the fork server answered {said!r}"
        started = [
            Command(self, pid, args, log)
            for pid, args, log in zip(said["started"], commands, logs, strict=True)
        ]
        self._commands += started
        return started

    def collect(self, timeout: float) -> None:
        """Take in what the server has said, waiting up to ``timeout`` for something."""
        assert self.process.stdout is not None
        channel = self.process.stdout.fileno()
        ready, _, _ = select.select([channel], [], [], timeout)
        if not ready:
            return
        chunk = os.read(channel, 65_536)
        if not chunk:
            raise AssertionError("the fork server stopped")
        *lines, self._buffer = (self._buffer + chunk).split(b"\n")
        for line in lines:
            message = json.loads(line) if line.startswith(b"{") else line.decode()
            if isinstance(message, dict) and "ended" in message:
                self.codes[message["ended"]] = message["code"]
            else:
                self._said.append(message)

    def _next_said(self, timeout: float) -> object:
        deadline = time.monotonic() + timeout
        while not self._said:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"the fork server said nothing for {timeout} s")
            self.collect(left)
        return self._said.pop(0)

    def close(self) -> None:
        """Kill any command still running, then stop the server."""
        for command in self._commands:
            command.kill()
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
