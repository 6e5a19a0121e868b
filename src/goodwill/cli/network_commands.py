"""Commands about network trust: network (ranking from seeds), path (A to B), intro, and
scores (what the last refresh or Spark load stored, read without recomputing)."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table
from sqlalchemy import Connection

from goodwill.cli.app import app, err, open_store, out
from goodwill.cli.terminal import inert
from goodwill.cli.trust_commands import AtOption, JsonFlag, PersonArg, PolicyOption, TopOption
from goodwill.errors import GoodwillError, NotFoundError
from goodwill.events import from_time_us
from goodwill.insights.circle_export import neutralise_formula
from goodwill.insights.citing import Cited, cite
from goodwill.ledger.private_files import create_private
from goodwill.ledger.queries import find_person, person_names
from goodwill.trust.network_report import NetworkPath, NetworkView, open_network
from goodwill.trust.network_scores import StoredScores, read_network_scores
from goodwill.trust.policy import load_policy
from goodwill.trust.report import parse_moment

HopsOption = Annotated[
    int, typer.Option("--hops", help="The longest path to look for, in hops.", min=1, max=8)
]


def _network(conn: Connection, at: str | None, policy: str | None) -> NetworkView:
    return open_network(conn, load_policy(policy), at_us=parse_moment(at))


def _path_json(path: NetworkPath, cited: list[Cited]) -> dict[str, Any]:
    return {
        "people": path.people,
        "names": path.names,
        "hops": path.hops,
        "strength": path.strength,
        "evidence": [asdict(c) for c in cited],
    }


def _show_path(path: NetworkPath, cited: list[Cited], heading: str) -> None:
    chain = f"{path.names[0]} ({path.people[0]})"
    for name, person, trust in zip(path.names[1:], path.people[1:], path.hops, strict=True):
        chain += f" —{trust:.2f}→ {name} ({person})"
    out.print(f"{heading}strength {path.strength:.3f}: {chain}", markup=False, highlight=False)
    for line in cited:
        out.print(f"    {line.line()}", markup=False, highlight=False)


@app.command()
def network(
    ctx: typer.Context,
    seeds: Annotated[
        str,
        typer.Option(
            "--seeds",
            help="Where trust starts: 'owner' (you and whom you trust, by your trust) or "
            "people separated by commas (ids, network:account or names), equally weighted.",
        ),
    ] = "owner",
    top: TopOption = 20,
    at: AtOption = None,
    policy: PolicyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """People ranked by trust propagated from the seeds; distrust from the trusted lowers."""
    with open_store(ctx).read() as conn:
        chosen = None
        if seeds.strip().lower() != "owner":
            chosen = [find_person(conn, part.strip()) for part in seeds.split(",") if part.strip()]
        view = _network(conn, at, policy)
        rows = view.ranking(chosen, top=top)
        at_text = view.view.at.isoformat()
    if as_json:
        payload = {"at": at_text, "seeds": chosen or "owner", "people": [asdict(r) for r in rows]}
        out.print_json(json.dumps(payload))
        return
    table = Table("id", "name", "score", "mass", "distrust", "seed", box=None)
    for r in rows:
        table.add_row(
            str(r.person),
            inert(r.name),
            f"{r.score:.3g}",
            f"{r.mass:.3g}",
            f"-{r.penalty:.3g}" if r.penalty else "",
            f"{r.seed:.3f}" if r.seed else "",
        )
    out.print(
        f"network trust from {'your seeds' if chosen is None else seeds}, as of {at_text[:16]}",
        markup=False,
    )
    out.print(table)


@app.command()
def path(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="Where the trust starts (a person).")],
    target: Annotated[str, typer.Argument(help="The person it reaches.")],
    k: Annotated[int, typer.Option("--k", help="How many paths to show.", min=1)] = 3,
    hops: HopsOption = 4,
    at: AtOption = None,
    policy: PolicyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The strongest trust paths from A to B, each hop's trust, and why the first hop holds."""
    with open_store(ctx).read() as conn:
        a, b = find_person(conn, source), find_person(conn, target)
        view = _network(conn, at, policy)
        found = view.paths(a, b, k=k, max_hops=hops)
        cited = [cite(conn, p.evidence) for p in found]
        names = view.view.names([a, b])
        at_text = view.view.at.isoformat()
    if as_json:
        payload = {
            "source": a,
            "target": b,
            "at": at_text,
            "paths": [_path_json(p, c) for p, c in zip(found, cited, strict=True)],
        }
        out.print_json(json.dumps(payload))
        return
    if not found:
        out.print(
            f"no trust path from {names.get(a)} to {names.get(b)} within {hops} hops "
            f"as of {at_text[:10]}",
            markup=False,
        )
        return
    for number, (p, c) in enumerate(zip(found, cited, strict=True), start=1):
        _show_path(p, c, f"{number}. ")


@app.command()
def intro(
    ctx: typer.Context,
    person: PersonArg,
    top: TopOption = 5,
    hops: HopsOption = 4,
    at: AtOption = None,
    policy: PolicyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Who can introduce you: your trusted contacts with the strongest trust paths to PERSON."""
    with open_store(ctx).read() as conn:
        target = find_person(conn, person)
        view = _network(conn, at, policy)
        found = view.introducers(target, top=top, max_hops=hops)
        cited = [cite(conn, i.path.evidence) for i in found]
        direct = view.direct_trust(view.owner(), target)
        name = view.view.names([target]).get(target, "?")
        at_text = view.view.at.isoformat()
    if as_json:
        payload = {
            "person": target,
            "name": name,
            "at": at_text,
            "direct_trust": direct,
            "introducers": [
                {
                    "person": i.person,
                    "name": i.name,
                    "trust": i.trust,
                    "path": _path_json(i.path, c),
                }
                for i, c in zip(found, cited, strict=True)
            ],
        }
        out.print_json(json.dumps(payload))
        return
    if direct:
        out.print(f"you already trust {name} directly ({direct:.2f})", markup=False)
    if not found:
        out.print(
            f"none of your trusted contacts has a trust path to {name} within {hops} hops",
            markup=False,
        )
        return
    for number, (i, c) in enumerate(zip(found, cited, strict=True), start=1):
        _show_path(i.path, c, f"{number}. {i.name} (you trust {i.trust:.2f}), ")


SCORE_CSV_COLUMNS = ("person_id", "name", "score", "normalized", "mass", "as_of")


def _write_scores_csv(
    path: Path, stored: StoredScores, order: np.ndarray, names: dict[int, str]
) -> None:
    """Every score, in ``order``, to ``path``: the file appears whole, or not at all; names
    are neutralised for spreadsheets (see :mod:`goodwill.insights.circle_export`)."""
    as_of = from_time_us(stored.at_us).isoformat() if stored.at_us is not None else ""
    part = path.with_name(path.name + ".part")
    try:
        with create_private(part).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(SCORE_CSV_COLUMNS)
            for person, score, normalized, mass in zip(
                stored.person_id[order].tolist(), stored.score[order].tolist(),
                stored.normalized[order].tolist(), stored.mass[order].tolist(), strict=True,
            ):  # fmt: skip
                name = neutralise_formula(names.get(person, ""))
                writer.writerow((person, name, score, normalized, mass, as_of))
        part.replace(path)
    except OSError as exc:
        raise GoodwillError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    finally:
        part.unlink(missing_ok=True)


@app.command()
def scores(
    ctx: typer.Context,
    scope: Annotated[
        str, typer.Option("--scope", help="Whose scores: 'owner' or a Spark run's scope.")
    ] = "owner",
    limit: Annotated[int, typer.Option("--limit", help="How many to list.", min=1)] = 20,
    csv_path: Annotated[
        Path | None,
        typer.Option("--csv", help="Also write every score of the scope to this CSV file."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """The network scores stored by the last refresh (or spark load), highest first."""
    with open_store(ctx).read() as conn:
        stored = read_network_scores(conn, scope)
        if not stored.person_id.size:
            raise NotFoundError(
                f"no network scores stored for scope {scope!r}: goodwill refresh stores the "
                "owner's, goodwill spark load a Spark run's"
            )
        order = np.lexsort((stored.person_id, -stored.score))  # highest first, then by id
        listed = order if csv_path is not None else order[:limit]
        names = person_names(conn, stored.person_id[listed].tolist())
    if csv_path is not None:
        _write_scores_csv(csv_path, stored, order, names)
        err.print(f"wrote {len(order):,} scores to {csv_path}", highlight=False)
    assert stored.at_us is not None
    as_of = from_time_us(stored.at_us).isoformat()
    top = [
        {"person_id": p, "name": names.get(p, ""), "score": float(stored.score[i]),
         "normalized": float(stored.normalized[i]), "mass": float(stored.mass[i])}
        for i, p in zip(order[:limit].tolist(), stored.person_id[order[:limit]].tolist(),
                        strict=True)
    ]  # fmt: skip
    if as_json:
        payload = {"scope": scope, "as_of": as_of, "people": len(order), "scores": top}
        out.print_json(json.dumps(payload))
        return
    table = Table("id", "name", "score", "normalized", "mass", box=None)
    for row in top:
        table.add_row(
            str(row["person_id"]), inert(row["name"]), f"{row['score']:.3g}",
            f"{row['normalized']:.3f}", f"{row['mass']:.3g}",
        )  # fmt: skip
    out.print(f"{scope}: {len(order):,} people scored, as of {as_of[:16]}", markup=False)
    out.print(table)
