"""Commands about listening and outreach: listening, topics, brief, experts."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any

import typer
from sqlalchemy import Connection

from goodwill.cli.app import app, open_store, out
from goodwill.cli.outreach_views import show_brief, show_experts, show_listening, show_topics
from goodwill.cli.trust_commands import AtOption, JsonFlag, PersonArg, PolicyOption, TopOption
from goodwill.events import from_time_us
from goodwill.insights.activity import load_activity
from goodwill.insights.brief import make_brief
from goodwill.insights.citing import Cited, cite
from goodwill.insights.experts import rank_experts
from goodwill.insights.listening import PERIODS, verdict
from goodwill.insights.listening import listening as listening_ratio
from goodwill.insights.topics import load_corpus, topics_of
from goodwill.ledger.queries import find_person, person_names
from goodwill.trust.policy import load_policy
from goodwill.trust.report import open_view, parse_moment


def _cited(conn: Connection, ids: list[int]) -> dict[int, Cited]:
    return {c.event_id: c for c in cite(conn, ids)}


@app.command(name="listening")
def listening_command(
    ctx: typer.Context,
    by: Annotated[
        str, typer.Option("--by", help=f"Period: {', '.join(PERIODS)}.", show_default=True)
    ] = "month",
    at: AtOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The owner's listening share per period: replies, shares and thanks against self-promotion."""
    with open_store(ctx).read() as conn:
        found = listening_ratio(conn, at_us=parse_moment(at), by=by)
        current = found.current
        promoted = list(current.promoted) if current else []
        cited = _cited(conn, promoted)
    if as_json:
        payload = asdict(found)
        payload["verdict"] = verdict(current.share if current else None, found.healthy_share)
        payload["current_promotion_cited"] = [asdict(cited[i]) for i in promoted if i in cited]
        out.print_json(json.dumps(payload))
        return
    show_listening(found, cited)


@app.command(name="topics")
def topics_command(
    ctx: typer.Context,
    person: PersonArg,
    top: TopOption = 10,
    at: AtOption = None,
    as_json: JsonFlag = False,
) -> None:
    """What a person talks about: terms of their own texts, weighed by tf-idf against everyone's."""
    with open_store(ctx).read() as conn:
        person_id = find_person(conn, person)
        at_us = parse_moment(at)
        found = topics_of(load_corpus(conn, until_us=at_us), person_id, top=top)
        cited = _cited(conn, [i for t in found for i in t.event_ids])
        name = person_names(conn, [person_id]).get(person_id, "?")
    if as_json:
        topics = [
            {**asdict(t), "evidence": [asdict(cited[i]) for i in t.event_ids if i in cited]}
            for t in found
        ]
        payload = {"person": person_id, "name": name, "at": from_time_us(at_us).isoformat()}
        out.print_json(json.dumps({**payload, "topics": topics}))
        return
    show_topics(name, person_id, found, cited)


@app.command(name="brief")
def brief_command(
    ctx: typer.Context,
    person: PersonArg,
    top: TopOption = 8,
    at: AtOption = None,
    policy: PolicyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Everything to make a message personal: topics, trust, history, deeds, open threads."""
    with open_store(ctx).read() as conn:
        person_id = find_person(conn, person)
        at_us = parse_moment(at)
        view = open_view(conn, load_policy(policy), at_us=at_us)
        found = make_brief(
            conn,
            person_id,
            activity=load_activity(conn, until_us=at_us),
            view=view,
            corpus=load_corpus(conn, until_us=at_us),
            top=top,
        )
        ids = [
            *found.recent, *found.open_threads, *found.recent_posts,
            *found.to_owner.deed_ids[:top], *found.from_owner.deed_ids[:top],
            *[i for t in found.topics for i in t.event_ids[:1]],
        ]  # fmt: skip
        if found.first_contact is not None:
            ids.append(found.first_contact)
        cited = _cited(conn, ids)
    if as_json:
        payload = asdict(found)
        payload["evidence"] = {str(i): asdict(c) for i, c in cited.items()}
        out.print_json(json.dumps(payload))
        return
    show_brief(found, cited, top)


@app.command(name="experts")
def experts_command(
    ctx: typer.Context,
    topic: Annotated[
        str | None, typer.Argument(help="A word, phrase or #hashtag; without it, the top topics.")
    ] = None,
    top: TopOption = 10,
    among: Annotated[
        list[str] | None,
        typer.Option("--among", help="Only these people (repeat it): a team, for instance."),
    ] = None,
    at: AtOption = None,
    policy: PolicyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """People ranked by the topics they are trusted on: who knows what."""
    with open_store(ctx).read() as conn:
        at_us = parse_moment(at)
        team = {find_person(conn, p) for p in among} if among else None
        view = open_view(conn, load_policy(policy), at_us=at_us)
        ranked = rank_experts(
            load_corpus(conn, until_us=at_us),
            load_activity(conn, until_us=at_us),
            view,
            topic=topic,
            team=team,
            top=top,
        )
        experts = [e for group in ranked.values() for e in group]
        names = view.names(sorted({e.person for e in experts}))
        cited = _cited(conn, [i for e in experts for i in (*e.text_ids[:1], *e.engagement_ids[:1])])
    if as_json:
        payload: dict[str, Any] = {
            "at": view.at.isoformat(),
            "topics": [
                {
                    "topic": name,
                    "experts": [
                        {
                            **asdict(e),
                            "name": names.get(e.person, "?"),
                            "evidence": [
                                asdict(cited[i])
                                for i in (*e.text_ids, *e.engagement_ids)
                                if i in cited
                            ],
                        }
                        for e in group
                    ],
                }
                for name, group in ranked.items()
            ],
        }
        out.print_json(json.dumps(payload))
        return
    show_experts(ranked, names, cited, detailed=topic is not None)
