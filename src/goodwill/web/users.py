"""Who may sign in to the web app: the ``web_users`` table, passwords as argon2 hashes.

The CLI (``goodwill user add/list/remove``) and the login page both come here. A password
is never stored nor logged: only its argon2id hash (argon2-cffi's defaults, RFC 9106's
low-memory profile), which is re-hashed on the next login when those defaults change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select, update

from goodwill.errors import GoodwillError, NotFoundError
from goodwill.events import from_time_us, now_us
from goodwill.ledger import Ledger
from goodwill.ledger.schema import web_users

__all__ = [
    "MIN_PASSWORD",
    "WebUser",
    "add_user",
    "check_password",
    "count_users",
    "list_users",
    "remove_user",
    "user_exists",
]

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
    """Delete a user; their open sessions end at their next request."""
    with ledger.write() as conn:
        removed = conn.execute(delete(web_users).where(web_users.c.name == name)).rowcount
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


def user_exists(ledger: Ledger, user_id: int) -> str | None:
    """The name of user ``user_id`` if they still exist (a removed user's session ends)."""
    with ledger.read() as conn:
        name = conn.execute(select(web_users.c.name).where(web_users.c.id == user_id)).scalar()
    return None if name is None else str(name)
