"""Whether a short public text asks something or complains: the brand report's text signals.

A brand has to answer two kinds of public message first: questions (someone waits for an
answer) and complaints (someone is unhappy in front of everyone). Both show in general
signals that hold in any community, not in one world's phrasing: a question mark or an
interrogative opening; words of failure, waiting, loss and disappointment. Links are taken
out first, so a ``?`` in a URL's query string asks nothing.

>>> tone_of("@ines is the workshop running again this year?")
'question'
>>> tone_of("@ines three weeks and still no refund. Really disappointed.")
'complaint'
>>> tone_of("Great session by @ines today, see https://example.org/x?ref=1") is None
True
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["Tone", "has_link", "is_complaint", "is_question", "tone_of"]

Tone = Literal["complaint", "question"]

_LINK = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?:^|\s)@[\w.@-]+")
# A sentence that opens like a question asks one even without its question mark, when the
# opening word is followed by whom it asks about ("can you", "is there", "how do"): an opening
# word alone is not enough ("Will do, thanks", "What a talk").
_SUBJECT = r"(?:you|your|we|i|there|it|this|that|anyone|someone|somebody|anybody|one)"
_OPENING = re.compile(
    rf"(?:(?:how|what|why|when|where|who|which)\s+(?:is|are|was|were|do|does|did|can|could|"
    rf"should|would|will|{_SUBJECT})|(?:is|are|was|were|do|does|did|can|could|would|will|"
    rf"should|has|have|any)\s+{_SUBJECT})\b",
    re.IGNORECASE,
)
_ASKS = re.compile(
    r"\b(?:wondering|any idea|anyone know|does anyone|can anyone|please advise|"
    r"i'd like to know|how do i|how can i)\b",
    re.IGNORECASE,
)
# Failure, waiting, loss and disappointment: the vocabulary of complaints in any trade.
_COMPLAINT = re.compile(
    r"\b(?:refunds?|broken|broke|not working|(?:doesn'?t|does not|didn'?t|did not|won'?t) work|"
    r"stopped working|still (?:no|not|nothing|waiting|broken|silence|haven'?t|hasn'?t)|"
    r"no (?:reply|replies|response|answer|apology|fix|word|show)|no-show|never (?:heard|"
    r"replied|answered|arrived|came|again)|ignor(?:ed|ing)|disappoint(?:ed|ing)|"
    r"frustrat(?:ed|ing)|annoy(?:ed|ing)|angry|furious|unacceptable|terrible|awful|horrible|"
    r"worst|useless|scam|rip-?off|ripped off|overcharged|charged twice|complain(?:t|ed|ing)?|"
    r"(?:would|will) not recommend|wouldn'?t recommend|not great|poor service|bad service|"
    r"waste of|waiting (?:for|on) (?:weeks|months|days)|been waiting|nobody (?:answers|replied)|"
    r"no one (?:answers|replied)|lost my|missing)\b",
    re.IGNORECASE,
)


def _plain(text: str) -> str:
    """The text without links, so their punctuation and words do not count."""
    return _LINK.sub(" ", text)


def has_link(text: str) -> bool:
    """Whether the text carries a web link."""
    return _LINK.search(text) is not None


def is_question(text: str) -> bool:
    """A question mark outside links, a question's opening, or an asking phrase.

    >>> is_question("Will do, thanks!"), is_question("@ann can you share the slides")
    (False, True)
    """
    plain = _plain(text)
    if "?" in plain or _ASKS.search(plain):
        return True
    return _OPENING.match(_MENTION.sub(" ", plain).strip()) is not None


def is_complaint(text: str) -> bool:
    """Words of failure, waiting, loss or disappointment outside links."""
    return _COMPLAINT.search(_plain(text)) is not None


def tone_of(text: str | None) -> Tone | None:
    """``complaint`` (which wins: an angry question is a complaint), ``question`` or None."""
    if not text:
        return None
    if is_complaint(text):
        return "complaint"
    return "question" if is_question(text) else None
