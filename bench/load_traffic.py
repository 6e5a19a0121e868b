"""The load benchmark's users: each signs in through the form with its own session, then
asks for a page from a weighted mix, reads it for a moment, and asks for the next, until
the run's request budget or time is spent.

The mix is what someone working through their relationships does: the dashboard, people
searches, person pages (mostly of the owner's closest contacts, which are visited again and
again, and some of anyone among the store's people, which are not), the relationships
table page by page, the circles, and the JSON API a script or the pages' pictures call.
Every URL comes from a per-user seeded random generator, so a run is repeatable.
"""

from __future__ import annotations

import asyncio
import html
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

__all__ = ["MIX", "Outcome", "Targets", "Traffic", "sign_in", "simulate"]

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_MESSAGE = re.compile(r'<p class="error" role="alert">(.*?)</p>', re.S)


@dataclass(frozen=True)
class Targets:
    """What URLs are made of: people ids, the owner's closest contacts, search words."""

    people: list[int]
    contacts: list[int]
    searches: list[str]
    at: str | None

    def person(self, rng: random.Random) -> int:
        """A close contact three times in five, anyone otherwise."""
        chosen = self.contacts if self.contacts and rng.random() < 0.6 else self.people
        return rng.choice(chosen)


def _search(rng: random.Random, targets: Targets) -> str:
    return rng.choice(targets.searches)


def _relationships(rng: random.Random, _targets: Targets) -> str:
    order = rng.choice(["trust", "last_contact", "events"])
    return f"/relationships?page={rng.randint(1, 5)}&sort={order}"


#: (label, weight, URL maker). Weights are percentages of requests.
MIX: list[tuple[str, int, Callable[[random.Random, Targets], str]]] = [
    ("dashboard", 14, lambda r, t: "/"),
    ("people search", 14, lambda r, t: f"/people?q={_search(r, t)}"),
    ("person", 20, lambda r, t: f"/people/{t.person(r)}"),
    ("relationships", 8, _relationships),
    ("circles", 4, lambda r, t: "/circles"),
    ("api dashboard", 5, lambda r, t: "/api/dashboard"),
    ("api agenda", 5, lambda r, t: "/api/agenda?top=20"),
    ("api people search", 10, lambda r, t: f"/api/people?q={_search(r, t)}"),
    ("api person", 10, lambda r, t: f"/api/people/{t.person(r)}"),
    (
        "api relationships",
        10,
        lambda r, t: f"/api/relationships?top=50&offset={r.randrange(0, 500, 50)}",
    ),
]


@dataclass(frozen=True)
class Outcome:
    """One request: which page, its status (0 when it never answered), how long it took."""

    page: str
    status: int
    ms: float
    error: str | None = None


@dataclass
class Traffic:
    """The run's shared budget and what every user recorded."""

    requests: int
    seconds: float
    think_seconds: float
    outcomes: list[Outcome] = field(default_factory=list)
    sign_ins: list[float] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0

    def take(self) -> bool:
        """Whether a user may send another request (and counts it)."""
        if self.requests <= 0 or time.monotonic() >= self.started + self.seconds:
            return False
        self.requests -= 1
        return True


async def sign_in(client: httpx.AsyncClient, name: str, password: str) -> float:
    """Through the login form, as a browser does; the milliseconds it took. Raises when
    it does not work."""
    started = time.perf_counter()
    found = _TOKEN.search((await client.get("/login")).text)
    if not found:
        raise RuntimeError("the login page has no CSRF token")
    form = {"name": name, "password": password, "csrf_token": found.group(1)}
    response = await client.post("/login", data=form)
    if response.status_code != 303:
        raise RuntimeError(f"signing in answered {response.status_code}")
    return (time.perf_counter() - started) * 1000


async def _browse(n: int, client: httpx.AsyncClient, targets: Targets, traffic: Traffic) -> None:
    """One user's clicks: a page from the mix, a pause to read it, the next."""
    rng = random.Random(n)
    labels = [label for label, _, _ in MIX]
    weights = [weight for _, weight, _ in MIX]
    makers = {label: make for label, _, make in MIX}
    await asyncio.sleep(rng.uniform(0, 2 * traffic.think_seconds))  # not all at once
    while traffic.take():
        page = rng.choices(labels, weights)[0]
        url = makers[page](rng, targets)
        if targets.at:
            url += f"{'&' if '?' in url else '?'}at={targets.at}"
        started = time.perf_counter()
        try:
            response = await client.get(url)
            status = response.status_code
            error = None if status == 200 else f"{status} {url}: {_reason(response)}"
        except httpx.HTTPError as exc:
            status, error = 0, f"{type(exc).__name__} {url}"
        ms = (time.perf_counter() - started) * 1000
        traffic.outcomes.append(Outcome(page, status, ms, error))
        await asyncio.sleep(rng.uniform(0, 2 * traffic.think_seconds))


def _reason(response: httpx.Response) -> str:
    """What an error answer says: the JSON detail, or the error page's message."""
    if response.headers.get("content-type", "").startswith("application/json"):
        return str(response.json().get("detail", ""))[:200]
    found = _MESSAGE.search(response.text)
    return html.unescape(found.group(1)).strip()[:200] if found else response.text[:200]


async def simulate(
    base: str, users: int, credentials: tuple[str, str], targets: Targets, traffic: Traffic,
    timeout: float,
) -> None:  # fmt: skip
    """``users`` users at once, each with its own session, until ``traffic``'s budget or
    time is spent. The clock starts once every user has signed in (timed apart)."""
    clients = [httpx.AsyncClient(base_url=base, timeout=timeout) for _ in range(users)]
    try:
        for client in clients:  # one after another: the sign-ins are not the load
            traffic.sign_ins.append(await sign_in(client, *credentials))
        traffic.started = time.monotonic()
        await asyncio.gather(*(_browse(n, c, targets, traffic) for n, c in enumerate(clients)))
        traffic.ended = time.monotonic()
    finally:
        for client in clients:
            await client.aclose()
