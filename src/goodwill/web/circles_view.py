"""The circles page: the owner's nested circles with their members and reasons, pins, the
"may I share this with them?" check and exports, through the functions behind
``goodwill circles``, ``pin``/``unpin``, ``may-share`` and ``export circle``."""

from __future__ import annotations

import io
from dataclasses import dataclass

from sqlalchemy import Connection

from goodwill.errors import AlgorithmInputError
from goodwill.events import from_time_us
from goodwill.insights.circle_export import FORMATS, circle_members, write_circle
from goodwill.insights.circle_pins import PIN_LEVELS, UNPINNED, latest_pins, record_pin
from goodwill.insights.circle_rules import TIERS, CircleRules
from goodwill.insights.circles import Circles, Placement, circles_of, placement_of, share_verdict
from goodwill.ledger import Ledger
from goodwill.ledger.queries import find_person, person_names
from goodwill.trust.report import TrustView
from goodwill.web.cache import MomentReads
from goodwill.web.models import CircleMemberOut, CircleOut, CirclesOut, Evidence, ShareCheckOut
from goodwill.web.views import evidence

__all__ = [
    "API_MEMBERS",
    "API_MEMBERS_MOST",
    "EVIDENCE_SHOWN",
    "LISTS",
    "MEMBERS_PER_PAGE",
    "Download",
    "circle_download",
    "circles_page",
    "circles_result",
    "circles_window",
    "list_page_of",
    "pin_notice",
    "pin_notice_person",
    "pin_person",
    "share_check",
]

#: Events behind each member (``goodwill circles --evidence`` shows as many by default).
EVIDENCE_SHOWN = 2
#: Members shown per circle (and of those in none) on the page, each list paged on its own:
#: each member is a card with the reasons, the events and the pin forms (about a kilobyte
#: of HTML), and a page has five lists. A whole circle is its export's job.
MEMBERS_PER_PAGE = 20
#: The API's window per list by default, and the largest it takes.
API_MEMBERS, API_MEMBERS_MOST = 100, 1000
#: The lists a page has: the circles, widest first, and the contacts in none.
LISTS = (*TIERS, "outside")
_SUFFIX = {"csv": "csv", "vcard": "vcf", "mastodon": "csv"}
_MEDIA = {"csv": "text/csv", "vcard": "text/vcard", "mastodon": "text/csv"}


def _member(p: Placement, cited: dict[int, Evidence]) -> CircleMemberOut:
    f = p.figures
    return CircleMemberOut(
        person=p.person,
        name=p.name,
        tier=p.tier,
        earned=p.earned,
        why=p.why,
        pinned=None if p.pin is None else p.pin.level,
        pinned_on=None if p.pin is None else p.pin.date,
        stage=f.stage if f else None,
        trust=f.trust if f else None,
        trusted=f.trusted if f else None,
        uncertainty=f.uncertainty if f else None,
        evidence=[cited[e] for e in p.evidence if e in cited],
    )


def circles_page(
    conn: Connection, view: TrustView, rules: CircleRules, *, level: str = TIERS[0]
) -> tuple[Circles, CirclesOut]:
    """The circles from ``level`` inwards, narrowest first, each with the people whose
    narrowest circle it is; and everyone else the owner dealt with, in no circle."""
    if level not in TIERS:
        raise AlgorithmInputError(f"level must be one of {', '.join(TIERS)}, not {level!r}")
    found = circles_of(conn, view, rules, evidence_events=EVIDENCE_SHOWN)
    members = found.members(level)
    outside = sorted(
        (p for p in found.placements.values() if p.tier is None),
        key=lambda p: (-(p.figures.trust if p.figures else 0.0), p.person),
    )
    cited = evidence(conn, [e for p in (*members, *outside) for e in p.evidence])
    shown = TIERS[TIERS.index(level) :][::-1]
    page = CirclesOut(
        at=from_time_us(found.at_us).isoformat(),
        rules=rules.source,
        cooling_highest=rules.cooling_highest,
        circles=[
            CircleOut(
                name=tier,
                thresholds=rules.tier(tier).summary(),
                reason=rules.tier(tier).reason,
                members=[_member(m, cited) for m in members if m.tier == tier],
            )
            for tier in shown
        ],
        outside=[_member(p, cited) for p in outside],
    )
    return found, page


def circles_result(
    reads: MomentReads, rules: CircleRules, *, level: str = TIERS[0]
) -> tuple[Circles, CirclesOut]:
    """:func:`circles_page` through the app's caches: made once per moment and store
    version (a pin is a write, so it shows at once)."""
    return reads.page(
        "circles",
        (rules, level),
        lambda: circles_page(reads.conn, reads.view(), rules, level=level),
    )


def circles_window(
    page: CirclesOut, *, limit: int, offset: int = 0, only: str | None = None
) -> CirclesOut:
    """``page`` with each list cut to ``limit`` members, from ``offset`` in list ``only``
    (a circle's name or ``outside``), or in every list when ``only`` is None, and from the
    first member in the others; each list says its total."""
    if only is not None and only not in LISTS:
        raise AlgorithmInputError(f"list must be one of {', '.join(LISTS)}, not {only!r}")

    def start(name: str) -> int:
        return offset if only in (None, name) else 0

    circles = [
        c.model_copy(
            update={
                "members": c.members[start(c.name) : start(c.name) + limit],
                "total": len(c.members),
                "offset": start(c.name),
            }
        )
        for c in page.circles
    ]
    first = start("outside")
    return page.model_copy(
        update={
            "circles": circles,
            "outside": page.outside[first : first + limit],
            "outside_total": len(page.outside),
            "outside_offset": first,
        }
    )


def list_page_of(page: CirclesOut, person: int, per_page: int) -> tuple[str, int] | None:
    """The list (a circle's name or ``outside``) that shows ``person``, and the page of it
    (from 1) they are on; None if they are on none."""
    lists = [(c.name, c.members) for c in page.circles] + [("outside", page.outside)]
    for name, members in lists:
        for place, member in enumerate(members):
            if member.person == person:
                return name, place // per_page + 1
    return None


def share_check(conn: Connection, circles: Circles, person: str, level: str) -> ShareCheckOut:
    """Whether ``person`` (an id, a handle or a name) is in circle ``level``, and why, as
    ``goodwill may-share`` answers."""
    if level not in TIERS:
        raise AlgorithmInputError(f"level must be one of {', '.join(TIERS)}, not {level!r}")
    person_id = find_person(conn, person)
    name = person_names(conn, [person_id]).get(person_id, "?")
    placed = placement_of(circles, person_id, name)
    allowed, reason = share_verdict(circles, placed, level)
    return ShareCheckOut(
        person=person_id,
        name=placed.name,
        level=level,
        tier=placed.tier,
        allowed=allowed,
        reason=reason,
        at=from_time_us(circles.at_us).isoformat(),
    )


@dataclass(frozen=True, slots=True)
class Download:
    """A file to hand to the browser."""

    body: str
    media_type: str
    filename: str


def circle_download(conn: Connection, circles: Circles, level: str, form: str) -> Download:
    """Circle ``level`` (and the narrower ones) in ``form``: what ``goodwill export circle
    LEVEL --format FORM`` writes, byte for byte."""
    if level not in TIERS:
        raise AlgorithmInputError(f"level must be one of {', '.join(TIERS)}, not {level!r}")
    if form not in FORMATS:
        raise AlgorithmInputError(f"format must be one of {', '.join(FORMATS)}, not {form!r}")
    members = circle_members(conn, circles, level)
    handle = io.StringIO(newline="")
    write_circle(members, form, handle, list_name=f"goodwill {level}")
    stem = f"goodwill-{level}" + ("-mastodon-list" if form == "mastodon" else "")
    return Download(handle.getvalue(), _MEDIA[form], f"{stem}.{_SUFFIX[form]}")


def pin_person(ledger: Ledger, person: str, level: str, *, at_us: int) -> int:
    """Pin ``person`` (an id, a handle or a name) to ``level``, or hand them back to the
    evidence with ``evidence``, as of ``at_us``, as ``goodwill pin``/``unpin`` do; their
    person id. Unpinning someone with no pin records nothing (there is nothing to undo)."""
    if level not in (*PIN_LEVELS, UNPINNED):
        raise AlgorithmInputError(
            f"level must be one of {', '.join((*PIN_LEVELS, UNPINNED))}, not {level!r}"
        )
    with ledger.read() as conn:
        person_id = find_person(conn, person)
        current = latest_pins(conn, at_us).get(person_id)
    if level != UNPINNED or current is not None:
        record_pin(ledger, person_id, level, time_us=at_us)
    return person_id


def pin_notice_person(pinned: str | None) -> int | None:
    """The person the pin form just recorded something for, from the redirect's
    ``?pinned=PERSON:LEVEL`` (None when there is nothing readable)."""
    person, _, level = (pinned or "").partition(":")
    return int(person) if person.isdigit() and level in (*PIN_LEVELS, UNPINNED) else None


def pin_notice(page: CirclesOut, pinned: str | None) -> str | None:
    """What the pin form just recorded, in words, from ``PERSON:LEVEL`` (the redirect's
    ``?pinned=``); None when there is nothing (or nothing readable) to say."""
    person, _, level = (pinned or "").partition(":")
    if not person.isdigit() or level not in (*PIN_LEVELS, UNPINNED):
        return None
    everyone = [m for c in page.circles for m in c.members] + page.outside
    name = next((m.name for m in everyone if m.person == int(person)), f"person {person}")
    if level == UNPINNED:
        return f"{name} is unpinned: their circle is what the evidence says."
    if level == "none":
        return f"{name} is pinned out of every circle."
    return f"{name} is pinned to {level}."
