"""The attack lab: how much trust can fake accounts, churn, rings, blasts, slander and
whitewashing buy, under goodwill and under the scores it is compared with?

Two honest graphs from ``../shared/data`` (Bitcoin OTC's positive ratings, CollegeMsg's
messages) each take every attack in turn, injected as events with a seed
(``bench/attack_lab/inject.py`` says what each attack does and why its sizes are what they
are). Each method scores every node with and without the attack: goodwill's network trust
from a community's 20 seeds (``goodwill.trust.network``, exactly as ``goodwill network``
computes it: its trust, the ``mass`` column, and its ranking, the ``score`` column), the
Klout-like weighted in-degree, PageRank, EigenTrust pre-trusting the same seeds, and FxG's
goodness. The figures (``bench/attack_lab/metrics.py``; shares are of trust, ranks of the
ranking): for a Sybil region its captured share of all trust, its growth with the number
of Sybils, the best Sybil's rank, the honest-vs-Sybil AUC (and the ceiling the accounts a
method scores 0 leave it) and the Sybils in the top 100; for the other attacks the change
in the attacker's or the target's share, percentile and rank, and that change as a
fraction of Klout's; for every run the Spearman correlation of honest bystanders' ranking.

It prints a table per graph and family of attack, then issue #6's targets for goodwill
(the AUC per m and g), and asserts nothing. Run from the repository root::

    .venv/bin/python bench/attacks.py --json /tmp/attacks.json
    .venv/bin/python bench/attacks.py --markdown          # the README's tables
    .venv/bin/python bench/attacks.py --only college-msg --seed 2

``--json`` writes ``{"<graph>": {"<attack>": {"<method>": {"<metric>": value}}}}``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rich.console import Console
from rich.table import Table

from attack_lab.graphs import GRAPHS, load_graph
from attack_lab.lab import Results, run_graph, sybil_names
from attack_lab.methods import METHODS, methods
from attack_lab.targets import check
from quality.data import DEFAULT_DATA_DIR, DataMissingError

OTHER = ("churn", "ring", "blaster", "slander")


def _number(value: float | None, digits: int = 4) -> str:
    if value is None or math.isnan(value):
        return "-"
    return f"{value:.{digits}g}"


def _percent(value: float) -> str:
    return "-" if math.isnan(value) else f"{100 * value:.3g}%"


def _counts(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated counts, not {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("counts must be positive integers")
    return values


def sybil_table(graph: str, results: Results, names: Sequence[str]) -> Table:
    table = Table(title=f"{graph}: Sybil regions", title_justify="left")
    for column in (
        "attack",
        "method",
        "captured",
        "growth",
        "best rank",
        "AUC",
        "AUC active",
        "AUC ceiling",
        "top-100",
        "spearman",
    ):
        table.add_column(column, justify="left" if column in {"attack", "method"} else "right")
    for name in names:
        for method, found in results[name].items():
            table.add_row(
                name if method == METHODS[0] else "",
                method,
                _percent(found["captured"]),
                _number(found["growth"], 3),
                f"{found['best_rank']:.0f}",
                _number(found["auc"]),
                _number(found["auc_active"]),
                _number(found["auc_ceiling"]),
                _number(found["sybils_top100"], 3),
                _number(found["spearman"]),
            )
        table.add_section()
    return table


def gain_table(graph: str, results: Results) -> Table:
    table = Table(
        title=f"{graph}: churn, ring, blaster (attackers), slander (target)", title_justify="left"
    )
    columns = ("attack", "method", "share", "percentile", "rank", "vs Klout", "spearman")
    for column in columns:
        table.add_column(column, justify="left" if column in {"attack", "method"} else "right")
    for name in OTHER:
        for method, f in results[name].items():
            table.add_row(
                name if method == METHODS[0] else "",
                method,
                f"{_percent(f['share_before'])} -> {_percent(f['share_after'])}",
                f"{f['percentile_before']:.3f} -> {f['percentile_after']:.3f}",
                f"{f['rank_before']:.0f} -> {f['rank_after']:.0f}",
                _percent(f["gain_vs_klout"]),
                _number(f["spearman"]),
            )
        table.add_section()
    return table


def whitewash_table(graph: str, results: Results) -> Table:
    table = Table(title=f"{graph}: whitewashing (share, percentile)", title_justify="left")
    for column in ("method", "new identity", "new account", "old identity", "borrowed", "spearman"):
        table.add_column(column, justify="left" if column == "method" else "right")
    for method, f in results["whitewash"].items():
        cells = [
            f"{_percent(f[f'{r}_share'])} ({f[f'{r}_percentile']:.3f})"
            for r in ("new", "fresh", "old")
        ]
        table.add_row(method, *cells, _percent(f["borrowed"]), _number(f["spearman"]))
    return table


def targets_table(
    graph: str, results: Results, counts: list[int], edges: list[int], n_nodes: int
) -> Table:
    table = Table(title=f"{graph}: issue #6 targets for goodwill", title_justify="left")
    for column in ("target", "measured", "met"):
        table.add_column(column)
    for target in check(results, counts, edges, n_nodes):
        table.add_row(target.what, target.measured, "yes" if target.met else "NO")
    return table


def targets_markdown(
    everything: dict[str, Results], sizes: dict[str, int], counts: list[int], edges: list[int]
) -> str:
    """Issue #6's targets for goodwill, one column per graph."""
    graphs = list(everything)
    checked = {graph: check(everything[graph], counts, edges, sizes[graph]) for graph in graphs}
    lines = [f"| target | {' | '.join(graphs)} |", "|---|" + "---|" * len(graphs)]
    for row, target in enumerate(checked[graphs[0]]):
        what = target.what.split(", g log2 n")[0]
        cells = [
            f"{checked[g][row].measured} {'✓' if checked[g][row].met else '✗'}" for g in graphs
        ]
        lines.append(f"| {what} | {' | '.join(cells)} |")
    return "\n".join(lines)


def markdown(everything: dict[str, Results], counts: list[int], edges: list[int]) -> str:
    """One README-ready table: a row per graph and attack, a cell per method."""
    lines = [
        f"| graph | attack | {' | '.join(METHODS)} | goodwill vs Klout |",
        "|---|---|" + "---:|" * (len(METHODS) + 1),
    ]
    for graph, results in everything.items():
        for name in sybil_names(counts, edges):
            row = results[name]
            cells = [
                f"{_percent(f['captured'])} · {f['auc']:.3f} · {f['sybils_top100']:.0f}"
                for f in row.values()
            ]
            versus = (
                f"{_number(row['goodwill']['growth'], 3)}x vs {_number(row['klout']['growth'], 3)}x"
            )
            lines.append(f"| {graph} | {name} | {' | '.join(cells)} | {versus} |")
        for name in OTHER:
            row = results[name]
            cells = [
                f"{100 * f['share_change']:+.3g} pt ({100 * f['percentile_change']:+.0f} pct)"
                for f in row.values()
            ]
            lines.append(
                f"| {graph} | {name} | {' | '.join(cells)} | {_percent(row['goodwill']['gain_vs_klout'])} |"
            )
        row = results["whitewash"]
        cells = [f"{100 * f['borrowed']:+.3g} pt" for f in row.values()]
        lines.append(
            f"| {graph} | whitewash | {' | '.join(cells)} | {_percent(row['goodwill']['gain_vs_klout'])} |"
        )
    lines.append("")
    lines.append(
        "Sybil rows: the region's share of all trust · honest-vs-Sybil AUC · Sybils in the "
        "top 100; last column: captured share at this m over m = "
        f"{min(counts)}, goodwill vs Klout. Other rows: change in the attackers' (slander: "
        "the target's) share of all trust, in percentage points, and in percentile "
        "points; whitewash: the new identity's share minus a genuinely new account's. "
        "Last column: goodwill's change as a share of Klout's."
    )
    return "\n".join(lines)


def _plain(everything: dict[str, Results]) -> dict[str, Results]:
    """The results with NaN (a figure that does not apply) as JSON's null."""
    return {
        graph: {
            attack: {
                method: {k: None if math.isnan(v) else v for k, v in found.items()}  # type: ignore[misc]
                for method, found in row.items()
            }
            for attack, row in results.items()
        }
        for graph, results in everything.items()
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="the SNAP files")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--seed", type=int, default=1, help="seeds the attacks and the community's seeds"
    )
    parser.add_argument("--only", choices=GRAPHS, help="run one graph")
    parser.add_argument("--limit", type=int, help="use only each graph's first LIMIT events")
    parser.add_argument(
        "--sybil-counts", type=_counts, default=[10, 100, 1000], help="m, comma-separated"
    )
    parser.add_argument(
        "--attack-edges", type=_counts, default=[10, 100], help="g, comma-separated"
    )
    parser.add_argument("--markdown", action="store_true", help="print the README's table only")
    args = parser.parse_args(argv)
    out = Console(stderr=args.markdown, width=140)
    log = Console(stderr=True, width=140)
    start = time.perf_counter()
    everything: dict[str, Results] = {}
    sizes: dict[str, int] = {}
    for name in GRAPHS:
        if args.only is not None and name != args.only:
            continue
        try:
            graph = load_graph(name, args.data, args.limit)
        except DataMissingError as error:
            parser.exit(2, f"error: {error}\n")
        log.print(f"{name}: {graph.n_honest} accounts, {len(graph.events)} events")
        results = run_graph(
            graph, methods(), args.seed, args.sybil_counts, args.attack_edges,
            progress=lambda attack, seconds: log.print(f"  {attack}: {seconds:.1f} s"),
        )  # fmt: skip
        everything[name], sizes[name] = results, graph.n_honest
        out.print(sybil_table(name, results, sybil_names(args.sybil_counts, args.attack_edges)))
        out.print(gain_table(name, results))
        out.print(whitewash_table(name, results))
        out.print(
            targets_table(name, results, args.sybil_counts, args.attack_edges, graph.n_honest)
        )
    log.print(f"total: {time.perf_counter() - start:.1f} s")
    if args.markdown:
        print(markdown(everything, args.sybil_counts, args.attack_edges))
        print()
        print(targets_markdown(everything, sizes, args.sybil_counts, args.attack_edges))
    if args.json is not None:
        args.json.write_text(json.dumps(_plain(everything), indent=2) + "\n", encoding="utf-8")
        log.print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
