"""The web app from the command line: ``goodwill serve`` and ``goodwill user add/list/remove``."""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import sys
from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from goodwill.cli.app import app, err, open_store, out
from goodwill.cli.terminal import inert
from goodwill.cli.trust_commands import JsonFlag, PolicyOption
from goodwill.errors import GoodwillError
from goodwill.trust.policy import load_policy
from goodwill.web.users import add_user, count_users, list_users, remove_user

user_app = typer.Typer(help="Who may sign in to the web app.", no_args_is_help=True)
app.add_typer(user_app, name="user")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) only listens on this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(found) and all(
        ipaddress.ip_address(str(a).split("%")[0]).is_loopback for a in found
    )


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=0, max=65535)
    ] = 8000,
    no_auth: Annotated[
        bool,
        typer.Option(
            "--no-auth",
            help="Let anyone who reaches the server in, without signing in: only on a "
            "loopback --host.",
        ),
    ] = False,
    policy: PolicyOption = None,
) -> None:
    """Serve the web app: dashboard, people, person pages and the JSON API (docs/web.md)."""
    import uvicorn

    from goodwill.web import create_app

    if no_auth and not is_loopback(host):
        raise GoodwillError(
            f"--no-auth serves everything to anyone who reaches {host}; it is allowed only on "
            "a loopback address (--host 127.0.0.1): drop --no-auth and add a user with "
            "goodwill user add NAME"
        )
    ledger = open_store(ctx)
    if not no_auth and count_users(ledger) == 0:
        raise GoodwillError(
            "nobody can sign in yet: goodwill user add NAME creates a user "
            "(or serve this machine only with --no-auth)"
        )
    # warm: the moment as of now is computed from the start, and again after each write
    web = create_app(ledger.engine.url.render_as_string(hide_password=False),
                     auth=not no_auth, policy=load_policy(policy), warm=True)  # fmt: skip
    ledger.close()
    _say_what_the_server_does()
    shown = f"[{host}]" if ":" in host else host
    err.print(f"goodwill: serving {ledger.url} on http://{shown}:{port}/ (Ctrl-C stops)")
    uvicorn.run(web, host=host, port=port, log_level="warning", server_header=False)


def _say_what_the_server_does() -> None:
    """The web app's own messages (the warmer's, with their time) on stderr, as uvicorn's."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s goodwill: %(message)s"))
    web_log = logging.getLogger("goodwill.web")
    web_log.addHandler(handler)
    web_log.setLevel(logging.INFO)


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The name to sign in with.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
    ] = False,
) -> None:
    """Add a user who may sign in to the web app (the password is asked twice)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    user = add_user(open_store(ctx), name, password)
    out.print(f"added user {inert(user.name)}: they can sign in to goodwill serve", highlight=False)


@user_app.command("list")
def user_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List the users who may sign in to the web app."""
    users = list_users(open_store(ctx))
    if as_json:
        out.print_json(json.dumps([asdict(u) for u in users]))
        return
    if not users:
        out.print("no users yet: goodwill user add NAME creates one")
        return
    table = Table("id", "name", "created (UTC)", box=None)
    for u in users:
        table.add_row(str(u.id), inert(u.name), u.created[:16].replace("T", " "))
    out.print(table)


@user_app.command("remove")
def user_remove(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The user to remove.")]
) -> None:
    """Remove a user; their open sessions end at their next request."""
    remove_user(open_store(ctx), name)
    out.print(f"removed user {inert(name)}", highlight=False)
