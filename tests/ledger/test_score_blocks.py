"""Network scores as columnar blocks: what is written reads back exactly, in blocks a SQL
user can decode from the documented byte format; one person's scores, forgetting people,
and a store whose scores were rows (before revision 0005) upgraded to blocks and back."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sqlalchemy import column, func, insert, select, table

from goodwill.errors import AlgorithmInputError
from goodwill.ledger import Ledger, open_ledger
from goodwill.ledger.schema import network_score_blocks, people
from goodwill.ledger.score_blocks import (
    BLOCK_PEOPLE,
    PersonScore,
    person_scores,
    read_scores,
    remove_people,
    write_scores,
)
from tests.ledger.old_stores import migrate

MANY = BLOCK_PEOPLE + 4_464  # two blocks, the second partly full


def _scores(count: int, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    ids = rng.permutation(np.arange(1, 3 * count, 3, dtype=np.int64))  # unsorted, with gaps
    return ids, rng.random(count), rng.random(count), rng.random(count)


def test_a_scope_reads_back_sorted_and_exact_from_decodable_blocks(ledger: Ledger) -> None:
    ids, mass, score, normalized = _scores(MANY, seed=1)
    with ledger.write() as conn:
        written = write_scores(
            conn, "owner", ids, mass, score, normalized, at_us=7, now_us=9, engine="numpy"
        )
        write_scores(conn, "club", ids[:3], mass[:3], score[:3], normalized[:3],
                     at_us=5, now_us=9, engine="spark")  # fmt: skip
    assert written == MANY
    order = np.argsort(ids)
    with ledger.read() as conn:
        stored = read_scores(conn, "owner")
        blocks = conn.execute(
            select(network_score_blocks)
            .where(network_score_blocks.c.scope == "owner")
            .order_by(network_score_blocks.c.block)
        ).all()
        assert read_scores(conn, "nobody").person_id.size == 0
        assert read_scores(conn, "nobody").at_us is None
    assert np.array_equal(stored.person_id, ids[order])
    for got, expected in ((stored.mass, mass), (stored.score, score),
                          (stored.normalized, normalized)):  # fmt: skip
        assert np.array_equal(got, expected[order])
    assert stored.at_us == 7
    assert [(b.block, b.people) for b in blocks] == [(0, BLOCK_PEOPLE), (1, MANY - BLOCK_PEOPLE)]
    # the documented format, decoded by hand: int64 and float64, little-endian, no header
    second = np.frombuffer(bytes(blocks[1].person_ids), dtype="<i8")
    assert (blocks[1].first_person, blocks[1].last_person) == (second[0], second[-1])
    assert np.array_equal(second, ids[order][BLOCK_PEOPLE:])
    assert np.array_equal(np.frombuffer(bytes(blocks[1].score), "<f8"), score[order][BLOCK_PEOPLE:])


def test_writing_a_scope_again_replaces_it_and_only_it(ledger: Ledger) -> None:
    ids, mass, score, normalized = _scores(MANY, seed=2)
    with ledger.write() as conn:
        write_scores(conn, "owner", ids, mass, score, normalized, at_us=1, now_us=1, engine="a")
        write_scores(conn, "club", ids, mass, score, normalized, at_us=1, now_us=1, engine="a")
        write_scores(conn, "owner", [5, 2], [0.5, 0.2], [0.1, 0.2], [1.0, 0.4],
                     at_us=2, now_us=3, engine="b")  # fmt: skip
    with ledger.read() as conn:
        owner = read_scores(conn, "owner")
        counts = dict(
            conn.execute(
                select(network_score_blocks.c.scope, func.count()).group_by(
                    network_score_blocks.c.scope
                )
            ).all()
        )
        assert person_scores(conn, 5) == [PersonScore("owner", 0.5, 0.1, 1.0, 2, 3, "b")]
    assert owner.person_id.tolist() == [2, 5] and owner.mass.tolist() == [0.2, 0.5]
    assert counts == {"owner": 1, "club": 2}


def test_scores_that_do_not_line_up_are_refused(ledger: Ledger) -> None:
    with ledger.write() as conn:
        with pytest.raises(AlgorithmInputError, match="more than once"):
            write_scores(conn, "owner", [3, 1, 3], [1, 1, 1], [1, 1, 1], [1, 1, 1],
                         at_us=1, now_us=1, engine="x")  # fmt: skip
        with pytest.raises(AlgorithmInputError, match="one value per person"):
            write_scores(conn, "owner", [1, 2], [1], [1, 1], [1, 1], at_us=1, now_us=1, engine="x")


def test_one_persons_scores_across_scopes_and_forgetting_people(ledger: Ledger) -> None:
    ids, mass, score, normalized = _scores(MANY, seed=3)
    order = np.argsort(ids)
    first, last = int(ids[order][0]), int(ids[order][-1])
    with ledger.write() as conn:
        write_scores(conn, "owner", ids, mass, score, normalized, at_us=4, now_us=6, engine="n")
        write_scores(conn, "club", [last], [0.25], [0.5], [0.75], at_us=4, now_us=6, engine="s")
    with ledger.read() as conn:
        assert person_scores(conn, last) == [
            PersonScore("club", 0.25, 0.5, 0.75, 4, 6, "s"),
            PersonScore(
                "owner", mass[order][-1], score[order][-1], normalized[order][-1], 4, 6, "n"
            ),
        ]
        assert person_scores(conn, first + 1) == []  # inside a block's range, not in it
    with ledger.write() as conn:
        assert remove_people(conn, [first, last, first + 1]) == 3
        assert remove_people(conn, [first]) == 0
    with ledger.read() as conn:
        owner = read_scores(conn, "owner")
        assert person_scores(conn, last) == [] and person_scores(conn, first) == []
        assert read_scores(conn, "club").person_id.size == 0  # its one block went
        blocks = conn.execute(
            select(network_score_blocks.c.first_person, network_score_blocks.c.people).order_by(
                network_score_blocks.c.scope, network_score_blocks.c.block
            )
        ).all()
    assert np.array_equal(owner.person_id, ids[order][1:-1])
    assert np.array_equal(owner.normalized, normalized[order][1:-1])
    assert [tuple(b) for b in blocks] == [
        (int(ids[order][1]), BLOCK_PEOPLE - 1),
        (int(ids[order][BLOCK_PEOPLE]), MANY - BLOCK_PEOPLE - 1),
    ]


_OLD_COLUMNS = ("scope", "person_id", "mass", "score", "normalized", "at_us", "computed_at",
                "engine")  # fmt: skip
_OLD = table("network_scores", *(column(c) for c in _OLD_COLUMNS))


def _old_rows(person_ids: list[int]) -> list[dict[str, Any]]:
    """A community's scores (more than a block) and a small scope written by two engines."""
    rng = np.random.default_rng(4)
    rows = [
        dict(zip(_OLD_COLUMNS, ("community", p, *rng.random(3).tolist(), 10, 11, "numpy"),
                 strict=True))
        for p in person_ids
    ]  # fmt: skip
    rows += [
        dict(zip(_OLD_COLUMNS, ("owner", p, 0.1 * n, 0.2 * n, 0.3 * n, 10 + (n >= 2), 12,
                                "spark" if n < 2 else "numpy"), strict=True))
        for n, p in enumerate(person_ids[:5])
    ]  # fmt: skip
    return sorted(rows, key=lambda r: (r["scope"], r["person_id"]))


def test_an_old_stores_score_rows_become_blocks_with_the_same_values_and_back(
    store_url: str,
) -> None:
    with open_ledger(store_url, migrate=False) as ledger:
        migrate(ledger.engine, "upgrade", "0004")
        with ledger.write() as conn:
            conn.execute(insert(people), [
                {"display_name": f"p{n}", "created_at": 1} for n in range(MANY)
            ])  # fmt: skip
            person_ids = sorted(conn.execute(select(people.c.id)).scalars())
            old = _old_rows(person_ids)
            conn.execute(insert(_OLD), old)
    with open_ledger(store_url) as ledger:  # migrated to the newest revision on opening
        with ledger.read() as conn:
            community = read_scores(conn, "community")
            owner = read_scores(conn, "owner")
            blocks = conn.execute(
                select(network_score_blocks.c.scope, network_score_blocks.c.block,
                       network_score_blocks.c.people, network_score_blocks.c.engine)
                .order_by(network_score_blocks.c.scope, network_score_blocks.c.block)
            ).all()  # fmt: skip
            third = person_scores(conn, person_ids[2])
        expected = [r for r in old if r["scope"] == "community"]
        assert community.person_id.tolist() == person_ids
        assert community.score.tolist() == [r["score"] for r in expected]
        assert community.mass.tolist() == [r["mass"] for r in expected]
        assert owner.normalized.tolist() == [r["normalized"] for r in old[-5:]]
        assert [tuple(b) for b in blocks] == [
            ("community", 0, BLOCK_PEOPLE, "numpy"),
            ("community", 1, MANY - BLOCK_PEOPLE, "numpy"),
            ("owner", 0, 2, "spark"),  # a run of one engine and moment never shares a block
            ("owner", 1, 3, "numpy"),
        ]
        assert [(s.scope, s.at_us, s.engine) for s in third] == [
            ("community", 10, "numpy"),
            ("owner", 11, "numpy"),
        ]
        migrate(ledger.engine, "downgrade", "0004")
        with ledger.read() as conn:
            back = conn.execute(select(_OLD).order_by(_OLD.c.scope, _OLD.c.person_id)).mappings()
            assert [dict(r) for r in back] == old
