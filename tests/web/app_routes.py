"""Every endpoint of the web app, read from the app itself, for tests that must cover all of
them (sign-in, CSRF, headers, injection) without a list that falls behind as pages are added.

FastAPI 0.165 keeps included routers as lazy branches of ``app.routes``; its public
``fastapi.routing.iter_route_contexts`` flattens them (older versions list the routes
directly, which the fallback reads).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Mount

__all__ = ["Endpoint", "endpoints", "filled", "mounts"]

_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Endpoint:
    """One method on one path, with the parameters a request may carry."""

    method: str
    path: str
    name: str
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]
    required_query: tuple[str, ...]

    @property
    def api(self) -> bool:
        """A JSON route: strangers get 401 rather than the login form."""
        return self.path.startswith("/api/") or self.path == "/openapi.json"

    @property
    def unsafe(self) -> bool:
        """A method that changes something, so it must carry the CSRF token."""
        return self.method in _UNSAFE

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _flat_routes(app: FastAPI) -> Iterator[tuple[BaseRoute, str, set[str]]]:
    """Each route with the path and methods it answers on (an included router's prefix
    applied)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before lazy included routers
        for route in app.routes:
            yield route, str(getattr(route, "path", "")), set(getattr(route, "methods", ()) or ())
        return
    for context in iter_route_contexts(app.routes):
        yield context.original_route, str(context.path), set(context.methods or ())


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def endpoints(app: FastAPI) -> list[Endpoint]:
    """Every (method, path) the app answers but its mounts, HEAD left out (Starlette
    answers it as GET)."""
    found: list[Endpoint] = []
    for route, path, methods in _flat_routes(app):
        if isinstance(route, Mount):
            continue  # see mounts()
        path_params: tuple[str, ...] = ()
        query: dict[str, bool] = {}
        if isinstance(route, APIRoute):
            parts = list(_dependants(route.dependant))
            path_params = tuple(sorted({p.alias for d in parts for p in d.path_params}))
            query = {q.alias: q.field_info.is_required() for d in parts for q in d.query_params}
        for method in sorted(methods - {"HEAD"}):
            found.append(
                Endpoint(
                    method=method,
                    path=path,
                    name=str(getattr(route, "name", "")),
                    path_params=path_params,
                    query_params=tuple(sorted(query)),
                    required_query=tuple(sorted(q for q, required in query.items() if required)),
                )
            )
    return found


def mounts(app: FastAPI) -> list[str]:
    """The paths of the app's mounts (static files), which serve without routes."""
    return [route.path for route in app.routes if isinstance(route, Mount)]


def filled(endpoint: Endpoint, values: dict[str, Any]) -> str:
    """``endpoint``'s path with each ``{parameter}`` replaced by ``values``; a parameter with
    no value fails, naming what to add, so a new route cannot slip through untested."""
    path = endpoint.path
    for name in endpoint.path_params:
        if name not in values:
            raise AssertionError(
                f"{endpoint} takes {{{name}}}, which the security tests have no real value for: "
                f"add one to the values they fill paths with"
            )
        path = path.replace(f"{{{name}}}", str(values[name]))
    return path
