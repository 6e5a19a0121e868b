"""The PySpark engine computes what the numpy engine computes: evidence, the trust graph and
network trust, on Bitcoin OTC and on a seeded synthetic history over 100,000 people, and
the export -> run -> read-back round trip works through the command line and spark-submit.

One Spark session (``local[2]``, two shuffle partitions, no UI) serves the whole module.
Select these tests with ``-m spark``, leave them out with ``-m "not spark"``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.ledger import open_ledger
from goodwill.trust.engines.spark.inputs import read_manifest
from goodwill.trust.engines.spark.job import owner_seeds, release, trust_frames
from goodwill.trust.engines.spark.session import java_missing, spark_session
from goodwill.trust.engines.spark.walk import SparkNetworkTrust
from goodwill.trust.model import assess
from goodwill.trust.network import NetworkTrust
from goodwill.trust.network_graph import TrustGraph, trust_graph
from goodwill.trust.network_report import open_network
from goodwill.trust.network_scores import person_scores, read_network_scores
from goodwill.trust.policy import default_policy
from goodwill.trust.report import parse_moment
from tests.trust.synthetic_events import event_table, history, write_export
from tests.trust.test_network_ledger import END, ME
from tests.trust.test_network_ledger import history as small_history

pytestmark = pytest.mark.spark

runner = CliRunner()
OTC = "soc-sign-bitcoinotc.csv"
OTC_OWNER = "soc-sign-bitcoinotc:35"  # the most rated account: a marketplace's anchor
OTC_AT = "2016-02-01"
SYNTHETIC_PEOPLE = 100_000
SYNTHETIC_STEPS = 4  # the step logic is the same at every step; OTC runs the default count
EVIDENCE_RELATIVE = 1e-9
SCORE_ABSOLUTE = 1e-9


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    reason = java_missing()
    if reason is not None:
        pytest.skip(reason)
    session = spark_session("local[2]", shuffle_partitions=2)
    yield session
    session.stop()


def cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def small(tmp_path: Path) -> str:
    """The hand-made history of the network tests (me, Ana, Bob, Cy, Eve, a spammer)."""
    path = tmp_path / "history.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in small_history()) + "\n")
    db = f"sqlite:///{tmp_path / 'small.db'}"
    cli("--db", db, "import", "jsonl", str(path))
    cli("--db", db, "owner", ME)
    return db


@pytest.fixture(scope="module")
def otc_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    data = Path(__file__).resolve().parents[3] / "shared" / "data" / OTC
    if not data.is_file():
        pytest.skip(f"Bitcoin OTC is not at {data} (CI has it)")
    db = f"sqlite:///{tmp_path_factory.mktemp('otc') / 'otc.db'}"
    cli("--db", db, "import", "snap-signed", str(data))
    cli("--db", db, "owner", OTC_OWNER)
    return db


def _pairs(rows: list[Any]) -> dict[tuple[int, int], tuple[float, float]]:
    return {(r["truster"], r["trustee"]): (r["positive"], r["negative"]) for r in rows}


def _assert_same_evidence(
    spark_pairs: dict[tuple[int, int], tuple[float, float]],
    numpy_pairs: dict[tuple[int, int], tuple[float, float]],
) -> None:
    assert spark_pairs.keys() == numpy_pairs.keys()
    for key, (positive, negative) in numpy_pairs.items():
        got = spark_pairs[key]
        assert got[0] == pytest.approx(positive, rel=EVIDENCE_RELATIVE, abs=0)
        assert got[1] == pytest.approx(negative, rel=EVIDENCE_RELATIVE, abs=0)


def _assert_same_graph(edges: list[Any], graph: TrustGraph, people: np.ndarray) -> None:
    """Every matrix entry equal, and no edge on one side only."""
    position = {int(p): i for i, p in enumerate(people)}
    rows = np.array([position[r["src"]] for r in edges])
    cols = np.array([position[r["dst"]] for r in edges])
    trust, distrust = graph.trust.tocoo(), graph.distrust.tocoo()
    expected = set(zip(trust.row.tolist(), trust.col.tolist(), strict=True))
    expected |= set(zip(distrust.row.tolist(), distrust.col.tolist(), strict=True))
    assert set(zip(rows.tolist(), cols.tolist(), strict=True)) == expected
    assert graph.maturity is not None
    for name, matrix in (("trust", graph.trust), ("distrust", graph.distrust),
                         ("maturity", graph.maturity)):  # fmt: skip
        got = np.array([r[name] for r in edges])
        want = np.asarray(matrix[rows, cols]).ravel()
        assert np.abs(got - want).max() <= 1e-12 * max(1.0, np.abs(want).max())


def _scores(rows: list[Any], people: np.ndarray, node: str) -> dict[str, np.ndarray]:
    """Spark's per-person results as vectors over the numpy engine's dense indices (0 for
    anyone the walk did not reach)."""
    position = {int(p): i for i, p in enumerate(people)}
    vectors = {name: np.zeros(len(people)) for name in ("mass", "score", "normalized")}
    for row in rows:
        for name, vector in vectors.items():
            vector[position[row[node]]] = row[name]
    return vectors


def test_bitcoin_otc_evidence_graph_and_network_trust_equal_goodwill_networks(
    spark: Any, otc_store: str, tmp_path: Path
) -> None:
    at = parse_moment(OTC_AT)
    cli("--db", otc_store, "export", "parquet", str(tmp_path / "otc"), "--at", OTC_AT)
    with open_ledger(otc_store) as ledger, ledger.read() as conn:
        network = open_network(conn, default_policy(), at_us=at)
        owner = network.owner()
        seeds = network.owner_seeds()
    view, graph = network.view, network.graph
    expected = NetworkTrust(engine="reference").fit(
        graph.trust, seeds, graph.distrust, maturity=graph.maturity
    )
    manifest = read_manifest(spark, str(tmp_path / "otc"))
    frames = trust_frames(spark, str(tmp_path / "otc"), manifest, default_policy(), at)
    try:
        assert frames.people == view.table.n_nodes == 5_881
        evidence = view.snapshot.evidence
        people = view.index.person_ids
        numpy_pairs = {
            (int(people[a]), int(people[b])): (float(p), float(n))
            for a, b, p, n in zip(
                evidence.truster, evidence.trustee, evidence.positive, evidence.negative,
                strict=True,
            )
        }  # fmt: skip
        _assert_same_evidence(_pairs(frames.pairs.collect()), numpy_pairs)
        _assert_same_graph(frames.edges.collect(), graph, people)
        walker = SparkNetworkTrust().fit(
            frames.edges, owner_seeds(frames.edges, owner), frames.people
        )
        rows = walker.results().collect()
    finally:
        release(frames)
    assert walker.steps_ == expected.steps_ == 13  # ceil(log2(5,881 people))
    got = _scores(rows, people, "node")
    assert np.abs(got["mass"] - expected.mass_).max() <= SCORE_ABSOLUTE
    assert np.abs(got["score"] - expected.scores_).max() <= SCORE_ABSOLUTE
    assert np.abs(got["normalized"] - expected.normalized_).max() <= SCORE_ABSOLUTE
    assert (expected.penalty_ > 0).sum() > 10  # warnings took part


def test_export_run_and_read_back_through_the_cli(spark: Any, small: str, tmp_path: Path) -> None:
    export = tmp_path / "export"
    cli("--db", small, "export", "parquet", str(export), "--at", END)
    manifest = json.loads((export / "manifest.json").read_text())
    assert manifest["counts"] == {"events": len(small_history()), "identities": 6, "people": 6}
    summary = json.loads(cli("spark", "run", str(export), "--into", small, "--json"))
    assert summary["loaded"]["rows"] == summary["scored"] == summary["people"] - 1
    with open_ledger(small) as ledger, ledger.read() as conn:
        network = open_network(conn, default_policy(), at_us=parse_moment(END))
        graph = network.graph
        expected = NetworkTrust(engine="reference").fit(
            graph.trust, network.owner_seeds(), graph.distrust, maturity=graph.maturity
        )
        stored = read_network_scores(conn, "owner")
        engines = {s.engine for s in person_scores(conn, int(stored.person_id[0]))}
    rows = [
        {"person_id": p, "mass": m, "score": s, "normalized": n}
        for p, m, s, n in zip(stored.person_id.tolist(), stored.mass, stored.score,
                              stored.normalized, strict=True)
    ]  # fmt: skip
    assert summary["steps"] == expected.steps_
    assert engines == {"spark"}
    assert stored.at_us == parse_moment(END)
    got = _scores(rows, network.view.index.person_ids, "person_id")
    for name, vector in (("mass", expected.mass_), ("score", expected.scores_),
                         ("normalized", expected.normalized_)):  # fmt: skip
        assert np.abs(got[name] - vector).max() <= SCORE_ABSOLUTE
    # the spammer I blocked is reached by nothing: not in the table at all
    assert len(rows) == int((expected.mass_ > 0).sum())


def test_a_seeded_100k_person_history_gives_the_numpy_engines_results(
    spark: Any, tmp_path: Path
) -> None:
    events = history(SYNTHETIC_PEOPLE, 300_000, seed=8)
    table, people = event_table(events)
    manifest = write_export(events, tmp_path / "synthetic")
    policy = default_policy()
    snapshot = assess(table, policy, events.at_us)
    graph = trust_graph(snapshot, table)
    seeds = people[:20].tolist()  # the most active accounts: a community's trusted few
    expected = NetworkTrust(steps=SYNTHETIC_STEPS, engine="reference").fit(
        graph.trust, np.arange(20), graph.distrust, maturity=graph.maturity
    )
    frames = trust_frames(spark, str(tmp_path / "synthetic"), manifest, policy, events.at_us)
    try:
        assert frames.people == table.n_nodes > 90_000
        evidence = snapshot.evidence
        assert len(evidence.truster) > 250_000
        assert (evidence.negative > 0).sum() > 10_000  # blocks, unfollows, low ratings
        numpy_pairs = {
            (int(people[a]), int(people[b])): (float(p), float(n))
            for a, b, p, n in zip(
                evidence.truster, evidence.trustee, evidence.positive, evidence.negative,
                strict=True,
            )
        }  # fmt: skip
        _assert_same_evidence(_pairs(frames.pairs.collect()), numpy_pairs)
        walker = SparkNetworkTrust(steps=SYNTHETIC_STEPS).fit(
            frames.edges, dict.fromkeys(seeds, 1.0), frames.people
        )
        got = _scores(walker.results().collect(), people, "node")
    finally:
        release(frames)
    assert np.abs(got["mass"] - expected.mass_).max() <= SCORE_ABSOLUTE
    assert np.abs(got["score"] - expected.scores_).max() <= SCORE_ABSOLUTE
    assert np.abs(got["normalized"] - expected.normalized_).max() <= SCORE_ABSOLUTE
    assert (expected.penalty_ > 0).sum() > 100  # distrust took part in the walk
    assert (expected.mass_ > 0).sum() > 10_000  # and the walk went far


def test_owner_seeds_are_the_owners_half_and_her_vouches(spark: Any) -> None:
    edges = spark.createDataFrame(
        [
            (1, 2, 0.6, 0.0, 1.0),
            (1, 3, 0.2, 0.0, 0.5),
            (1, 4, 0.0, 0.4, 0.0),
            (2, 3, 0.5, 0.0, 1.0),
        ],
        "src long, dst long, trust double, distrust double, maturity double",
    )
    assert owner_seeds(edges, 1) == pytest.approx({1: 0.5, 2: 0.375, 3: 0.125})
    assert owner_seeds(edges, 3) == {3: 0.5}  # vouching for nobody: the owner alone


def test_export_refuses_a_folder_in_use_and_spark_load_a_foreign_store(
    spark: Any, small: str, tmp_path: Path
) -> None:
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["--db", small, "export", "parquet", str(tmp_path / "used")])
    assert result.exit_code == 2 and "not an empty folder" in result.stderr
    # a run whose people another store does not have changes nothing there
    scores = tmp_path / "scores"
    spark.createDataFrame(
        [(999_999, 0.5, 0.5, 1.0, 0.0, "owner", 7)],
        "person_id long, mass double, score double, normalized double, penalty double, "
        "scope string, at_us long",
    ).write.parquet(str(scores))
    other = f"sqlite:///{tmp_path / 'other.db'}"
    cli("--db", other, "init")
    result = runner.invoke(app, ["--db", other, "spark", "load", str(scores)])
    assert result.exit_code == 2 and "not in this store" in result.stderr
    with open_ledger(other) as ledger, ledger.read() as conn:
        assert read_network_scores(conn, "owner").person_id.size == 0


def test_a_run_without_an_owner_or_seeds_says_what_to_do(spark: Any, tmp_path: Path) -> None:
    write_export(history(500, 2_000, seed=1), tmp_path / "small")
    result = runner.invoke(app, ["spark", "run", str(tmp_path / "small")])
    assert result.exit_code == 2
    assert "no owner" in result.stderr and "--seeds" in result.stderr
    result = runner.invoke(app, ["spark", "run", str(tmp_path / "small"), "--seeds", "nobody"])
    assert result.exit_code == 2 and "person ids" in result.stderr
    later = ["spark", "run", str(tmp_path / "small"), "--seeds", "1", "--at", "2030-01-01"]
    result = runner.invoke(app, later)
    assert result.exit_code == 2 and "export again with a later --at" in result.stderr
    result = runner.invoke(app, ["spark", "run", str(tmp_path / "small"), "--seeds", "9999"])
    assert result.exit_code == 2 and "person 9999 has no interactions" in result.stderr


def test_spark_submit_runs_the_module_entry_point_with_no_python_on_executors(
    spark: Any, tmp_path: Path
) -> None:
    events = history(300, 1_500, seed=3)
    write_export(events, tmp_path / "export", owner=int(events.actor[0]))
    entry = Path(sys.modules["goodwill.trust.engines.spark.entry"].__file__ or "").parent
    submit = Path(sys.executable).parent / "spark-submit"
    if not submit.is_file():
        pytest.skip(f"no spark-submit next to {sys.executable} (pyspark's launcher)")
    done = subprocess.run(
        [
            str(submit), "--master", "local[1]", "--conf", "spark.ui.enabled=false",
            "--conf", f"spark.pyspark.driver.python={sys.executable}",
            # any Python worker would fail to start: the engine must need none
            "--conf", f"spark.pyspark.python={tmp_path / 'no-python-here'}",
            str(entry / "__main__.py"), str(tmp_path / "export"), "--steps", "2",
            "--shuffle-partitions", "2",
        ],
        # pip's spark-submit finds Spark through the driver's Python
        env={**os.environ, "PYSPARK_DRIVER_PYTHON": sys.executable},
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["steps"] == 2 and summary["scored"] > 0
    assert Path(summary["output"], "_SUCCESS").is_file()
