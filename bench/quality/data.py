"""Loaders for the shared SNAP files, as dense integer-indexed arrays.

Every method works on node indices ``0..n_nodes-1`` so that scores are plain arrays and
aggregations are ``np.bincount`` calls. Original ids are mapped to indices in one place
(``_index``) and kept in ``node_ids`` so any result can be mapped back. Files are read as
they are (the data README asks that nobody re-sorts or rewrites them); sorting by time is
the protocols' business.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "DEFAULT_DATA_DIR",
    "SIGNED_FILES",
    "DataMissingError",
    "FraudLabels",
    "Messages",
    "SignedGraph",
    "load_fraud_labels",
    "load_messages",
    "load_signed",
]

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SIGNED_FILES = {
    "bitcoin-otc": "soc-sign-bitcoinotc.csv",
    "bitcoin-alpha": "soc-sign-bitcoinalpha.csv",
}
MESSAGES_FILE = "CollegeMsg.txt"
OTC_LABELS_FILE = "otc_gt.csv"
RATING_SCALE = 10.0  # ratings are -10..10; weights are rating / 10, in [-1, 1]


class DataMissingError(FileNotFoundError):
    """The shared datasets are not where the harness was told to look."""


@dataclass(frozen=True)
class SignedGraph:
    """Directed weighted signed edges ``src -> dst`` with ``weight`` in [-1, 1].

    ``time`` is epoch seconds. A subset of edges (``edges``) keeps ``n_nodes`` and
    ``node_ids``, so a training graph and its test edges share one index space.
    """

    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    time: np.ndarray
    n_nodes: int
    node_ids: np.ndarray

    @property
    def n_edges(self) -> int:
        return int(self.src.size)

    def edges(self, index: np.ndarray) -> SignedGraph:
        """The graph with only the edges selected by ``index`` (a mask or positions)."""
        return SignedGraph(
            self.src[index],
            self.dst[index],
            self.weight[index],
            self.time[index],
            self.n_nodes,
            self.node_ids,
        )


@dataclass(frozen=True)
class Messages:
    """Directed messages ``src -> dst`` at ``time`` (epoch seconds), sorted by time."""

    src: np.ndarray
    dst: np.ndarray
    time: np.ndarray
    n_nodes: int
    node_ids: np.ndarray

    @property
    def n_messages(self) -> int:
        return int(self.src.size)

    def before(self, cut: float) -> Messages:
        """Only the messages strictly before ``cut``: what a method may see at that time."""
        keep = self.time < cut
        return Messages(
            self.src[keep], self.dst[keep], self.time[keep], self.n_nodes, self.node_ids
        )


@dataclass(frozen=True)
class FraudLabels:
    """REV2 ground truth as node indices: ``benign[i]`` is True for a benign ``nodes[i]``."""

    nodes: np.ndarray
    benign: np.ndarray


def _require(path: Path) -> Path:
    if not path.is_file():
        raise DataMissingError(
            f"{path} is missing: the shared datasets belong in ../shared/data beside the "
            "repository (see its README.md), or pass --data DIR"
        )
    return path


def _index(*columns: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """The sorted distinct ids across ``columns``, and each column as indices into them."""
    node_ids = np.unique(np.concatenate(columns))
    return node_ids, [np.searchsorted(node_ids, column).astype(np.int64) for column in columns]


def load_signed(name: str, data_dir: Path = DEFAULT_DATA_DIR) -> SignedGraph:
    """``bitcoin-otc`` or ``bitcoin-alpha`` in file order, with weight = rating / 10."""
    table = np.loadtxt(_require(data_dir / SIGNED_FILES[name]), delimiter=",", ndmin=2)
    node_ids, (src, dst) = _index(table[:, 0].astype(np.int64), table[:, 1].astype(np.int64))
    return SignedGraph(
        src=src,
        dst=dst,
        weight=table[:, 2] / RATING_SCALE,
        time=table[:, 3].astype(np.float64),
        n_nodes=int(node_ids.size),
        node_ids=node_ids,
    )


def load_messages(data_dir: Path = DEFAULT_DATA_DIR) -> Messages:
    """CollegeMsg, stably sorted by time (the file already is; sorting makes it a guarantee)."""
    table = np.loadtxt(_require(data_dir / MESSAGES_FILE), dtype=np.int64, ndmin=2)
    order = np.argsort(table[:, 2], kind="stable")
    table = table[order]
    node_ids, (src, dst) = _index(table[:, 0], table[:, 1])
    return Messages(
        src=src,
        dst=dst,
        time=table[:, 2].astype(np.float64),
        n_nodes=int(node_ids.size),
        node_ids=node_ids,
    )


def load_fraud_labels(graph: SignedGraph, data_dir: Path = DEFAULT_DATA_DIR) -> FraudLabels:
    """Bitcoin OTC's REV2 labels (1 benign, -1 fraudulent) mapped onto ``graph``'s indices."""
    table = np.loadtxt(_require(data_dir / OTC_LABELS_FILE), delimiter=",", dtype=np.int64, ndmin=2)
    ids = table[:, 0]
    positions = np.searchsorted(graph.node_ids, ids)
    found = (positions < graph.n_nodes) & (
        graph.node_ids[np.minimum(positions, graph.n_nodes - 1)] == ids
    )
    if not found.all():
        raise ValueError(f"{int((~found).sum())} labelled users are not in the graph")
    return FraudLabels(nodes=positions.astype(np.int64), benign=table[:, 1] == 1)
