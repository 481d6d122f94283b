"""Names in an article that the registry does not hold: people, organisations, news outlets and
places, each with the words that say what it is, and other spellings of registered people
("Hasan Kazemi-Qomi" beside the registered "Kazemi-Qomi").

Capitalised word sequences outside the registry's mentions are read with what stands around
them: a title or role noun before a name, or an apposition after it ("Jalal Talabani, the Iraqi
president") makes a person; a head word such as Ministry, Agency or Council, or an acronym,
makes an organisation (an outlet when it is a news word or the article's source); "in", "at",
"near", "city of" or a dateline make a place. Sequences with no such cue are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parley.authoring.articlehead import NEWS_WORDS
from parley.authoring.reading import Reading
from parley.authoring.reported import SPEECH
from parley.authoring.roles import all_roles
from parley.model.records import MONTHS, WEEKDAYS
from parley.seeds.quotes import in_any

TOKEN = r"(?:[A-Z][a-zA-Z’'\-/]+|(?:al|el|bin|ibn|abu|de|van|von)-[A-Z][a-zA-Z’'\-/]+)"
NAME = re.compile(rf"{TOKEN}(?:\s(?:(?:al|el|bin|ibn|abu|de|da|van|von|of|the)\s)?{TOKEN})*")
TITLES = {
    "President", "Ambassador", "Minister", "Foreign", "Prime", "Secretary", "General", "Gen",
    "Mr", "Mrs", "Ms", "Dr", "Sheikh", "Ayatollah", "Spokesman", "Spokeswoman", "Director",
    "Envoy", "Premier", "King", "Prince", "Admiral", "Colonel", "Lt", "Senator", "Sen", "Rep",
    "Vice", "Deputy", "Chief", "Commander", "Chairman", "Speaker", "Interior", "Defense",
    "Defence", "National", "Security", "Adviser", "Advisor", "State", "Assistant", "Chargé",
}  # fmt: skip
STOP = {
    "The", "A", "An", "In", "On", "At", "But", "And", "Or", "If", "As", "After", "Before",
    "While", "When", "Meanwhile", "However", "Also", "Both", "This", "That", "These", "Those",
    "It", "He", "She", "They", "We", "I", "His", "Her", "Their", "Our", "Its", "Another",
    "Some", "Many", "Earlier", "Later", "Last", "Next", "First", "Second", "Third", "According",
    "Although", "During", "Since", "Such", "For", "With", "From", "By", "To", "Of", "Not", "No",
    "Any", "Each", "Every", "Other", "Only", "Still", "Even", "Then", "Now", "Today", "There",
    "Here", "Yet", "Two", "Three", "Four", "Five", "Asked", "Speaking", "Read", "More", "Most",
    "Related", "Latest", "Source", "Copyright", "Photo", "Photograph", "Watch", "Live", "Labels",
    "Inc", "Ltd", "Co", "Corp",
}  # fmt: skip
ORG_WORDS = re.compile(
    r"\b(?:Ministry|Council|Agency|News|Times|Post|Press|Forces?|Corps|Party|Committee"
    r"|Organi[sz]ation|Association|Embassy|Army|Office|Department|Institute|Television|TV"
    r"|Radio|Group|Movement|Front|Union|Bank|Fund|Network|Service|Guards?|Brigades?"
    r"|Assembly|Parliament|Court|Commission|University|Journal|Herald|Tribune|Telegraph"
    r"|Daily|Broadcasting|Inc|Ltd)\b"
)
# capitals that news text uses for their governments ("Washington says"): places, not people
CAPITALS = {
    "Washington", "London", "Paris", "Moscow", "Beijing", "Tehran", "Baghdad", "Damascus",
    "Riyadh", "Ankara", "Cairo", "Jerusalem", "Brussels", "Berlin", "Tokyo", "Kabul",
    "Islamabad", "Pyongyang", "Seoul", "Kiev", "Kyiv", "Rome", "Madrid", "Amman", "Beirut",
    "Doha", "Ottawa", "Canberra", "New Delhi", "Tel Aviv", "Kuwait City", "Abu Dhabi",
}  # fmt: skip
PLACE_CUE = re.compile(r"(?:\b(?:in|at|near|from|city of|town of|province of|outside)\s+)$")
OUTLET_CUE = re.compile(r"(?:\b(?:news agency|told|quoted by|according to)\s+(?:the\s+)?)$")


@dataclass(frozen=True)
class Name:
    """An unregistered name: its kind, the words (evidence) and what the text says of it."""

    kind: str  # person | organisation | outlet | place | spelling
    name: str
    start: int
    end: int
    nationality: str | None = None  # a state id, for people
    title: object = None  # the Role the text gives a person
    of: str | None = None  # the registered entity of a spelling


def unknown_names(reading: Reading) -> list[Name]:
    """The unregistered names of the article, first occurrence of each, in text order."""
    text = reading.text
    covered = [(f.start, f.end) for f in reading.found]
    out: dict[str, Name] = {}
    for m in NAME.finditer(text):
        if in_any(m.start(), m.end(), reading.excluded):
            continue
        name = _classify(reading, m.start(), m.end(), covered)
        if name is not None and name.name not in out:
            out[name.name] = name
    return sorted(out.values(), key=lambda n: n.start)


def _strip(text: str, s: int, e: int, adjectives) -> tuple[int, int, str | None, bool]:
    """The name without leading titles, demonyms and sentence words: (start, end, the state
    of a demonym before it, whether a title stood before it)."""
    state = None
    titled = False
    while s < e:
        word = re.match(r"[\w’'\-]+", text[s:e])
        token = word.group() if word else ""
        if token in adjectives:
            state = adjectives[token]
        elif token in TITLES:
            titled = True
        elif token not in STOP and token.rstrip("’'s") not in adjectives:
            break
        s += len(token)
        while s < e and text[s] in " \u00a0":
            s += 1
    return s, e, state, titled


def _classify(reading: Reading, s: int, e: int, covered) -> Name | None:
    text = reading.text
    adjectives = reading.demonyms
    s, e, state, titled = _strip(text, s, e, adjectives)
    words = text[s:e].split()
    if not words or all(w in STOP or w in TITLES for w in words):
        return None
    if any(w.strip(",.") in MONTHS or w.strip(",.") in WEEKDAYS for w in words):
        return None
    if words[0].isupper() and _registered(reading, text[s:e]):
        return None  # a registered name in capitals (a dateline: "TEHRAN")
    inside = [f for f in reading.found if s <= f.start and f.end <= e]
    if in_any(s, e, covered):
        return _spelling(reading, s, e, inside)
    if (
        len(words) == 1
        and (s == 0 or text[s - 2 : s] in (". ", "\n") or f" {words[0].lower()} " in text)
        and not (words[0].isupper() and len(words[0]) > 1)
    ):
        return None
    return _kind(reading, s, e, state, titled)


def _registered(reading: Reading, name: str) -> bool:
    low = name.lower()
    return any(
        low in (s.lower() for s in (e.label, *e.spellings))
        for e in reading.registry.entities.values()
    )


def _spelling(reading: Reading, s: int, e: int, inside) -> Name | None:
    """A longer form of a registered person's name ("Hasan Kazemi-Qomi" ⊃ "Kazemi-Qomi")."""
    people = [f for f in inside if f.kind == "person"]
    if len(people) != 1 or len(inside) != 1 or people[0].end != e or people[0].start == s:
        return None
    return Name("spelling", reading.text[s:e], s, e, of=people[0].entity)


def _kind(reading: Reading, s: int, e: int, state, titled) -> Name | None:
    text = reading.text
    name = text[s:e]
    before = text[max(0, s - 30) : s]
    after = text[e : e + 40]
    role = _title_of(reading, s, e)
    if name in CAPITALS:
        return Name("place", name, s, e)
    if ORG_WORDS.search(name) or (name.isupper() and 2 <= len(name) <= 6):
        outlet = NEWS_WORDS.search(name) or OUTLET_CUE.search(before) or _source_line(text, s, e)
        return Name("outlet" if outlet else "organisation", name, s, e)
    if (
        titled
        or role is not None
        or re.match(rf"\s*(?:,[^,]{{0,40}},\s*)?(?:{SPEECH.pattern})", after)
    ):
        party = state or (role.party if role is not None else None)
        return Name("person", name, s, e, nationality=party, title=role)
    if PLACE_CUE.search(before) or (re.match(r"\s*(?:–|-|—|\()", after) and name.isupper()):
        return Name("place", name, s, e)
    return None


def _title_of(reading: Reading, s: int, e: int):
    """The role phrase the text gives the name at [s, e) as a title or an apposition."""
    text = reading.text
    for r in all_roles(reading):
        if r.office is None or r.plural:
            continue
        if 0 <= s - r.end <= 1:
            return r
        if r.start > e and re.fullmatch(r",\s*(?:the\s+|an?\s+)?", text[e : r.start]):
            return r
    return None


def _source_line(text: str, s: int, e: int) -> bool:
    """Whether the name is the article's source: a byline ("By X"), a dateline "(X)", a
    copyright line or a "Source: X" line."""
    line_start = text.rfind("\n", 0, s) + 1
    head = text[line_start:s]
    return bool(
        re.fullmatch(r"\s*(?:By|Source\s*:|Copyright\s*(?:\(c\)|©)?\s*\d{4}\.?)\s*", head)
        or re.fullmatch(r"[A-Z ,/]{3,40}\(", head)
    )
