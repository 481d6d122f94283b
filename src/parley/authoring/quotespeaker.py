"""Who speaks a direct quotation: the words around it in its sentence ("“…,” he said",
"Crocker said: “…”"), read by the speaker rules of `speakers`. (A quotation inside a
reported clause, "X “discussed …” according to Z" among them, is its clause's speaker's:
`draftstatements`.)"""

from __future__ import annotations

import re

from parley.authoring.reading import Reading
from parley.authoring.reported import ANY_VERB, SPEECH, SPEECH_VERBS
from parley.authoring.speakers import Who, agent
from parley.authoring.subjects import after_opening, subject_span


def quote_speaker(reading: Reading, qs: int, qe: int, sent) -> tuple[Who | None, tuple | None]:
    """(who, attribution span) of the quotation [qs, qe) in the sentence `sent`."""
    text = reading.text
    s, t = sent
    # after the quote: “…,” he said / “…”, said Crocker / “…,” the Iraqi premier said
    after = text[qe : max(t, min(len(text), qe + 90))]
    lead = re.search(rf"\b(?:{SPEECH_VERBS})\s*[,:]?\s*[“\"‘']?$", text[s:qs])
    m = (
        None
        if lead
        else re.match(r"[”\"’',.\s]{0,4}(.{0,120}?)\b(" + SPEECH_VERBS + r")\b(.{0,50})", after)
    )
    if m and (qe + m.start(2) > t > qe + 1) and ". " in m.group(1):
        m = None  # the verb of the next sentence
    if m and not re.search("[“\n]", after[: m.end(2)]):  # not after "X said, “…”"
        lo, verb, hi = qe + m.start(1), qe + m.start(2), qe + m.end(2)
        tail = re.match(r"[^,.;“\"\n]*", m.group(3))
        hi_phrase = qe + m.start(3) + (tail.end() if tail else 0)
        before_verb = bool(m.group(1).strip())
        who = agent(reading, lo, verb, anchor=qs - 1) if before_verb else None
        if who is None:
            who = agent(reading, hi, hi_phrase)
            if who is not None:
                return who, (verb, hi_phrase)
        if who is not None:
            return who, (lo, hi)
    # before the quote, same sentence: Crocker said that … “…” / Qomi said: “…”
    verbs = list(SPEECH.finditer(text, s, qs))
    if verbs:
        verb = verbs[-1]
        a_start, lo, hi = subject_span(text, s, verb.start(), ANY_VERB)
        who = agent(reading, lo, hi)
        if who is not None:
            start = a_start if a_start > lo else (who.start if who.start is not None else s)
            return who, (start, verb.end())

    elif text[s:qs].strip():
        # "the NCRI gave the names of … who “…”": the subject of the sentence
        who = agent(reading, after_opening(text, s, qs), qs)
        if who is not None and who.speaker is not None:
            return who, None
    return None, None


def unknown_speaker(reading: Reading, sent, qs: int) -> tuple[int, int] | None:
    """(start, end) of the sentence's words up to its last speech verb before the quotation
    at `qs`, when words stand before that verb (a subject the registry does not know)."""
    s, _ = sent
    verbs = list(SPEECH.finditer(reading.text, s, qs))
    if not verbs or not reading.text[s : verbs[-1].start()].strip(" ,"):
        return None
    return s, verbs[-1].end()
