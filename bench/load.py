"""Load: 50 users at once on the web app over 1,000,000 events and 10,000 people (issue #9).

What it does:

1. **The store** (``bench/load_store.py``): a seeded synthetic history imported through the
   ``csv`` source, its most active person as the owner, a user to sign in as; built once per
   seed and size and cached (``--cache``, default ``~/.cache/goodwill-bench``). A build
   says how long it took; a rerun finds it at once.
2. **The server**: ``goodwill serve`` in its own process on a free loopback port, over a
   copy of the cached store (the run writes to it), as a user starts it: one process,
   uvicorn's event loop with the app's thread pool for its (synchronous) routes, the page
   caches shared by every request, and the warmer computing the moment as of now from the
   start. ``--workers N`` runs ``uvicorn --workers N`` instead (N processes, each with its
   own caches, warmer and login counter): more CPU for pages, at N times the memory.
3. **Warm-up**: the *first page* after start, asked as soon as the server answers, and
   asked again (after its ``Retry-After``) while it answers 503 "preparing": how long a
   first visitor waits. Then each kind of page once, one after another, timed as *cold*
   (what every page of a moment shares is computed by then; what is the page's own is not).
4. **The users** (``bench/load_traffic.py``): ``--users`` at once, each signed in through
   the form with its own session, asking for pages from a weighted mix (dashboard, people
   searches, person pages, the relationships table, circles, the JSON API) with a pause of
   0 to 2x ``--think`` seconds between pages, until ``--requests`` requests were sent or
   ``--seconds`` passed. Every non-200 answer and every request that never answers (within
   ``--timeout``) is an error. This is the *steady state* the target is about.
5. **After a write**: a user pins the owner's closest contact to a circle through the
   circles page's form (a real write: the store's data version changes, as with an import
   or a note), and the next dashboard is timed until it answers 200, through any
   "preparing" answers: what the writer waits for.

It prints p50, p95 and p99 latency and errors per page and overall (a Rich table;
``--json FILE`` writes them too) and whether the issue's target (p95 under 200 ms, no
errors) is met. The client is an asyncio loop of httpx clients in this process rather than
``wrk``: the mix needs per-page percentiles (``wrk`` reports one distribution per run), a
session per user, and pauses between pages, and no new dependency was needed for it. It
shares the machine's cores with the server, as any client on loopback does; compare runs
on one machine.

Run from the repository root::

    .venv/bin/python bench/load.py                         # 1M events, 10k people, 50 users
    .venv/bin/python bench/load.py --events 100000 --people 2000 --requests 1000
    .venv/bin/python bench/load.py --at 2025-01-01 --json load.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from goodwill.ledger import open_ledger
from goodwill.ledger.schema import people
from goodwill.web import create_app
from load_store import NAME, PASSWORD, BuiltStore, cache_folder, load_store
from load_traffic import MIX, Outcome, Targets, Traffic, sign_in, simulate
from serving import answering

TARGET_P95_MS = 200.0
#: The warm-up's requests compute everything for their moment: minutes, not seconds.
COLD_TIMEOUT = 900.0
FIRST = "first request"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_WARMER = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) goodwill: (warm\w+ the moment.*)$", re.M
)


def app_from_env() -> Any:
    """The app over ``$GOODWILL_DB``: what ``uvicorn --factory`` starts in each worker."""
    return create_app(os.environ["GOODWILL_DB"], warm=True)


@dataclass(frozen=True)
class Server:
    """A running server: where it answers, and the file its messages go to."""

    base: str
    said: IO[bytes]
    pid: int
    workers: int

    def last_words(self, lines: int = 25) -> str:
        """The end of what the server wrote (tracebacks of failed requests, say)."""
        self.said.seek(0)
        return "\n".join(self.said.read().decode(errors="replace").splitlines()[-lines:])

    def warmer_said(self, since_monotonic: float) -> list[str]:
        """What the server's warmer said (computing the moment as of now, at start, after
        a write and when it is refreshed), each with its time from ``since_monotonic``."""
        self.said.seek(0)
        text = self.said.read().decode(errors="replace")
        wall_of_since = time.time() - (time.monotonic() - since_monotonic)
        found = []
        for stamp, message in _WARMER.findall(text):
            wall = time.mktime(time.strptime(stamp[:19], "%Y-%m-%d %H:%M:%S"))
            found.append(f"{wall + int(stamp[20:]) / 1000 - wall_of_since:+7.1f} s  {message}")
        return found

    def peak_mb(self) -> float | None:
        """The server process's peak resident memory so far (Linux; one worker only)."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text(encoding="ascii")
        except OSError:
            return None
        found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
        return int(found.group(1)) / 1024 if found and self.workers == 1 else None


@contextmanager
def served(store: BuiltStore, workers: int) -> Iterator[Server]:
    """The server on a free loopback port, in its own process(es), over a copy of the
    store (the after-write phase writes; the cached store stays as built)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    with tempfile.TemporaryDirectory(prefix="gw-load-run-") as work:
        copy = Path(work) / store.path.name
        shutil.copyfile(store.path, copy)
        with _serving(f"sqlite:///{copy}", port, workers) as server:
            yield server


@contextmanager
def _serving(url: str, port: str, workers: int) -> Iterator[Server]:
    if workers == 1:
        command = [sys.executable, "-m", "goodwill", "--db", url, "serve", "--port", port]
    else:
        command = [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(__file__).parent),
                   "--factory", "load:app_from_env", "--port", port, "--workers", str(workers),
                   "--log-level", "warning", "--no-server-header"]  # fmt: skip
    environment = {**os.environ, "GOODWILL_DB": url}
    with tempfile.TemporaryFile() as said:  # a file, not a pipe: a chatty server never blocks
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=said, env=environment)
        try:
            base = answering(f"http://127.0.0.1:{port}", server, said)
            yield Server(base, said, server.pid, workers)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _search_words() -> list[str]:
    """Fragments of the synthetic handles (``user12`` finds user12, user120, ...), and a
    few words that find nobody."""
    return [f"user{n}" for n in range(1, 200, 7)] + ["nobody", "zz-none", "ann lee"]


def _people_ids(store: BuiltStore) -> list[int]:
    with open_ledger(store.url) as ledger, ledger.read() as conn:
        current = people.c.merged_into.is_(None)
        return list(conn.execute(select(people.c.id).where(current)).scalars())


async def prepare(
    store: BuiltStore, base: str, at: str | None, warm: bool, say: Callable[[str], None]
) -> tuple[Targets, list[Outcome]]:
    """The URLs' ingredients (the owner's 50 closest contacts, asked of the API: the first
    request, which computes what the moment's pages share), and, when ``warm``, each kind
    of page once, in turn: the cold figures."""
    moment = {"at": at} if at else {}
    async with httpx.AsyncClient(base_url=base, timeout=COLD_TIMEOUT) as client:
        await sign_in(client, NAME, PASSWORD)
        first = await _timed(client, FIRST, "/api/relationships", {"top": 50, **moment})
        say(f"  {FIRST}: {first.ms / 1000:.1f} s ({first.error or 'no preparing answer'})")
        found = await client.get("/api/relationships", params={"top": 50, **moment})
        found.raise_for_status()
        contacts = [r["person"] for r in found.json()["relationships"]]
        targets = Targets(_people_ids(store), contacts, _search_words(), at)
        cold = [first]
        rng = random.Random(0)
        for label, _, make in MIX if warm else []:
            cold.append(await _timed(client, label, make(rng, targets), moment))
            say(f"  cold {label}: {cold[-1].ms / 1000:.1f} s ({cold[-1].status})")
    return targets, cold


async def _timed(
    client: httpx.AsyncClient, label: str, url: str, params: dict[str, Any]
) -> Outcome:
    """Until the page answers: through 503 "preparing" answers, each waited out for its
    ``Retry-After``, as the page's own reload does. ``error`` counts the 503s."""
    started, preparing = time.perf_counter(), 0
    response = await client.get(url, params=params)
    while response.status_code == 503 and time.perf_counter() - started < COLD_TIMEOUT:
        preparing += 1
        await asyncio.sleep(float(response.headers.get("retry-after", "1")))
        response = await client.get(url, params=params)
    said = f"{preparing} preparing answer{'s' * (preparing != 1)}" if preparing else None
    return Outcome(label, response.status_code, (time.perf_counter() - started) * 1000, said)


async def after_write(
    base: str, at: str | None, person: int, say: Callable[[str], None]
) -> Outcome:
    """Pin ``person`` to a circle through the circles page's form (a write, as any other:
    the store's data version changes), then time the dashboard until it answers."""
    moment = {"at": at} if at else {}
    async with httpx.AsyncClient(base_url=base, timeout=COLD_TIMEOUT) as client:
        await sign_in(client, NAME, PASSWORD)
        await _timed(client, "circles", "/circles", moment)  # ready before the write
        token = _TOKEN.search((await client.get("/circles", params=moment)).text)
        if token is None:
            raise RuntimeError("the circles page has no form to pin with")
        form = {"person": str(person), "level": "acquaintance", "csrf_token": token.group(1),
                "at": at or ""}  # fmt: skip
        pinned = await client.post("/circles/pin", data=form)
        if pinned.status_code != 303:
            raise RuntimeError(f"pinning answered {pinned.status_code}")
        found = await _timed(client, "after a write", "/", moment)
    say(f"  first dashboard after a write: {found.ms / 1000:.1f} s "
        f"({found.error or 'no preparing answer'})")  # fmt: skip
    return found


# -- figures -----------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with ``share`` of them at or below.

    >>> percentile([float(v) for v in range(1, 101)], 0.95)
    95.0
    """
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered), math.ceil(share * len(ordered))) - 1)]


def figures(outcomes: list[Outcome]) -> dict[str, Any]:
    """Requests, errors, and p50/p95/p99/max latency (ms) of ``outcomes``."""
    times = [o.ms for o in outcomes]
    return {
        "requests": len(outcomes),
        "errors": sum(o.error is not None for o in outcomes),
        **{f"p{q}_ms": round(percentile(times, q / 100), 1) for q in (50, 95, 99)},
        "max_ms": round(max(times), 1),
    }


def report(traffic: Traffic, cold: list[Outcome], written: Outcome | None) -> dict[str, Any]:
    """Every figure of a run, per page and overall."""
    pages = {}
    for label, weight, _ in MIX:
        mine = [o for o in traffic.outcomes if o.page == label]
        if mine:
            pages[label] = {"weight_percent": weight, **figures(mine)}
    overall = figures(traffic.outcomes)
    seconds = traffic.ended - traffic.started
    return {
        "pages": pages,
        "overall": overall,
        "seconds": round(seconds, 1),
        "throughput_per_second": round(len(traffic.outcomes) / seconds, 1) if seconds else 0.0,
        "cold_ms": {o.page: round(o.ms, 1) for o in cold if o.page != FIRST},
        "first_request_ms": round(cold[0].ms, 1) if cold else None,
        "first_request_preparing": cold[0].error if cold else None,
        "after_write_ms": round(written.ms, 1) if written else None,
        "after_write_preparing": written.error if written else None,
        "cold_errors": [f"{o.page}: {o.status}" for o in cold if o.status != 200]
        + ([f"after a write: {written.status}"] if written and written.status != 200 else []),
        "sign_in_ms": figures([Outcome("sign in", 303, ms) for ms in traffic.sign_ins]),
        "first_errors": [o.error for o in traffic.outcomes if o.error][:10],
        "target_met": overall["p95_ms"] < TARGET_P95_MS and overall["errors"] == 0,
    }


def table(found: dict[str, Any], users: int) -> Table:
    overall = found["overall"]
    title = (f"Steady state, {users} users: {overall['requests']:,} requests in "
             f"{found['seconds']:.0f} s "
             f"({found['throughput_per_second']:.1f}/s)")  # fmt: skip
    shown = Table(title=title)
    for column in (
        "page",
        "share",
        "requests",
        "errors",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "cold ms",
    ):
        shown.add_column(column, justify="left" if column == "page" else "right")
    rows = [(label, f"{v['weight_percent']}%", v) for label, v in found["pages"].items()]
    for label, share, v in [*rows, ("overall", "", found["overall"])]:
        cold = found["cold_ms"].get(label)
        shown.add_row(
            f"[bold]{label}[/]" if label == "overall" else label, share, f"{v['requests']:,}",
            f"[red]{v['errors']}[/]" if v["errors"] else "0",
            f"{v['p50_ms']:.0f}", f"{v['p95_ms']:.0f}", f"{v['p99_ms']:.0f}", f"{v['max_ms']:.0f}",
            "" if cold is None else f"{cold:.0f}",
        )  # fmt: skip
    return shown


# -- the run -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--events", type=int, default=1_000_000, help="events in the store")
    add("--people", type=int, default=10_000, help="people (distinct handles) in the store")
    add("--seed", type=int, default=1, help="the synthetic history's seed")
    add("--cache", type=Path, default=None, help="where built stores are kept")
    add("--users", type=int, default=50, help="users at once")
    add("--requests", type=int, default=5_000, help="at most this many requests")
    add("--seconds", type=float, default=180.0, help="at most this long (after sign-in)")
    add("--think", type=float, default=1.0, help="mean pause between a user's pages (s)")
    add("--timeout", type=float, default=60.0, help="a request slower than this is an error")
    add("--workers", type=int, default=1, help="server processes (1: goodwill serve)")
    add("--at", default=None, help="pages as of this date (default: as of now, as users see them)")
    add("--no-warm-up", action="store_true", help="skip the cold requests before the users")
    add("--no-write", action="store_true", help="skip the write and the page after it")
    add("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if min(args.events, args.people, args.users, args.requests, args.workers) < 1:
        parser.error("--events, --people, --users, --requests and --workers must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console() if sys.stdout.isatty() else Console(width=132)
    console.print(f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
                  f"{platform.platform()} (shared: compare runs on one machine)")  # fmt: skip
    started = time.perf_counter()
    store = load_store(args.cache or cache_folder(), seed=args.seed, events=args.events,
                       people=args.people)  # fmt: skip
    if store.cached:
        console.print(f"Store: {store.path} (cached; built once for seed {args.seed})")
    else:
        console.print(f"Store built in {time.perf_counter() - started:.0f} s: events written "
                      f"{store.generate_seconds:.0f} s, imported {store.import_seconds:.0f} s, "
                      f"owner and user {store.owner_seconds:.0f} s -> {store.path}")  # fmt: skip
    console.print(f"Owner: {', '.join(store.owner_handles)} (person {store.owner})")
    with served(store, args.workers) as server:
        console.print(f"Warm-up as of {args.at or 'now'}, one request at a time:")
        targets, cold = asyncio.run(
            prepare(store, server.base, args.at, not args.no_warm_up, console.print)
        )
        traffic = Traffic(args.requests, args.seconds, args.think)
        credentials = (NAME, PASSWORD)
        asyncio.run(simulate(server.base, args.users, credentials, targets, traffic, args.timeout))
        if any(o.status >= 500 for o in traffic.outcomes):
            console.print(f"The server's last words:\n{server.last_words()}", highlight=False)
        written = None
        if not args.no_write:
            console.print("A write, then the writer's next page:")
            contact = (targets.contacts or targets.people)[0]
            written = asyncio.run(after_write(server.base, args.at, contact, console.print))
        peak = server.peak_mb()
        warmer = server.warmer_said(traffic.started)
    found = report(traffic, cold, written)
    found["warmer"] = warmer
    console.print(f"The warmer, from the start of the steady state (which lasted "
                  f"{traffic.ended - traffic.started:.0f} s):")  # fmt: skip
    for line in warmer:
        console.print(f"  {line}", highlight=False)
    found["server_peak_mb"] = None if peak is None else round(peak)
    if peak is not None:
        console.print(f"Server's peak memory: {peak:,.0f} MB")
    console.print(table(found, args.users))
    signing = found["sign_in_ms"]
    console.print(f"Sign-in (one user after another, not in the table): p50 "
                  f"{signing['p50_ms']:.0f} ms, p95 {signing['p95_ms']:.0f} ms")  # fmt: skip
    for error in found["first_errors"] + found["cold_errors"]:
        console.print(f"  [red]error[/] {error}", highlight=False)
    verdict = "met" if found["target_met"] else "NOT met"
    console.print(f"Target (overall p95 under {TARGET_P95_MS:.0f} ms, no errors): {verdict}")
    if args.json:
        config = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
        store_info = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(store).items()}
        document = {"config": config, "store": store_info, "cpus": os.cpu_count(), **found}
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
