"""Commands about people: people, show, merge, unmerge, owner."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from goodwill.cli.app import app, open_store, out
from goodwill.cli.terminal import inert
from goodwill.events import from_time_us, now_us
from goodwill.ledger.people import merge_people, owner_person, set_owner, unmerge
from goodwill.ledger.queries import (
    find_person,
    list_people,
    person_identities,
    person_merge_history,
    timeline,
)
from goodwill.ledger.resolution import suggest_merges

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
PersonArg = Annotated[
    str, typer.Argument(help="A person id, an identity network:account, or a name.")
]


@app.command()
def people(
    ctx: typer.Context,
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Match names and accounts.")
    ] = None,
    limit: Annotated[int, typer.Option(help="How many to list.", min=1)] = 50,
    as_json: JsonFlag = False,
) -> None:
    """List people, most active first."""
    with open_store(ctx).read() as conn:
        rows = list_people(conn, search=search, limit=limit)
    if as_json:
        out.print_json(json.dumps([asdict(r) for r in rows]))
        return
    table = Table("id", "name", "events", "identities", box=None)
    for r in rows:
        handles = ", ".join(r.identities[:3]) + (
            f" (+{len(r.identities) - 3})" if len(r.identities) > 3 else ""
        )
        table.add_row(str(r.id), inert(r.name), f"{r.events:,}", inert(handles))
    out.print(table)


@app.command()
def show(
    ctx: typer.Context,
    person: PersonArg,
    limit: Annotated[int, typer.Option(help="How many recent events to show.", min=1)] = 50,
    as_json: JsonFlag = False,
) -> None:
    """Show a person: identities, merges and their most recent events."""
    with open_store(ctx).read() as conn:
        person_id = find_person(conn, person)
        ids = person_identities(conn, person_id)
        merges = person_merge_history(conn, person_id)
        entries = timeline(conn, person_id, limit=limit)
        name = next((i.display_name for i in ids if i.display_name), None) or (
            ids[0].account if ids else ""
        )
        is_owner = owner_person(conn) == person_id
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "person": person_id,
                    "owner": is_owner,
                    "identities": [
                        {
                            "handle": f"{i.network}:{i.account}",
                            "name": i.display_name,
                            "attributes": json.loads(i.attributes) if i.attributes else {},
                        }
                        for i in ids
                    ],
                    "merges": [
                        {
                            "merge": m.id,
                            "survivor": m.survivor_id,
                            "merged": m.merged_id,
                            "reason": m.reason,
                            "undone": m.undone_at is not None,
                        }
                        for m in merges
                    ],
                    "timeline": [
                        {**asdict(e), "time": from_time_us(e.time_us).isoformat()} for e in entries
                    ],
                }
            )
        )
        return
    out.print(f"[bold]{inert(name)}[/] (person {person_id}{', the owner' if is_owner else ''})")
    for i in ids:
        extra = f" — {i.display_name}" if i.display_name else ""
        attrs = f" {json.loads(i.attributes)}" if i.attributes else ""
        out.print(f"  {i.network}:{i.account}{extra}{attrs}", markup=False)
    for m in merges:
        state = "undone" if m.undone_at is not None else "active"
        out.print(
            f"  merge {m.id}: person {m.merged_id} into {m.survivor_id} ({state}){' — ' + m.reason if m.reason else ''}",
            markup=False,
        )
    table = Table("when (UTC)", "kind", "", "with", "value", "text", box=None)
    for e in entries:
        table.add_row(
            from_time_us(e.time_us).strftime("%Y-%m-%d %H:%M"),
            inert(e.kind),
            "→" if e.outgoing else "←",
            inert(e.counterpart_name or e.counterpart or ""),
            "" if e.value is None else f"{e.value:g}",
            inert((e.text or "")[:60]),
        )
    out.print(table)


OptionalPerson = Annotated[
    str | None, typer.Argument(help="A person id, an identity network:account, or a name.")
]


@app.command()
def merge(
    ctx: typer.Context,
    person: OptionalPerson = None,
    other: OptionalPerson = None,
    reason: Annotated[str | None, typer.Option(help="Why they are one person.")] = None,
    suggest: Annotated[
        bool,
        typer.Option(
            "--suggest", help="List likely merges with their evidence (PERSON: only theirs)."
        ),
    ] = False,
    min_confidence: Annotated[
        float, typer.Option(help="With --suggest: the least confidence shown.", min=0, max=1)
    ] = 0.5,
    limit: Annotated[int, typer.Option(help="With --suggest: how many to list.", min=1)] = 50,
    as_json: JsonFlag = False,
) -> None:
    """Merge OTHER into PERSON: one person with both sets of identities (reversible).

    With --suggest, list the people who are probably one person, with the evidence."""
    if suggest:
        _suggestions(ctx, person, min_confidence, limit, as_json)
        return
    if person is None or other is None:
        raise typer.BadParameter("name PERSON and OTHER, or pass --suggest")
    with open_store(ctx).write() as conn:
        survivor, merged = find_person(conn, person), find_person(conn, other)
        merge_id = merge_people(conn, survivor, merged, reason=reason, now_us=now_us())
    out.print(
        f"merged person {merged} into {survivor} (merge {merge_id}; goodwill unmerge {merge_id} undoes it)"
    )


def _suggestions(
    ctx: typer.Context, person: str | None, min_confidence: float, limit: int, as_json: bool
) -> None:
    with open_store(ctx).read() as conn:
        only = find_person(conn, person) if person is not None else None
        found = suggest_merges(conn, person=only, min_confidence=min_confidence, limit=limit)
    if as_json:
        out.print_json(json.dumps([asdict(s) for s in found]))
        return
    if not found:
        out.print("no likely merges: nothing links two people's identities")
        return
    table = Table("people", "confidence", "evidence", box=None)
    table.add_column("accept with", no_wrap=True)
    for s in found:
        evidence = "\n".join(inert(f"{e.reason}: {e.detail}") for e in s.evidence[:3])
        table.add_row(
            inert(f"{s.person} {s.person_name}\n{s.other} {s.other_name}"),
            f"{s.confidence:.2f}",
            evidence,
            f"goodwill merge {s.person} {s.other}",
        )
    out.print(table)
    out.print("[dim]a merge is undone with goodwill unmerge MERGE_ID[/]")


@app.command("unmerge")
def unmerge_(
    ctx: typer.Context, merge_id: Annotated[int, typer.Argument(help="The merge's id.")]
) -> None:
    """Undo a merge: the identities it moved go back to their own person."""
    with open_store(ctx).write() as conn:
        survivor, restored = unmerge(conn, merge_id, now_us=now_us())
    out.print(f"undid merge {merge_id}: person {restored} is separate from {survivor} again")


@app.command()
def owner(
    ctx: typer.Context,
    handles: Annotated[
        list[str] | None,
        typer.Argument(help="Your identities (network:account); none shows the owner."),
    ] = None,
) -> None:
    """Record whose ledger this is: your identities become one person, the owner."""
    ledger = open_store(ctx)
    person_id: int | None
    if handles:
        with ledger.write() as conn:
            person_id = set_owner(conn, handles, now_us=now_us())
    else:
        with ledger.read() as conn:
            person_id = owner_person(conn)
    if person_id is None:
        out.print("no owner recorded yet: goodwill owner network:account ... records yours")
        return
    with ledger.read() as conn:
        handles_now = [f"{i.network}:{i.account}" for i in person_identities(conn, person_id)]
    out.print(f"owner: person {person_id} ({', '.join(handles_now)})", markup=False)
