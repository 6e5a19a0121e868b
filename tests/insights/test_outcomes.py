"""Outcomes: results recorded once, replayed with --at, and reported as associations."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.errors import AlgorithmInputError
from goodwill.insights import load_activity, read_notes
from goodwill.insights.outcomes import OutcomeReport, outcome_report, record_outcome
from goodwill.ledger import Ledger, open_ledger
from goodwill.ledger.people import identity_person
from tests.insights.conftest import DemoStore
from tests.insights.hand_built import ME, History, at_us, moment, person, store

DAY_US = 86_400_000_000


def _report(ledger: Ledger, until_us: int, days: int = 90) -> OutcomeReport:
    with ledger.read() as conn:
        return outcome_report(conn, load_activity(conn, until_us=until_us), lookback_days=days)


@pytest.fixture
def small(tmp_path: Path) -> tuple[Ledger, int]:
    h = History()
    client = "mastodon:@client@b.example"
    for week in range(6):
        h.add("message", client, ME, moment(7 * week), text="how is the draft going")
        h.add("meeting", ME, client, moment(7 * week, 3), text="weekly")
    h.add("like", "mastodon:@fan@b.example", ME, moment(20))
    with store(tmp_path, h) as ledger:
        yield ledger, person(ledger, client)


def test_an_outcome_recorded_twice_is_recorded_once(small: tuple[Ledger, int]) -> None:
    ledger, client = small
    first = record_outcome(ledger, client, "deal", time_us=at_us(40), value=1200, note="site")
    again = record_outcome(ledger, client, "deal", time_us=at_us(40.3), value=1200, note="site")
    other = record_outcome(ledger, client, "deal", time_us=at_us(40), value=900, note="audit")
    with ledger.read() as conn:
        notes = read_notes(conn, kinds=("outcome",))
    assert (first, again, other) == (True, False, True)
    assert [(n.person, n.details, n.value) for n in notes] == [
        (client, {"kind": "deal", "note": "site"}, 1200.0),
        (client, {"kind": "deal", "note": "audit"}, 900.0),
    ]


def test_at_before_an_outcome_does_not_see_it(small: tuple[Ledger, int]) -> None:
    ledger, client = small
    record_outcome(ledger, client, "referral", time_us=at_us(40))
    before, after = _report(ledger, at_us(39)), _report(ledger, at_us(41))
    assert before.results == [] and "No results recorded yet" in before.caveats[1]
    assert [(r.person, r.kind) for r in after.results] == [(client, "referral")]
    result = after.results[0]
    # what preceded it: six weeks of their messages and her meetings, none of the fan's like
    assert result.preceded == {"message from them": 6, "meeting from you": 6}
    assert result.evidence[0] == result.event_id and len(result.evidence) == 6
    # with the fan active in the window and without a result, there is a base rate
    meeting = next(a for a in after.associations if a.action == "meeting from you")
    assert (meeting.results_with, meeting.results, meeting.others_with, meeting.others) == (
        1, 1, 0, 1,
    )  # fmt: skip
    assert meeting.base_rate == 0.0 and meeting.ratio is None
    assert meeting.share_low < 0.5 < meeting.share_high == 1.0
    assert any("Only 1 result" in c for c in after.caveats)
    # a shorter window sees fewer of the weekly exchanges
    assert _report(ledger, at_us(41), days=10).results[0].preceded == {
        "message from them": 1, "meeting from you": 1,
    }  # fmt: skip


def test_bad_outcomes_are_refused_with_what_to_do(small: tuple[Ledger, int]) -> None:
    ledger, client = small
    with pytest.raises(AlgorithmInputError, match="use other and say what"):
        record_outcome(ledger, client, "raise", time_us=at_us(40))
    with pytest.raises(AlgorithmInputError, match="someone else"):
        record_outcome(ledger, person(ledger, ME), "deal", time_us=at_us(40))
    with pytest.raises(AlgorithmInputError, match="not a number"):
        record_outcome(ledger, client, "deal", time_us=at_us(40), value=float("nan"))


def test_results_in_the_demo_are_compared_with_relationships_without_them(
    tmp_path: Path, demo: DemoStore
) -> None:
    """Deals recorded for the customers who rated the work well: meetings preceded nearly
    all of them, and far fewer of her other relationships in the same windows."""
    url = demo.copy(tmp_path)
    with open_ledger(url) as ledger:
        with ledger.read() as conn:
            activity = load_activity(conn, until_us=demo.at_us)
            good = np.flatnonzero(activity.is_kind("rating") & (activity.value >= 4))
            raters = {int(activity.actor[r]): int(activity.time_us[r]) for r in good}
            customers = {
                identity_person(conn, h)
                for p in demo.truth["people"]
                if p["role"].startswith("customer")
                for h in p["identities"]
            }
        assert len(raters) >= 5 and set(raters) <= customers
        for who, when in raters.items():
            record_outcome(ledger, who, "deal", time_us=when + DAY_US, value=1000)
        report = _report(ledger, demo.at_us)
    assert len(report.results) == len(raters)
    assert report.by_kind == {"deal": {"results": len(raters), "value": 1000.0 * len(raters)}}
    assert {r.person for r in report.by_relationship} == set(raters)
    meetings = next(a for a in report.associations if a.action == "meeting from you")
    assert meetings.share >= 0.8 and meetings.base_rate is not None
    assert meetings.base_rate < meetings.share / 2 and (meetings.ratio or 0) > 2
    for association in report.associations:
        assert "preceded" in association.sentence
        assert not any(w in association.sentence for w in ("caused", "led to", "because"))
    assert "not causes" in report.caveats[0]


def test_the_commands_record_and_report_outcomes(tmp_path: Path, demo: DemoStore) -> None:
    url = demo.copy(tmp_path)
    advocate = next(p for p in demo.truth["people"] if p["role"] == "advocate")
    handle = advocate["identities"][0]
    runner = CliRunner()
    args = ["--db", url, "outcome", handle, "speaking", "--on", "2025-10-02", "--note", "panel"]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert first.exit_code == 0 and "recorded: speaking" in first.stdout
    assert second.exit_code == 0 and "already recorded" in second.stdout
    wrong = runner.invoke(app, ["--db", url, "outcome", handle, "raise"])
    assert wrong.exit_code == 2 and "must be one of" in wrong.output
    report = runner.invoke(app, ["--db", url, "outcomes", "--at", "2026-01-01", "--json"])
    assert report.exit_code == 0, report.output
    found = json.loads(report.stdout)
    assert [(r["kind"], r["note"]) for r in found["results"]] == [("speaking", "panel")]
    assert found["results"][0]["evidence"][-1]["kind"] == "outcome"
    earlier = json.loads(
        runner.invoke(app, ["--db", url, "outcomes", "--at", "2025-10-01", "--json"]).stdout
    )
    assert earlier["results"] == []
    shown = runner.invoke(app, ["--db", url, "outcomes", "--at", "2026-01-01"])
    assert shown.exit_code == 0 and "anecdotes" in shown.stdout and "preceded" in shown.stdout
