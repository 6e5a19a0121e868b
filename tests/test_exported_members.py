"""The curated public API is what ``goodwill.__all__`` says, and nothing is missing from it."""

from __future__ import annotations

import goodwill


def test_all_names_exist_and_are_sorted_by_kind() -> None:
    for name in goodwill.__all__:
        assert hasattr(goodwill, name), name


def test_every_public_attribute_is_exported() -> None:
    public = {
        name
        for name, value in vars(goodwill).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("goodwill")
    }
    assert public == set(goodwill.__all__) - {"KINDS", "EventKind", "__version__"}
