"""The owner's listening ratio: a hand-computed month, the demo's year, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from goodwill.insights.listening import listening, load_weights
from goodwill.insights.promotion import OwnSites, promotion_signals
from goodwill.ledger import open_ledger
from goodwill.trust.report import parse_moment
from tests.insights.conftest import DemoStore
from tests.insights.outreach_world import build_store, event, run

ME, MAIL, ANN, ANN_MAIL = (
    "mastodon:@me@a.example",
    "email:me@studio.example",
    "mastodon:@ann@a.example",
    "email:ann@b.example",
)
LINES = [
    event("f1", "2025-03-01", "post", ANN, text="Notes on sourdough"),
    event("f2", "2025-03-02", "post", ANN, text="More on rye"),
    event("o1", "2025-03-03", "post", ME, text="Plain thoughts on baking"),  # post 1
    event("o2", "2025-03-04", "post", ME, text="Another plain post"),  # post 1
    event("o3", "2025-03-05", "post", ME, text="Essay: https://www.studio.example/e"),  # promo 2
    event("o4", "2025-03-05", "reply", ME, ANN, answers="f1", text="Lovely piece"),  # reply 1
    event("q1", "2025-03-06", "mention", ANN, ME, text="@me any template for this?"),
    # asked, she may link her own site: an answer, not a pitch (reply 1)
    event("o5", "2025-03-06", "reply", ME, ANN, answers="q1", text="https://studio.example/t"),
    event("s1", "2025-03-06", "share", ANN, ME, answers="o1"),
    event("o6", "2025-03-07", "thanks", ME, ANN, answers="s1", text="Thank you!"),  # thanks 1
    *(event(f"o7{i}", "2025-03-07", "like", ME, ANN, answers="f1") for i in range(4)),  # 4 x 0.25
    event("o8", "2025-03-08", "share", ME, ANN, answers="f2"),  # share of her work 1
    event("o9", "2025-03-08", "share", ME, ME, answers="o1"),  # her own work again: promotion 1
    event("e1", "2025-03-09", "email", ANN_MAIL, MAIL, text="Can we meet?"),
    event("o10", "2025-03-09", "email", MAIL, ANN_MAIL, answers="e1", text="Yes"),  # answer 0.5
    event("o11", "2025-03-10", "email", MAIL, ANN_MAIL, text="How was the trip?"),  # neutral
    event("o12", "2025-03-11", "email", MAIL, ANN_MAIL, text="Few slots open, book a call"),  # 2
    event("o13", "2025-03-12", "meeting", MAIL, ANN_MAIL, text="Coffee"),  # neutral
    event("o14", "2025-04-10", "reply", ME, ANN, answers="f2", text="Agreed"),  # April: reply 1
    event("o15", "2025-05-05", "post", ME, text="After the moment asked about"),
]


@pytest.fixture
def store(tmp_path: Path) -> str:
    return build_store(tmp_path, LINES, [ME, MAIL])


def test_a_hand_built_month_gives_the_hand_computed_ratio(store: str) -> None:
    with open_ledger(store) as ledger, ledger.read() as conn:
        found = listening(conn, at_us=parse_moment("2025-05-01"), by="month")
    assert [p.label for p in found.periods] == ["2025-03", "2025-04"]
    march, april = found.periods
    # listening: reply 1 + answered mention 1 + thanks 1 + 4 likes 1 + share 1 + e-mail answer 0.5
    # promotion: two posts 2 + a post linking her site 2 + her own work shared 1 + a pitch 2
    assert (march.listening, march.promotion) == (5.5, 7.0)
    assert march.share == pytest.approx(5.5 / 12.5, abs=1e-4)
    assert march.ratio == pytest.approx(5.5 / 7, abs=1e-3)
    assert march.counts == {
        "answer": 1, "like": 4, "post": 2, "promotional": 2, "reply": 2, "self_share": 1,
        "share": 1, "thanks": 1,
    }  # fmt: skip
    assert sorted(march.promoted.values()) == [["call to buy"], ["link to her own site"]]
    assert (april.listening, april.promotion, april.share, april.ratio) == (1.0, 0.0, 1.0, None)
    assert found.current == april and found.direction == "unknown"  # two months: no trend yet


def test_nothing_after_the_moment_counts_and_periods_regroup_the_same_events(store: str) -> None:
    with open_ledger(store) as ledger, ledger.read() as conn:
        may = listening(conn, at_us=parse_moment("2025-06-01"), by="month")
        quarter = listening(conn, at_us=parse_moment("2025-06-01"), by="quarter")
        weeks = listening(conn, at_us=parse_moment("2025-06-01"), by="week")
    assert may.periods[-1].label == "2025-05" and may.periods[-1].promotion == 1.0
    assert [p.label for p in quarter.periods] == ["2025-Q1", "2025-Q2"]
    # her first counted event is on Monday 3 March: ISO week 10 starts that day
    assert weeks.periods[0].label == "2025-W10" and weeks.periods[0].start == "2025-03-03"
    for grouped in (quarter, weeks):
        assert sum(p.listening for p in grouped.periods) == sum(p.listening for p in may.periods)
        assert sum(p.promotion for p in grouped.periods) == sum(p.promotion for p in may.periods)


def test_promotion_signals_are_general_and_a_webmail_domain_is_nobodys_site() -> None:
    own = OwnSites(frozenset({"studio.example"}), frozenset({"inesvarga"}))
    assert promotion_signals("see https://x.com/inesvarga/status/1", own) == [
        "link to her own site"
    ]
    assert promotion_signals("We're launching today", own) == ["announces her own new thing"]
    assert promotion_signals("20% off this week only", own) == ["call to buy"]
    assert promotion_signals("In my newsletter I compared three tools", own) == []
    assert promotion_signals("https://studio.example.org/x is someone else's", own) == []


def test_the_demo_owners_year_has_every_month_in_a_plausible_range(demo: DemoStore) -> None:
    with demo.ledger.read() as conn:
        found = listening(conn, at_us=demo.at_us, by="month")
    assert [p.label for p in found.periods] == [f"2025-{m:02d}" for m in range(1, 13)]
    for p in found.periods:
        assert p.share is not None and 0.3 <= p.share <= 0.95
        assert p.counts["reply"] > 0 and p.counts["post"] + p.counts["promotional"] > 0
    assert found.current is not None and found.current.label == "2025-12"
    assert found.direction in {"rising", "falling", "steady"} and found.trend is not None
    # the year's self-promotion is found by signals, not a phrase: both kinds occur
    reasons = {r for p in found.periods for rs in p.promoted.values() for r in rs}
    assert {"link to her own site", "call to buy"} <= reasons


def test_every_weight_has_a_reason() -> None:
    weights = load_weights()
    assert set(weights.reasons) >= set(weights.listening) | set(weights.promotion)
    assert all(len(r) > 20 for r in weights.reasons.values())
    assert weights.listening["reply"] == 1.0 and weights.healthy_share == 0.5


def test_the_command_prints_json_and_a_chart_with_guidance(store: str, demo: DemoStore) -> None:
    found = json.loads(run(store, "listening", "--at", "2025-05-01", "--json"))
    march = found["periods"][0]
    assert march["share"] == pytest.approx(0.44) and found["by"] == "month"
    assert found["verdict"].startswith("healthy")  # April: listening only
    chart = run(store, "listening", "--at", "2025-04-01")
    assert "2025-03" in chart and "44%" in chart and "talking more than listening" in chart
    run(store, "listening", "--by", "year", code=2)
    year = json.loads(run(demo.ledger.url, "listening", "--at", "2026-01-01", "--json"))
    cited = year["current_promotion_cited"]
    assert cited and all(c["actor"] in demo.truth["owner_identities"] for c in cited)
    assert {c["event_id"] for c in cited} == {int(i) for i in year["current"]["promoted"]}
