"""Reading the items of a large JSON list one at a time, whatever the chunks' boundaries."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.sources.jsonstream import BadStructure, Item, array_items, load_document

_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=("Cs",)), max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)


def _chunks(data: bytes, cuts: list[int]) -> Iterator[bytes]:
    """``data`` cut at the given offsets (some of which fall inside UTF-8 characters)."""
    edges = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return iter([data[a:b] for a, b in itertools.pairwise(edges)])


def _read(data: bytes, cuts: list[int], key: str | None, max_item: int = 1 << 20) -> list[Item]:
    return list(array_items(_chunks(data, cuts), key=key, max_item=max_item))


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(_VALUES, max_size=6),
    before=st.dictionaries(
        st.text(max_size=5).filter(lambda k: k != "orderedItems"), _VALUES, max_size=3
    ),
    cuts=st.lists(st.integers(min_value=0), max_size=12),
    ascii_only=st.booleans(),
    indent=st.sampled_from([None, 2]),
)
def test_items_under_a_key_read_back_whatever_the_chunks(
    items: list[Any], before: dict[str, Any], cuts: list[int], ascii_only: bool, indent: int | None
) -> None:
    document = {**before, "orderedItems": items, "after": [1, {"x": "]"}]}
    data = json.dumps(document, ensure_ascii=ascii_only, indent=indent).encode("utf-8")
    read = _read(data, cuts, "orderedItems")
    assert [i.problem for i in read] == [None] * len(items)
    assert [i.value for i in read] == items
    assert [json.loads(i.raw) for i in read] == items


@settings(max_examples=100, deadline=None)
@given(items=st.lists(_VALUES, max_size=6), cuts=st.lists(st.integers(min_value=0), max_size=12))
def test_items_of_a_js_assignment_read_back(items: list[Any], cuts: list[int]) -> None:
    data = ("window.YTD.tweets.part0 = " + json.dumps(items, indent=2, ensure_ascii=False)).encode()
    assert [i.value for i in _read(data, cuts, None)] == items


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=200)
    | st.builds(
        lambda head, junk, at: head[:at] + junk + head[at:],
        st.sampled_from([b'{"orderedItems": [{"a": "b"}, [1, "\\"]"], 2]}', b"[1, [2], {}]"]),
        st.binary(max_size=6),
        st.integers(0, 40),
    ),
    cuts=st.lists(st.integers(min_value=0), max_size=8),
    key=st.sampled_from([None, "orderedItems"]),
    max_item=st.sampled_from([4, 1 << 20]),
)
def test_mangled_input_gives_items_or_bad_structure_only(
    data: bytes, cuts: list[int], key: str | None, max_item: int
) -> None:
    try:
        items = _read(data, cuts, key, max_item)
    except BadStructure:
        return
    for index, item in enumerate(items):
        assert item.index == index
        item.raw.encode("utf-8")  # printable in a rejected-records file
        assert (item.problem is None) or item.value is None


def test_a_cut_item_and_an_unclosed_list_are_reported_where_they_end() -> None:
    [first, cut] = _read(b'[{"a": 1}, {"b": "x', [], None)
    assert (first.value, cut.index, cut.raw) == ({"a": 1}, 1, '{"b": "x')
    assert cut.problem == "the file ends inside this record: it is cut short"
    [_, end] = _read(b'[{"a": 1}, ', [], None)
    assert end.problem == "the file ends before its list is closed: it is cut short"


def test_an_item_longer_than_the_limit_is_reported_with_its_start() -> None:
    data = b'[1, ["' + b"x" * 5000 + b'"], 3]'
    items = _read(data, list(range(0, len(data), 100)), None, max_item=1000)
    assert [i.value for i in items] == [1, None, 3]
    assert items[1].problem == "the record is longer than 1,000 characters"
    assert items[1].raw.startswith('["xxx') and len(items[1].raw) == 300


def test_an_item_that_is_not_utf8_is_reported_alone() -> None:
    items = _read(b'["caf\xe9", "ok"]', [5], None)
    assert items[0].problem == "not UTF-8 text (character 5)"
    assert items[1].value == "ok"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'window.__THAR_CONFIG = {"a": 1};', None),
        (b"\xef\xbb\xbf[1]", None),
        (b"\xff\xfe[\x001\x00]\x00", "UTF-16"),
        (b"{", "not valid JSON"),
        (b'"caf\xe9"', "not UTF-8"),
    ],
)
def test_small_documents(data: bytes, message: str | None) -> None:
    if message is None:
        assert load_document(data) in ({"a": 1}, [1])
    else:
        with pytest.raises(BadStructure, match=message):
            load_document(data)
