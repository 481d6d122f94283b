"""Reported speech in one sentence: where the reported words are, and the words that attribute
them. The shapes:

- `AGENT said (that) CLAUSE` (and told, added, warned, claims, …; "countered" only before
  "that"), and each further verb of the sentence with its own clause (", and noted that …");
- `CLAUSE, AGENT said …` and `CLAUSE, said AGENT` (the verb after the clause it reports);
- `AGENT (has) accused|blamed X of|for CLAUSE` and `X was accused by AGENT of CLAUSE`;
- `AGENT (has) denounced|rejected|called for|urged|blamed … NOUN PHRASE`, `AGENT described
  X as Y`;
- `AGENT called on|urged|asked X to CLAUSE`;
- `According to AGENT, CLAUSE` and `CLAUSE, according to AGENT` (a clause with no speech
  verb of its own);
- those whose agent a preposition names (`parley.authoring.byagent`): `what AGENT has called
  NOUN PHRASE`, `a claim denied by AGENT`, `CLAUSE was welcomed by AGENT`.

Each yields (clause start, clause end, attribution start, attribution end, agent span).
"""

from __future__ import annotations

import re
from dataclasses import replace

from parley.authoring.byagent import called, denial, passive_stance
from parley.authoring.clauses import (
    ADVERBIAL,
    MIN_WORDS,
    Found,
    clause_end,
    in_quote,
    to_clause_end,
)
from parley.authoring.subjects import DATELINE, subject_span

# "told reporters", "told a press conference": who was told belongs to the verb
TOLD = (
    r"told(?: (?:reporters|journalists|lawmakers|parliament|state (?:television|media|radio)"
    r"|(?:a|an|the) (?:[\w-]+ ){0,2}(?:conference|briefing|gathering|rally|audience|session"
    r"|meeting|interview|agency|newspaper|daily|television|radio|channel|broadcaster|station"
    r"|website|magazine|reporters|journalists|parliament|lawmakers|crowd)"
    r"|[A-Z][\w-]+(?: [A-Z][\w-]+)*))?"
)
SPEECH_VERBS = (
    TOLD + r"|said|says|added|stressed|reiterated|insisted|announced|declared|noted|warned"
    r"|claimed|claims|saying|explained|asserted|acknowledged|countered|argued|urged|urging"
    r"|emphasi[sz]ed|maintained|confirmed|denied|predicted|complained|suggested|suggesting"
    r"|insisting|adding|warning|stressing|noting|claiming|call(?:ed|s|ing) (?:on|for)"
    r"|stated|states(?= that)|reported(?![^.;]{1,60}?\bas\s+[a-z]+ing\b)|concluded|recalled"
    r"|pointed out|underlined|underscored|affirmed|reaffirmed|observed|remarked|replied"
    r"|responded|wrote|tweeted|continued|vowed|pledged|promised|asked|admitted|conceded"
    r"|highlighted|commented|cautioned|answered|citing"
)
SPEECH = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
# verbs that report speech only when a clause follows ("countered that …", not "countered X");
# "called on X to …", "urged X to …" and "called for X" are read by `_appeal` and `_stance`
THAT_VERBS = re.compile(
    r"(?:countered|argued|urged|urging|maintained|confirmed|denied|predicted|complained"
    r"|suggested|call(?:ed|s|ing) (?:on|for)|states|concluded|recalled"
    r"|affirmed|reaffirmed|observed|remarked|replied|responded|wrote|tweeted|continued"
    r"|vowed|pledged|promised|asked|admitted|conceded|highlighted|commented|cautioned"
    r"|answered|citing)$"
)
ACCUSE = re.compile(
    r"\b(?:accused|accuses|accusing|accuse|blamed|blames|blaming|critici[sz](?:ed|es|ing))\b"
)
STANCE = re.compile(
    r"\b(?:has |have |had )?(?:denounced|condemned|rejected|welcomed|praised|critici[sz]ed"
    r"|call(?:ed|s) for|urged|urges|demanded|demands|blamed|blames|press(?:ed|es|ing) for"
    r"|dismissed|denied|hailed|heralded|expressed|referred to"
    r"|thanked|thanks|congratulated|congratulates|conveyed|conveys|commended|lauded"
    r"|(?P<as>described|assessed|characteri[sz]ed))\b"
)
APPEAL = re.compile(
    r"\b(?:call(?:ed|s|ing) on|urged|urges|urging|asked|asks|appealed to|pressed|encouraged)"
    r"\s+(?!(?:whether|if|how|what|why|when|where)\b)"  # "asked whether …": a question
    r"(?:[\w’'-]+\s+){1,5}?(?:[-–—]\s+[^-–—.;]{1,80}?\s+[-–—]\s+)?"  # "X - an aside -"
    r"(?=(?:not\s+)?to\s+[“\"]?[a-z])"
    r"|\b(?:pledged|vowed|promised|threatened|pledging|vowing|promising|threatening)"
    r"\s+(?=to\s+[“\"]?[a-z])"
)
# a phrase after "said," that is no clause: "…, Anwar said, with Malaysia's states …"
TRAILING = re.compile(r",\s+(?:with|amid|along with|as well as)\s+(?!(?:\S+\s+){0,5}that\b)")
# "denied on Sunday that", "vowed last week that": when, between a verb and "that"
WHEN = r"(?:on|last|this|earlier|later)\s+\w+"
# "X said this while visiting …", "said so in a speech": words reported before, no clause
SAID_THIS = re.compile(
    r"(?:this|so)\s+(?:while|when|during|after|before|at|in|on|as|ahead|to|from)\b"
)
# a reported clause that reports another's words: "(that) Foxley had said (that) …"
INNER = re.compile(
    r"((?:[A-Z][\w’'.-]*\s+){1,4})(?:had\s+|has\s+|have\s+)?"
    r"(?P<verb>said|stated|told(?:\s+[\w’'-]+){1,3}?(?=\s+that\b))\s+(?:that\s+)?"
)
ACCORDING = re.compile(r"\b[Aa]ccording to\s+")
# every verb that attributes speech: the verbs a subject can be shared with
ANY_VERB = re.compile(rf"{SPEECH.pattern}|{ACCUSE.pattern}|{STANCE.pattern}")
# what makes a speech verb no one's speech: a passive ("were said to be"), a negation
NOT_SPOKEN = re.compile(
    r"\b(?:is|are|was|were|be|been|being|without|not|never|(?:declined|refused) to)\s+$"
)


def reported_in(text: str, s: int, t: int, quotes) -> list[Found]:
    """The reported speech of the sentence [s, t), in text order; a clause that holds
    another's attribution ends before it ("…, which it has accused of …")."""
    out: list[Found] = []
    head = DATELINE.match(text, s)
    s = head.end() if head else s  # "AMMAN (AFP) — …": the dateline is no reported speech
    for finder in (
        _inverted,
        _accused,
        _appeal,
        _stance,
        _said,
        _according,
        denial,
        called,
        passive_stance,
    ):
        for found in finder(text, s, t, quotes):
            if any(f.a_end == found.a_end for f in out):
                continue  # the same attribution, read by an earlier shape
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
    return replace(found, end=max(found.start, end))


def _attributes_quote(text: str, s: int, verb: int, quotes) -> bool:
    """Whether the verb at `verb` attributes a direct quotation that ends just before it (it
    is the first speech verb after the quotation)."""
    return any(
        s <= qe <= verb
        and verb - qe <= 120
        and "“" not in text[qe:verb]
        and not SPEECH.search(text, qe, verb)
        and not re.search(r"\b(?:but|and)\s+(?:then\s+|also\s+)?$", text[qe:verb])  # "but said"
        and not re.search(r"\bthat\s*[“\"]?$", text[max(s, qs - 12) : qs])  # "told X that “…”"
        for qs, qe in quotes
    )


def _introduced(text: str, s: int, verb: int, quotes) -> bool:
    """Whether the verb attributes a quotation that words before it introduce ("who told
    reporters: “…,” X said", "What they're saying: “…,” X said"): no clause of its own."""
    return _attributes_quote(text, s, verb, quotes) and any(
        s < qs and qe <= verb and re.search(rf"(?:\b(?:{SPEECH_VERBS})\b|:)\s*[“\"]?$", text[s:qs])
        for qs, qe in quotes
    )


def _said(text: str, s: int, t: int, quotes) -> list[Found]:
    """AGENT said (that) CLAUSE, for the first speech verb of the sentence and each later
    one that starts a clause of its own (", and noted that …", "…; Y added that …")."""
    out: list[Found] = []
    for verb in SPEECH.finditer(text, s, t):
        after = text[verb.end() : t]
        if THAT_VERBS.search(verb.group()) and not re.match(rf"\s+(?:{WHEN}\s+)?that\b", after):
            continue
        if verb.group() in ("claims", "stated", "reported") and re.search(
            r"\b(?:the|a|his|her|its|their|these|those|such|of|and|or|to|by)\s+$",
            text[s : verb.start()],
        ):
            continue  # "the claims", "their stated aims": a noun, an adjective
        if in_quote(verb.start(), quotes) or _attributes_quote(text, s, verb.start(), quotes):
            continue
        if re.search(NOT_SPOKEN, text[s : verb.start()]):
            continue  # "were said to be": a passive; "without saying": no speech
        a_start, who_lo, who_hi = subject_span(text, s, verb.start(), ANY_VERB)
        if out and not out[-1].start < a_start:
            continue  # inside the clause of the verb before, with no clause of its own
        m = re.match(r",?\s*(?:((?:[\w’'-]+\s+){0,6}?)that\s+)?", after)
        if m.group(1) and not (verb.group().startswith("told") or ADVERBIAL.match(m.group(1))):
            m = re.match(r",?\s*", after)  # "saying it showed that …": "that" is further in
        if not m.group(0).strip(" ,"):  # "told Li on Saturday he hoped …": when, then the clause
            m = re.match(r",?\s*(?:(?:on|last|earlier|later)\s+\w+\s+(?=[a-z]))?", after)
        start = verb.end() + m.end()
        if start >= t or text[start] == ":" or SAID_THIS.match(text, start, t):
            continue
        if TRAILING.match(text, verb.end(), t):
            continue  # "…, Anwar said, with Malaysia's states …": an aside, no clause
        end = clause_end(text, start, t, quotes)
        if end is None or len(text[start:end].split()) < MIN_WORDS:
            continue
        inner = INNER.match(text, start, end)
        if inner and len(text[inner.end() : end].split()) >= MIN_WORDS:
            # "the ministry said that Foxley had said …": the words are the inner speaker's
            lo, hi = inner.span(1)
            out.append(Found(inner.end(), end, a_start, inner.end("verb"), lo, hi))
            continue
        out.append(Found(start, end, a_start, verb.end(), who_lo, who_hi))
    return out


def _inverted(text: str, s: int, t: int, quotes) -> list[Found]:
    """CLAUSE, AGENT said … (a speech verb after a comma and a short subject), and CLAUSE,
    said AGENT (the closing mark of a quoted end of the clause may stand before the
    comma's words)."""
    for verb in SPEECH.finditer(text, s, t):
        if THAT_VERBS.search(verb.group()):
            continue  # "…, an accusation denied by Tehran"
        comma = text.rfind(",", s, verb.start())
        subject = text[comma + 1 : verb.start()] if comma > s else ""
        words = len(re.sub(r"\b(?:was|were)\s+quoted\s+as\b|[”\"]", "", subject).split())
        if comma <= s or words > 8 or re.search(r"[“\"”]", subject.strip().lstrip('”"')):
            continue
        if re.search(r"\b(?:that|which|who|and|but)\b", subject) or in_quote(comma, quotes):
            continue
        if text[s] in '“"' or len(text[s:comma].split()) < MIN_WORDS:
            continue
        if _introduced(text, s, verb.start(), quotes):
            continue  # "… told reporters: “…,” Vucic said": the verb is the quotation's
        inner = _said(text, s, comma, quotes) if SPEECH.search(text, s, comma) else []
        if inner and not re.search(r"[,;:]", text[s : inner[0].a_start]):
            # "Y told Z he hoped CLAUSE, the ministry said": the words are Y's
            return inner[:1]
        if re.search(r"\b(?:said|says)\b", text[s:comma]) or STANCE.search(text, s, comma):
            continue
        rest = text[verb.end() : t].strip(" ,.")
        if not subject.strip(' ”"'):  # CLAUSE, said AGENT
            who = re.match(r"\s*((?:the |an? )?[A-Z][^,.;:]{0,60}?)\s*(?:[,.;:]|$)", rest)
            if who is None or words or not re.fullmatch(r"said|says|told|added", verb.group()):
                continue
            if len(who.group(1).split()) > 6 or re.search(r"\bthat\b", who.group(1)):
                continue
            lo = text.index(who.group(1), verb.end())
            return [
                Found(s, comma, verb.start(), lo + len(who.group(1)), lo, lo + len(who.group(1)))
            ]
        clause_after = not ADVERBIAL.match(rest) or re.search(r"\bthat\b", rest)
        aside = TRAILING.match(text, verb.end(), t)  # "…, Anwar said, with …"
        if len(rest.split()) > 3 and clause_after and not aside:
            continue
        a_end = verb.end()
        return [Found(s, comma, comma + 1 + _lead(subject), a_end, comma + 1, verb.start())]
    return []


def _lead(subject: str) -> int:
    return len(subject) - len(subject.lstrip(' ”"'))


def _accused(text: str, s: int, t: int, quotes) -> list[Found]:
    """AGENT (has) accused|blamed X of|for CLAUSE / X (has been) accused by AGENT of CLAUSE."""
    for verb in ACCUSE.finditer(text, s, t):
        if in_quote(verb.start(), quotes):
            continue
        passive = re.match(r"\s+by\s+(.{1,40}?)\s+(?:of|for)\s+", text[verb.end() : t])
        active = re.match(r"\s+(?:[\w’'-]+\s+){0,4}?(?:of|for)\s+", text[verb.end() : t])
        m = passive or active
        unnamed = not passive and not verb.group().endswith("ing")  # not "have been blaming"
        if m is None or (unnamed and NOT_SPOKEN.search(text, s, verb.start())):
            continue  # "companies that were accused of …": no accuser named
        start = verb.end() + m.end()
        end = to_clause_end(text, start, t)
        if len(text[start:end].split()) < 2:
            continue
        if passive:
            who = (verb.end() + passive.start(1), verb.end() + passive.end(1))
            return [Found(start, end, verb.start(), start - 1, *who)]
        a_start, who_lo, who_hi = subject_span(text, s, verb.start(), ANY_VERB)
        return [Found(start, end, a_start, start - 1, who_lo, who_hi)]
    return []


def _stance(text: str, s: int, t: int, quotes) -> list[Found]:
    """AGENT (has) denounced|rejected|called for|urged|… NOUN PHRASE; AGENT described X as Y."""
    out = []
    for verb in STANCE.finditer(text, s, t):
        if in_quote(verb.start(), quotes) or text[verb.end() : verb.end() + 3] == " by":
            continue
        if _passive(text, s, verb) or re.match(r"\s+that\b", text[verb.end() : t]):
            continue  # "was denied entry": a passive; "denied that …" is `_said`'s
        if APPEAL.match(text, verb.start() + len(verb.group()) - len(verb.group().lstrip())):
            continue  # "urged X to …"
        if ACCUSE.search(verb.group()) and re.match(
            r"\s+(?:[\w’'-]+\s+){0,4}?for\b", text[verb.end() : t]
        ):
            continue  # "blamed X for …"
        start = verb.end() + 1
        end = to_clause_end(text, start, t)
        during = re.search(r"\s+during\s", text[start:end])
        end = start + during.start() if during else end  # "… during a brief exchange"
        if len(text[start:end].split()) < 3 or (verb.group("as") and " as " not in text[start:end]):
            continue
        a_start, who_lo, who_hi = subject_span(text, s, verb.start(), ANY_VERB)
        out.append(Found(start, end, a_start, verb.end(), who_lo, who_hi))
    return out


def _passive(text: str, s: int, verb: re.Match) -> bool:
    """Whether the verb is a past participle after a form of "be" ("was asked to")."""
    head = verb.group().split()[0]
    be = re.search(r"\b(?:was|were|been|be|being|is|are)\s+$", text[s : verb.start()])
    return bool(be) and head.endswith("ed")


def _appeal(text: str, s: int, t: int, quotes) -> list[Found]:
    """AGENT called on|urged|asked X to CLAUSE: the clause from "to"."""
    out = []
    for verb in APPEAL.finditer(text, s, t):
        if in_quote(verb.start(), quotes) or _passive(text, s, verb):
            continue
        start = verb.end()
        end = clause_end(text, start, t, quotes)
        if end is None or len(text[start:end].split()) < 3:
            continue
        if re.match(r"to\s+[“\"]", text[start:end]) and any(
            qs <= end <= qe + 1 and qs <= start + 5 for qs, qe in quotes
        ):
            continue  # "urging X to “…”" to its end: the quotation is the speech
        a_start, who_lo, who_hi = subject_span(text, s, verb.start(), ANY_VERB)
        out.append(Found(start, end, a_start, verb.end(), who_lo, who_hi))
    return out


def _according(text: str, s: int, t: int, quotes) -> list[Found]:
    """According to AGENT, CLAUSE / CLAUSE, according to AGENT: when the clause has no
    speech verb of its own (then it is that verb's speaker who speaks)."""
    m = ACCORDING.search(text, s, t)
    if m is None or in_quote(m.start(), quotes):
        return []
    if m.start() == s:
        comma = text.find(",", m.end(), t)
        if comma == -1:
            return []
        start, end, who = comma + 1, to_clause_end(text, comma + 1, t), (m.end(), comma)
        while start < end and text[start].isspace():
            start += 1
    elif text[s : m.start()].rstrip().endswith(","):
        start, end = s, text.rfind(",", s, m.start())
        who = (m.end(), len(text[:t].rstrip(" .")))
    elif re.search(r"[”\"][.,]?\s*$", text[s : m.start()]):  # "… “…” according to X"
        start, end = s, len(text[: m.start()].rstrip(" ,."))
        who = (m.end(), len(text[:t].rstrip(" .")))
    else:
        return []
    if ANY_VERB.search(text, start, end) or len(text[start:end].split()) < MIN_WORDS:
        return []
    return [Found(start, end, m.start(), who[1], *who)]
