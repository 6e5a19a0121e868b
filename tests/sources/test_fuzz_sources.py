"""Every registered source, given what is not its input at all: random bytes, an empty
file, a folder, a path that is not there, an endless stream of zeros, a zip of junk.

It also checks that every registered source has a fuzz suite of its own input (each
``test_fuzz_*`` module lists the sources it covers in ``SOURCES``), so a source added
later without one fails here.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodwill.sources.registry import available_sources
from tests.sources import test_fuzz_api, test_fuzz_archives, test_fuzz_car, test_fuzz_text
from tests.sources.fuzzing import bounded, fuzz_settings, outcome

_ALL = sorted(available_sources())
_ZEROS = Path("/dev/zero")


def test_every_registered_source_has_a_fuzz_suite() -> None:
    fuzzed = {
        *test_fuzz_text.SOURCES,
        *test_fuzz_archives.SOURCES,
        *test_fuzz_car.SOURCES,
        *test_fuzz_api.SOURCES,
    }
    assert set(_ALL) <= fuzzed, f"no fuzz suite for {sorted(set(_ALL) - fuzzed)}"


def _read(name: str, path: Path) -> None:
    source = available_sources()[name]()
    outcome(lambda: source.records(path), str(path))


@pytest.mark.parametrize("name", _ALL)
@fuzz_settings(15)
@given(data=st.binary(max_size=3_000), suffix=st.sampled_from(["", ".csv", ".zip", ".gz"]))
def test_random_bytes(name: str, data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        _read(name, path)


@pytest.mark.parametrize("name", _ALL)
def test_what_is_no_input_at_all(name: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    folder = tmp_path / "folder"
    (folder / "inner").mkdir(parents=True)
    (folder / "junk.bin").write_bytes(os.urandom(512))
    junk_zip = tmp_path / "junk.zip"
    with zipfile.ZipFile(junk_zip, "w") as archive:
        archive.writestr("junk.bin", os.urandom(512))
        archive.writestr("data/", b"")
    for path in (empty, folder, folder / "inner", tmp_path / "missing", junk_zip):
        _read(name, path)


@pytest.mark.skipif(not _ZEROS.exists(), reason="no /dev/zero on this system")
@pytest.mark.parametrize("name", _ALL)
def test_an_endless_input_is_refused_in_bounded_time_and_memory(name: str) -> None:
    """/dev/zero never ends and has no line breaks: every source must stop on its own."""
    with bounded(memory=96 * 1024 * 1024):
        _read(name, _ZEROS)
