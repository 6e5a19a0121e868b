"""Email from an mbox file: Gmail Takeout, Thunderbird, Apple Mail, mutt and the rest.

Each message from A to people B, C... becomes an ``email`` event from A to each of them
(To, Cc and Bcc alike), or a ``reply`` when it answers another message (In-Reply-To or
References), with ``answers`` that message's Message-ID. Only the headers are read
(:mod:`goodwill.sources.mail`); the file is split into messages in one streaming pass
(:mod:`goodwill.sources.mboxfile`, which says why :class:`mailbox.mbox` is not used), so a
multi-GB mailbox costs no more memory than a small one.

List, bulk and automated mail is no relationship between people; by default each such
message becomes one ``post`` by its sender toward nobody, which the trust model counts as
nobody's evidence about anybody, so nothing vanishes unseen and a list member's own
messages stay theirs; ``--option bulk=skip`` leaves it out entirely. Messages labelled
Spam, Trash or Draft in a Gmail Takeout are skipped: they were never correspondence.

Event ids are ``<message-id>#to:ADDRESS`` (``<message-id>`` for a bulk post), so the same
message read from the sender's mailbox and from the recipient's is one event; a message
without a Message-ID is keyed by its time, sender, recipients and subject.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from goodwill.errors import SourceError
from goodwill.events import Event, Identity, Record, Rejected
from goodwill.sources.base import Source
from goodwill.sources.fields import MAX_KEY, BadRecord
from goodwill.sources.keys import RepeatKeys, content_key
from goodwill.sources.mail import Mail, Person, email_handle, read_mail
from goodwill.sources.mboxfile import from_line_time, mbox_messages
from goodwill.sources.sniffing import Sample

__all__ = ["MboxSource"]

_SKIPPED_LABELS = "spam,trash,draft,drafts"


class MboxSource(Source):
    """An mbox file (plain or gzip): emails and replies between people."""

    name: ClassVar[str] = "mbox"
    description: ClassVar[str] = (
        "mbox email (Gmail Takeout, Thunderbird...; .gz too) -> emails and replies between people"
    )
    options: ClassVar[dict[str, str]] = {
        "me": "your own addresses, comma-separated: mail between them is no relationship, and "
        "mail naming no recipient but its sender was sent to you (to the first)",
        "bulk": "list, bulk and automated mail: post (default: one post by the sender, toward "
        "nobody) or skip",
        "skip-labels": "Gmail labels whose messages are skipped, comma-separated "
        f"(default: {_SKIPPED_LABELS}; name yours if Gmail shows them in another language)",
    }

    @classmethod
    def sniff(cls, sample: Sample) -> int:
        """A file that starts with an mbox ``From `` separator line."""
        return 80 if sample.head.startswith(b"From ") else 0

    def check_settings(self) -> None:
        self._me = [_own_address(a) for a in _listed(self.settings.get("me", ""))]
        bulk = self.settings.get("bulk", "post")
        if bulk not in ("post", "skip"):
            raise SourceError(f"option bulk={bulk!r}: use post or skip")
        labels = self.settings.get("skip-labels", _SKIPPED_LABELS)
        self._skip = frozenset(label.lower() for label in _listed(labels))
        self._bulk_posts = bulk == "post"

    def records(self, path: Path) -> Iterator[Record]:
        reader = _Reader(self._me, self._skip, self._bulk_posts)
        for message in mbox_messages(self, path):
            if message.problem is not None:
                yield Rejected(message.location, message.problem, message.raw())
                continue
            try:
                mail = read_mail(message.headers, from_line_time(message.envelope))
            except BadRecord as exc:
                yield Rejected(message.location, str(exc), message.raw())
                continue
            yield from reader.records(mail)


class _Reader:
    """Turns each message's facts into records, remembering only the display names already
    given (one per correspondent) and the keys of the current second's unnamed messages."""

    def __init__(self, me: list[str], skip: frozenset[str], bulk_posts: bool) -> None:
        self.me = me
        self.own = frozenset(me)
        self.skip = skip
        self.bulk_posts = bulk_posts
        self.names: dict[str, str] = {}
        self.keys = RepeatKeys()

    def records(self, mail: Mail) -> Iterator[Record]:
        if mail.labels & self.skip:
            return
        sender = mail.sender[0]
        if mail.bulk:
            if self.bulk_posts:
                yield from self.named(mail.sender)
                yield Event(
                    "post",
                    sender,
                    None,
                    mail.time_us,
                    self.base(mail),
                    text=mail.subject,
                    answers=mail.parent,
                )
            return
        recipients = [p for p in mail.recipients if not self.same_person(sender, p[0])]
        if not recipients and self.me and sender not in self.own:
            recipients = [(self.me[0], None)]  # in the owner's mailbox, addressed to no one else
        if not recipients:
            return
        kind = "reply" if mail.parent is not None else "email"
        base = self.base(mail)
        yield from self.named(mail.sender)
        for person in recipients:
            yield from self.named(person)
            target = person[0]
            yield Event(
                kind,
                sender,
                target,
                mail.time_us,
                _event_id(base, target),
                text=mail.subject,
                answers=mail.parent,
            )

    def same_person(self, sender: str, recipient: str) -> bool:
        return recipient == sender or (sender in self.own and recipient in self.own)

    def named(self, person: Person) -> Iterator[Identity]:
        handle, name = person
        if name is not None and self.names.get(handle) != name:
            self.names[handle] = name
            yield Identity(handle, name)

    def base(self, mail: Mail) -> str:
        """The message's key: its Message-ID, else a digest of what it says."""
        if mail.message_id is not None:
            return mail.message_id
        time = str(mail.time_us)
        everyone = ",".join(p[0] for p in mail.recipients)
        return self.keys.key(time, content_key(time, mail.sender[0], everyone, mail.subject or ""))


def _event_id(base: str, target: str) -> str:
    key = f"{base}#to:{target.removeprefix('email:')}"
    return key if len(key) <= MAX_KEY else f"{base}#to:{content_key(target)}"


def _listed(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _own_address(value: str) -> str:
    """An address given in ``me=`` as the handle events use."""
    handle = email_handle(value.removeprefix("email:"))
    if handle is None:
        raise SourceError(f"option me: {value!r} is not an email address (ann@example.com)")
    return handle
