"""Trust quality: goodwill's scores beside published baselines, on real interaction data.

What it measures (the protocols are described in ``bench/quality/protocols.py``):

* **bitcoin-otc**, **bitcoin-alpha** (who-trusts-whom ratings, -10..10 scaled to [-1, 1]):
  ``leave-one-out`` RMSE and Pearson correlation of each rating predicted with it hidden
  (the ICDM 2016 FxG paper's protocol), and ``temporal``: train on the first 80% of
  ratings in time order, predict the last 20% (AUC of the sign, RMSE, Pearson);
* **bitcoin-otc** ``fraud``: AUC and precision at 50 of per-user scores against REV2's
  fraudulent/benign labels, scores computed on the full network as REV2 did (the labels
  come from ratings inside it, so read these as agreement, not foresight);
* **college-msg** ``persistence``: at days 60, 100 and 140, which pairs who have talked
  will talk again within 30 days (AUC and precision at 100, per cut and mean).

Methods: ``goodwill`` first (from ``bench/quality/goodwill_method.py``; on messages it is
the relationship outlook, with ``goodwill-trust``, trust alone, beside it), then FxG,
average rating, a Klout-like activity score, PageRank and EigenTrust on the ratings; and
recency, frequency, Cloze-like and PingCRM-like scores on the messages. Each baseline's
module says what it implements and which choices it made.

It prints a table per dataset and protocol, with the seconds each method took, and the
total runtime. It asserts nothing. Run from the repository root::

    .venv/bin/python bench/trust_quality.py
    .venv/bin/python bench/trust_quality.py --only bitcoin-otc --json /tmp/tq.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import protocols
from quality.average import Average
from quality.contact import Cloze, Frequency, PingCrm, Recency
from quality.data import (
    DEFAULT_DATA_DIR,
    DataMissingError,
    load_fraud_labels,
    load_messages,
    load_signed,
)
from quality.eigentrust import EigenTrust
from quality.fxg import FxG
from quality.goodwill_method import GoodwillPairs, GoodwillPairTrust, GoodwillSigned
from quality.klout import Klout
from quality.methods import PairMethod, SignedMethod
from quality.pagerank import PageRank

DATASETS = ("bitcoin-otc", "bitcoin-alpha", "college-msg")
Results = dict[str, dict[str, dict[str, dict[str, object]]]]
Method = TypeVar("Method", SignedMethod, PairMethod)


def goodwill_methods() -> tuple[list[SignedMethod], list[PairMethod]]:
    """goodwill's methods, with its default policy: trust and standing on ratings; the
    relationship outlook on messages, with trust alone beside it for comparison."""
    return [GoodwillSigned()], [GoodwillPairs(), GoodwillPairTrust()]


def signed_methods(goodwill: list[SignedMethod]) -> list[SignedMethod]:
    return [*goodwill, FxG(), Average(), Klout(), PageRank(), EigenTrust()]


def pair_methods(goodwill: list[PairMethod]) -> list[PairMethod]:
    return [*goodwill, Recency(), Frequency(), Cloze(), PingCrm()]


def _timed(run: Callable[[Method], protocols.Figures], method: Method) -> dict[str, object]:
    """The protocol's figures for ``method``, plus the wall-clock seconds it took."""
    start = time.perf_counter()
    figures: dict[str, object] = dict(run(method))
    figures["seconds"] = time.perf_counter() - start
    return figures


def _flatten(figures: dict[str, object]) -> dict[str, object]:
    """``auc_by_cut: {"60": x}`` becomes ``auc@60: x`` for the printed table."""
    flat: dict[str, object] = {}
    for name, value in figures.items():
        if isinstance(value, dict):
            stem = name.removesuffix("_by_cut")
            flat.update({f"{stem}@{key}": inner for key, inner in value.items()})
        else:
            flat[name] = value
    return flat


def print_table(dataset: str, protocol: str, rows: dict[str, dict[str, object]]) -> None:
    flat = {method: _flatten(figures) for method, figures in rows.items()}
    columns = [c for c in dict.fromkeys(k for f in flat.values() for k in f) if c != "seconds"]
    columns.append("seconds")
    widths = [max(len(column), 8) for column in columns]
    name_width = max(len("method"), *(len(method) for method in flat))
    print(f"\n{dataset} / {protocol}")
    header = "  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))
    print(f"{'method'.ljust(name_width)}  {header}")
    for method, figures in flat.items():
        cells = []
        for column, width in zip(columns, widths, strict=True):
            value = figures.get(column)
            decimals = 2 if column == "seconds" else 4
            text = "" if value is None else f"{value:.{decimals}f}"
            cells.append(text.rjust(width))
        print(f"{method.ljust(name_width)}  {'  '.join(cells)}")


def _run(
    results: Results,
    dataset: str,
    protocol: str,
    methods: Sequence[Method],
    run: Callable[[Method], protocols.Figures],
) -> None:
    rows = {method.name: _timed(run, method) for method in methods}
    results.setdefault(dataset, {})[protocol] = rows
    print_table(dataset, protocol, rows)


def evaluate_signed(
    results: Results, dataset: str, data_dir: Path, methods: list[SignedMethod]
) -> None:
    graph = load_signed(dataset, data_dir)
    _run(results, dataset, "leave-one-out", methods, lambda m: protocols.leave_one_out(graph, m))
    _run(results, dataset, "temporal", methods, lambda m: protocols.temporal(graph, m))
    if dataset == "bitcoin-otc":
        labels = load_fraud_labels(graph, data_dir)
        _run(results, dataset, "fraud", methods, lambda m: protocols.fraud(graph, labels, m))


def evaluate_messages(
    results: Results, dataset: str, data_dir: Path, methods: list[PairMethod]
) -> None:
    messages = load_messages(data_dir)
    _run(results, dataset, "persistence", methods, lambda m: protocols.persistence(messages, m))


def evaluate(data_dir: Path, only: str | None) -> Results:
    signed_goodwill, pair_goodwill = goodwill_methods()
    results: Results = {}
    for dataset in DATASETS:
        if only is not None and dataset != only:
            continue
        if dataset == "college-msg":
            evaluate_messages(results, dataset, data_dir, pair_methods(pair_goodwill))
        else:
            evaluate_signed(results, dataset, data_dir, signed_methods(signed_goodwill))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="the SNAP files")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--only", choices=DATASETS, help="run one dataset")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        results = evaluate(args.data, args.only)
    except DataMissingError as error:
        parser.exit(2, f"error: {error}\n")
    print(f"\ntotal: {time.perf_counter() - start:.1f} s")
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
