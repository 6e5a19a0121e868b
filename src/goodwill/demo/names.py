"""Invented names, places and handles for the demo world's people.

Names are drawn from broad pools so the cast reads like a real, international contact
list; every email domain ends in the reserved ``.example`` top-level domain, so no address
in the demo can belong to anybody. Handles follow each network's usual shape:

>>> from random import Random
>>> book = HandleBook(Random(3))
>>> book.handle("linkedin", "Zoë", "Van Dijk", "kestrel.example")[:21]
'linkedin:zoe-vandijk-'
>>> book.handle("bluesky", "Zoë", "Van Dijk", "kestrel.example")
'bluesky:@zoev.bsky.social'
"""

from __future__ import annotations

import re
import unicodedata
from random import Random

__all__ = [
    "AGENCIES",
    "CITIES",
    "COMPANIES",
    "FIRST_NAMES",
    "INSTANCES",
    "LAST_NAMES",
    "HandleBook",
    "ascii_slug",
]

FIRST_NAMES = (
    "Amara", "Bastian", "Chiara", "Dario", "Elif", "Farah", "Gustavo", "Hana", "Ilse",
    "Jonah", "Kaito", "Leila", "Mateus", "Nadia", "Oskar", "Priya", "Quentin", "Rosa",
    "Søren", "Tamsin", "Umar", "Valeria", "Wen", "Ximena", "Yusuf", "Zofia", "Aiko",
    "Bruno", "Camille", "Dmitri", "Esme", "Femi", "Greta", "Hugo", "Ingrid", "Joaquín",
    "Kalani", "Lucía", "Marek", "Noor", "Olu", "Pilar", "Rafael", "Saoirse", "Teodor",
    "Uma", "Vikram", "Wanjiru", "Yara", "Zeynep", "Anouk", "Benedikt", "Catalina", "Dev",
    "Eero", "Fatima", "Gideon", "Halima", "Ivo", "Jana", "Kofi", "Lotte", "Mireille",
    "Nikhil", "Orla", "Paulo", "Rania", "Sanne", "Tobias", "Ulla", "Vera", "Wiebke",
    "Xavier", "Yohannes", "Zainab", "Aurelio", "Beatriz", "Cormac", "Dalia", "Emeka",
    "Freya", "Goran", "Hiroshi", "Isabela", "Jasper", "Keziah", "Linnea", "Mattias",
    "Nilufar", "Oren", "Petra", "Rohan", "Selin", "Thandiwe", "Ugo", "Vesna", "Zoë",
)  # fmt: skip

LAST_NAMES = (
    "Abebe", "Bergström", "Castellano", "Dimitrov", "Eriksen", "Fonseca", "Gallagher",
    "Haddad", "Ibarra", "Jankowski", "Kimura", "Lindqvist", "Moreau", "Nakamura",
    "Okonkwo", "Petrović", "Quispe", "Rahman", "Santoro", "Takahashi", "Ulloa", "Van Dijk",
    "Wójcik", "Y\u0131lmaz", "Zieliński", "Achterberg", "Brannigan", "Cardoso", "Delacroix",
    "Esposito", "Ferreira", "Gunawardena", "Hollis", "Iwu", "Jensen", "Kovács", "Laurent",
    "Marchetti", "Novak", "Ortega", "Pereira", "Rinaldi", "Sato", "Tanaka", "Urquhart",
    "Whitfield", "Xu", "Yamamoto", "Zapata", "Adeyemi", "Brennan", "Costa", "Dubois",
    "Eklund", "Farouk", "Grünewald", "Holm", "Ilunga", "Juárez", "Kowalczyk", "Lundgren",
    "Mensah", "Nieminen", "Oyelaran", "Park", "Sandoval", "Thorsen", "Uchenna", "Vasquez",
    "Weiss", "Ybarra", "Zhou", "Achebe", "Baptiste", "Çelik", "Drummond", "Ekström",
    "Fairweather", "Gallo", "Hashemi", "Idowu", "Kruger", "Mahlangu", "Núñez", "Sørensen",
)  # fmt: skip

CITIES = ("Lisbon", "Rotterdam", "Montréal", "Nairobi", "Melbourne", "Austin", "Porto", "Leeds")

COMPANIES = (
    "Brightline Analytics", "Harbor & Vine", "Fieldnote Labs", "Copperleaf Bakery",
    "Northgate Logistics", "Tidewater Dental", "Quillworks", "Saltmarsh Design",
    "Ironbark Joinery", "Lumen & Loom", "Bluefin Travel", "Kestrel Accounting",
    "Oakridge Clinic", "Pebble Studio", "Riverbend Coffee", "Sunday Print Co.",
    "Thistle Legal", "Upland Outfitters", "Verdant Gardens", "Wildflower Yoga",
    "Alder Architects", "Beacon Tutoring", "Cinder Forge", "Driftwood Books",
    "Marigold Catering", "Foxglove Florists", "Granite Peak Physio", "Heron Bay Hostel",
)  # fmt: skip

# Accounts whose first words to a stranger are a sales pitch.
AGENCIES = (
    "LeadRocket", "GrowthPilot", "ScaleSprout", "FollowFunnel", "ReachMax AI",
    "PipelineHero", "BoostLab", "ClickHarvest",
)  # fmt: skip

INSTANCES = (
    "mastodon.social", "fosstodon.org", "hachyderm.io", "social.coop", "mas.to",
    "mstdn.social", "toot.community", "infosec.exchange",
)  # fmt: skip

PERSONAL_DOMAINS = ("mailbox.example", "postbox.example", "letterbox.example")

_NOT_LETTER = re.compile(r"[^a-z0-9]+")


def ascii_slug(text: str, joiner: str = "") -> str:
    """Lower-case ASCII letters and digits of ``text``, words joined by ``joiner``.

    >>> ascii_slug("Çelik Núñez", "-")
    'celik-nunez'
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("ø", "o").replace("\u0131", "i"))
    plain = decomposed.encode("ascii", "ignore").decode().lower()
    return _NOT_LETTER.sub(joiner, plain).strip(joiner) if joiner else _NOT_LETTER.sub("", plain)


def domain_of(company: str) -> str:
    """The invented company's email domain: its first word under ``.example``."""
    return f"{ascii_slug(company.split(maxsplit=1)[0])}.example"


class HandleBook:
    """Makes handles in each network's shape and never hands out the same one twice."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def reserve(self, handle: str) -> str:
        """Mark a handle made elsewhere (the owner's) as taken."""
        self.taken.add(handle)
        return handle

    def handle(self, network: str, first: str, last: str, domain: str) -> str:
        """A fresh handle for this person on ``network``; a number settles any clash."""
        given, family = ascii_slug(first), ascii_slug(last)
        for attempt in range(50):
            suffix = "" if attempt == 0 else str(self.rng.randint(2, 99))
            candidate = self._shape(network, given, family, domain, suffix)
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        raise RuntimeError(f"no free {network} handle for {first} {last}")  # pragma: no cover

    def _shape(self, network: str, f: str, n: str, domain: str, suffix: str) -> str:
        """One candidate handle; the style varies the way real people's handles do."""
        pick = self.rng.choice
        if network == "mastodon":
            user = pick((f, f + n, f"{f}_{n}", f[0] + n))
            return f"mastodon:@{user}{suffix}@{pick(INSTANCES)}"
        if network == "bluesky":
            return f"bluesky:@{pick((f + n, f'{f}-{n}', f + n[0]))}{suffix}.bsky.social"
        if network == "x":
            user = pick((f + n, f"{f}_{n}", f"{f[0]}_{n}", n + f))[:13]
            return f"x:@{user}{suffix}"
        if network == "linkedin":
            return f"linkedin:{f}-{n}{suffix}-{self.rng.getrandbits(16):04x}"
        if network == "email":
            user = pick((f"{f}.{n}", f, f[0] + n))
            return f"email:{user}{suffix}@{domain}"
        raise ValueError(f"unknown network {network!r}")

    def personal_domain(self) -> str:
        """A private mail domain, for people who write from home rather than work."""
        return self.rng.choice(PERSONAL_DOMAINS)
