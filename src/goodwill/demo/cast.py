"""Who lives in the demo world: the owner and the kinds of people the seeds talk about.

Each :class:`Persona` is one real person with a role (the ground truth a feature should
recover from events alone) and one or more identities. Which networks a person is on
follows from their role: colleagues and customers email, pitchers arrive wherever a cold
message is cheap, the reciprocity ring lives on X.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from goodwill.demo.names import (
    AGENCIES,
    CITIES,
    COMPANIES,
    FIRST_NAMES,
    LAST_NAMES,
    HandleBook,
    ascii_slug,
    domain_of,
)

__all__ = ["OWNER_NAME", "ROLES", "ROLE_COUNTS", "SOCIAL", "Persona", "build_cast"]

ROLES = (
    "advocate",
    "colleague",
    "customer",
    "customer-complaint-resolved",
    "customer-complaint-unanswered",
    "drifting-friend",
    "pitcher",
    "churner",
    "ring",
    "blaster",
    "acquaintance",
)

# People of each role at scale 1; ``scale`` multiplies every count.
ROLE_COUNTS = {
    "advocate": 8,
    "colleague": 10,
    "customer": 20,
    "customer-complaint-resolved": 3,
    "customer-complaint-unanswered": 2,
    "drifting-friend": 8,
    "pitcher": 30,
    "churner": 25,
    "ring": 6,
    "blaster": 1,
    "acquaintance": 60,
}

SOCIAL = ("mastodon", "bluesky", "x")
OWNER_NAME = "Ines Varga"
_OWNER_HANDLES = (
    "mastodon:@ines@hachyderm.io",
    "bluesky:@inesvarga.bsky.social",
    "x:@inesvarga",
    "linkedin:ines-varga-4f7a",
    "email:ines@vargastudio.example",
)
_RING_TAGLINES = ("Growth mindset", "Building in public", "Creator", "DM for collabs")


@dataclass(frozen=True, slots=True)
class Persona:
    """One real person: a stable id, a name, a role and identities on one or more networks.

    ``display`` is the name shown on social networks, which for sellers carries a brand.
    """

    person: str
    name: str
    role: str
    handles: tuple[str, ...]
    city: str
    company: str
    display: str

    @property
    def first(self) -> str:
        """The given name, for greetings."""
        return self.name.split()[0]

    def on(self, network: str) -> str | None:
        """This person's handle on ``network``, if they have one."""
        prefix = f"{network}:"
        return next((h for h in self.handles if h.startswith(prefix)), None)

    def networks(self) -> tuple[str, ...]:
        """The networks this person has an identity on, in the order they were made."""
        return tuple(h.split(":", 1)[0] for h in self.handles)

    def shown_as(self, handle: str) -> str:
        """The display name that goes with one of this person's handles."""
        return self.name if handle.startswith(("email:", "linkedin:")) else self.display


def build_cast(rng: Random, scale: int, book: HandleBook) -> tuple[Persona, list[Persona]]:
    """The owner and ``scale`` times :data:`ROLE_COUNTS` people, in role order."""
    owner = Persona(
        "ines-varga", OWNER_NAME, "owner", tuple(map(book.reserve, _OWNER_HANDLES)),
        "Lisbon", "Varga Studio", OWNER_NAME,
    )  # fmt: skip
    names = _unique_names(rng, sum(ROLE_COUNTS.values()) * scale)
    cast: list[Persona] = []
    taken_ids: set[str] = {owner.person}
    for role in ROLES:
        for index in range(ROLE_COUNTS[role] * scale):
            first, last = names.pop()
            cast.append(_persona(rng, book, role, index, first, last, taken_ids))
    return owner, cast


def _unique_names(rng: Random, count: int) -> list[tuple[str, str]]:
    """``count`` distinct (first, last) pairs, none of them the owner's."""
    seen: set[tuple[str, str]] = set()
    names: list[tuple[str, str]] = []
    while len(names) < count:
        pair = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
        if pair not in seen and " ".join(pair) != OWNER_NAME:
            seen.add(pair)
            names.append(pair)
    return names


def _persona(
    rng: Random, book: HandleBook, role: str, index: int, first: str, last: str, taken: set[str]
) -> Persona:
    """One person of ``role``, with identities on the networks that role uses."""
    person = ascii_slug(f"{first} {last}", "-")
    while person in taken:
        person = f"{ascii_slug(f'{first} {last}', '-')}-{rng.randint(2, 99)}"
    taken.add(person)
    company = rng.choice(AGENCIES if role in ("pitcher", "blaster") else COMPANIES)
    personal = role in ("drifting-friend", "acquaintance", "advocate") and rng.random() < 0.5
    domain = book.personal_domain() if personal else domain_of(company)
    handles = tuple(
        book.handle(network, first, last, domain) for network in _networks(rng, role, index)
    )
    return Persona(
        person, f"{first} {last}", role, handles, rng.choice(CITIES), company,
        _display(rng, role, first, last, company),
    )  # fmt: skip


def _display(rng: Random, role: str, first: str, last: str, company: str) -> str:
    """How the person presents on social networks: sellers lead with their brand."""
    if role == "pitcher":
        return f"{first} | {company}"
    if role == "blaster":
        return f"{first} 🚀 {company}"
    if role == "ring":
        return f"{first} {last} | {rng.choice(_RING_TAGLINES)}"
    return f"{first} {last}"


def _networks(rng: Random, role: str, index: int) -> list[str]:
    """The networks a person of ``role`` is on; ``index`` spreads advocates over all three."""
    chance = rng.random
    if role == "advocate":
        nets = [SOCIAL[index % 3], "linkedin", "email"]
        if chance() < 0.3:
            nets.insert(1, SOCIAL[(index + 1) % 3])
        return nets
    if role == "colleague":
        return ["email", rng.choice(("mastodon", "bluesky"))] + (["linkedin"] * (chance() < 0.6))
    if role == "customer":
        return ["email"] + (["linkedin"] * (chance() < 0.5))
    if role.startswith("customer-complaint"):
        return ["email", SOCIAL[(index + 2) % 3]]
    if role == "drifting-friend":
        return [rng.choice(("mastodon", "bluesky"))] + (["email"] * (chance() < 0.6))
    if role == "pitcher":
        return rng.choices(("x", "linkedin", "email", "bluesky", "mastodon"), (6, 6, 5, 2, 1))
    if role == "churner":
        return rng.choices(("x", "bluesky", "mastodon"), (5, 3, 2))
    if role == "ring":
        return ["x"]
    if role == "blaster":
        return ["x", "bluesky"]
    return _acquaintance_networks(rng)


def _acquaintance_networks(rng: Random) -> list[str]:
    """One or two public networks, and now and then an email address."""
    main = rng.choices(("mastodon", "bluesky", "x", "linkedin"), (7, 6, 4, 3))[0]
    nets = [main]
    if rng.random() < 0.25:
        nets.append(rng.choice([n for n in (*SOCIAL, "linkedin") if n != main]))
    if rng.random() < 0.1:
        nets.append("email")
    return nets
