"""Commands about what people did for the owner and what came of it: advocates, outcome,
outcomes, brand."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import Connection

from goodwill.cli.app import app, open_store, out
from goodwill.cli.terminal import inert
from goodwill.cli.trust_commands import AtOption, JsonFlag, PersonArg, PolicyOption, TopOption
from goodwill.events import from_time_us, now_us
from goodwill.insights.activity import load_activity
from goodwill.insights.advocates import ADVOCATE_SCORE, rank_advocates
from goodwill.insights.brand import BrandSummary, brand_report
from goodwill.insights.citing import cite
from goodwill.insights.outcomes import (
    LOOKBACK_DAYS,
    OUTCOME_KINDS,
    outcome_report,
    record_outcome,
)
from goodwill.ledger.queries import find_person, person_names
from goodwill.trust.policy import load_policy
from goodwill.trust.report import parse_moment


def _evidence(conn: Connection, event_ids: list[int]) -> list[dict[str, Any]]:
    return [asdict(c) for c in cite(conn, event_ids)]


def _lines(evidence: list[dict[str, Any]], indent: str = "    ") -> None:
    for c in evidence:
        towards = f" → {c['target']}" if c["target"] else ""
        said = f": {c['text']}" if c["text"] else ""
        out.print(inert(f"{indent}{c['time'][:10]} {c['kind']} {c['actor']}{towards}{said}"))


def _stamp(iso: str | None) -> str:
    return "-" if iso is None else iso[:10]


@app.command()
def advocates(
    ctx: typer.Context,
    top: TopOption = 20,
    everyone: Annotated[
        bool, typer.Option("--all", help="List everyone who did something for you.")
    ] = False,
    at: AtOption = None,
    policy: PolicyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """People ranked by what they did for you (shares, defences, introductions, referrals,
    endorsements), with the events, never by their follower counts."""
    at_us = parse_moment(at)
    with open_store(ctx).read() as conn:
        activity = load_activity(conn, until_us=at_us)
        ranked = rank_advocates(conn, activity, policy=load_policy(policy))
        shown = ranked if everyone else [r for r in ranked if r.is_advocate][:top]
        evidence = {r.person: _evidence(conn, r.evidence) for r in shown}
    if as_json:
        rows = [asdict(r) | {"evidence": evidence[r.person]} for r in shown]
        payload = {"at": from_time_us(at_us).isoformat(), "threshold": ADVOCATE_SCORE}
        out.print_json(json.dumps(payload | {"advocates": rows}))
        return
    advocates_found = sum(r.is_advocate for r in ranked)
    out.print(
        f"as of {from_time_us(at_us):%Y-%m-%d %H:%M} UTC: {advocates_found} advocates "
        f"(score ≥ {ADVOCATE_SCORE:g}) among {len(ranked)} people who did something for you"
    )
    if not shown:
        out.print(
            "nobody reaches the advocate mark at this date (what people did fades as trust "
            "does); --all lists everyone who did something for you"
            if ranked
            else "nobody has done anything for you yet"
        )
        return
    for r in shown:
        counts = ", ".join(f"{n} {kind}" for kind, n in r.counts.items())
        mark = "advocate" if r.is_advocate else "not yet an advocate"
        out.print(
            f"[bold]{inert(r.name)}[/bold] (person {r.person}): score {r.score:.1f}, {mark}; "
            f"{inert(counts)}; {r.weeks} weeks, {_stamp(r.first)} to {_stamp(r.last)}; "
            f"focus {r.focus:.0%}, coverage {r.coverage:.0%}"
        )
        _lines(evidence[r.person])


@app.command()
def outcome(
    ctx: typer.Context,
    person: PersonArg,
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(OUTCOME_KINDS)}.")],
    value: Annotated[
        float | None,
        typer.Option("--value", help="What it was worth (an amount, in your currency)."),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A few words about it.")] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="When it happened (YYYY-MM-DD or ISO time). Default: now."),
    ] = None,
) -> None:
    """Record a result that came through a relationship: a referral, deal, hire, partnership,
    speaking slot or other. The same result on the same day is recorded once."""
    if kind not in OUTCOME_KINDS:
        raise typer.BadParameter(f"must be one of {', '.join(OUTCOME_KINDS)}", param_hint="KIND")
    time_us = parse_moment(on) if on else now_us()
    ledger = open_store(ctx)
    with ledger.read() as conn:
        person_id = find_person(conn, person)
        name = person_names(conn, [person_id]).get(person_id, "?")
    added = record_outcome(ledger, person_id, kind, time_us=time_us, value=value, note=note)
    worth = "" if value is None else f" worth {value:g}"
    day = f"{from_time_us(time_us):%Y-%m-%d}"
    if added:
        out.print(inert(f"recorded: {kind}{worth} with {name} (person {person_id}) on {day}"))
    else:
        out.print(inert(f"already recorded: {kind}{worth} with {name} on {day}; nothing added"))


@app.command()
def outcomes(
    ctx: typer.Context,
    days: Annotated[
        int, typer.Option("--days", help="How many days before each result to look at.", min=1)
    ] = LOOKBACK_DAYS,
    at: AtOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Results by relationship and by kind, and which actions preceded them compared with
    relationships without results: associations with counts and base rates, not causes."""
    at_us = parse_moment(at)
    with open_store(ctx).read() as conn:
        report = outcome_report(conn, load_activity(conn, until_us=at_us), lookback_days=days)
        evidence = {r.event_id: _evidence(conn, r.evidence) for r in report.results}
    if as_json:
        payload = asdict(report)
        for row in payload["results"]:
            row["evidence"] = evidence[row["event_id"]]
        out.print_json(json.dumps(payload))
        return
    out.print(f"as of {report.at[:16]} UTC: {len(report.results)} results recorded")
    if report.by_relationship:
        table = Table("id", "name", "results", "value", "kinds", "first", "last", box=None)
        for r in report.by_relationship:
            kinds = ", ".join(f"{n} {k}" for k, n in r.kinds.items())
            table.add_row(
                str(r.person), inert(r.name), str(r.results), f"{r.value:g}", inert(kinds),
                r.first[:10], r.last[:10],
            )  # fmt: skip
        out.print(table)
    for line in (a.sentence for a in report.associations):
        out.print(inert(f"- {line}"))
    for result in report.results:
        worth = "" if result.value is None else f" worth {result.value:g}"
        said = f": {result.note}" if result.note else ""
        out.print(inert(f"{result.time[:10]} {result.kind}{worth} with {result.name}{said}"))
        _lines(evidence[result.event_id])
    for caveat in report.caveats:
        out.print(inert(f"note: {caveat}"))


def _summary_table(title: str, rows: list[BrandSummary]) -> Table:
    table = Table(
        title, "items", "compl.", "quest.", "answered", "open", "median h", "p90 h",
        "oldest open", box=None,
    )  # fmt: skip
    for s in rows:
        table.add_row(
            inert(s.group), str(s.items), str(s.complaints), str(s.questions), str(s.answered),
            f"{s.unanswered_share:.0%}",
            "-" if s.median_hours is None else f"{s.median_hours:g}",
            "-" if s.p90_hours is None else f"{s.p90_hours:g}",
            "-" if s.oldest_open_days is None else f"{s.oldest_open_days:.0f}d",
        )  # fmt: skip
    return table


@app.command()
def brand(
    ctx: typer.Context,
    only_open: Annotated[
        bool, typer.Option("--open", help="List only complaints and questions still open.")
    ] = False,
    top: TopOption = 20,
    at: AtOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Public complaints and questions addressed to you: whether and how fast you answered,
    per network and per month, oldest open first."""
    at_us = parse_moment(at)
    with open_store(ctx).read() as conn:
        report = brand_report(conn, load_activity(conn, until_us=at_us))
        items = [i for i in report.items if not (only_open and i.answered)]
        # open ones first, oldest first; then the answered, slowest answer first
        items.sort(key=lambda i: (i.answered, -(i.open_days or 0.0), -(i.response_hours or 0.0)))
        listed = items if as_json else items[:top]
        evidence = {i.event_id: _evidence(conn, i.evidence) for i in listed}
    if as_json:
        payload = asdict(report)
        payload["items"] = [asdict(i) | {"evidence": evidence[i.event_id]} for i in listed]
        out.print_json(json.dumps(payload))
        return
    out.print(f"as of {report.at[:16]} UTC")
    out.print(_summary_table("", [report.overall]))
    out.print(_summary_table("network", report.by_network))
    out.print(_summary_table("month", report.by_month))
    for i in listed:
        state = (
            f"open {i.open_days:.0f} days"
            if not i.answered
            else f"answered in {i.response_hours:g} h ({i.answered_by})"
        )
        out.print(f"[bold]{i.tone}[/bold] from {inert(i.name)} on {inert(i.network)}, {state}")
        _lines(evidence[i.event_id])
