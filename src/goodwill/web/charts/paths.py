"""How trust reaches someone: the strongest trust paths from the owner to them, as a small
graph laid out left to right by hop.

Every node is a person (you on the left, them on the right, the people in between in the
column of their hop); every edge is one person's vouch for the next, labelled with its
trust and drawn thicker the stronger it is. A path's strength is the product of its hops
(:mod:`goodwill.trust.paths`), listed with each path in the table of numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup

from goodwill.web.charts.frame import data_table, esc, figure, num, short

if TYPE_CHECKING:
    from goodwill.web.models import PathsOut

__all__ = ["paths_chart"]

#: Drawing units across: about one per pixel in a card, on a laptop and on a phone alike.
_WIDTH = 340
_MARGIN_X = 40.0  # room for a name under the first and last node
_TOP = 22.0
_ROW = 76.0  # per node in the busiest column: a name clears the edge labels between rows
_RADIUS = 7.0
_CHAR_UNITS = 6.5  # about how wide one character of an 11-unit name is
_MOST_NAME_CHARS = 12  # what fits under the first and last node, within the margin


def paths_chart(found: PathsOut, *, ident: str = "trust-paths") -> Markup:
    """The graph of ``found``'s paths (strongest first), or a sentence when there is none."""
    if not found.paths:
        return Markup(
            f'<p class="hint">No trust path from you to {esc(found.name)} within '
            f"{found.max_hops} hops as of this date.</p>"
        )
    column, names = _columns(found)
    columns = max(column.values()) + 1
    stacks: dict[int, list[int]] = {}
    for person in column:  # in order of first appearance along the strongest paths
        stacks.setdefault(column[person], []).append(person)
    rows = max(len(s) for s in stacks.values())
    height = int(_TOP + rows * _ROW + 4)
    step = (_WIDTH - 2 * _MARGIN_X) / max(columns - 1, 1)
    where: dict[int, tuple[float, float]] = {}
    for col, people in stacks.items():
        for i, person in enumerate(people):
            y = _TOP + (rows * _ROW) * (i + 0.5) / len(people) - 8
            where[person] = (_MARGIN_X + step * col, y)
    room = int(step / _CHAR_UNITS) if columns > 1 else _MOST_NAME_CHARS
    edges = _edges(found, where, names)
    nodes = _nodes(found, where, names, min(room, _MOST_NAME_CHARS))
    best = found.paths[0]
    desc = (
        f"{len(found.paths)} strongest trust path{'s' if len(found.paths) > 1 else ''} from you "
        f"to {found.name} within {found.max_hops} hops. The strongest, {best.strength:.2f}: "
        + _chain(best.names, best.hops)
        + "."
    )
    table = data_table(
        "Each path: its strength (the product of its hops' trust) and its hops",
        ("Path", "Strength", "Through"),
        [
            (str(n), f"{p.strength:.3f}", _chain(p.names, p.hops))
            for n, p in enumerate(found.paths, start=1)
        ],
    )
    return figure(
        kind="paths",
        ident=ident,
        size=(_WIDTH, height),
        title=f"How your trust reaches {found.name}",
        desc=desc,
        body=edges + nodes,
        table=table,
    )


def _columns(found: PathsOut) -> tuple[dict[int, int], dict[int, str]]:
    """Each person's column (their hop along the first path they appear in; the target in
    the last column) and name (the owner shown as "You")."""
    last = max(len(p.people) for p in found.paths) - 1
    column: dict[int, int] = {}
    names: dict[int, str] = {}
    for path in found.paths:
        for hop, (person, name) in enumerate(zip(path.people, path.names, strict=True)):
            names.setdefault(person, "You" if hop == 0 else name)
            column.setdefault(person, last if person == found.target else hop)
    return column, names


def _edges(found: PathsOut, where: dict[int, tuple[float, float]], names: dict[int, str]) -> str:
    drawn: dict[tuple[int, int], float] = {}
    for path in found.paths:
        for a, b, trust in zip(path.people[:-1], path.people[1:], path.hops, strict=True):
            drawn.setdefault((a, b), trust)
    parts = []
    for (a, b), trust in drawn.items():
        (x1, y1), (x2, y2) = where[a], where[b]
        title = f"{names[a]} → {names[b]}: trust {trust:.2f}"
        parts.append(
            f'<g class="edge"><title>{esc(title)}</title>'
            f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" '
            f'stroke-width="{num(1 + 3 * trust)}"/>'
            f'<text class="edge-label" x="{num((x1 + x2) / 2)}" y="{num((y1 + y2) / 2 - 5)}" '
            f'text-anchor="middle" paint-order="stroke">{trust:.2f}</text></g>'
        )
    return f'<g class="edges">{"".join(parts)}</g>'


def _nodes(
    found: PathsOut, where: dict[int, tuple[float, float]], names: dict[int, str], chars: int
) -> str:
    parts = []
    source = found.paths[0].people[0]
    middle = where[source][1]
    for person, (x, y) in where.items():
        role = " node-you" if person == source else " node-them" if person == found.target else ""
        # names above the nodes of the upper half, below the rest: clear of the edges and
        # their labels, which run between the rows
        name_y = y - _RADIUS - 6 if y < middle else y + _RADIUS + 13
        parts.append(
            f'<g class="node{role}"><title>{esc(names[person])}</title>'
            f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(_RADIUS)}"/>'
            f'<text x="{num(x)}" y="{num(name_y)}" text-anchor="middle">'
            f"{esc(short(names[person], chars))}</text></g>"
        )
    return f'<g class="nodes">{"".join(parts)}</g>'


def _chain(names: list[str], hops: list[float]) -> str:
    """``You —0.94→ Ann —0.80→ Bob``: a path as one line of text."""
    text = "You"
    for name, trust in zip(names[1:], hops, strict=True):
        text += f" —{trust:.2f}→ {name}"
    return text
