"""What people talk about: terms of their own texts, weighed by tf-idf against everyone's.

A person's texts are what they wrote themselves (:data:`TEXT_KINDS`: posts, replies,
quotes, mentions, messages, e-mails, comments), never what they shared or were sent. Each
text is a set of terms (:mod:`goodwill.insights.wording`: words, hashtags, two-word
phrases). For a person, a term's weight is

    (1 + ln texts_with_term) * (ln((1 + people) / (1 + people_using_term)) + 1)

a sublinear count (the tenth text on a subject adds less than the second) times a smoothed
inverse document frequency over people (a word everybody uses says little about anyone).
Someone with :data:`MIN_TEXTS_FOR_REPEAT` texts or more must use a term in two of them for
it to count: a topic is something one comes back to, not one phrase in passing.

The matrices are built once per moment over all texts, with numpy and scipy.sparse;
:func:`topics_of` reads one person's row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]  # scipy has no stubs
from sqlalchemy import Connection, func, select

from goodwill.insights.wording import tokenize
from goodwill.ledger.schema import events, identities

__all__ = [
    "MIN_TEXTS_FOR_REPEAT",
    "TEXT_KINDS",
    "Corpus",
    "Topic",
    "load_corpus",
    "per_person",
    "tfidf",
    "topics_of",
]

Ints = npt.NDArray[np.int64]
TEXT_KINDS = ("post", "reply", "quote", "mention", "message", "email", "comment")
#: From this many texts on, a term must recur in two of a person's texts to be a topic.
MIN_TEXTS_FOR_REPEAT = 4
# A topic-bearing prefix is enough: long e-mails repeat themselves and quote others below.
_TEXT_CHARS = 2000
_CHUNK = 20_000
# A word is folded into a phrase that contains it when the phrase covers this much of it.
_COVERED = 0.8


@dataclass(frozen=True, slots=True)
class Corpus:
    """Everyone's texts up to a moment, as matrices.

    ``carries`` is texts x terms (1 where the text uses the term); ``counts`` and
    ``weights`` are people x terms (texts using the term, and its tf-idf weight).
    """

    event_id: Ints  # per text, in time order
    author: Ints  # person id per text
    time_us: Ints
    terms: npt.NDArray[np.str_]
    carries: sp.csr_matrix
    people: Ints  # sorted person ids with at least one text
    counts: sp.csr_matrix
    weights: sp.csr_matrix

    def row(self, person: int) -> int:
        """The row of ``person`` in ``counts`` and ``weights``, or -1."""
        at = int(np.searchsorted(self.people, person))
        return at if at < len(self.people) and self.people[at] == person else -1

    def columns(self, query: str) -> Ints:
        """Terms matching ``query``: those containing every one of its words
        (``onboarding`` finds ``client onboarding`` and ``#onboarding``)."""
        words = {str(t).lstrip("#") for t in tokenize([query], phrases=False).term}
        if not words or not len(self.terms):
            return np.zeros(0, dtype=np.int64)
        padded = np.char.add(np.char.add(" ", np.char.replace(self.terms, "#", "")), " ")
        found = np.ones(len(self.terms), dtype=bool)
        for word in words:
            found &= np.char.find(padded, f" {word} ") >= 0
        return np.flatnonzero(found).astype(np.int64)


@dataclass(frozen=True, slots=True)
class Topic:
    """One of a person's topics: its weight, how many of their texts use it, examples."""

    term: str
    weight: float  # tf-idf
    relative: float  # weight / the person's top weight
    texts: int
    event_ids: list[int]  # their latest texts using it, newest first


def load_corpus(conn: Connection, *, until_us: int) -> Corpus:
    """Read every text at or before ``until_us`` and weigh its terms."""
    query = (
        select(
            events.c.id,
            identities.c.person_id,
            events.c.occurred_at,
            func.substr(events.c.text, 1, _TEXT_CHARS),
        )
        .join(identities, identities.c.id == events.c.actor_id)
        .where(
            events.c.occurred_at <= until_us,
            events.c.kind.in_(TEXT_KINDS),
            events.c.text.is_not(None),
        )
        .order_by(events.c.occurred_at, events.c.id)
    )
    ids: list[Ints] = []
    meta: list[Ints] = []
    cells: list[tuple[Ints, Ints]] = []
    vocabulary: dict[str, int] = {}
    done = 0
    result = conn.execution_options(yield_per=_CHUNK).execute(query)
    for rows in result.partitions(_CHUNK):
        block = np.array([(i, p, t) for i, p, t, _ in rows], dtype=np.int64).reshape(-1, 3)
        found = tokenize([str(text) for *_, text in rows])
        unique, inverse = np.unique(found.term, return_inverse=True)
        codes = np.array(
            [vocabulary.setdefault(str(u), len(vocabulary)) for u in unique], dtype=np.int64
        )
        cells.append((found.text + done, codes[inverse.ravel()]))
        ids.append(block[:, 0])
        meta.append(block[:, 1:])
        done += len(block)
    terms = np.array(list(vocabulary), dtype=np.str_)
    text_rows = np.concatenate([c[0] for c in cells]) if cells else np.zeros(0, np.int64)
    term_cols = np.concatenate([c[1] for c in cells]) if cells else np.zeros(0, np.int64)
    carries = sp.csr_matrix(
        (np.ones(len(text_rows)), (text_rows, term_cols)), shape=(done, len(vocabulary))
    )
    carries.sum_duplicates()
    carries.data[:] = 1.0
    info = np.concatenate(meta) if meta else np.zeros((0, 2), np.int64)
    author, time_us = info[:, 0], info[:, 1]
    people, counts = per_person(author, carries)
    return Corpus(
        np.concatenate(ids) if ids else np.zeros(0, np.int64),
        author,
        time_us,
        terms,
        carries,
        people,
        counts,
        tfidf(counts),
    )


def per_person(author: Ints, carries: sp.csr_matrix) -> tuple[Ints, sp.csr_matrix]:
    """Sorted authors and, per author and term, how many of their texts use the term."""
    people, row = np.unique(author, return_inverse=True)
    owner = sp.csr_matrix(
        (np.ones(len(author)), (row, np.arange(len(author)))), shape=(len(people), len(author))
    )
    counts = (owner @ carries).tocsr()
    texts = np.bincount(row, minlength=len(people))
    needed = np.where(texts >= MIN_TEXTS_FOR_REPEAT, 2, 1)
    per_entry = np.repeat(needed, np.diff(counts.indptr))
    counts.data[counts.data < per_entry] = 0
    counts.eliminate_zeros()
    return people.astype(np.int64), counts


def tfidf(counts: sp.csr_matrix) -> sp.csr_matrix:
    """Sublinear term counts times smoothed inverse frequency over the rows."""
    used_by = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1.0 + counts.shape[0]) / (1.0 + used_by)) + 1.0
    weights = counts.copy().astype(np.float64)
    weights.data = (1.0 + np.log(weights.data)) * idf[weights.indices]
    return weights


def topics_of(corpus: Corpus, person: int, *, top: int = 10, examples: int = 3) -> list[Topic]:
    """``person``'s ``top`` topics, strongest first; a word that a stronger phrase of theirs
    already covers (``onboarding`` under ``client onboarding``) is folded into it."""
    row = corpus.row(person)
    if row < 0:
        return []
    start, end = corpus.weights.indptr[row], corpus.weights.indptr[row + 1]
    cols = corpus.weights.indices[start:end]
    weight = corpus.weights.data[start:end]
    count = corpus.counts.data[start:end]
    order = np.lexsort((corpus.terms[cols], -weight))
    texts = np.flatnonzero(corpus.author == person)[::-1]  # newest first
    chosen: list[Topic] = []
    for i in order:  # one person's terms
        term = str(corpus.terms[cols[i]])
        if " " not in term and any(
            term in t.term.split() and t.texts >= _COVERED * count[i] for t in chosen
        ):
            continue
        if " " in term:  # a phrase replaces its words already chosen that it covers
            words = term.split()
            chosen = [t for t in chosen if not (t.term in words and count[i] >= _COVERED * t.texts)]
        using = texts[corpus.carries[texts, cols[i]].toarray().ravel() > 0][:examples]
        chosen.append(
            Topic(
                term,
                round(float(weight[i]), 4),
                round(float(weight[i] / weight[order[0]]), 4),
                int(count[i]),
                corpus.event_id[using].tolist(),
            )
        )
        if len(chosen) == top:
            break
    return chosen
