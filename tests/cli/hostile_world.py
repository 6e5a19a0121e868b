"""A small history whose names, handles and texts try to take over a terminal or a
spreadsheet: escape sequences, C1 controls, Rich markup, formulas.

The owner (``mastodon:@me@a.example``) exchanges with two people every week for half a
year, posts, and Eve shares and thanks her posts and talks with Cy, whom the owner does
not know: so every view (people, trust, relationships, agenda, advocates, listening,
introductions, circles...) has Eve to show.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from goodwill.cli import app

OWNER = "mastodon:@me@a.example"
#: Retitles the window, clears the screen, moves the cursor, rings the bell, a C1 CSI.
ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b[10;10H\x9b31m"
#: Rich markup that, if read as markup, would style or link the text.
MARKUP = "[bold red]loud[/bold red] [link=file:///etc/passwd]click[/link]"
EVIL_NAME = f"=HYPERLINK(1){ESCAPES} Eve {MARKUP}"
EVIL = "mastodon:@eve@evil.example"
EVIL_TEXT = f"hello {ESCAPES} {MARKUP} :cat: bye"
PLAIN = "mastodon:@bo@b.example"
PLAIN_NAME = "+Bo Lin"
STRANGER = "mastodon:@cy@c.example"

runner = CliRunner()


def write_history(folder: Path) -> Path:
    """The history as goodwill's jsonl; returns its path."""
    lines: list[dict[str, object]] = [
        {"identity": EVIL, "name": EVIL_NAME},
        {"identity": PLAIN, "name": PLAIN_NAME},
    ]
    for week in range(26):
        day = f"2024-{1 + week // 4:02d}-{1 + 7 * (week % 4):02d}"
        for other in (EVIL, PLAIN):
            short = other.split("@")[1]
            lines += [
                {"id": f"{short}-in-{week}", "time": f"{day}T10:00:00Z", "kind": "reply",
                 "actor": other, "target": OWNER, "text": EVIL_TEXT},
                {"id": f"{short}-out-{week}", "time": f"{day}T11:00:00Z", "kind": "message",
                 "actor": OWNER, "target": other, "text": f"thanks {EVIL_NAME}"},
            ]  # fmt: skip
        lines += [
            {"id": f"post-{week}", "time": f"{day}T08:00:00Z", "kind": "post", "actor": OWNER,
             "text": f"notes on trust, week {week}"},
            {"id": f"share-{week}", "time": f"{day}T09:00:00Z", "kind": "share", "actor": EVIL,
             "target": OWNER, "answers": f"post-{week}", "text": EVIL_TEXT},
            {"id": f"thanks-{week}", "time": f"{day}T09:30:00Z", "kind": "thanks",
             "actor": EVIL, "target": OWNER, "answers": f"post-{week}", "text": EVIL_TEXT},
            {"id": f"cy-{week}", "time": f"{day}T12:00:00Z", "kind": "reply", "actor": EVIL,
             "target": STRANGER, "text": EVIL_TEXT},
            {"id": f"cy-back-{week}", "time": f"{day}T13:00:00Z", "kind": "reply",
             "actor": STRANGER, "target": EVIL, "text": "thanks Eve"},
            {"id": f"eve-post-{week}", "time": f"{day}T07:00:00Z", "kind": "post", "actor": EVIL,
             "text": EVIL_TEXT},
            {"id": f"me-share-{week}", "time": f"{day}T14:00:00Z", "kind": "share",
             "actor": OWNER, "target": EVIL, "answers": f"eve-post-{week}"},
        ]  # fmt: skip
    path = folder / "hostile.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return path


def hostile_store(folder: Path) -> str:
    """A store holding the history, with its owner set; returns its URL."""
    db = f"sqlite:///{folder / 'hostile.db'}"
    for args in (["import", "jsonl", str(write_history(folder))], ["owner", OWNER]):
        result = runner.invoke(app, ["--db", db, *args])
        assert result.exit_code == 0, result.output
    return db
