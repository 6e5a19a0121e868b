"""Who knows what: people ranked by the topics they are trusted on.

Seed 004 asks a business to know "who inside" is knowledgeable "in a particular subject
matter". Writing about a subject is not knowing it; being listened to on it by people who
trust you is closer. For a person p and a topic t:

    expertise(p, t) = weight(p, t) * (1 + standing(p)) / 2 * (1 + ln(1 + heard(p, t)))

- ``weight`` is p's tf-idf weight for t (:mod:`goodwill.insights.topics`);
- ``standing`` is p's standing (-1 to 1) in everyone's eyes (:mod:`goodwill.trust.standing`),
  so a distrusted author scores near 0 and an unknown one half;
- ``heard`` sums, over each distinct person e who replied to, shared, quoted, commented on or
  thanked p's texts carrying t, e's credibility times e's trust in p. Each engager counts
  at most once per topic, however much they engaged, so a burst or a clique repeating
  itself adds little; likes do not count (they are cheap and what reciprocity rings farm).
  The logarithm makes the tenth trusted listener worth less than the second.

Someone who posts on a topic to nobody keeps only their weight times the standing factor;
someone trusted by many who engage with it ranks far above.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]  # scipy has no stubs

from goodwill.errors import NotFoundError
from goodwill.insights.activity import Activity
from goodwill.insights.topics import Corpus, per_person, tfidf
from goodwill.trust.report import TrustView

__all__ = ["ENGAGING", "Expert", "Expertise", "expertise", "rank_experts", "topic_experts"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
#: The kinds of event that show someone listened to a text, and how much each counts.
ENGAGING = {"reply": 1.0, "comment": 1.0, "share": 1.0, "quote": 1.0, "thanks": 1.0}


@dataclass(frozen=True, slots=True)
class Expertise:
    """Expertise over people (``corpus.people``) x columns, with what it is made of."""

    score: sp.csr_matrix
    weight: sp.csr_matrix  # tf-idf
    carries: sp.csr_matrix  # texts x columns
    heard: sp.csr_matrix  # trust-weighted distinct engagers
    listeners: sp.csr_matrix  # distinct engagers
    standing: Floats  # per person row
    engagements: tuple[Ints, Ints, Ints]  # (event id, engaged text row, engager person)


@dataclass(frozen=True, slots=True)
class Expert:
    """One person's expertise on one topic, with the events behind it."""

    person: int
    topic: str
    score: float
    weight: float  # tf-idf of the topic in their texts
    texts: int
    listeners: int
    heard: float
    standing: float
    text_ids: list[int]  # their texts on it most engaged with, then newest
    engagement_ids: list[int]  # replies, shares, thanks to those texts, newest first


def rank_experts(
    corpus: Corpus,
    activity: Activity,
    view: TrustView,
    *,
    topic: str | None = None,
    team: set[int] | None = None,
    top: int = 10,
) -> dict[str, list[Expert]]:
    """The ``top`` experts on ``topic``; without one, the ``top`` topics by total expertise
    (of ``team``, when given) with their three best experts each."""
    if topic is not None:
        columns = corpus.columns(topic)
        if not len(columns):
            raise NotFoundError(
                f"nobody has written about {topic!r}; goodwill topics PERSON shows what "
                "someone talks about"
            )
        carries = sp.csr_matrix((corpus.carries[:, columns].sum(axis=1) > 0).astype(float))
        found = expertise(corpus, carries, activity, view)
        everyone = topic_experts(corpus, found, 0, topic, top=len(corpus.people))
        return {topic: _among(everyone, team)[:top]}
    found = expertise(corpus, corpus.carries, activity, view)
    rows = np.flatnonzero(np.isin(corpus.people, sorted(team))) if team else slice(None)
    totals = np.asarray(found.score[rows].sum(axis=0)).ravel()
    best = [int(c) for c in np.lexsort((corpus.terms, -totals)) if totals[c] > 0][:top]
    return {
        str(corpus.terms[c]): _among(
            topic_experts(corpus, found, c, str(corpus.terms[c]), top=len(corpus.people)), team
        )[:3]
        for c in best
    }


def _among(experts: list[Expert], team: set[int] | None) -> list[Expert]:
    return [e for e in experts if team is None or e.person in team]


def expertise(
    corpus: Corpus, carries: sp.csr_matrix, activity: Activity, view: TrustView
) -> Expertise:
    """Expertise of every author on each column of ``carries`` (texts x columns)."""
    counts = _counts(corpus, carries)
    weight = tfidf(counts)
    standing = _standing(corpus.people, view)
    event, text, engager, kind_weight = _engagements(corpus, activity)
    author = corpus.author[text]
    pair_people, pair = np.unique(np.stack([engager, author]), axis=1, return_inverse=True)
    pair = pair.ravel()
    by_pair = sp.csr_matrix(
        (kind_weight, (pair, text)), shape=(pair_people.shape[1], len(corpus.author))
    )
    per_topic = (by_pair @ carries).tocsr()
    per_topic.data = np.minimum(per_topic.data, 1.0)  # one engager, at most once per topic
    listened = per_topic.copy()
    listened.data[:] = 1.0
    trust = _trust_of(pair_people[0], pair_people[1], view)
    rows = np.searchsorted(corpus.people, pair_people[1])
    gather = sp.csr_matrix(
        (np.ones(len(rows)), (rows, np.arange(len(rows)))),
        shape=(len(corpus.people), len(rows)),
    )
    heard = (gather @ sp.diags(trust) @ per_topic).tocsr()
    listeners = (gather @ listened).tocsr()
    boost = heard.copy()
    boost.data = np.log1p(boost.data)
    score = sp.diags((1.0 + standing) / 2.0) @ (weight + weight.multiply(boost))
    return Expertise(
        sp.csr_matrix(score), weight, carries, heard, listeners, standing, (event, text, engager)
    )


def _counts(corpus: Corpus, carries: sp.csr_matrix) -> sp.csr_matrix:
    """Texts per author and column, with the same repeat rule as topics."""
    return corpus.counts if carries is corpus.carries else per_person(corpus.author, carries)[1]


def _standing(people: Ints, view: TrustView) -> Floats:
    """Standing per person id (0 for someone trust has never seen)."""
    known = view.index.person_ids
    at = np.minimum(np.searchsorted(known, people), max(len(known) - 1, 0))
    found = (known[at] == people) if len(known) else np.zeros(len(people), dtype=bool)
    return np.where(found, view.snapshot.standing[at] if len(known) else 0.0, 0.0)


def _trust_of(engager: Ints, author: Ints, view: TrustView) -> Floats:
    """Credibility of each engager times their expected trust in the author."""
    known = view.index.person_ids
    if not len(known):
        return np.zeros(len(engager))
    e = np.minimum(np.searchsorted(known, engager), len(known) - 1)
    a = np.minimum(np.searchsorted(known, author), len(known) - 1)
    found = (known[e] == engager) & (known[a] == author)
    snapshot = view.snapshot
    value = snapshot.credibility[e] * snapshot.expected(e.astype(np.int64), a.astype(np.int64))
    return np.where(found, value, 0.0)


def _engagements(corpus: Corpus, activity: Activity) -> tuple[Ints, Ints, Ints, Floats]:
    """Replies, shares, quotes, comments and thanks answering a text by someone else:
    (event id, text row, engager person, kind weight)."""
    weights = np.zeros(len(activity.kinds))
    for kind, w in ENGAGING.items():
        if kind in activity.kinds:
            weights[activity.code(kind)] = w
    rows = np.flatnonzero((weights[activity.kind] > 0) & (activity.answers >= 0))
    answered = activity.event_id[activity.answers[rows]]
    order = np.argsort(corpus.event_id)
    at = np.minimum(
        np.searchsorted(corpus.event_id, answered, sorter=order), max(len(order) - 1, 0)
    )
    text = order[at] if len(order) else np.zeros(0, dtype=np.int64)
    keep = (corpus.event_id[text] == answered) if len(order) else np.zeros(0, dtype=bool)
    rows, text = rows[keep], text[keep]
    engager = activity.actor[rows]
    keep = engager != corpus.author[text]
    rows, text = rows[keep], text[keep]
    return (
        activity.event_id[rows],
        text.astype(np.int64),
        activity.actor[rows],
        weights[activity.kind[rows]],
    )


def topic_experts(
    corpus: Corpus, found: Expertise, column: int, topic: str, *, top: int, examples: int = 3
) -> list[Expert]:
    """The ``top`` people for one column of ``found``, best first, each with their texts on
    it that were most engaged with and the engagements themselves."""
    scores = found.score.getcol(column).toarray().ravel()
    rows = np.flatnonzero(scores > 0)
    rows = rows[np.lexsort((corpus.people[rows], -scores[rows]))][:top]
    column_of = {
        name: matrix.getcol(column).toarray().ravel()
        for name, matrix in (("weight", found.weight), ("heard", found.heard))
    }
    listeners = found.listeners.getcol(column).toarray().ravel()
    on_topic = found.carries.getcol(column).toarray().ravel() > 0
    event, text, _ = found.engagements
    hits = np.bincount(text, minlength=len(corpus.author))
    experts = []
    for row in rows:  # a handful of people
        person = int(corpus.people[row])
        theirs = np.flatnonzero((corpus.author == person) & on_topic)
        best = theirs[np.lexsort((-corpus.time_us[theirs], -hits[theirs]))][:examples]
        engaged = np.flatnonzero(np.isin(text, theirs))[::-1][:examples]
        experts.append(
            Expert(
                person,
                topic,
                round(float(scores[row]), 4),
                round(float(column_of["weight"][row]), 4),
                len(theirs),
                int(listeners[row]),
                round(float(column_of["heard"][row]), 4),
                round(float(found.standing[row]), 4),
                corpus.event_id[best].tolist(),
                event[engaged].tolist(),
            )
        )
    return experts
