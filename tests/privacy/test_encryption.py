"""Encryption at rest: an encrypted store's files hold no plaintext, a wrong or missing key
says what to set, and importing, trust, forgetting and backups work on it as on a plain one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.errors import StoreError
from goodwill.importing import run_import
from goodwill.ledger import open_ledger
from goodwill.ledger.backup import write_backup
from goodwill.ledger.encrypt_store import encrypt_store
from goodwill.ledger.encryption import KEY_ENV, new_key
from goodwill.ledger.forget import forget_people
from goodwill.ledger.people import identity_person, set_owner
from goodwill.ledger.restore import restore_backup
from tests.privacy.conftest import DemoWorld, Victim
from tests.privacy.test_backup import content
from tests.privacy.test_forget import leftovers, store_bytes

runner = CliRunner()


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    made = new_key()
    monkeypatch.setenv(KEY_ENV, made)
    return made


def plaintexts(victim: Victim) -> list[bytes]:
    return [victim.text.encode(), victim.name.encode(), b"Ines Varga", b"vargastudio.example"]


def import_demo(url: str, world: DemoWorld) -> None:
    with open_ledger(url) as ledger:
        run_import(ledger, "jsonl", world.events_path)
        with ledger.write() as conn:
            set_owner(conn, world.installed.truth["owner_identities"], now_us=1)


def test_an_encrypted_store_holds_no_plaintext_and_works_like_a_plain_one(
    key: str, demo_world: DemoWorld, demo_url: str, victim: Victim, tmp_path: Path
) -> None:
    url = f"sqlite+pysqlcipher:///{tmp_path / 'secret.db'}"
    import_demo(url, demo_world)
    assert [
        t for t in plaintexts(victim) if t in store_bytes(f"sqlite:///{tmp_path / 'secret.db'}")
    ] == []
    assert all(t in store_bytes(demo_url) for t in plaintexts(victim))  # as a plain store holds
    plain_url = f"sqlite:///{tmp_path / 'secret.db'}"  # the usual URL opens it too
    for args in (["stats", "--json"], ["trust", victim.handles[0], "--at", "2026-01-01", "--json"]):
        encrypted = runner.invoke(app, ["--db", plain_url, *args])
        plain = runner.invoke(app, ["--db", demo_url, *args])
        assert encrypted.exit_code == 0, encrypted.output
        assert json.loads(encrypted.stdout) == json.loads(plain.stdout)
    with open_ledger(url) as ledger:
        assert run_import(ledger, "jsonl", demo_world.events_path).added == 0


def test_a_wrong_or_missing_key_names_what_to_set(
    key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "secret.db"
    open_ledger(f"sqlite+pysqlcipher:///{path}").close()
    monkeypatch.setenv(KEY_ENV, new_key())
    with pytest.raises(StoreError, match=f"the key is wrong.*{KEY_ENV}.*keyring"):
        open_ledger(f"sqlite:///{path}")
    monkeypatch.delenv(KEY_ENV)
    result = runner.invoke(app, ["--db", f"sqlite:///{path}", "stats"])
    assert result.exit_code == 2
    assert f"it is encrypted and no key was given: set {KEY_ENV}" in result.stderr
    monkeypatch.setenv(KEY_ENV, key)
    open_ledger(f"sqlite:///{path}").close()


def test_forget_and_backups_keep_an_encrypted_store_encrypted(
    key: str, demo_world: DemoWorld, victim: Victim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'secret.db'}"
    encrypt_store(url)  # a new store, created encrypted
    import_demo(url, demo_world)
    with open_ledger(url) as ledger:
        with ledger.read() as conn:
            person = identity_person(conn, victim.handles[0])
        forget_people(ledger, [person])
        manifest = write_backup(ledger, tmp_path / "secret.backup")
    assert leftovers(store_bytes(url), victim) == []
    assert manifest.encrypted
    archive = (tmp_path / "secret.backup").read_bytes()
    assert [t for t in plaintexts(victim)[2:] if t in archive] == []
    restored = f"sqlite:///{tmp_path / 'restored.db'}"
    restore_backup(tmp_path / "secret.backup", restored)
    assert content(restored) == content(url)
    assert not (tmp_path / "restored.db").read_bytes().startswith(b"SQLite format 3")
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(StoreError, match="encrypted and no key was given"):
        restore_backup(tmp_path / "secret.backup", f"sqlite:///{tmp_path / 'other.db'}")


def test_encrypt_converts_a_plain_store_in_place(key: str, demo_url: str, victim: Victim) -> None:
    before = content(demo_url)
    result = runner.invoke(app, ["--db", demo_url, "encrypt"])
    assert result.exit_code == 0, result.output
    assert "store encrypted" in result.stdout
    assert [t for t in plaintexts(victim) if t in store_bytes(demo_url)] == []
    assert content(demo_url) == before
    again = runner.invoke(app, ["--db", demo_url, "encrypt"])
    assert "already encrypted" in again.stdout


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps its secrets in memory: this machine has no OS keyring service
    (no D-Bus secret service), and keyring's own backend API is what goodwill talks to."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.secrets[(service, username)]


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    monkeypatch.delenv(KEY_ENV, raising=False)
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


def test_a_new_key_goes_to_the_keyring_and_is_read_from_it(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'secret.db'}"
    refused = runner.invoke(app, ["--db", url, "encrypt"])
    assert refused.exit_code == 2 and "--new-key" in refused.stderr
    made = runner.invoke(app, ["--db", url, "encrypt", "--new-key"])
    assert made.exit_code == 0, made.output
    assert memory_keyring.secrets[("goodwill", "store-key")].startswith("x'")
    assert runner.invoke(app, ["--db", url, "stats"]).exit_code == 0
    memory_keyring.secrets.clear()
    assert "no key was given" in runner.invoke(app, ["--db", url, "stats"]).stderr
