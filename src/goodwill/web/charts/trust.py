"""Trust over time for one relationship: both directions' expected trust, each inside its
uncertainty band, with the events between the two marked on the time axis.

The band is ``[belief, belief + uncertainty]`` (see :mod:`goodwill.trust.history`): where
the expected trust could lie for any base rate, so the line is always inside its band and
the band narrows as evidence accumulates. Event marks are coloured by what the event
weighs (for trust, against it, neither) and each names the event in its ``<title>``
(shown on hover).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup

from goodwill.web.charts.frame import (
    LinearScale,
    coords,
    data_table,
    esc,
    figure,
    iso_us,
    month_ticks,
    num,
    short,
)

if TYPE_CHECKING:
    from goodwill.web.models import ChartEventOut, OpinionAtOut, TrustHistoryOut

__all__ = ["SIZE", "trust_history_chart"]

#: Drawing units: about one unit per pixel in a phone's card, so 11-unit text reads there.
SIZE = (400, 206)
_LEFT, _RIGHT, _TOP, _BOTTOM = 34.0, 392.0, 10.0, 150.0  # the plot area
_MARKS = (156.0, 168.0)  # where event marks stand, under the plot
_LABELS_Y, _YEARS_Y = 183.0, 197.0
_EDGE = 14.0  # a time label this close to the right end is right-aligned, not centred
_MOST_TICKS = 7
_SIGN_CLASS = {1: "mark-for", -1: "mark-against", 0: "mark-neither"}
_TEXT_CHARS = 80


def trust_history_chart(history: TrustHistoryOut, *, ident: str = "trust-history") -> Markup:
    """The chart for ``history`` (a relationship's points and events, oldest first)."""
    name = history.name
    times = [iso_us(p.time) for p in history.points]
    x = LinearScale(float(times[0]), float(times[-1]), _LEFT, _RIGHT)
    y = LinearScale(0.0, 1.0, _BOTTOM, _TOP)
    parts = [_grid(x, y, times[0], times[-1])]
    for side, series in (
        ("theirs", [p.trusts_owner for p in history.points]),
        ("mine", [p.owner_trusts for p in history.points]),
    ):
        parts.append(_band(side, times, series, x, y))
        parts.append(_line(side, times, series, x, y))
    parts.append(_marks(history.events, name, x))
    mine, theirs = history.points[-1].owner_trusts, history.points[-1].trusts_owner
    against = sum(1 for e in history.events if e.sign < 0)
    desc = (
        f"From {history.since[:10]} to {history.at[:10]}. Your trust in {name} is now "
        f"{mine.expected:.2f} (could be {mine.belief:.2f} to "
        f"{mine.belief + mine.uncertainty:.2f}); {name}'s trust in you is {theirs.expected:.2f} "
        f"({theirs.belief:.2f} to {theirs.belief + theirs.uncertainty:.2f}). "
        f"{len(history.events)} events between you are marked, {against} of them against trust."
    )
    legend = (
        '<ul class="chart-legend">'
        f'<li><span class="key key-mine" aria-hidden="true"></span>Your trust in {esc(name)}</li>'
        f'<li><span class="key key-theirs" aria-hidden="true"></span>{esc(name)}\'s trust in you</li>'
        '<li><span class="key key-band" aria-hidden="true"></span>shaded: its uncertainty</li>'
        '<li><span class="key key-for" aria-hidden="true"></span>event for trust</li>'
        '<li><span class="key key-against" aria-hidden="true"></span>against it</li>'
        "</ul>"
    )
    return figure(
        kind="trust",
        ident=ident,
        size=SIZE,
        title=f"Trust between you and {name} over time",
        desc=desc,
        body="".join(parts),
        table=_table(history),
        legend=legend,
    )


def _grid(x: LinearScale, y: LinearScale, start_us: int, end_us: int) -> str:
    lines = []
    for level in (0.0, 0.25, 0.5, 0.75, 1.0):
        at = num(y(level))
        lines.append(
            f'<line class="grid" x1="{num(_LEFT)}" x2="{num(_RIGHT)}" y1="{at}" y2="{at}"/>'
        )
        if level in (0.0, 0.5, 1.0):
            lines.append(
                f'<text class="axis" x="{num(_LEFT - 4)}" y="{num(y(level) + 4)}" '
                f'text-anchor="end">{level:g}</text>'
            )
    for tick in month_ticks(start_us, end_us, _MOST_TICKS):
        at = num(x(tick.time_us))
        anchor = "end" if x(tick.time_us) > _RIGHT - _EDGE else "middle"  # stays in view
        lines.append(
            f'<line class="grid grid-time" x1="{at}" x2="{at}" y1="{num(_TOP)}" '
            f'y2="{num(_MARKS[1])}"/>'
            f'<text class="axis" x="{at}" y="{num(_LABELS_Y)}" text-anchor="{anchor}">'
            f"{esc(tick.label)}</text>"
        )
        if tick.year:
            lines.append(
                f'<text class="axis axis-year" x="{at}" y="{num(_YEARS_Y)}" '
                f'text-anchor="{anchor}">{esc(tick.year)}</text>'
            )
    return f'<g class="axes">{"".join(lines)}</g>'


def _band(
    side: str, times: list[int], series: list[OpinionAtOut], x: LinearScale, y: LinearScale
) -> str:
    upper = [(x(t), y(o.belief + o.uncertainty)) for t, o in zip(times, series, strict=True)]
    lower = [(x(t), y(o.belief)) for t, o in zip(times, series, strict=True)]
    return f'<polygon class="band band-{side}" points="{coords(upper + lower[::-1])}"/>'


def _line(
    side: str, times: list[int], series: list[OpinionAtOut], x: LinearScale, y: LinearScale
) -> str:
    points = coords((x(t), y(o.expected)) for t, o in zip(times, series, strict=True))
    return f'<polyline class="line line-{side}" points="{points}"/>'


def _marks(events: list[ChartEventOut], name: str, x: LinearScale) -> str:
    marks = []
    for event in events:
        at = x(iso_us(event.time))
        direction = f"you → {name}" if event.outgoing else f"{name} → you"
        said = f": {short(event.text, _TEXT_CHARS)}" if event.text else ""
        label = f"{event.time[:10]} {event.kind}, {direction}{said}"
        marks.append(
            f'<rect class="mark {_SIGN_CLASS.get(event.sign, "mark-neither")}" '
            f'x="{num(at - 1.5)}" y="{num(_MARKS[0])}" width="3" '
            f'height="{num(_MARKS[1] - _MARKS[0])}"><title>{esc(label)}</title></rect>'
        )
    return f'<g class="marks">{"".join(marks)}</g>'


def _table(history: TrustHistoryOut) -> str:
    rows = []
    for point in history.points:
        mine, theirs = point.owner_trusts, point.trusts_owner
        star = "" if point.exact else " *"
        rows.append(
            (
                point.time[:16].replace("T", " "),
                f"{mine.expected:.2f}{star}",
                f"{mine.belief:.2f} to {mine.belief + mine.uncertainty:.2f}",
                f"{theirs.expected:.2f}{star}",
                f"{theirs.belief:.2f} to {theirs.belief + theirs.uncertainty:.2f}",
            )
        )
    caption = (
        "Expected trust at each date and the range it could take (belief to belief plus "
        "uncertainty). * the base rate there is interpolated between dates it was computed at."
    )
    headers = ("Date (UTC)", "Your trust", "Range", f"{history.name}'s trust", "Range")
    return data_table(caption, headers, rows)
