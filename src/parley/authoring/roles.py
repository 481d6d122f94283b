"""Role nouns in article text ("the American envoy", "Iran's ambassador", "the Iraqi president",
"a spokesman for the Iranian Foreign Ministry") and the registry people their posts tie them to.

A role phrase is an office noun (`OFFICE_NOUNS`) with the words that qualify it: a state
(by name, demonym or a city's possessive: "Tehran's ambassador"), an organisation, and
"of/to/for/in X" after it. The registry's posts with that office and qualifier, held on the
article's date, give the people the phrase can mean. Group nouns ("officials", "an unnamed U.S.
Embassy official") name no person: only the state or organisation they speak for.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from parley.authoring.reading import Reading

# office (records.OFFICES, and some the registry has no posts for) -> the nouns that name it
# in English news text
OFFICE_NOUNS = {
    "ambassador": ("ambassador", "envoy", "ambassadors", "envoys"),
    "charge-d-affaires": ("chargé d'affaires", "charge d'affaires", "chargé d’affaires"),
    "prime-minister": ("prime minister", "premier"),
    "president": ("president",),
    "foreign-minister": (
        "foreign minister",
        "foreign affairs minister",
        "minister of foreign affairs",
        "top diplomat",
        "secretary of state",
    ),
    "spokesperson": ("spokesman", "spokeswoman", "spokesperson"),
    "director": ("director general", "director-general", "director"),
    "correspondent": ("correspondent",),
    "liaison-officer": ("liaison",),
    "military-officer": ("commander",),
    # offices the registry has no posts for: the noun names a person only through the
    # text's own titles ("King Abdullah … the King"; "UN mediator Matthew Nimetz")
    "monarch": ("king", "queen", "monarch", "emir"),
    "crown-prince": ("crown prince", "crown princess"),
    "chancellor": ("chancellor",),
    "defence-minister": ("defence minister", "defense minister", "minister of defence"),
    "high-representative": ("high representative",),
    "security-adviser": ("national security adviser", "national security advisor"),
    "mediator": ("mediator",),
    "secretary-general": ("secretary general", "secretary-general"),
    "foreign-secretary": ("foreign secretary",),  # a minister in one state, a diplomat in another
    # "the minister", "the Iranian minister": whichever minister the text titled before
    "minister": ("minister", "ministers"),
}
PLURAL = re.compile(r"(?:ambassadors|envoys|ministers)$")
# the offices a bare "minister" may stand for (not a prime minister: "the minister" after
# "Prime Minister X" is someone else)
MINISTERS = frozenset({"minister", "foreign-minister", "defence-minister"})
GROUP_NOUNS = (
    r"officials?|sources?|diplomats?|authorities|government|ministry|military|delegations?"
    r"|side|embassy|spokesmen|negotiators?|representatives?|leaders?|forces"
)
# words before an office noun that make it another office or another time ("Vice President",
# "deputy foreign minister", "former ambassador")
NOT_CURRENT = re.compile(
    r"\b(?:former|ex-|late|then|next|new|incoming|outgoing|vice|deputy|assistant|under)\W*$",
    re.I,
)
_WORDS_BEFORE = 40  # characters before a role noun read for its qualifiers
_WORDS_AFTER = 40


@dataclass(frozen=True)
class Role:
    """A role phrase: [start, end) covers its qualifiers and noun; `people` are the registry
    holders its posts tie it to; `party` the state or organisation that qualifies it."""

    start: int
    end: int
    office: str | None  # None: a group noun ("officials")
    party: str | None
    people: frozenset[str]
    plural: bool


@functools.cache
def _office_pattern() -> re.Pattern:
    nouns = sorted((n for ns in OFFICE_NOUNS.values() for n in ns), key=len, reverse=True)
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"[\s-]") for n in nouns)
    return re.compile(rf"\b(?:{alternatives})\b|\b(?:{GROUP_NOUNS})\b", re.I)


def _office_of(noun: str) -> str | None:
    low = re.sub(r"[\s-]+", " ", noun.lower())
    for office, nouns in OFFICE_NOUNS.items():
        if low in (n.replace("-", " ") for n in nouns):
            return office
    return None


def roles_in(reading: Reading, start: int, end: int) -> list[Role]:
    """The role phrases whose noun ends in (start, end], in text order."""
    return [r for r in all_roles(reading) if start < r.end <= end]


def all_roles(reading: Reading) -> tuple[Role, ...]:
    cached = reading.cache.get("roles")
    if cached is None:
        cached = tuple(_find_roles(reading))
        reading.cache["roles"] = cached
    return cached


def _find_roles(reading: Reading):
    text = reading.text
    adjectives = reading.demonyms
    for m in _office_pattern().finditer(text):
        if any(a <= m.start() < b for a, b in reading.excluded):
            continue
        noun = m.group()
        office = _office_of(noun)
        if office == "minister" and not _bare_minister(text, m.start(), adjectives):
            continue  # "the interior minister": a portfolio no office noun names
        before = _clause_before(text, m.start())
        if NOT_CURRENT.search(text[before : m.start()]):
            continue
        after = _clause_after(text, m.end())
        states, orgs, first = _qualifiers(reading, adjectives, before, m.start(), m.end(), after)
        start = min(first, m.start())
        plural = bool(PLURAL.search(noun.lower())) or (office is None and noun.endswith("s"))
        party = orgs[0] if orgs else (states[0] if states else None)
        people = _holders(reading, office, states, orgs) if office else frozenset()
        if _someones(reading, before, m.start()):
            people = frozenset()
        yield Role(start, m.end(), office, party, people, plural)


def _bare_minister(text: str, ns: int, adjectives) -> bool:
    """Whether "minister" at `ns` stands alone ("the minister", "the Iranian minister",
    "Iran's minister"), not after a portfolio ("the interior minister", "Finance Minister")."""
    before = re.search(r"([\w’'-]+)\s+$", text[max(0, ns - 40) : ns])
    if before is None:
        return True
    word = before.group(1)
    return word.lower() in ("the", "a", "an") or word in adjectives or word.endswith(("'s", "’s"))


def _someones(reading: Reading, lo: int, ns: int) -> bool:
    """Whether a person's possessive qualifies the noun at `ns` ("Putin's spokesman")."""
    return any(
        f.kind == "person" and lo <= f.start and f.end < ns and reading.text[f.end] in "'’"
        for f in reading.found
    )


def _clause_before(text: str, pos: int) -> int:
    lo = max(0, pos - _WORDS_BEFORE)
    cut = max(text.rfind(ch, lo, pos) for ch in (*',;:.“”"\n(', " - ", " – ", " — "))
    if cut >= 0 and text[cut] == "." and cut > 0 and text[cut - 1].isupper():
        cut = max(text.rfind(ch, lo, cut) for ch in ',;:“”"\n(')  # "U.S." is no boundary
    return cut + 1 if cut >= 0 else lo


def _clause_after(text: str, pos: int) -> int:
    m = re.match(r"\s+(?:of|to|for|in|at)\s+(?:the\s+)?[^,;:.“”\"\n]{1,40}", text[pos:])
    return pos + m.end() if m else pos


def _qualifiers(reading: Reading, adjectives, lo: int, ns: int, ne: int, hi: int):
    """(states, organisations, where the qualifiers start) around the noun at [ns, ne)."""
    text = reading.text
    states: list[tuple[int, str]] = []  # (distance from the noun, id): the nearest first
    orgs: list[tuple[int, str]] = []
    first = ns
    for f in reading.found:
        if not (lo <= f.start and f.end <= hi) or ns <= f.start < ne:
            continue
        entity = reading.registry.entities[f.entity]
        near = ns - f.end if f.start < ns else hi + f.start - ne  # before the noun first
        if f.kind == "state":
            states.append((near, f.entity))
        elif f.kind == "organisation" and entity.attr("kind") != "news-outlet":
            orgs.append((near, f.entity))
        elif f.kind == "place" and text[f.end : f.end + 2] in ("'s", "’s"):
            state = state_of_place(reading, f.entity)
            if state:
                states.append((near, state))
        elif f.kind == "person" and text[f.end : f.end + 2] in ("'s", "’s") and f.start < ns:
            state = entity.attr("nationality")  # "Putin's spokesman": of Putin's state, and
            if state:  # someone's own: no registry post names him (see `_find_roles`)
                states.append((near, state))
        else:
            continue
        if f.start < ns:
            first = min(first, f.start)
    for m in re.finditer(r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?", text[lo:ns]):
        state = adjectives.get(m.group()) or adjectives.get(m.group().split()[-1])
        if state:
            states.append((ns - lo - m.end(), state))
            first = min(first, lo + m.start())
    for m in re.finditer(r"[A-Z][a-z]+", text[ne:hi]):  # "a spokesman for the Pakistani …"
        state = adjectives.get(m.group())
        if state:
            states.append((hi + m.start(), state))
    return _nearest(states), _nearest(orgs), first


def _nearest(found: list[tuple[int, str]]) -> list[str]:
    return list(dict.fromkeys(ident for _, ident in sorted(found)))


def state_of_place(reading: Reading, place: str) -> str | None:
    seen = set()
    while place and place not in seen:
        seen.add(place)
        entity = reading.registry.entities.get(place)
        if entity is None:
            return None
        if entity.kind == "state":
            return entity.id
        place = entity.attr("in")
    return None


def _holders(reading: Reading, office: str, states, orgs) -> frozenset[str]:
    registry = reading.registry
    people = set()
    for post in registry.of_kind("post"):
        if post.attr("office") != office:
            continue
        of, to = post.attr("of"), post.attr("to")
        owner = registry.entities.get(of) if of else None
        of_state = of if owner is None or owner.kind == "state" else owner.attr("part_of")
        if orgs and of not in orgs:
            continue
        if not orgs and states and of_state not in states and of not in states:
            continue
        others = [s for s in states if s not in (of, of_state)]
        if others and to and to not in others:
            continue
        people |= {h.person for h in registry.holdings if h.post == post.id and _held(h, reading)}
    return frozenset(people)


def _held(holding, reading: Reading) -> bool:
    """Whether the holding covers the article's date (unknown dates cover everything)."""
    day = reading.date
    if day is None:
        return True
    iso = day.isoformat() if isinstance(day, dt.date) else str(day)
    if holding.start and iso[: len(holding.start)] < holding.start:
        return False
    return not (holding.end and iso[: len(holding.end)] > holding.end)


# a verb right after a role phrase: the phrase is a clause's subject, not an apposition
CLAUSE_VERB = re.compile(
    r"\s+(?:was|is|were|are|has|have|had|will|would|said|says|told|tells|added|stressed)\b"
)


def titled_people(reading: Reading) -> dict[str, tuple[Role, ...]]:
    """person -> the role phrases the text gives them as a title ("Iraqi President Jalal
    Talabani", "U.S. Ambassador Ryan Crocker") or an apposition ("Ryan Crocker, the US envoy
    in Iraq"): what the article itself says they are."""
    cached = reading.cache.get("titles")
    if cached is not None:
        return cached
    text = reading.text
    out: dict[str, list[Role]] = {}
    people = [f for f in reading.found if f.kind == "person"]
    for role in all_roles(reading):
        if role.office is None or role.plural:
            continue
        named = [
            f for f in people if f.start >= role.end and not text[role.end : f.start].strip(" ")
        ]
        for f in people:
            before = f in named or f.start <= role.start < role.end < f.end  # "King Abdullah"
            after = f.end <= role.start and re.fullmatch(
                r",\s*(?:the\s+|an?\s+)?", text[f.end : role.start]
            )
            after = after and not named  # "X, Greek Prime Minister Y": the title is Y's
            # "… with Powell and Rice, a South African spokesperson was quoted": a new subject
            after = after and not CLAUSE_VERB.match(text, role.end)
            if before or after:
                out.setdefault(f.entity, []).append(role)
    result = {k: tuple(v) for k, v in out.items()}
    reading.cache["titles"] = result
    return result


def same_post(role, title) -> bool:
    office = title.office == role.office or (
        role.office == "minister" and title.office in MINISTERS
    )
    return office and (role.party is None or title.party is None or title.party == role.party)


def titled_holder(reading: Reading, role: Role) -> str | None:
    """The one person the text itself titles with the post of `role` before it ("Ethiopian
    Prime Minister Abiy Ahmed Ali" … "the Ethiopian prime minister"), when the registry ties
    the role to no one; None when the text titles no one or several so."""
    if role.office is None or role.plural or role.people:
        return None
    people = [
        p
        for p, titles in titled_people(reading).items()
        if any(same_post(role, t) and t.end <= role.start for t in titles)
        and _of_party(reading, p, role, titles)
    ]
    return people[0] if len(people) == 1 else None


def _of_party(reading: Reading, person: str, role: Role, titles) -> bool:
    """Whether a qualified role ("the US president") fits a person titled without a state
    ("President Sisi"): their titles or their registry nationality say the same state."""
    if role.party is None or any(t.party == role.party for t in titles):
        return True
    entity = reading.registry.entities.get(person)
    return entity is not None and entity.attr("nationality") == role.party
