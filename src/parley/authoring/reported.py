"""Reported speech in one sentence: where the reported words are, and the words that attribute
them. Four shapes:

- `AGENT said (that) CLAUSE` (and told, added, warned, …; "countered" only before "that");
- `CLAUSE, AGENT said …` (the verb after the clause it reports);
- `AGENT (has) accused X of CLAUSE` and `X was accused by AGENT of CLAUSE`;
- `AGENT (has) denounced|rejected|condemned|welcomed … NOUN PHRASE`.

Each yields (clause start, clause end, attribution start, attribution end, agent span).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SPEECH_VERBS = (
    r"said|says|told(?: (?:reporters|journalists|state television|[A-Z][\w-]+(?: [A-Z][\w-]+)*))?"
    r"|added|stressed|reiterated|insisted|announced|declared|noted|warned|claimed|saying"
    r"|explained|asserted|acknowledged|countered|argued|urged|emphasi[sz]ed|maintained"
    r"|confirmed|denied|predicted|complained|suggested|suggesting|insisting|adding|warning"
    r"|stressing|noting|claiming"
)
SPEECH = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
# verbs that report speech only when a clause follows ("countered that …", not "countered X")
THAT_VERBS = re.compile(
    r"(?:countered|argued|urged|maintained|confirmed|denied|predicted|complained|suggested)$"
)
ACCUSE = re.compile(r"\b(?:accused|accuses|accusing|accuse)\b")
STANCE = re.compile(
    r"\b(?:has |have |had )?(?:denounced|condemned|rejected|welcomed|praised|critici[sz]ed)\b"
)
ADVERBIAL = re.compile(
    r"(?:on|in|at|after|before|during|earlier|later|late|yesterday|today|tonight|this|last"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
MIN_WORDS = 5


@dataclass(frozen=True)
class Found:
    """Reported words [start, end), attributed by [a_start, a_end); the speaker is named in
    [who_start, who_end)."""

    start: int
    end: int
    a_start: int
    a_end: int
    who_start: int
    who_end: int


def reported_in(text: str, s: int, t: int, quotes) -> list[Found]:
    """The reported speech of the sentence [s, t), at most one per shape, in text order; a
    clause that holds another shape's attribution ends before it ("…, which it has
    accused of …")."""
    out: list[Found] = []
    for finder in (_inverted, _accused, _stance, _said):
        found = finder(text, s, t, quotes)
        if found is None:
            continue
        for i, other in enumerate(out):
            if found.start < other.a_start < found.end:
                found = _cut(text, found, other.a_start)
            elif other.start < found.a_start < other.end:
                out[i] = _cut(text, other, found.a_start)
        if found.end - found.start > 0 and not any(
            (f.start < found.end and found.start < f.end) or f.a_end == found.a_end for f in out
        ):
            out.append(found)
    return sorted(out, key=lambda f: f.start)


def _cut(text: str, found: Found, at: int) -> Found:
    end = at
    m = re.search(
        r"(?:,\s*(?:which|who|while|but|and)?\s*|\s+(?:and|but)\s*)$", text[found.start : end]
    )
    if m:
        end = found.start + m.start()
    return Found(
        found.start,
        max(found.start, end),
        found.a_start,
        found.a_end,
        found.who_start,
        found.who_end,
    )


def _in_quote(pos: int, quotes) -> bool:
    return any(qs <= pos < qe for qs, qe in quotes)


def _attributes_quote(text: str, s: int, verb: int, quotes) -> bool:
    """Whether the verb at `verb` attributes a direct quotation that ends just before it (it
    is the first speech verb after the quotation)."""
    return any(
        s <= qe <= verb
        and verb - qe <= 60
        and "“" not in text[qe:verb]
        and not SPEECH.search(text, qe, verb)
        for _, qe in quotes
    )


def _said(text: str, s: int, t: int, quotes) -> Found | None:
    for verb in SPEECH.finditer(text, s, t):
        after = text[verb.end() : t]
        if THAT_VERBS.search(verb.group()) and not re.match(r"\s+that\b", after):
            continue
        if _in_quote(verb.start(), quotes) or _attributes_quote(text, s, verb.start(), quotes):
            continue
        m = re.match(r",?\s*(?:(?:[\w’'-]+\s+){0,3}?that\s+)?", after)
        start = verb.end() + (m.end() if m else 0)
        if start >= t or text[start] == ":":
            continue
        end = clause_end(text, start, t, quotes)
        if end is None or len(text[start:end].split()) < MIN_WORDS:
            continue
        return Found(start, end, s, verb.end(), s, verb.start())
    return None


def _inverted(text: str, s: int, t: int, quotes) -> Found | None:
    """CLAUSE, AGENT said …: a speech verb after a comma and a short subject."""
    for verb in SPEECH.finditer(text, s, t):
        comma = text.rfind(",", s, verb.start())
        subject = text[comma + 1 : verb.start()] if comma > s else ""
        words = len(re.sub(r"\b(?:was|were)\s+quoted\s+as\b", "", subject).split())
        if not subject.strip() or words > 6 or re.search(r"[“”\"]", subject):
            continue
        if re.search(r"\b(?:that|which|who|and|but)\b", subject) or _in_quote(comma, quotes):
            continue
        if text[s] in '“"' or len(text[s:comma].split()) < MIN_WORDS:
            continue
        if re.search(r"\b(?:said|says)\b", text[s:comma]):
            continue
        rest = text[verb.end() : t].strip(" ,.")
        if len(rest.split()) > 3 and (not ADVERBIAL.match(rest) or re.search(r"\bthat\b", rest)):
            continue
        a_end = verb.end()
        return Found(s, comma, comma + 1 + _lead(subject), a_end, comma + 1, verb.start())
    return None


def _lead(subject: str) -> int:
    return len(subject) - len(subject.lstrip())


def _accused(text: str, s: int, t: int, quotes) -> Found | None:
    """AGENT (has) accused X of CLAUSE / X (has been) accused by AGENT of CLAUSE."""
    # (the attribution of the active shape starts at its subject; see `_subject_start`)
    for verb in ACCUSE.finditer(text, s, t):
        if _in_quote(verb.start(), quotes):
            continue
        passive = re.match(r"\s+by\s+(.{1,40}?)\s+of\s+", text[verb.end() : t])
        active = re.match(r"\s+(?:[\w’'-]+\s+){0,4}?of\s+", text[verb.end() : t])
        m = passive or active
        if m is None:
            continue
        start = verb.end() + m.end()
        end = _to_clause_end(text, start, t)
        if len(text[start:end].split()) < 3:
            continue
        if passive:
            who = (verb.end() + passive.start(1), verb.end() + passive.end(1))
            return Found(start, end, verb.start(), start - 1, *who)
        subject = _subject_start(text, s, verb.start())
        return Found(start, end, subject, start - 1, subject, verb.start())
    return None


def _stance(text: str, s: int, t: int, quotes) -> Found | None:
    """AGENT (has) denounced|rejected|… NOUN PHRASE."""
    for verb in STANCE.finditer(text, s, t):
        if _in_quote(verb.start(), quotes) or text[verb.end() : verb.end() + 3] == " by":
            continue
        start = verb.end() + 1
        end = _to_clause_end(text, start, t)
        if len(text[start:end].split()) < 3:
            continue
        subject = _subject_start(text, s, verb.start())
        return Found(start, end, subject, verb.end(), subject, verb.start())
    return None


def _subject_start(text: str, s: int, verb: int) -> int:
    """The start of the clause holding the verb: after the last ", while|but|and" or ";"."""
    cut = s
    for m in re.finditer(r"(?:,\s*(?:while|but|and|whereas|which|who)\s+|;\s*)", text[s:verb]):
        cut = s + m.end()
    return cut


def _to_clause_end(text: str, start: int, t: int) -> int:
    m = re.search(r",\s*(?:while|but|whereas|which)\b|;", text[start:t])
    end = start + m.start() if m else t
    while end > start and text[end - 1] in " .,:;":
        end -= 1
    return end


def clause_end(text: str, start: int, t: int, quotes, fragment_words: int = 8) -> int | None:
    """Where reported speech starting at `start` ends (None: it is a direct quotation). A
    short quoted fragment is part of it; a longer quotation ends it."""
    end = t
    for qs, qe in quotes:
        if not start <= qs <= t:
            continue
        before = len(text[start : qs - 1].split())
        if before == 0 and (qe >= t - 2 or text[qe - 1] in ".?!"):
            return None  # the clause is the quotation (to its full stop)
        if len(text[qs:qe].split()) < fragment_words or 0 < before < 6:
            continue
        if before == 0:
            return None
        end = min(end, qs - 1)
        break
    if end < t and text[start:end].rstrip().endswith(":"):
        return None  # it introduces a direct quotation
    while end > start and text[end - 1] in ' .,:;“"':
        end -= 1
    return end
