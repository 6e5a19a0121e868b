"""An encrypted store keeps no plaintext trust state beside it: ``goodwill refresh``
recomputes from the ledger each time and says so, ``goodwill encrypt`` removes the state a
plain store had, and the scores are the same as a plain store's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.ledger.encryption import KEY_ENV, new_key
from goodwill.trust.state_files import keeps_state, state_location
from tests.cli.hostile_world import hostile_store

runner = CliRunner()
AT = "2024-07-01"


def run(db: str, *args: str, code: int = 0) -> tuple[str, str]:
    result = runner.invoke(app, ["--db", db, *args], env={"COLUMNS": "300"})
    assert result.exit_code == code, result.output
    return result.stdout, result.stderr


def test_refresh_keeps_no_state_beside_an_encrypted_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = hostile_store(tmp_path)
    state = state_location(db)
    plain_report = json.loads(run(db, "refresh", "--at", AT, "--json")[0])
    assert keeps_state(state) and (state / "meta.json").exists()  # a plain store keeps it
    assert json.loads(run(db, "refresh", "--at", AT, "--json")[0])["mode"] == "incremental"

    monkeypatch.setenv(KEY_ENV, new_key())
    run(db, "encrypt")
    assert not state.exists()  # the plaintext state went with the plain store
    assert not keeps_state(state)
    for _ in range(2):  # every refresh recomputes: nothing was kept from the one before
        out, err = run(db, "refresh", "--at", AT)
        assert out.startswith("built from") and "(no state yet)" in out
        assert "the store is encrypted: no trust state is kept beside it" in err
        assert not state.exists()
    report = json.loads(run(db, "refresh", "--at", AT, "--json")[0])
    assert (report["pairs"], report["people"], report["reached"]) == (
        plain_report["pairs"], plain_report["people"], plain_report["reached"]
    )  # fmt: skip
    _, err = run(db, "refresh", "--at", AT, "--state", str(tmp_path / "elsewhere"), code=2)
    assert "drop --state" in err and not (tmp_path / "elsewhere").exists()


def test_a_state_left_beside_an_encrypted_store_is_dropped_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = hostile_store(tmp_path)
    state = state_location(db)
    run(db, "refresh", "--at", AT)
    kept = tmp_path / "kept"
    state.rename(kept)  # as if encrypted by an older goodwill that left the state
    monkeypatch.setenv(KEY_ENV, new_key())
    run(db, "encrypt")
    kept.rename(state)
    out, _ = run(db, "refresh", "--at", AT)
    assert out.startswith("built from")
    assert not state.exists()
