"""Topics come from a person's own texts: words, phrases and hashtags, never plumbing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodwill.insights.topics import load_corpus, topics_of
from goodwill.insights.wording import STOP_WORDS, tokenize
from goodwill.ledger import open_ledger
from goodwill.trust.report import parse_moment
from tests.insights.conftest import DemoStore
from tests.insights.outreach_world import build_store, event, person_of, run

ME, BAKER, OPS, CHAT = (
    "mastodon:@me@a.example",
    "mastodon:@baker@a.example",
    "mastodon:@ops@a.example",
    "mastodon:@chat@a.example",
)
BAKER_TEXTS = [
    "My sourdough starter loves rye flour 🍞 https://bread.example/p/1",
    "Rye sourdough again this morning, @chef@b.example came by",
    "The rye starter needs feeding twice a day. #sourdough",
    "Sourdough tip: rye makes the crumb darker",
    "Weekend bake: seeded rye and a sourdough baguette",
]
OPS_TEXTS = [
    "Kubernetes upgrade weekend, wish us luck #devops",
    "Our kubernetes cluster autoscaler finally behaves",
    "Helm charts and kubernetes operators: notes https://ops.example/k8s",
    "Debugging kubernetes networking all afternoon #DevOps",
    "Kubernetes cluster costs are down 20% ✨ thanks @me",
]
CHAT_TEXTS = ["Hello there, how are you doing today?", "Thanks! Yes, it was really good."] * 3
LINES = [
    *(event(f"b{i}", f"2025-02-{i + 1:02d}", "post", BAKER, text=t) for i, t in enumerate(BAKER_TEXTS)),
    *(event(f"k{i}", f"2025-03-{i + 1:02d}", "post", OPS, text=t) for i, t in enumerate(OPS_TEXTS)),
    *(event(f"c{i}", f"2025-02-{i + 1:02d}", "message", CHAT, ME, text=t) for i, t in enumerate(CHAT_TEXTS)),
    event("m1", "2025-02-10", "post", ME, text="Reading about bread and servers this week"),
    # what others wrote and she only shared is not hers: no topic of the owner's
    event("s1", "2025-03-10", "share", ME, OPS, answers="k0", text="Kubernetes upgrade weekend"),
]  # fmt: skip
_PLUMBING = re.compile(r"https?|://|@|example|chef|[^\w #'-]")


@pytest.fixture
def store(tmp_path: Path) -> str:
    return build_store(tmp_path, LINES, [ME])


def _topics(url: str, handle: str, at: str = "2026-01-01") -> list[str]:
    with open_ledger(url) as ledger, ledger.read() as conn:
        corpus = load_corpus(conn, until_us=parse_moment(at))
        return [t.term for t in topics_of(corpus, person_of(url, handle), top=6)]


def test_each_person_gets_the_topics_of_their_own_texts(store: str) -> None:
    baker, ops = _topics(store, BAKER), _topics(store, OPS)
    assert {"sourdough", "rye"} <= set(baker[:3]) and "kubernetes" not in baker
    assert "kubernetes" in ops[:2] and "#devops" in ops  # hashtags kept whole, case folded
    assert "kubernetes cluster" in ops  # a phrase used twice
    assert "rye starter" not in baker  # "sourdough starter" and "rye starter": once each
    assert _topics(store, CHAT) == []  # greetings and fillers are no subject
    assert "kubernetes" not in _topics(store, ME)


def test_stop_words_urls_mentions_and_emoji_never_become_topics(store: str) -> None:
    for handle in (BAKER, OPS, CHAT, ME):
        for term in _topics(store, handle):
            assert not set(term.split()) & STOP_WORDS
            assert not _PLUMBING.search(term), term


def test_texts_after_the_moment_do_not_count(store: str) -> None:
    assert _topics(store, OPS, at="2025-03-01") == []
    assert "kubernetes" in _topics(store, OPS, at="2025-03-04")


def test_quoted_lines_are_someone_elses_words() -> None:
    found = tokenize(["> kubernetes clusters\nAgreed, sourdough it is\n  > rye bread", "> rye"])
    assert sorted(set(found.term)) == ["agreed", "sourdough"]


@given(st.lists(st.sampled_from(sorted(STOP_WORDS)), min_size=1, max_size=30))
def test_text_made_of_stop_words_has_no_terms(words: list[str]) -> None:
    assert len(tokenize([" ".join(words), ", ".join(words)]).term) == 0


def test_the_command_lists_topics_with_the_persons_own_texts_as_evidence(store: str) -> None:
    found = json.loads(run(store, "topics", BAKER, "--top", "3", "--json"))
    assert {t["term"] for t in found["topics"]} >= {"sourdough", "rye"}
    for topic in found["topics"]:
        assert topic["evidence"] and all(e["actor"] == BAKER for e in topic["evidence"])
        assert all(topic["term"].lstrip("#") in e["text"].lower() for e in topic["evidence"])
    table = run(store, "topics", OPS)
    assert "kubernetes" in table and "#devops" in table
    assert "nothing of their own" in run(store, "topics", ME, "--at", "2025-01-01")


def test_demo_topics_hold_no_plumbing_and_ring_accounts_talk_in_hashtags(demo: DemoStore) -> None:
    with demo.ledger.read() as conn:
        corpus = load_corpus(conn, until_us=demo.at_us)
    for person in corpus.people:
        for topic in topics_of(corpus, int(person), top=5):
            assert not _PLUMBING.search(topic.term), topic.term
            assert not set(topic.term.split()) & STOP_WORDS
    ring = demo.handles_of_role("ring")
    url = demo.ledger.url
    tagged = [any(t.startswith("#") for t in _topics(url, h)[:3]) for h in sorted(ring)]
    assert sum(tagged) >= len(tagged) - 1


def test_a_text_opening_or_ending_with_a_hyphen_keeps_its_own_words() -> None:
    """Texts are tokenised joined by a separator Python counts as a space; a hyphen or an
    apostrophe at a text's edge once took the separator with it, giving its words to the
    text before and every later word to the wrong text."""
    found = tokenize(["alpha beta", "-gamma delta", "epsilon-", "'zeta' eta", "theta"])
    assert [(int(i), str(t)) for i, t in zip(found.text, found.term, strict=True)] == [
        (0, "alpha"), (0, "beta"), (0, "alpha beta"), (1, "gamma"), (1, "delta"),
        (1, "gamma delta"), (2, "epsilon"), (3, "zeta"), (3, "eta"), (4, "theta"),
    ]  # fmt: skip


@given(st.lists(st.text(alphabet="ab -'#.\n", max_size=12), min_size=1, max_size=6))
def test_texts_tokenised_together_are_tokenised_each_alone(texts: list[str]) -> None:
    together = tokenize(texts)
    for index, text in enumerate(texts):
        alone = tokenize([text])
        assert together.term[together.text == index].tolist() == alone.term.tolist()
