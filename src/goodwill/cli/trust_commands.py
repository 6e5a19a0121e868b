"""Commands about trust: trust, why, relationships, standing, policy."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import Connection

from goodwill.cli.app import app, open_store, out
from goodwill.cli.terminal import inert
from goodwill.events import from_time_us
from goodwill.ledger.queries import find_person
from goodwill.trust.policy import Policy, load_policy
from goodwill.trust.report import PairTrust, TrustView, open_view, parse_moment
from goodwill.trust.stages import STAGES

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="Trust as of this date (YYYY-MM-DD, its first instant in UTC) or ISO time; "
        "nothing after it counts. Default: now.",
        show_default=False,
    ),
]
PolicyOption = Annotated[
    str | None,
    typer.Option(
        "--policy",
        envvar="GOODWILL_POLICY",
        help="A TOML file overriding the evidence policy's defaults (goodwill policy shows them).",
        show_default=False,
    ),
]
PersonArg = Annotated[
    str, typer.Argument(help="A person id, an identity network:account, or a name.")
]
TopOption = Annotated[int, typer.Option("--top", help="How many to list.", min=1)]


def _view(conn: Connection, at: str | None, policy: str | None) -> TrustView:
    return open_view(conn, load_policy(policy), at_us=parse_moment(at))


def _pair_table(title: str, rows: list[PairTrust]) -> Table:
    table = Table(
        "id", "name", "trust", "±", "belief", "disbelief", "events", title=title, box=None
    )
    for r in rows:
        table.add_row(
            str(r.person),
            inert(r.name),
            f"{r.expected:.2f}",
            f"{r.uncertainty:.2f}",
            f"{r.belief:.2f}",
            f"{r.disbelief:.2f}",
            str(r.events),
        )
    return table


@app.command()
def trust(
    ctx: typer.Context,
    person: PersonArg,
    top: TopOption = 10,
    at: AtOption = None,
    policy: PolicyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Whom a person trusts and who trusts them, most first, with uncertainty (±)."""
    with open_store(ctx).read() as conn:
        person_id = find_person(conn, person)
        view = _view(conn, at, policy)
        trusts, trusted_by = view.trust_of(person_id, top=top)
        name = view.names([person_id]).get(person_id, "?")
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "person": person_id,
                    "name": name,
                    "at": view.at.isoformat(),
                    "trusts": [asdict(r) for r in trusts],
                    "trusted_by": [asdict(r) for r in trusted_by],
                }
            )
        )
        return
    out.print(
        f"[bold]{inert(name)}[/bold] (person {person_id}), as of {view.at:%Y-%m-%d %H:%M} UTC"
    )
    out.print(_pair_table(f"whom {inert(name)} trusts", trusts))
    out.print(_pair_table(f"who trusts {inert(name)}", trusted_by))


@app.command()
def why(
    ctx: typer.Context,
    truster: Annotated[str, typer.Argument(help="The person whose trust to explain.")],
    trustee: Annotated[str, typer.Argument(help="The person they trust (or not).")],
    at: AtOption = None,
    policy: PolicyOption = None,
    events: Annotated[
        int, typer.Option("--events", help="How many single events to list.", min=0)
    ] = 10,
    as_json: JsonFlag = False,
) -> None:
    """The events behind A's trust in B, by kind, with their decayed and capped contributions."""
    with open_store(ctx).read() as conn:
        a, b = find_person(conn, truster), find_person(conn, trustee)
        view = _view(conn, at, policy)
        found = view.why(a, b)
        names = view.names([a, b])
    if as_json:
        payload = asdict(found)
        payload.update(
            truster=a,
            trustee=b,
            truster_name=names.get(a),
            trustee_name=names.get(b),
            at=view.at.isoformat(),
            by_kind=[asdict(k) for k in found.by_kind],
        )
        out.print_json(json.dumps(payload))
        return
    out.print(
        f"[bold]{inert(names.get(a))}[/bold] → [bold]{inert(names.get(b))}[/bold] as of "
        f"{view.at:%Y-%m-%d %H:%M} UTC: trust {found.expected:.2f} "
        f"(belief {found.belief:.2f}, disbelief {found.disbelief:.2f}, "
        f"uncertainty {found.uncertainty:.2f})"
    )
    out.print(
        f"evidence for {found.positive:.3f}, against {found.negative:.3f}, prior weight "
        f"{found.prior_weight:g} at base rate {found.base_rate:.2f} (from standing)"
    )
    if not found.contributions:
        out.print("no events between them yet: the trust shown is the base rate alone")
        return
    kinds = Table("kind", "how", "events", "decayed", "counted", box=None)
    for k in found.by_kind:
        kinds.add_row(
            inert(k.kind),
            inert(k.channel),
            str(k.events),
            f"{k.decayed:+.3f}",
            f"{k.contribution:+.3f}",
        )
    out.print(kinds)
    single = Table("event", "when", "kind", "how", "decayed", "counted", box=None)
    for c in found.contributions[:events]:
        single.add_row(
            str(c.event_id),
            f"{from_time_us(c.time_us):%Y-%m-%d}",
            inert(c.kind),
            inert(c.channel),
            f"{c.decayed:+.3f}",
            f"{c.contribution:+.3f}",
        )
    if events:
        out.print(single)


@app.command()
def relationships(
    ctx: typer.Context,
    person: Annotated[
        str | None, typer.Argument(help="Whose relationships (default: the owner's).")
    ] = None,
    stage: Annotated[
        str | None, typer.Option("--stage", help=f"Only this stage: {', '.join(STAGES)}.")
    ] = None,
    top: TopOption = 50,
    at: AtOption = None,
    policy: PolicyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The owner's relationships with their stage, trust both ways and last contact."""
    if stage is not None and stage not in STAGES:
        raise typer.BadParameter(f"stage must be one of {', '.join(STAGES)}", param_hint="--stage")
    with open_store(ctx).read() as conn:
        person_id = find_person(conn, person) if person else None
        view = _view(conn, at, policy)
        rows = [r for r in view.relationships(person_id) if stage in (None, r.stage)][:top]
    if as_json:
        out.print_json(
            json.dumps({"at": view.at.isoformat(), "relationships": [asdict(r) for r in rows]})
        )
        return
    table = Table(
        "id", "name", "stage", "trust", "±", "theirs", "weeks", "last contact", "silent",
        "rhythm", "outlook", box=None,
    )  # fmt: skip
    for r in rows:
        table.add_row(
            str(r.person),
            inert(r.name),
            r.stage,
            f"{r.trust:.2f}",
            f"{r.uncertainty:.2f}",
            f"{r.trusted:.2f}",
            str(r.active_weeks),
            r.last_contact[:10],
            f"{r.silence_days:.0f}d",
            "-" if r.rhythm_days is None else f"{r.rhythm_days:.0f}d",
            f"{r.outlook:.0%}",
        )
    out.print(f"as of {view.at:%Y-%m-%d %H:%M} UTC")
    out.print(table)


@app.command()
def standing(
    ctx: typer.Context,
    top: TopOption = 20,
    lowest: Annotated[bool, typer.Option("--lowest", help="List the lowest instead.")] = False,
    at: AtOption = None,
    policy: PolicyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Community standing: each person's trust across everyone who dealt with them, each
    judge weighted by credibility and by the network's trust in them."""
    with open_store(ctx).read() as conn:
        view = _view(conn, at, policy)
        rows = view.standing(top=top, lowest=lowest)
    if as_json:
        out.print_json(
            json.dumps({"at": view.at.isoformat(), "standing": [asdict(r) for r in rows]})
        )
        return
    table = Table(
        "id", "name", "community", "standing", "credibility", "voice", "judged by", box=None
    )
    for r in rows:
        table.add_row(
            str(r.person),
            inert(r.name),
            f"{r.community:+.3f}",
            f"{r.standing:+.3f}",
            f"{r.credibility:.2f}",
            f"{r.voice:.1f}",
            str(r.judged_by),
        )
    out.print(table)


@app.command(name="policy")
def show_policy(policy: PolicyOption = None, as_json: JsonFlag = False) -> None:
    """The evidence policy in force: every weight and setting with its reason."""
    loaded: Policy = load_policy(policy)
    settings = {
        "decay": {"half_life_days": loaded.half_life_days},
        "saturation": {"window_days": loaded.window_days, "ceiling": loaded.ceiling},
        "negative": {"factor": loaded.negative_factor},
        "reciprocity": {"bonus": loaded.reciprocity_bonus},
        "opinion": {"prior_weight": loaded.prior_weight, "base_rate": loaded.base_rate},
        "stages": {
            "exchanges_to_establish": loaded.exchanges_to_establish,
            "windows_to_settle": loaded.windows_to_settle,
            "cooling_rhythms": loaded.cooling_rhythms,
        },
    }
    kinds = {kind: asdict(rule) for kind, rule in sorted(loaded.rules.items())}
    if as_json:
        payload = {"source": loaded.source, "settings": settings, "reasons": dict(loaded.reasons)}
        out.print_json(json.dumps({**payload, "kinds": kinds}, default=str))
        return
    out.print(f"policy: {loaded.source}", markup=False)
    for section, values in settings.items():
        listed = ", ".join(f"{k} = {v:g}" for k, v in values.items())
        out.print(f"[bold]{section}[/bold]: {listed}\n  {loaded.reasons.get(section, '')}")
    table = Table("kind", "earns", "states", "lasting", "reason", box=None)
    for kind, rule in kinds.items():
        table.add_row(
            kind,
            f"{rule['earns']:g}",
            f"{rule['states']:g}",
            "yes" if rule["lasting"] else "",
            rule["reason"],
        )
    out.print(table)
