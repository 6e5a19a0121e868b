"""Whether something the owner wrote promotes her: general signals, not anyone's wording.

Three signals, each one a reason shown to the owner:

- **her own site**: a link to a domain she writes e-mail from (unless it is a webmail
  provider), to a site named in her identities' attributes (``website``, ``url``, ...), or
  to one of her own profiles (a path segment that is one of her account names);
- **"my/our new"**: announcing her own new thing ("our new course", "just launched");
- **a call to buy**: booking, signing up, discounts, offers, open slots, "hire me".

>>> own = OwnSites(domains=frozenset({"studio.example"}), accounts=frozenset({"inesvarga"}))
>>> promotion_signals("Our new guide is out: https://www.studio.example/guide", own)
['link to her own site', 'announces her own new thing']
>>> promotion_signals("A few slots open in May, book a call!", own)
['call to buy']
>>> promotion_signals("Great piece on pricing: https://other.example/p", own)
[]
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import Connection, select

from goodwill.ledger.schema import identities

__all__ = ["OwnSites", "own_sites", "promotion_signals"]

# Mail providers anyone can write from: their domain is nobody's own site.
_WEBMAIL_DOMAINS = """gmail.com googlemail.com outlook.com hotmail.com live.com msn.com
    yahoo.com ymail.com icloud.com me.com mac.com aol.com proton.me protonmail.com pm.me gmx.com gmx.de gmx.net
    web.de mail.com yandex.com yandex.ru zoho.com fastmail.com hey.com tutanota.com
    posteo.de mailbox.org orange.fr free.fr laposte.net libero.it qq.com 163.com"""
_WEBMAIL = frozenset(_WEBMAIL_DOMAINS.split())
_SITE_KEYS = ("website", "url", "homepage", "site", "blog", "web")
# account names this short match too many paths ("/ines" in "/business") to count
_MIN_ACCOUNT = 5

_URL = re.compile(r"https?://[^\s<>\"')\]]+|www\.[^\s<>\"')\]]+", re.IGNORECASE)
_OWN_NEW = re.compile(
    r"\b(?:my|our)\s+(?:brand[- ])?(?:new|latest|upcoming|first-ever)\b"
    r"|\bjust\s+(?:launched|released|published|shipped|dropped)\b"
    r"|\b(?:i|we)(?:'m|'re|\s+am|\s+are)\s+(?:launching|releasing|opening)\b"
    r"|\blaunch(?:ed|ing)?\s+(?:my|our)\b",
    re.IGNORECASE,
)
_BUY = re.compile(
    r"\bbook\s+(?:a|your|my|an?|the)?\s*(?:call|demo|session|slot|consultation|spot)\b"
    r"|\bsign(?:\s|-)?up\b|\b(?:buy|order|shop)\s+now\b|\bget\s+yours\b|\bpre-?order\b"
    r"|\d\s?%\s?off\b|\bdiscount|\bcoupon\b|\bpromo\s+code\b|\buse\s+code\b|\bfree\s+trial\b"
    r"|\b(?:limited|special|exclusive)\s+offer\b|\bearly[- ]bird\b|\blink\s+in\s+bio\b"
    r"|\b(?:slots?|spots?|seats?|places?)\s+(?:are\s+)?(?:open|left|available|remaining)\b"
    r"|\b(?:hire|work\s+with)\s+me\b|\bjoin\s+(?:my|our)\s+(?:course|newsletter|waitlist|programme|program)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class OwnSites:
    """Where the owner's own pages are: site domains and her account names."""

    domains: frozenset[str]
    accounts: frozenset[str]


def own_sites(conn: Connection, owner: int) -> OwnSites:
    """The owner's sites and account names, from her identities in the ledger."""
    domains: set[str] = set()
    accounts: set[str] = set()
    rows = conn.execute(
        select(identities.c.network, identities.c.account, identities.c.attributes).where(
            identities.c.person_id == owner
        )
    )
    for network, account, attributes in rows:
        name = str(account).lstrip("@").split("@")[0].lower()
        if network == "email":
            domain = str(account).rsplit("@", 1)[-1].lower()
            if domain not in _WEBMAIL:
                domains.add(domain)
        elif len(name) >= _MIN_ACCOUNT:
            accounts.add(name)
        for key, value in (json.loads(attributes) if attributes else {}).items():
            if key.lower() in _SITE_KEYS and (host := _host(str(value))):
                domains.add(host)
    return OwnSites(frozenset(domains), frozenset(accounts))


def _host(url: str) -> str:
    """The host of ``url`` without ``www.``; ``url`` may lack its scheme."""
    parts = urlsplit(url if "//" in url else f"//{url}")
    host = (parts.hostname or "").lower()
    return host.removeprefix("www.")


def _is_own(url: str, own: OwnSites) -> bool:
    host = _host(url)
    if any(host == d or host.endswith(f".{d}") for d in own.domains):
        return True
    path = urlsplit(url if "//" in url else f"//{url}").path.lower()
    segments = {s.lstrip("@") for s in path.split("/") if s}
    return bool(segments & own.accounts)


def promotion_signals(text: str | None, own: OwnSites) -> list[str]:
    """The reasons ``text`` promotes its author (none: it does not)."""
    if not text:
        return []
    text = text.replace("\u2019", "'")
    found = []
    if any(_is_own(url, own) for url in _URL.findall(text)):
        found.append("link to her own site")
    if _OWN_NEW.search(text):
        found.append("announces her own new thing")
    if _BUY.search(text):
        found.append("call to buy")
    return found
