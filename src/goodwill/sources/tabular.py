"""The generic way in: events as CSV rows or JSON lines, for any tool that can write them.

Columns (CSV header names, or JSON keys):

===============  ========  ==============================================================
column           required  meaning
===============  ========  ==============================================================
``time``         yes       ISO 8601 (``2024-06-01T09:30:00Z``; no offset means UTC) or
                           epoch seconds (``1717234200`` or ``1717234200.25``)
``kind``         yes       one of goodwill's event kinds (``reply``, ``message``, ...)
``actor``        yes       who acted: ``network:account`` (``email:ann@example.com``)
``target``       no        toward whom; empty for a post addressed to nobody
``id``           no        the tool's id for the event; without it goodwill keys the row
                           by its content (see :mod:`goodwill.sources.keys`)
``value``        no        a number, e.g. a rating
``text``         no        what was said
``answers``      no        the ``id`` of the event this one answers or thanks for
``actor_name``   no        display name of the actor
``target_name``  no        display name of the target
===============  ========  ==============================================================

Other columns are ignored. With ``--option network=NAME``, a bare account (no ``network:``)
is taken to be on NAME. A JSON line may instead describe an identity:
``{"identity": "email:ann@example.com", "name": "Ann Lee", "attributes": {"city": "Porto"}}``.
Ids must be unique across everything imported through the same source: prefix them
(``crm-123``) if two tools feed one source.
"""

from __future__ import annotations

import csv
import json
import math
import operator
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from goodwill.errors import SourceError
from goodwill.events import (
    KINDS,
    Event,
    Identity,
    Record,
    Rejected,
    has_network,
    split_handle,
)
from goodwill.sources import fields
from goodwill.sources.base import Source, check_network_option
from goodwill.sources.fields import BadRecord
from goodwill.sources.inputs import epoch_us, iter_lines
from goodwill.sources.keys import RepeatKeys, content_key
from goodwill.sources.sniffing import Sample

__all__ = ["COLUMNS", "CsvSource", "JsonlSource", "parse_time"]

COLUMNS = (
    "time",
    "kind",
    "actor",
    "target",
    "id",
    "value",
    "text",
    "answers",
    "actor_name",
    "target_name",
)
_REQUIRED = ("time", "kind", "actor")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)  # naive times are UTC
# A plain decimal number is epoch seconds; ISO 8601, even its basic form, has a T, - or :.
_LOOKS_LIKE_EPOCH = re.compile(r"\s*[+-]?[0-9]+(?:\.[0-9]*)?\s*\Z", re.ASCII)
_OPTIONS = {"network": "network for accounts given without one (e.g. email)"}


def parse_time(text: str) -> int:
    """Microseconds since the epoch for ISO 8601 text or epoch seconds.

    >>> parse_time("2024-06-01T09:30:00Z") == parse_time("1717234200")
    True
    >>> parse_time("2024-06-01T11:30:00+02:00") == parse_time("2024-06-01 09:30:00")
    True
    >>> parse_time("20240601T093000Z") == parse_time("1717234200.0")
    True
    """
    if _LOOKS_LIKE_EPOCH.match(text):
        try:
            return epoch_us(text)
        except ValueError as exc:
            raise BadRecord(str(exc)) from None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        message = (
            "time is empty"
            if not text.strip()
            else f"time {text!r} is not ISO 8601 (e.g. 2024-06-01T09:30:00Z) or epoch seconds"
        )
        raise BadRecord(message) from None
    span = moment - (_EPOCH if moment.tzinfo is not None else _NAIVE_EPOCH)
    time_us = (span.days * 86_400 + span.seconds) * 1_000_000 + span.microseconds
    if not fields.EARLIEST_US <= time_us <= fields.LATEST_US:
        raise BadRecord(f"time {text.strip()[:40]!r} is outside the years 1 to 9999 in UTC")
    return time_us


class _RowMaker:
    """Turns one row's fields into records; shared by CSV and JSON lines."""

    def __init__(self, network: str | None) -> None:
        self._network = network
        self._keys = RepeatKeys()
        self._names: dict[str, str] = {}
        self._handles: dict[str, str] = {}  # as written -> handle; bounded by identities

    def handle(self, field: str, written: str) -> str:
        known = self._handles.get(written)
        if known is not None:
            return known
        text = written.strip()
        if not has_network(text):
            if not self._network:
                raise BadRecord(
                    f"{field} {text!r} has no network; write network:account or pass --option network=NAME"
                )
            text = f"{self._network}:{text}"
        try:
            _, account = split_handle(text)
        except ValueError as exc:
            raise BadRecord(f"{field}: {exc}") from None
        if len(account) > fields.MAX_KEY:
            raise BadRecord(f"{field} is longer than {fields.MAX_KEY} characters")
        if fields.clean(text) != text:
            raise BadRecord(f"{field} {text[:60]!r} holds a NUL or a lone surrogate character")
        self._handles[written] = text
        return text

    def records(
        self,
        time: str,
        kind: str,
        actor: str,
        target: str,
        event_id: str,
        value: str,
        text: str,
        answers: str,
        actor_name: str,
        target_name: str,
    ) -> list[Record]:
        if kind not in KINDS:
            kind = kind.strip()
            if kind not in KINDS:
                raise BadRecord(f"kind {kind!r} is not one of {', '.join(sorted(KINDS))}")
        if not actor or actor.isspace():
            raise BadRecord("actor is empty")
        time_us = parse_time(time)
        actor_handle = self.handle("actor", actor)
        target_handle = self.handle("target", target) if target and not target.isspace() else None
        number: float | None = None
        if value and not value.isspace():
            try:
                number = float(value)
            except ValueError:
                raise BadRecord(f"value {value!r} is not a number") from None
            if not math.isfinite(number):
                raise BadRecord(f"value {value!r} is not a finite number")
        external_id = (
            fields.key(event_id, "id")
            if event_id.strip()
            else self._keys.key(
                time,
                content_key(time, kind, actor_handle, target_handle or "", value, text, answers),
            )
        )
        event = Event(
            kind,
            actor_handle,
            target_handle,
            time_us,
            external_id,
            number,
            fields.clean(text) or None,
            fields.key(answers, "answers") if answers.strip() else None,
        )
        if not (actor_name or target_name):
            return [event]
        out: list[Record] = []
        for handle, written in ((actor_handle, actor_name), (target_handle, target_name)):
            name = fields.name(written)
            if handle and name and self._names.get(handle) != name:
                self._names[handle] = name
                out.append(Identity(handle, name=name))
        out.append(event)
        return out


def _csv_header(line: str) -> set[str]:
    return {cell.strip().strip('"').lower() for cell in line.split(",")}


class CsvSource(Source):
    """Events as CSV rows with a header naming the columns above."""

    name: ClassVar[str] = "csv"

    @classmethod
    def sniff(cls, sample: Sample) -> int:
        """goodwill's own CSV: a header naming at least time, kind and actor."""
        return 70 if set(_REQUIRED) <= _csv_header(sample.first_line()) else 0

    description: ClassVar[str] = (
        "CSV with a header: time, kind, actor, target, id, value, text, ..."
    )
    options: ClassVar[dict[str, str]] = _OPTIONS

    def check_settings(self) -> None:
        check_network_option(self.settings)

    def records(self, path: Path) -> Iterator[Record]:
        maker = _RowMaker(self.settings.get("network"))
        lines = (text for _, text in iter_lines(self, path, keep_ends=True))
        reader = csv.reader(lines, strict=True)
        try:
            header = [h.lstrip("\ufeff").strip() for h in next(reader)]
        except StopIteration:
            return
        except csv.Error as exc:
            raise SourceError(f"line 1: unreadable CSV header ({exc})", path=path) from exc
        missing = [c for c in _REQUIRED if c not in header]
        if missing:
            raise SourceError(
                f"line 1: the header lacks {', '.join(missing)}; "
                f"columns are {', '.join(COLUMNS)} (time, kind, actor required)",
                path=path,
            )
        width = len(header)
        # Absent columns read the empty string appended to every row at position ``width``.
        pick = operator.itemgetter(*(header.index(c) if c in header else width for c in COLUMNS))
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise SourceError(f"line {start}: malformed CSV ({exc})", path=path) from exc
            if not row:
                continue
            if len(row) != width:
                yield Rejected(
                    f"line {start}",
                    f"expected {width} fields as in the header, found {len(row)}",
                    ",".join(row),
                )
                continue
            try:
                row.append("")
                yield from maker.records(*pick(row))
            except BadRecord as exc:
                yield Rejected(f"line {start}", str(exc), ",".join(row[:width]))


class JsonlSource(Source):
    """Events (and identities) as one JSON object per line, keys as the CSV columns."""

    name: ClassVar[str] = "jsonl"

    @classmethod
    def sniff(cls, sample: Sample) -> int:
        """A first line that is a JSON object with an event's or an identity's keys."""
        try:
            first = json.loads(sample.first_line())
        except ValueError:
            return 0
        if isinstance(first, dict) and ({"kind", "actor"} <= first.keys() or "identity" in first):
            return 70
        return 0

    description: ClassVar[str] = "JSON lines: one event (or identity) object per line, keys as csv"
    options: ClassVar[dict[str, str]] = _OPTIONS

    def check_settings(self) -> None:
        check_network_option(self.settings)

    def records(self, path: Path) -> Iterator[Record]:
        maker = _RowMaker(self.settings.get("network"))
        for number, line in iter_lines(self, path):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise BadRecord("expected a JSON object")
                if "identity" in obj:
                    yield _identity(obj, maker)
                else:
                    yield from maker.records(*(_text(obj, c) for c in COLUMNS))
            except (ValueError, RecursionError) as exc:  # JSONDecodeError and BadRecord too
                if isinstance(exc, BadRecord):
                    reason = str(exc)
                elif isinstance(exc, RecursionError):
                    reason = "not readable JSON: nested too deeply"
                else:
                    reason = f"not valid JSON ({exc})"
                yield Rejected(f"line {number}", reason, line)


def _text(obj: Mapping[str, Any], key: str) -> str:
    """A JSON field as text for the shared row maker; numbers become their decimal text."""
    value = obj.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadRecord(f"{key} must be text or a number, not {type(value).__name__}")
    return value if isinstance(value, str) else repr(value)


def _identity(obj: Mapping[str, Any], maker: _RowMaker) -> Identity:
    handle = _text(obj, "identity")
    if not handle.strip():
        raise BadRecord("identity is empty")
    attributes = obj.get("attributes") or {}
    if not isinstance(attributes, dict) or not all(isinstance(v, str) for v in attributes.values()):
        raise BadRecord("attributes must be an object of text values")
    return Identity(
        maker.handle("identity", handle),
        name=fields.name(_text(obj, "name")),
        attributes={fields.clean(k): fields.clean(v) for k, v in attributes.items()},
    )
