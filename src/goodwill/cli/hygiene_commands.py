"""The hygiene command: pitches, churners, blasts and rings, and the owner's own blasts."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any

import typer
from sqlalchemy import Connection

from goodwill.cli.app import app, open_store, out
from goodwill.cli.terminal import inert
from goodwill.events import from_time_us
from goodwill.insights import Cited, cite, load_activity
from goodwill.insights.hygiene import DETECTORS, Flag, Lookups, hygiene_report, load_settings
from goodwill.ledger.queries import person_names
from goodwill.trust.report import parse_moment

_TITLES = {
    "pitch": "Pitches: first contacts that sell",
    "churn": "Churners: follow, wait for the follow-back, unfollow",
    "blast": "Blasts: near-identical texts to many people",
    "ring": "Rings: accounts that mostly like and share one another",
}
_LINES = 4  # evidence lines per flag in the text view (--json has them all)


def _entry(flag: Flag, name: str, evidence: list[Cited]) -> dict[str, Any]:
    return {**asdict(flag), "name": name, "evidence": [asdict(c) for c in evidence]}


def _print_flag(flag: Flag, name: str, evidence: list[Cited]) -> None:
    out.print(
        f"  [bold]{flag.confidence:.2f}[/bold]  {inert(name)} (person {flag.person}): "
        f"{inert(flag.reason)}",
        highlight=False,
        soft_wrap=True,
    )
    for cited in evidence[:_LINES]:
        out.print(f"        {inert(cited.line())}", highlight=False, soft_wrap=True)
    if len(evidence) > _LINES:
        out.print(f"        … {len(evidence) - _LINES} more (--json lists them)", highlight=False)


def _evidence(conn: Connection, flags: list[Flag]) -> list[list[Cited]]:
    """The cited events of each flag, in time order, read in one pass over the store."""
    cited = {c.event_id: c for c in cite(conn, [i for f in flags for i in f.event_ids])}
    return [
        sorted((cited[i] for i in f.event_ids if i in cited), key=lambda c: c.time) for f in flags
    ]


@app.command()
def hygiene(
    ctx: typer.Context,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", help=f"Only this detector: {', '.join(DETECTORS)}.", show_default=False
        ),
    ] = None,
    min_confidence: Annotated[
        float | None,
        typer.Option(
            "--min-confidence",
            min=0.0,
            max=1.0,
            help="Only flags at least this sure (default: the report floor in hygiene.toml).",
            show_default=False,
        ),
    ] = None,
    settings_file: Annotated[
        str | None,
        typer.Option(
            "--settings",
            help="A TOML file overriding hygiene thresholds by name (see docs/insights.md).",
            show_default=False,
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="How many to list per detector.", min=1)] = 20,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="As of this date (YYYY-MM-DD, its first instant in UTC) or ISO time; "
            "nothing after it counts. Default: now.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Pitches, churners, blasts and rings with confidence and evidence, and your own blasts."""
    if kind is not None and kind not in DETECTORS:
        raise typer.BadParameter(f"must be one of {', '.join(DETECTORS)}", param_hint="--kind")
    settings = load_settings(settings_file)
    floor = settings.min_confidence if min_confidence is None else min_confidence
    at_us = parse_moment(at)
    with open_store(ctx).read() as conn:
        activity = load_activity(conn, until_us=at_us)
        report = hygiene_report(
            activity, Lookups.of(conn), settings, detectors=[kind] if kind else DETECTORS
        )
        sure = {
            detector: [f for f in report.of(detector) if f.confidence >= floor]
            for detector in ([kind] if kind else DETECTORS)
        }
        listed = [f for flags in sure.values() for f in flags[:top]] + list(report.own)
        names = person_names(conn, [f.person for f in listed])
        evidence = _evidence(conn, listed)
    items = [(f, names.get(f.person, "?"), evidence[i]) for i, f in enumerate(listed)]
    groups = {d: [item for item in items if item[0].detector == d and item[0].person != activity.owner]
              for d in sure}  # fmt: skip
    own = [item for item in items if item[0].person == activity.owner]
    when = from_time_us(at_us)
    if as_json:
        payload = {
            "at": when.isoformat(),
            "min_confidence": floor,
            "flags": {d: [_entry(*item) for item in group] for d, group in groups.items()},
            "own": [_entry(*item) for item in own],
        }
        out.print_json(json.dumps(payload))
        return
    counts = ", ".join(f"{len(flags)} {detector}" for detector, flags in sure.items())
    out.print(f"as of {when:%Y-%m-%d %H:%M} UTC, confidence at least {floor:g}: {counts}")
    for detector, group in groups.items():
        note = f" (top {len(group)})" if len(group) < len(sure[detector]) else ""
        out.print(f"\n[bold]{_TITLES[detector]}[/bold]{note}")
        if not group:
            out.print("  none")
        for item in group:
            _print_flag(*item)
    if kind not in (None, "blast") and not own:
        return  # the owner's warning comes from the blast detector, which did not run
    out.print("\n[bold]Your own outgoing activity[/bold]")
    if not own:
        out.print("  nothing you sent looks like a blast")
    for item in own:
        _print_flag(*item)
