"""Reported speech whose speaker a preposition or a relative clause names: "what X has
called …", "a claim denied by X", "… was welcomed by X"."""

from __future__ import annotations

import re

from parley.authoring.clauses import Found, in_quote, to_clause_end

# "what Tillerson has called a “historic” low": a naming that is someone's words
CALLED = re.compile(
    r"\bwhat\s+((?:[\w’'.-]+\s+){1,5}?)(?:has\s+|have\s+|had\s+)?"
    r"(?:called|termed|dubbed|labell?ed|described\s+as)\s+"
)
# "an accusation denied by Tehran", "a claim the Russian officials have repeatedly denied"
DENIAL = re.compile(
    r"\b(?:an?|the) (?:claim|accusation|charge|allegation)s? (?:that )?"
    r"(?:(?:denied|rejected|dismissed) by (?P<by>[^,.;:]{1,40})"
    r"|(?P<who>[^,.;:]{1,40}?) (?:has |have |had )?(?:\w+ly )?"
    r"(?:denied|rejected|dismissed|denies|rejects|dismisses))\b"
)
# "The discussions were welcomed by Iraqi Prime Minister Nuri al-Maliki as …"
PASSIVE_STANCE = re.compile(
    r"\b(?:was|were|(?:has|have|had) been)\s+(?:welcomed|praised|condemned|rejected"
    r"|critici[sz]ed|denounced|hailed|dismissed)\s+by\s+"
    r"((?:the\s+)?[A-Z][^,;:]{0,60}?)(?=\s+(?:as|for|in|on|at|after|during|who|which)\b|[,.;:]|$)"
)


def called(text: str, s: int, t: int, quotes) -> list[Found]:
    """What AGENT has called|termed|dubbed NOUN PHRASE ("at what Tillerson has called a
    “historic” low"): the phrase, AGENT's words."""
    out = []
    for m in CALLED.finditer(text, s, t):
        end = to_clause_end(text, m.end(), t)
        comma = text.find(",", m.end(), end)
        end = end if comma == -1 else comma  # a noun phrase: to its comma
        if len(text[m.end() : end].split()) >= 2 and not in_quote(m.start(), quotes):
            out.append(Found(m.end(), end, m.start(), m.end() - 1, *m.span(1)))
    return out


def denial(text: str, s: int, t: int, quotes) -> list[Found]:
    """A claim that someone denied or rejected, named as such: the phrase, by its agent."""
    out = []
    for m in DENIAL.finditer(text, s, t):
        if in_quote(m.start(), quotes):
            continue
        who = m.span("by") if m.group("by") else m.span("who")
        out.append(Found(m.start(), m.end(), m.start(), m.end(), *who))
    return out


def passive_stance(text: str, s: int, t: int, quotes) -> list[Found]:
    """CLAUSE was welcomed|condemned|rejected by AGENT …: the sentence, AGENT's stance."""
    m = PASSIVE_STANCE.search(text, s, t)
    if m is None or in_quote(m.start(), quotes) or len(text[s : m.start()].split()) < 2:
        return []
    end = t
    while end > s and text[end - 1] in " .,;:":
        end -= 1
    return [Found(s, end, m.start(), m.end(1), *m.span(1))]
