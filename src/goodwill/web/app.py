"""The web app's factory: one FastAPI app over one store, its routers, its session and
header middleware, and the one place errors become HTTP statuses.

``goodwill serve`` runs :func:`create_app` under uvicorn; tests build it the same way. The
pages and the ``/api/`` routes call the same service functions as the CLI, through
:mod:`goodwill.web.views` and :mod:`goodwill.web.person_view`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from goodwill.errors import AlgorithmInputError, GoodwillError, NotFoundError, StoreError
from goodwill.ledger import open_ledger
from goodwill.ledger.store import StoreBusyError
from goodwill.trust.policy import Policy, default_policy
from goodwill.web.cache import Caches
from goodwill.web.capacity import threads_within_connections
from goodwill.web.deps import LoginRequired, csrf_guard, refuse_nul
from goodwill.web.render import STATIC, render
from goodwill.web.routes import api as api_routes
from goodwill.web.routes import auth as auth_routes
from goodwill.web.routes import circles as circles_routes
from goodwill.web.routes import dashboard as dashboard_routes
from goodwill.web.routes import imports as imports_routes
from goodwill.web.routes import people as people_routes
from goodwill.web.routes import relationships as relationships_routes
from goodwill.web.secret import session_secret
from goodwill.web.security import (
    COOKIE,
    SECURITY_HEADERS,
    SESSION_SECONDS,
    LoginLimiter,
    Session,
    SessionCodec,
    addressed_to_this_machine,
)
from goodwill.web.single_flight import PREPARING_WAIT_SECONDS, StillPreparing
from goodwill.web.warm import Warmer

__all__ = ["RETRY_AFTER_SECONDS", "create_app"]

#: What a 503 (the store busy past its timeout, see docs/ledger.md) asks clients to wait.
RETRY_AFTER_SECONDS = 5


def create_app(
    store_url: str,
    *,
    auth: bool = True,
    secret: bytes | None = None,
    policy: Policy | None = None,
    warm: bool = False,
    wait_seconds: float = PREPARING_WAIT_SECONDS,
) -> FastAPI:
    """The web app over the store at ``store_url``.

    ``auth=False`` lets anyone who can reach the server in (``goodwill serve`` allows it on
    loopback only). ``secret`` signs session cookies; without one the store's own key
    signs them (:mod:`goodwill.web.secret`, made on the first serve), so sessions survive
    a restart.

    ``warm=True`` (``goodwill serve``) starts the background warmer
    (:mod:`goodwill.web.warm`): the moment as of now is computed as soon as the app runs,
    after each write, and again in the background when it is past its age. Without it
    (tests), pages compute what they need themselves. ``wait_seconds`` bounds how long a
    page waits for a computation another request started (then 503, "preparing").
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.ledger = open_ledger(store_url)
        warmer = None
        try:
            app.state.codec = SessionCodec(secret or session_secret(app.state.ledger))
            threads_within_connections(app.state.ledger)
            if warm:
                warmer = app.state.warmer = Warmer(
                    app.state.ledger, app.state.caches, app.state.policy
                )
                warmer.start()
            yield
        finally:
            if warmer is not None:
                warmer.stop()
            app.state.ledger.close()

    app = FastAPI(
        title="goodwill",
        summary="Trust earned from what people actually did with each other.",
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[Depends(csrf_guard), Depends(refuse_nul)],
        docs_url=None,  # the interactive docs load scripts from a CDN; the app stays offline
        redoc_url=None,
    )
    app.state.auth = auth
    app.state.limiter = LoginLimiter()
    app.state.policy = policy or default_policy()
    app.state.caches = Caches(wait_seconds=wait_seconds)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (
        auth_routes,
        dashboard_routes,
        people_routes,
        relationships_routes,
        circles_routes,
        imports_routes,
        api_routes,
    ):
        app.include_router(module.router)
    app.middleware("http")(_sessions_and_headers)
    _install_handlers(app)
    return app


async def _sessions_and_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Read the session cookie before the route, (re)send it when the route changed it,
    and add the security headers to every response. Without sign-in, answer only requests
    addressed to this machine (see :func:`addressed_to_this_machine`)."""
    if not request.app.state.auth and not addressed_to_this_machine(
        request.headers.get("host", "")
    ):
        refused = PlainTextResponse(
            "this goodwill server runs without sign-in, so it answers only requests addressed "
            "to this machine (localhost, 127.0.0.1 or [::1]); open it at one of those",
            status_code=421,
        )
        return _with_security_headers(request, refused)
    codec: SessionCodec = request.app.state.codec
    request.state.session = codec.loads(request.cookies.get(COOKIE)) or Session.anonymous()
    response = await call_next(request)
    session: Session = request.state.session
    if session.fresh:
        response.set_cookie(
            COOKIE,
            codec.dumps(session),
            max_age=SESSION_SECONDS,
            path="/",
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    return _with_security_headers(request, response)


def _with_security_headers(request: Request, response: Response) -> Response:
    """``response`` with :data:`SECURITY_HEADERS`, and ``no-store`` unless it is static."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if not request.url.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")  # pages hold personal data
    return response


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _status_of(exc: GoodwillError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, AlgorithmInputError):
        return 400
    if isinstance(exc, StoreBusyError):
        return 503  # another writer held the store past the busy timeout: try again soon
    if isinstance(exc, StoreError):
        return 409  # e.g. no owner recorded yet: the message says what to do
    return 400


def _error(request: Request, status: int, message: str, *, preparing: bool = False) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    at = request.query_params.get("at")
    return render(
        request, "error.html", status_code=status, at=at, status=status, message=message,
        preparing=RETRY_AFTER_SECONDS if preparing else None,
    )  # fmt: skip


def _install_handlers(app: FastAPI) -> None:
    """Map login redirects, goodwill's errors and HTTP errors to pages or JSON."""

    async def login_required(request: Request, _exc: Exception) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": "sign in first: POST /login, then send the session cookie"},
                status_code=401,
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    async def goodwill_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, GoodwillError)
        preparing = isinstance(exc, StillPreparing)
        response = _error(request, _status_of(exc), str(exc), preparing=preparing)
        if response.status_code == 503:
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    async def store_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DBAPIError)
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        response = _error(request, 503, f"the store reported an error: {reason}; try again")
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        response = _error(request, exc.status_code, str(exc.detail))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    async def bad_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if _wants_json(request):
            return JSONResponse({"detail": exc.errors()}, status_code=422)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}"
            for e in exc.errors()
        )
        return _error(request, 422, f"the request was not understood ({problems})")

    async def no_connection(request: Request, _exc: Exception) -> Response:
        # every pooled connection is held by a slow request: busy, not broken
        response = _error(
            request,
            503,
            "the server is busy: every connection to the store is in use by other requests; "
            "try again in a few seconds",
        )
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    async def server_error(request: Request, _exc: Exception) -> Response:
        # A bug. Starlette sends this from outside every middleware (and logs the
        # exception), so the headers are added here; the exception's text, which may
        # quote the store, is not shown.
        message = "goodwill failed to answer this request (a bug): the server's log says why"
        response: Response = (
            JSONResponse({"detail": message}, status_code=500)
            if _wants_json(request)
            else PlainTextResponse(message, status_code=500)
        )
        return _with_security_headers(request, response)

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(GoodwillError, goodwill_error)
    app.add_exception_handler(DBAPIError, store_error)
    app.add_exception_handler(PoolTimeout, no_connection)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, bad_request)
    app.add_exception_handler(Exception, server_error)
