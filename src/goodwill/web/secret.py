"""The key that signs session cookies, kept in the store so a restart signs nobody out.

Where it lives, and why the store rather than a file beside it:

- **It belongs to the store.** Sessions name users of ``web_users``, a table of this store;
  a cookie signed for one store must mean nothing to another (a test checks it), and
  moving the store to another machine keeps everyone's sessions as they were.
- **Every server process on the store agrees.** Several ``goodwill serve`` processes on one
  PostgreSQL store (behind a proxy, or one per core) read the same key, where a file would
  need copying to every host.
- **No new secret to protect.** Whoever can read the store already reads everything the
  pages show and the password hashes; a file would add a second thing to back up and to
  get permissions right for, on every system, for no protection the store lacks. Treat a
  copy of the store as the data it is.

The key is made on the first serve (32 random bytes, :func:`secrets.token_bytes`), read on
every later one, and never printed or logged. Deleting its row (``settings`` key
:data:`SECRET_KEY`) makes a new one at the next start, which signs everyone out.
"""

from __future__ import annotations

import secrets

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from goodwill.errors import StoreError
from goodwill.ledger import Ledger
from goodwill.ledger.schema import settings

__all__ = ["SECRET_KEY", "session_secret"]

#: The ``settings`` row that holds the key, hex-encoded.
SECRET_KEY = "web_session_secret"
_BYTES = 32  # 256 bits: beyond guessing


def _stored(ledger: Ledger) -> str | None:
    with ledger.read() as conn:
        value = conn.execute(select(settings.c.value).where(settings.c.key == SECRET_KEY))
        found = value.scalar()
    return None if found is None else str(found)


def session_secret(ledger: Ledger) -> bytes:
    """The store's session-signing key, made and kept on first use."""
    found = _stored(ledger)
    if found is None:
        try:
            with ledger.write() as conn:
                if (
                    conn.execute(select(settings.c.key).where(settings.c.key == SECRET_KEY)).first()
                    is None
                ):
                    made = secrets.token_bytes(_BYTES).hex()
                    conn.execute(insert(settings).values(key=SECRET_KEY, value=made))
        except IntegrityError:
            pass  # another server process made it first: theirs is read below
        found = _stored(ledger)
    try:
        key = bytes.fromhex(found or "")
    except ValueError:
        key = b""
    if len(key) < _BYTES:
        raise StoreError(
            f"the store's session key (settings row {SECRET_KEY!r}) is damaged; delete that "
            "row and start the server again: a new key is made, and everyone signs in again"
        )
    return key
