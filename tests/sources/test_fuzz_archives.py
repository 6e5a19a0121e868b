"""Fuzzing the sources that read an export as a zip or the folder it unpacks to:
``mastodon-archive``, ``x-archive``, ``linkedin``, and ``vcard`` given a zip or folder.

Each export, built by its own tests' builders, is damaged three ways: one member's bytes
mangled (as a zip and as a folder), one JSON member mangled by structure, and the zip
file's own bytes mangled at its records' boundaries. Hostile archives are tried too:
members named to climb out of the folder, a directory where a file should be, duplicate
and encrypted members, unknown compression, zips inside zips, a folder with a symlink loop.
The property is :func:`tests.sources.fuzzing.outcome`'s; goodwill never unpacks a member
to disk, and the tests check that nothing appears outside the input.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import warnings
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodwill.errors import GoodwillError
from goodwill.events import Rejected
from goodwill.sources.base import Source
from goodwill.sources.linkedin import LinkedinSource
from goodwill.sources.mastodon_archive import MastodonArchiveSource
from goodwill.sources.vcard import VcardSource
from goodwill.sources.x_archive import XArchiveSource
from tests.sources import test_linkedin, test_mastodon_archive, test_vcard, test_x_archive
from tests.sources.files import write_folder, write_zip
from tests.sources.fuzzing import fuzz_settings, outcome
from tests.sources.mangling import ODD_TIMES, mangled, mangled_json, with_odd_times

#: The registered sources this module fuzzes (``vcard`` is fuzzed as a file elsewhere).
SOURCES = ("mastodon-archive", "x-archive", "linkedin", "vcard")

_VCARDS = {
    "contacts/ann.vcf": test_vcard.ANN,
    "contacts/bob.vcf": test_vcard.BOB + test_vcard.JOSE,
    "contacts/more/jane.vcf": test_vcard.NO_ACCOUNT + test_vcard.GROUP,
}
#: Per source: how to make it, with which options, and the export's members.
_EXPORTS: dict[str, tuple[type[Source], Mapping[str, str], Mapping[str, str | bytes]]] = {
    "mastodon-archive": (
        MastodonArchiveSource,
        {"likes": "as-of"},
        test_mastodon_archive.members(),
    ),
    "x-archive": (XArchiveSource, {}, test_x_archive.members()),
    "linkedin": (
        LinkedinSource,
        {"me": "https://www.linkedin.com/in/ann-lee"},
        test_linkedin.members(),
    ),
    "vcard": (VcardSource, {}, _VCARDS),
}
_ASSIGNMENT = re.compile(r"\A\s*window\.[\w$.]+\s*=\s*")
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b"PK\x07\x08")


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _read(name: str, path: Path) -> list[Any] | GoodwillError:
    cls, options, _ = _EXPORTS[name]
    return outcome(lambda: cls(options).records(path), str(path))


def _read_members(name: str, members: Mapping[str, str | bytes], form: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        if form == "zip":
            path = write_zip(Path(folder) / "export.zip", members)
        else:
            path = write_folder(Path(folder) / "export", members)
        _read(name, path)


def test_the_valid_exports_read_without_rejections() -> None:
    for name, (_, _, members) in _EXPORTS.items():
        for form in ("zip", "folder"):
            with tempfile.TemporaryDirectory() as folder:
                path = (
                    write_zip(Path(folder) / "e.zip", members)
                    if form == "zip"
                    else write_folder(Path(folder) / "e", members)
                )
                records = _read(name, path)
                assert isinstance(records, list) and records, (name, form)
                assert not [r for r in records if isinstance(r, Rejected)], (name, form)


@pytest.mark.parametrize("form", ["zip", "folder"])
@pytest.mark.parametrize("name", SOURCES)
@fuzz_settings(25)
@given(st.data())
def test_one_member_mangled(name: str, form: str, data: st.DataObject) -> None:
    members = dict(_EXPORTS[name][2])
    member = data.draw(st.sampled_from(sorted(members)))
    members[member] = data.draw(mangled(_bytes(members[member])))
    _read_members(name, members, form)


def _json_members(name: str) -> list[str]:
    return sorted(m for m in _EXPORTS[name][2] if m.endswith((".json", ".js")))


@pytest.mark.parametrize("name", ["mastodon-archive", "x-archive"])
@fuzz_settings(60)
@given(st.data())
def test_one_json_member_mangled_by_structure(name: str, data: st.DataObject) -> None:
    members = dict(_EXPORTS[name][2])
    member = data.draw(st.sampled_from(_json_members(name)))
    text = _bytes(members[member]).decode("utf-8")
    prefix = match.group() if (match := _ASSIGNMENT.match(text)) else ""
    value = data.draw(mangled_json(json.loads(text[len(prefix) :])))
    ascii_only = data.draw(st.booleans())
    text = prefix + json.dumps(value, ensure_ascii=ascii_only)
    members[member] = text.encode("utf-8", "surrogatepass")  # a lone surrogate as bytes, too
    _read_members(name, members, "zip")


def _zip_records(data: bytes) -> list[int]:
    """Where the zip's own records start and end: local headers, central directory, end."""
    points = []
    for signature in _ZIP_SIGNATURES:
        points += [m.start() for m in re.finditer(re.escape(signature), data)]
    return points + [p + 30 for p in points] + [len(data) - 22]


@pytest.mark.parametrize("name", SOURCES)
@fuzz_settings(30)
@given(st.data())
def test_the_zip_itself_mangled(name: str, data: st.DataObject) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in _EXPORTS[name][2].items():
            archive.writestr(zipfile.ZipInfo(member, (2024, 6, 1, 12, 0, 0)), _bytes(content))
    good = buffer.getvalue()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.zip"
        path.write_bytes(data.draw(mangled(good, _ZIP_SIGNATURES, _zip_records(good))))
        _read(name, path)


@pytest.mark.parametrize("name", SOURCES)
@fuzz_settings(15)
@given(data=st.binary(max_size=3_000))
def test_random_bytes_after_a_zip_signature(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.zip"
        path.write_bytes(b"PK\x03\x04" + data)
        _read(name, path)


# --- hostile archives ------------------------------------------------------------------------

_CLIMBING = ("../{}", "../../{}", "/{}", "a/../../{}", "..\\{}", "C:\\{}", "./{}", "//{}")


def _hostile_zips(members: Mapping[str, str | bytes]) -> dict[str, bytes]:
    """Zips built to mislead a reader, by what they try."""
    first = sorted(members)[0]
    out: dict[str, bytes] = {}
    for pattern in _CLIMBING:  # every member named to climb out of a folder it unpacks to
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for member, content in members.items():
                archive.writestr(pattern.format(member), _bytes(content))
        out[f"climbing {pattern}"] = buffer.getvalue()
    variants: dict[str, list[tuple[zipfile.ZipInfo | str, bytes]]] = {
        "a directory entry named as a member": [
            (first + "/", b""),
            *((m, _bytes(c)) for m, c in members.items() if m != first),
        ],
        "every member twice, the second empty": [
            *((m, _bytes(c)) for m, c in members.items()),
            *((m, b"") for m in members),
        ],
        "a zip inside the zip named as a member": [(first, _zip_of(members))],
        "empty members": [(m, b"") for m in members],
        "no members": [],
    }
    for label, entries in variants.items():
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns of the duplicates asked for
            for info, content in entries:
                archive.writestr(info, content)
        out[label] = buffer.getvalue()
    plain = _zip_of(members, zipfile.ZIP_STORED)
    out["encrypted flag on every member"] = _patched(plain, flags=0x1)
    out["unknown compression method"] = _patched(plain, method=99)
    out["deflate method on stored data"] = _patched(plain, method=8)
    return out


def _zip_of(members: Mapping[str, str | bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for member, content in members.items():
            archive.writestr(member, _bytes(content))
    return buffer.getvalue()


def _patched(data: bytes, *, flags: int | None = None, method: int | None = None) -> bytes:
    """``data`` with every local and central header's flags or compression method set."""
    out = bytearray(data)
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        for found in re.finditer(re.escape(signature), data):
            at = found.start() + flag_at
            if flags is not None:
                out[at : at + 2] = flags.to_bytes(2, "little")
            if method is not None:
                out[at + 2 : at + 4] = method.to_bytes(2, "little")
    return bytes(out)


@pytest.mark.parametrize("name", SOURCES)
def test_hostile_zips_give_only_our_errors_and_unpack_nothing(name: str, tmp_path: Path) -> None:
    inside = tmp_path / "inside"
    inside.mkdir()
    for label, data in _hostile_zips(_EXPORTS[name][2]).items():
        path = inside / "export.zip"
        path.write_bytes(data)
        result = _read(name, path)
        assert isinstance(result, list | GoodwillError), label
        assert sorted(p.name for p in tmp_path.rglob("*")) == ["export.zip", "inside"], label


@pytest.mark.parametrize("name", SOURCES)
def test_hostile_folders_give_only_our_errors(name: str, tmp_path: Path) -> None:
    members = _EXPORTS[name][2]
    first = sorted(members)[0]
    # a folder where a member should be, holding the member itself
    shadowed = write_folder(tmp_path / "shadowed", {k: v for k, v in members.items() if k != first})
    write_folder(shadowed / first, {first.rsplit("/", 1)[-1]: members[first]})
    _read(name, shadowed)
    # a symlink loop beside the members, and a link to a member that is gone
    looped = write_folder(tmp_path / "looped", members)
    (looped / "loop").symlink_to(looped, target_is_directory=True)
    (looped / "gone.csv").symlink_to(tmp_path / "nowhere.csv")
    _read(name, looped)
    # an empty folder, and a path that is not there
    (tmp_path / "empty").mkdir()
    for path in (tmp_path / "empty", tmp_path / "missing.zip"):
        assert isinstance(_read(name, path), GoodwillError | list)


@pytest.mark.parametrize("name", SOURCES)
@fuzz_settings(len(ODD_TIMES))
@given(time=st.sampled_from(ODD_TIMES))
def test_odd_times_everywhere(name: str, time: str) -> None:
    """Every time in every member (published, created_at, Connected On...) made odd."""
    members = {m: with_odd_times(_bytes(c), time) for m, c in _EXPORTS[name][2].items()}
    _read_members(name, members, "zip")
