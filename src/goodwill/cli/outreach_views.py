"""How the listening, topics, brief and experts commands look in a terminal.

The commands (:mod:`goodwill.cli.listening_commands`) gather the results; these functions
only draw them: tables, a bar per period, and each piece of evidence as a cited line.
Names and topics come from people's own data, so they are escaped before Rich markup.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from goodwill.cli.app import out
from goodwill.cli.terminal import inert
from goodwill.insights.brief import Brief
from goodwill.insights.citing import Cited
from goodwill.insights.experts import Expert
from goodwill.insights.listening import Listening, verdict
from goodwill.insights.topics import Topic

__all__ = ["show_brief", "show_experts", "show_listening", "show_topics"]

_BAR = 30


def lines(cited: dict[int, Cited], ids: list[int], indent: str = "  ") -> None:
    """Each event of ``ids`` as one cited line (what people wrote is never markup)."""
    for i in ids:
        if i in cited:
            out.print(f"{indent}{cited[i].line()}", markup=False, highlight=False)


def show_listening(found: Listening, cited: dict[int, Cited]) -> None:
    """A row and a bar per period, the current figure with guidance, the trend, and the
    current period's self-promotion with its reasons."""
    table = Table(found.by, "listening", "promotion", "share", "ratio", "", box=None)
    for p in found.periods:
        heard = 0 if p.share is None else round(p.share * _BAR)
        bar = Text.assemble(("█" * heard, "green"), ("░" * (_BAR - heard), "red"))
        if p.share is None:
            bar = Text("·", style="dim")
        table.add_row(
            p.label,
            f"{p.listening:g}",
            f"{p.promotion:g}",
            "-" if p.share is None else f"{p.share:.0%}",
            "-" if p.ratio is None else f"{p.ratio:.1f}:1",
            bar,
        )
    out.print(f"listening (█) against self-promotion (░), as of {found.at[:16]} UTC")
    out.print(table)
    current = found.current
    if current is None:
        out.print("nothing the owner did counts yet")
        return
    share = "-" if current.share is None else f"{current.share:.0%}"
    out.print(
        f"current ({current.label}): {share} listening; "
        f"{verdict(current.share, found.healthy_share)}"
    )
    if found.trend is not None:
        out.print(
            f"trend: {found.direction} ({found.trend * 100:+.1f} points over the last "
            f"{found.weights.trend_periods} {found.by}s against the ones before)"
        )
    if current.promoted:
        out.print(f"self-promotion in {current.label}:")
        for event_id, reasons in list(current.promoted.items())[:8]:
            if event_id in cited:
                out.print(f"  [{', '.join(reasons)}]", markup=False, highlight=False)
                lines(cited, [event_id], "    ")


def show_brief(b: Brief, cited: dict[int, Cited], top: int) -> None:
    """The brief's figures, then each of its lists of events as cited lines."""
    out.print(f"[bold]{inert(b.name)}[/bold] (person {b.person}), as of {b.at[:16]} UTC")
    out.print("  " + ", ".join(b.identities), markup=False, highlight=False)
    for note in b.notes:
        out.print(f"  {inert(note)}")
    out.print("[bold]talks about[/bold]: " + inert(", ".join(t.term for t in b.topics) or "-"))
    t, r = b.trust, b.relationship
    if t.owner_in_them is not None:
        out.print(
            f"[bold]trust[/bold]: yours in them {t.owner_in_them:.2f} ± "
            f"{t.owner_in_them_uncertainty:.2f}, theirs in you {t.theirs_in_owner:.2f} ± "
            f"{t.theirs_in_owner_uncertainty:.2f}"
        )
    if r is not None:
        rhythm = "-" if r.rhythm_days is None else f"every {r.rhythm_days:.0f} days"
        out.print(
            f"[bold]stage[/bold]: {r.stage}; first contact {r.first_contact[:10]}, last "
            f"{r.last_contact[:10]} ({r.silence_days:.0f} days ago), rhythm {rhythm}"
        )
    table = Table("kind", "you → them", "them → you", box=None)
    for kind in sorted(set(b.from_owner.counts) | set(b.to_owner.counts)):
        table.add_row(
            inert(kind), str(b.from_owner.counts.get(kind, 0)), str(b.to_owner.counts.get(kind, 0))
        )
    out.print("[bold]history[/bold]")
    out.print(table)
    sections: list[tuple[str, list[int]]] = [
        ("first contact", [] if b.first_contact is None else [b.first_contact]),
        ("what they did for you", b.to_owner.deed_ids[:top]),
        ("what you did for them", b.from_owner.deed_ids[:top]),
        ("open threads (unanswered, newest first)", b.open_threads),
        ("recent exchanges", b.recent),
        ("their recent posts", b.recent_posts),
    ]
    for title, ids in sections:
        if ids:
            out.print(f"[bold]{title}[/bold]")
            lines(cited, ids)


def show_experts(
    ranked: dict[str, list[Expert]],
    names: dict[int, str],
    cited: dict[int, Cited],
    *,
    detailed: bool,
) -> None:
    """For one topic, a table of its experts with an example each; else topics and who."""
    if not ranked:
        out.print("nobody has written anything to rank yet")
        return
    if detailed:
        for topic, experts in ranked.items():
            table = Table(
                "id", "name", "score", "texts", "listeners", "heard", "standing", box=None
            )
            for e in experts:
                table.add_row(
                    str(e.person), inert(names.get(e.person, "?")), f"{e.score:.2f}", str(e.texts),
                    str(e.listeners), f"{e.heard:.2f}", f"{e.standing:+.2f}",
                )  # fmt: skip
            out.print(f"who knows about [bold]{inert(topic)}[/bold]:")
            out.print(table)
            for e in experts[:3]:
                out.print(f"[bold]{inert(names.get(e.person, '?'))}[/bold]")
                lines(cited, [*e.text_ids[:1], *e.engagement_ids[:1]])
        return
    table = Table("topic", "who knows it (score)", box=None)
    for topic, experts in ranked.items():
        table.add_row(
            inert(topic),
            inert(", ".join(f"{names.get(e.person, '?')} ({e.score:.1f})" for e in experts)),
        )
    out.print(table)


def show_topics(name: str, person: int, found: list[Topic], cited: dict[int, Cited]) -> None:
    """A person's topics with weight, texts and the latest text using each."""
    if not found:
        out.print(f"{inert(name)} (person {person}) has written nothing of their own yet")
        return
    table = Table("topic", "weight", "texts", "latest", box=None)
    for t in found:
        latest = cited.get(t.event_ids[0]) if t.event_ids else None
        table.add_row(
            inert(t.term),
            f"{t.relative:.2f}",
            str(t.texts),
            inert(latest.text or "") if latest else "",
        )
    out.print(f"[bold]{inert(name)}[/bold] (person {person}) talks about:")
    out.print(table)
