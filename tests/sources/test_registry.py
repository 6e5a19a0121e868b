"""Finding sources by name through the ``goodwill.sources`` entry points, and their options."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import ClassVar

import pytest

from goodwill.errors import SourceError, UnknownSourceError
from goodwill.events import Record
from goodwill.sources import Source, available_sources, source_class
from goodwill.sources.bluesky_api import BlueskyApiSource
from goodwill.sources.bluesky_car import BlueskyCarSource
from goodwill.sources.linkedin import LinkedinSource
from goodwill.sources.mastodon_api import MastodonApiSource
from goodwill.sources.mastodon_archive import MastodonArchiveSource
from goodwill.sources.mbox import MboxSource
from goodwill.sources.registry import GROUP
from goodwill.sources.snap import SnapSignedSource, SnapTemporalSource
from goodwill.sources.tabular import CsvSource, JsonlSource
from goodwill.sources.vcard import VcardSource
from goodwill.sources.x_archive import XArchiveSource

BUILT_IN = {
    "bluesky": BlueskyApiSource,
    "bluesky-car": BlueskyCarSource,
    "csv": CsvSource,
    "jsonl": JsonlSource,
    "linkedin": LinkedinSource,
    "mastodon": MastodonApiSource,
    "mastodon-archive": MastodonArchiveSource,
    "mbox": MboxSource,
    "snap-signed": SnapSignedSource,
    "snap-temporal": SnapTemporalSource,
    "vcard": VcardSource,
    "x-archive": XArchiveSource,
}


class OptionlessSource(Source):
    """A third-party style source that takes no options."""

    name: ClassVar[str] = "optionless"
    description: ClassVar[str] = "nothing, for tests"

    def records(self, path: Path) -> Iterator[Record]:
        yield from ()


def test_available_sources_are_exactly_the_built_in_ones_in_name_order() -> None:
    sources = available_sources()
    assert list(sources) == list(BUILT_IN)
    assert sources == BUILT_IN


def test_available_sources_come_from_the_entry_point_group() -> None:
    points = {point.name: point.load() for point in entry_points(group=GROUP)}
    assert GROUP == "goodwill.sources"
    assert points == available_sources()


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_each_source_is_a_described_source_subclass(name: str) -> None:
    cls = available_sources()[name]
    assert issubclass(cls, Source)
    assert cls.name == name
    assert isinstance(cls.description, str)
    assert cls.description.strip() == cls.description
    assert cls.description
    assert "\n" not in cls.description
    assert all(isinstance(help_, str) and help_ for help_ in cls.options.values())


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_source_class_finds_each_by_name(name: str) -> None:
    assert source_class(name) is BUILT_IN[name]


@pytest.mark.parametrize("name", ["nope", "CSV", "snap", ""])
def test_an_unknown_name_is_an_error_listing_the_available_ones(name: str) -> None:
    with pytest.raises(UnknownSourceError) as caught:
        source_class(name)
    message = str(caught.value)
    assert message.startswith(f"unknown source {name!r}; available: ")
    assert ", ".join(BUILT_IN) in message
    assert isinstance(caught.value, SourceError)


def test_options_a_source_accepts_are_kept_as_settings() -> None:
    assert SnapTemporalSource({"network": "college", "kind": "email"}).settings == {
        "network": "college",
        "kind": "email",
    }
    assert CsvSource().settings == {}
    assert CsvSource(None).settings == {}


@pytest.mark.parametrize(
    ("cls", "accepted"),
    [
        (CsvSource, "network"),
        (JsonlSource, "network"),
        (SnapSignedSource, "network"),
        (SnapTemporalSource, "kind, network"),
        (OptionlessSource, "none"),
    ],
)
def test_an_unknown_option_is_an_error_naming_the_accepted_ones(
    cls: type[Source], accepted: str
) -> None:
    with pytest.raises(SourceError) as caught:
        cls({"netwrok": "email"})
    assert str(caught.value) == (
        f"source {cls.name!r} has no option 'netwrok'; it accepts: {accepted}"
    )


def test_every_unknown_option_is_named_in_order() -> None:
    with pytest.raises(SourceError, match=r"has no option 'colour', 'size'; it accepts: network"):
        CsvSource({"size": "1", "network": "email", "colour": "red"})


def test_progress_is_zero_before_reading() -> None:
    assert CsvSource().bytes_read() == 0


def test_the_base_class_cannot_be_used_without_records() -> None:
    class Incomplete(Source):
        name: ClassVar[str] = "incomplete"
        description: ClassVar[str] = "lacks records()"

    with pytest.raises(TypeError, match="records"):
        Incomplete()  # type: ignore[abstract]
