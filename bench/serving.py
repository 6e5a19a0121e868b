"""Waiting for a ``goodwill serve`` started by a benchmark to answer, shared by
``bench/web.py`` and ``bench/load.py``."""

from __future__ import annotations

import subprocess
import time
from typing import IO

import httpx

__all__ = ["answering"]


def answering(
    base: str, server: subprocess.Popen[bytes], said: IO[bytes], seconds: float = 120
) -> str:
    """``base`` once the server answers there; an error with what the server said if it
    stops first, or if it has not answered within ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        if server.poll() is not None:
            said.seek(0)
            problem = said.read().decode(errors="replace").strip()
            raise RuntimeError(f"goodwill serve stopped: {problem}")
        try:
            httpx.get(f"{base}/login", timeout=2)
            return base
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"goodwill serve did not answer within {seconds:.0f} seconds"
                ) from None
            time.sleep(0.1)
