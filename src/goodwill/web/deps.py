"""Typed dependencies the routes declare: the ledger, the session, the signed-in user, the
policy, the ``?at=`` moment, and the two guards every request passes through (CSRF on
every POST, no NUL character anywhere)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request

from goodwill.ledger import Ledger
from goodwill.trust.policy import Policy
from goodwill.trust.report import parse_moment
from goodwill.web.security import Session
from goodwill.web.users import session_user

__all__ = [
    "AtDep",
    "LedgerDep",
    "LoginRequired",
    "Moment",
    "PolicyDep",
    "SessionDep",
    "UserDep",
    "csrf_guard",
    "refuse_nul",
]

#: The user name pages show when the app runs without sign-in (loopback only).
LOCAL_USER = "local"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class LoginRequired(Exception):
    """Raised by :func:`current_user` when nobody (or a removed user) is signed in: pages
    redirect to the login form, the API answers 401."""


def get_ledger(request: Request) -> Ledger:
    """The ledger the app opened at start-up."""
    ledger: Ledger = request.app.state.ledger
    return ledger


LedgerDep = Annotated[Ledger, Depends(get_ledger)]


def get_session(request: Request) -> Session:
    """The session the middleware read from the cookie (or made for this request)."""
    session: Session = request.state.session
    return session


SessionDep = Annotated[Session, Depends(get_session)]


def current_user(request: Request, session: SessionDep, ledger: LedgerDep) -> str:
    """The signed-in user's name; :class:`LoginRequired` if there is none."""
    if not request.app.state.auth:
        return session.user or LOCAL_USER
    if session.user_id is None:
        raise LoginRequired
    name = session_user(ledger, session)
    if name is None:  # signed out (this copy of the cookie or another), or removed since
        raise LoginRequired
    return name


UserDep = Annotated[str, Depends(current_user)]


def get_policy(request: Request) -> Policy:
    """The evidence policy the app was started with."""
    policy: Policy = request.app.state.policy
    return policy


PolicyDep = Annotated[Policy, Depends(get_policy)]


@dataclass(frozen=True, slots=True)
class Moment:
    """The moment a page is as of: ``text`` as given (kept in links), ``us`` as parsed."""

    text: str | None
    us: int


def moment(
    at: Annotated[
        str | None,
        Query(
            description="As of this date (YYYY-MM-DD, its first instant in UTC) or ISO time; "
            "nothing after it counts. Default: now.",
            max_length=40,
        ),
    ] = None,
) -> Moment:
    """``?at=`` parsed as ``--at`` is (an unreadable date is a 400 with the reason)."""
    text = at.strip() if at and at.strip() else None
    return Moment(text, parse_moment(text))


AtDep = Annotated[Moment, Depends(moment)]


async def csrf_guard(request: Request) -> None:
    """Refuse (403) any unsafe request whose CSRF token, from the form field ``csrf_token``
    or the ``X-CSRF-Token`` header, is not the session's."""
    if request.method in _SAFE_METHODS:
        return
    token: object = request.headers.get("x-csrf-token")
    if token is None and request.headers.get("content-type", "").startswith(_FORMS):
        token = (await request.form()).get("csrf_token")
    session: Session = request.state.session
    if not isinstance(token, str) or not hmac.compare_digest(token.encode(), session.csrf.encode()):
        raise HTTPException(
            status_code=403,
            detail="the form is missing its security token or it has expired: "
            "reload the page and try again",
        )


async def refuse_nul(request: Request) -> None:
    """Refuse (400) a request whose path, query or form fields hold a NUL character.

    No name, handle, date or choice holds one, and the stores would misread it: SQLite's
    ``LIKE`` stops reading a bound text at its first NUL (``a\\0b`` would search for ``a``,
    ``\\0`` alone for everyone), and PostgreSQL refuses the text outright.
    """
    texts = [request.url.path, *request.query_params.values()]
    is_form = request.headers.get("content-type", "").startswith(_FORMS)
    if request.method not in _SAFE_METHODS and is_form:
        texts += [v for v in (await request.form()).values() if isinstance(v, str)]
    if any("\x00" in text for text in texts):
        raise HTTPException(
            status_code=400,
            detail="the request holds a NUL character (%00), which no name, handle or date "
            "contains: remove it and try again",
        )
