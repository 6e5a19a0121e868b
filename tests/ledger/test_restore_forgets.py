"""Restoring a backup made before ``goodwill forget`` keeps the forgotten forgotten: the
store's forgets are applied to the backup before it takes the store's place, unless the
owner says ``--allow-resurrect``; a backup from another store is refused instead."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.ledger import open_ledger
from goodwill.ledger.schema import events, forgotten, identities, settings
from goodwill.web.users import SESSION_ROW, add_user, open_session

runner = CliRunner()
OWNER, ANN, BO = "mastodon:@me@a.example", "mastodon:@ann@a.example", "email:bo@b.example"
ANN_NAME = "Annika Solberg"


def write_history(folder: Path) -> Path:
    lines: list[dict[str, object]] = [
        {"identity": ANN, "name": ANN_NAME}, {"identity": BO, "name": "Bo Lin"},
    ]  # fmt: skip
    for week in range(8):
        day = f"2024-0{1 + week // 4}-{1 + 7 * (week % 4):02d}"
        lines += [
            {"id": f"a{week}", "time": f"{day}T10:00:00Z", "kind": "reply", "actor": ANN,
             "target": OWNER, "text": f"only annika writes this {week}"},
            {"id": f"b{week}", "time": f"{day}T11:00:00Z", "kind": "email", "actor": BO,
             "target": OWNER, "text": f"I met {ANN_NAME} today"},
        ]  # fmt: skip
    path = folder / "history.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    return path


def run(db: str, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["--db", db, *args], input="y\n")
    assert result.exit_code == code, result.output
    return " ".join((result.stdout + result.stderr).split())  # lines unwrapped


def store_with_backup(folder: Path, db: str | None = None) -> tuple[str, Path, Path]:
    """A store (SQLite in ``folder`` unless ``db`` is given) holding the history, a backup
    of it, then Ann forgotten; (url, history, backup)."""
    folder.mkdir(parents=True, exist_ok=True)
    db = db or f"sqlite:///{folder / 'g.db'}"
    history = write_history(folder)
    run(db, "import", "jsonl", str(history))
    run(db, "owner", OWNER)
    backup = folder / "before.backup"
    run(db, "backup", str(backup))
    run(db, "forget", ANN, "--yes")
    return db, history, backup


def held(db: str) -> tuple[set[str], int, list[str]]:
    """The handles held, how many forgotten digests, and every event text."""
    with open_ledger(db) as ledger, ledger.read() as conn:
        handles = {f"{n}:{a}" for n, a in conn.execute(select(identities.c.network,
                                                              identities.c.account))}  # fmt: skip
        digests = conn.execute(select(func.count()).select_from(forgotten)).scalar_one()
        texts = [t for t in conn.execute(select(events.c.text)).scalars() if t]
    return handles, int(digests), texts


def test_a_restore_forgets_again_whom_the_store_forgot(tmp_path: Path) -> None:
    db, history, backup = store_with_backup(tmp_path)
    _, digests, _ = held(db)
    said = run(db, "restore", str(backup), "--yes")
    assert "kept forgotten: 1 people of the backup forgotten again" in said
    handles, after, texts = held(db)
    assert ANN not in handles and BO in handles
    assert after == digests  # what the store remembered is remembered still
    assert texts and not any("only annika" in t or ANN_NAME in t for t in texts)
    assert any("I met [forgotten] today" in t for t in texts)
    # no byte of hers is left in the store's files
    for part in tmp_path.glob("g.db*"):
        if part.is_file():
            data = part.read_bytes()
            assert b"only annika" not in data and ANN_NAME.encode() not in data, part
    # and importing her file again does not bring her back either
    run(db, "import", "jsonl", str(history))
    assert ANN not in held(db)[0]


def test_either_backend_keeps_them_forgotten(store_url: str, tmp_path: Path) -> None:
    db, _, backup = store_with_backup(tmp_path, store_url)
    run(db, "restore", str(backup), "--yes")
    handles, digests, texts = held(db)
    assert ANN not in handles and BO in handles and digests > 0
    assert any("I met [forgotten] today" in t for t in texts)
    assert not any("only annika" in t or ANN_NAME in t for t in texts)


def test_allow_resurrect_restores_the_backup_as_it_was_made(tmp_path: Path) -> None:
    db, _, backup = store_with_backup(tmp_path)
    said = run(db, "restore", str(backup), "--yes", "--allow-resurrect")
    assert "anyone forgotten since is back" in said
    handles, digests, texts = held(db)
    assert ANN in handles and digests == 0
    assert any(ANN_NAME in t for t in texts)


def test_a_backup_of_another_store_is_refused_when_both_forgot_someone(tmp_path: Path) -> None:
    db, _, _ = store_with_backup(tmp_path / "one")
    other, _, _ = store_with_backup(tmp_path / "two")  # forgot Ann under its own key
    run(other, "forget", BO, "--yes")
    run(other, "backup", str(tmp_path / "two-after.backup"))
    before = held(db)
    said = run(db, "restore", str(tmp_path / "two-after.backup"), "--yes", code=2)
    assert "the backup comes from another store" in said and "--allow-resurrect" in said
    assert "nothing was restored" in said
    assert held(db) == before
    run(db, "restore", str(tmp_path / "two-after.backup"), "--yes", "--allow-resurrect")
    assert BO not in held(db)[0]


def test_a_store_that_cannot_be_read_is_not_replaced_blindly(tmp_path: Path) -> None:
    db, _, backup = store_with_backup(tmp_path)
    store = tmp_path / "g.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    store.write_bytes(b"not a database at all" * 100)
    said = run(db, "restore", str(backup), "--yes", code=2)
    assert "cannot be kept forgotten" in said and "--allow-resurrect" in said


def test_a_restore_signs_everyone_out(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'g.db'}"
    with open_ledger(db) as ledger:
        user = add_user(ledger, "ann", "anns password")
        open_session(ledger, user)
    run(db, "backup", str(tmp_path / "b.backup"))
    run(db, "restore", str(tmp_path / "b.backup"), "--yes")
    with open_ledger(db) as ledger, ledger.read() as conn:
        keys = conn.execute(select(settings.c.key)).scalars().all()
    assert not [k for k in keys if k.startswith(SESSION_ROW)]
