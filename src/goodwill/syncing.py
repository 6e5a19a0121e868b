"""Syncing an account over an API: the seam every API source (``mastodon``, ``bluesky``) shares.

``goodwill sync SOURCE ACCOUNT`` (or :func:`run_sync`) does, in order:

1. finds SOURCE, which must be a :class:`SyncSource`, and lets it check ACCOUNT
   (:meth:`SyncSource.check_account` returns the account's canonical form, which keys the
   cursor);
2. reads the access token from ``--token-file FILE`` (refused unless only its owner can
   read it) or else from the environment variable the source names
   (:attr:`SyncSource.token_variable`); a token is never an argument on the command line;
3. loads the account's *cursor* from the ledger: a JSON object the source left there last
   time (the newest ids it saw per endpoint, say), ``{}`` the first time;
4. calls :meth:`SyncSource.fetch` with the account, the token and a copy of the cursor. The
   source yields records as :meth:`Source.records` would and updates the cursor in place as
   it goes. The records are spooled to an unnamed temporary file, so the network's pace
   (and a rate limit's waits) never holds the store's write lock and memory stays flat;
5. imports the spooled records in one transaction (:func:`goodwill.importing.import_records`)
   and writes the new cursor *in that same transaction*, into the ledger's ``settings``
   table under ``sync:SOURCE:DIGEST``.

So the cursor advances if and only if the records it covers were committed. A sync that
fails or is interrupted anywhere (network, server, a bad record, a full disk) leaves the
store and the cursor as they were, and the next sync simply asks again from the old cursor;
the records it fetches a second time carry the same external ids, so nothing doubles. That
is what *resumable* means here. The cursor lives with the store it describes: a new store
(``--db``) starts with a full sync.

To write an API source: subclass :class:`SyncSource`, set ``name``, ``description``,
``options`` and ``token_variable``, override :meth:`SyncSource.check_account` if the
account has a canonical form, implement :meth:`SyncSource.fetch`, and register the class in
the ``goodwill.sources`` entry-point group like any source. Raise
:class:`~goodwill.errors.SourceError` naming the server and endpoint for what stops a
sync (bad token, server down, a response that is not JSON); yield
:class:`~goodwill.events.Rejected` for one record that cannot be read. Give each event an
external id that depends on the record alone, not on the endpoint or the sync that read it,
so a redone sync adds nothing. Override :meth:`SyncSource.restart` if ``--full`` should
keep part of the cursor. For follower and following lists, which have no times,
:class:`goodwill.sources.follow_lists.FollowList` turns each complete listing into
``follow`` and ``unfollow`` events against the one the cursor kept.
:mod:`goodwill.sources.mastodon_api` is the worked example.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
import time
from abc import abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ClassVar

from sqlalchemy import Connection, insert, select, update

from goodwill.errors import SourceError
from goodwill.events import Record, now_us
from goodwill.importing import ImportSummary, import_records
from goodwill.ledger.schema import settings
from goodwill.ledger.store import Ledger
from goodwill.reading import RecordStream
from goodwill.sources.base import Source
from goodwill.sources.registry import source_class

__all__ = [
    "Cursor",
    "FetchProgress",
    "SyncSource",
    "SyncSummary",
    "read_cursor",
    "read_token",
    "run_sync",
    "sync_source",
]

#: What a source keeps between syncs of one account: a JSON object, updated in place.
Cursor = dict[str, Any]
#: Called as ``progress(records_fetched)`` while a sync reads from its API.
FetchProgress = Callable[[int], None]
_PROGRESS_EVERY = 100


class SyncSource(Source):
    """A source that reads an account over an API rather than a file; see the module docstring."""

    #: The environment variable that holds the access token (e.g. ``GOODWILL_MASTODON_TOKEN``).
    token_variable: ClassVar[str]

    def check_account(self, account: str) -> str:
        """The account's canonical form (it keys the cursor), or a SourceError saying what an
        account looks like. The default strips blanks and refuses an empty one."""
        account = account.strip()
        if not account:
            raise SourceError(f"source {self.name!r}: name the account to sync")
        return account

    @abstractmethod
    def fetch(self, account: str, token: str, cursor: Cursor) -> Iterator[Record]:
        """Yield what is new for ``account`` since ``cursor``, updating ``cursor`` in place.

        ``cursor`` is what the last committed sync left (``{}`` the first time). It is
        saved only if every record yielded is committed, so update it freely as you go.
        """

    def restart(self, cursor: Cursor) -> Cursor:
        """The cursor a full sync (``--full``) starts from: ``{}`` by default, so all the
        server keeps is read again. A source whose cursor holds more than positions (a
        listing to compare the next one against, say) returns that part."""
        return {}

    def records(self, path: Path) -> Iterator[Record]:
        """An API source reads no file: say which command to use instead."""
        raise SourceError(
            f"source {self.name!r} reads an API, not a file: run goodwill sync {self.name} "
            "ACCOUNT (see docs/sources.md)",
            path=path,
        )


@dataclass(frozen=True)
class SyncSummary:
    """What a sync did: the account, the import it made, and the cursor it left."""

    account: str
    imported: ImportSummary
    cursor: Cursor


def sync_source(source_name: str, options: Mapping[str, str] | None = None) -> SyncSource:
    """The configured API source ``source_name``, or a SourceError if it reads files."""
    source = source_class(source_name)(options)
    if not isinstance(source, SyncSource):
        raise SourceError(
            f"source {source_name!r} reads files, not an API: run goodwill import "
            f"{source_name} PATH"
        )
    return source


def read_token(
    source: SyncSource, token_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> str:
    """The access token: from ``token_file`` if given, else from the source's variable.

    A token file must be readable by its owner only (``chmod 600``), as ssh insists for keys:
    a token readable by others is a leaked token.
    """
    if token_file is not None:
        try:
            mode = token_file.stat().st_mode
            if os.name == "posix" and mode & 0o077:
                raise SourceError(
                    f"other users can read it (mode {mode & 0o777:o}); run chmod 600 on it",
                    path=token_file,
                )
            token = token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise SourceError(f"cannot read the token file: {exc}", path=token_file) from None
        if not token:
            raise SourceError("the token file is empty", path=token_file)
        return token
    env = os.environ if environ is None else environ
    token = env.get(source.token_variable, "").strip()
    if not token:
        raise SourceError(
            f"no access token for {source.name}: set {source.token_variable}, or pass "
            f"--token-file FILE (mode 600); docs/sources.md says how to get one"
        )
    return token


def _cursor_key(source_name: str, account: str) -> str:
    """The settings key of one account's cursor; a digest keeps it within the column."""
    digest = hashlib.blake2b(f"{source_name}\0{account}".encode(), digest_size=12).hexdigest()
    return f"sync:{source_name}:{digest}"[:64]


def read_cursor(ledger: Ledger, source_name: str, account: str) -> Cursor:
    """The cursor the last committed sync of ``account`` left, ``{}`` if none has."""
    with ledger.read() as conn:
        stored = conn.execute(
            select(settings.c.value).where(settings.c.key == _cursor_key(source_name, account))
        ).scalar()
    try:
        cursor = json.loads(stored).get("cursor") if stored is not None else None
    except (ValueError, AttributeError):
        cursor = None  # unreadable: read all again, which the external ids make harmless
    return cursor if isinstance(cursor, dict) else {}


def _write_cursor(conn: Connection, source_name: str, account: str, cursor: Cursor) -> None:
    key = _cursor_key(source_name, account)
    value = json.dumps(
        {"source": source_name, "account": account, "synced_at": now_us(), "cursor": cursor},
        sort_keys=True,
    )
    if conn.execute(select(settings.c.key).where(settings.c.key == key)).first() is None:
        conn.execute(insert(settings), {"key": key, "value": value})
    else:
        conn.execute(update(settings).where(settings.c.key == key).values(value=value))


def _spool(records: Iterator[Record], spool: IO[bytes], progress: FetchProgress | None) -> None:
    count = 0
    for record in records:
        pickle.dump(record, spool, protocol=pickle.HIGHEST_PROTOCOL)
        count += 1
        if progress is not None and count % _PROGRESS_EVERY == 0:
            progress(count)
    if progress is not None:
        progress(count)


def _unspool(spool: IO[bytes]) -> Iterator[Record]:
    spool.seek(0)
    while True:
        try:
            yield pickle.load(spool)
        except EOFError:
            return


@contextmanager
def _stream(spool: IO[bytes]) -> Iterator[RecordStream]:
    yield RecordStream(_unspool(spool), spool.tell)


def run_sync(
    ledger: Ledger,
    source_name: str,
    account: str,
    *,
    token: str | None = None,
    token_file: Path | None = None,
    options: Mapping[str, str] | None = None,
    full: bool = False,
    skip_bad: Path | None = None,
    progress: FetchProgress | None = None,
    environ: Mapping[str, str] | None = None,
) -> SyncSummary:
    """Sync ``account`` with the API source ``source_name``; see the module docstring.

    ``token`` given here wins over ``token_file`` and the environment (for programs that
    hold it already). ``full`` ignores the saved cursor and reads all the server keeps;
    only what is missing is added.
    """
    source = sync_source(source_name, options)
    account = source.check_account(account)
    secret = token if token is not None else read_token(source, token_file, environ)
    started = time.perf_counter()
    saved = read_cursor(ledger, source_name, account)
    cursor: Cursor = json.loads(json.dumps(saved))  # the source's own copy to update
    if full:
        cursor = source.restart(cursor)
    label = f"{source_name}:{account}"
    digest = hashlib.sha256(
        json.dumps(
            {"source": source_name, "account": account, "cursor": saved}, sort_keys=True
        ).encode()
    ).hexdigest()
    with tempfile.TemporaryFile() as spool:
        _spool(source.fetch(account, secret, cursor), spool, progress)
        total = spool.tell()
        summary = import_records(
            ledger,
            source_name,
            lambda: _stream(spool),
            where=Path(label),
            recorded_path=label,
            sha256=digest,
            total=total,
            options=options,
            skip_bad=skip_bad,
            before_commit=lambda conn: _write_cursor(conn, source_name, account, cursor),
            started=started,
        )
    return SyncSummary(account, summary, cursor)
