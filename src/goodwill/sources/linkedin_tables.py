"""Reading the CSV files of LinkedIn's export, whichever of its layouts a file is in.

LinkedIn has changed its files over the years: ``Connections.csv`` gained a "Notes:"
preamble and a ``URL`` column, ``messages.csv`` went from ``From,To,Date,...`` to
``CONVERSATION ID,...,FOLDER``. So a file's header row is found by its columns, not by its
line number, and columns are matched by name whatever their order, case, spacing or BOM,
with extra columns ignored. A column a file cannot do without is required, and its absence
stops the import with an error naming the file and the column. Rows are read one at a time
(a message may span lines inside quotes); a row that cannot be read, such as one whose
bytes are not UTF-8, comes back as a :class:`~goodwill.events.Rejected` naming its line.

>>> normal(" Connected On"), normal("\\ufeffCONVERSATION ID"), normal("inviterProfileUrl")
('connectedon', 'conversationid', 'inviterprofileurl')
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from goodwill.events import Rejected
from goodwill.sources import fields
from goodwill.sources.archive import Archive, iter_byte_lines

__all__ = ["Row", "Table", "normal", "rows"]

_SPACES = re.compile(r"[\s_]+")
# How far into a file the header may lie: past the "Notes:" preamble, not much further.
_HEADER_WITHIN = 25


def normal(header: str) -> str:
    """A column name as matched: lower case, without BOM, spaces or underscores."""
    return _SPACES.sub("", header.replace("\ufeff", "").lower())


@dataclass(frozen=True, eq=False)
class Table:
    """What goodwill reads from one of the export's files.

    ``columns`` maps each field goodwill uses to the header names LinkedIn has written for
    it over the years, the first as LinkedIn writes it now (and as errors show it).
    """

    title: str
    columns: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]

    def known(self) -> frozenset[str]:
        """Every header name this table recognises, as :func:`normal` gives it."""
        return frozenset(normal(name) for names in self.columns.values() for name in names)

    def shown(self, names: Iterable[str]) -> str:
        """The fields' column names as LinkedIn writes them, for messages."""
        return ", ".join(repr(self.columns[name][0]) for name in names)


class Row:
    """One data row: its fields by name, its place (``FILE:LINE``) and its text."""

    __slots__ = ("_cells", "_index", "location", "raw")

    def __init__(self, location: str, raw: str, cells: list[str], index: dict[str, int]) -> None:
        self.location = location
        self.raw = raw
        self._cells = cells
        self._index = index

    def has(self, name: str) -> bool:
        """Whether the file has the column at all (older layouts lack some)."""
        return name in self._index

    def get(self, name: str) -> str:
        """The field's text, cleaned and stripped; empty when the column is absent."""
        at = self._index.get(name)
        return "" if at is None else fields.clean(self._cells[at]).strip()


class _Feed:
    """Lines of a member for the CSV reader, remembering the current row's lines and any
    that were not UTF-8, so each row can be reported with its text and its fault."""

    def __init__(self, archive: Archive, member: str) -> None:
        self._chunks = archive.chunks(member)
        self.lines: list[str] = []
        self.bad: list[str] = []
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        for data in iter_byte_lines(self._chunks):
            self.number += 1
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.bad.append(f"line {self.number}, byte {exc.start + 1}")
                text = data.decode("utf-8", "replace")
            if self.number == 1:
                text = text.removeprefix("\ufeff")
            self.lines.append(text)
            yield text + "\n"

    def take(self) -> tuple[str, list[str]]:
        """The current row's text and its undecodable places; the next row starts afresh."""
        raw, bad = "\n".join(self.lines), self.bad
        self.lines, self.bad = [], []
        return raw, bad


def rows(archive: Archive, member: str, table: Table) -> Iterator[Row | Rejected]:
    """The data rows of ``member`` read as ``table``, past its header; nothing for an empty
    file."""
    feed = _Feed(archive, member)
    reader = csv.reader(feed, strict=True)
    header: list[str] | None = None
    index: dict[str, int] = {}
    seen = False
    while True:
        start = feed.number + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raw, _ = feed.take()
            if header is None:
                raise archive.error(member, f"line {start}: not readable as CSV ({exc})") from None
            yield Rejected(f"{member}:{start}", _csv_problem(exc), fields.one_line(raw))
            continue
        except ValueError as exc:  # a line far longer than any row
            raise archive.error(member, str(exc)) from None
        raw, bad = feed.take()
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            seen = True
            if _is_header(cells, table):
                header, index = cells, _columns(archive, member, table, cells, start)
            elif start >= _HEADER_WITHIN:
                break
            continue
        yield _row(f"{member}:{start}", cells, fields.one_line(raw), bad, len(header), index)
    if header is None and seen:
        raise _no_header(archive, member, table)


def _row(
    where: str, cells: list[str], raw: str, bad: list[str], width: int, index: dict[str, int]
) -> Row | Rejected:
    if bad:
        reason = f"not UTF-8 text ({bad[0]}); save the file as UTF-8 and import it again"
        return Rejected(where, reason, raw)
    if len(cells) < width or any(cell.strip() for cell in cells[width:]):
        return Rejected(where, f"expected {width} fields as in the header, found {len(cells)}", raw)
    return Row(where, raw, cells, index)


def _is_header(cells: list[str], table: Table) -> bool:
    """Whether ``cells`` name two of the table's columns or more: a preamble does not."""
    return len({normal(cell) for cell in cells} & table.known()) >= 2


def _columns(
    archive: Archive, member: str, table: Table, cells: list[str], line: int
) -> dict[str, int]:
    """Where each field's column is in the header ``cells``; an error if a required one
    is missing."""
    names = [normal(cell) for cell in cells]
    index: dict[str, int] = {}
    for name, accepted in table.columns.items():
        at = next((names.index(normal(a)) for a in accepted if normal(a) in names), None)
        if at is not None:
            index[name] = at
    missing = [name for name in table.required if name not in index]
    if missing:
        found = ", ".join(repr(cell[:40]) for cell in cells[:12])
        raise archive.error(
            member,
            f"line {line}: the header lacks {table.shown(missing)} (it has {found}); "
            f"is this LinkedIn's {table.title}? Give the file as LinkedIn wrote it",
        )
    return index


def _no_header(archive: Archive, member: str, table: Table) -> Exception:
    return archive.error(
        member,
        f"found no header row naming {table.shown(table.required)}: "
        f"is this LinkedIn's {table.title}?",
    )


def _csv_problem(exc: csv.Error) -> str:
    if "end of data" in str(exc) or "EOF" in str(exc):
        return "the file ends inside a quoted field: is it cut short?"
    return f"malformed CSV ({exc})"
