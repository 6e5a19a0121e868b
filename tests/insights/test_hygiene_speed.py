"""The hygiene report's fast paths give exactly what the plain numpy algorithm gave.

Blasts cost most: every text of every wide sitting is normalised, cut into 5-byte shingles
and MinHashed 128 ways. The compiled MinHash pass, the ASCII short cut in ``normalise``
and the normalising of each distinct text once must change nothing, so this file keeps
the former algorithm (a few lines of numpy) and compares: signatures bit for bit on
awkward texts, and whole reports on a seeded history full of near-copies, and on the demo
world.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from sqlalchemy import Connection

from goodwill.insights import Activity, load_activity
from goodwill.insights.hygiene import HygieneReport, Lookups, blasts, hygiene_report, shingles
from tests.insights.conftest import DemoStore
from tests.insights.hygiene_history import History


def _reference_signatures(texts: list[str]) -> npt.NDArray[np.uint32]:
    """The former MinHash: every shingle as an array, every hash as a matrix, then a
    scattered minimum per text."""
    rng = np.random.default_rng(shingles._SEED)
    multipliers = rng.integers(1, 2**63, size=shingles.HASHES, dtype=np.uint64) | np.uint64(1)
    adders = rng.integers(0, 2**63, size=shingles.HASHES, dtype=np.uint64)
    encoded = [t.encode("utf-8") for t in texts]
    lengths = np.array([len(b) for b in encoded], dtype=np.int64)
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8).astype(np.uint64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(lengths) else lengths
    counts = np.maximum(lengths - 5 + 1, 0)
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), counts)
    offset = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    first = np.repeat(starts, counts) + offset
    value = np.zeros(len(first), dtype=np.uint64)
    for k in range(5):
        value = (value << np.uint64(8)) | data[first + k]
    result = np.full((len(texts), shingles.HASHES), np.iinfo(np.uint32).max, dtype=np.uint32)
    hashed = ((value[:, None] * multipliers + adders) >> np.uint64(32)).astype(np.uint32)
    np.minimum.at(result, owner, hashed)
    return result


def _reference_normalise(text: str) -> str:
    """The former ``normalise``: every character checked for a combining mark."""
    text = shingles._URL.sub(" url ", text)
    text = shingles._MENTION.sub(" ", text)
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(shingles._NOT_WORD.sub(" ", plain).split())


WORDS = ["spring", "workshop", "bundle", "off", "grab", "seat", "café", "Ñandú", "naïve",
         "señal", "40%", "🚀", "日本語", "—", "ünïcödé", "@ann", "https://b.example/s?ref=3",
         "hi", "a", "thanks", "meetup", "next", "week"]  # fmt: skip


def _texts(seed: int, count: int) -> list[str]:
    pick = random.Random(seed)
    found = ["", "a", "abcd", "abcde", "é", "🚀🚀", "日本"]  # shorter than a shingle or just so
    for _ in range(count):
        found.append(" ".join(pick.choices(WORDS, k=pick.randint(1, 14))))
    return found


def test_signatures_equal_the_former_numpy_minhash_bit_for_bit() -> None:
    texts = _texts(3, 400)
    assert np.array_equal(shingles.signatures(texts), _reference_signatures(texts))
    assert shingles.signatures([]).shape == (0, shingles.HASHES)


EDGES = ["https://x.example/a?b=1", "www.y.example", "@ann@example.social", "@bo", "\u0301e",
         "e\u0301", "İstanbul", "ﬁne", "\x1e", "-", "__", "Ⅻ", " ", "\n"]  # fmt: skip


def test_normalise_equals_the_former_character_walk_one_by_one_and_all_at_once() -> None:
    pick = random.Random(9)
    texts = _texts(5, 600)
    # links, mentions, marks and separators at the very edges of texts
    texts += ["".join(pick.choices(EDGES + WORDS, k=pick.randint(1, 5))) for _ in range(600)]
    expected = [_reference_normalise(text) for text in texts]
    assert [shingles.normalise(text) for text in texts] == expected
    assert shingles.normalise_all(texts) == expected
    assert shingles.normalise_all([]) == []


@contextmanager
def _former(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The blast detector running the former algorithm for a while."""
    with monkeypatch.context() as patch:
        patch.setattr(shingles, "signatures", _reference_signatures)
        patch.setattr(blasts, "normalise_all", lambda ts: [_reference_normalise(t) for t in ts])
        yield


def _both(
    activity: Activity, conn: Connection, monkeypatch: pytest.MonkeyPatch
) -> tuple[HygieneReport, HygieneReport]:
    """The report as made now, and as the former algorithm made it."""
    now = hygiene_report(activity, Lookups.of(conn))
    with _former(monkeypatch):
        before = hygiene_report(activity, Lookups.of(conn))
    return now, before


def test_a_history_full_of_near_copies_gets_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over a thousand seeded events: senders working through lists with copies of a few
    texts (greetings, links, accents and emoji changing), others writing personally, in
    sittings that overlap in time."""
    pick = random.Random(11)
    history = History()
    lines = [" ".join(pick.choices(WORDS, k=9)) for _ in range(6)]
    for sender in range(40):
        day = pick.uniform(0, 60)
        text = pick.choice(lines)
        for step in range(pick.randint(3, 60)):
            to = f"x:@p{pick.randrange(300)}"
            personal = pick.random() < 0.3
            said = " ".join(pick.choices(WORDS, k=7)) if personal else text
            greeting = pick.choice(["Hi", "Hey", "Olá", "Bonjour"])
            history.add(
                pick.choice(["message", "mention", "reply", "email"]),
                f"x:@s{sender}",
                to,
                day,
                step * pick.uniform(0.5, 4),
                text=f"{greeting} {to[2:]}! {said} https://l.example/?ref={step}",
            )
    assert len(history.events) > 1000
    with history.store(tmp_path) as store:
        now, before = _both(store.activity, store.conn, monkeypatch)
    assert now == before
    assert len(now.of("blast")) >= 10  # the comparison covers many campaigns


def test_the_demo_world_gets_the_same_report(
    demo: DemoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    with demo.ledger.read() as conn:
        activity = load_activity(conn, until_us=demo.at_us)
        now, before = _both(activity, conn, monkeypatch)
    assert now == before
    assert now.of("blast") and now.of("pitch")
