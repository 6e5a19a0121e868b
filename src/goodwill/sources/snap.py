"""SNAP's network datasets: signed rating networks and temporal interaction networks.

``snap-signed`` reads ``SOURCE,TARGET,RATING,TIME`` (Bitcoin OTC, Bitcoin Alpha): each row is
a rating event from SOURCE to TARGET with RATING as its value. ``snap-temporal`` reads
``SRC TGT UNIXTS`` (CollegeMsg, email-Eu-core-temporal and the like): each row is a message;
a fourth column of Twitter interaction codes (``RT``, ``MT``, ``RE``, as in higgs-twitter)
becomes a share, a mention or a reply. Both read plain or gzip files, skip blank lines and
``#`` comments, and name identities ``NETWORK:NODE`` where NETWORK defaults to the file's
name (``soc-sign-bitcoinotc``), so two datasets never share accounts by accident.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from goodwill.errors import SourceError
from goodwill.events import KINDS, Event, Record, Rejected
from goodwill.sources.base import Source, check_network_option
from goodwill.sources.fields import MAX_KEY
from goodwill.sources.inputs import epoch_us, is_node_id, iter_lines
from goodwill.sources.keys import RepeatKeys, fitted_key
from goodwill.sources.sniffing import Sample

__all__ = ["SnapSignedSource", "SnapTemporalSource", "network_for"]

_NETWORK_HELP = "the network name for node ids (default: the file name, e.g. soc-sign-bitcoinotc)"
_TWITTER_CODES = {"RT": "share", "MT": "mention", "RE": "reply"}
_SIGNED_LINE = re.compile(r"\d+,\d+,-?\d+(\.\d+)?,\d+(\.\d+)?\Z")
_TEMPORAL_LINE = re.compile(r"\d+\s+\d+\s+\d+(\.\d+)?(\s+(RT|MT|RE))?\Z")


def _data_lines(sample: Sample) -> list[str]:
    """The sample's complete, non-comment lines (the last may be cut off by the sample)."""
    lines = sample.head.decode("utf-8", errors="replace").splitlines()[:-1] or [sample.first_line()]
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")][:50]


def _all_match(sample: Sample, pattern: re.Pattern[str]) -> int:
    lines = _data_lines(sample)
    return 50 if lines and all(pattern.match(line) for line in lines) else 0


def network_for(path: Path, override: str | None) -> str:
    """The identity network for a dataset: the user's choice, or the file name cleaned up.

    >>> network_for(Path("data/soc-sign-bitcoinotc.csv"), None)
    'soc-sign-bitcoinotc'
    >>> network_for(Path("CollegeMsg.txt.gz"), None)
    'collegemsg'
    """
    if override:
        return override
    name = path.name
    for suffix in (".gz", ".txt", ".csv", ".tsv", ".edges"):
        name = name.removesuffix(suffix)
    cleaned = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._")
    if not cleaned:
        raise SourceError(
            "cannot derive a network name from the file name; pass --option network=NAME", path=path
        )
    return cleaned


def _check_length(*nodes: str) -> None:
    """A ValueError for a node id longer than the ledger's account column holds."""
    if any(len(node) > MAX_KEY for node in nodes):
        raise ValueError(f"node ids are at most {MAX_KEY} digits")


class SnapSignedSource(Source):
    """SNAP signed, weighted networks: ``SOURCE,TARGET,RATING,TIME`` per line."""

    name: ClassVar[str] = "snap-signed"
    description: ClassVar[str] = (
        "SNAP signed rating networks (SOURCE,TARGET,RATING,TIME, e.g. Bitcoin OTC) -> ratings"
    )
    options: ClassVar[dict[str, str]] = {"network": _NETWORK_HELP}

    @classmethod
    def sniff(cls, sample: Sample) -> int:
        """Lines of four numbers separated by commas."""
        return _all_match(sample, _SIGNED_LINE)

    def check_settings(self) -> None:
        check_network_option(self.settings)

    def records(self, path: Path) -> Iterator[Record]:
        network = network_for(path, self.settings.get("network"))
        prefix = network + ":"
        keys = RepeatKeys()
        for number, line in iter_lines(self, path):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split(",")
            if len(fields) != 4:
                yield Rejected(
                    f"line {number}",
                    f"expected 4 comma-separated fields SOURCE,TARGET,RATING,TIME, found {len(fields)}",
                    line,
                )
                continue
            source_node, target_node, rating, time = fields
            if not (is_node_id(source_node) and is_node_id(target_node)):
                source_node, target_node = source_node.strip(), target_node.strip()
            time = time.strip()
            try:
                if not (is_node_id(source_node) and is_node_id(target_node)):
                    raise ValueError("SOURCE and TARGET must be whole-number node ids")
                _check_length(source_node, target_node)
                value = float(rating)
                if not math.isfinite(value):
                    raise ValueError(f"RATING {rating.strip()!r} is not a finite number")
                time_us = epoch_us(time)
            except ValueError as exc:
                yield Rejected(f"line {number}", f"{exc} (SOURCE,TARGET,RATING,TIME)", line)
                continue
            content = f"{network}:{source_node}>{target_node}@{time}"
            yield Event(
                "rating",
                prefix + source_node,
                prefix + target_node,
                time_us,
                keys.key(time, fitted_key(content)),
                value=value,
            )


class SnapTemporalSource(Source):
    """SNAP temporal networks: ``SRC TGT UNIXTS`` per line, optionally an interaction code."""

    name: ClassVar[str] = "snap-temporal"
    description: ClassVar[str] = (
        "SNAP temporal networks (SRC TGT UNIXTS, e.g. CollegeMsg; .gz too) -> messages"
    )
    options: ClassVar[dict[str, str]] = {
        "network": _NETWORK_HELP,
        "kind": "the event kind for rows without an interaction code (default: message)",
    }

    @classmethod
    def sniff(cls, sample: Sample) -> int:
        """Lines of three numbers separated by spaces, perhaps with an interaction code."""
        return _all_match(sample, _TEMPORAL_LINE)

    def check_settings(self) -> None:
        check_network_option(self.settings)
        kind = self.settings.get("kind", "message")
        if kind not in KINDS:
            raise SourceError(
                f"option kind={kind!r} is not an event kind; use one of {', '.join(sorted(KINDS))}"
            )

    def records(self, path: Path) -> Iterator[Record]:
        network = network_for(path, self.settings.get("network"))
        default_kind = self.settings.get("kind", "message")
        prefix = network + ":"
        keys = RepeatKeys()
        for number, line in iter_lines(self, path):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split()
            if len(fields) not in (3, 4):
                yield Rejected(
                    f"line {number}",
                    f"expected SRC TGT UNIXTS (and an optional RT/MT/RE code), found {len(fields)} fields",
                    line,
                )
                continue
            src, tgt, time = fields[0], fields[1], fields[2]
            kind = default_kind
            if len(fields) == 4:
                code = fields[3]
                if code not in _TWITTER_CODES:
                    yield Rejected(
                        f"line {number}",
                        f"unknown interaction code {code!r}; expected RT, MT or RE",
                        line,
                    )
                    continue
                kind = _TWITTER_CODES[code]
            try:
                if not (is_node_id(src) and is_node_id(tgt)):
                    raise ValueError("SRC and TGT must be whole-number node ids")
                _check_length(src, tgt)
                time_us = epoch_us(time)
            except ValueError as exc:
                yield Rejected(f"line {number}", f"{exc} (SRC TGT UNIXTS)", line)
                continue
            content = f"{network}:{src}>{tgt}@{time}" + (
                f":{fields[3]}" if len(fields) == 4 else ""
            )
            yield Event(
                kind, prefix + src, prefix + tgt, time_us, keys.key(time, fitted_key(content))
            )
