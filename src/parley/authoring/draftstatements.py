"""Drafted statements: direct quotations and reported speech, their speakers and kinds.

A statement whose speaker cannot be told from its own words (and the sentence before) is not
guessed: it is drafted as unresolved, with the people it may be, for the reviewer to decide.
"""

from __future__ import annotations

import re

from parley.authoring.articlehead import title_span
from parley.authoring.chains import FLAGGED, resolve_chains
from parley.authoring.dates import date_in
from parley.authoring.naming import named_fragments
from parley.authoring.quotespeaker import quote_speaker, unknown_speaker
from parley.authoring.reading import Reading
from parley.authoring.reported import reported_in
from parley.authoring.spans import evidence, sentence_at, sentences
from parley.authoring.speakers import (
    SPEECH,
    Who,
    agent,
    antecedent,
    partners,
    tied_people,
    window,
)
from parley.seeds.quotes import in_any

OPEN_QUOTES = '“"'
CLOSE_OF = {"“": "”", '"': '"'}
PAIRED_SINGLES = ("‘’", "‘‘", "’’", "''")  # two single marks standing for a double one
MIN_QUOTE_WORDS = 5
# in a text with no double quotation marks, ‘…’ or '…' quote; an apostrophe inside a word
# ("Putin’s", "don't") does not close them
SINGLE_QUOTE = re.compile(
    r"(?<![\w‘’'])‘(?=\w)((?:[^’\n]|’(?=\w))+?)[,.]?’(?!\w)"
    r"|(?<![\w‘’'])'(?=\w)((?:[^'\n]|'(?=\w))+?)[,.]?'(?!\w)"
)
KIND_CUES = (
    ("accuse", re.compile(r"\baccus\w*|\bblam\w*")),
    ("deny", re.compile(r"\bden(?:y|ied|ies)\b|\bcountered\b")),
    ("demand", re.compile(r"\bdemand\w*|\bmust\b|\bneed to\b")),
    (
        "request",
        re.compile(
            r"\bask(?:ed|s)?\b|\burg\w*|\brequest\w*|\bpress\w* for\b|\bcall\w* (?:for|on)\b"
        ),
    ),
    ("propose", re.compile(r"\bpropos\w*|\binvitation\b")),
    ("offer", re.compile(r"\boffer\w*")),
    ("agree", re.compile(r"\bagree\w*")),
    ("reject", re.compile(r"\breject\w*|\bdismiss\w*")),
    ("express-hope", re.compile(r"\bhop(?:e|ed|es|eful)\b")),
    ("express-intent", re.compile(r"\bpledg\w*|\bvow\w*|\bpromis\w*")),
    ("praise", re.compile(r"\bprais\w*|\bwelcom\w*|\bpositive\b|\bhail\w*|\bheralded\b")),
    ("criticize", re.compile(r"\bcriticis\w*|\bcriticiz\w*|\bmistakes?\b|\bproblem\b")),
)


def find_quotes(reading: Reading) -> list[tuple[int, int]]:
    """Direct quotations: text between typographic or straight double quotes. A quotation
    left open at the end of its paragraph and opened again at the start of the next runs on
    (the typographic convention for a quotation over several paragraphs): one span."""
    cached = reading.cache.get("quotes")
    if cached is not None:
        return cached
    out = []
    i = 0
    text = reading.text
    if not re.search(r"[“”\"]|‘‘|’’|''", text):  # single marks as quotation marks
        spans = [m.span(1 if m.group(1) is not None else 2) for m in SINGLE_QUOTE.finditer(text)]
        out = [
            (s, t)
            for s, t in spans
            if len(text[s:t].split()) >= MIN_QUOTE_WORDS and not in_any(s, t, reading.excluded)
        ]
        reading.cache["quotes"] = out
        return out
    while i < len(text):
        ch = text[i]
        pair = text[i : i + 2] in PAIRED_SINGLES and (i == 0 or not text[i - 1].isalnum())
        if pair or (ch in OPEN_QUOTES and (ch != '"' or i == 0 or not text[i - 1].isalnum())):
            s, t, end = i + 1 + pair, *_quote_end(text, i, 1 + pair)
            while end == len(text) or text[end] == "\n":  # open at the line's end: runs on?
                nxt = re.compile(r"\s*[“\"]").match(text, end)
                if nxt is None or "\n" not in nxt.group():
                    break
                t, end = _quote_end(text, nxt.end() - 1)
            if len(text[s:t].split()) >= MIN_QUOTE_WORDS and not in_any(s, t, reading.excluded):
                out.append((s, t))
            i = end + 1
        else:
            i += 1
    reading.cache["quotes"] = out
    return out


def _quote_end(text: str, i: int, width: int = 1) -> tuple[int, int]:
    """(end of the quoted words, position of the closing mark or of the line's end) for the
    quotation opened at `i` by a mark of `width` characters (2: two single marks, ‘’)."""
    newline = text.find("\n", i + width)
    newline = len(text) if newline == -1 else newline
    if width == 2:
        marks: tuple[str, ...] = (*PAIRED_SINGLES, "”")
    else:
        marks = (CLOSE_OF[text[i]], "’’") if text[i] == "“" else (CLOSE_OF[text[i]],)
    closes = [c for c in (text.find(m, i + width, newline) for m in marks) if c != -1]
    end = min(closes, default=newline)
    t = end
    while t > i + width and text[t - 1] in " ,\u00a0":
        t -= 1
    return t, end


UNKNOWN = "its attributing words name no one the registry knows"
# a short quoted fragment in a reported clause: in double marks, or in single curly ones
# (‘good progress’; the closing ’ not followed by a letter, so no apostrophe ends it)
FRAGMENT = re.compile(r"[“\"]([^”\"\n]+?)(?:[”\"]|$)|‘([^‘’\n]+?)’(?!\w)")
# "the statement said", "the document also states": a statement named before
DOCUMENT_NOUN = re.compile(r"\b(?:statement|document|communiqu[eé]|declaration)\b")
DOCUMENT = re.compile(
    r"\s*[Tt]he\s+(?:joint\s+)?(?:statement|document|communiqu[eé]|declaration)"
    r"(?:\s+(?:also|further|then))?\s*$"
)


# "a statement issued by Chile's Foreign Ministry": who issued the document
ISSUED_BY = re.compile(
    r"\b(?:statement|document|communiqu[eé]|declaration)\s+(?:issued|released|published)"
    r"\s+by\s+([^,;.]{1,60}?)\s*(?:,|\b(?:said|says|stated|states)\b)"
)


def draft_statements(reading: Reading) -> tuple[list[dict], list[dict]]:
    """(statements, unresolved): entries for the quotations and the reported speech, in text
    order (each with its start under `_start`); unresolved ones carry `candidates` and `why`."""
    sents = sentences(reading.text)
    head = _headline(reading)
    quotes = [q for q in find_quotes(reading) if not in_any(*q, head)]
    reported: list[dict] = []
    before: tuple[int, int, list[dict]] = (0, 0, [])  # the sentence before and its speech
    for s, t in sents:
        skip = in_any(s, t, reading.excluded) or in_any(s, t, head)
        here = [] if skip else _reported(reading, s, t, quotes, before)
        reported.extend(here)
        before = (s, t, here)
    done: list[dict] = list(reported)
    # the last quotation: its speaker, line, whether left open at the line's end, attribution
    previous: tuple[str | None, int, bool, tuple | None] | None = None
    for qs, qe in quotes:
        i = sentence_at(sents, qs)
        sent = sents[i] if i >= 0 and qs < sents[i][1] else (qs, qe)
        who, attribution = quote_speaker(reading, qs, qe, sent)
        line = reading.text.rfind("\n", 0, qs) + 1
        inside = _clause_of(reported, qs, qe)
        if inside and (attribution is None or attribution[1] <= qs):
            # quoted words inside a reported clause: its speakers' (one statement each)
            for d in inside:
                one = Who(d.get("speaker"), None, tuple(d.get("candidates", ())), d.get("why", ""))
                done.append(_statement(reading, one, qs, qe, False, d["_attribution"], sent))
            previous = (inside[0].get("speaker"), line, False, None)
            continue
        if who is None:
            who, attribution = _signed(reading, qe)
        unknown = who is None and not _attributed_after(reading, qe)
        if unknown and (verb := unknown_speaker(reading, sent, qs)):
            # "The head of European diplomacy stated that … “…”": someone the registry does
            # not know speaks; not the person named before
            hint = antecedent(reading, verb[0])
            who = Who(None, None, (hint.speaker,) if hint.speaker else hint.candidates, UNKNOWN)
            attribution = verb
        runs_on = who is None and previous is not None
        runs_on = runs_on and _runs_on(reading, previous[1], line, qs, qe)
        if runs_on and previous[2] and not reading.text[line : qs - 1].strip():
            # the paragraph before left its quotation open: this one goes on with it
            who, attribution = Who(previous[0], None), previous[3]
        elif who is None and (after := _attributed_after(reading, qe)):
            who = agent(reading, after[0], after[1], anchor=qs - 1)
            attribution = (after[0], after[2]) if who is not None else None
            if who is None or who.speaker is None:
                hint = antecedent(reading, qs - 1)
                hints = (hint.speaker,) if hint.speaker else hint.candidates
                who = Who(None, None, (who.candidates if who else ()) or hints, UNKNOWN)
        elif who is None:
            who = _unattributed(reading, previous[0] if runs_on else None, qs)
        speaker = who.speaker or (who.candidates[:1] or (None,))[0]
        previous = (speaker, line, _left_open(reading.text, qe) and bool(who.speaker), attribution)
        done.append(_statement(reading, who, qs, qe, False, attribution, sent))
    done.extend(_named(reading, sents, reported, skip=head))
    done.sort(key=lambda st: st["_start"])
    resolve_chains(reading, done)
    return [d for d in done if "why" not in d], [d for d in done if "why" in d]


def _named(reading: Reading, sents, reported: list[dict], skip) -> list[dict]:
    """Short quoted words a speaker applies to something ("X called the talks “useful”"),
    unless a reported clause holds them (drafted with it)."""
    out = []
    for s, t in sents:
        if in_any(s, t, reading.excluded) or in_any(s, t, skip):
            continue
        for n in named_fragments(reading.text, s, t):
            if _clause_of(reported, n.start, n.end):
                continue
            who = agent(reading, n.who_start, n.who_end)
            if who is not None:
                attribution = (n.a_start, n.a_end)
                out.append(_statement(reading, who, n.start, n.end, False, attribution, (s, t)))
    return out


def _headline(reading: Reading) -> list[tuple[int, int]]:
    """The headline, when it is a line of its own above the text and no sentence (no full
    stop): it repeats what the body reports, and statements are read from the body."""
    span = title_span(reading)
    if span is None or reading.text[span[1] - 1] in ".!?" or not reading.text[span[1] :].strip():
        return []
    return [span]


def _left_open(text: str, qe: int) -> bool:
    """Whether the quotation ending at `qe` has no closing mark before its line ends (the
    typographic convention for a quotation that goes on in the next paragraph)."""
    end = text.find("\n", qe)
    return not re.search(r"[”\"]", text[qe : len(text) if end == -1 else end])


def _clause_of(reported: list[dict], qs: int, qe: int) -> list[dict]:
    """The reported statements whose clause holds the quotation [qs, qe), one per speaker
    (or candidate, when unresolved)."""
    inside = [d for d in reported if "_end" in d and d["_start"] <= qs and qe <= d["_end"]]
    return list({d.get("speaker") or str(d.get("candidates")): d for d in inside}.values())


def _signed(reading: Reading, qe: int) -> tuple[Who | None, tuple | None]:
    """A quotation that ends its paragraph, followed by a line that is only a person's name
    ("Winston Peters."): that person, the line its attribution."""
    text = reading.text
    line = re.compile(r"[”\"’'.,]*[ \t]*\n\s*\n?([^\n]+?)\.?[ \t]*(?:\n|$)").match(text, qe)
    if line is None:
        return None, None
    lo, hi = line.span(1)
    people = reading.agents_in(lo, hi, ("person",))
    if len(people) == 1 and (people[0].start, people[0].end) == (lo, hi):
        return Who(people[0].entity, lo), (lo, line.end(1) + (text[hi : hi + 1] == "."))
    return None, None


def _runs_on(reading: Reading, last_line: int, line: int, qs: int, qe: int) -> bool:
    """Whether a quotation [qs, qe) without attribution continues the one on `last_line`:
    not when words with a speech verb that name no one we know attribute it ("“…,” the
    crown prince said")."""
    text = reading.text
    gap = text[last_line:line]
    end = text.find("\n", qe)
    after = text[qe : min(qe + 60, len(text) if end == -1 else end)]
    return gap.count("\n") <= 6 and not SPEECH.search(text[line:qs]) and not SPEECH.search(after)


def _attributed_after(reading: Reading, qe: int) -> tuple[int, int, int] | None:
    """(start of the words, start and end of the verb) when words with a speech verb follow
    the quotation in its line ("“…,” the interior minister said"; after a quotation that
    words before it introduced, "What they're saying: “…,” X said"), else None."""
    text = reading.text
    end = text.find("\n", qe)
    after = text[qe : min(qe + 60, len(text) if end == -1 else end)]
    verb = SPEECH.search(after)
    if verb is None or re.search(r"[.!?]\s", after[: verb.start()]):
        return None
    lo = qe + len(after) - len(after.lstrip("”\"’', "))
    return lo, qe + verb.start(), qe + verb.end()


def _unattributed(reading: Reading, runs_on: str | None, qs: int) -> Who:
    """The speaker of a quotation with no attributing words: the speaker of the quotation
    it runs on from, or the person named just before it (in its sentence or the one before),
    when named there; else unresolved."""
    named = tied_people(reading, *window(reading, qs - 1, qs))
    if runs_on and (runs_on in named or not _is_person(reading, runs_on)):
        return Who(runs_on, None)
    who = antecedent(reading, qs - 1)
    if who.speaker:
        return who
    candidates = (runs_on,) if runs_on else who.candidates
    return Who(
        None, None, candidates, "a quotation with no attribution and no person named just before"
    )


def _is_person(reading: Reading, ident: str) -> bool:
    entity = reading.registry.entities.get(ident)
    return entity is not None and entity.kind == "person"


def _document(reading: Reading, lo: int, hi: int, before) -> Who | None:
    """ "The statement said", "the document states": the speakers of the statement the
    sentence before speaks of ("A Commerce Ministry statement … said", "the three leaders
    signed a joint statement promising …")."""
    noun = DOCUMENT.match(reading.text, lo, hi)
    s, t, entries = before
    if noun is None or not DOCUMENT_NOUN.search(reading.text, s, t):
        return None
    issued = ISSUED_BY.search(reading.text, s, t)
    issuer = agent(reading, *issued.span(1)) if issued else None
    if issuer is not None and issuer.speaker:  # "A statement issued by X said …"
        return issuer
    speakers = list(dict.fromkeys(d.get("speaker") for d in entries if d.get("paraphrase")))
    speakers = [p for p in speakers if p]
    return Who(speakers[0], lo, also=tuple(speakers[1:])) if speakers else None


def _reported(reading: Reading, s: int, t: int, quotes, before=(0, 0, [])) -> list[dict]:
    """The reported speech of the sentence [s, t) (`reported.reported_in`), and the short
    quoted fragments inside it as direct quotations of the same speaker."""
    out = []
    text = reading.text
    for found in reported_in(text, s, t, quotes):
        who = agent(reading, found.who_start, found.who_end) or _document(
            reading, found.who_start, found.who_end, before
        )
        if who is None:
            continue
        attribution = (min(found.a_start, who.start or found.a_start), found.a_end)
        # people who speak together ("the three leaders"): one statement each
        others = partners(reading, who, found.who_end)
        every = (who, *(Who(p, who.start, via=who.via) for p in others))
        for one in every:
            entry = _statement(reading, one, found.start, found.end, True, attribution, (s, t))
            out.append({**entry, "_end": found.end, "_attribution": attribution})
        # the clause may stop before the closing mark ("was “important and very good.”")
        for m in FRAGMENT.finditer(text[found.start : found.end]):
            words = m.group(m.lastindex)
            if 1 <= len(words.split()) < MIN_QUOTE_WORDS:
                qs = found.start + m.start(m.lastindex)
                qe = qs + len(words)
                for one in every:
                    out.append(_statement(reading, one, qs, qe, False, attribution, (s, t)))
    return out


def _statement(reading: Reading, who: Who, qs, qe, paraphrase, attribution, sent) -> dict:
    text = reading.text
    entry: dict = {"_start": qs, "_attr": attribution, "_sent": sent}
    span_end = max(qe, attribution[1]) if attribution else qe
    if (
        who.speaker
        and not who.via
        and _is_person(reading, who.speaker)
        and who.speaker
        not in tied_people(
            reading, *window(reading, min(qs, attribution[0] if attribution else qs), span_end)
        )
    ):
        who = Who(
            None,
            who.start,
            (who.speaker,),
            "its speaker is not named in this sentence or the one before",
        )
    if who.speaker:
        entry["speaker"] = who.speaker
    entry["quote"] = evidence(text, qs, qe, reading.excluded)
    entry["paraphrase"] = paraphrase
    if attribution and attribution[0] < attribution[1]:
        entry["attribution"] = evidence(text, *attribution, reading.excluded)
    entry["kind"] = guess_kind(text[sent[0] : sent[1]], text[qs:qe])
    date = date_in(reading, *sent)
    if date:
        entry["date"] = date
    if who.via:
        entry["note"] = f"{FLAGGED} {who.via}"
    elif who.speaker:
        entry["note"] = "drafted: check speaker, kind and quote boundaries"
    else:
        entry["candidates"] = [c for c in who.candidates if c]
        entry["why"] = who.why
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
