"""Who said it: the speaker and attribution span of a direct quotation or a speech verb."""

from __future__ import annotations

import re

from parley.authoring.reading import Reading

SPEECH_VERBS = (
    r"said|says|told(?: (?:reporters|journalists|state television|[A-Z][\w-]+(?: [A-Z][\w-]+)*))?"
    r"|added|stressed|reiterated|insisted|announced|declared|noted|warned|claimed|saying"
    r"|explained|asserted|acknowledged"
)
SPEECH = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
_POSS = ("'s", "’s")
DEMONYM_GROUP = re.compile(
    r"\b([A-Z][a-z]+) (?:government sources|government|officials|sources|diplomats|"
    r"authorities|ministry|military)\b"
)


def speaker_before(reading: Reading, s: int, verb: int, nearest: bool) -> tuple[str, int] | None:
    """(speaker, where the attribution starts) for a speech verb at `verb` in the sentence
    starting at `s`: a named person, else a pronoun or role noun ("The president") that
    starts the sentence (the last person named before), else an organisation or state,
    else "Iranian officials" (the state of the demonym)."""
    text = reading.text
    # a possessive ("Crocker's remarks") is not the speaker
    agents = [a for a in reading.agents_in(s, verb) if text[a.end : a.end + 2] not in _POSS]
    people = [a for a in agents if a.kind == "person"]
    if people:
        pick = people[-1] if nearest else people[0]
        return pick.entity, pick.start
    head = text[s:verb]
    subject = re.match(r"\s*(?:[A-Z][a-z]+ )?(?:He|She|he|she|The [a-z]+|the [a-z]+)\b", head)
    if subject and not agents:
        who = reading.person_before(s)
        if who is not None:
            return who.entity, s + subject.start() + len(head) - len(head.lstrip())
    named = [a for a in agents if a.kind != "state"]
    if subject and agents and not named and subject.end() <= agents[0].start - s:
        who = reading.person_before(s)
        if who is not None:
            return who.entity, s + len(head) - len(head.lstrip())
    orgs = [a for a in agents if a.kind == "organisation"] or agents
    if orgs:
        return orgs[0].entity, orgs[0].start
    for m in DEMONYM_GROUP.finditer(head):
        state = reading.demonyms.get(m.group(1))
        if state:
            return state, s + m.start()
    return None


def quote_speaker(reading: Reading, qs: int, qe: int, sent, last_speaker):
    """(speaker id, attribution span) of the quotation [qs, qe) in the sentence `sent`;
    `last_speaker` is (entity, start of its paragraph) of the previous quotation."""
    text = reading.text
    s, t = sent
    # after the quote: “…,” he said / “…”, said Crocker / “…,” Crocker said
    after = text[qe : max(t, min(len(text), qe + 80))]
    m = re.match(r"[”\",.\s]{0,4}(.{0,60}?)\b(" + SPEECH_VERBS + r")\b(.{0,40})", after)
    if m and "“" not in m.group(0) and "\n" not in m.group(0):
        window_start = qe + m.start(1)
        window_end = qe + m.end(3)
        agents = reading.agents_in(window_start, window_end)
        people = [a for a in agents if a.kind == "person"]
        a_start = qe + m.start(1) if m.group(1).strip() else qe + m.start(2)
        a_end = qe + m.end(2)
        if people:
            who = people[0]
            a_start, a_end = min(a_start, who.start), max(a_end, who.end)
            return who.entity, (a_start, a_end)
        if agents:
            return agents[0].entity, (min(a_start, agents[0].start), max(a_end, agents[0].end))
        who = reading.person_before(qs)
        if who is not None:
            return who.entity, (a_start, a_end) if a_start >= s else None
    # before the quote, same sentence: Crocker said that … “…” / Qomi said: “…”
    before = text[s:qs]
    verbs = list(SPEECH.finditer(before))
    if verbs:
        verb = verbs[-1]
        found = speaker_before(reading, s, s + verb.start(), nearest=True)
        if found is not None:
            return found[0], (found[1], s + verb.end())
    elif before.strip():
        # "the NCRI gave the names of … who “…”": the subject of the sentence
        agents = reading.agents_in(s, qs, ("person", "organisation"))
        if agents:
            return agents[0].entity, None
    # a quote that runs on from the previous paragraph's speaker
    if last_speaker is not None:
        para_start = text.rfind("\n", 0, qs) + 1
        gap = text[last_speaker[1] : para_start]
        if gap.count("\n") <= 6 and not SPEECH.search(text[para_start:qs]):
            return last_speaker[0], None
    who = reading.person_before(qs)
    if who is not None and qs - who.end < 400:
        return who.entity, None
    return None, None
