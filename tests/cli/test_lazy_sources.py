"""A source's module is imported only when that source is used: importing a CSV, listing
the sources or recognising a file never loads the Bluesky API source's SDK (atproto, a
second or two to import)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from goodwill.sources.declared import Declared, declared
from goodwill.sources.registry import available_sources, describe_sources, source_names
from goodwill.syncing import SyncSource

_HEAVY = ("atproto", "goodwill.sources.bluesky_api", "goodwill.sources.mastodon_api")


def imported_by(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    probe = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(done.stdout.split())


def heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if m.startswith(_HEAVY)}


def test_using_one_source_imports_that_source_only() -> None:
    modules = imported_by("from goodwill.sources import source_class; source_class('csv')")
    assert "goodwill.sources.tabular" in modules
    assert not heavy(modules) and "goodwill.sources.mbox" not in modules


def test_listing_and_recognising_import_no_api_source() -> None:
    listed = imported_by(
        "from goodwill.sources.registry import describe_sources, file_sources\n"
        "assert len(describe_sources()) >= 12\nassert 'csv' in file_sources()"
    )
    assert not heavy(listed)


def test_the_command_line_imports_a_csv_without_the_sdk(tmp_path: Path) -> None:
    data = tmp_path / "e.csv"
    data.write_text("time,kind,actor,target\n2024-01-01T00:00:00Z,reply,x:a,x:b\n")
    db = f"sqlite:///{tmp_path / 'g.db'}"
    for args in (["import", "csv", str(data)], ["import", str(data)], ["sources"]):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "goodwill", "--db", db, *args],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        loaded = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
        assert not heavy(loaded), (args, heavy(loaded))


def test_what_modules_declare_is_what_their_classes_say() -> None:
    described = describe_sources()
    assert list(described) == source_names()
    for name, cls in available_sources().items():
        found = described[name]
        assert (found.name, found.description, dict(found.options)) == (
            cls.name, cls.description, dict(cls.options)
        ), name  # fmt: skip
        assert found.reads_files == (not issubclass(cls, SyncSource)), name


def test_what_a_module_does_not_state_plainly_is_left_to_importing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "odd_source.py").write_text(
        "from goodwill.sources.base import Source\n"
        "from goodwill.syncing import SyncSource\n"
        "HELP = 'the network'\n"
        "class Computed(Source):\n    name = 'computed'\n    description = 'x'.upper()\n"
        "class Plain(Source):\n    name = 'plain'\n    description = f'reads {HELP} ' + 'files'\n"
        "class Api(SyncSource):\n    name = 'api'\n    description = 'an API'\n"
        "    options = {'server': HELP}\n"
        "class Inherits(Plain):\n    name = 'inherits'\n    description = 'more'\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert declared("odd_source:Computed") is None
    assert declared("odd_source:Missing") is None
    assert declared("odd_source:Inherits") is None  # its options come from Plain's class
    assert declared("odd_source:Plain") == Declared("plain", "reads the network files", {}, True)
    assert declared("odd_source:Api") == Declared("api", "an API", {"server": "the network"}, False)
    assert "odd_source" not in sys.modules  # read, never run


def test_the_web_upload_form_lists_the_file_sources_without_importing_them() -> None:
    from goodwill.web.import_jobs import file_sources

    reading_files = {n for n, c in available_sources().items() if not issubclass(c, SyncSource)}
    assert set(file_sources()) == reading_files
    listed = imported_by(
        "from goodwill.web.import_jobs import file_sources\nassert 'csv' in file_sources()"
    )
    assert not heavy(listed)
