"""Accounts in what people write: profile URLs, fediverse addresses, emails, phone numbers.

A contact card lists a Mastodon account as ``https://a.social/@ann``, a profile's link field
names a Bluesky profile, a bio gives an email address. These functions turn such text into
the handles goodwill keys identities by, the same way every source forms them:

- Mastodon: ``mastodon:@user@server``, lower-cased, from ``https://server/@user`` (any
  server but the few big non-fediverse sites with ``/@name`` pages, such as YouTube and
  Medium) or, when the text is known to be about Mastodon, also ``/users/user`` and
  ``@user@server`` written out;
- X: ``x:@name``, lower-cased, from ``x.com/name`` or ``twitter.com/name``;
  ``x:id:NUMBER`` from ``x.com/i/user/NUMBER``;
- Bluesky: ``bluesky:did:...`` from ``bsky.app/profile/did:...``. A profile URL with a
  handle (``bsky.app/profile/ann.bsky.social``) names no DID, and a handle can move to
  another account, so it gives no identity: :func:`bluesky_handle_in_url` returns it for a
  source to keep as evidence;
- LinkedIn: ``linkedin:public-id``, lower-cased, from ``linkedin.com/in/public-id``;
- email: ``email:address``, lower-cased; phone: ``tel:+DIGITS`` for a number written with its
  country code (``+351 912 345 678``, ``00351...``): a number without one cannot be told
  apart from the same digits elsewhere, so it gives no handle.

>>> handle_in_url("https://A.social/@Ann"), handle_in_url("https://x.com/Bob/")
('mastodon:@ann@a.social', 'x:@bob')
>>> handle_in_url("https://bsky.app/profile/did:plc:abc"), handle_in_url("https://medium.com/@ann")
('bluesky:did:plc:abc', None)
>>> handle_in_url("https://www.linkedin.com/in/Ann-Lee-12/?trk=x")
'linkedin:ann-lee-12'
>>> phone_handle("+351 912-345 678"), phone_handle("0912 345 678")
('tel:+351912345678', None)
>>> sorted(handles_in_text("me: @ann@a.social, ann@example.com, https://x.com/ann"))
['email:ann@example.com', 'mastodon:@ann@a.social', 'x:@ann']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from goodwill.sources.activitypub import account_in_url, address
from goodwill.sources.fields import MAX_KEY, BadRecord

__all__ = [
    "bluesky_handle_in_url",
    "bluesky_handles_in_text",
    "email_handle",
    "handle_in_url",
    "handles_in_text",
    "mastodon_handle",
    "phone_handle",
    "profile_url",
]

#: Sites with ``/@name`` pages that are not fediverse accounts.
NOT_FEDIVERSE = frozenset(
    {"medium.com", "youtube.com", "m.youtube.com", "tiktok.com", "threads.net", "threads.com"}
)
_X_HOSTS = frozenset({"x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com"})
_X_NOT_ACCOUNTS = frozenset(
    {"home", "i", "intent", "search", "share", "explore", "hashtag", "settings", "messages",
     "notifications", "login", "signup", "tos", "privacy", "compose", "about"}
)  # fmt: skip
_X_NAME = re.compile(r"@?([A-Za-z0-9_]{1,50})\Z")
_NUMBER = re.compile(r"[0-9]{1,30}\Z")
_DID = re.compile(r"did:(?:plc|web):[A-Za-z0-9._:%-]{1,200}\Z")
_DOMAIN = re.compile(r"@?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62})\Z")
_LINKEDIN_ID = re.compile(r"[^\s/?#]{3,100}\Z")
_EMAIL = re.compile(r"[^\s@<>(),;:\"\[\]]{1,200}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+\Z")
_PHONE_NOISE = re.compile(r"[\s\-.()/\u00a0]")
_PHONE = re.compile(r"\+[1-9][0-9]{6,14}\Z")
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'()\[\]]+", re.IGNORECASE)
_FEDIVERSE_IN_TEXT = re.compile(
    r"(?<![\w.@/])@([A-Za-z0-9_.-]{1,100})@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)
_EMAIL_IN_TEXT = re.compile(
    r"(?<![\w.@/:%+-])([A-Za-z0-9._%+-]{1,100}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)
# Networks a hint may name, as contact apps write them (X-SOCIALPROFILE;TYPE=...).
_HINTS = {
    "mastodon": "mastodon", "fediverse": "mastodon", "activitypub": "mastodon",
    "x": "x", "twitter": "x", "bluesky": "bluesky", "bsky": "bluesky", "linkedin": "linkedin",
}  # fmt: skip


def network_hint(label: str | None) -> str | None:
    """The network a contact app's label names (``twitter`` is X), if goodwill knows it."""
    return _HINTS.get(label.strip().lower()) if label else None


def _parts(url: str) -> tuple[str, str] | None:
    """``(host, path)`` of a web URL, lower-case host without ``www.``; None if not one."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text  # contact apps often leave the scheme out
    try:
        split = urlsplit(text)
        host = split.hostname
    except ValueError:
        return None
    if split.scheme.lower() not in ("http", "https") or not host:
        return None
    return host.removeprefix("www."), unquote(split.path)


def handle_in_url(url: str, network: str | None = None) -> str | None:
    """The handle a profile URL names exactly, if it names one. ``network`` (from
    :func:`network_hint`) says which network the text is known to be about, which admits
    wider forms: Mastodon's ``/users/name`` paths and bare names."""
    if network is not None and "/" not in url.strip():
        return _bare(url.strip(), network)
    parts = _parts(url)
    if parts is None:
        return None
    host, path = parts
    segments = [s for s in path.split("/") if s]
    if host in _X_HOSTS:
        return _x_handle(segments)
    if host == "bsky.app":
        if len(segments) == 2 and segments[0] == "profile" and _DID.match(segments[1]):
            return f"bluesky:{segments[1]}"
        return None
    if host.endswith("linkedin.com"):
        if len(segments) >= 2 and segments[0] == "in" and _LINKEDIN_ID.match(segments[1]):
            return _checked(f"linkedin:{segments[1].lower()}")
        return None
    if host in NOT_FEDIVERSE:
        return None
    if len(segments) == 1 and segments[0].startswith("@"):
        user, _, server = segments[0][1:].partition("@")
        return mastodon_handle(user, server or host)
    if network == "mastodon":
        found = account_in_url(url if "://" in url else "https://" + url.strip())
        return f"mastodon:{found}" if found else None
    return None


def _x_handle(segments: list[str]) -> str | None:
    if len(segments) == 3 and segments[:2] == ["i", "user"] and _NUMBER.match(segments[2]):
        return f"x:id:{segments[2]}"
    if len(segments) == 1 and segments[0].lower() not in _X_NOT_ACCOUNTS:
        match = _X_NAME.match(segments[0])
        return f"x:@{match.group(1).lower()}" if match else None
    return None


def _bare(text: str, network: str) -> str | None:
    """A handle written without a URL, on a network known from a label."""
    if network == "x":
        match = _X_NAME.match(text)
        return f"x:@{match.group(1).lower()}" if match else None
    if network == "mastodon":
        user, _, server = text.removeprefix("acct:").lstrip("@").partition("@")
        return mastodon_handle(user, server) if server else None
    if network == "bluesky":
        did = text.removeprefix("at://")
        return f"bluesky:{did}" if _DID.match(did) else None
    if network == "linkedin" and _LINKEDIN_ID.match(text):
        return _checked(f"linkedin:{text.lower()}")
    return None


def bluesky_handle_in_url(url: str, network: str | None = None) -> str | None:
    """The Bluesky handle (``ann.bsky.social``) a profile URL or, on Bluesky, a bare text
    names, when it names a handle rather than a DID."""
    text = url.strip()
    if network == "bluesky" and "/" not in text:
        match = _DOMAIN.match(text.lower())
        return match.group(1) if match else None
    parts = _parts(text)
    if parts is None or parts[0] != "bsky.app":
        return None
    segments = [s for s in parts[1].split("/") if s]
    if len(segments) == 2 and segments[0] == "profile":
        match = _DOMAIN.match(segments[1].lower())
        return match.group(1) if match else None
    return None


def mastodon_handle(user: str, server: str) -> str | None:
    """``mastodon:@user@server``, or None when the two cannot make an address."""
    try:
        return _checked(f"mastodon:{address(user, server)}")
    except BadRecord:
        return None


def email_handle(text: str) -> str | None:
    """``email:address`` lower-cased (``mailto:`` and ``<>`` dropped), or None.

    >>> email_handle("MAILTO:Ann@Example.COM"), email_handle("not an address")
    ('email:ann@example.com', None)
    """
    value = text.strip().strip("<>")
    if value[:7].lower() == "mailto:":
        value = value[7:]
    return _checked(f"email:{value.lower()}") if _EMAIL.match(value) else None


def phone_handle(text: str) -> str | None:
    """``tel:+DIGITS`` for a number written with its country code, else None."""
    value = text.strip()
    if value[:4].lower() == "tel:":
        value = value[4:]
    value = _PHONE_NOISE.sub("", value.split(";", 1)[0])
    if value.startswith("00"):
        value = "+" + value[2:]
    return f"tel:{value}" if _PHONE.match(value) else None


def handles_in_text(text: str) -> Iterator[str]:
    """Every handle a free text names: profile URLs, fediverse addresses, email addresses."""
    if "://" in text:
        for match in _URL_IN_TEXT.finditer(text):
            found = handle_in_url(match.group(0).rstrip(".,;:!?"))
            if found:
                yield found
    if "@" not in text:
        return
    for match in _FEDIVERSE_IN_TEXT.finditer(text):
        found = mastodon_handle(match.group(1), match.group(2))
        if found:
            yield found
    for match in _EMAIL_IN_TEXT.finditer(text):
        found = email_handle(match.group(1))
        if found:
            yield found


def bluesky_handles_in_text(text: str) -> Iterator[str]:
    """The Bluesky handles a free text's profile URLs name (not DIDs: those are handles).

    >>> list(bluesky_handles_in_text("see https://bsky.app/profile/Ann.bsky.social."))
    ['ann.bsky.social']
    """
    if "bsky.app/" not in text:
        return
    for match in _URL_IN_TEXT.finditer(text):
        found = bluesky_handle_in_url(match.group(0).rstrip(".,;:!?"))
        if found:
            yield found


def profile_url(handle: str) -> str | None:
    """The public web address of an account, where its handle gives one.

    >>> profile_url("mastodon:@ann@a.social"), profile_url("email:ann@example.com")
    ('https://a.social/@ann', None)
    """
    network, _, account = handle.partition(":")
    if network == "mastodon" and account.count("@") == 2:
        _, user, server = account.split("@")
        return f"https://{server}/@{user}"
    if network == "x":
        if account.startswith("id:"):
            return f"https://x.com/i/user/{account[3:]}"
        return f"https://x.com/{account.lstrip('@')}"
    if network == "bluesky":
        return f"https://bsky.app/profile/{account}"
    if network == "linkedin":
        return f"https://www.linkedin.com/in/{account}"
    return None


def _checked(handle: str) -> str | None:
    return handle if len(handle) <= MAX_KEY and "\x00" not in handle else None
