"""``goodwill user add/list/remove`` and the checks ``goodwill serve`` makes before it
starts (a real server is started by test_browser.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.ledger import open_ledger
from goodwill.web.users import check_password

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'g.db'}"


def test_users_are_added_listed_checked_and_removed(db: str) -> None:
    added = runner.invoke(app, ["--db", db, "user", "add", "ann", "--password-stdin"],
                          input="a long password\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "added user ann" in added.stdout
    listed = runner.invoke(app, ["--db", db, "user", "list", "--json"])
    assert [u["name"] for u in json.loads(listed.stdout)] == ["ann"]
    with open_ledger(db) as ledger:
        assert check_password(ledger, "ann", "a long password") is not None
        assert check_password(ledger, "ann", "a long passworD") is None
    again = runner.invoke(app, ["--db", db, "user", "add", "ann", "--password-stdin"],
                          input="another password\n")  # fmt: skip
    assert again.exit_code == 2 and "already a user 'ann'" in again.stderr
    removed = runner.invoke(app, ["--db", db, "user", "remove", "ann"])
    assert removed.exit_code == 0 and "removed user ann" in removed.stdout
    gone = runner.invoke(app, ["--db", db, "user", "remove", "ann"])
    assert gone.exit_code == 2 and "no user 'ann'" in gone.stderr


def test_the_prompt_asks_twice_and_refuses_short_passwords(db: str) -> None:
    prompted = runner.invoke(app, ["--db", db, "user", "add", "bo"],
                             input="secret password\nsecret password\n")  # fmt: skip
    assert prompted.exit_code == 0, prompted.output
    short = runner.invoke(
        app, ["--db", db, "user", "add", "cy", "--password-stdin"], input="short\n"
    )
    assert short.exit_code == 2 and "at least 8 characters" in short.stderr
    odd = runner.invoke(app, ["--db", db, "user", "add", "a b", "--password-stdin"],
                        input="long enough\n")  # fmt: skip
    assert odd.exit_code == 2 and "not allowed" in odd.stderr
    with open_ledger(db) as ledger, ledger.read() as conn:
        hashes = [r[0] for r in conn.exec_driver_sql("SELECT password_hash FROM web_users")]
    assert len(hashes) == 1 and hashes[0].startswith("$argon2id$")
    assert "secret password" not in hashes[0]


def test_serve_needs_a_user_when_auth_is_on(db: str) -> None:
    result = runner.invoke(app, ["--db", db, "serve", "--port", "0"])
    assert result.exit_code == 2
    assert "goodwill user add NAME" in result.stderr


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_serve_without_auth_refuses_a_non_loopback_host(db: str, host: str) -> None:
    result = runner.invoke(app, ["--db", db, "serve", "--no-auth", "--host", host])
    assert result.exit_code == 2
    assert "only on a loopback address" in result.stderr
