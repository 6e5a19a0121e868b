"""Who may sign in to the web app: the ``web_users`` table, passwords as argon2 hashes,
and the sessions open now.

The CLI (``goodwill user add/list/remove``) and the login page both come here. A password
is never stored nor logged: only its argon2id hash (argon2-cffi's defaults, RFC 9106's
low-memory profile), which is re-hashed on the next login when those defaults change.

**Sessions are kept server-side too**, so that signing out ends a session everywhere, not
only in the browser that asked: a copy of the cookie (taken from a shared machine, a
proxy's log, a stolen laptop) is worth nothing once its owner has signed out. Signing in
makes a random session id; the cookie carries it (signed), and the store keeps only its
SHA-256, in a ``settings`` row (``web_session:`` and the digest), with the user it belongs
to and when it began. Every signed-in request reads that row by its key, one lookup beside
the user's own. Signing out deletes the row; removing a user deletes all of theirs;
a restore (``goodwill restore``) signs everyone out. Rows older than a session's lifetime
are swept at each sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, func, insert, select, update

from goodwill.errors import GoodwillError, NotFoundError
from goodwill.events import from_time_us, now_us
from goodwill.ledger import Ledger
from goodwill.ledger.schema import WEB_SESSION_ROWS, settings, web_users
from goodwill.web.security import SESSION_SECONDS, Session

__all__ = [
    "MIN_PASSWORD",
    "SESSION_ROW",
    "WebUser",
    "add_user",
    "check_password",
    "close_session",
    "count_users",
    "list_users",
    "open_session",
    "remove_user",
    "session_user",
]

#: The prefix of the ``settings`` rows that hold open sessions (see the module).
SESSION_ROW = WEB_SESSION_ROWS

#: Shorter passwords are refused: eight characters is NIST SP 800-63B's floor.
MIN_PASSWORD = 8
_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,100}$")
_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password anyone has")


@dataclass(frozen=True, slots=True)
class WebUser:
    """A user of the web app, as listings show them."""

    id: int
    name: str
    created: str  # ISO 8601, UTC


def add_user(ledger: Ledger, name: str, password: str) -> WebUser:
    """Create a user; a clear error for a bad or taken name or a short password."""
    if not _NAME.match(name):
        raise GoodwillError(
            f"user name {name!r} is not allowed: use 1 to 100 letters, digits, '.', '_', '@' or '-'"
        )
    if len(password) < MIN_PASSWORD:
        raise GoodwillError(f"the password must have at least {MIN_PASSWORD} characters")
    created = now_us()
    with ledger.write() as conn:
        taken = conn.execute(select(web_users.c.id).where(web_users.c.name == name)).scalar()
        if taken is not None:
            raise GoodwillError(
                f"there is already a user {name!r}; goodwill user remove {name} first "
                "to give them a new password"
            )
        result = conn.execute(
            insert(web_users).values(
                name=name, password_hash=_hasher.hash(password), created_at=created
            )
        )
        (user_id,) = result.inserted_primary_key or (0,)
    return WebUser(int(user_id), name, from_time_us(created).isoformat())


def list_users(ledger: Ledger) -> list[WebUser]:
    """Every user, oldest first."""
    with ledger.read() as conn:
        rows = conn.execute(
            select(web_users.c.id, web_users.c.name, web_users.c.created_at).order_by(
                web_users.c.id
            )
        ).all()
    return [WebUser(r.id, r.name, from_time_us(r.created_at).isoformat()) for r in rows]


def count_users(ledger: Ledger) -> int:
    """How many users may sign in (``goodwill serve`` refuses to start with auth and none)."""
    with ledger.read() as conn:
        return int(conn.execute(select(func.count()).select_from(web_users)).scalar_one())


def remove_user(ledger: Ledger, name: str) -> None:
    """Delete a user and their sessions: each ends at its next request, even if a new user
    is later given the same id."""
    with ledger.write() as conn:
        user_id = conn.execute(select(web_users.c.id).where(web_users.c.name == name)).scalar()
        removed = conn.execute(delete(web_users).where(web_users.c.name == name)).rowcount
        if user_id is not None:
            _delete_sessions(conn, lambda owner, _since: owner == user_id)
    if not removed:
        raise NotFoundError(f"no user {name!r}; goodwill user list shows them")


def check_password(ledger: Ledger, name: str, password: str) -> WebUser | None:
    """The user if ``password`` is theirs, else ``None`` (unknown name or wrong password
    alike, in about the same time)."""
    with ledger.read() as conn:
        row = conn.execute(select(web_users).where(web_users.c.name == name)).first()
    stored = row.password_hash if row is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if _hasher.check_needs_rehash(stored):
        with ledger.write() as conn:
            conn.execute(
                update(web_users)
                .where(web_users.c.id == row.id)
                .values(password_hash=_hasher.hash(password))
            )
    return WebUser(row.id, row.name, from_time_us(row.created_at).isoformat())


def _row_key(session_id: str) -> str:
    digest = hashlib.sha256(session_id.encode()).digest()
    return SESSION_ROW + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _session_rows(conn: Connection) -> list[tuple[str, int, int]]:
    """Every open session as (row key, user id, start in µs)."""
    rows = conn.execute(
        select(settings.c.key, settings.c.value).where(
            settings.c.key.startswith(SESSION_ROW, autoescape=True)
        )
    ).all()
    found = []
    for key, value in rows:
        owner, since = _parse(value)
        found.append((str(key), owner, since))
    return found


def _parse(value: str) -> tuple[int, int]:
    try:
        data = json.loads(value)
        return int(data["user"]), int(data["since"])
    except (ValueError, KeyError, TypeError):
        return -1, 0  # damaged: belongs to nobody, swept as expired


def _delete_sessions(conn: Connection, doomed: Callable[[int, int], bool]) -> int:
    keys = [key for key, owner, since in _session_rows(conn) if doomed(owner, since)]
    if keys:
        conn.execute(delete(settings).where(settings.c.key.in_(keys)))
    return len(keys)


def open_session(ledger: Ledger, user: WebUser) -> Session:
    """A new signed-in session for ``user``, kept in the store (see the module)."""
    session_id = secrets.token_urlsafe(32)
    now = now_us()
    oldest = now - SESSION_SECONDS * 1_000_000
    with ledger.write() as conn:
        _delete_sessions(conn, lambda _owner, since: since < oldest)
        value = json.dumps({"user": user.id, "since": now})
        conn.execute(insert(settings).values(key=_row_key(session_id), value=value))
    return Session.anonymous().signed_in(user.id, user.name, session_id)


def close_session(ledger: Ledger, session: Session) -> None:
    """End ``session`` in the store: its cookie, wherever a copy is, no longer signs in."""
    if session.session_id is None:
        return
    with ledger.write() as conn:
        conn.execute(delete(settings).where(settings.c.key == _row_key(session.session_id)))


def session_user(ledger: Ledger, session: Session) -> str | None:
    """The name of the user signed in by ``session``, or ``None`` when nobody is: no
    session id, a session that was closed, or a user removed since."""
    if session.user_id is None or session.session_id is None:
        return None
    with ledger.read() as conn:
        value = conn.execute(
            select(settings.c.value).where(settings.c.key == _row_key(session.session_id))
        ).scalar()
        if value is None or _parse(str(value))[0] != session.user_id:
            return None
        name = conn.execute(
            select(web_users.c.name).where(web_users.c.id == session.user_id)
        ).scalar()
    return None if name is None else str(name)
