"""Privacy commands: forget, export person, backup, restore, encrypt (docs/privacy.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from goodwill.cli.app import app, err, open_store, out
from goodwill.cli.export_commands import export_app
from goodwill.cli.terminal import terminal_json
from goodwill.errors import GoodwillError
from goodwill.export.person import person_document
from goodwill.ledger import resolve_url
from goodwill.ledger.backup import write_backup
from goodwill.ledger.encrypt_store import encrypt_store
from goodwill.ledger.encryption import key_help, new_key, save_key, store_key
from goodwill.ledger.forget import ForgetReport, forget_people, plan_forget
from goodwill.ledger.private_files import write_private_text
from goodwill.ledger.queries import find_person
from goodwill.ledger.restore import restore_backup
from goodwill.ledger.scrub import scrub_store
from goodwill.trust.policy import load_policy
from goodwill.trust.report import parse_moment
from goodwill.trust.state_files import discard_state, state_location

YesFlag = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


@app.command()
def forget(
    ctx: typer.Context,
    people: Annotated[
        list[str] | None,
        typer.Argument(
            help="People to forget: an id, a network:account, or a name.", metavar="PERSON..."
        ),
    ] = None,
    yes: YesFlag = False,
    scrub_only: Annotated[
        bool,
        typer.Option("--scrub-only", help="Forget nobody; only rewrite the store's files."),
    ] = False,
) -> None:
    """Erase people: their identities, events, notes, merges and scores, and their names in
    others' text; they stay forgotten when the same files are imported again."""
    ledger = open_store(ctx)
    if scrub_only:
        _print_limits(scrub_store(ledger, ()).limits)
        return
    if not people:
        raise typer.BadParameter("name at least one person to forget", param_hint="PERSON")
    with ledger.read() as conn:
        chosen = [find_person(conn, p) for p in people]
        plan = plan_forget(conn, chosen)
    err.print(
        f"about to forget {', '.join(plan.names) or '?'} (person {', '.join(map(str, plan.people))}): "
        f"{len(plan.handles)} identities ({', '.join(plan.handles)}), {plan.events:,} events "
        f"of which {plan.notes:,} notes; their names and handles are redacted from everyone "
        "else's text. This cannot be undone.",
        markup=False,
    )
    if not yes and not typer.confirm("forget them?", default=False, err=True):
        raise typer.Exit(1)
    report = forget_people(ledger, chosen)
    # The trust state kept beside the store (goodwill refresh) holds their ids: rebuilt.
    discard_state(state_location(resolve_url((ctx.obj or {}).get("db"))))
    _print_report(report)


def _print_report(report: ForgetReport) -> None:
    derived = sum(report.derived.values())
    out.print(
        f"forgot {report.people} people: {report.identities} identities, {report.events:,} "
        f"events ({report.notes:,} notes), {report.merges} merges, {derived} derived rows; "
        f"redacted {report.redacted:,} other records; rewrote {', '.join(report.scrub.rewritten)}"
    )
    _print_limits(report.scrub.limits)


def _print_limits(limits: list[str]) -> None:
    for limit in limits:
        err.print(f"[dim]note: {limit}[/]")


@export_app.command("person")
def export_person(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="A person id, a network:account, or a name.")],
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="The JSON file to write; without it, stdout.")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at", help="Derived figures as of this date (default: now).", show_default=False
        ),
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option(
            "--policy",
            envvar="GOODWILL_POLICY",
            help="An evidence policy TOML file.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Everything the store holds about one person, as JSON (format: docs/privacy.md)."""
    with open_store(ctx).read() as conn:
        person_id = find_person(conn, person)
        document = person_document(conn, person_id, load_policy(policy), at_us=parse_moment(at))
    content = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if out_file is None or str(out_file) == "-":
        sys.stdout.write(terminal_json(content))  # the same JSON, safe on a terminal
        return
    part = out_file.with_name(out_file.name + ".part")
    try:
        write_private_text(part, content)  # all about one person: the owner's alone
        part.replace(out_file)
    except OSError as exc:
        raise GoodwillError(f"{out_file}: cannot write: {exc.strerror or exc}") from exc
    finally:
        part.unlink(missing_ok=True)
    err.print(
        f"wrote {len(document['events']):,} events and {len(document['notes']):,} notes to {out_file}"
    )


@app.command()
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The backup file to write.")],
) -> None:
    """Write a consistent snapshot of the store, with a manifest and its SHA-256."""
    manifest = write_backup(open_store(ctx), file)
    rows = manifest.tables.get("events", 0)
    out.print(
        f"backup {file}: schema {manifest.schema}, {rows:,} events, "
        f"{manifest.payload_bytes:,} bytes{' (encrypted)' if manifest.encrypted else ''}, "
        f"sha256 {manifest.payload_sha256}"
    )


@app.command()
def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A file goodwill backup wrote.")],
    yes: YesFlag = False,
    allow_resurrect: Annotated[
        bool,
        typer.Option(
            "--allow-resurrect",
            help="Restore the backup exactly as made: people forgotten since come back.",
        ),
    ] = False,
) -> None:
    """Replace the store by a backup, after checking its checksum and schema; people the
    store forgot stay forgotten (docs/privacy.md)."""
    url = resolve_url((ctx.obj or {}).get("db"))
    if not yes and not typer.confirm(
        "replace everything in the store by the backup?", default=False, err=True
    ):
        raise typer.Exit(1)
    report = restore_backup(file, url, allow_resurrect=allow_resurrect)
    discard_state(state_location(url))  # it described the store that was replaced
    migrated = f", migrated from schema {report.migrated_from}" if report.migrated_from else ""
    out.print(
        f"restored {file} ({report.manifest.created_at}, "
        f"{report.manifest.tables.get('events', 0):,} events) into {report.store}{migrated}"
        f"{'; the store is encrypted' if report.encrypted else ''}",
        markup=False,
        highlight=False,
    )
    again = report.reapplied
    if again is None:
        err.print(
            "warning: restored as the backup was made (--allow-resurrect): anyone forgotten "
            "since is back; goodwill forget them again",
            markup=False,
        )
    elif again.people or again.redacted or again.remembered:
        err.print(
            f"kept forgotten: {again.people} people of the backup forgotten again, "
            f"{again.redacted:,} other records redacted, {again.remembered} digests of "
            "forgotten people carried over",
            markup=False,
        )


@app.command()
def encrypt(
    ctx: typer.Context,
    generate: Annotated[
        bool,
        typer.Option("--new-key", help="Generate a random key and keep it in the OS keyring."),
    ] = False,
) -> None:
    """Create an encrypted SQLite store, or encrypt the existing one in place."""
    if store_key() is None:
        if not generate:
            raise GoodwillError(f"no key to encrypt with: {key_help()}, or pass --new-key")
        save_key(new_key())
        err.print("a new key is in the OS keyring (service 'goodwill', user 'store-key')")
    url = resolve_url((ctx.obj or {}).get("db"))
    done = encrypt_store(url)
    # goodwill refresh's state beside it is plaintext: an encrypted store keeps none.
    discard_state(state_location(url))
    out.print(
        f"store {done}: {url}; commands open it as before while its key is in "
        "GOODWILL_STORE_KEY or the keyring. Keep a copy of the key somewhere safe: "
        "without it nothing in the store can be read."
    )
