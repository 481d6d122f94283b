"""Short quoted words that a speaker applies to something: "X called the talks “useful”",
"X described the meeting as a “positive development”", "Terming the meeting a “positive
development”, the foreign minister said …". Under the quotation guideline (attributed quoted
words are a direct statement however short) each is a quotation of the namer; a fragment
without such a verb stays a scare quote.
"""

from __future__ import annotations

import re

from parley.authoring.clauses import Found
from parley.authoring.reported import ANY_VERB
from parley.authoring.subjects import after_opening, subject_span

# the most words a named fragment has (longer quotations are drafted as quotations anyway)
MAX_WORDS = 4
_VERBS = r"called|calls|termed|terms|described|describes|branded|brands|labell?ed|dubbed|hailed"
_PARTICIPLES = r"calling|terming|describing|branding|labell?ing|dubbing|hailing"
# between the verb and the fragment: its object (no clause, no other quotation), "as", a
# determiner ("called the leader his “dearest friend”")
_OBJECT = r"(?!(?:on|for|upon|off)\b)[^“”\".;!?\n]{0,80}?"
FINITE = re.compile(rf"\b(?:{_VERBS})\s+{_OBJECT}[“\"]([^”\"\n]+?)[”\"]")
PARTICIPLE = re.compile(
    rf"(?:(?:While|After|Before|When|Also)\s+)?(?:{_PARTICIPLES})\s+{_OBJECT}[“\"]([^”\"\n]+?)[”\"]",
    re.IGNORECASE,
)
# a passive or negated verb names nothing of the subject's ("was called a “hero”")
PASSIVE = re.compile(r"\b(?:is|are|was|were|be|been|being|not|never|so)\s+$")


def named_fragments(text: str, s: int, t: int) -> list[Found]:
    """The named fragments of the sentence [s, t), in text order: each a `Found` (the
    fragment, its attribution, where the words naming its speaker lie)."""
    out: list[Found] = []
    opening = after_opening(text, s, t)
    lead = PARTICIPLE.match(text, _skip_space(text, s))
    if lead and _short(lead.group(1)):
        comma = re.compile(r"[”\"]?\s*,\s*").match(text, lead.end())
        if comma is not None:
            lo = comma.end()
            verb = ANY_VERB.search(text, lo, t)
            hi = verb.start() if verb else min(t, lo + 60)
            out.append(Found(*lead.span(1), s, lead.end(1), lo, hi))
    for m in FINITE.finditer(text, opening, t):
        if not _short(m.group(1)) or PASSIVE.search(text, s, m.start()):
            continue
        if any(n.start == m.start(1) for n in out):
            continue
        a_start, lo, hi = subject_span(text, s, m.start(), ANY_VERB)
        verb_end = m.start() + len(m.group().split()[0])
        out.append(Found(*m.span(1), min(a_start, lo), verb_end, lo, hi))
    return out


def _short(words: str) -> bool:
    return 1 <= len(words.split()) <= MAX_WORDS


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i
