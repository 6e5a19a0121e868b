"""Who is who in LinkedIn's export: handles from profile addresses, emails or names.

LinkedIn names a member by their profile address, ``https://www.linkedin.com/in/jane-doe``,
whose last part (the "public identifier", lower-cased) is their handle: ``linkedin:jane-doe``.
Some files give no address (older ``Connections.csv`` and ``messages.csv``, recommendations).
Then an email address, where the file has one, gives ``email:jane@example.com``; failing
that, the person is known by name only, and the handle says so and whose export named
them: ``linkedin:me/name:jane-doe``. Two exports of different owners never share such a
handle, since a name alone does not tell two people apart; within one owner's export, two
people of the same name and nothing else are one handle.

The owner of the export is ``linkedin:me`` unless ``--option me=`` names them: the export
does not say who its owner is, only, now and then, their profile address (an invitation
they sent), which :class:`People` then maps to the owner.

>>> profile_id("https://www.linkedin.com/in/Jane-Doe-1234/"), profile_id("")
('jane-doe-1234', None)
>>> people = People(OWNER, {"ann-lee"})
>>> people.handle(url="linkedin.com/in/ann-lee"), people.handle(name="Jane  Doe")
('linkedin:me', 'linkedin:me/name:jane-doe')
>>> split_names("Bob Brown, Carol Chu, PhD")
['Bob Brown', 'Carol Chu, PhD']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

from goodwill.errors import SourceError
from goodwill.events import Identity
from goodwill.sources import fields
from goodwill.sources.fields import BadRecord

__all__ = ["NETWORK", "OWNER", "People", "full_name", "me_option", "profile_id", "split_names"]

NETWORK = "linkedin"
#: The owner's handle when ``--option me`` does not name them.
OWNER = "linkedin:me"
# What LinkedIn writes for a member who has left, in place of a name.
_NO_NAMES = frozenset({"linkedin member", "linkedin user"})
_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+\Z")
_BARE_ID = re.compile(r"[\w-]{1,100}\Z")


def profile_id(url: str) -> str | None:
    """The public identifier in a LinkedIn address (``jane-doe`` from ``.../in/jane-doe``,
    ``company/acme`` from ``.../company/acme``); None for a blank field."""
    text = url.strip()
    if not text:
        return None
    try:
        parts = urlsplit(text if "://" in text else "https://" + text)
        host = (parts.hostname or "").lower()
    except ValueError:
        host, parts = "", None
    if parts is None or not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        raise BadRecord(f"{text[:80]!r} is not a LinkedIn profile address")
    path = unquote(parts.path).strip("/")
    path = path.removeprefix("in/")
    if not path or path == "in":
        raise BadRecord(f"{text[:80]!r} names no profile")
    return path.lower()


def me_option(value: str) -> tuple[str, str | None]:
    """The owner's handle from ``--option me`` (an address, ``linkedin:ID`` or a bare ID),
    and the public identifier it gives, by which the export's records name the owner."""
    text = value.strip()
    try:
        if text.lower().startswith(NETWORK + ":"):
            account = text[len(NETWORK) + 1 :].strip()
            if not account:
                raise BadRecord("names no one")
            return fields.handle(NETWORK, account.lower()), account.lower()
        if "/" in text or "." in text:
            found = profile_id(text)
        elif _BARE_ID.match(text):
            found = text.lower()
        else:
            raise BadRecord("is neither a profile address nor a public identifier")
        if found is None:
            raise BadRecord("is empty")
        return fields.handle(NETWORK, found), found
    except BadRecord as exc:
        raise SourceError(
            f"option me={value!r}: {exc}; give your profile address "
            "(https://www.linkedin.com/in/YOUR-ID) or linkedin:YOUR-ID"
        ) from None


def full_name(first: str, last: str) -> str:
    """First and last name as one, as LinkedIn shows them."""
    return " ".join(part for part in (first.strip(), last.strip()) if part)


def split_names(text: str) -> list[str]:
    """The names in a comma-separated list (a group message's recipients), keeping a
    one-word part after a comma (``PhD``, ``MBA``) with the name before it."""
    names: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if names and " " not in part:
            names[-1] += ", " + part
        else:
            names.append(part)
    return names


class People:
    """Handles for the people an export names, and which of them were described already."""

    def __init__(self, owner: str, owner_ids: set[str]) -> None:
        self.owner = owner
        self.owner_ids = owner_ids
        self._scope = owner.partition(":")[2]
        self._described: set[str] = set()

    def handle(self, *, url: str = "", name: str = "", email: str = "") -> str | None:
        """The handle for a person by their address, else email, else name; None for a
        member who has left, whom LinkedIn shows as "LinkedIn Member" without an address."""
        found = profile_id(url)
        if found is not None:
            return self.owner if found in self.owner_ids else fields.handle(NETWORK, found)
        address = email.strip().lower()
        if address and _EMAIL.match(address):
            return fields.handle("email", address)
        name = " ".join(name.split())
        if not name:
            raise BadRecord("names no one: it has no profile address, email or name")
        if name.lower() in _NO_NAMES:
            return None
        return fields.handle(NETWORK, f"{self._scope}/name:{name.lower().replace(' ', '-')}")

    def identity(
        self, handle: str, name: str, attributes: Mapping[str, str], *, full: bool = False
    ) -> Identity | None:
        """What a record tells of a person, unless told already: a ``full`` description
        (a connection's) is always given, replacing any brief one given before it."""
        if handle == self.owner or (handle in self._described and not full):
            return None
        self._described.add(handle)
        kept = {key: value for key, value in attributes.items() if value}
        if handle.startswith("email:"):
            kept["identified_by"] = "email address"
        elif "/name:" in handle:
            kept["identified_by"] = f"name only, in the LinkedIn export of {self.owner}"
        return Identity(handle, fields.name(name), kept)
