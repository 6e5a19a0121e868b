"""What every chart shares: escaping, scales, time ticks, and the accessible frame.

Charts are inline SVG built as text on the server: no script and no ``style=`` attribute
(the Content-Security-Policy forbids both), so everything visual is a class styled in
``static/style.css`` or an SVG presentation attribute. Every piece of text from the store
(names, event texts) goes through :func:`esc`: a name is data, never markup.

A chart is a ``<figure>`` holding the ``<svg>`` (``role="img"``, named by its ``<title>``
and described by its ``<desc>``), an optional legend, and the same numbers as a table in
a ``<details>``, for screen readers and for anyone who wants the figures themselves. The
SVG scales to its container's width through its ``viewBox``; the drawing units are chosen
so that text stays readable on a 390-pixel phone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from markupsafe import Markup

from goodwill.events import from_time_us, to_time_us

__all__ = [
    "LinearScale",
    "TimeTick",
    "coords",
    "data_table",
    "esc",
    "figure",
    "iso_us",
    "month_ticks",
    "num",
    "short",
]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_US_PER_DAY = 86_400 * 1_000_000


def esc(text: object) -> str:
    """``text`` safe inside an element or a quoted attribute.

    >>> esc('<script>"x"</script>')
    '&lt;script&gt;&quot;x&quot;&lt;/script&gt;'
    """
    return escape(str(text), quote=True)


def num(value: float) -> str:
    """A coordinate with one decimal, without a trailing ``.0``: short markup, and a
    tenth of a unit is finer than any screen shows.

    >>> num(12.0), num(3.14159), num(-0.04)
    ('12', '3.1', '0')
    """
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def coords(points: Iterable[tuple[float, float]]) -> str:
    """``x,y x,y ...`` for a polyline's or polygon's ``points``."""
    return " ".join(f"{num(x)},{num(y)}" for x, y in points)


def iso_us(text: str) -> int:
    """Microseconds for an ISO time as the models carry them (UTC when it has no zone).

    >>> iso_us("1970-01-01T00:00:01+00:00")
    1000000
    """
    return to_time_us(datetime.fromisoformat(text))


def short(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis.

    >>> short("Quentin Castellano", 10), short("Ann", 10)
    ('Quentin C…', 'Ann')
    """
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class LinearScale:
    """Maps ``low..high`` of the data onto ``start..end`` of the drawing (either may run
    backwards, as a y axis does); an empty domain maps everything to the middle.

    >>> LinearScale(0.0, 1.0, 150.0, 10.0)(0.25)
    115.0
    """

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        if self.high == self.low:
            return (self.start + self.end) / 2
        return self.start + (value - self.low) / (self.high - self.low) * (self.end - self.start)


@dataclass(frozen=True, slots=True)
class TimeTick:
    """A labelled time on an axis; ``year`` is set where a new year starts (and on the
    first tick), to be shown under the month."""

    time_us: int
    label: str
    year: str | None


def month_ticks(start_us: int, end_us: int, most: int) -> list[TimeTick]:
    """Ticks on the first of months between ``start_us`` and ``end_us``, every 1, 2, 3, 6 or
    12 months so that there are at most ``most``; for spans under two months, days (every
    1, 2, 7 or 14 days) instead.

    >>> t0, t1 = iso_us("2025-01-10T00:00:00"), iso_us("2026-01-01T00:00:00")
    >>> [(t.label, t.year) for t in month_ticks(t0, t1, 6)]
    [('Mar', '2025'), ('May', None), ('Jul', None), ('Sep', None), ('Nov', None), ('Jan', '2026')]
    """
    start, end = from_time_us(start_us), from_time_us(end_us)
    if end_us - start_us < 60 * _US_PER_DAY:
        return _day_ticks(start_us, end_us, most)
    first = start.year * 12 + start.month - 1  # months since year 0, January = 0
    if (start.day, start.hour, start.minute, start.second, start.microsecond) != (1, 0, 0, 0, 0):
        first += 1  # the first month that starts within the span
    last = end.year * 12 + end.month - 1
    for step in (1, 2, 3, 6, 12):
        months = [m for m in range(first, last + 1) if m % step == 0]
        if len(months) <= most:
            break
    ticks: list[TimeTick] = []
    seen_year: int | None = None
    for month in months:
        year, index = divmod(month, 12)
        ticks.append(
            TimeTick(
                to_time_us(datetime(year, index + 1, 1, tzinfo=UTC)),
                _MONTHS[index],
                str(year) if year != seen_year else None,
            )
        )
        seen_year = year
    return ticks


def _day_ticks(start_us: int, end_us: int, most: int) -> list[TimeTick]:
    first_day = -(-start_us // _US_PER_DAY)
    last_day = end_us // _US_PER_DAY
    for step in (1, 2, 7, 14, 28):
        days = list(range(first_day, last_day + 1, step))
        if len(days) <= most:
            break
    ticks = []
    seen_year: int | None = None
    for day in days:
        when = from_time_us(day * _US_PER_DAY)
        year = when.year
        ticks.append(
            TimeTick(
                day * _US_PER_DAY,
                f"{_MONTHS[when.month - 1]} {when.day}",
                str(year) if year != seen_year else None,
            )
        )
        seen_year = year
    return ticks


def data_table(caption: str, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table of the chart's numbers (every cell escaped), first column as row headers."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{esc(cell)}</th>' if i == 0 else f"<td>{esc(cell)}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return (
        f"<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def figure(
    *,
    kind: str,
    ident: str,
    size: tuple[int, int],
    title: str,
    desc: str,
    body: str,
    table: str,
    legend: str = "",
) -> Markup:
    """The whole chart: the SVG (``body`` is its drawing, already escaped), a legend, and
    the numbers (``table``) in a ``<details>``. ``ident`` must be unique on the page: it
    names the title and description the SVG is labelled by."""
    width, height = size
    svg = (
        f'<svg class="chart-svg" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-labelledby="{esc(ident)}-title {esc(ident)}-desc">'
        f'<title id="{esc(ident)}-title">{esc(title)}</title>'
        f'<desc id="{esc(ident)}-desc">{esc(desc)}</desc>{body}</svg>'
    )
    return Markup(
        f'<figure class="chart chart-{esc(kind)}" id="{esc(ident)}">{svg}{legend}'
        f'<details class="chart-data"><summary>The numbers</summary>{table}</details>'
        "</figure>"
    )
