"""Where reported words end in their sentence: at a full stop, a long quotation, a
participle, a closing aside after a spaced dash or a short credit; and whether a quotation
is the clause itself, its object, or words that carry it on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ADVERBIAL = re.compile(
    r"(?:on|in|at|after|before|during|since|earlier|later|late|afterwards?|yesterday|today|tonight|this|last"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
MIN_WORDS = 5
# words before a lower-case quotation that it carries on ("the parties “agreed …”", "can be
# handled, “creating …”"), not a form of "be" or "have" it completes
PREDICATE = re.compile(r"\b(?!(?:is|are|was|were|be|been|had|has|have|to)\b)\w+,?$")
# the words before a quotation that make it the object of the clause ("was to “end …”",
# "part of Jordan’s “cooperation …”")
OBJECT_OF = re.compile(
    r"(?:\b(?:to|of|a|an|the|as|for|is|was|be|his|her|its|their|our)|['’]s)$", re.I
)


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


def in_quote(pos: int, quotes) -> bool:
    """Whether `pos` lies inside one of the quotations [qs, qe)."""
    return any(qs <= pos < qe for qs, qe in quotes)


def _aside(text: str, start: int, end: int) -> int:
    """`end`, or the start of an aside that closes the clause ("… to separatists - a claim
    X denied"): a spaced dash with no second one after it."""
    dashes = [
        m
        for m in re.finditer(r"\s[-–—]{1,2}\s", text[start:end])
        if not _open_quote(text[start : start + m.start()])
    ]
    return start + dashes[0].start() if len(dashes) == 1 else end


def _open_quote(before: str) -> bool:
    """Whether a quotation opened in `before` is still open at its end."""
    return before.count('"') % 2 == 1 or before.count("“") > before.count("”")


def to_clause_end(text: str, start: int, t: int) -> int:
    m = re.search(
        r",\s*(?:while|but|whereas|which|(?!including|according)[a-z]+ing)\b|;", text[start:t]
    )
    end = _aside(text, start, start + m.start() if m else t)
    credit = re.search(
        r",((?:\s+[\w’'-]+){1,6}?)\s+(?:said|says|added|reported)\W*$", text[start:end]
    )
    if credit and not re.search(r"\b(?:that|which|who)\b", credit.group(1)):
        end = start + credit.start()  # "…, the DR Congo presidency said": the clause ends
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
        if before == 0 and (qe >= t - 2 or text[qe - 1] in ".?!" or _credit(text, qe, t)):
            return None  # the clause is the quotation (to its full stop or its credit)
        lead = text[start : qs - 1].rstrip()
        introduces = lead.endswith((",", ":")) or len(text[qs:qe].split()) >= fragment_words
        if 0 < before <= 8 and ADVERBIAL.match(lead) and "that" not in lead.split() and introduces:
            return None  # "told reporters on Tuesday, “We all agreed …”": a quotation
        if before and OBJECT_OF.search(lead) and (qe >= t - 2 or text[qe - 1] in ".?!,"):
            return _trim(text, start, t)  # "was part of Jordan’s “cooperation …”": its object
        if before and text[qs : qs + 1].islower() and PREDICATE.search(lead):
            continue  # "the two leaders “agreed on …”": the quoted words are its predicate
        if len(text[qs:qe].split()) < fragment_words or 0 < before < 6:
            continue
        if before == 0:
            return None
        end = min(end, qs - 1)
        break
    if end < t and text[start:end].rstrip().endswith(":"):
        return None  # it introduces a direct quotation
    return _trim(text, start, _aside(text, start, end))


def _credit(text: str, qe: int, t: int) -> bool:
    """Whether the sentence ends after a quotation with a short credit of its own
    ("“…”, The Washington Post reported.")."""
    rest = text[qe:t].strip(' .”"')
    return rest.startswith(",") and len(rest.split()) <= 6 and " that " not in rest


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in ' .,:;“"':
        end -= 1
    return end
