"""The web app's defences: signed session cookies, CSRF tokens, the login rate limit and
the security headers every response carries.

- **Sessions** are a signed cookie (itsdangerous, HMAC-SHA1 over a JSON payload with a
  timestamp): the user's id and name, the session's id and its CSRF token. The store keeps
  a digest of each signed-in session's id (:mod:`goodwill.web.users`), so a session ends
  :data:`SESSION_SECONDS` after login, at logout (its row is deleted: a copy of the cookie
  is refused too), when the user is removed, at a restore, or when the server restarts with
  a new secret. The cookie is HttpOnly, SameSite=Lax, and Secure over https.
- **CSRF**: every session (even before login) carries a random token; every form posts it
  back and every POST without the matching token is refused with 403.
- **Login rate limit**: :data:`LOGIN_FAILURES` failed logins for one name from one address
  within :data:`LOGIN_WINDOW_SECONDS` make further attempts answer 429 until the oldest
  failure leaves the window. An attempt counts from the moment it starts (a success then
  forgets the name and address's failures), so guesses sent in parallel are bounded too.
  Kept in memory: a restart forgets it, and each server process counts on its own.
"""

from __future__ import annotations

import ipaddress
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, replace

from itsdangerous import BadSignature, URLSafeTimedSerializer

__all__ = [
    "COOKIE",
    "LOGIN_FAILURES",
    "LOGIN_WINDOW_SECONDS",
    "SECURITY_HEADERS",
    "SESSION_SECONDS",
    "LoginLimiter",
    "Session",
    "SessionCodec",
    "addressed_to_this_machine",
]

COOKIE = "goodwill_session"
#: A working day: long enough not to interrupt a session of work, short enough that a
#: forgotten browser on a shared machine does not stay signed in overnight.
SESSION_SECONDS = 12 * 3600
#: Five tries cover typing mistakes; more, fast, from one address, is guessing.
LOGIN_FAILURES = 5
#: Five minutes: a guesser gets at most 60 tries an hour per name and address.
LOGIN_WINDOW_SECONDS = 300

#: Sent with every response. The pages load nothing from elsewhere (no CDN, no inline
#: script), so the policy can be strict: an injected script tag would not run.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'self'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@dataclass(frozen=True, slots=True)
class Session:
    """What the session cookie says: who is signed in (if anyone), the session's id (kept
    in the store while it is open) and the CSRF token."""

    csrf: str
    user_id: int | None = None
    user: str | None = None
    fresh: bool = False  # made by this request: the cookie must be (re)sent
    session_id: str | None = None

    @classmethod
    def anonymous(cls) -> Session:
        """A new session with nobody signed in and a new CSRF token."""
        return cls(csrf=secrets.token_urlsafe(32), fresh=True)

    def signed_in(self, user_id: int, user: str, session_id: str) -> Session:
        """A new session for ``user``: a new token, so a token seen before login is useless
        (``session_id`` is the one :func:`goodwill.web.users.open_session` kept)."""
        return replace(Session.anonymous(), user_id=user_id, user=user, session_id=session_id)


class SessionCodec:
    """Turns sessions into signed cookie values and back, refusing forged or old ones."""

    def __init__(self, secret: bytes, *, max_age: int = SESSION_SECONDS) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="goodwill-session")
        self.max_age = max_age

    def dumps(self, session: Session) -> str:
        """The cookie value for ``session``."""
        payload = {"c": session.csrf, "i": session.user_id, "u": session.user}
        if session.session_id is not None:
            payload["s"] = session.session_id
        return str(self._serializer.dumps(payload))

    def loads(self, value: str | None) -> Session | None:
        """The session in a cookie value; ``None`` if absent, forged, malformed or expired."""
        if not value:
            return None
        try:
            payload = self._serializer.loads(value, max_age=self.max_age)
        except BadSignature:  # includes SignatureExpired
            return None
        if not isinstance(payload, dict) or not isinstance(payload.get("c"), str):
            return None
        user_id, user, session_id = payload.get("i"), payload.get("u"), payload.get("s")
        if not (isinstance(user_id, int) and isinstance(user, str) and isinstance(session_id, str)):
            user_id, user, session_id = None, None, None  # a cookie from before sessions were kept
        return Session(csrf=payload["c"], user_id=user_id, user=user, session_id=session_id)


class LoginLimiter:
    """Counts failed logins per (name, address) in a sliding window, in memory."""

    def __init__(
        self, *, failures: int = LOGIN_FAILURES, window_seconds: float = LOGIN_WINDOW_SECONDS
    ) -> None:
        self.failures = failures
        self.window = window_seconds
        self._seen: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._seen.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, name: str, address: str) -> int:
        """Seconds until ``name`` may try again from ``address``; 0 when they may now."""
        now = time.monotonic()
        with self._lock:
            return self._wait((name.lower(), address), now)

    def attempt(self, name: str, address: str) -> int:
        """Start a login: 0, with the attempt counted as a failure until :meth:`succeeded`
        forgets it, or the seconds to wait (nothing counted).

        Checking and counting under one lock is what bounds parallel guesses: were the
        failure recorded only once the password check (tens of milliseconds) had failed,
        twenty guesses sent at once would all be checked before the first was counted.
        """
        key, now = (name.lower(), address), time.monotonic()
        with self._lock:
            wait = self._wait(key, now)
            if not wait:
                self._record(key, now)
            return wait

    def _wait(self, key: tuple[str, str], now: float) -> int:
        times = self._recent(key, now)
        if len(times) < self.failures:
            return 0
        return max(1, int(times[0] + self.window - now + 0.999))

    def _record(self, key: tuple[str, str], now: float) -> None:
        self._recent(key, now).append(now)
        if len(self._seen) > 10_000:  # a flood of names must not grow memory for ever
            stale = [k for k, v in self._seen.items() if not v or v[-1] <= now - self.window]
            for k in stale:
                del self._seen[k]

    def succeeded(self, name: str, address: str) -> None:
        """Forget the failures of a name and address that just signed in."""
        with self._lock:
            self._seen.pop((name.lower(), address), None)


def addressed_to_this_machine(host_header: str) -> bool:
    """Whether a request's ``Host`` names this machine (``localhost``, a loopback address),
    whatever the port.

    A server without sign-in checks this, against DNS rebinding: a page from elsewhere
    that makes its own name resolve to 127.0.0.1 can send requests to the server and
    read the answers, but they are addressed to that name.

    >>> [addressed_to_this_machine(h) for h in ("127.0.0.1:8000", "[::1]:80", "LocalHost")]
    [True, True, True]
    >>> [addressed_to_this_machine(h) for h in ("evil.example:8000", "127.0.0.1.evil.example", "")]
    [False, False, False]
    """
    host = host_header.strip().lower()
    if host.startswith("["):
        host = host[1:].partition("]")[0]
    elif host.count(":") == 1:
        host = host.partition(":")[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
