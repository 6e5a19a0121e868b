"""A seeded, deterministic year in one owner's relationships, written as importable files.

The demo world exists so that every feature can be shown and checked on data whose truth
is known: who is an advocate, who drifted away, who only pitched, which accounts farm
reciprocity. :func:`generate` plays a cast of such people through a year on Mastodon,
Bluesky, X, LinkedIn and email, and writes two files:

- ``events.jsonl``: identity lines (the address book) and then one event per line in time
  order, in the format the ``jsonl`` source reads;
- ``truth.json``: each person's role and identities, which features must recover from the
  events alone, and the owner's open items (``open_items``): what people said to her that
  a sensible person would answer, and what they did for her that deserves thanks, each
  with the event that answered or thanked it, if she ever did.

Nothing depends on the clock or on anything but ``seed``, ``year`` and ``scale``: the same
arguments give byte-identical files.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     world = generate(Path(folder), seed=7)
...     (world.owner, world.events > 5000, 150 <= world.people <= 250)
('mastodon:@ines@hachyderm.io', True, True)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

from goodwill.demo.cast import ROLES, Persona, build_cast
from goodwill.demo.names import HandleBook
from goodwill.demo.noise import play_blaster, play_churner, play_pitcher, play_rings
from goodwill.demo.scenes import Stage
from goodwill.demo.social import (
    play_acquaintance,
    play_advocate,
    play_drifting_friend,
    post_as_owner,
)
from goodwill.demo.texts import Writer
from goodwill.demo.timeline import Draft, Timeline
from goodwill.demo.work import owner_introductions, play_colleague, play_complaint, play_customers

__all__ = ["DemoWorld", "generate"]

# Roles whose people the owner knows well enough to keep in an address book.
_ADDRESS_BOOK = ("advocate", "colleague", "customer", "drifting-friend", "acquaintance")


@dataclass(frozen=True, slots=True)
class DemoWorld:
    """Where the files were written and how much they hold."""

    events_path: Path
    truth_path: Path
    owner: str
    events: int
    identities: int
    people: int


def generate(directory: Path, *, seed: int = 7, year: int = 2025, scale: int = 1) -> DemoWorld:
    """Write ``events.jsonl`` and ``truth.json`` for one simulated year into ``directory``.

    ``scale`` multiplies the number of people of every kind; existing files are replaced.
    """
    if scale < 1:
        raise ValueError(f"scale must be a positive integer, got {scale}")
    rng = Random(seed)
    line = Timeline(year, rng)
    owner, cast = build_cast(rng, scale, HandleBook(rng))
    stage = Stage(rng, line, Writer(rng, owner=owner.first), owner, cast)
    _play(stage, scale)
    drafts = line.finish()
    used = line.used_handles()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    events_path, truth_path = directory / "events.jsonl", directory / "truth.json"
    people = [p for p in cast if any(h in used for h in p.handles)]
    with events_path.open("w", encoding="utf-8", newline="\n") as out:
        for record in _identity_lines(owner, people, used):
            out.write(_dump(record))
        for record in _event_lines(line, drafts, [owner, *people]):
            out.write(_dump(record))
    truth = _truth(seed, year, owner, people, used)
    truth["open_items"] = _open_items(owner, people, drafts)
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return DemoWorld(
        events_path, truth_path, owner.handles[0], len(drafts), len(used), len(people) + 1
    )


def _play(stage: Stage, scale: int) -> None:
    """Run every script once, in a fixed order, so the random stream is reproducible."""
    post_as_owner(stage)
    scripts = {
        "advocate": play_advocate,
        "colleague": play_colleague,
        "drifting-friend": play_drifting_friend,
        "acquaintance": play_acquaintance,
        "pitcher": play_pitcher,
        "churner": play_churner,
        "blaster": play_blaster,
    }
    for role, script in scripts.items():
        for who in stage.of_role(role):
            script(stage, who)
    play_customers(stage)
    for who in stage.of_role("customer-complaint-resolved"):
        play_complaint(stage, who, resolved=True)
    for who in stage.of_role("customer-complaint-unanswered"):
        play_complaint(stage, who, resolved=False)
    play_rings(stage)
    owner_introductions(stage, 3 + 2 * scale)


def _dump(record: dict[str, Any]) -> str:
    """One JSON line; non-ASCII kept as is, so names and emoji stay readable."""
    return json.dumps(record, ensure_ascii=False) + "\n"


def _identity_lines(
    owner: Persona, people: list[Persona], used: set[str]
) -> Iterator[dict[str, Any]]:
    """What the owner's address book and LinkedIn know: names, cities and companies."""
    for who in [owner, *(p for p in people if p.role in _ADDRESS_BOOK)]:
        for handle in who.handles:
            if handle in used and handle.startswith(("email:", "linkedin:")):
                attributes = {"city": who.city, "company": who.company}
                yield {"identity": handle, "name": who.name, "attributes": attributes}


def _event_lines(
    line: Timeline, drafts: list[Draft], everyone: list[Persona]
) -> Iterator[dict[str, Any]]:
    """Event records in time order; display names ride on each identity's first event."""
    shown = {h: p.shown_as(h) for p in everyone for h in p.handles}
    named: set[str] = set()
    for draft in drafts:
        record: dict[str, Any] = {
            "id": draft.id,
            "time": line.stamp(draft.time),
            "kind": draft.kind,
            "actor": draft.actor,
        }
        if draft.target is not None:
            record["target"] = draft.target
        if draft.text is not None:
            record["text"] = draft.text
        if draft.answers is not None:
            record["answers"] = draft.answers.id
        if draft.value is not None:
            record["value"] = draft.value
        for key, handle in (("actor_name", draft.actor), ("target_name", draft.target)):
            if handle is not None and handle not in named:
                named.add(handle)
                record[key] = shown[handle]
        yield record


def _truth(
    seed: int, year: int, owner: Persona, people: list[Persona], used: set[str]
) -> dict[str, Any]:
    """The ground truth: every person's role and the identities they actually used."""
    entries = [
        {
            "person": p.person,
            "name": p.name,
            "role": p.role,
            "identities": [h for h in p.handles if h in used],
        }
        for p in people
    ]
    return {
        "seed": seed,
        "year": year,
        "owner": owner.handles[0],
        "owner_identities": list(owner.handles),
        "people": entries,
        "roles": {role: [p.person for p in people if p.role == role] for role in ROLES},
    }


# What the owner's open items are made of (see _open_items).
_NOISE = frozenset({"pitcher", "blaster", "churner", "ring"})
_ADDRESSING = frozenset({"mention", "reply", "message", "email", "comment"})
_PRIVATE = frozenset({"message", "email"})
_FOR_HER = frozenset({"share", "quote", "endorsement", "introduction", "referral", "gift"})
_NOT_AN_ANSWER = frozenset({"like", "follow", "unfollow", "block", "mute"})


def _open_items(owner: Persona, people: list[Persona], drafts: list[Draft]) -> dict[str, Any]:
    """What people owed an answer or a thank-you, and when (if ever) the owner gave it.

    *Owed an answer*: a mention, reply, message, email or comment to the owner that a
    sensible person answers: not from a pitcher, blaster, churner or ring account (whose
    approaches she rightly leaves alone), and not a closing turn (an answer to one of her
    own messages that asks nothing back, without a question mark). It is answered by the
    first event of hers that answers it or a later bump of the same thread (their second
    message answering their first), or, for a private message, by the first message or
    email she sends that account afterwards, or a meeting or call with it. *Owed thanks*:
    a share, quote, endorsement, introduction, referral or gift from someone not in those
    roles, thanked by the first event of hers answering it or her next thank-you to that
    account (one thank-you covers everything before it).

    ``unanswered`` and ``unthanked`` list what was never answered or thanked; ``answered``
    and ``thanked`` map the rest to the event that did it, so the items open at any moment
    can be told. Reads the drafts only: no random number is drawn, so the events file
    does not change.
    """
    mine = set(owner.handles)
    role = {h: p.role for p in people for h in p.handles}
    answer: dict[int, Draft] = {}  # id(draft) -> the owner's first answer to it
    bumps: dict[int, list[Draft]] = {}  # id(draft) -> later drafts by its actor answering it
    contacts: dict[str, list[Draft]] = {}  # account -> the owner's private contacts with it
    thanks: dict[str, list[Draft]] = {}  # account -> the owner's thank-yous to it
    for d in drafts:  # in time order
        if d.answers is not None and d.actor in mine and d.kind not in _NOT_AN_ANSWER:
            answer.setdefault(id(d.answers), d)
        if d.answers is not None and d.answers.actor == d.actor:
            bumps.setdefault(id(d.answers), []).append(d)
        if d.actor in mine and d.target is not None:
            if d.kind in ("message", "email", "meeting", "call"):
                contacts.setdefault(d.target, []).append(d)
            if d.kind == "thanks":
                thanks.setdefault(d.target, []).append(d)
        elif d.target in mine and d.kind in ("meeting", "call"):
            contacts.setdefault(d.actor, []).append(d)

    def thread_answer(d: Draft) -> list[Draft]:
        found = [answer[id(d)]] if id(d) in answer else []
        return found + [a for b in bumps.get(id(d), []) for a in thread_answer(b)]

    def first_after(d: Draft, later: dict[str, list[Draft]]) -> list[Draft]:
        return [c for c in later.get(d.actor, []) if c.time > d.time][:1]

    owed: dict[str, dict[str, str | None]] = {"answer": {}, "thanks": {}}
    for d in drafts:
        if d.target not in mine or d.actor in mine or role.get(d.actor) in _NOISE:
            continue
        if d.kind in _ADDRESSING:
            closing = (
                d.answers is not None
                and d.answers.actor in mine
                and d.answers.kind != "post"
                and "?" not in (d.text or "")
            )
            if closing:
                continue
            done = thread_answer(d) + (first_after(d, contacts) if d.kind in _PRIVATE else [])
            owed["answer"][d.id] = _earliest(done)
        elif d.kind in _FOR_HER:
            done = ([answer[id(d)]] if id(d) in answer else []) + first_after(d, thanks)
            owed["thanks"][d.id] = _earliest(done)
    return {
        "unanswered": [i for i, by in owed["answer"].items() if by is None],
        "unthanked": [i for i, by in owed["thanks"].items() if by is None],
        "answered": {i: by for i, by in owed["answer"].items() if by is not None},
        "thanked": {i: by for i, by in owed["thanks"].items() if by is not None},
    }


def _earliest(handlers: list[Draft]) -> str | None:
    """The id of the first of ``handlers``, or None."""
    return min(handlers, key=lambda h: (h.time, h.seq)).id if handlers else None
