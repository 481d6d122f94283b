"""Who said it: the speaker and attribution span of a direct quotation or a speech verb.

A person is only ever the speaker when the words that attribute the statement name them, by
name or by a role noun that the registry's posts tie to them ("the American envoy"), or, for a
pronoun ("he said"), when they are named in the same sentence or the one before. Otherwise the
statement goes to the state or organisation that the words name ("Iranian officials", "an
unnamed U.S. Embassy official"), or it is left unresolved with the people it may be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise

from parley.authoring.articlehead import find_outlet
from parley.authoring.reading import Reading
from parley.authoring.reported import ANY_VERB, SPEECH
from parley.authoring.roles import (
    roles_in,
    same_post,
    state_of_place,
    titled_holder,
    titled_people,
)
from parley.authoring.spans import sentence_at, sentences
from parley.authoring.subjects import subject_span

_POSS = ("'s", "’s")
PRONOUN = re.compile(r"\s*(?:[A-Z][a-z]+,?\s+)?(?:He|She|he|she)\b")
# "the two leaders", "both presidents", "the three leaders", "Both said": people speaking
# together
PAIR = re.compile(
    r"\s*(?:(?:[Bb]oth(?: the)?|[Tt]he (?P<n>two|three|four))\s+(?:[a-z]+\s+)?"
    r"(?:leaders|presidents|premiers"
    r"|(?:prime |foreign )?ministers|officials|men|women|envoys|ambassadors|diplomats"
    r"|secretaries|negotiators)\b|Both(?=\s+(?:also\s+)?[a-z]+\b))"
)
# "X quoted|reported Y as saying|urging": Y speaks
QUOTED_AS = re.compile(
    r"\b(?:quoted|quoting|cited|citing|reported|reporting)\s+(?:quoted\s+)?(.{1,60}?)\s+as\s*$"
)
# what a person writes or says in their own name ("Toner's statement said")
OWN_WORDS = (
    r"(?:(?:written|official|brief|short)\s+)?(?:statement|remarks|message|letter|tweet|post)\b"
)
# the offices that speak for a person's or a state's government
OFFICE = r"(?:office|government|administration|aides?|camp|presidency|cabinet)\b"

NUMBERS = {"two": 2, "three": 3, "four": 4}
# "Reuters last month reported that": the article's own outlet as the subject of "reported"
OWN_REPORT = re.compile(r"\s+(?:(?:last|this|earlier|previously|first)\s+\w+\s+)?reported\b")
# lower-case words of a title between "X and" and a second name ("X and Irish premier Y")
TITLE_WORDS = (
    r"premier|president|prime|minister|foreign|counterpart|chancellor|leader|king|queen"
    r"|secretary|envoy|ambassador|spokesman|spokeswoman|spokesperson"
)
# between two people named together: "X and Y", "X and Irish premier Y"
JOINED = re.compile(
    rf",?\s+and\s+(?:his\s+|her\s+)?(?:(?:[A-Z][\w.’'-]*|{TITLE_WORDS})\s+){{0,3}}?"
    rf"(?:(?:[A-Z][\w.’'-]*|{TITLE_WORDS}),\s+)?"  # "…, and his Iraqi counterpart, Y"
)


@dataclass(frozen=True)
class Who:
    """A speaker (registry id), or None with the people it may be and why it is unresolved."""

    speaker: str | None
    start: int | None = None  # where the attributing words start
    candidates: tuple[str, ...] = ()
    why: str = ""
    also: tuple[str, ...] = ()  # the others of the people who speak together
    via: str = ""  # how the text ties a speaker named beyond the window (drafted, flagged)


def _around(reading: Reading, pos: int) -> tuple[int, tuple[int, int] | None]:
    """(start of the sentence holding `pos`, the sentence before it); `pos` outside any
    sentence starts its own."""
    sents = sentences(reading.text)
    i = sentence_at(sents, pos)
    if i < 0:
        return pos, None
    if pos >= sents[i][1]:
        return pos, sents[i]
    return sents[i][0], sents[i - 1] if i > 0 else None


def window(reading: Reading, start: int, end: int) -> tuple[int, int]:
    """From the start of the sentence before the one holding `start` to the end of the
    sentence holding `end`: where a person speaking at [start, end) must be named."""
    here, before = _around(reading, start)
    sents = sentences(reading.text)
    j = sentence_at(sents, max(start, end - 1))
    hi = sents[j][1] if j >= 0 else end
    return (before[0] if before else here), max(hi, end)


def named_people(reading: Reading, lo: int, hi: int) -> list[str]:
    """The people named in [lo, hi): by name, or by a role noun tied to one person only
    (qualified, or its holder named by name before it)."""
    found = [
        (f.start, f.entity)
        for f in reading.agents_in(lo, hi, ("person",))
        if not _possessive(reading, f.end)
    ]
    found += [
        (r.start, next(iter(r.people)))
        for r in roles_in(reading, lo, hi)
        if len(r.people) == 1 and (r.party or _named_before(reading, r))
    ]
    return list(dict.fromkeys(p for _, p in sorted(found)))


def tied_people(reading: Reading, lo: int, hi: int) -> set[str]:
    """Everyone [lo, hi) names: by name, or by a role noun that the registry ties to them."""
    people = {f.entity for f in reading.agents_in(lo, hi, ("person",))}
    for r in roles_in(reading, lo, hi):
        holder = titled_holder(reading, r)
        people |= r.people | ({holder} if holder else set())
    return people


def _possessive(reading: Reading, end: int) -> bool:
    return reading.text[end : end + 2] in _POSS


def agent(reading: Reading, lo: int, hi: int, anchor: int | None = None) -> Who | None:
    """The speaker named by the words [lo, hi) that attribute a statement: the first person
    by name, else role noun, pronoun, organisation or state (None: they name no one). A
    pronoun stands for a person named before `anchor` (the quotation it attributes) or
    before itself."""
    quoted = QUOTED_AS.search(reading.text, lo, hi)
    if quoted:  # "the palace quoted the king as saying": the king
        lo, hi = quoted.start(1), quoted.end(1)
    people = [f for f in reading.agents_in(lo, hi, ("person",)) if not _possessive(reading, f.end)]
    if people:
        return Who(people[0].entity, people[0].start)
    pair = PAIR.match(reading.text, lo)
    if pair and pair.end() <= hi:
        return _pair(reading, lo, NUMBERS.get(pair.group("n") or "two", 2))
    pronoun = PRONOUN.match(reading.text, lo)
    if pronoun and pronoun.end() <= hi:
        pos = pronoun.end() - len(pronoun.group().split()[-1])
        return antecedent(reading, pos if anchor is None else anchor)
    roles = [r for r in roles_in(reading, lo, hi) if r.office or r.party]
    # (start, rank, -end, what): the first named; of two role phrases starting together,
    # the longer ("a Foreign Ministry mediator", not "Foreign Ministry")
    found: list[tuple[int, int, int, object]] = [
        (r.start, 0, -r.end, r) for r in roles if not _possessive(reading, r.end)
    ]
    for f in reading.agents_in(lo, hi, ("organisation", "state", "place")):
        if f.kind != "organisation" and _possessive(reading, f.end):
            continue
        if re.match(r"[-–]based\b", reading.text[f.end : f.end + 7]):
            continue  # "Hanoi-based diplomats": where they work, not whom they speak for
        if f.kind == "organisation" and _outlet(reading, f.entity):
            continue
        ident = f.entity if f.kind != "place" else state_of_place(reading, f.entity)
        if ident:
            found.append((f.start, 1 if f.kind != "place" else 2, 0, Who(ident, f.start)))
    if not found and re.match(r"\s*(?:it|they|It|They)\b", reading.text[lo:hi]):
        return _group_before(reading, lo) or _joint_before(reading, lo)
    if not found:
        return _last_resort(reading, lo, hi, roles)
    pick = min(found, key=lambda x: x[:3])[3]
    return pick if isinstance(pick, Who) else _by_role(reading, pick)


def label_of(reading: Reading, ident: str) -> str:
    """The registry label of `ident` (the id itself when unknown)."""
    entity = reading.registry.entities.get(ident)
    return entity.label if entity is not None else ident


def _pair(reading: Reading, lo: int, n: int = 2) -> Who:
    """ "The two leaders", "both presidents", "the three leaders": the `n` people named before
    it in its sentence or the one before; else unresolved, with the last `n` people named."""
    near = named_people(reading, window(reading, lo, lo)[0], lo)
    if len(near) == n:
        return Who(near[0], lo, also=tuple(near[1:]))
    before = [f.entity for f in reading.found if f.kind == "person" and f.end <= lo]
    last = tuple(dict.fromkeys(reversed(before)))[:n]
    word = next(k for k, v in NUMBERS.items() if v == n)
    why = f"{word} people spoke, not all named in this sentence or the one before"
    return Who(None, lo, tuple(reversed(last)), why)


def partners(reading: Reading, who: Who, hi: int) -> tuple[str, ...]:
    """The others of the people named together as the subject ("Afghan President Hamid
    Karzai and President Pervez Musharraf of Pakistan called for …"), before `hi`."""
    if who.also or who.speaker is None or who.start is None:
        return who.also
    kind = reading.registry.entities[who.speaker].kind
    if kind in ("state", "organisation"):  # "The UAE, along with Saudi Arabia and Egypt"
        return _listed(reading, who, hi, kind)
    people = reading.agents_in(who.start, hi, ("person",))
    if len(people) < 2 or people[0].entity != who.speaker or people[1].entity == who.speaker:
        return ()
    if JOINED.fullmatch(reading.text[people[0].end : people[1].start]):
        return (people[1].entity,)
    return ()


def _listed(reading: Reading, who: Who, hi: int, kind: str) -> tuple[str, ...]:
    """The states (organisations) listed with the first as one subject: "X, Y and Z", "X,
    along with Y and Z", "Both X and Y"."""
    found = [
        f for f in reading.agents_in(who.start, hi, (kind,)) if not _possessive(reading, f.end)
    ]
    if not found or found[0].entity != who.speaker:
        return ()
    out = []
    for a, b in pairwise(found):
        gap = reading.text[a.end : b.start]
        if not re.fullmatch(
            r"\s*(?:,|,?\s*and|,?\s*along with|,?\s*as well as)\s*(?:the\s+)?", gap
        ):
            break
        out.append(b.entity)
    return tuple(dict.fromkeys(e for e in out if e != who.speaker))


def _last_resort(reading: Reading, lo: int, hi: int, roles) -> Who | None:
    """The speaker of words that name only a role or a person in the possessive ("a statement
    from the Afghan president's office", "Netanyahu's office said": the state) or a news
    outlet other than the article's own ("…, the Sudan Tribune said"), or the article's own
    as the subject of "reported" ("Reuters last month reported that …")."""
    for r in roles:
        if r.party:
            return Who(r.party, r.start)
    for f in reading.agents_in(lo, hi, ("person",)):  # "Toner's statement said": his words
        if re.match(rf"['’]s\s+{OWN_WORDS}", reading.text[f.end : hi]):
            return Who(f.entity, f.start)
    for f in reading.agents_in(lo, hi, ("person",)):  # "Netanyahu's office said": his state
        office = re.match(rf"['’]s\s+{OFFICE}", reading.text[f.end : hi])
        nationality = reading.registry.entities[f.entity].attr("nationality")
        if office and nationality:
            return Who(nationality, f.start)
    for f in reading.agents_in(lo, hi, ("state",)):  # "Rwanda's presidency said": the state
        if re.match(rf"['’]s\s+{OFFICE}", reading.text[f.end : hi]):
            return Who(f.entity, f.start)
    own = find_outlet(reading)
    for f in reading.agents_in(lo, hi, ("organisation",)):
        if own is None:
            return Who(f.entity, f.start)
        credit = own.start <= f.start < own.end  # the byline or dateline that names it
        if not credit and (own.entity != f.entity or OWN_REPORT.match(reading.text, f.end)):
            return Who(f.entity, f.start)
    return None


def _group_before(reading: Reading, pos: int) -> Who | None:
    """What "it" or "they" stands for as a speaker: the first state or organisation named
    earlier in the sentence, not inside a quotation; else the one that speaks in the sentence
    before ("…, the Chinese foreign ministry said. “…,” it said"), or the person whose
    statement speaks there ("Toner's statement said. “…,” it continued")."""
    here, before = _around(reading, pos)
    text, kinds = reading.text, ("state", "organisation")
    for f in reading.agents_in(here, pos, kinds):
        quoted = text.count("“", here, f.start) > text.count("”", here, f.start)
        if not (quoted or _possessive(reading, f.end) or _outlet(reading, f.entity)):
            return Who(f.entity, f.start)
    lo, hi = before or (pos, pos)
    spoke = [f for f in reading.agents_in(lo, hi, kinds) if SPEECH.match(text, f.end + 1)]
    if spoke:
        return Who(spoke[-1].entity, pos)
    for f in reading.agents_in(lo, hi, ("person",)):  # "X's statement said. “…,” it continued"
        words = re.match(rf"['’]s\s+{OWN_WORDS}\s*", text[f.end : hi])
        if words and SPEECH.match(text, f.end + words.end()):
            return Who(f.entity, pos)
    return None


def _joint_before(reading: Reading, pos: int) -> Who | None:
    """What "they" stands for as a speaker: the two people last named together ("Anwar and
    Jokowi signed …, which they said …") in its sentence or the one before."""
    if not re.match(r"\s*(?:they|They)\b", reading.text[pos : pos + 8]):
        return None
    lo = window(reading, pos, pos)[0]
    people = reading.agents_in(lo, pos, ("person",))
    for a, b in reversed(list(pairwise(people))):
        if a.entity != b.entity and JOINED.fullmatch(reading.text[a.end : b.start]):
            return Who(a.entity, a.start, also=(b.entity,))
    if people:
        return None
    # "the two leaders said …. In a joint statement, they said …": the pair's people
    for pair in reversed(list(PAIR.finditer(reading.text, lo, pos))):
        start = pair.start() + len(pair.group()) - len(pair.group().lstrip())
        who = _pair(reading, start, NUMBERS.get(pair.group("n") or "two", 2))
        if who.speaker is None:
            return None
        named = " and ".join(label_of(reading, p) for p in (who.speaker, *who.also))
        via = f"chain: “they” are “{pair.group().strip()}” before it, {named}"
        return replace(who, start=pos, via=via)
    return None


def _outlet(reading: Reading, entity: str) -> bool:
    return reading.registry.entities[entity].attr("kind") == "news-outlet"


def _by_role(reading: Reading, role) -> Who:
    """The speaker a role phrase names: its one registry holder; else the one holder, or the
    one person the text titles so, named in the sentence or the one before."""
    phrase = reading.text[role.start : role.end]
    if role.office is None or role.plural:
        if role.party:
            return Who(role.party, role.start)
        return Who(None, role.start, (), f"“{phrase}” names no registry state or organisation")
    if len(role.people) == 1 and (role.party or _named_before(reading, role)):
        return Who(next(iter(role.people)), role.start)
    near = named_people(reading, *window(reading, role.start, role.end))
    if role.people:
        near = [p for p in near if p in role.people]
    else:
        titles = titled_people(reading)
        near = [p for p in near if any(same_post(role, r) for r in titles.get(p, ()))]
    if len(near) == 1:
        return Who(near[0], role.start)
    holder = titled_holder(reading, role)
    if holder:  # titled so earlier in the article
        return Who(holder, role.start)
    mediators = _of_state(reading, role) if role.office == "mediator" else []
    if len(mediators) == 1:  # "the Omani mediator": the one Omani named just before
        return Who(mediators[0], role.start)
    if role.people:
        why = f"“{phrase}” may be any of the registry's holders of the post"
        return Who(None, role.start, tuple(sorted(role.people)), why)
    why = f"“{phrase}”: no registry person holds this post on the article's date"
    return Who(None, role.start, (role.party,) if role.party else (), why)


def _of_state(reading: Reading, role) -> list[str]:
    """The people of the role's state named in its sentence or the one before."""
    near = named_people(reading, *window(reading, role.start, role.end))
    entities = reading.registry.entities
    return [p for p in near if role.party and entities[p].attr("nationality") == role.party]


def _named_before(reading: Reading, role) -> bool:
    """Whether the one holder of an unqualified role ("the spokesman") is named by name
    before it in the article: else the text may mean someone the registry does not hold."""
    (person,) = role.people
    return any(f.entity == person and f.end <= role.start for f in reading.found)


def antecedent(reading: Reading, pos: int) -> Who:
    """The person a pronoun at `pos` stands for: the last one named before it in its own
    sentence, else the first one named in the sentence before (its subject)."""
    here, before = _around(reading, pos)
    spoke = speech_subject(reading, here, pos)
    if spoke:
        return Who(spoke, pos)
    same = named_people(reading, here, pos)
    if same:
        return Who(same[-1], pos)
    spoke = speech_subject(reading, *before) if before else None
    if spoke:
        return Who(spoke, pos)
    previous = named_people(reading, *before) if before else []
    if previous:
        return Who(previous[0], pos)
    hint = reading.person_before(pos)
    why = "a pronoun with no person named in its sentence or the one before"
    return Who(None, pos, (hint.entity,) if hint else (), why)


def speech_subject(reading: Reading, lo: int, hi: int) -> str | None:
    """The person who speaks last in [lo, hi): the subject of its last speech verb that
    names one by name ("X said", "…,” X said", "said X"), not a person its clause names."""
    text = reading.text
    for verb in reversed(list(SPEECH.finditer(text, lo, hi))):
        _, s_lo, s_hi = subject_span(text, lo, verb.start(), ANY_VERB)
        close = max(text.rfind("”", s_lo, s_hi), text.rfind('"', s_lo, s_hi))
        s_lo = max(s_lo, close + 1)
        people = [f for f in reading.agents_in(s_lo, s_hi, ("person",))]
        people = [f for f in people if not _possessive(reading, f.end)]
        if not people and not text[s_lo:s_hi].strip(" ,"):
            people = reading.agents_in(verb.end(), min(hi, verb.end() + 40), ("person",))
            people = [f for f in people if re.fullmatch(r"[\s,]*", text[verb.end() : f.start])]
        if people:
            return people[0].entity
        roles = [r for r in roles_in(reading, s_lo, s_hi) if r.office and not r.plural]
        if roles and not reading.agents_in(s_lo, s_hi, ("person",)):
            # "the Indonesian Foreign Minister said …. “…,” she continued": whom it names
            who = _by_role(reading, roles[0])
            if who.speaker and who.speaker in tied_people(reading, roles[0].start, roles[0].end):
                return who.speaker
    return None
