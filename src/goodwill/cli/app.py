"""The ``goodwill`` command: the Typer app, its global options and its one error boundary.

Every :class:`~goodwill.errors.GoodwillError` (and any database error) that reaches the
command line becomes one line on stderr and exit code 2. Results go to stdout; progress
and notes go to stderr, so ``--json`` output can be piped.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlalchemy.exc import DBAPIError
from typer.core import TyperGroup

from goodwill.cli.terminal import filtered, plain
from goodwill.errors import GoodwillError
from goodwill.ledger import Ledger, open_ledger, resolve_url
from goodwill.ledger.private_files import loose_permissions

__all__ = ["EXIT_ERROR", "app", "err", "open_store", "out"]

EXIT_ERROR = 2
# Imported text never reaches the terminal as control codes (goodwill.cli.terminal); emoji
# codes (":cat:") in a name stay text too.
out = filtered(Console(emoji=False))
err = filtered(Console(stderr=True, emoji=False))


class _Group(TyperGroup):
    """Turns goodwill's own errors into one clear line and exit code 2, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except GoodwillError as exc:
            _fail(str(exc))
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            _fail(f"the store reported an error: {reason}")


def _fail(message: str) -> None:
    print(f"goodwill: error: {plain(message)}", file=sys.stderr)  # may quote a record
    raise SystemExit(EXIT_ERROR)


app = typer.Typer(
    cls=_Group,
    help="goodwill: trust earned from what people actually did with each other.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals hold people's messages: never print them
)


@app.callback()
def _global(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Store URL (sqlite:///PATH or postgresql+psycopg://...). "
            "Default: $GOODWILL_DB, else goodwill.db in your data folder.",
            show_default=False,
        ),
    ] = None,
) -> None:
    ctx.obj = {"db": db}


def open_store(ctx: typer.Context) -> Ledger:
    """The ledger the user chose with ``--db`` or ``GOODWILL_DB``, opened and migrated."""
    ledger = open_ledger(resolve_url((ctx.obj or {}).get("db")))
    ctx.call_on_close(ledger.close)
    if ledger.is_sqlite and ledger.engine.url.database:
        # Said, not fixed: the owner may share it with a group on purpose. Said on stderr
        # whatever stderr is, once per command: a cron job's mail or log is often the only
        # place its owner would ever read it.
        warning = loose_permissions(Path(ledger.engine.url.database))
        if warning:
            print(f"goodwill: warning: {plain(warning)}", file=sys.stderr)
    return ledger
