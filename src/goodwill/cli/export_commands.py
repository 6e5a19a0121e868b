"""Commands that write the ledger out in other tools' formats: ``goodwill export vcard``."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Annotated

import typer

from goodwill.cli.app import app, err, open_store
from goodwill.cli.terminal import plain_export
from goodwill.errors import GoodwillError
from goodwill.export.contacts import contacts
from goodwill.export.vcard import VERSIONS, write_vcards
from goodwill.ledger.private_files import create_private
from goodwill.ledger.queries import find_person

export_app = typer.Typer(
    help="Write what the ledger knows in other tools' formats.", no_args_is_help=True
)
app.add_typer(export_app, name="export")


@export_app.command("vcard")
def vcard(
    ctx: typer.Context,
    people: Annotated[
        list[str] | None,
        typer.Argument(help="People to export (id, network:account or name); none: everyone."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="The .vcf file to write; without it, stdout."),
    ] = None,
    version: Annotated[
        str, typer.Option("--version", help=f"vCard version: {' or '.join(VERSIONS)}.")
    ] = "4.0",
) -> None:
    """Write people as vCards, one card each with every handle.

    Importing the file with the vcard source gives the same people back."""
    if version not in VERSIONS:
        raise typer.BadParameter(
            f"goodwill writes vCard {' or '.join(VERSIONS)}", param_hint="--version"
        )
    with open_store(ctx).read() as conn:
        chosen = [find_person(conn, p) for p in people] if people else None
        cards = contacts(conn, chosen)
        if out is None or str(out) == "-":
            buffer = io.StringIO(newline="")  # without control characters: may be a terminal
            written = write_vcards(cards, buffer, version)
            sys.stdout.write(plain_export(buffer.getvalue()))
            err.print(f"wrote {written:,} cards")
            return
        part = out.with_name(out.name + ".part")  # the file appears whole, or not at all
        try:
            with create_private(part).open("w", encoding="utf-8", newline="") as handle:
                written = write_vcards(cards, handle, version)
            part.replace(out)
        except OSError as exc:
            raise GoodwillError(f"{out}: cannot write: {exc.strerror or exc}") from exc
        finally:
            part.unlink(missing_ok=True)
    err.print(f"wrote {written:,} cards to {out}")
