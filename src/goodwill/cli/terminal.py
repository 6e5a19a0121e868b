"""Showing imported text on a terminal as text, never as commands to the terminal.

Names, handles and messages come from other people's exports. Printed as they are, an
escape sequence in a name could retitle the window (``ESC ] 0 ; ... BEL``), clear the
screen, move the cursor to overwrite what goodwill printed, or write a clickable link; and
``[bold red]`` or ``[link=...]`` in a name would be read by Rich as its own markup. So:

- :func:`plain` drops every control character (C0 but newline and tab, DEL, C1): what is
  left is printable text;
- :func:`inert` is :func:`plain` with Rich markup escaped: the helper for any imported
  value put into a string that Rich reads as markup (``out.print(f"...")``, table cells);
- the command line's consoles (:data:`goodwill.cli.app.out` and ``err``) also pass every
  piece of text they write through :func:`plain` (:class:`ControlFilter`), after Rich has
  turned markup into styles and before it adds its own escape codes for them: a value a
  command forgot to clean still cannot reach the terminal as a command;
- :func:`plain_export` does the same for exports written to stdout (CSV, vCard), and
  :func:`terminal_json` escapes the C1 characters JSON leaves raw.

>>> inert("Ann\\x1b]0;owned\\x07 [bold red]Lee[/]\\x9b2J")
'Ann]0;owned \\\\[bold red]Lee\\\\[/]2J'
"""

from __future__ import annotations

import re

from rich.console import (
    Console,
    ConsoleOptions,
    ConsoleRenderable,
    RenderableType,
    RenderHook,
    RenderResult,
)
from rich.markup import escape
from rich.segment import Segment

__all__ = ["ControlFilter", "filtered", "inert", "plain", "plain_export", "terminal_json"]

# C0 controls but tab and newline, DEL, and C1 (U+0080 to U+009F).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What a CSV or vCard line needs kept: tab, newline and carriage return.
_STREAM_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_JSON_RAW = re.compile("[\x7f-\x9f]")


def plain(value: object) -> str:
    """``value`` as text without control characters (newlines and tabs kept)."""
    return _CONTROLS.sub("", str(value))


def inert(value: object) -> str:
    """``value`` safe to put into Rich markup: no control characters, markup escaped."""
    return escape(plain(value))


def terminal_json(text: str) -> str:
    """JSON text with DEL and the C1 characters written as ``\\u`` escapes (JSON escapes the
    other controls itself): the same JSON, safe on a terminal."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def plain_export(text: str) -> str:
    """An export (CSV, vCard) without control characters but the tab, carriage return and
    newline its lines need: what is written to stdout, which may be a terminal."""
    return _STREAM_CONTROLS.sub("", text)


class _Cleaned(ConsoleRenderable):
    """A renderable whose text segments have no control characters (Rich's own control
    segments, cursor moves for progress bars, pass as they are)."""

    def __init__(self, inner: RenderableType) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.inner, options):
            if segment.control or not _CONTROLS.search(segment.text):
                yield segment
            else:
                yield Segment(plain(segment.text), segment.style)


class ControlFilter(RenderHook):
    """Installed on the CLI's consoles: everything they print is cleaned (see the module)."""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Cleaned(r) for r in renderables]


def filtered(console: Console) -> Console:
    """``console`` with a :class:`ControlFilter` installed."""
    console.push_render_hook(ControlFilter())
    return console
