"""The chart builders: well-formed markup, a band that encloses its line, one mark per event,
bars against the healthy line, paths laid out by hop, and names that stay text.

The trust and listening charts are drawn from the demo world's real data (through
:mod:`goodwill.web.chart_data`, as the pages draw them); the escaping tests from a
hand-built history whose names and texts are markup.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from goodwill.ledger.people import require_owner
from goodwill.trust.policy import default_policy
from goodwill.trust.report import open_view
from goodwill.web.chart_data import listening_history, trust_history, trust_paths
from goodwill.web.charts import listening_chart, paths_chart, trust_history_chart
from goodwill.web.charts.frame import month_ticks
from goodwill.web.models import (
    ListeningHistoryOut,
    ListeningPeriodOut,
    PathOut,
    PathsOut,
    TrustHistoryOut,
)
from tests.insights.conftest import DemoStore
from tests.insights.hand_built import ME, History, at_us, moment, store

ATTACK = "<script>alert(1)</script>"
_SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    """The figure as XML: it must be well-formed (ElementTree refuses anything else). SVG
    elements carry no namespace in HTML; one is added so ElementTree sees SVG."""
    text = str(markup)  # a plain string: Markup.replace would escape what it inserts
    return ET.fromstring(text.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def _points(text: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (pair.split(",") for pair in text.split())]


def _classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


@pytest.fixture(scope="module")
def relationships(demo: DemoStore) -> list[TrustHistoryOut]:
    """Trust histories of three of the owner's relationships in the demo world: the most
    trusted, a middling one and the least."""
    with demo.ledger.read() as conn:
        view = open_view(conn, default_policy(), at_us=demo.at_us)
        people = [r.person for r in view.relationships()]
        found = [trust_history(conn, view, p) for p in (people[0], people[len(people) // 2])]
        found.append(trust_history(conn, view, people[-1]))
    return [h for h in found if h is not None]


def test_the_trust_band_encloses_each_line_and_each_event_has_one_mark(
    relationships: list[TrustHistoryOut],
) -> None:
    assert len(relationships) == 3
    for history in relationships:
        root = _parse(trust_history_chart(history))
        svg = root.find(f"{_SVG}svg")
        assert svg is not None and svg.get("role") == "img"
        assert svg.get("viewBox", "").startswith("0 0 ")
        labelled = svg.get("aria-labelledby", "").split()
        assert [svg.find(f"{_SVG}title"), svg.find(f"{_SVG}desc")] == [
            svg.find(f".//*[@id='{i}']") for i in labelled
        ]
        for side in ("mine", "theirs"):
            band = next(e for e in svg.iter(f"{_SVG}polygon") if f"band-{side}" in _classes(e))
            line = next(e for e in svg.iter(f"{_SVG}polyline") if f"line-{side}" in _classes(e))
            drawn = _points(line.get("points", ""))
            outline = _points(band.get("points", ""))
            upper, lower = outline[: len(drawn)], outline[len(drawn) :][::-1]
            assert len(drawn) == len(history.points) == len(upper) == len(lower)
            for (x, y), (ux, uy), (lx, ly) in zip(drawn, upper, lower, strict=True):
                assert x == ux == lx
                assert uy - 0.05 <= y <= ly + 0.05  # y grows downwards; rounding to 0.1
        marks = [e for e in svg.iter(f"{_SVG}rect") if "mark" in _classes(e)]
        assert len(marks) == len(history.events)
        signs = {"mark-for": 1, "mark-against": -1, "mark-neither": 0}
        for mark, event in zip(marks, history.events, strict=True):
            (sign,) = [signs[c] for c in _classes(mark) if c in signs]
            assert sign == event.sign
            title = mark.find(f"{_SVG}title")
            assert title is not None and event.kind in (title.text or "")
            assert (title.text or "").startswith(event.time[:10])
        rows = root.findall(".//details/table/tbody/tr")
        assert len(rows) == len(history.points)


def test_the_listening_bars_stand_against_the_healthy_line(demo: DemoStore) -> None:
    with demo.ledger.read() as conn:
        found = listening_history(conn, at_us=demo.at_us, by="month")
    assert len(found.periods) == 12
    svg = _parse(listening_chart(found)).find(f"{_SVG}svg")
    assert svg is not None
    bars = [e for e in svg.iter(f"{_SVG}rect") if "bar" in _classes(e)]
    assert len(bars) == len(found.periods)
    (line,) = [e for e in svg.iter(f"{_SVG}line") if "threshold" in _classes(e)]
    threshold = float(line.get("y1", "nan"))
    for bar, period in zip(bars, found.periods, strict=True):
        assert period.share is not None
        top = float(bar.get("y", "nan"))
        healthy = period.share >= found.healthy_share
        assert ("bar-healthy" in _classes(bar)) == healthy
        assert (top <= threshold + 0.05) == healthy  # taller than the line when healthy


def test_a_period_with_nothing_counted_has_no_bar_but_says_so() -> None:
    periods = [
        ListeningPeriodOut(label="2025-01", start="2025-01-01", share=0.8, listening=4,
                           promotion=1),
        ListeningPeriodOut(label="2025-02", start="2025-02-01", share=None, listening=0,
                           promotion=0),
    ]  # fmt: skip
    found = ListeningHistoryOut(by="month", at="2025-03-01", healthy_share=0.5, periods=periods)
    svg = _parse(listening_chart(found)).find(f"{_SVG}svg")
    assert svg is not None
    empty = [e for e in svg.iter(f"{_SVG}rect") if "bar-none" in _classes(e)]
    assert len(empty) == 1
    title = empty[0].find(f"{_SVG}title")
    assert title is not None and title.text == "2025-02: nothing counted"


def test_paths_run_left_to_right_by_hop_with_each_hop_once(demo: DemoStore) -> None:
    with demo.ledger.read() as conn:
        view = open_view(conn, default_policy(), at_us=demo.at_us)
        owner = require_owner(conn)
        found = None
        for relationship in view.relationships():  # the first reached through others
            paths = trust_paths(conn, view, relationship.person)
            if paths and any(len(p.people) > 2 for p in paths.paths):
                found = paths
                break
    assert found is not None and found.paths[0].people[0] == owner
    svg = _parse(paths_chart(found)).find(f"{_SVG}svg")
    assert svg is not None
    nodes = {
        g.findtext(f"{_SVG}title", ""): float(g.find(f"{_SVG}circle").get("cx", "nan"))
        for g in svg.iter(f"{_SVG}g")
        if "node" in _classes(g)
    }
    names = {n for p in found.paths for n in p.names[1:]} | {"You"}
    assert set(nodes) == names
    assert nodes["You"] == min(nodes.values()) and nodes[found.name] == max(nodes.values())
    for path in found.paths:  # each hop further right than the one before
        xs = [nodes["You"]] + [nodes[n] for n in path.names[1:]]
        assert xs == sorted(xs) and len(set(xs)) == len(xs)
    hops = {(a, b) for p in found.paths for a, b in zip(p.people[:-1], p.people[1:], strict=True)}
    edges = [g for g in svg.iter(f"{_SVG}g") if "edge" in _classes(g)]
    assert len(edges) == len(hops)


def test_no_path_is_a_sentence_not_an_empty_picture() -> None:
    found = PathsOut(source=1, target=2, name="Ann", at="2025-01-01", max_hops=4, paths=[])
    markup = str(paths_chart(found))
    assert "<svg" not in markup and "No trust path from you to Ann within 4 hops" in markup


def test_names_and_texts_that_are_markup_stay_text(tmp_path: Path) -> None:
    mallory = "mastodon:@mallory@evil.example"
    history = History()
    for day in range(0, 60, 7):
        history.add("reply", mallory, ME, moment(day), text=f"{ATTACK} day {day}",
                    actor_name=ATTACK)  # fmt: skip
        history.add("reply", ME, mallory, moment(day + 1), text="thanks </title><b>x</b>")
    with store(tmp_path, history) as ledger, ledger.read() as conn:
        view = open_view(conn, default_policy(), at_us=at_us(70))
        person = next(r.person for r in view.relationships())
        found = trust_history(conn, view, person)
        assert found is not None and found.name == ATTACK
        paths = trust_paths(conn, view, person)
    assert paths is not None and paths.paths
    for markup in (trust_history_chart(found), paths_chart(paths)):
        text = str(markup)
        assert "<script" not in text and "<b>" not in text
        root = _parse(text)  # still well-formed: nothing broke out of its element
        svg = root.find(f"{_SVG}svg")
        assert svg is not None
        title = svg.find(f"{_SVG}title")
        assert title is not None and ATTACK in (title.text or "")
    marks = list(_parse(str(trust_history_chart(found))).iter(f"{_SVG}rect"))
    assert any(ATTACK in (m.findtext(f"{_SVG}title") or "") for m in marks)
    assert any("</title><b>x</b>" in (m.findtext(f"{_SVG}title") or "") for m in marks)
    many = PathOut(people=[1, 2], names=["me", ATTACK], hops=[0.5], strength=0.5)
    lone = PathsOut(source=1, target=2, name=ATTACK, at="x", max_hops=4, paths=[many])
    assert "<script" not in str(paths_chart(lone))
    assert "<script" not in str(paths_chart(lone.model_copy(update={"paths": []})))


def test_time_ticks_fit_short_and_long_spans() -> None:
    day = 86_400_000_000
    start = 1_735_689_600_000_000  # 2025-01-01
    short = month_ticks(start + day // 2, start + 20 * day, 7)
    assert 1 < len(short) <= 7 and short[0].year == "2025" and short[0].label.startswith("Jan")
    long = month_ticks(start, start + 5 * 365 * day, 7)
    assert 1 < len(long) <= 7 and all(t.label == "Jan" for t in long)
    assert [t.year for t in long] == [str(y) for y in range(2025, 2025 + len(long))]
