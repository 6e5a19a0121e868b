"""``goodwill sync``: what is new on an account, read over its API into the store.

The machinery, and what "resumable" means, is in :mod:`goodwill.syncing`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from goodwill.cli.app import app, err, open_store, out
from goodwill.cli.ledger_commands import JsonFlag, print_summary
from goodwill.cli.ledger_commands import _parse_options as parse_options
from goodwill.syncing import read_token, run_sync, sync_source


@app.command()
def sync(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="API source name, e.g. mastodon or bluesky.")],
    account: Annotated[str, typer.Argument(help="The account, e.g. @me@example.social.")],
    token_file: Annotated[
        Path | None,
        typer.Option(
            "--token-file",
            help="Read the access token from FILE (mode 600) instead of the source's "
            "environment variable.",
        ),
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option("--option", "-o", help="Source option key=value (repeatable)."),
    ] = None,
    full: Annotated[
        bool,
        typer.Option("--full", help="Ignore the saved cursor: read all the server keeps."),
    ] = False,
    skip_bad: Annotated[
        Path | None,
        typer.Option("--skip-bad", help="Write unreadable records to FILE and import the rest."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Import what is new on ACCOUNT with API source SOURCE; an interrupted sync is redone."""
    options = parse_options(option or [])
    api = sync_source(source, options)
    api.check_account(account)
    token = read_token(api, token_file)  # a mistake fails here, before the store is opened
    ledger = open_store(ctx)
    with err.status(f"{source} {account}: reading") as status:
        summary = run_sync(
            ledger,
            source,
            account,
            token=token,
            options=options,
            full=full,
            skip_bad=skip_bad,
            progress=lambda n: status.update(f"{source} {account}: read {n:,} records"),
        )
    imported = summary.imported
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "import": imported.import_id,
                    "source": imported.source,
                    "account": summary.account,
                    "read": imported.events_read,
                    "added": imported.added,
                    "present": imported.present,
                    "rejected": imported.rejected,
                    "identities_added": imported.identities_added,
                    "seconds": round(imported.seconds, 3),
                }
            )
        )
    else:
        print_summary(imported)
