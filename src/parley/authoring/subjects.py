"""Where the subject of a verb lies in its sentence: the words a reader takes for who speaks.

A sentence can open with an adverbial ("After meeting with X, Y said", "While X claims …,
Y accuses"), join clauses ("…, after Bogota accused Caracas of", "X urged A and Y called on
B") or share one subject between two verbs ("The palace said A, and noted that B"). The
subject of a verb is read from the start of its own clause; a verb without a subject of its
own shares the subject of the verb before it.
"""

from __future__ import annotations

import re

# a dateline opening a sentence: "AMMAN (AFP) —", "ISLAMABAD, Pakistan --", "TEHRAN //",
# "ATHENS (Example News - 5th December, 2019) "
DATELINE = re.compile(
    r"[A-Z]{3,}[A-Z ,/'.-]*?(?:,\s*[A-Z][a-z]+(?: [A-Z][a-z]+)*)?"
    r"(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})?)?\s*"
    r"(?:\([^)\n]{1,60}\)\s*(?:(?:--|[-–—]|//)\s*)?|(?:--|[-–—]|//)\s*)"
)
# a sentence opening with one of these words starts with an adverbial that ends at its comma
LEAD = re.compile(
    r"(?:While|Whereas|Although|Though|After|Before|When|As|Since|Because|If|Once|Unlike"
    r"|Despite|According|Following|Prior|Ahead|In|On|At|During|Earlier|Later|Meanwhile"
    r"|However|But|Also|Asked|Speaking|Addressing|Last|This|Yesterday|Today|Separately|Upon"
    r"|[A-Z][a-z]+ing)\b"  # "Referring to …, the Peruvian president said"
)
# a clause boundary inside a sentence, before a new subject
BOUNDARY = re.compile(
    r"(?:,[”\"]?\s*(?:while|but|and|whereas|which|who|after|before|when|as|since|because|although"
    r"|though|even as|until)\s+|;\s*|\b(?:which|whom)\s+(?=[A-Z])"
    r"|(?<=[a-z] )(?:after|before|when|while|until)\s+(?=[A-Z])"
    r"|,\s*(?=(?:adding|saying|noting|warning|stressing|insisting|claiming|arguing)\b))"
)
# "… and Poroshenko called on": a new subject of up to four capitalised words (or a pronoun)
NEW_SUBJECT = re.compile(
    r"(?:(?:[A-Z][\w’'.-]*|he|she|they|it|we)\s+){1,4}(?:(?:has|have|had|also|then|later)\s+)*"
)
# lower-case words that show a clause, not a name ("President X of Y", "Abdullah bin Z")
LOWER = re.compile(r"\b(?!(?:of|the|for|in|and|de|al|bin|ibn|van|von|der)\b)[a-z][\w’'-]*")
# what a subject is not: words that leave a verb without a subject of its own ("…, but when
# asked how it went said …")
NOT_SUBJECT = re.compile(
    r"(?:\s|\b(?:also|further|then|later|has|have|had|and|but|so|yet|repeatedly|again)\b"
    r"|\b(?:when|if|once|after being) asked\b(?:\s+(?:how|what|whether|about|if|why)\b[^,;]*)?)*"
)


def after_opening(text: str, s: int, verb: int) -> int:
    """Where the sentence starting at `s` begins its main clause: after a dateline and an
    opening adverbial ("During the meeting with X, Y remembered …") that ends before `verb`."""
    head = DATELINE.match(text, s)
    s = head.end() if head else s
    if LEAD.match(text, s):
        # the adverbial's comma: not one inside a date ("on Oct. 26, 1998 in Brasilia,")
        comma = re.compile(r",(?!\s*\d{4}\b)").search(text, s, verb)
        if comma is not None:
            return comma.end()
    return s


def subject_start(text: str, s: int, verb: int) -> int:
    """The start of the clause of the sentence starting at `s` that holds the verb at
    `verb`: after an opening adverbial and after the last clause boundary before the verb."""
    head = DATELINE.match(text, s)
    s = head.end() if head else s
    cut = after_opening(text, s, verb)
    for m in BOUNDARY.finditer(text, cut, verb + 12):  # past the verb: ", noting" looks ahead
        if m.end() > verb:
            break
        if re.match(r",\s*(?:which|who)\b", m.group()) and "," in text[m.end() : verb]:
            continue  # "Qomi, who heads the delegation, said": an insertion in the subject
        if re.match(r",\s*and\b", m.group()) and len(LOWER.findall(text, cut, m.start())) < 2:
            continue  # "The Minister …, X, and his Iraqi counterpart, Y, said": one subject
        cut = m.end()
    for m in list(re.finditer(r"\s(?:and|but)\s+", text[cut:verb])):
        clause = len(LOWER.findall(text, cut, cut + m.start())) >= 2  # not "X and Y said"
        if clause and NEW_SUBJECT.fullmatch(text, cut + m.end(), verb):
            cut += m.end()
            break
    cut = max(cut, _after_quotation(text, s, cut, verb))
    while cut < verb and text[cut].isspace():
        cut += 1
    return cut


def _after_quotation(text: str, s: int, cut: int, verb: int) -> int:
    """After the closing mark of a quotation before the verb ("“…,” he said, adding …": the
    subject is "he"), else `cut`."""
    close = text.rfind("”", cut, verb)
    straight = [i for i in range(s, verb) if text[i] == '"']
    if straight and len(straight) % 2 == 0 and straight[-1] >= cut:
        close = max(close, straight[-1])
    return close + 1 if close >= cut else cut


def subject_span(text: str, s: int, verb: int, verbs: re.Pattern) -> tuple[int, int, int]:
    """(attribution start, subject start, subject end) of the verb at `verb`: its clause's
    subject; for a verb with none ("…, and noted that"), the subject of the last verb
    (`verbs`) before it, with the attribution starting at the verb."""
    lo = subject_start(text, s, verb)
    if NOT_SUBJECT.fullmatch(text, lo, verb) and lo > s:
        previous = [m for m in verbs.finditer(text, s, lo) if m.end() <= lo]
        if previous:
            _, who_lo, who_hi = subject_span(text, s, previous[-1].start(), verbs)
            return verb, who_lo, who_hi
        # "X quoted Y, as saying": the sentence before the verb, after an opening adverbial
        return s, after_opening(text, s, verb), verb
    return lo, lo, verb
