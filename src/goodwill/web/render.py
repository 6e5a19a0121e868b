"""Rendering pages: the Jinja2 environment (autoescaping on: imported texts are data, never
markup) and what every template receives besides its own values."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from goodwill.web.security import Session

__all__ = ["STATIC", "TEMPLATES", "link_maker", "render"]

#: Found beside this module, so an editable install and a wheel both serve them.
TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
_templates = Jinja2Templates(directory=TEMPLATES)
_templates.env.autoescape = True
_templates.env.trim_blocks = True
_templates.env.lstrip_blocks = True


def link_maker(at: str | None) -> Callable[..., str]:
    """A function for templates: ``link("/people", q="ann")`` -> ``/people?q=ann&at=...``,
    so every link keeps the page's ``?at=``."""

    def link(path: str, **params: Any) -> str:
        query = {k: v for k, v in params.items() if v not in (None, "")}
        if at:
            query["at"] = at
        return f"{path}?{urlencode(query)}" if query else path

    return link


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    at: str | None = None,
    user: str | None = None,
    **values: Any,
) -> Response:
    """The ``template`` with ``values``, the session's CSRF token, the user and links
    that keep ``at``."""
    session: Session | None = getattr(request.state, "session", None)
    context = {
        "csrf_token": session.csrf if session else "",
        "user": user,
        "auth": request.app.state.auth,
        "at": at,
        "link": link_maker(at),
        **values,
    }
    return _templates.TemplateResponse(request, template, context, status_code=status_code)
