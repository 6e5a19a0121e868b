"""Text features of a message that sells: links, whose site they point to, sales language.

Written from what spam filters and people who read cold email know, not from any one
data set: an offer page with a tracking code, a link to the sender's own domain in a first
message, a call to book or buy, a discount or a price, a promise of growth, an
unsubscribe line. Each feature is a plain function of the text (and of who sent it), so
the pitch detector's reasons can name exactly what it saw.

>>> selling_signs("Book a demo this week and get 30% off: https://acme.example/demo?ref=7")
('call to action', 'offer')
>>> link_hosts("see www.Acme.example/a and https://b.example.")
['acme.example', 'b.example']
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "brand_in_name",
    "host_labels",
    "link_hosts",
    "mention_count",
    "offer_links",
    "own_links",
    "selling_signs",
    "words_of",
]

URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>()\"']+")
_MENTION = re.compile(r"(?<![\w@])@[\w.-]+(?:@[\w.-]+)?")
_WORD = re.compile(r"[a-z0-9]+")
_TRAILING = ".,;:!?)]}'\""

# Query keys that tag a link for a campaign or an affiliate.
_TRACKING_KEYS = frozenset(
    {"ref", "aff", "affiliate", "coupon", "promo", "code", "discount", "campaign", "via",
     "referral", "referrer", "src", "source", "fbclid", "gclid", "mc_cid", "mc_eid"}
)  # fmt: skip
# Path segments of landing pages: where ads send people, not where people send friends.
_OFFER_PATHS = frozenset(
    {"demo", "demos", "offer", "offers", "trial", "free-trial", "pricing", "price", "start",
     "get-started", "signup", "sign-up", "register", "checkout", "buy", "order", "book",
     "booking", "deal", "deals", "promo", "sale", "audit", "webinar", "masterclass", "lp",
     "landing", "go", "join", "apply", "discount", "coupon", "subscribe"}
)  # fmt: skip
# Hosts anyone links to: a link there says nothing about whose business it is.
_PLATFORMS = frozenset(
    {"youtube", "youtu", "linkedin", "twitter", "x", "facebook", "instagram", "tiktok",
     "github", "medium", "substack", "google", "bit", "ow", "t", "lnkd", "wikipedia",
     "bsky", "mastodon", "calendly", "zoom", "apple", "spotify"}
)  # fmt: skip
# Labels that are not a name: public suffixes and the web's own prefixes.
_NOT_NAMES = frozenset(
    {"www", "com", "org", "net", "io", "co", "ai", "app", "example", "uk", "de", "fr", "nl",
     "eu", "us", "info", "biz", "me", "social", "mail", "email", "go", "get", "try", "join"}
)  # fmt: skip

_SIGNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "call to action",
        re.compile(
            r"\b(?:book|schedule|grab|claim|reserve)\s+(?:a|an|your|my)?\s*(?:free\s+)?"
            r"(?:demo|call|spot|seat|slot|meeting|consultation|trial)s?\b"
            r"|\b(?:sign\s*up|buy\s+now|order\s+now|shop\s+now|get\s+started|click\s+"
            r"(?:here|below|the\s+link)|learn\s+more|try\s+(?:it\s+)?(?:for\s+)?free|"
            r"free\s+trial|start\s+your\s+(?:free\s+)?trial|link\s+in\s+(?:my\s+)?bio|"
            r"dm\s+me\s+(?:for|to)|reply\s+(?:yes|interested)|check\s+(?:it\s+)?out\s+here)\b"
        ),
    ),
    (
        "offer",
        re.compile(
            r"\b\d{1,3}\s?%\s?off\b|\b(?:discounts?|coupons?|promo(?:\s+code)?|special\s+offer|"
            r"limited(?:[-\s]time)?\s+offer|exclusive\s+offer|limited\s+time|last\s+chance|"
            r"today\s+only|only\s+today|act\s+now|money[-\s]back|risk[-\s]free|"
            r"no\s+obligation|ends\s+(?:today|tonight|tomorrow|soon|on\s+\w+|monday|tuesday|"
            r"wednesday|thursday|friday|saturday|sunday)|free\s+(?:audit|consultation|quote|"
            r"gift|ebook|e-book|webinar|masterclass|strategy\s+session))\b"
        ),
    ),
    (
        "growth promise",
        re.compile(
            r"\b(?:qualified\s+leads|more\s+(?:clients|customers|leads|sales|followers|traffic)|"
            r"grow\s+(?:your|ur)\s+(?:followers|audience|business|sales|revenue|brand|list|"
            r"agency)|\d+\s?x\s+(?:your\s+)?(?:growth|engagement|followers|revenue|sales|leads|"
            r"roi|results|reach)|guarantee[ds]?|passive\s+income|on\s+autopilot|skyrocket|"
            r"(?:boost|double|triple)\s+your|(?:increase|improve)\s+your\s+(?:sales|seo|"
            r"ranking|traffic|conversions?)|seo|lead\s+gen(?:eration)?|cold\s+outreach|"
            r"automate\s+your)\b"
        ),
    ),
    (
        "price",
        re.compile(
            r"[$€£]\s?\d|\b\d+(?:[.,]\d+)?\s?(?:usd|eur|gbp|dollars|euros)\b"
            r"|\b(?:per|/)\s?(?:month|mo|year|yr)\b"
        ),
    ),
    (
        "unsubscribe line",
        re.compile(
            r"\b(?:unsubscribe|opt[-\s]?out|to\s+stop\s+receiving|remove\s+me|"
            r"manage\s+(?:your\s+)?preferences)\b"
        ),
    ),
)


def selling_signs(text: str) -> tuple[str, ...]:
    """The kinds of sales language in ``text`` (links set aside), in a fixed order."""
    plain = URL.sub(" ", text).lower()
    return tuple(name for name, pattern in _SIGNS if pattern.search(plain))


def _urls(text: str) -> list[str]:
    """The links in ``text`` that parse as URLs. Imported text is anyone's: a bracket
    after a host (``https://evil.example]x``) makes ``urlsplit`` raise, and one such post
    must not stop the agenda or the hygiene report, so such a link is not a link."""
    found = []
    for match in URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        url = url if "://" in url else f"http://{url}"
        try:
            urlsplit(url)
        except ValueError:
            continue
        found.append(url)
    return found


def link_hosts(text: str) -> list[str]:
    """The host of every link in ``text``, lower-case, in order."""
    hosts = []
    for url in _urls(text):
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        if host:
            hosts.append(host)
    return hosts


def host_labels(host: str) -> set[str]:
    """The parts of a host that can name someone: ``go.acme-growth.example`` gives
    ``{"acme-growth", "acmegrowth"}`` (platforms and suffixes give nothing).

    >>> sorted(host_labels("go.acme-growth.example"))
    ['acme-growth', 'acmegrowth']
    """
    labels = {label for label in host.split(".")[:-1] if label not in _NOT_NAMES}
    if labels & _PLATFORMS:
        return set()
    return {form for label in labels for form in (label, label.replace("-", ""))}


def offer_links(text: str) -> list[str]:
    """Links that carry a tracking code or go to a landing page (demo, trial, offer...)."""
    found = []
    for url in _urls(text):
        parts = urlsplit(url)
        keys = {k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
        segments = {s.lower() for s in parts.path.split("/") if s}
        if (
            keys & _TRACKING_KEYS
            or any(k.startswith("utm_") for k in keys)
            or (segments & _OFFER_PATHS)
        ):
            found.append(url)
    return found


def words_of(text: str) -> set[str]:
    """The ASCII words of ``text`` (accents folded), for matching names against domains."""
    folded = unicodedata.normalize("NFKD", text.replace("ø", "o")).encode("ascii", "ignore")
    return set(_WORD.findall(folded.decode().lower()))


def _name_forms(names: list[str]) -> set[str]:
    """A sender's words and the runs of them written together (``Lead Rocket`` gives
    ``leadrocket`` too), at least four letters long, since short words match any host."""
    forms: set[str] = set()
    for name in names:
        folded = unicodedata.normalize("NFKD", name.replace("ø", "o")).encode("ascii", "ignore")
        words = _WORD.findall(folded.decode().lower())
        for start in range(len(words)):
            for end in range(start + 1, min(start + 4, len(words)) + 1):
                forms.add("".join(words[start:end]))
    return {f for f in forms if len(f) >= 4 and f not in _NOT_NAMES}


def own_links(text: str, sender: list[str], exclude: set[str]) -> list[str]:
    """Hosts in ``text`` that belong to the sender: a host label equal to the domain of the
    sender's email or to a word (or run of words) of their name or handle. Hosts whose
    labels are in ``exclude`` (the owner's own domains) never count.

    >>> own_links("Try it: https://leadrocket.example/demo", ["Ana | LeadRocket"], set())
    ['leadrocket.example']
    """
    forms = _name_forms(sender)
    found = []
    for host in link_hosts(text):
        labels = host_labels(host)
        if labels & forms and not labels & exclude:
            found.append(host)
    return found


def mention_count(text: str) -> int:
    """How many accounts ``text`` tags with ``@``."""
    return len(_MENTION.findall(text))


def brand_in_name(name: str) -> bool:
    """Whether a display name carries more than a name: a separator (``|``, ``•``, ``·``,
    `` - ``) or a pictograph (emoji) between words.

    >>> brand_in_name("Ana | LeadRocket"), brand_in_name("Ana Pérez"), brand_in_name("Bo 🚀 X")
    (True, False, True)
    """
    if any(sep in name for sep in ("|", "•", "·", " - ", " \u2013 ", " @ ")):
        return True
    return any(unicodedata.category(ch) == "So" for ch in name)
