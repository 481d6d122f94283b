"""Drafted statements: direct quotations and reported speech, their speakers and kinds."""

from __future__ import annotations

import re

from parley.authoring.dates import date_in
from parley.authoring.reading import Reading
from parley.authoring.spans import evidence, sentences
from parley.authoring.speakers import SPEECH, quote_speaker, speaker_before
from parley.seeds.quotes import in_any

OPEN_QUOTES = '“"'
CLOSE_OF = {"“": "”", '"': '"'}
MIN_QUOTE_WORDS = 5
KIND_CUES = (
    ("accuse", re.compile(r"\baccus\w*|\bblam\w*")),
    ("deny", re.compile(r"\bden(?:y|ied|ies)\b|\bcountered\b")),
    ("demand", re.compile(r"\bdemand\w*|\bmust\b|\bneed to\b")),
    ("request", re.compile(r"\bask(?:ed|s)?\b|\burg\w*|\brequest\w*|\bpressing for\b")),
    ("propose", re.compile(r"\bpropos\w*|\binvitation\b")),
    ("offer", re.compile(r"\boffer\w*")),
    ("agree", re.compile(r"\bagree\w*")),
    ("reject", re.compile(r"\breject\w*")),
    ("express-hope", re.compile(r"\bhop(?:e|ed|es|eful)\b")),
    ("praise", re.compile(r"\bprais\w*|\bwelcom\w*|\bpositive\b")),
    ("criticize", re.compile(r"\bcriticis\w*|\bcriticiz\w*|\bmistakes?\b|\bproblem\b")),
)


def find_quotes(reading: Reading) -> list[tuple[int, int]]:
    """Direct quotations: text between typographic or straight double quotes."""
    out = []
    i = 0
    text = reading.text
    while i < len(text):
        ch = text[i]
        if ch in OPEN_QUOTES and (ch != '"' or i == 0 or not text[i - 1].isalnum()):
            close = text.find(CLOSE_OF[ch], i + 1)
            newline = text.find("\n", i + 1)
            newline = len(text) if newline == -1 else newline
            end = close if close != -1 and close <= newline else newline
            s, t = i + 1, end
            while t > s and text[t - 1] in " ,\u00a0":
                t -= 1
            if len(text[s:t].split()) >= MIN_QUOTE_WORDS and not in_any(s, t, reading.excluded):
                out.append((s, t))
            i = end + 1
        else:
            i += 1
    return out


def draft_statements(reading: Reading) -> list[dict]:
    """Statement entries for the quotations with a speaker and the reported speech, in text
    order (each with its start under `_start`)."""
    out = []
    sents = sentences(reading.text)
    quotes = find_quotes(reading)
    last_speaker: tuple[str, int] | None = None  # (entity, paragraph end)
    for qs, qe in quotes:
        sent = next(((s, t) for s, t in sents if s <= qs < t), (qs, qe))
        speaker, attribution = quote_speaker(reading, qs, qe, sent, last_speaker)
        if speaker is None:
            continue
        line_start = reading.text.rfind("\n", 0, qs) + 1
        last_speaker = (speaker, line_start)
        out.append(_statement(reading, speaker, qs, qe, False, attribution, sent))
    for s, t in sents:
        if in_any(s, t, reading.excluded):
            continue
        found = _reported(reading, s, t, quotes)
        if found:
            out.append(found)
    out.sort(key=lambda st: st["_start"])
    return out


def _reported(reading: Reading, s: int, t: int, quotes) -> dict | None:
    """Reported speech: AGENT [apposition] said (that) CLAUSE."""
    full = reading.text
    text = full[s:t]
    for verb in SPEECH.finditer(text):
        after = text[verb.end() :]
        m = re.match(r",?\s*(?:(?:[\w’'-]+\s+){0,3}?that\s+)?", after)
        clause_start = s + verb.end() + (m.end() if m else 0)
        if clause_start >= t or full[clause_start] in OPEN_QUOTES + ":":
            continue
        if any(qs - 1 <= clause_start <= qe for qs, qe in quotes):
            continue
        found = speaker_before(reading, s, s + verb.start(), nearest=False)
        if found is None:
            continue
        speaker, attribution = found[0], (found[1], s + verb.end())
        clause_end = t
        for qs, _qe in quotes:
            if clause_start < qs <= t:
                clause_end = min(clause_end, qs - 1)
        if clause_end < t and full[clause_start:clause_end].rstrip().endswith(":"):
            continue  # it introduces a direct quotation
        while clause_end > clause_start and full[clause_end - 1] in ' .,:;“"':
            clause_end -= 1
        if len(full[clause_start:clause_end].split()) < MIN_QUOTE_WORDS:
            continue
        return _statement(reading, speaker, clause_start, clause_end, True, attribution, (s, t))
    return None


def _statement(reading: Reading, speaker, qs, qe, paraphrase, attribution, sent) -> dict:
    text = reading.text
    entry: dict = {"_start": qs, "speaker": speaker}
    entry["quote"] = evidence(text, qs, qe, reading.excluded)
    entry["paraphrase"] = paraphrase
    if attribution and attribution[0] < attribution[1]:
        entry["attribution"] = evidence(text, *attribution, reading.excluded)
    entry["kind"] = guess_kind(text[sent[0] : sent[1]], text[qs:qe])
    date = date_in(reading, *sent)
    if date:
        entry["date"] = date
    entry["note"] = "drafted: check speaker, kind and quote boundaries"
    return entry


def guess_kind(sentence: str, quote: str) -> str:
    """A statement kind from cue words in the attribution sentence (make-statement if none)."""
    outside = sentence.replace(quote, " ")
    for kind, cue in KIND_CUES:
        if cue.search(outside):
            return kind
    for kind, cue in KIND_CUES:
        if cue.search(quote):
            return kind
    return "make-statement"
