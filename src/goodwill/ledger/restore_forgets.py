"""A restore keeps the forgotten forgotten: the store's forgets applied to the backup first.

A backup made before ``goodwill forget`` still holds the person. Restoring it as it is
would bring them back, against what the owner (and the person) asked, and silently: the
owner may not remember whom they forgot, and the store keeps no names to remind them
(:mod:`goodwill.ledger.forgotten` keeps digests only). So ``goodwill restore`` reads what
the store it replaces remembers of forgotten people, and applies it to the checked copy of
the backup before that copy takes the store's place:

1. the store's forget salt and every ``forgotten`` row are carried into the copy, so an
   import afterwards still skips them;
2. every text and identifier in the copy is redacted with the store's forgotten terms;
3. every person of the copy holding an identity whose digest is a forgotten one is
   forgotten again (:func:`goodwill.ledger.forget.forget_people`: their events, notes,
   merges, derived rows, and the bytes of the file).

This needs the copy to use the store's salt. A backup that never forgot anyone has none and
takes the store's; one from the same store has the same. A backup from *another* store
(another salt) remembers its own forgotten people under a key the store's digests cannot be
compared with, so the restore is refused and says how to go on. ``--allow-resurrect`` skips
all of this: the backup is restored exactly as it was made, forgotten people included.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, delete, insert, inspect, select
from sqlalchemy.engine import make_url

from goodwill.errors import StoreError
from goodwill.ledger.forget import forget_people, redact_records
from goodwill.ledger.forgotten import SALT_KEY, load_filter, store_hasher
from goodwill.ledger.people import current_person
from goodwill.ledger.schema import (
    WEB_SESSION_ROWS,
    events,
    forgotten,
    identities,
    imports,
    settings,
)
from goodwill.ledger.scrub import scrub_store
from goodwill.ledger.store import Ledger, open_ledger

__all__ = ["HeldForgets", "Reapplied", "end_web_sessions", "held_forgets", "reapply_forgets"]

_RESURRECT = "restore with --allow-resurrect to bring the backup back as it was made"


@dataclass(frozen=True)
class HeldForgets:
    """What a store remembers of the people it forgot: its salt and its digest rows."""

    salt: str
    rows: tuple[tuple[str, str, int, int], ...]  # kind, digest, words, forgotten_at


@dataclass(frozen=True)
class Reapplied:
    """What applying the store's forgets to a backup did."""

    people: int = 0  # people of the backup forgotten again
    redacted: int = 0  # other records whose text or ids named a forgotten person
    remembered: int = 0  # forgotten digests carried into the restored store


def held_forgets(url: str, backup: Path) -> HeldForgets | None:
    """The forgets of the store at ``url``; ``None`` when there is no store yet or it
    forgot nobody. A store that exists but cannot be read is a refusal: who was forgotten
    in it cannot be known."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if not path.exists() or path.stat().st_size == 0:
            return None
    try:
        with open_ledger(url, migrate=False) as store, store.read() as conn:
            if not inspect(conn).has_table(forgotten.name):
                return None  # a schema from before goodwill forget existed
            rows = conn.execute(
                select(forgotten.c.kind, forgotten.c.digest, forgotten.c.words,
                       forgotten.c.forgotten_at)
            ).all()  # fmt: skip
            salt = conn.execute(select(settings.c.value).where(settings.c.key == SALT_KEY))
            salt_value = salt.scalar()
    except StoreError as exc:
        raise StoreError(
            f"{backup}: the store it would replace cannot be read ({exc}), so the people "
            f"forgotten in it cannot be kept forgotten; {_RESURRECT}; nothing was restored"
        ) from exc
    if not rows or salt_value is None:
        return None
    return HeldForgets(
        str(salt_value), tuple((str(k), str(d), int(w), int(t)) for k, d, w, t in rows)
    )


def reapply_forgets(held: HeldForgets, restored: Ledger, backup: Path) -> Reapplied:
    """Apply ``held`` to the ``restored`` copy of ``backup`` (see the module)."""
    with restored.write() as conn:
        _adopt_salt(conn, held.salt, backup)
        present = {(k, d) for k, d in conn.execute(select(forgotten.c.kind, forgotten.c.digest))}
        new = [
            {"kind": k, "digest": d, "words": w, "forgotten_at": t}
            for k, d, w, t in held.rows
            if (k, d) not in present
        ]
        if new:
            conn.execute(insert(forgotten), new)
        found = load_filter(conn)
        assert found is not None  # the rows were just written
        redacted = redact_records(conn, found.redactor)
        doomed = _people_holding(conn, {d for k, d, _, _ in held.rows if k == "identity"})
    if doomed:
        people = forget_people(restored, sorted(doomed)).people
    else:
        people = 0
        if redacted:  # the old text must leave the file too
            scrub_store(restored, {events.name, imports.name})
    return Reapplied(people=people, redacted=redacted, remembered=len(new))


def _adopt_salt(conn: Connection, salt: str, backup: Path) -> None:
    hasher = store_hasher(conn)
    if hasher is None:
        conn.execute(insert(settings), {"key": SALT_KEY, "value": salt})
        return
    own = conn.execute(select(settings.c.value).where(settings.c.key == SALT_KEY)).scalar()
    if str(own) != salt:
        raise StoreError(
            f"{backup}: the backup comes from another store, which remembers the people it "
            "forgot under another key, so the people forgotten in this store cannot be kept "
            f"forgotten in it; {_RESURRECT}, then forget them again; nothing was restored"
        )


def _people_holding(conn: Connection, digests: set[str]) -> set[int]:
    """The people (as they are now, after merges) holding an identity in ``digests``."""
    if not digests:
        return set()
    hasher = store_hasher(conn)
    assert hasher is not None
    found: set[int] = set()
    for person, network, account in conn.execute(
        select(identities.c.person_id, identities.c.network, identities.c.account)
    ):
        if person is not None and hasher.identity(f"{network}:{account}") in digests:
            found.add(current_person(conn, int(person)))
    return found


def end_web_sessions(conn: Connection) -> int:
    """Delete the web app's open sessions from a restored copy: a restore signs everyone
    out, so a cookie ended after the backup was made does not come back with it."""
    return int(
        conn.execute(
            delete(settings).where(settings.c.key.startswith(WEB_SESSION_ROWS, autoescape=True))
        ).rowcount
    )
