"""The owner's listening share over time: one bar per week, month or quarter, with the
healthy share (``listening.toml``'s guidance) drawn across as a line.

A bar at or above the line is marked healthy, one below it low; a period with nothing
counted has no bar (a share of nothing is not zero) and says so in its ``<title>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup

from goodwill.web.charts.frame import LinearScale, data_table, esc, figure, num

if TYPE_CHECKING:
    from goodwill.web.models import ListeningHistoryOut, ListeningPeriodOut

__all__ = ["SIZE", "listening_chart"]

#: Drawing units: about one per pixel in a dashboard card, on a laptop and on a phone alike.
SIZE = (340, 176)
_LEFT, _RIGHT, _TOP, _BOTTOM = 34.0, 334.0, 12.0, 140.0
_LABELS_Y, _YEARS_Y = 154.0, 168.0
_MOST_LABELS = 12
_BAR_SHARE = 0.7  # of each period's slot
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def listening_chart(history: ListeningHistoryOut, *, ident: str = "listening-history") -> Markup:
    """The chart for ``history`` (periods oldest first; at least one)."""
    periods = history.periods
    slot = (_RIGHT - _LEFT) / len(periods)
    y = LinearScale(0.0, 1.0, _BOTTOM, _TOP)
    every = -(-len(periods) // _MOST_LABELS)  # label every n-th period so labels fit
    parts = [_axes(y, history.healthy_share)]
    seen_year = ""
    for i, period in enumerate(periods):
        middle = _LEFT + slot * (i + 0.5)
        parts.append(_bar(period, middle, slot, y, history.healthy_share))
        if i % every == 0:
            label, year = _label(period, history.by)
            parts.append(
                f'<text class="axis" x="{num(middle)}" y="{num(_LABELS_Y)}" '
                f'text-anchor="middle">{esc(label)}</text>'
            )
            if year != seen_year:
                parts.append(
                    f'<text class="axis axis-year" x="{num(middle)}" y="{num(_YEARS_Y)}" '
                    f'text-anchor="middle">{esc(year)}</text>'
                )
                seen_year = year
    counted = [p for p in periods if p.share is not None]
    healthy = sum(1 for p in counted if p.share is not None and p.share >= history.healthy_share)
    last = counted[-1] if counted else None
    desc = (
        f"{len(periods)} {history.by}s from {periods[0].label} to {periods[-1].label}: "
        f"{healthy} of the {len(counted)} with anything counted at or above the healthy "
        f"{history.healthy_share:.0%}."
        + (f" Latest, {last.label}: {last.share:.0%}." if last and last.share is not None else "")
    )
    legend = (
        '<ul class="chart-legend">'
        '<li><span class="key key-healthy" aria-hidden="true"></span>healthy</li>'
        '<li><span class="key key-low" aria-hidden="true"></span>talking more than listening</li>'
        f'<li><span class="key key-threshold" aria-hidden="true"></span>'
        f"healthy share, {history.healthy_share:.0%}</li>"
        "</ul>"
    )
    rows = [
        (
            p.label,
            "none counted" if p.share is None else f"{p.share:.0%}",
            f"{p.listening:g}",
            f"{p.promotion:g}",
        )
        for p in periods
    ]
    table = data_table(
        f"Listening share per {history.by}: listening / (listening + promotion), weighted",
        (history.by.capitalize(), "Listening share", "Listening", "Promotion"),
        rows,
    )
    return figure(
        kind="listening",
        ident=ident,
        size=SIZE,
        title=f"Your listening share per {history.by}",
        desc=desc,
        body="".join(parts),
        table=table,
        legend=legend,
    )


def _axes(y: LinearScale, healthy: float) -> str:
    lines = []
    for level in (0.0, 0.5, 1.0):
        at = num(y(level))
        lines.append(
            f'<line class="grid" x1="{num(_LEFT)}" x2="{num(_RIGHT)}" y1="{at}" y2="{at}"/>'
            f'<text class="axis" x="{num(_LEFT - 4)}" y="{num(y(level) + 4)}" '
            f'text-anchor="end">{level:.0%}</text>'
        )
    at = num(y(healthy))
    lines.append(
        f'<line class="threshold" x1="{num(_LEFT)}" x2="{num(_RIGHT)}" y1="{at}" y2="{at}">'
        f"<title>healthy: {healthy:.0%} or more</title></line>"
    )
    return f'<g class="axes">{"".join(lines)}</g>'


def _bar(
    period: ListeningPeriodOut, middle: float, slot: float, y: LinearScale, healthy: float
) -> str:
    width = slot * _BAR_SHARE
    if period.share is None:
        title = f"{period.label}: nothing counted"
        return (
            f'<rect class="bar bar-none" x="{num(middle - width / 2)}" y="{num(_BOTTOM - 1)}" '
            f'width="{num(width)}" height="1"><title>{esc(title)}</title></rect>'
        )
    kind = "bar-healthy" if period.share >= healthy else "bar-low"
    top = y(period.share)
    title = (
        f"{period.label}: {period.share:.0%} listening "
        f"({period.listening:g} listening, {period.promotion:g} promotion)"
    )
    return (
        f'<rect class="bar {kind}" x="{num(middle - width / 2)}" y="{num(top)}" '
        f'width="{num(width)}" height="{num(max(_BOTTOM - top, 0.5))}">'
        f"<title>{esc(title)}</title></rect>"
    )


def _label(period: ListeningPeriodOut, by: str) -> tuple[str, str]:
    """A short label and the year for an axis: ``Mar``, ``Q2`` or ``W14``."""
    year = period.start[:4]
    if by == "month":
        return _MONTHS[int(period.start[5:7]) - 1], year
    return period.label.split("-", 1)[-1], period.label[:4]
