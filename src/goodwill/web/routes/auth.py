"""Signing in and out: the login form, its rate limit, and logout."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from goodwill.web.deps import LedgerDep, SessionDep
from goodwill.web.render import render
from goodwill.web.security import LoginLimiter, Session
from goodwill.web.users import check_password, close_session, open_session

router = APIRouter(tags=["auth"], include_in_schema=False)


def _next_page(target: str | None) -> str:
    """Where to go after signing in: only a path on this site, never another host."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


@router.get("/login")
def login_form(request: Request, session: SessionDep, next: str | None = None) -> Response:
    """The sign-in form (straight to the dashboard when already signed in, or without auth)."""
    if not request.app.state.auth or session.user_id is not None:
        return RedirectResponse(_next_page(next), status_code=303)
    return render(request, "login.html", next=_next_page(next), error=None, name="")


@router.post("/login")
def login(
    request: Request,
    ledger: LedgerDep,
    session: SessionDep,
    name: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the password; on success a new session (with a new CSRF token) and a redirect."""
    limiter: LoginLimiter = request.app.state.limiter
    address = request.client.host if request.client else "unknown"
    wait = limiter.attempt(name, address)  # counted as a failure until it succeeds
    if wait:
        raise HTTPException(
            status_code=429,
            detail=f"too many failed sign-ins for {name!r}: try again in {wait} seconds",
            headers={"Retry-After": str(wait)},
        )
    user = check_password(ledger, name, password)
    if user is None:
        return render(
            request,
            "login.html",
            status_code=401,
            next=_next_page(next),
            error="wrong name or password",
            name=name,
        )
    limiter.succeeded(name, address)
    close_session(ledger, session)  # signing in again ends the session this browser had
    request.state.session = open_session(ledger, user)
    return RedirectResponse(_next_page(next), status_code=303)


@router.post("/logout")
def logout(request: Request, ledger: LedgerDep, session: SessionDep) -> Response:
    """End the session in the store (a copy of its cookie no longer signs in) and replace
    the cookie by one with nobody signed in."""
    close_session(ledger, session)
    request.state.session = Session.anonymous()
    return RedirectResponse("/login" if request.app.state.auth else "/", status_code=303)
