"""Registry entities named in an article's text, by registry spelling or transliteration."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from parley.authoring.spellings import demonyms, transliteration_variants
from parley.model.records import Entity, Registry
from parley.seeds.quotes import in_any, word_occurrences

# letters NFKD does not take apart
SPECIAL = {"ı": "i", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D"}
# the kinds of registry entity that an article's text names
MENTION_KINDS = ("person", "state", "organisation", "place")


@dataclass(frozen=True)
class Found:
    """A registry entity found in the text."""

    entity: str
    kind: str
    start: int
    end: int
    spelling: str


def find_mentions(
    registry: Registry, text: str, excluded: list[tuple[int, int]]
) -> tuple[list[Found], dict[str, str]]:
    """The mentions in `text` outside `excluded` (longest first, never overlapping), and the
    transliterated spellings that occur in the text (spelling -> registry form)."""
    variants: dict[str, str] = {}
    owners: dict[str, set[str]] = {}
    for e in registry.entities.values():
        if e.kind not in MENTION_KINDS:
            continue
        for spelling in _spellings(e, text, variants):
            owners.setdefault(spelling, set()).add(e.id)
    hits = []
    for spelling, ids in owners.items():
        if len(ids) != 1:
            continue  # shared by two entities: see `_shared`
        (entity_id,) = ids
        for s, t in word_occurrences(text, spelling):
            if not in_any(s, t, excluded):
                hits.append((s, t, entity_id, spelling))
    hits += _shared(registry, text, excluded, owners, hits)
    kept: list[tuple[int, int, str, str]] = []
    for hit in sorted(hits, key=lambda h: (-(h[1] - h[0]), h[0], h[2])):
        if not any(hit[0] < k[1] and k[0] < hit[1] for k in kept):
            kept.append(hit)
    found = [Found(e, registry.entities[e].kind, s, t, sp) for s, t, e, sp in sorted(kept)]
    return found, variants


def _shared(registry: Registry, text: str, excluded, owners, hits) -> list:
    """Occurrences of a spelling two people share ("Wang" of Wang Yi and Wang Wenbin): the one
    the text named before it by a longer spelling, when only one was ("spokesperson Wang
    Wenbin said …. Wang told …"); of one two organisations share, the one of the state named
    just before it, else the one named before by a longer spelling alone; else left out."""
    out = []
    for spelling, ids in owners.items():
        kinds = {registry.entities[i].kind for i in ids}
        if len(ids) < 2 or kinds not in ({"person"}, {"organisation"}):
            continue
        for s, t in word_occurrences(text, spelling):
            if in_any(s, t, excluded):
                continue
            named = {h[2] for h in hits if h[2] in ids and h[1] <= s and len(h[3]) > len(spelling)}
            if kinds == {"organisation"}:  # "the Chinese foreign ministry … the foreign ministry"
                named = _of_state(registry, text, s, ids) or named
            if len(named) == 1:
                out.append((s, t, named.pop(), spelling))
    return out


def _of_state(registry: Registry, text: str, s: int, ids: set[str]) -> set[str]:
    """Of organisations sharing a spelling ("Foreign Ministry"), those of the state named just
    before it ("Chile's Foreign Ministry", "the Chilean Foreign Ministry")."""
    word = re.search(r"([A-Z][\w-]*(?: [A-Z][\w-]*)?)(?:['’]s)?\s+$", text[max(0, s - 40) : s])
    if word is None:
        return set()
    states = {e.id for e in registry.of_kind("state") if word.group(1) in (e.label, *e.spellings)}
    states |= {state for adj, state in demonyms(registry).items() if adj == word.group(1)}
    return {i for i in ids if registry.entities[i].attr("part_of") in states}


def _spellings(e: Entity, text: str, variants: dict[str, str]) -> list[str]:
    """The entity's spellings and label, and (for people and places) their transliteration
    variants and their forms with other diacritics that occur in `text`, each recorded in
    `variants`."""
    base = list(dict.fromkeys([*e.spellings, e.label]))
    out = list(base)
    for spelling in base:
        if e.kind not in ("person", "place"):
            continue
        found = [v for v in sorted(transliteration_variants(spelling)) if v in text]
        for variant in found + _accented(spelling, text):
            if variant not in out:
                out.append(variant)
                variants[variant] = spelling
    return out


def _accented(spelling: str, text: str) -> list[str]:
    """The forms of `spelling` in `text` that differ from it only by diacritics ("López
    Obrador" for "Lopez Obrador", "Erdoğan" for "Erdogan", and the other way round)."""
    key = fold(spelling)
    if len(key) != len(spelling):
        return []
    folded = _folded(text)
    if len(folded) != len(text):
        return []
    out, at = [], folded.find(key)
    while at >= 0:
        form = text[at : at + len(key)]
        if form != spelling and form not in out:
            out.append(form)
        at = folded.find(key, at + 1)
    return out


def fold(text: str) -> str:
    """`text` without diacritics, one character for one (a letter without a plain form, "ß",
    stays)."""
    return "".join(_plain(ch) for ch in text)


@functools.lru_cache(maxsize=4)
def _folded(text: str) -> str:
    return fold(text)


def _plain(ch: str) -> str:
    if ch.isascii():
        return ch
    base = unicodedata.normalize("NFKD", ch)[:1]
    return SPECIAL.get(ch, base if base.isascii() and base.isalpha() else ch)
