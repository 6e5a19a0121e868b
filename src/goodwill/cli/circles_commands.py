"""Commands for the circles of trust: circles, pin, unpin, may-share and export circle."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from sqlalchemy import Connection

from goodwill.cli.app import app, err, open_store, out
from goodwill.cli.export_commands import export_app
from goodwill.cli.terminal import inert, plain_export
from goodwill.cli.trust_commands import AtOption, JsonFlag, PersonArg, PolicyOption
from goodwill.errors import GoodwillError
from goodwill.events import from_time_us
from goodwill.insights.circle_export import FORMATS, circle_members, write_circle
from goodwill.insights.circle_pins import PIN_LEVELS, UNPINNED, latest_pins, record_pin
from goodwill.insights.circle_rules import TIERS, load_rules
from goodwill.insights.circles import Circles, Placement, circles_of, placement_of, share_verdict
from goodwill.insights.citing import Cited, cite
from goodwill.ledger.private_files import create_private
from goodwill.ledger.queries import find_person, person_names
from goodwill.trust.policy import load_policy
from goodwill.trust.report import open_view, parse_moment

RulesOption = Annotated[
    str | None,
    typer.Option(
        "--rules",
        envvar="GOODWILL_CIRCLES",
        help="A TOML file overriding the circles' thresholds (docs/insights.md lists them).",
        show_default=False,
    ),
]
LevelArg = Annotated[str, typer.Argument(help=f"A circle: {', '.join(TIERS)}.")]


def _check(value: str, choices: tuple[str, ...], hint: str) -> str:
    if value not in choices:
        raise typer.BadParameter(f"choose one of {', '.join(choices)}", param_hint=hint)
    return value


def _circles(
    conn: Connection, at: str | None, policy: str | None, rules: str | None, evidence: int = 0
) -> Circles:
    view = open_view(conn, load_policy(policy), at_us=parse_moment(at))
    return circles_of(conn, view, load_rules(rules), evidence_events=evidence)


def _as_json(p: Placement, cited: dict[int, Cited]) -> dict[str, Any]:
    return {
        "person": p.person,
        "name": p.name,
        "tier": p.tier,
        "earned": p.earned,
        "why": p.why,
        "pinned": None if p.pin is None else {"level": p.pin.level, "date": p.pin.date},
        "figures": None if p.figures is None else asdict(p.figures),
        "evidence": [asdict(cited[e]) for e in p.evidence if e in cited],
    }


@app.command()
def circles(
    ctx: typer.Context,
    level: Annotated[
        str, typer.Option("--level", help=f"Only this circle and the narrower: {', '.join(TIERS)}.")
    ] = TIERS[0],
    evidence: Annotated[
        int, typer.Option("--evidence", help="Events to show behind each member.", min=0)
    ] = 2,
    at: AtOption = None,
    policy: PolicyOption = None,
    rules: RulesOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The owner's circles of trust, narrowest first: who is in each, why, and the events."""
    _check(level, TIERS, "--level")
    with open_store(ctx).read() as conn:
        found = _circles(conn, at, policy, rules, evidence)
        members = found.members(level)
        cited = {c.event_id: c for c in cite(conn, [e for m in members for e in m.evidence])}
    shown = TIERS[TIERS.index(level) :][::-1]
    moment = from_time_us(found.at_us)
    if as_json:
        tiers = {t.name: {**asdict(t)} for t in found.rules.tiers}
        payload = {
            "at": moment.isoformat(),
            "rules": {"source": found.rules.source, "tiers": tiers},
            "cooling_highest": found.rules.cooling_highest,
            "circles": {
                tier: [_as_json(m, cited) for m in members if m.tier == tier] for tier in shown
            },
        }
        out.print_json(json.dumps(payload))
        return
    out.print(
        f"circles of trust as of {moment:%Y-%m-%d %H:%M} UTC ({found.rules.source})", markup=False
    )
    for tier in shown:
        group = [m for m in members if m.tier == tier]
        out.print(f"\n[bold]{tier}[/bold] ({len(group)}): {found.rules.tier(tier).summary()}")
        for m in group:
            f = m.figures
            figures = (
                f"{f.stage}, trust {f.trust:.2f} ±{f.uncertainty:.2f}, theirs {f.trusted:.2f}"
                if f
                else "no contact yet"
            )
            out.print(f"  {m.person:>5}  [bold]{inert(m.name)}[/bold]  {figures}: {inert(m.note)}")
            for e in m.evidence:
                if e in cited:
                    out.print(f"         {inert(cited[e].line())}", highlight=False)


@app.command()
def pin(
    ctx: typer.Context,
    person: PersonArg,
    level: Annotated[str, typer.Argument(help=f"{', '.join(PIN_LEVELS)} (none: in no circle).")],
    at: Annotated[
        str | None,
        typer.Option("--at", help="When the decision was made (default: now).", show_default=False),
    ] = None,
) -> None:
    """Put a person in a circle (or, with none, out of all of them) whatever the evidence."""
    _check(level, PIN_LEVELS, "LEVEL")
    _pin(ctx, person, level, at)


@app.command()
def unpin(
    ctx: typer.Context,
    person: PersonArg,
    at: Annotated[
        str | None,
        typer.Option("--at", help="When the decision was made (default: now).", show_default=False),
    ] = None,
) -> None:
    """Hand a pinned person back to the evidence."""
    _pin(ctx, person, UNPINNED, at)


def _pin(ctx: typer.Context, person: str, level: str, at: str | None) -> None:
    ledger = open_store(ctx)
    when = parse_moment(at)
    with ledger.read() as conn:
        person_id = find_person(conn, person)
        name = person_names(conn, [person_id]).get(person_id, "?")
        current = latest_pins(conn, when).get(person_id)
    if level == UNPINNED and current is None:
        err.print(
            f"{inert(name)} (person {person_id}) has no pin as of {from_time_us(when):%Y-%m-%d}"
        )
        return
    added = record_pin(ledger, person_id, level, time_us=when)
    done = "unpinned" if level == UNPINNED else f"pinned to {level}"
    already = "" if added else " (already recorded)"
    out.print(
        f"{inert(name)} (person {person_id}) {done} as of {from_time_us(when):%Y-%m-%d}{already}"
    )


@app.command(name="may-share")
def may_share(
    ctx: typer.Context,
    person: PersonArg,
    level: LevelArg,
    at: AtOption = None,
    policy: PolicyOption = None,
    rules: RulesOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Whether a person is in a circle: yes (exit 0) or no (exit 1), with the reason."""
    _check(level, TIERS, "LEVEL")
    with open_store(ctx).read() as conn:
        person_id = find_person(conn, person)
        found = _circles(conn, at, policy, rules)
        placed = placement_of(found, person_id, person_names(conn, [person_id]).get(person_id, "?"))
    allowed, reason = share_verdict(found, placed, level)
    if as_json:
        payload = {
            "person": person_id,
            "name": placed.name,
            "level": level,
            "tier": placed.tier,
            "allowed": allowed,
            "reason": reason,
            "at": from_time_us(found.at_us).isoformat(),
        }
        out.print_json(json.dumps(payload))
    else:
        out.print(f"{'yes' if allowed else 'no'}: {inert(reason)}")
    if not allowed:
        raise typer.Exit(1)


@export_app.command("circle")
def export_circle(
    ctx: typer.Context,
    level: LevelArg,
    form: Annotated[
        str, typer.Option("--format", help=f"{', '.join(FORMATS)}.", show_default=True)
    ] = "csv",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="The file to write; without it, stdout."),
    ] = None,
    list_name: Annotated[
        str | None,
        typer.Option("--list-name", help="The Mastodon list's name (default: goodwill LEVEL)."),
    ] = None,
    at: AtOption = None,
    policy: PolicyOption = None,
    rules: RulesOption = None,
) -> None:
    """Write a circle (and the narrower ones) as CSV, vCards or a Mastodon list import file."""
    _check(level, TIERS, "LEVEL")
    _check(form, FORMATS, "--format")
    with open_store(ctx).read() as conn:
        chosen = circle_members(conn, _circles(conn, at, policy, rules), level)
    with _destination(output) as handle:
        written, without = write_circle(
            chosen, form, handle, list_name=list_name or f"goodwill {level}"
        )
    if form == "mastodon":
        err.print(f"{without} of {len(chosen)} members have no Mastodon identity: left out")
    where = f" to {output}" if output is not None and str(output) != "-" else ""
    unit = {"csv": "rows", "vcard": "cards", "mastodon": "list entries"}[form]
    err.print(f"wrote {written:,} {unit} for {len(chosen)} people in {level} or narrower{where}")


@contextmanager
def _destination(path: Path | None) -> Iterator[TextIO]:
    """stdout (without control characters: it may be a terminal), or ``path`` written
    whole or not at all, readable by its owner only."""
    if path is None or str(path) == "-":
        buffer = io.StringIO(newline="")
        yield buffer
        sys.stdout.write(plain_export(buffer.getvalue()))
        return
    part = path.with_name(path.name + ".part")
    try:
        with create_private(part).open("w", encoding="utf-8", newline="") as handle:
            yield handle
        part.replace(path)
    except OSError as exc:
        raise GoodwillError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    finally:
        part.unlink(missing_ok=True)
