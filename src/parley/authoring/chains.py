"""Speakers beyond the window, resolved only where the text chains them, and always flagged.

A statement whose speaker is not named in its sentence or the one before stays unresolved,
except in two cases where the text ties it to one speaker unambiguously:

- **title**: its attribution is a role noun ("a State Department spokesperson said") that the
  same paragraph or the next sentence gives as the title of one named person ("the
  spokesperson Matthew Miller"), or the next sentence's one named person, of the role's state,
  speaks ("the spokesman for Iran's foreign ministry said." then "Saeed Khatibzadeh said");
- **chain**: its attribution is a pronoun or a role noun ("he added", "the spokesman said")
  that continues an unbroken run of sentences each holding only statements of one speaker
  and naming no one else (a role noun only when the text tied that role to the speaker).

(A third case, "they" after "the two leaders" of the sentence before, is read where "they"
is: `parley.authoring.speakers`.) Such a statement is drafted with its speaker and a note that
begins with `FLAGGED`, saying why: a reviewer sees it, and `parley draft-eval` counts it apart
from silent guesses. An indefinite role of a state ("a South African spokesperson") that
neither rule ties to a person speaks for that state (drafted, not flagged: its speaker is
named in the attribution itself).
"""

from __future__ import annotations

import re

from parley.authoring.reading import Reading
from parley.authoring.reported import ANY_VERB
from parley.authoring.roles import roles_in, same_post, titled_people
from parley.authoring.spans import sentence_at, sentences
from parley.authoring.speakers import label_of, named_people, speech_subject

FLAGGED = "FLAGGED speaker beyond the window, check it:"
# between a role noun and its verb: a short qualifier without a comma ("for Iran's foreign
# ministry", "at the same time"), once a relative clause (", who …,") is left out
NEAR_VERB = re.compile(r"[^,;.]{0,40}")
RELATIVE = re.compile(r",\s*(?:who|which)\b[^,]*,")
PRONOUN_ONLY = re.compile(r"^\W*(?:[A-Z]\w+,?\s+)?(?:he|she)\b", re.I)


def resolve_chains(reading: Reading, entries: list[dict]) -> None:
    """Give the unresolved `entries` (text order, with `_attr` and `_sent`) that a title or a
    chain ties to one speaker that speaker, with a FLAGGED note (in place)."""
    sents = sentences(reading.text)
    tied: dict[str, str] = {}  # office -> the person a title rule gave it to
    for entry in entries:
        if "why" not in entry:
            continue
        if entry.get("_attr") is None:  # a quotation with no attributing words at all
            found = (
                _chain(reading, sents, entries, entry, None, tied)
                if _alone(reading, entry)
                else None
            )
            if found is not None:
                _flag(entry, *found)
            continue
        lo, hi = entry["_attr"]
        if reading.agents_in(lo, hi, ("person",)):
            continue
        roles = _subject_roles(reading, lo, hi)
        pronoun = not roles and PRONOUN_ONLY.match(reading.text[lo:hi])
        if not roles and not pronoun:
            continue
        found = _titled(reading, sents, entry, roles[0]) if roles else None
        if found is None:
            found = _chain(reading, sents, entries, entry, roles[0] if roles else None, tied)
        if found is None and roles and roles[0].party and _indefinite(reading, roles[0]):
            _resolve(entry, roles[0].party, UNNAMED)  # "a South African spokesperson"
            continue
        if found is None:
            continue
        person, basis = found
        if roles:
            tied.setdefault(roles[0].office, person)
        _flag(entry, person, basis)


def _subject_roles(reading: Reading, lo: int, hi: int) -> list:
    """The singular role nouns just before the attribution's last speech verb ("the
    spokesman for the ministry said", "the minister, who …, described"; not "the foreign
    minister met … as a newspaper said"), or just after it ("said the spokesman")."""
    text = reading.text
    verbs = list(ANY_VERB.finditer(text, lo, hi))
    if not verbs:
        return []
    verb = verbs[-1]
    if not text[lo : verb.start()].strip(" ,"):  # "said the spokesman"
        found = roles_in(reading, verb.end(), hi)
    else:
        found = [
            r
            for r in roles_in(reading, lo, verb.start())
            if NEAR_VERB.fullmatch(RELATIVE.sub("", text[r.end : verb.start()]))
        ]
    return [r for r in found if r.office and not r.plural]


def _alone(reading: Reading, entry: dict) -> bool:
    """Whether the statement is a quotation that is its whole sentence (nothing but marks
    around it): the next words of whoever spoke just before, if anyone's."""
    quote = entry["quote"] if isinstance(entry["quote"], str) else entry["quote"]["quote"]
    s, t = entry["_sent"]
    text = reading.text
    rest = text[s : entry["_start"]] + text[entry["_start"] + len(quote) : t]
    return not entry.get("paraphrase") and re.fullmatch(r"[\s“”\"‘’'.,!?…]*", rest) is not None


def _indefinite(reading: Reading, role) -> bool:
    """Whether the role phrase is indefinite and of a state ("a South African spokesperson"):
    a person the text does not name, who speaks for the state. (Of an organisation, "a Foreign
    Ministry mediator", it stays for review: which ministry is often the reader's guess.)"""
    before = reading.text[max(0, role.start - 6) : role.start]
    party = reading.registry.entities.get(role.party)
    indefinite = re.search(r"\b(?:an?|one)\s+$", before) is not None
    return indefinite and party is not None and party.kind == "state"


UNNAMED = "drafted: an unnamed speaker, given to whom the text says they speak for; check it"


def _resolve(entry: dict, speaker: str, note: str) -> None:
    """The unresolved `entry` given its speaker (in place), with `note` for the reviewer."""
    rest = {k: v for k, v in entry.items() if k not in ("why", "candidates", "note")}
    entry.clear()
    entry.update({"speaker": speaker, **rest, "note": note})


def _flag(entry: dict, person: str, basis: str) -> None:
    _resolve(entry, person, f"{FLAGGED} {basis}")


def _titled(reading: Reading, sents, entry: dict, role) -> tuple[str, str] | None:
    """The one person of the role's state whom the rest of its paragraph or the next sentence
    titles with its post, or who speaks in the next sentence and is named there alone."""
    text = reading.text
    hi = entry["_attr"][1]
    i = sentence_at(sents, entry["_sent"][0])
    para_hi = text.find("\n", hi)
    para_hi = len(text) if para_hi == -1 else para_hi
    nxt = sents[i + 1] if 0 <= i < len(sents) - 1 else None
    far = max(para_hi, nxt[1] if nxt else para_hi)
    people = {
        p
        for p, titles in titled_people(reading).items()
        if any(same_post(role, t) and role.end <= t.start and t.end <= far for t in titles)
        and (
            role.party is None
            or any(t.party == role.party for t in titles)
            or _of(reading, p, role.party)
        )
    }
    if len(people) == 1:
        (person,) = people
        return person, f"title: the text titles {label_of(reading, person)} so nearby"
    if nxt is None or role.party is None:
        return None
    named = named_people(reading, *nxt)
    speaker = speech_subject(reading, *nxt)
    if named == [speaker] and speaker and _of(reading, speaker, role.party):
        label = label_of(reading, speaker)
        return speaker, f"title: {label} of the role's state speaks in the next sentence"
    return None


def _of(reading: Reading, person: str, party: str) -> bool:
    """Whether the person's registry nationality is the party or the party's state."""
    entities = reading.registry.entities
    nationality = entities[person].attr("nationality") if person in entities else None
    body = entities.get(party)
    states = (body.attr("nationality"), body.attr("part_of")) if body is not None else ()
    return nationality is not None and nationality in (party, *states)


def _chain(reading: Reading, sents, entries, entry: dict, role, tied) -> tuple[str, str] | None:
    """The one speaker of the unbroken run of sentences before the statement's, when every
    sentence of the run holds only that speaker's statements and names no one else."""
    i = sentence_at(sents, entry["_sent"][0])
    here = set(named_people(reading, *sents[i])) if i >= 0 else set()
    speaker, back = None, 0
    for j in range(i - 1, -1, -1):
        own = [e for e in entries if sentence_at(sents, e["_start"]) == j]
        if not own:
            break
        if any("why" in e for e in own):
            return None
        who = {e["speaker"] for e in own}
        if len(who) != 1 or (speaker is not None and who != {speaker}):
            break  # the run of one speaker ends here
        if set(named_people(reading, *sents[j])) - who:
            if speaker is None:
                return None  # the sentence right before names another person
            break  # an earlier sentence names another: the run is the sentences after it
        speaker = next(iter(who))
        back = i - j
    if speaker is None or here - {speaker}:
        return None
    entity = reading.registry.entities.get(speaker)
    if entity is None or entity.kind != "person":  # "he added" is no ministry's
        return None
    if role is not None and not _holds(reading, speaker, role, tied):
        return None
    label = label_of(reading, speaker)
    return speaker, f"chain: continues {label}'s statements from {back} sentences back"


def _holds(reading: Reading, person: str, role, tied) -> bool:
    """Whether the role is the person's: the registry's post, a title the text gives them,
    or the role a title rule gave them before."""
    if person in role.people or tied.get(role.office) == person:
        return True
    return any(same_post(role, t) for t in titled_people(reading).get(person, ()))
