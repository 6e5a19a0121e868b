"""How many pages the server runs at once: no more than the store has connections for."""

from __future__ import annotations

import anyio.to_thread

from goodwill.ledger import Ledger

__all__ = ["RESERVED_CONNECTIONS", "threads_within_connections"]

#: Store connections kept back from the pages: the warmer's and an upload's import.
RESERVED_CONNECTIONS = 2


def threads_within_connections(ledger: Ledger) -> None:
    """Run no more pages at once than the store has connections for (less the reserved).

    Every page holds a connection while it runs. With more threads than connections, a
    burst of slow pages would leave the rest of the threads waiting for a connection, and
    after the pool's 30 s timeout answering 503; with as many threads as connections, a
    page that finds no thread free waits its turn in the event loop instead, and answers
    when one is."""
    pool = ledger.engine.pool
    size = getattr(pool, "size", None)
    if not callable(size):
        return  # a pool without a bound (none of the stores goodwill opens)
    connections = int(size()) + max(0, int(getattr(pool, "_max_overflow", 0)))
    limiter = anyio.to_thread.current_default_thread_limiter()
    limiter.total_tokens = max(1, min(limiter.total_tokens, connections - RESERVED_CONNECTIONS))
