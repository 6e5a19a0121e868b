"""One contact card, as vobject parses it, into goodwill's records: one person, several handles.

Every email address, phone number written with its country code, and social profile that
names an account (see :mod:`goodwill.sources.handles`) is a handle; each becomes an
identity, and a :class:`~goodwill.events.Link` says they are one person, named by the card.
A card with no handle at all is ``vcard:UID`` so that its person still exists. The card's
details go into the first identity's attributes:

=================  ===========================================================
attribute          from
=================  ===========================================================
``given_name``,    ``N``
``family_name``
``org``            ``ORG``, its units ``; ``-separated
``title``          ``TITLE``
``note``           ``NOTE`` (several: separated by a blank line)
``city``,          the first ``ADR`` that has them
``country``
``phone``          numbers without a country code, ``, ``-separated
``website``        URLs that name no account, space-separated
``bluesky_handle`` a Bluesky profile given by handle, not DID
``link:LABEL``     a social profile on a network goodwill does not know
``impp``           instant-messaging addresses other than XMPP, SIP and Skype
=================  ===========================================================

and every identity of the card gets ``vcard``: the card's UID (or, without one, a key made
from its name and handles), which ties them together as evidence after a merge is undone.

>>> import vobject
>>> card = vobject.readOne("BEGIN:VCARD\\nVERSION:3.0\\nFN:Ann Lee\\nUID:u1\\n"
...     "EMAIL:Ann@Example.com\\nURL:https://a.social/@ann\\nEND:VCARD\\n")
>>> for record in card_records(card): print(record)
Identity(handle='email:ann@example.com', name='Ann Lee', attributes={'vcard': 'u1'})
Identity(handle='mastodon:@ann@a.social', name=None, attributes={'vcard': 'u1'})
Link(handles=('email:ann@example.com', 'mastodon:@ann@a.social'), evidence='vcard u1', name='Ann Lee')
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from goodwill.events import Identity, Link, Record, split_handle
from goodwill.sources import fields
from goodwill.sources.fields import BadRecord
from goodwill.sources.handles import (
    bluesky_handle_in_url,
    email_handle,
    handle_in_url,
    network_hint,
    phone_handle,
)
from goodwill.sources.keys import content_key

__all__ = ["GOODWILL_HANDLE", "IM_NETWORKS", "card_records"]

#: goodwill's own property: a handle written as it is, for accounts no standard one holds.
GOODWILL_HANDLE = "X-GOODWILL-HANDLE"
#: Instant-messaging URI schemes whose addresses are identities of their own.
IM_NETWORKS = frozenset({"xmpp", "sip", "skype"})
# Networks whose accounts have no display name of their own: the card's name is theirs.
_NAMED_BY_CARD = frozenset({"email", "tel", "vcard", *IM_NETWORKS})
# Properties some apps use for one network's profile.
_NETWORK_PROPERTIES = {
    "X-TWITTER": "x",
    "X-MASTODON": "mastodon",
    "X-BLUESKY": "bluesky",
    "X-LINKEDIN": "linkedin",
}
_MAX_UID = 400


class _Card:
    """What one card says, gathered property by property."""

    def __init__(self) -> None:
        self.handles: dict[str, None] = {}
        self.details: dict[str, str] = {}
        self.listed: dict[str, list[str]] = {}
        self.name: str | None = None  # FN
        self.structured_name: str | None = None  # from N, for a card without FN
        self.org_name: str | None = None  # ORG's first unit, for a card without either
        self.uid: str | None = None
        self.is_group = False

    def add(self, key: str, value: str) -> None:
        values = self.listed.setdefault(key, [])
        if value not in values:
            values.append(value)


def card_records(card: Any) -> list[Record]:
    """The identities and the link one parsed card stands for; a BadRecord if it names no
    one; nothing for a card that describes a group, not a person."""
    found = _Card()
    labels = {
        line.group.lower(): _text(line.value)
        for line in _lines(card)
        if line.group and line.name.upper() == "X-ABLABEL"
    }
    for line in _lines(card):
        _read(found, line, labels.get(line.group.lower()) if line.group else None)
    if found.is_group:
        return []
    attributes = dict(found.details)
    separators = {"note": "\n\n", "phone": ", ", "website": " ", "impp": " "}
    for key, values in found.listed.items():
        attributes[key] = separators.get(key, "; ").join(values)
    name = fields.name(found.name or found.structured_name or found.org_name)
    handles = list(found.handles)
    uid = found.uid or content_key(
        name or "", *sorted(handles), attributes.get("phone", ""), attributes.get("note", "")
    )
    if not handles:
        if name is None and not attributes:
            raise BadRecord("the card has no name, address or account: it names no one")
        handles = [_handle("vcard", uid)]
    records: list[Record] = []
    for place, handle in enumerate(handles):
        network = handle.partition(":")[0]
        given = attributes if place == 0 else {}
        records.append(
            Identity(
                handle,
                name if network in _NAMED_BY_CARD else None,
                {**given, "vcard": uid},
            )
        )
    records.append(Link(tuple(handles), f"vcard {uid}", name))
    return records


def _lines(card: Any) -> Iterator[Any]:
    """The card's properties (a card nested in another, vCard 2.1's AGENT, is skipped)."""
    for line in card.getChildren():
        if hasattr(line, "params"):
            yield line


def _read(card: _Card, line: Any, label: str | None) -> None:
    """Take what one property says into ``card``."""
    name = line.name.upper()
    value = line.value
    if name == "FN":
        card.name = card.name or fields.name(_text(value))
    elif name == "N":
        _read_name(card, value)
    elif name == "UID":
        uid = fields.clean(_text(value) or "").strip()
        if uid:
            card.uid = card.uid or uid[:_MAX_UID]
    elif name in ("KIND", "X-ADDRESSBOOKSERVER-KIND"):
        card.is_group = (_text(value) or "").strip().lower() == "group"  # a list of members
    elif name == "EMAIL":
        _add_handle(card, email_handle(_text(value) or ""))
    elif name == "TEL":
        _read_phone(card, _text(value) or "")
    elif name in ("X-SOCIALPROFILE", "URL") or name in _NETWORK_PROPERTIES:
        hint = _NETWORK_PROPERTIES.get(name) or network_hint(_param(line, "TYPE") or label)
        _read_profile(card, line, hint, label)
    elif name == "IMPP":
        _read_impp(card, _text(value) or "")
    elif name == GOODWILL_HANDLE:
        _add_handle(card, _exact_handle(_text(value) or ""))
    elif name == "ORG":
        units = _parts(value)
        _set(card, "org", "; ".join(units) or None)
        card.org_name = card.org_name or (units[0] if units else None)
    elif name in ("TITLE", "NOTE"):
        text = _text(value)
        if text and text.strip():
            card.add(name.lower(), text.strip())
    elif name == "ADR":
        _set(card, "city", _component(value, "city"))
        _set(card, "country", _component(value, "country"))


def _read_name(card: _Card, value: Any) -> None:
    given, family = _component(value, "given"), _component(value, "family")
    _set(card, "given_name", given)
    _set(card, "family_name", family)
    shown = " ".join(p for p in (given, _component(value, "additional"), family) if p)
    card.structured_name = card.structured_name or shown or None


def _read_phone(card: _Card, text: str) -> None:
    handle = phone_handle(text)
    if handle is not None:
        _add_handle(card, handle)
    elif text.strip():
        card.add("phone", fields.clean(text.strip().removeprefix("tel:")))


def _read_profile(card: _Card, line: Any, hint: str | None, label: str | None) -> None:
    """A social profile or a web address: a handle when it names an account."""
    candidates = [c for c in (_param(line, "X-USER"), _text(line.value)) if c and c.strip()]
    for candidate in candidates:
        handle = handle_in_url(candidate, hint)
        if handle is not None:
            _add_handle(card, handle)
            return
    for candidate in candidates:
        bluesky = bluesky_handle_in_url(candidate, hint)
        if bluesky is not None:
            card.add("bluesky_handle", bluesky)
            return
    url = (_text(line.value) or "").strip()
    if not url or url.startswith("x-apple:"):
        return
    kind = None if line.name.upper() == "URL" else (_param(line, "TYPE") or label or "profile")
    if kind is None:
        card.add("website", url)
    else:
        card.details.setdefault(f"link:{kind.strip().lower()}", url)


def _read_impp(card: _Card, text: str) -> None:
    scheme, sep, address = text.strip().partition(":")
    if sep and scheme.lower() in IM_NETWORKS and address.strip():
        _add_handle(card, _handle(scheme.lower(), address.strip().lower()))
    elif text.strip():
        card.add("impp", fields.clean(text.strip()))


def _exact_handle(text: str) -> str:
    try:
        network, account = split_handle(text.strip())
    except ValueError as exc:
        raise BadRecord(f"{GOODWILL_HANDLE}: {exc}") from None
    return _handle(network, account)


def _handle(network: str, account: str) -> str:
    return fields.handle(network, fields.key(account, f"the {network} address"))


def _add_handle(card: _Card, handle: str | None) -> None:
    if handle is not None:
        card.handles.setdefault(handle, None)


def _set(card: _Card, key: str, value: str | None) -> None:
    if value and value.strip() and key not in card.details:
        card.details[key] = fields.clean(value.strip())


def _param(line: Any, name: str) -> str | None:
    """A parameter's first value (``TYPE=a,b`` counts as ``a``)."""
    values = line.params.get(name) or line.params.get(name.lower())
    if not values:
        return None
    first = str(values[0]).split(",")[0].strip().strip('"')
    return first or None


def _text(value: Any) -> str | None:
    """A property's value as text; None for binary data (a photo, a key)."""
    if isinstance(value, str):
        return fields.clean(value)
    if isinstance(value, list):
        return "; ".join(p for p in (_text(v) for v in value) if p)
    return None


def _parts(value: Any) -> list[str]:
    if isinstance(value, list):
        return [t.strip() for t in (_text(v) for v in value) if t and t.strip()]
    text = _text(value)
    return [text.strip()] if text and text.strip() else []


# The components of N and ADR, in the order a card writes them.
_ORDER = {
    "family": 0, "given": 1, "additional": 2,  # N
    "city": 3, "country": 6,  # ADR: box, extended, street, city, region, code, country
}  # fmt: skip


def _component(value: Any, part: str) -> str | None:
    """One component of a structured value (``N``'s given name, ``ADR``'s city), whether
    vobject parsed it (a Name or an Address) or, in a card of no known version, left it as
    text."""
    if isinstance(value, str):
        pieces = value.split(";")
        found: Any = pieces[_ORDER[part]] if len(pieces) > _ORDER[part] else None
    else:
        found = getattr(value, part, None)
    text = " ".join(_parts(found)) if isinstance(found, list) else _text(found)
    return text.strip() if text and text.strip() else None
