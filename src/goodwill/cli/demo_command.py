"""``goodwill demo``: generate the demo world, import it like any other input, summarise it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import platformdirs
import typer
from rich.table import Table

from goodwill.cli.app import app, err, out
from goodwill.cli.ledger_commands import print_summary
from goodwill.cli.progress import import_progress
from goodwill.ledger import open_ledger
from goodwill.ledger.queries import reciprocal_contacts, stats
from goodwill.trust.policy import default_policy
from goodwill.trust.report import open_view, parse_moment
from goodwill.trust.stages import STAGES


def _demo_folder() -> Path:
    return Path(platformdirs.user_data_dir("goodwill", appauthor=False)) / "demo"


@app.command()
def demo(
    ctx: typer.Context,
    seed: Annotated[
        int, typer.Option(help="Seed of the simulation: the same seed, the same world.")
    ] = 7,
    scale: Annotated[int, typer.Option(help="Multiply the number of people.", min=1)] = 1,
    folder: Annotated[
        Path | None,
        typer.Option(help="Where the world's files go (default: demo/ in your data folder)."),
    ] = None,
) -> None:
    """Simulate one owner's year across networks and email, import it, and summarise it.

    Without --db the demo gets a fresh store of its own beside its files, so it never mixes
    with your own ledger.
    """
    from goodwill.demo import install_demo  # only this command needs the simulation

    folder = folder or _demo_folder()
    url = (ctx.obj or {}).get("db")
    if url is None:
        store = folder / "demo.db"
        for leftover in (store, store.with_name("demo.db-wal"), store.with_name("demo.db-shm")):
            leftover.unlink(missing_ok=True)
        url = f"sqlite:///{store}"
    with open_ledger(url) as ledger:
        with import_progress("jsonl events.jsonl") as progress:
            installed = install_demo(ledger, folder, seed=seed, scale=scale, progress=progress)
        err.print(
            f"[dim]demo world: {installed.world.events_path} "
            f"(ground truth in {installed.world.truth_path.name})[/]"
        )
        print_summary(installed.summary)
        year_end = installed.year_end
        with ledger.read() as conn:
            figures = stats(conn)
            strongest = reciprocal_contacts(conn, limit=10)
            relationships = open_view(
                conn, default_policy(), at_us=parse_moment(year_end)
            ).relationships()
        shown_url = ledger.url
    out.print(
        f"\n[bold]Demo world[/] (seed {seed}): {figures['people']:,} people, "
        f"{figures['identities']:,} identities, {figures['events']:,} events "
        f"from {figures['first_event'][:10]} to {figures['last_event'][:10]}"
    )
    table = Table(
        "person",
        "name",
        "to them",
        "from them",
        "last contact",
        title="Strongest relationships (two-way exchange)",
        box=None,
    )
    for row in strongest:
        table.add_row(
            str(row["person"]),
            row["name"],
            str(row["to_them"]),
            str(row["from_them"]),
            row["last_contact"][:10],
        )
    out.print(table)
    stages = Counter(r.stage for r in relationships)
    out.print(
        "\nThe owner's relationships at the end of the year: "
        + ", ".join(f"{stages[s]} {s}" for s in STAGES if stages[s])
    )
    cooling = [r for r in relationships if r.stage == "cooling"][:5]
    if cooling:
        names = ", ".join(f"{r.name} (silent {r.silence_days:.0f} days)" for r in cooling)
        out.print(f"Most trusted of those cooling: {names}")
    out.print(
        f"\nExplore it: goodwill --db {shown_url} people   (then: show PERSON, stats, "
        f"relationships --at {year_end}, why PERSON OTHER --at {year_end})"
    )
