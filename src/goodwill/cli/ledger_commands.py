"""Commands about the store itself: init, sources, import, stats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from goodwill.cli.app import app, err, open_store, out
from goodwill.cli.progress import import_progress
from goodwill.cli.terminal import inert
from goodwill.errors import SourceError
from goodwill.importing import ImportSummary, check_import, run_import
from goodwill.ledger.migrate import current_revision
from goodwill.ledger.queries import stats as store_stats
from goodwill.sources.registry import describe_sources, file_sources
from goodwill.sources.sniffing import detect_source

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@app.command()
def init(ctx: typer.Context) -> None:
    """Create the store (or bring an existing one to the newest schema)."""
    ledger = open_store(ctx)
    out.print(f"store ready: {inert(ledger.url)} (schema {current_revision(ledger.engine)})")


@app.command()
def sources(as_json: JsonFlag = False) -> None:
    """List the sources goodwill can import from, with what each reads."""
    found = describe_sources()  # imports no source module that states these plainly
    if as_json:
        listing = {
            name: {"description": d.description, "options": dict(d.options)}
            for name, d in found.items()
        }
        out.print_json(json.dumps(listing))
        return
    table = Table("source", "reads", "options", box=None)
    for name, d in found.items():
        table.add_row(name, d.description, ", ".join(d.options) or "-")
    out.print(table)


def _parse_options(pairs: list[str]) -> dict[str, str]:
    options: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SourceError(
                f"--option {pair!r}: write it as key=value, e.g. --option network=email"
            )
        options[key.strip()] = value.strip()
    return options


def print_summary(summary: ImportSummary) -> None:
    """The closing lines of an import, for people."""
    out.print(
        f"[bold]{inert(summary.path.name)}[/]: read {summary.events_read:,} events · "
        f"added {summary.added:,} · already present {summary.present:,} · "
        f"rejected {summary.rejected:,} · new identities {summary.identities_added:,} · "
        f"{summary.seconds:.1f} s ({summary.events_per_second:,.0f} events/s)"
    )
    if summary.rejects_path is not None:
        out.print(
            f"rejected records: {summary.rejects_path} (reasons in {summary.rejects_path}.reasons)",
            markup=False,
        )
        for record in summary.first_rejects:
            out.print(f"  {inert(record.location)}: {inert(record.reason)}")


@app.command("import")
def import_(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            help="Source name (goodwill sources lists them); leave it out to let goodwill "
            "tell from the file.",
            metavar="[SOURCE]",
        ),
    ],
    path: Annotated[Path | None, typer.Argument(help="The file or folder to import.")] = None,
    option: Annotated[
        list[str] | None,
        typer.Option("--option", "-o", help="Source option key=value (repeatable)."),
    ] = None,
    skip_bad: Annotated[
        Path | None,
        typer.Option("--skip-bad", help="Write unreadable records to FILE and import the rest."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Import PATH with SOURCE (or the source goodwill recognises): all or nothing, and a
    second run adds nothing."""
    if path is None:
        path = Path(source)
        source = detect_source(path, file_sources())
        err.print(f"reading {path.name} as {source}", markup=False)
    options = _parse_options(option or [])
    check_import(source, path, options)
    ledger = open_store(ctx)
    with import_progress(inert(f"{source} {path.name}")) as progress:
        summary = run_import(
            ledger, source, path, options=options, skip_bad=skip_bad, progress=progress
        )
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "import": summary.import_id,
                    "source": summary.source,
                    "path": str(summary.path),
                    "sha256": summary.sha256,
                    "read": summary.events_read,
                    "added": summary.added,
                    "present": summary.present,
                    "rejected": summary.rejected,
                    "identities_added": summary.identities_added,
                    "seconds": round(summary.seconds, 3),
                }
            )
        )
    else:
        print_summary(summary)


@app.command()
def stats(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Count what the store holds: events (by kind and source), identities, people."""
    ledger = open_store(ctx)
    with ledger.read() as conn:
        figures = store_stats(conn)
    if as_json:
        out.print_json(json.dumps(figures))
        return
    out.print(
        f"{figures['events']:,} events · {figures['identities']:,} identities · "
        f"{figures['people']:,} people · {figures['imports']:,} imports"
    )
    if figures["first_event"]:
        out.print(f"from {figures['first_event']} to {figures['last_event']}")
    for title, key in (("kind", "by_kind"), ("source", "by_source")):
        if figures[key]:
            table = Table(title, "events", box=None)
            for name, n in sorted(figures[key].items(), key=lambda item: -item[1]):
                table.add_row(inert(name), f"{n:,}")
            out.print(table)
    err.print(f"[dim]store: {inert(ledger.url)}[/]")
