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
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from goodwill.errors import SourceError
from goodwill.events import KINDS, Event, Identity, Record, Rejected, has_network, to_time_us
from goodwill.sources.base import Source
from goodwill.sources.inputs import epoch_us, iter_lines
from goodwill.sources.keys import RepeatKeys, content_key

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
_OPTIONS = {"network": "network for accounts given without one (e.g. email)"}


class BadRecord(ValueError):
    """A record that cannot become an event; the message says why."""


def parse_time(text: str) -> int:
    """Microseconds since the epoch for ISO 8601 text or epoch seconds.

    >>> parse_time("2024-06-01T09:30:00Z") == parse_time("1717234200")
    True
    >>> parse_time("2024-06-01T11:30:00+02:00") == parse_time("2024-06-01 09:30:00")
    True
    """
    text = text.strip()
    if not text:
        raise BadRecord("time is empty")
    if text[0].isdigit() and "-" not in text and ":" not in text:
        try:
            return epoch_us(text)
        except ValueError:
            raise BadRecord(f"time {text!r} is not epoch seconds or ISO 8601") from None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadRecord(f"time {text!r} is not ISO 8601 (e.g. 2024-06-01T09:30:00Z)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return to_time_us(moment)


class _RowMaker:
    """Turns one row's fields into records; shared by CSV and JSON lines."""

    def __init__(self, network: str | None) -> None:
        self._network = network
        self._keys = RepeatKeys()
        self._names: dict[str, str] = {}

    def handle(self, field: str, text: str) -> str:
        text = text.strip()
        if has_network(text):
            return text
        if not self._network:
            raise BadRecord(
                f"{field} {text!r} has no network; write network:account or pass --option network=NAME"
            )
        return f"{self._network}:{text}"

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
        if not actor.strip():
            raise BadRecord("actor is empty")
        kind = kind.strip()
        if kind not in KINDS:
            raise BadRecord(f"kind {kind!r} is not one of {', '.join(sorted(KINDS))}")
        time_us = parse_time(time)
        actor_handle = self.handle("actor", actor)
        target_handle = self.handle("target", target) if target.strip() else None
        number: float | None = None
        if value.strip():
            try:
                number = float(value)
            except ValueError:
                raise BadRecord(f"value {value!r} is not a number") from None
        external_id = event_id.strip() or self._keys.key(
            time, content_key(time, kind, actor_handle, target_handle or "", value, text, answers)
        )
        out: list[Record] = []
        for handle, name in ((actor_handle, actor_name), (target_handle, target_name)):
            if handle and name and self._names.get(handle) != name:
                self._names[handle] = name
                out.append(Identity(handle, name=name))
        out.append(
            Event(
                kind,
                actor_handle,
                target_handle,
                time_us,
                external_id,
                value=number,
                text=text or None,
                answers=answers.strip() or None,
            )
        )
        return out


class CsvSource(Source):
    """Events as CSV rows with a header naming the columns above."""

    name: ClassVar[str] = "csv"
    description: ClassVar[str] = (
        "CSV with a header: time, kind, actor, target, id, value, text, ..."
    )
    options: ClassVar[dict[str, str]] = _OPTIONS

    def records(self, path: Path) -> Iterator[Record]:
        maker = _RowMaker(self.settings.get("network"))
        lines = (text for _, text in iter_lines(self, path, keep_ends=True))
        reader = csv.reader(lines, strict=True)
        try:
            header = [h.strip().lstrip("\ufeff") for h in next(reader)]
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
        index = [header.index(c) if c in header else -1 for c in COLUMNS]
        width = len(header)
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
                yield from maker.records(*(row[i] if i >= 0 else "" for i in index))
            except BadRecord as exc:
                yield Rejected(f"line {start}", str(exc), ",".join(row))


class JsonlSource(Source):
    """Events (and identities) as one JSON object per line, keys as the CSV columns."""

    name: ClassVar[str] = "jsonl"
    description: ClassVar[str] = "JSON lines: one event (or identity) object per line, keys as csv"
    options: ClassVar[dict[str, str]] = _OPTIONS

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
            except (BadRecord, json.JSONDecodeError, RecursionError) as exc:
                reason = (
                    f"not valid JSON ({exc})" if isinstance(exc, json.JSONDecodeError) else str(exc)
                )
                yield Rejected(f"line {number}", reason or "nested too deeply", line)


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
        maker.handle("identity", handle), name=_text(obj, "name") or None, attributes=attributes
    )
