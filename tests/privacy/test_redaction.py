"""Redaction: what counts as a forgotten person's name, and that no occurrence survives."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from goodwill.ledger.redaction import REDACTED, Hasher, Redactor, person_terms, words_of

SALT = b"s" * 32


def test_terms_are_accounts_their_short_mention_and_names_up_to_a_separator() -> None:
    terms = person_terms(
        ["Ana Ruiz | Growth mindset", "Ed", None],
        ["@ana@tech.social", "ana@mail.example", "ana-ruiz-77", "x"],
    )
    assert terms == [
        ("ana", "tech", "social"),
        ("ana",),  # the short form of a fediverse account
        ("ana", "mail", "example"),
        ("ana", "ruiz", "77"),
        ("ana", "ruiz", "growth", "mindset"),
        ("ana", "ruiz"),
    ]  # "Ed" and "x" are under three characters: they would erase ordinary words


def test_the_longest_term_wins_and_case_and_width_do_not_matter() -> None:
    redactor = Redactor.of(Hasher(SALT), person_terms(["Ana Ruiz"], ["@ana@tech.social"]))
    assert redactor.text("cc @ANA@Tech.Social, \uff41\uff4e\uff41 ruiz; banana") == (
        f"cc @{REDACTED}, {REDACTED}; banana"
    )
    assert redactor.text("nothing to see") == "nothing to see"


def test_identifiers_become_the_same_digest_each_time_and_differ_by_store() -> None:
    terms = person_terms([], ["@ana@tech.social"])
    ours, theirs = Redactor.of(Hasher(SALT), terms), Redactor.of(Hasher(b"t" * 32), terms)
    url = "https://tech.social/@ana/1099"
    assert ours.identifier(url) == ours.identifier(url) != theirs.identifier(url)
    assert ours.identifier("https://tech.social/@bob/1") == "https://tech.social/@bob/1"
    assert ours.identifier(ours.identifier(url)) == ours.identifier(url)


def contains(words: tuple[str, ...], term: tuple[str, ...]) -> bool:
    return any(words[i : i + len(term)] == term for i in range(len(words) - len(term) + 1))


_word = st.text(string.ascii_letters + "éøß", min_size=1, max_size=8)
_gap = st.sampled_from([" ", ", ", " @", ".", " (", ") ", "\n", "-"])


@given(
    name=st.lists(_word, min_size=2, max_size=3).map(" ".join),
    filler=st.lists(st.tuples(_word, _gap), max_size=12),
    spots=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=3),
    upper=st.booleans(),
)
def test_no_occurrence_of_a_name_survives_redaction(
    name: str, filler: list[tuple[str, str]], spots: list[int], upper: bool
) -> None:
    pieces = [w + g for w, g in filler]
    for spot in sorted(spots, reverse=True):
        pieces.insert(min(spot, len(pieces)), (name.upper() if upper else name) + " ")
    text = "".join(pieces)
    terms = person_terms([name], [])
    redactor = Redactor.of(Hasher(SALT), terms)
    redacted = redactor.text(text)
    assert redacted is not None
    for term in terms:
        assert not contains(words_of(redacted), term)
    assert (REDACTED in redacted) == bool(terms)  # only names under 3 characters are kept
    unrelated = "".join(w + g for w, g in filler)
    if not contains(words_of(unrelated), words_of(name)):
        assert redactor.text(unrelated) == unrelated
