"""Words out of what people wrote: tokens, phrases and hashtags, for topics and experts.

People write in several languages, with links, handles, emoji and hashtags. A topic is none
of the plumbing: URLs, ``@mentions`` (``@ann`` and ``@ann@example.social``), e-mail
addresses, numbers, emoji and lines quoted from earlier messages (``> ...``) are dropped,
and so are :data:`STOP_WORDS`: the small function words of the languages the ledger's
networks carry most (English, Spanish, Portuguese, French, German, Dutch, Italian),
everyday English verbs and adjectives ("think", "great") and chat fillers ("thanks",
"haha"), none of which says anything about a subject. Hashtags are kept whole
(``#buildinpublic``): their author named the topic.

A phrase is two content words side by side with no stop word or punctuation between them
("client onboarding", "cash-flow planning"), so word pairs never bridge a sentence.

All texts are tokenised in one pass of a compiled pattern over the joined corpus rather
than one call per text, and the result is numpy arrays: which text each token comes from.

>>> found = tokenize(["Our notes on #BuildInPublic and Client Onboarding: https://x.example/1",
...                   "@ann@example.social the 3 classic books 🙌 on pricing"])
>>> [(int(i), str(t)) for i, t in zip(found.text, found.term, strict=True)]
... # doctest: +NORMALIZE_WHITESPACE
[(0, 'notes'), (0, '#buildinpublic'), (0, 'client'), (0, 'onboarding'),
 (0, 'client onboarding'), (1, 'classic'), (1, 'books'), (1, 'classic books'), (1, 'pricing')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["STOP_WORDS", "Tokens", "tokenize"]

_LANGUAGES = {
    "english": """a about above after again against all also am an and any are aren't as at be
        because been before being below between both but by can can't cannot could couldn't
        did didn't do does doesn't doing don't down during each else even ever every few for
        from further get gets getting got had hadn't has hasn't have haven't having he her here
        hers herself him himself his how however i if in into is isn't it it's its itself just
        let let's like me more most much must my myself new no nor not now of off often on once
        one only or other our ours ourselves out over own per really same shall she should
        shouldn't since so some still such than that that's the their theirs them themselves
        then there there's these they this those though through to too under until up upon us
        very via was wasn't way we we're well were weren't what what's when where which while
        who whom whose why will with won't would wouldn't yet you you're your yours yourself
        yourselves i'm i've i'll i'd you've you'll you'd we've we'll we'd they're they've
        they'll isn't ain't lot lots thing things something anything everything nothing
        someone anyone everyone many another back make makes made going go goes went take
        day days today week weeks year years time times first last next quick""",
    "spanish": """de la que el en y a los del se las por un para con no una su al lo como más
        pero sus le ya o este sí porque esta entre cuando muy sin sobre también me hasta hay
        donde quien desde todo nos durante todos uno les ni contra otros ese eso ante ellos e
        esto mí antes algunos qué unos yo otro otras otra él tanto esa estos mucho quienes
        nada muchos cual poco ella estar estas algunas algo nosotros mi mis tú te ti tu tus
        es son fue ser está hoy""",
    "portuguese": """de a o que e do da em um para com não uma os no se na por mais as dos
        como mas ao ele das à seu sua ou quando muito nos já eu também só pelo pela até isso
        ela entre depois sem mesmo aos seus quem nas me esse eles você essa num nem suas meu
        às minha numa pelos elas qual nós lhe deles essas esses pelas este dele tu te vocês
        vos lhes meus minhas teu tua nosso nossa é são foi ser está hoje""",
    "french": """au aux avec ce ces dans de des du elle en et eux il je la le les leur lui
        ma mais me même mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se
        ses son sur ta te tes toi ton tu un une vos votre vous c d j l à m n s t y été est
        sont être avoir ai as avons avez ont était très plus aussi tout tous cette cet""",
    "german": """aber alle als also am an auch auf aus bei bin bis bist da damit dann das
        dass dein deine dem den der des dich die dir doch dort du durch ein eine einem einen
        einer eines er es euch euer für hat hatte hier ich ihr ihre im in ist ja jede jetzt
        kann kein keine mein meine mich mir mit nach nicht noch nur ob oder ohne sehr sein
        seine sich sie sind so über um und uns unser unter vom von vor war waren was weil
        wenn wer wie wir wird wo zu zum zur heute""",
    "dutch": """aan al als bij dan dat de die dit door een en er had heb hebben het hier
        hij hoe ik in is je kan maar me met mijn na naar niet nog nu of om omdat ons ook op
        over te tot uit van voor was wat we wel wie wij zo zijn ze zich zou vandaag""",
    "italian": """il lo la i gli le un uno una di da in con su per tra fra e o ma se che
        non più come anche ci si mi ti vi ne del della dei delle al alla ai alle nel nella
        sono è era essere ho hai ha abbiamo avete hanno mio mia tuo tua suo sua nostro
        questo questa quello quella oggi""",
    # Everyday English verbs, adjectives and adverbs (in the manner of the SMART stop list):
    # frequent in every kind of conversation, so they crowd out the subjects.
    "english_common": """able actually add added agree ago almost already always amazing
        around ask asked asking awesome bad best better big bit busy call called came come
        coming could did done easy else enough especially exactly feel felt find found fine
        full give given glad go gone good got great guess hard help helped helps hope hoping
        idea keep kind know known later least left less let's little long look looking looks
        lot love loved maybe mean means might mind miss need needed needs nice old open part
        pretty put quite read ready right said saw say says see seen send sent share shared
        short show small soon sorry start started stuff sure talk talking tell thing think
        thinking thought tried true try trying use used useful using want wanted wants whole
        wish wonderful work worked working works write wrote""",
    # Chat fillers and platform plumbing: frequent everywhere, never a subject.
    "chat": """hi hey hello thanks thank thx please pls yes yeah yep no nope ok okay lol
        haha hahaha omg btw imo imho rt amp http https www com org net html dm dms""",
}

#: Words never taken for a topic: function words of seven languages and chat fillers.
STOP_WORDS: frozenset[str] = frozenset(
    word for words in _LANGUAGES.values() for word in words.split()
)

_DOC, _BREAK = "\x1e", "\x1f"
# Dropped before anything else: links, e-mail addresses, @handles (with their instance).
_PLUMBING = re.compile(
    r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w@])@[\w.-]*\w(?:@[\w.-]*\w)?"
)
# A line quoted from an earlier message (e-mail's "> ...") is someone else's words.
_QUOTED = re.compile(r"(?:^|(?<=\x1e))[ \t]*>[^\n\x1e]*", re.MULTILINE)
_POSSESSIVE = re.compile(r"'s\b")
# Anything that is not a letter, a digit, space, ``#``, an apostrophe or a hyphen ends a
# phrase (punctuation and emoji alike); digits are dropped but do not end one. A hyphen or
# apostrophe next to a space is punctuation too, but the text separator (which Python
# counts as a space) is never taken with it: "-" opening a text would join it to the last.
_PUNCT = re.compile(r"[^\w\s#'\-\x1e]|_|[^\S\x1e][-']|[-'][^\S\x1e]")
_TOKEN = re.compile(r"\x1e|\x1f|#\w*[^\W\d_]\w*|[^\W\d_]+(?:[-'][^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class Tokens:
    """Every term occurrence: ``text`` is the index of the text it comes from."""

    text: npt.NDArray[np.int64]
    term: npt.NDArray[np.str_]


def tokenize(texts: Sequence[str], *, phrases: bool = True) -> Tokens:
    """The content words, hashtags and (with ``phrases``) two-word phrases of ``texts``."""
    if not texts:
        return Tokens(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.str_))
    corpus = _DOC.join(t.replace(_DOC, " ").replace(_BREAK, " ") for t in texts).lower()
    corpus = _PLUMBING.sub(f" {_BREAK} ", _QUOTED.sub(_BREAK, corpus))
    corpus = _POSSESSIVE.sub("", corpus.replace("\u2019", "'"))
    corpus = _PUNCT.sub(f" {_BREAK} ", corpus)
    words = _TOKEN.findall(corpus) or [""]
    raw = np.array(words, dtype=np.str_)
    is_doc = raw == _DOC
    text = np.cumsum(is_doc) - is_doc
    content = ~is_doc & (raw != _BREAK) & (raw != "")
    # a set look-up per word: a third of np.isin's time, which sorts both arrays
    stop = np.fromiter((w in STOP_WORDS for w in words), dtype=bool, count=len(words))
    content &= ~stop & (np.char.str_len(raw) >= 2)
    keep = np.flatnonzero(content)
    terms, place = raw[keep], keep.astype(np.float64)
    if phrases and len(raw) > 1:
        # two content words in a row with nothing between them; hashtags stand alone
        plain = content & ~np.char.startswith(raw, "#")
        pair = np.flatnonzero(plain[:-1] & plain[1:])
        joined = np.char.add(np.char.add(raw[pair], " "), raw[pair + 1])
        terms = np.concatenate([terms, joined])
        place = np.concatenate([place, pair + 1.5])  # a phrase comes right after its words
    order = np.argsort(place, kind="stable")
    return Tokens(text[place[order].astype(np.int64)].astype(np.int64), terms[order])
