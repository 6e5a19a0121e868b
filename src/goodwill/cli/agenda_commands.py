"""The agenda and the owner's word on it: agenda, done, snooze, dismiss, trip."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table

from goodwill.cli.app import app, open_store, out
from goodwill.cli.terminal import inert
from goodwill.cli.trust_commands import AtOption, JsonFlag, PolicyOption
from goodwill.events import from_time_us
from goodwill.insights.agenda import build_agenda, find_item
from goodwill.insights.agenda_base import ACTIONS, US_PER_DAY, AgendaItem
from goodwill.insights.agenda_notes import item_notes, note_on_item
from goodwill.insights.agenda_settings import default_settings
from goodwill.insights.citing import Cited, cite
from goodwill.insights.trips import record_trip, same_city, trips
from goodwill.ledger import Ledger
from goodwill.trust.policy import load_policy
from goodwill.trust.report import parse_moment

ItemArg = Annotated[
    str, typer.Argument(help="The item's key, as goodwill agenda shows it (e.g. reply:812).")
]
NoteAtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="Record it as of this date or ISO time (default: now): agendas as of then or "
        "later leave the item out. The item must exist as of then.",
        show_default=False,
    ),
]
_LINES = 5  # evidence lines under each item with --explain (--json has them all)


def _item_json(item: AgendaItem, evidence: list[Cited]) -> dict[str, Any]:
    entry = asdict(item)
    entry["events"] = [asdict(c) for c in evidence]
    entry["about"] = list(item.about)
    entry["latest"] = from_time_us(item.time_us).isoformat()
    del entry["time_us"]
    return entry


@app.command()
def agenda(
    ctx: typer.Context,
    top: Annotated[int, typer.Option("--top", help="How many items to list.", min=1)] = 20,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", help=f"Only items of this kind: {', '.join(ACTIONS)}.", show_default=False
        ),
    ] = None,
    at: AtOption = None,
    policy: PolicyOption = None,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Show each item with the events behind it, one block each."),
    ] = False,
    include_flagged: Annotated[
        bool,
        typer.Option(
            "--include-flagged",
            help="Keep items from people hygiene flags (pitchers, churners, blasters, rings).",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """The owner's next actions, ranked by their expected effect on trust, each with its
    reason (and, with --explain or --json, the events behind it)."""
    if kind is not None and kind not in ACTIONS:
        raise typer.BadParameter(f"kind must be one of {', '.join(ACTIONS)}", param_hint="--kind")
    with open_store(ctx).read() as conn:
        found = build_agenda(
            conn,
            at_us=parse_moment(at),
            policy=load_policy(policy),
            actions=[kind] if kind else ACTIONS,
            screen_noise=not include_flagged,
        )
        items = found.items[:top]
        cited = {c.event_id: c for c in cite(conn, [e for i in items for e in i.events])}
    evidence = [[cited[e] for e in i.events if e in cited] for i in items]
    when = from_time_us(found.at_us)
    if as_json:
        payload = {
            "at": when.isoformat(),
            "items": [_item_json(i, ev) for i, ev in zip(items, evidence, strict=True)],
            "more": len(found.items) - len(items),
            "left_out": found.left_out,
        }
        out.print_json(json.dumps(payload, ensure_ascii=False))
        return
    out.print(f"agenda as of {when:%Y-%m-%d %H:%M} UTC", highlight=False)
    if not items:
        out.print(
            "nothing to do: no open item (done, snoozed, dismissed and flagged ones left out)"
        )
    elif explain:
        for rank, (item, lines) in enumerate(zip(items, evidence, strict=True), start=1):
            _print_item(rank, item, lines)
    else:
        table = Table("key", "action", "person", "what to do", "why", "score", box=None)
        for item in items:
            why = item.reason + (
                " (ranked last: nobody answered this stranger)" if item.cold else ""
            )
            table.add_row(
                inert(item.key),
                item.action,
                inert(f"{item.name} ({item.person})"),
                inert(item.suggestion),
                inert(why),
                f"{item.score:.2f}",
            )
        out.print(table)
        out.print("goodwill agenda --explain shows the events behind each item", style="dim")
    if len(found.items) > len(items):
        out.print(f"{len(found.items) - len(items)} more (--top N lists more)")
    if found.left_out:
        flagged = sum(why.startswith("excluded: ") for why in found.left_out.values())
        handled = len(found.left_out) - flagged
        parts = [f"{handled} done, snoozed or dismissed"] if handled else []
        if flagged:
            parts.append(f"{flagged} from people hygiene flags (--include-flagged shows them)")
        out.print(f"left out: {'; '.join(parts)}")


def _print_item(rank: int, item: AgendaItem, lines: list[Cited]) -> None:
    """One item as a block: what to do, why, and the events behind it."""
    out.print(
        f"[bold]{rank}. {inert(item.key)}[/bold]  {item.action}  {inert(item.name)} "
        f"(person {item.person})  score {item.score:.2f}",
        highlight=False,
    )
    out.print(f"   {inert(item.suggestion)}", highlight=False)
    cold = "; ranked last: a stranger's contact that nobody answered" if item.cold else ""
    out.print(f"   why: {inert(item.reason)}{cold}", highlight=False)
    shown = lines[-_LINES:]
    if len(lines) > len(shown):
        out.print(f"     … {len(lines) - len(shown)} earlier (--json lists them)", highlight=False)
    for cited in shown:
        out.print(f"     {inert(cited.line())}", highlight=False, style="dim")


def _note(
    ctx: typer.Context,
    note: str,
    key: str,
    at: str | None,
    policy: str | None,
    as_json: bool,
    until_us: int | None = None,
) -> None:
    """Find ``key`` as of ``at`` and record the note on it."""
    ledger: Ledger = open_store(ctx)
    time_us = parse_moment(at)
    with ledger.read() as conn:
        closed = item_notes(conn, at_us=time_us).hidden.get(key, "")
        if closed and not closed.startswith("snoozed"):
            out.print(
                f"{inert(key)} is already closed ({inert(closed)}); nothing recorded",
                highlight=False,
            )
            return
        item = find_item(conn, key, at_us=time_us, policy=load_policy(policy))
    added = note_on_item(ledger, note, item, time_us=time_us, until_us=until_us)
    if as_json:
        payload = {"item": asdict(item), "note": note, "recorded": added, "at": time_us}
        if until_us is not None:
            payload["until"] = from_time_us(until_us).isoformat()
        out.print_json(json.dumps(payload, ensure_ascii=False, default=list))
        return
    verb = {"done": "done", "dismiss": "dismissed", "snooze": "snoozed"}[note]
    tail = "" if until_us is None else f" until {from_time_us(until_us):%Y-%m-%d %H:%M} UTC"
    again = "" if added else " (already recorded)"
    out.print(
        f"{verb}{tail}: {inert(item.key)} — {inert(item.suggestion)} ({inert(item.name)}){again}",
        highlight=False,
    )


@app.command()
def done(
    ctx: typer.Context,
    item: ItemArg,
    at: NoteAtOption = None,
    policy: PolicyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Mark an agenda item done: it, and what came before it from that person, leave the
    agenda."""
    _note(ctx, "done", item, at, policy, as_json)


@app.command()
def dismiss(
    ctx: typer.Context,
    item: ItemArg,
    at: NoteAtOption = None,
    policy: PolicyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Dismiss an agenda item: not worth doing; it leaves the agenda for good."""
    _note(ctx, "dismiss", item, at, policy, as_json)


@app.command()
def snooze(
    ctx: typer.Context,
    item: ItemArg,
    until: Annotated[
        str | None,
        typer.Option(
            "--until", help="Back on the agenda from this date (YYYY-MM-DD).", show_default=False
        ),
    ] = None,
    days: Annotated[
        int | None,
        typer.Option(
            "--days", help="Back on the agenda after this many days.", min=1, show_default=False
        ),
    ] = None,
    at: NoteAtOption = None,
    policy: PolicyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Snooze an agenda item: it leaves the agenda until a date, then comes back."""
    if (until is None) == (days is None):
        raise typer.BadParameter("give either --until DATE or --days N", param_hint="--until")
    start = parse_moment(at)
    end = start + days * US_PER_DAY if days is not None else parse_moment(until)
    if end <= start:
        raise typer.BadParameter("the snooze must end after it starts", param_hint="--until")
    _note(ctx, "snooze", item, at, policy, as_json, until_us=end)


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)", param_hint=name) from None


@app.command()
def trip(
    ctx: typer.Context,
    city: Annotated[
        str, typer.Argument(help="Where you are going, as your contacts' cities are written.")
    ],
    start: Annotated[str, typer.Argument(metavar="FROM", help="First day (YYYY-MM-DD).")],
    end: Annotated[str, typer.Argument(metavar="TO", help="Last day (YYYY-MM-DD).")],
    at: NoteAtOption = None,
    policy: PolicyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Record a trip; in the weeks before it the agenda lists the contacts who live there."""
    first, last = _day(start, "FROM"), _day(end, "TO")
    ledger: Ledger = open_store(ctx)
    time_us = parse_moment(at)
    added = record_trip(ledger, city, first, last, time_us=time_us)
    lead = int(default_settings().trip_lead_days * US_PER_DAY)
    shows_us = max(time_us, parse_moment(first.isoformat()) - lead)
    with ledger.read() as conn:
        found = build_agenda(conn, at_us=shows_us, policy=load_policy(policy), actions=["trip"])
        this = [
            f"trip:{t.event_id}:"
            for t in trips(conn, at_us=time_us)
            if same_city(t.city, city) and (t.start, t.end) == (first, last)
        ]
    there = [i for i in found.items if i.key.startswith(tuple(this))]
    if as_json:
        payload = {
            "city": city.strip(),
            "from": first.isoformat(),
            "until": last.isoformat(),
            "recorded": added,
            "on_agenda_from": from_time_us(shows_us).isoformat(),
            "contacts": [{"person": i.person, "name": i.name, "key": i.key} for i in there],
        }
        out.print_json(json.dumps(payload, ensure_ascii=False))
        return
    again = "" if added else " (already recorded)"
    out.print(f"trip to {inert(city.strip())}, {first} to {last}{again}", highlight=False)
    if not there:
        out.print("no contact of yours lives there (as far as their address-book city says)")
        return
    names = ", ".join(inert(i.name) for i in there[:10]) + (" …" if len(there) > 10 else "")
    out.print(
        f"{len(there)} contacts live there, on the agenda from "
        f"{from_time_us(shows_us):%Y-%m-%d}: {names}",
        highlight=False,
    )
