"""``goodwill serve`` in a process of its own on a free loopback port, for tests that need a
real server beside real imports (the concurrency test), signed in as a browser would be."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.web.conftest import NAME, PASSWORD, csrf_of

__all__ = ["served", "sign_in"]

_START_S = 120.0  # imports and first page on a loaded two-core machine


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(store_url: str, log: Path) -> Iterator[str]:
    """The address of ``goodwill serve`` over ``store_url``, running until the block ends."""
    port = _free_port()
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "goodwill", "--db", store_url, "serve", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + _START_S
        while True:
            assert server.poll() is None, f"goodwill serve stopped: {log.read_text()[-2000:]}"
            try:
                if httpx.get(f"{address}/login", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"goodwill serve did not answer in {_START_S} s"
            time.sleep(0.2)
        yield address
    finally:
        server.send_signal(signal.SIGINT)  # uvicorn's graceful stop
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def sign_in(client: httpx.Client) -> str:
    """Sign ``client`` in through the login form; the new session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"name": NAME, "password": PASSWORD, "csrf_token": token, "next": "/"}
    )
    assert response.status_code == 303, response.text[-500:]
    return csrf_of(client.get("/people").text)  # every page's sign-out form carries it
