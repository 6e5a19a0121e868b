"""Contacts as vCard 4.0 (RFC 6350) or 3.0 (RFC 2426) text, read back by the ``vcard`` source
as the same people.

Each person is one card: ``FN`` their name, ``UID`` stable for the person (the UID of the
card they came from, else one derived from their oldest identity), and every handle as the
property other apps understand: ``EMAIL``, ``TEL``, ``IMPP`` (XMPP, SIP, Skype) and
``X-SOCIALPROFILE`` with the profile's web address (Mastodon, X, Bluesky, LinkedIn). A
handle no standard property holds exactly (``x:id:NUMBER`` aside, any network goodwill
knows no web address for) is written as goodwill's own ``X-GOODWILL-HANDLE``, which other
apps keep and ignore. Card details (``N``, ``ORG``, ``TITLE``, ``NOTE``, ``ADR`` city and
country, other phones and web addresses) come from the attributes the ``vcard`` source
records. Lines are folded at 75 bytes and end in CRLF, as both RFCs require.

>>> print(card_text(Contact(7, "Ann Lee", ("email:ann@example.com", "mastodon:@ann@a.social"),
...       {"org": "Acme; Sales"}, "u-1"), "4.0").replace("\\r\\n", "\\n"), end="")
BEGIN:VCARD
VERSION:4.0
UID:u-1
FN:Ann Lee
EMAIL:ann@example.com
X-SOCIALPROFILE;TYPE=mastodon:https://a.social/@ann
ORG:Acme;Sales
END:VCARD
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from typing import TextIO

from goodwill.export.contacts import Contact
from goodwill.sources.contact_card import GOODWILL_HANDLE, IM_NETWORKS
from goodwill.sources.handles import email_handle, handle_in_url, phone_handle, profile_url

__all__ = ["VERSIONS", "card_text", "write_vcards"]

VERSIONS = ("4.0", "3.0")
_FOLD_AT = 75
_ESCAPES = {"\\": "\\\\", "\n": "\\n", ",": "\\,", ";": "\\;"}
_TO_ESCAPE = re.compile(r"[\\\n,;]")
_SOCIAL = ("mastodon", "x", "bluesky", "linkedin")
_UID_NAMESPACE = uuid.UUID("6f1c2a52-5c1e-4b8e-9a51-0d7f6c1f9e21")


def write_vcards(contacts: Iterable[Contact], out: TextIO, version: str = "4.0") -> int:
    """Write each contact as a card; returns how many were written."""
    written = 0
    for contact in contacts:
        out.write(card_text(contact, version))
        written += 1
    return written


def card_text(contact: Contact, version: str = "4.0") -> str:
    """One contact's card, CRLF-terminated."""
    if version not in VERSIONS:
        raise ValueError(f"vCard version {version!r}: use {' or '.join(VERSIONS)}")
    details = contact.details
    cards = [h for h in contact.handles if h.startswith("vcard:")]
    alone = len(contact.handles) == 1 and bool(cards)
    uid = cards[0][6:] if cards else contact.card_uid or _derived_uid(contact.handles[0])
    lines = [
        "BEGIN:VCARD",
        f"VERSION:{version}",
        f"UID:{_escape(uid)}",
        f"FN:{_escape(contact.name)}",
    ]
    family, given = details.get("family_name", ""), details.get("given_name", "")
    if family or given or version == "3.0":
        lines.append(f"N:{_escape(family)};{_escape(given)};;;")
    for handle in contact.handles:
        if not (alone and handle.startswith("vcard:")):
            lines.append(_handle_line(handle, version))
    lines.extend(_detail_lines(details))
    lines.append("END:VCARD")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _handle_line(handle: str, version: str) -> str:
    """The property that carries one handle, such that reading it back gives the handle."""
    network, _, account = handle.partition(":")
    if network == "email" and email_handle(account) == handle:
        return f"EMAIL:{account}"
    if network == "tel" and phone_handle(account) == handle:
        return f"TEL;VALUE=uri:tel:{account}" if version == "4.0" else f"TEL:{account}"
    if network in IM_NETWORKS and account == account.lower():
        return f"IMPP:{_escape(handle)}"
    url = profile_url(handle)
    if network in _SOCIAL and url is not None and handle_in_url(url, network) == handle:
        return f"X-SOCIALPROFILE;TYPE={network}:{url}"
    return f"{GOODWILL_HANDLE}:{_escape(handle)}"


def _detail_lines(details: dict[str, str]) -> list[str]:
    lines = []
    if "org" in details:
        lines.append("ORG:" + ";".join(_escape(unit) for unit in details["org"].split("; ")))
    for key in ("title", "note"):
        if key in details:
            lines.append(f"{key.upper()}:{_escape(details[key])}")
    city, country = details.get("city", ""), details.get("country", "")
    if city or country:
        lines.append(f"ADR:;;;{_escape(city)};;;{_escape(country)}")
    lines.extend(f"TEL:{_escape(phone)}" for phone in details.get("phone", "").split(", ") if phone)
    lines.extend(f"URL:{url}" for url in details.get("website", "").split())
    for bluesky in details.get("bluesky_handle", "").split("; "):
        if bluesky:
            lines.append(f"X-SOCIALPROFILE;TYPE=bluesky:https://bsky.app/profile/{bluesky}")
    for key, value in details.items():
        if key.startswith("link:"):
            lines.append(f"X-SOCIALPROFILE;TYPE={_parameter(key[5:])}:{value}")
    lines.extend(f"IMPP:{_escape(address)}" for address in details.get("impp", "").split())
    return lines


def _derived_uid(handle: str) -> str:
    """A UID for a person no card named: the same for the same oldest identity, always."""
    return f"urn:uuid:{uuid.uuid5(_UID_NAMESPACE, handle)}"


def _escape(text: str) -> str:
    r"""A text value with vCard's escapes.

    >>> _escape("a;b,c\\d\ne")
    'a\\;b\\,c\\\\d\\ne'
    """
    return _TO_ESCAPE.sub(lambda m: _ESCAPES[m.group(0)], text.replace("\r\n", "\n"))


def _parameter(text: str) -> str:
    """A parameter value, quoted when it holds a separator."""
    text = text.replace('"', "").replace("\n", " ")
    return f'"{text}"' if any(c in text for c in ";:,") else text


def _fold(line: str) -> str:
    """A content line folded at 75 bytes, never inside a character."""
    data = line.encode("utf-8")
    if len(data) <= _FOLD_AT:
        return line
    pieces, start, width = [], 0, _FOLD_AT
    while start < len(data):
        end = min(start + width, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1  # back off to the start of a UTF-8 character
        pieces.append(data[start:end].decode("utf-8"))
        start, width = end, _FOLD_AT - 1  # continuation lines begin with a space
    return "\r\n ".join(pieces)
